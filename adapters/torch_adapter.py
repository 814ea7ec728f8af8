"""The reference adapter: PyTorch, on CPU and CUDA."""

from __future__ import annotations

import functools
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from gradspec.adapters.base import PYTHON_OPERATORS, AdapterBase
from gradspec.adapters.messages import compile_patterns, kind_by_message
from gradspec.errors import AdapterError
from gradspec.language.steps import INPLACE_METHODS
from gradspec.language.view_ops import VIEW_METHODS
from gradspec.values import DTYPES, OMITTED, DType, written

_VIEWS = ("view", "transpose", "expand", "unsqueeze", "t", "conj", "imag", "real")
_RESOLVE = ("resolve_conj", "resolve_neg", "contiguous")

#: torch's messages for each canonical error kind, from their start, with the exception type
#: torch raises them with (the hint text that follows them changes between releases and is
#: never matched).
_ERROR_PATTERNS = compile_patterns(
    (
        ("requires_grad_dtype", RuntimeError, r"only Tensors of floating point (and complex )?dtype can require gradients"),
        ("no_grad_fn", RuntimeError, r"element \d+ of tensors does not require grad and does not have a grad_fn"),
        (
            "inplace_modified",
            RuntimeError,
            r"one of the variables needed for gradient computation has been modified by an inplace operation",
        ),
        (
            "view_leaf_inplace",
            RuntimeError,
            r"a view of a leaf Variable that requires grad is being used in an in-place operation",
        ),
        ("leaf_inplace", RuntimeError, r"a leaf Variable that requires grad (is being|has been) used in an in-place operation"),
        ("item_not_single", RuntimeError, r"a Tensor with \d+ elements cannot be converted to Scalar"),
        ("backward_non_scalar", RuntimeError, r"grad can be implicitly created only for scalar outputs"),
        ("backward_non_real", RuntimeError, r"grad can be implicitly created only for real scalar outputs"),
        (
            "grad_complex_mismatch",
            RuntimeError,
            r"For complex Tensors, both grad_output and output are required to have the same dtype",
        ),
        ("broadcast_mismatch", RuntimeError, r"The size of tensor a \(\d+\) must match the size of tensor b \(\d+\)"),
        ("inplace_broadcast_shape", RuntimeError, r"output with shape \[[\d, ]*\] doesn't match the broadcast shape"),
        ("inplace_result_type", RuntimeError, r"result type \w+ can't be cast to the desired output type \w+"),
        ("storage_not_resizable", RuntimeError, r"Trying to resize storage that is not resizable"),
        ("numpy_requires_grad", RuntimeError, r"Can't call numpy\(\) on Tensor that requires grad"),
        ("numpy_device", TypeError, r"can't convert \S+ device type tensor to numpy"),
        ("device_mismatch", RuntimeError, r"Expected all tensors to be on the same device"),
        ("graph_freed", RuntimeError, r"Trying to backward through the graph a second time"),
        ("nonleaf_requires_grad", RuntimeError, r"you can only change requires_grad flags of leaf variables"),
        ("detach_view", RuntimeError, r"Can't detach views in-place"),
        ("inference_saved", RuntimeError, r"Inference tensors cannot be saved for backward"),
        ("inference_inplace", RuntimeError, r"Inplace update to inference tensor outside InferenceMode is not allowed"),
        (
            "inference_requires_grad",
            RuntimeError,
            r"Setting requires_grad=True on inference tensor outside InferenceMode is not allowed",
        ),
        ("inference_version", RuntimeError, r"Inference tensors do not track version counter"),
        # torch 2.13 names the tensor's index; earlier versions say "One of the differentiated Tensors".
        (
            "unused_input",
            RuntimeError,
            r"(The differentiated Tensor at index \d+|One of the differentiated Tensors) appears to not have been used in the graph",
        ),
        # The functional API with strict=True.
        ("unused_input", RuntimeError, r"Output \d+ of the user-provided function is independent of input \d+"),
        ("anomaly_nan", RuntimeError, r"Function '\w+' returned nan values in its \d+th output"),
        (
            "checkpoint_reentrant_grad",
            RuntimeError,
            r"When use_reentrant=True, torch.utils.checkpoint is incompatible with .grad\(\)",
        ),
        (
            "once_differentiable_twice",
            RuntimeError,
            r"trying to differentiate twice a function that was marked with @once_differentiable",
        ),
        (
            "function_backward_and_vjp",
            RuntimeError,
            r"Implementing both 'backward' and 'vjp' for a custom Function is not allowed",
        ),
        (
            "saved_tensors_read_twice",
            RuntimeError,
            r"saved_tensors can only be accessed once when clear_saved_tensors_on_access=True",
        ),
        ("allow_mutation_nested", RuntimeError, r"allow_mutation_on_saved_tensors contexts cannot be nested"),
        (
            "checkpoint_recompute_mismatch",
            RuntimeError,
            r"torch\.utils\.checkpoint: Recomputed values for the following tensors have different metadata",
        ),
        (
            "gradient_edge_no_grad",
            RuntimeError,
            r"It is not possible to get the gradient edge for a Tensor that does not require gradients",
        ),
        ("saved_tensor_pack_inplace", RuntimeError, r"A saved tensor pack hook is modifying its input in place"),
        ("saved_tensor_freed", RuntimeError, r"Calling register_hooks on a saved tensor after it has been freed"),
        (
            "module_hook_inplace",
            RuntimeError,
            r"Output \d+ of BackwardHookFunction is a view and (is being|its base or another view of its base has been) modified inplace",
        ),
        ("state_dict_mismatch", RuntimeError, r"Error\(s\) in loading state_dict for \w+:\s+(Missing|Unexpected) key"),
        ("gradcheck_mismatch", RuntimeError, r"Jacobian mismatch for output \d+ with respect to input \d+"),
        ("dual_no_level", RuntimeError, r"Trying to create a dual Tensor for forward AD but no level exists"),
        ("dual_not_floating", ValueError, r"Expected (primal|tangent) to be floating point or complex"),
        ("dual_nested", RuntimeError, r"Nested forward mode AD is not supported"),
        ("input_no_grad", RuntimeError, r"One of the differentiated Tensors does not require grad"),
        ("hook_no_grad", RuntimeError, r"cannot register a hook on a tensor that doesn't require gradient"),
        ("post_hook_nonleaf", RuntimeError, r"post accumulate grad hooks cannot be registered on non-leaf tensors"),
        ("retain_grad_no_grad", RuntimeError, r"can't retain_grad on Tensor that has requires_grad=False"),
        ("grad_shape_mismatch", RuntimeError, r"Mismatch in shape: grad_output\[\d+\] has a shape of"),
        ("grad_assign_mismatch", RuntimeError, r"attempting to assign a gradient (of size|with dtype)"),
        (
            "forward_strategy_without_vectorize",
            NotImplementedError,
            r"Computing Jacobian using forward-AD or forward-over-reverse Hessian is ?only implemented for `vectorize=True`",
        ),
        ("numpy_lazy_bit", RuntimeError, r"Can't call numpy\(\) on Tensor that has (conjugate|negative) bit set"),
        ("numpy_negative_strides", ValueError, r"At least one stride in the given numpy array is negative"),
        ("numpy_dtype", TypeError, r"can't convert np\.ndarray of type"),
        ("device_unavailable", AssertionError, r"Torch not compiled with CUDA enabled"),
        ("device_unavailable", RuntimeError, r"Found no NVIDIA driver|No CUDA GPUs are available"),
        (
            "materialize_without_unused",
            ValueError,
            r"Expected allow_unused to be True or not passed when materialize_grads=True",
        ),
    )
)


