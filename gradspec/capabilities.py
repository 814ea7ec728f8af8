"""Capabilities: the APIs a library may or may not have an analogue of.

A capability says that a library *has* an API, never how it behaves: what the API does is the
specs' to judge.  Each name of the step language that needs one declares it
(:mod:`gradspec.language.steps`), a spec's ``requires`` lists exactly the capabilities of the
names it uses, and an adapter declares those its library has; a spec needing one the adapter
lacks is reported not applicable.
"""

from __future__ import annotations

from typing import Final

CAPABILITIES: Final[dict[str, str]] = {
    "requires_grad": "the requires_grad flag: the requires_grad= argument of tensor creation and the readable .requires_grad",
    "requires_grad_setter": "assignment to a tensor's .requires_grad",
    "requires_grad_method": "requires_grad_() on a tensor",
    "is_leaf": "the .is_leaf attribute of a tensor",
    "backward": "backward() on a tensor, and the .grad of its leaves",
    "grad_assign": "assignment to a tensor's .grad",
    "data_alias": "the .data attribute of a tensor",
    "detach": "detach() on a tensor",
    "detach_": "detach_() on a tensor",
    "version_counter": "a readable version counter of a tensor (torch's ._version)",
    "inplace": "in-place methods: zero_(), fill_(), add_(), sub_(), mul_(), div_(), copy_() and each unary operation's <name>_()",
    "grad_modes": "no_grad() and is_grad_enabled()",
    "enable_grad": "enable_grad()",
    "grad_mode_decorators": "grad-mode objects as function decorators (@no_grad, @no_grad(), @enable_grad()...)",
    "set_grad_enabled": "set_grad_enabled(mode)",
    "inference_mode": "inference_mode(), is_inference_mode_enabled() and a tensor's is_inference()",
    "modules": "linear layers and sequential containers, their parameters(), weight, bias and zero_grad()",
    "parameters": "a Parameter type (torch.nn.Parameter) of module parameters",
    "optimizers": "an SGD optimizer (lr, momentum, weight_decay) with step()",
    "device_moves": ".to(device) and .cpu()",
    "to_numpy": ".numpy()",
    "item": ".item()",
    "tolist": ".tolist()",
    "integer_dtypes": "tensors of integer and bool dtypes",
    "float16": "tensors of dtype float16",
    "error_kinds": "error_kind(): the adapter's mapping of the library's exceptions onto gradspec's canonical kinds (for expected errors and error_of())",
    "grad_fn": "the .grad_fn attribute of a tensor",
    "autograd_grad": "a function returning the gradients of outputs with respect to inputs (torch.autograd.grad)",
    "create_graph": "create_graph= of autograd_grad()",
    "backward_create_graph": "create_graph= of backward()",
    "retain_graph": "retain_graph= of backward() and autograd_grad()",
    "allow_unused": "allow_unused= of autograd_grad()",
    "materialize_grads": "materialize_grads= of autograd_grad()",
    "autograd_grad_is_grads_batched": "is_grads_batched= of autograd_grad()",
    "gradient_edges": "get_gradient_edge(t), an input of autograd_grad() (torch.autograd.graph.get_gradient_edge)",
    "backward_inputs": "inputs= of backward()",
    "retain_grad": "retain_grad() on a tensor",
    "retains_grad": "the .retains_grad attribute of a tensor",
    "hooks": "register_hook() on tensors, returning a handle with remove()",
    "post_accumulate_hooks": "register_post_accumulate_grad_hook() on tensors",
    "views": "view(), transpose(), expand(), unsqueeze() and t()",
    "strides": "stride(), is_contiguous() and contiguous()",
    "train_eval": "train()/eval() modes of modules, .training, dropout and batch norm (with running_mean, running_var)",
    "from_numpy": "from_numpy(array)",
    "as_tensor": "as_tensor(value)",
    "complex": "complex dtypes, .real, .imag and conj()",
    "conj_resolution": "resolve_conj() and resolve_neg()",
    "conj_bit": "is_conj() on a tensor (Tensor.is_conj)",
    "parameter_constructor": "parameter(tensor): a tensor wrapped as a module parameter",
    "dtype_conversion": ".to(dtype)",
    "forward_ad": "forward-mode AD: a function returning a function's Jacobian-vector products (torch.func.jvp, jax.jvp, mlx.core.jvp)",
    "bfloat16": "tensors of dtype bfloat16",
    "functional_api": "the functional higher-level API: a function's Jacobian, Hessian and their vector products at given inputs (torch.autograd.functional)",
    "functional_create_graph": "create_graph= of the functional API's functions (torch.autograd.functional)",
    "functional_strict": "strict= of the functional API's functions (torch.autograd.functional)",
    "anomaly_detection": "anomaly detection: detect_anomaly(), set_detect_anomaly(), is_anomaly_enabled() (torch.autograd)",
    "autograd_backward": "torch.autograd.backward(tensors, grad_tensors): backward from several roots in one call",
    "checkpointing": "activation checkpointing: checkpoint() and checkpoint_sequential() (torch.utils.checkpoint)",
    "checkpoint_use_reentrant": "use_reentrant= of checkpoint() and checkpoint_sequential()",
    "checkpoint_determinism_check": "determinism_check= of checkpoint()",
    "allow_mutation_on_saved_tensors": "allow_mutation_on_saved_tensors() (torch.autograd.graph.allow_mutation_on_saved_tensors)",
    "norm": "norm(t): the 2-norm of a tensor (Tensor.norm)",
    "dual_numbers": "forward-mode AD's dual tensors: dual_level(), make_dual(), unpack_dual() (torch.autograd.forward_ad)",
    "functional_vectorize": "vectorize= and strategy= of the functional jacobian() and hessian()",
    "custom_function": "custom_function(forward, backward): a Function whose forward and backward are step functions, and its ctx (torch.autograd.Function)",
    "custom_function_setup_context": "setup_context= of custom_function(): a forward without ctx (Function.setup_context)",
    "custom_function_jvp": "jvp= of custom_function(): the Function's forward-mode derivative (Function.jvp)",
    "once_differentiable": "once_differentiable= of custom_function() (torch.autograd.function.once_differentiable)",
    "custom_function_vjp": "vjp= of custom_function(): the Function's vjp (Function.vjp)",
    "custom_function_clear_saved_tensors_on_access": "clear_saved_tensors_on_access= of custom_function(): the Function class flag (Function.clear_saved_tensors_on_access)",
    "custom_function_boxed_grads_call": "boxed_grads_call= of custom_function(): the Function class flag (Function.boxed_grads_call)",
    "gradcheck": "numerical gradient checking: gradcheck() and gradgradcheck() (torch.autograd.gradcheck)",
    "gradcheck_fast_mode": "fast_mode= of gradcheck() and gradgradcheck()",
    "saved_tensors_hooks": "hooks for saved tensors: saved_tensors_hooks(pack, unpack) and disable_saved_tensors_hooks() (torch.autograd.graph)",
    "save_on_cpu": "save_on_cpu(): saved tensors kept on the CPU (torch.autograd.graph.save_on_cpu)",
    "user_modules": "module(), set_member(), member(), named_parameters(): a module a spec builds member by member (torch.nn.Module)",
    "buffers": "register_buffer() and buffers() of a module (Module.register_buffer)",
    "state_dict": "state_dict() and load_state_dict() of a module (Module.state_dict)",
    "load_state_dict_assign": "assign= of load_state_dict()",
    "graph_nodes": "the graph nodes of .grad_fn: name(), next_functions and their type (torch.autograd.graph.Node)",
    "node_hooks": "register_hook() and register_prehook() on graph nodes (Node.register_hook, Node.register_prehook)",
    "saved_tensor_attributes": "a graph node's saved tensors read by name (torch: grad_fn._saved_<name>)",
    "saved_tensor_register_hooks": "register_hooks(pack, unpack) on one saved tensor of a graph node (torch: grad_fn._raw_saved_<name>)",
    "shares_storage": "shares_storage(a, b) on two tensors' memory (torch: untyped_storage().data_ptr())",
    "multi_grad_hooks": "register_multi_grad_hook(tensors, fn, mode=) (torch.autograd.graph.register_multi_grad_hook)",
    "increment_version": "increment_version(t) (torch.autograd.graph.increment_version)",
    "module_backward_hooks": "register_full_backward_hook(hook) on modules (Module.register_full_backward_hook)",
    "module_backward_pre_hooks": "register_full_backward_pre_hook(hook) on modules (Module.register_full_backward_pre_hook)",
    "nn_init": "init_uniform_(), init_constant_() and init_normal_() (torch.nn.init)",
    "variable_class": "Variable(t, requires_grad=) (torch.autograd.Variable)",
}

