"""The canonical error kinds a spec may expect in ``raises.kind`` (and ``error_of`` returns).

Adapters map their library's exceptions onto these kinds, matching only a stable part of the
message; the text says which documented situation each kind stands for.
"""

from __future__ import annotations

from typing import Final

ERROR_KINDS: Final[dict[str, str]] = {
    "requires_grad_dtype": "a tensor of an integer or bool dtype was asked to require grad",
    "no_grad_fn": "backward() on a tensor that does not require grad and has no grad_fn",
    "inplace_modified": "a tensor saved for backward was modified in place (version counter mismatch)",
    "leaf_inplace": "an in-place operation on a leaf tensor that requires grad",
    "item_not_single": "item() on a tensor that does not hold exactly one element",
    "backward_non_scalar": "backward() without a gradient on a tensor with more than one element",
    "numpy_requires_grad": "numpy() on a tensor that requires grad",
    "numpy_device": "numpy() on a tensor that is not in CPU memory",
    "device_mismatch": "an operation mixed tensors on different devices",
    "graph_freed": "backward through a graph whose saved tensors were already freed",
    "nonleaf_requires_grad": "requires_grad changed on a tensor that is not a leaf",
    "detach_view": "detach_() on a view",
    "view_leaf_inplace": "an in-place operation through a view of a leaf that requires grad",
    "inference_saved": "an inference tensor used where autograd must save it for backward",
    "inference_inplace": "an inference tensor changed in place outside inference mode",
    "inference_requires_grad": "requires_grad set on an inference tensor outside inference mode",
    "inference_version": "the version counter of an inference tensor read",
    "unused_input": "a gradient asked for an input the outputs do not depend on",
    "input_no_grad": "a gradient asked for an input that does not require grad",
    "hook_no_grad": "a hook registered on a tensor that does not require grad",
    "post_hook_nonleaf": "a post-accumulate-grad hook registered on a tensor that is not a leaf",
    "retain_grad_no_grad": "retain_grad() on a tensor that does not require grad",
    "grad_shape_mismatch": "a gradient given to backward whose shape differs from the output's",
    "grad_assign_mismatch": "a .grad assigned with another shape or dtype than the tensor's",
    "numpy_lazy_bit": "numpy() on a tensor with the lazy conjugate or negative bit set",
    "numpy_negative_strides": "a tensor made from a NumPy array with negative strides",
    "numpy_dtype": "a tensor made from a NumPy array of an unsupported dtype",
    "device_unavailable": "a device the build or machine does not have",
    "materialize_without_unused": "materialize_grads=True with allow_unused=False",
    "anomaly_nan": "a backward function returned NaN values under anomaly detection",
    "checkpoint_reentrant_grad": "autograd_grad() through a checkpoint() with use_reentrant=True",
    "saved_tensors_hooks_disabled": "entering saved_tensors_hooks() inside disable_saved_tensors_hooks()",
    "saved_tensor_pack_inplace": "a pack hook of saved_tensors_hooks() that changes its tensor in place",
    "saved_tensor_freed": "register_saved_hooks() on a saved tensor that backward already freed",
    "module_hook_inplace": "an in-place change of a module's output while the module has full backward hooks",
    "state_dict_mismatch": "load_state_dict() with strict=True of a state dict with missing or unexpected keys",
    "gradcheck_mismatch": "gradcheck() or gradgradcheck() finding gradients that differ from finite differences",
    "once_differentiable_twice": "differentiating the gradient of a custom_function() made with once_differentiable=True",
    "function_backward_and_vjp": "the backward of a custom_function() given both backward and vjp",
    "allow_mutation_nested": "allow_mutation_on_saved_tensors() entered inside another",
    "checkpoint_recompute_mismatch": "a checkpoint() whose recomputation gave tensors of another shape, dtype or device",
    "gradient_edge_no_grad": "get_gradient_edge() of a tensor that does not require grad",
    "saved_tensors_read_twice": "ctx.saved_tensors read again in a custom_function() made with clear_saved_tensors_on_access=True",
    "dual_no_level": "make_dual() outside any dual_level()",
    "dual_not_floating": "make_dual() with a primal or tangent of neither a floating point nor a complex dtype",
    "dual_nested": "a dual_level() entered inside another",
    "broadcast_mismatch": "an operation on tensors whose shapes do not broadcast together",
    "inplace_broadcast_shape": "an in-place operation whose operands broadcast to another shape than its tensor's",
    "inplace_result_type": (
        "an in-place operation, or one writing its result into an out= tensor, whose result's dtype cannot be cast into"
        " that tensor's (a higher category)"
    ),
    "backward_non_real": "backward() without a gradient on a complex output",
    "grad_complex_mismatch": "a gradient given to backward that is complex for a real output, or real for a complex one",
    "forward_strategy_without_vectorize": "the functional jacobian() or hessian() with a forward-mode strategy and vectorize=False",
    "storage_not_resizable": "resize_() growing a tensor whose memory cannot be resized (one made by from_numpy())",
}