#: What a Function's context offers the step language: methods, and attributes read.
_CONTEXT_METHODS = frozenset({"save_for_backward", "mark_dirty", "mark_non_differentiable", "set_materialize_grads"})
_CONTEXT_ATTRIBUTES = frozenset({"saved_tensors", "needs_input_grad"})
#: The options of custom_function() the adapter passes on.
_FUNCTION_OPTIONS = frozenset(
    {"setup_context", "jvp", "once_differentiable", "vjp", "clear_saved_tensors_on_access", "boxed_grads_call"}
)
#: The ``torch.nn.init`` functions of the step language.
_NN_INIT = frozenset({"uniform_", "constant_", "normal_"})


class TorchAdapter(AdapterBase):
    """PyTorch: the behaviour every spec is written from."""

    name = "torch"
    library = "torch"
    device_kinds = ("cpu", "cuda")
    capabilities = frozenset(
        {
            "requires_grad",
            "requires_grad_setter",
            "requires_grad_method",
            "is_leaf",
            "backward",
            "grad_assign",
            "data_alias",
            "detach",
            "detach_",
            "version_counter",
            "inplace",
            "grad_modes",
            "enable_grad",
            "grad_mode_decorators",
            "set_grad_enabled",
            "inference_mode",
            "modules",
            "parameters",
            "optimizers",
            "device_moves",
            "to_numpy",
            "item",
            "tolist",
            "integer_dtypes",
            "float16",
            "error_kinds",
            "grad_fn",
            "autograd_grad",
            "create_graph",
            "backward_create_graph",
            "retain_graph",
            "allow_unused",
            "materialize_grads",
            "backward_inputs",
            "grad_inputs_dict",
            "retain_grad",
            "retains_grad",
            "hooks",
            "post_accumulate_hooks",
            "views",
            "view_ops",
            "python_warnings",
            "strides",
            "train_eval",
            "from_numpy",
            "as_tensor",
            "complex",
            "conj_resolution",
            "conj_bit",
            "parameter_constructor",
            "dtype_conversion",
            "to_device_dtype",
            "to_other",
            "to_copy",
            "device_objects",
            "forward_ad",
            "bfloat16",
            "anomaly_detection",
            "autograd_backward",
            "checkpointing",
            "custom_function",
            "custom_function_setup_context",
            "custom_function_jvp",
            "once_differentiable",
            "custom_function_vjp",
            "custom_function_clear_saved_tensors_on_access",
            "custom_function_boxed_grads_call",
            "function_ctx_attributes",
            "adaptive_optimizers",
            "add_param_group",
            "autograd_grad_is_grads_batched",
            "gradient_edges",
            "checkpoint_determinism_check",
            "allow_mutation_on_saved_tensors",
            "norm",
            "grad_dtype",
            "complex_from_parts",
            "gradcheck",
            "gradcheck_fast_mode",
            "saved_tensors_hooks",
            "save_on_cpu",
            "user_modules",
            "buffers",
            "state_dict",
            "load_state_dict_assign",
            "checkpoint_use_reentrant",
            "multi_grad_hooks",
            "increment_version",
            "module_backward_hooks",
            "module_backward_pre_hooks",
            "nn_init",
            "variable_class",
            "dual_numbers",
            "functional_api",
            "functional_create_graph",
            "functional_strict",
            "functional_vectorize",
            "graph_nodes",
            "node_hooks",
            "saved_tensor_attributes",
            "saved_tensor_register_hooks",
            "shares_storage",
            "random_factories",
            "empty_factory",
            "full_factory",
            "range_factories",
            "eye_factory",
            "new_factories",
            "like_factories",
            "manual_seed",
            "out_argument",
            "resize_",
            "multithreading_switch",
        }
    )
    #: PyTorch raises PyTorch's messages: a spec's ``raises.match`` is checked against them.
    pytorch_messages = True
    module = "torch"
    operations = {
        **PYTHON_OPERATORS,
        "neg": "neg",
        "exp": "exp",
        "sin": "sin",
        "cos": "cos",
        "tanh": "tanh",
        "sigmoid": "sigmoid",
        "relu": "relu",
        "abs": "abs",
        "square": "square",
        "sum": "sum",
        "mean": "mean",
    }

    def __init__(self) -> None:
        import torch

        self.torch = torch
        self.nn = torch.nn
        #: The messages given to disable_saved_tensors_hooks(), which torch raises as they are.
        self._hooks_disabled_messages: set[str] = set()
        self._dtypes = {name: getattr(torch, "bool" if name == "bool" else name) for name in DTYPES}
        self._dtypes["bfloat16"] = torch.bfloat16
        self._names = {dtype: name for name, dtype in self._dtypes.items()}
        self._grad_modes: dict[str, Any] = {
            "no_grad": torch.no_grad,
            "enable_grad": torch.enable_grad,
            "set_grad_enabled": torch.set_grad_enabled,
            "inference_mode": torch.inference_mode,
        }
        self._grad_mode_types = tuple(self._grad_modes.values())

    # -- the library and its environment --------------------------------------------------
    def library_version(self) -> str:
        return self.torch.__version__

    def devices(self) -> list[str]:
        found = ["cpu"]
        if self.torch.cuda.is_available():
            found += [f"cuda:{index}" for index in range(self.torch.cuda.device_count())]
        return found

    def seed(self, seed: int) -> None:
        # torch.manual_seed also visits every accelerator backend (about 100x slower); seed the
        # generators parameter initialisation can use here: the CPU one, and CUDA's once in use.
        self.torch.default_generator.manual_seed(seed)
        if self.torch.cuda.is_initialized():
            self.torch.cuda.manual_seed_all(seed)

    def reset(self) -> None:
        """torch's defaults: grad mode on, anomaly detection off (NaN checks on for when it is
        enabled), float32 default dtype, nondeterministic algorithms allowed, autograd
        multithreading on, autocast off (CPU and CUDA), highest float32 matmul precision.  Inference
        mode has no global switch (only its context): an example that leaves it entered shows in
        :meth:`global_state`."""
        torch = self.torch
        torch.set_grad_enabled(True)
        torch.autograd.set_detect_anomaly(False)
        torch.set_default_dtype(torch.float32)
        torch.autograd.set_multithreading_enabled(True)
        torch.set_autocast_enabled("cpu", False)
        torch.set_autocast_enabled("cuda", False)
        if torch.are_deterministic_algorithms_enabled() or torch.is_deterministic_algorithms_warn_only_enabled():
            torch.use_deterministic_algorithms(False)  # a slow setter: called only when the mode is changed
        if torch.get_float32_matmul_precision() != "highest":
            torch.set_float32_matmul_precision("highest")

    def global_state(self) -> dict[str, Any]:
        """torch's global modes that change what an operation or ``backward()`` does."""
        torch = self.torch
        return {
            "grad_enabled": torch.is_grad_enabled(),
            "inference_mode": torch.is_inference_mode_enabled(),
            "anomaly_detection": torch.is_anomaly_enabled(),
            "anomaly_check_nan": torch.is_anomaly_check_nan_enabled(),
            "default_dtype": str(torch.get_default_dtype()),
            "deterministic_algorithms": torch.are_deterministic_algorithms_enabled(),
            "deterministic_warn_only": torch.is_deterministic_algorithms_warn_only_enabled(),
            "autograd_multithreading": torch.autograd.is_multithreading_enabled(),
            "autocast_cpu": torch.is_autocast_enabled("cpu"),
            "autocast_cuda": torch.is_autocast_enabled("cuda"),
            "float32_matmul_precision": torch.get_float32_matmul_precision(),
        }

    # -- tensors ---------------------------------------------------------------------------
    def is_tensor(self, value: Any) -> bool:
        return isinstance(value, self.torch.Tensor)

    def tensor(self, array: np.ndarray, *, requires_grad: Any, device: str) -> Any:
        if requires_grad is OMITTED:
            return self.torch.tensor(array, device=device)
        return self.torch.tensor(array, device=device, requires_grad=requires_grad)

    def copy_construct(self, tensor: Any, *, requires_grad: Any, device: str) -> Any:
        with warnings.catch_warnings():  # torch recommends detach().clone() here, by design
            warnings.simplefilter("ignore", UserWarning)
            if requires_grad is OMITTED:
                return self.torch.tensor(tensor, device=device)
            return self.torch.tensor(tensor, device=device, requires_grad=requires_grad)

    def create(self, factory: str, shape: tuple[int, ...], dtype: DType, *, requires_grad: Any, device: str) -> Any:
        function = {"zeros": self.torch.zeros, "ones": self.torch.ones}[factory]
        if requires_grad is OMITTED:
            return function(shape, dtype=self._dtype(dtype), device=device)
        return function(shape, dtype=self._dtype(dtype), device=device, requires_grad=requires_grad)

    def create_like(self, factory: str, other: Any) -> Any:
        return {"zeros": self.torch.zeros_like, "ones": self.torch.ones_like}[factory](other)

    def factory(self, name: str, args: tuple[Any, ...], dtype: DType, *, requires_grad: Any, device: str) -> Any:
        function = getattr(self.torch, name)  # torch.randn, rand, empty, full, arange, linspace, eye
        options = written(requires_grad=requires_grad)
        return function(*args, dtype=self._dtype(dtype), device=device, **options)

    def new_factory(self, name: str, tensor: Any, args: tuple[Any, ...], dtype: DType | None, *, requires_grad: Any) -> Any:
        options = written(requires_grad=requires_grad)
        if dtype is not None:
            options["dtype"] = self._dtype(dtype)
        return getattr(tensor, name)(*args, **options)

    def factory_like(self, name: str, other: Any, args: tuple[Any, ...], dtype: DType | None, *, requires_grad: Any) -> Any:
        options = written(requires_grad=requires_grad)
        if dtype is not None:
            options["dtype"] = self._dtype(dtype)
        return getattr(self.torch, name)(other, *args, **options)  # torch.randn_like, rand_like, empty_like, full_like

    def manual_seed(self, seed: int) -> None:
        self.torch.manual_seed(seed)

    def values(self, tensor: Any) -> np.ndarray:
        tensor = tensor.detach().cpu().resolve_conj().resolve_neg()
        if tensor.dtype == self.torch.bfloat16:  # NumPy has no bfloat16: its values, exactly, in float32
            tensor = tensor.float()
        # force: a gradient that is known to be zero comes back as a ZeroTensor, which plain numpy() refuses
        return tensor.numpy(force=True).copy()

    def shape(self, tensor: Any) -> tuple[int, ...]:
        return tuple(tensor.shape)

    def dtype(self, tensor: Any) -> DType:
        name = self._names[tensor.dtype]
        return DTYPES.get(name) or DType(name)

    def device(self, tensor: Any) -> str:
        return str(tensor.device)

    def numel(self, tensor: Any) -> int:
        return tensor.numel()

    def _dtype(self, dtype: DType) -> Any:
        return self._dtypes[dtype.name]

    # -- the operator table ------------------------------------------------------------------
    @property
    def operators(self) -> frozenset[str]:
        """Every operator of the table: each is torch's own (``torch.<name>``, or a Tensor method)."""
        return _table_operators()

    def call_operator(self, name: str, *args: Any, **kwargs: Any) -> Any:
        return self._operator_function(name)(*args, **kwargs)

    def _operator_function(self, name: str) -> Any:
        """``torch.<name>`` (``torch.nn.functional.conv2d`` for ``nn.functional.conv2d``), else the
        Tensor method ``<name>`` (``expand``, ``__getitem__``)."""
        value: Any = self.torch
        for part in name.split("."):
            value = getattr(value, part, None)
            if value is None:
                break
        if value is None and "." not in name:
            value = getattr(self.torch.Tensor, name, None)
        if value is None:
            raise AdapterError(f"torch has no operator {name!r} (neither torch.{name} nor Tensor.{name})")
        if hasattr(value, "__get__") and not callable(value):  # an attribute (x.T, x.mH): read it
            return value.__get__
        return value

    def operand(self, array: np.ndarray, dtype: str, *, differentiable: bool, device: str) -> Any:
        return self.torch.tensor(array, dtype=self._dtypes[dtype], device=device, requires_grad=differentiable)

    def jvp(self, function: Any, primals: list[Any], tangents: list[Any]) -> list[Any]:
        found = self.torch.func.jvp(lambda *xs: tuple(function(*xs)), tuple(primals), tuple(tangents))
        return list(found[1])  # (outputs, tangent outputs)

    def autograd_backward(self, tensors: list[Any], *, grad_tensors: list[Any] | None) -> None:
        self.torch.autograd.backward(tensors, grad_tensors=grad_tensors)

    def detect_anomaly(self) -> Any:
        return self.torch.autograd.detect_anomaly()

    def set_detect_anomaly(self, mode: bool) -> Any:
        return self.torch.autograd.set_detect_anomaly(mode)

    def is_anomaly_enabled(self) -> bool:
        return self.torch.is_anomaly_enabled()

    def checkpoint(self, function: Any, args: list[Any], **options: Any) -> Any:
        return self.torch.utils.checkpoint.checkpoint(function, *args, **options)

    def checkpoint_sequential(self, model: Any, segments: int, input: Any, **options: Any) -> Any:
        return self.torch.utils.checkpoint.checkpoint_sequential(model, segments, input, **options)

    def custom_function(self, forward: Any, backward: Any, **options: Any) -> Any:
        """A ``torch.autograd.Function`` subclass of the step functions; its ``apply``."""
        unknown = set(options) - _FUNCTION_OPTIONS
        if unknown:
            raise AdapterError(f"custom_function() has no option {', '.join(sorted(unknown))}")
        setup_context, jvp, vjp = options.get("setup_context"), options.get("jvp"), options.get("vjp")
        members: dict[str, Any] = {
            flag: bool(options[flag]) for flag in ("clear_saved_tensors_on_access", "boxed_grads_call") if flag in options
        }
        if setup_context is None:
            members["forward"] = staticmethod(lambda ctx, *args: forward(ctx, *args))
        else:
            members["forward"] = staticmethod(lambda *args: forward(*args))
            members["setup_context"] = staticmethod(lambda ctx, inputs, output: setup_context(ctx, inputs, output))
        if backward is not None:
            run_backward = lambda ctx, *grads: backward(ctx, *grads)  # noqa: E731
            if options.get("once_differentiable"):
                run_backward = self.torch.autograd.function.once_differentiable(run_backward)
            members["backward"] = staticmethod(run_backward)
        if vjp is not None:
            members["vjp"] = staticmethod(lambda ctx, *grads: vjp(ctx, *grads))
        if jvp is not None:
            members["jvp"] = staticmethod(lambda ctx, *tangents: jvp(ctx, *tangents))
        function_class: Any = type("StepFunction", (self.torch.autograd.Function,), members)
        return function_class.apply

    def function_context(self, function_ctx: Any, name: str, *args: Any) -> Any:
        if name in _CONTEXT_ATTRIBUTES and not args:
            return getattr(function_ctx, name)
        if name not in _CONTEXT_METHODS:
            raise AdapterError(f"unknown Function context member {name!r}")
        return getattr(function_ctx, name)(*args)

    def _function_ctx(self, function_ctx: Any, name: str) -> Any:
        if not isinstance(function_ctx, self.torch.autograd.function.FunctionCtx):
            raise AdapterError(f".{name} of {type(function_ctx).__name__}: not a Function's ctx")
        return function_ctx

    def context_attribute(self, function_ctx: Any, name: str) -> Any:
        function_ctx = self._function_ctx(function_ctx, name)
        if not hasattr(function_ctx, name):
            raise AdapterError(f"the Function's ctx has no attribute {name!r} (nothing was stored there)")
        return getattr(function_ctx, name)

    def set_context_attribute(self, function_ctx: Any, name: str, value: Any) -> None:
        setattr(self._function_ctx(function_ctx, name), name, value)

    def gradcheck(self, name: str, function: Any, inputs: Any, **options: Any) -> Any:
        if isinstance(options.get("grad_outputs"), list):
            options["grad_outputs"] = tuple(options["grad_outputs"])
        inputs = tuple(inputs) if isinstance(inputs, list) else inputs
        return getattr(self.torch.autograd, name)(function, inputs, **options)

    def saved_tensors_hooks(self, pack: Any, unpack: Any) -> Any:
        return self.torch.autograd.graph.saved_tensors_hooks(pack, unpack)

    def save_on_cpu(self) -> Any:
        return self.torch.autograd.graph.save_on_cpu()

    def disable_saved_tensors_hooks(self, message: str) -> Any:
        self._hooks_disabled_messages.add(message)
        return self.torch.autograd.graph.disable_saved_tensors_hooks(message)

    def register_multi_grad_hook(self, tensors: list[Any], hook: Any, **options: Any) -> Any:
        unknown = set(options) - {"mode"}
        if unknown:
            raise AdapterError(f"register_multi_grad_hook() has no option {', '.join(sorted(unknown))}")
        return self.torch.autograd.graph.register_multi_grad_hook(tensors, hook, **options)

    def increment_version(self, tensor: Any) -> None:
        self.torch.autograd.graph.increment_version(tensor)

    def into(self, name: str, out: Any, *operands: Any) -> Any:
        # torch.<name> of each operation (its table maps the binary ones to Python's operators,
        # which take no out=); torch.relu takes no out= (nor does torch.nn.functional.relu).
        if name not in self.operations or name == "relu":
            raise AdapterError(f"torch.{name} takes no out= argument")
        return self.apply(getattr(self.torch, name), *operands, out=out)

    def resize_(self, tensor: Any, shape: tuple[int, ...]) -> Any:
        return tensor.resize_(*shape)

    def register_module_hook(self, module: Any, hook: Any, *, when: str) -> Any:
        module = self._module(module)
        if when == "pre":
            return module.register_full_backward_pre_hook(hook)
        return module.register_full_backward_hook(hook)

    def nn_init(self, name: str, tensor: Any, **options: Any) -> Any:
        if name not in _NN_INIT:
            raise AdapterError(f"unknown nn.init function {name!r}")
        return getattr(self.nn.init, name)(tensor, **options)

    def variable_class(self, tensor: Any, **options: Any) -> Any:
        return self.torch.autograd.Variable(tensor, **options)

    def empty_module(self) -> Any:
        return self.nn.Module()

    def set_member(self, module: Any, name: str, value: Any) -> None:
        setattr(self._module(module), name, value)

    def member(self, module: Any, name: str) -> Any:
        return getattr(self._module(module), name)

    def named_parameters(self, module: Any, **options: Any) -> list[tuple[str, Any]]:
        return list(self._module(module).named_parameters(**options))

    def register_buffer(self, module: Any, name: str, tensor: Any, **options: Any) -> None:
        self._module(module).register_buffer(name, tensor, **options)

    def buffers(self, module: Any) -> list[Any]:
        return list(self._module(module).buffers())

    def state_dict(self, module: Any, **options: Any) -> dict[str, Any]:
        return dict(self._module(module).state_dict(**options))

    def load_state_dict(self, module: Any, state: dict[str, Any], **options: Any) -> tuple[list[str], list[str]]:
        missing, unexpected = self._module(module).load_state_dict(state, **options)
        return list(missing), list(unexpected)

    def _module(self, value: Any) -> Any:
        if not isinstance(value, self.nn.Module):
            raise AdapterError(f"expected a module, not {type(value).__name__}")
        return value

    def dual_level(self) -> Any:
        return self.torch.autograd.forward_ad.dual_level()

    def make_dual(self, primal: Any, tangent: Any) -> Any:
        return self.torch.autograd.forward_ad.make_dual(primal, tangent)

    def unpack_dual(self, tensor: Any) -> Any:
        return self.torch.autograd.forward_ad.unpack_dual(tensor)

    def functional(self, name: str, function: Any, inputs: Any, **options: Any) -> Any:
        if isinstance(options.get("v"), list):
            options["v"] = tuple(options["v"])
        inputs = tuple(inputs) if isinstance(inputs, list) else inputs
        return getattr(self.torch.autograd.functional, name)(function, inputs, **options)

    def _node(self, value: Any) -> Any:
        if not isinstance(value, self.torch.autograd.graph.Node):
            raise AdapterError(f"expected a graph node (a grad_fn), not {type(value).__name__}")
        return value

    def node_name(self, node: Any) -> str:
        return self._node(node).name()

    def next_functions(self, node: Any) -> list[tuple[Any, int]]:
        return list(self._node(node).next_functions)

    def is_graph_node(self, value: Any) -> bool:
        return isinstance(value, self.torch.autograd.graph.Node)

    def register_node_hook(self, node: Any, hook: Any, *, when: str) -> Any:
        node = self._node(node)
        return node.register_prehook(hook) if when == "pre" else node.register_hook(hook)

    def saved_tensor(self, node: Any, name: str) -> Any:
        node = self._node(node)
        try:
            return getattr(node, f"_saved_{name}")
        except AttributeError:
            raise AdapterError(f"{node.name()} saved nothing under {name!r}") from None

    def register_saved_tensor_hooks(self, node: Any, name: str, pack: Any, unpack: Any) -> None:
        node = self._node(node)
        try:
            saved = getattr(node, f"_raw_saved_{name}")
        except AttributeError:
            raise AdapterError(f"{node.name()} saved nothing under {name!r}") from None
        saved.register_hooks(pack, unpack)

    def shares_storage(self, a: Any, b: Any) -> bool:
        return bool(a.untyped_storage().data_ptr() == b.untyped_storage().data_ptr())

    # -- operations ------------------------------------------------------------------------
    def reshape(self, tensor: Any, shape: Sequence[int]) -> Any:
        return tensor.reshape(*shape)

    def inplace(self, name: str, tensor: Any, *args: Any) -> Any:
        if name not in INPLACE_METHODS:
            raise AdapterError(f"unknown in-place operation {name!r}")
        return getattr(tensor, name)(*args)

    def clone(self, tensor: Any) -> Any:
        return tensor.clone()

    def view(self, name: str, tensor: Any, *args: Any) -> Any:
        if name not in _VIEWS:
            raise AdapterError(f"unknown view operation {name!r}")
        attribute = getattr(tensor, name)
        return attribute if name in ("imag", "real") else attribute(*args)

    def view_op(self, name: str, tensor: Any, *args: Any) -> Any:
        if name == "view_as_real":
            return self.torch.view_as_real(tensor)
        if name in ("T", "mT"):
            return getattr(tensor, name)
        if name not in VIEW_METHODS:
            raise AdapterError(f"unknown view operation {name!r}")
        return getattr(tensor, name)(*args)

    def resolve(self, name: str, tensor: Any) -> Any:
        if name not in _RESOLVE:
            raise AdapterError(f"unknown resolving operation {name!r}")
        return getattr(tensor, name)()

    def is_conj(self, tensor: Any) -> bool:
        return tensor.is_conj()

    def stride(self, tensor: Any) -> tuple[int, ...]:
        return tuple(tensor.stride())

    def is_contiguous(self, tensor: Any) -> bool:
        return tensor.is_contiguous()

    # -- autograd --------------------------------------------------------------------------
    def requires_grad(self, tensor: Any) -> bool:
        return tensor.requires_grad

    def set_requires_grad(self, tensor: Any, value: bool) -> None:
        tensor.requires_grad = value

    def requires_grad_(self, tensor: Any, value: bool) -> Any:
        return tensor.requires_grad_(value)

    def is_leaf(self, tensor: Any) -> bool:
        return tensor.is_leaf

    def grad_fn(self, tensor: Any) -> Any:
        return tensor.grad_fn

    def grad(self, tensor: Any) -> Any:
        return tensor.grad

    def set_grad(self, tensor: Any, value: Any) -> None:
        tensor.grad = value

    def grad_dtype(self, tensor: Any) -> DType | None:
        dtype = tensor.grad_dtype
        if dtype is None:
            return None
        name = self._names[dtype]
        return DTYPES.get(name) or DType(name)

    def set_grad_dtype(self, tensor: Any, dtype: DType | None) -> None:
        tensor.grad_dtype = None if dtype is None else self._dtype(dtype)

    def complex_from_parts(self, real: Any, imag: Any) -> Any:
        return self.torch.complex(real, imag)

    def retain_grad(self, tensor: Any) -> None:
        tensor.retain_grad()

    def retains_grad(self, tensor: Any) -> bool:
        return tensor.retains_grad

    def backward(
        self, tensor: Any, *, gradient: Any, retain_graph: bool | None, inputs: Any = None, create_graph: bool = False
    ) -> None:
        tensor.backward(gradient=gradient, retain_graph=retain_graph, inputs=inputs, create_graph=create_graph)

    def autograd_grad(
        self,
        outputs: Any,
        inputs: Any,
        *,
        grad_outputs: Any,
        retain_graph: bool | None,
        create_graph: bool,
        allow_unused: bool | None,
        materialize_grads: bool,
    ) -> tuple[Any, ...]:
        return self.torch.autograd.grad(
            outputs,
            inputs,
            grad_outputs=grad_outputs,
            retain_graph=retain_graph,
            create_graph=create_graph,
            allow_unused=allow_unused,
            materialize_grads=materialize_grads,
        )

    def autograd_grad_batched(self, outputs: Any, inputs: Any, *, is_grads_batched: bool, **options: Any) -> tuple[Any, ...]:
        return self.torch.autograd.grad(outputs, inputs, is_grads_batched=is_grads_batched, **options)

    def autograd_grad_dict(self, outputs: Any, inputs: dict[str, Any], **options: Any) -> dict[str, Any]:
        return self.torch.autograd.grad(outputs, inputs, **options)  # a dict since torch 2.13

    def backward_dict_inputs(
        self, tensor: Any, *, gradient: Any, retain_graph: bool | None, inputs: dict[str, Any], create_graph: bool = False
    ) -> None:
        tensor.backward(gradient=gradient, retain_graph=retain_graph, inputs=inputs, create_graph=create_graph)

    def gradient_edge(self, tensor: Any) -> Any:
        return self.torch.autograd.graph.get_gradient_edge(tensor)

    def allow_mutation_on_saved_tensors(self) -> Any:
        return self.torch.autograd.graph.allow_mutation_on_saved_tensors()

    def norm(self, tensor: Any) -> Any:
        return tensor.norm()

    def register_hook(self, tensor: Any, hook: Any, *, when: str) -> Any:
        if when == "post_accumulate":
            return tensor.register_post_accumulate_grad_hook(hook)
        return tensor.register_hook(hook)

    def remove_hook(self, handle: Any) -> None:
        handle.remove()

    def detach(self, tensor: Any) -> Any:
        return tensor.detach()

    def detach_(self, tensor: Any) -> Any:
        return tensor.detach_()

    def data(self, tensor: Any) -> Any:
        return tensor.data

    def set_data(self, tensor: Any, value: Any) -> None:
        tensor.data = value

    def version(self, tensor: Any) -> int:
        return tensor._version

    def grad_mode(self, name: str, *args: Any) -> Any:
        return self._grad_modes[name](*args)

    def is_grad_enabled(self) -> bool:
        return self.torch.is_grad_enabled()

    def is_inference_mode_enabled(self) -> bool:
        return self.torch.is_inference_mode_enabled()

    def set_multithreading_enabled(self, mode: bool) -> Any:
        return self.torch.autograd.set_multithreading_enabled(mode)

    def is_multithreading_enabled(self) -> bool:
        return self.torch.autograd.is_multithreading_enabled()

    def is_inference(self, tensor: Any) -> bool:
        return tensor.is_inference()

    # -- conversion ------------------------------------------------------------------------
    def to(self, obj: Any, target: DType | str) -> Any:
        return obj.to(self._dtype(target) if isinstance(target, DType) else target)

    def to_device_dtype(self, obj: Any, device: Any, dtype: DType, *, copy: Any = OMITTED) -> Any:
        options = written(copy=copy)
        return obj.to(device, self._dtype(dtype), **options)

    def to_other(self, obj: Any, other: Any, *, copy: Any = OMITTED) -> Any:
        options = written(copy=copy)
        return obj.to(other, **options)

    def to_copy(self, obj: Any, target: Any, *, copy: bool) -> Any:
        return obj.to(self._dtype(target) if isinstance(target, DType) else target, copy=copy)

    def device_object(self, spec: Any, index: Any = None) -> Any:
        return self.torch.device(spec) if index is None else self.torch.device(spec, index)

    def device_type(self, device: Any) -> str:
        return str(device.type)

    def device_index(self, device: Any) -> int | None:
        return device.index

    def numpy(self, tensor: Any, *, force: bool = False) -> np.ndarray:
        return tensor.numpy(force=force) if force else tensor.numpy()

    def from_numpy(self, array: np.ndarray) -> Any:
        return self.torch.from_numpy(array)

    def as_tensor(self, value: Any, *, device: str) -> Any:
        return self.torch.as_tensor(value, device=device)

    def item(self, tensor: Any) -> Any:
        return tensor.item()

    def tolist(self, tensor: Any) -> Any:
        return tensor.tolist()

    # -- modules and optimizers ------------------------------------------------------------
    def linear(self, in_features: int, out_features: int, *, bias: bool, device: str) -> Any:
        return self.nn.Linear(in_features, out_features, bias=bias, device=device)

    def sequential(self, modules: list[Any]) -> Any:
        return self.nn.Sequential(*modules)

    def dropout(self, p: float) -> Any:
        return self.nn.Dropout(p)

    def batch_norm(self, features: int, *, device: str) -> Any:
        return self.nn.BatchNorm1d(features, device=device)

    def train(self, module: Any, mode: bool) -> Any:
        return module.train(mode)

    def is_training(self, module: Any) -> bool:
        return module.training

    def module_buffer(self, module: Any, name: str) -> Any:
        return getattr(module, name)

    def parameter(self, tensor: Any, *, requires_grad: Any) -> Any:
        if requires_grad is OMITTED:
            return self.nn.Parameter(tensor)
        return self.nn.Parameter(tensor, requires_grad=requires_grad)

    def parameters(self, module: Any) -> list[Any]:
        return list(module.parameters())

    def module_parameter(self, module: Any, name: str) -> Any:
        if not isinstance(module, self.nn.Module):
            raise AdapterError(f".{name} of {type(module).__name__}: not a module")
        return getattr(module, name)

    def is_parameter(self, value: Any) -> bool:
        return isinstance(value, self.nn.Parameter)

    def zero_grad(self, obj: Any, *, set_to_none: Any = OMITTED) -> None:
        if set_to_none is OMITTED:
            obj.zero_grad()
        else:
            obj.zero_grad(set_to_none=set_to_none)

    def sgd(self, params: list[Any], *, lr: float, momentum: float, weight_decay: float = 0.0) -> Any:
        return self.torch.optim.SGD(params, lr=lr, momentum=momentum, weight_decay=weight_decay)

    def step(self, optimizer: Any) -> None:
        optimizer.step()

    def adaptive_optimizer(self, name: str, params: list[Any], *, lr: float, **options: Any) -> Any:
        optimizer = {"adam": self.torch.optim.Adam, "adamw": self.torch.optim.AdamW, "rmsprop": self.torch.optim.RMSprop}
        if name not in optimizer:
            raise AdapterError(f"unknown optimizer {name!r}")
        return optimizer[name](params, lr=lr, **options)

    def add_param_group(self, optimizer: Any, params: list[Any], **options: Any) -> None:
        optimizer.add_param_group({"params": params, **options})

    def call(self, obj: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(obj, (self.nn.Module, *self._grad_mode_types)):
            function: Any = obj
            return function(*args, **kwargs)
        raise AdapterError(f"{type(obj).__name__} is not callable in specs")

    # -- errors ----------------------------------------------------------------------------
    def error_kind(self, error: BaseException) -> str | None:
        # torch raises the very message given to disable_saved_tensors_hooks().
        if isinstance(error, RuntimeError) and str(error) in self._hooks_disabled_messages:
            return "saved_tensors_hooks_disabled"
        return kind_by_message(error, _ERROR_PATTERNS)


@functools.cache
def _table_operators() -> frozenset[str]:
    """The names of the built-in operator table's operators (read once)."""
    from gradspec.operators.table import builtin_table

    return frozenset(entry.name for entry in builtin_table().values())