#: Capabilities that come together: a construct of the language and its keywords.  An adapter
#: whose library has no analogue of a construct lacks all of its group, for one reason
#: (:func:`lacking`).
GROUPS: Final[dict[str, tuple[str, ...]]] = {
    "checkpointing": ("checkpointing", "checkpoint_use_reentrant", "checkpoint_determinism_check"),
    "custom_function": (
        "custom_function",
        "custom_function_setup_context",
        "custom_function_jvp",
        "once_differentiable",
        "custom_function_vjp",
        "custom_function_clear_saved_tensors_on_access",
        "custom_function_boxed_grads_call",
    ),
    "gradcheck": ("gradcheck", "gradcheck_fast_mode"),
    "saved_tensors_hooks": ("saved_tensors_hooks", "save_on_cpu"),
    "module_state": ("user_modules", "buffers", "state_dict", "load_state_dict_assign"),
    "functional_api": ("functional_api", "functional_create_graph", "functional_strict"),
    "module_hooks": ("module_backward_hooks", "module_backward_pre_hooks"),
    "graph_nodes": ("graph_nodes", "node_hooks", "saved_tensor_attributes", "saved_tensor_register_hooks"),
}


def lacking(group: str, reason: str) -> dict[str, str]:
    """An adapter's ``lacks`` entries for every capability of ``group``, with one ``reason``."""
    return dict.fromkeys(GROUPS[group], reason)
