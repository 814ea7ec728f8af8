"""PaddlePaddle (dynamic graph mode, CPU build) as a gradspec backend.

How paddle's concepts map onto the protocol:

* ``requires_grad`` is ``not stop_gradient``.  ``paddle.to_tensor`` takes ``stop_gradient``
  (default ``True``: a new tensor does not require grad); ``zeros``/``ones`` take
  ``requires_grad``.  An explicit ``requires_grad`` is passed as the matching keyword; an
  omitted one passes nothing, so paddle's own default is what a spec sees.  ``tensor(t)`` of a
  tensor is ``paddle.to_tensor(t)``, which copies.
* ``.numpy()`` has no ``force`` argument: it converts any tensor (whatever ``stop_gradient``)
  to a copy, so ``numpy(force=True)`` is the same call.
* The version counter is ``Tensor.inplace_version``; backward compares it with the version
  recorded when a tensor was saved.  ``.data`` and ``.detach()`` are paddle's own (both share
  the buffer), ``retain_grad()`` is ``retain_grads()``, ``autograd_grad`` is ``paddle.grad``.
* Grad modes are ``paddle.no_grad``, ``paddle.enable_grad`` and ``paddle.set_grad_enabled``
  (instances decorate functions; ``paddle.no_grad``/``enable_grad`` are classes, so a bare
  ``@no_grad`` passes the function to the constructor, as paddle itself would).
* Modules are ``paddle.nn.Layer`` (``Linear``, ``Sequential``, ``Dropout``, ``BatchNorm1D``,
  whose ``running_mean``/``running_var`` are its ``_mean``/``_variance``); ``Parameter`` is
  ``paddle.nn.Parameter`` (``EagerParamBase``).  SGD with momentum is
  ``paddle.optimizer.Momentum``, plain SGD (momentum 0) ``paddle.optimizer.SGD``.
* Torch-style two-axis ``transpose(a, b)`` is ``paddle.transpose`` with the permutation that
  swaps ``a`` and ``b``; ``.real``/``.imag`` are ``paddle.real``/``paddle.imag``.
* In-place methods are paddle's own, called with the spec's arguments (paddle's
  ``add_``/``sub_``/``mul_``/``div_`` refuse a Python number: that refusal is what a spec sees).

What paddle has no analogue of is in ``lacks``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from gradspec.adapters.base import PYTHON_OPERATORS, AdapterBase
from gradspec.adapters.messages import compile_patterns, kind_by_message
from gradspec.adapters.paddle_operators import OPERATORS
from gradspec.capabilities import lacking
from gradspec.errors import AdapterError
from gradspec.language.steps import INPLACE_METHODS
from gradspec.values import DTYPES, OMITTED, DType

_VIEWS = ("view", "transpose", "expand", "unsqueeze", "t", "conj", "imag", "real")
#: Module buffer names of the protocol -> paddle's attribute on BatchNorm layers.
_BUFFERS = {"running_mean": "_mean", "running_var": "_variance"}


def _enforced(code: str, text: str) -> str:
    """The pattern of a message raised by paddle's C++ checks with error ``code``
    (``InvalidArgument``): ``(InvalidArgument) text``, or, when ``FLAGS_call_stack_level=2``
    prints the C++ traceback first, ``InvalidArgumentError: text`` after its summary header."""
    traceback = r"\s*-+\s*C\+\+ Traceback \(most recent call last\):(?s:.*?)\nError Message Summary:\n-+\n"
    return rf"(?:\({code}\) |{traceback}{code}Error: ){text}"


#: paddle's messages for each canonical error kind, from their start, with the exception types
#: paddle raises them with (its C++ checks raise ValueError for InvalidArgument, RuntimeError
#: for PermissionDenied, SystemError for Fatal); generated tensor names and the ``[Hint: ...]``
#: tail are never matched.
_ERROR_PATTERNS = compile_patterns(
    (
        (
            "inplace_modified",
            RuntimeError,
            _enforced(
                "PermissionDenied",
                r"Tensor '.*?' used in gradient computation (in grad op '.*?' )?has been modified by an inplace operation",
            ),
        ),
        (
            "leaf_inplace",
            ValueError,
            _enforced(
                "InvalidArgument", r"(\w+ : )?Leaf (Var|Tensor) \(.*?\) that doesn't stop gradient can't use inplace strategy"
            ),
        ),
        (
            "item_not_single",
            ValueError,
            _enforced("InvalidArgument", r"only one element tensors can be converted to Python scalars"),
        ),
        ("graph_freed", SystemError, _enforced("Fatal", r"The TensorWrappers of \w+ do not exist")),
        (
            "broadcast_mismatch",
            ValueError,
            _enforced("InvalidArgument", r"Broadcast dimension mismatch\. Operands could not be broadcast together"),
        ),
        (
            "inplace_broadcast_shape",
            ValueError,
            r"The shape of broadcast output \[[\d, ]*\] is different from that of inplace tensor .* in the Inplace operation",
        ),
        ("unused_input", ValueError, _enforced("InvalidArgument", r"The \d+-th input does not appear in the backward graph")),
        ("hook_no_grad", RuntimeError, r"Cannot register hook on a tensor that stop gradient"),
        ("grad_shape_mismatch", AssertionError, r"Tensor shape not match, Tensor of grad_tensor"),
        ("numpy_dtype", ValueError, _enforced("InvalidArgument", r"Input object type error or incompatible array data type")),
        (
            "device_unavailable",
            ValueError,
            r"The device should not be .+?, since PaddlePaddle is not compiled with CUDA|No available device found",
        ),
        (
            "device_unavailable",
            RuntimeError,
            r"PaddlePaddle is not compiled with CUDA, but trying to create a Tensor from a CUDA array",
        ),
    )
)


_NO_CUSTOM_FUNCTION = "not mapped by this adapter yet: paddle.autograd.PyLayer is the analogue"
_NO_GRADCHECK = "no such API: PaddlePaddle has no public numerical gradient checking"
_NO_SAVED_TENSORS_HOOKS = "not mapped by this adapter yet: paddle.autograd.saved_tensors_hooks is the analogue"
_NO_MODULE_STATE = (
    "not mapped by this adapter yet: paddle.nn.Layer (register_buffer(), state_dict(), set_state_dict()) is the analogue"
)
_NO_CHECKPOINTING = "not mapped by this adapter yet: paddle.distributed.fleet.utils.recompute is the analogue"
_NO_FUNCTIONAL_API = "not mapped by this adapter yet: paddle.incubate.autograd (vjp, jvp, Jacobian, Hessian) is the analogue"
_NO_GRAPH_NODES = (
    "not mapped by this adapter yet: Tensor.grad_fn (a GradNode with name() and next_functions) is the nearest analogue"
)
_NO_SHARES_STORAGE = "not mapped by this adapter yet: Tensor.data_ptr() is the analogue"


class PaddleAdapter(AdapterBase):
    """PaddlePaddle's dynamic-graph API, on CPU."""

    name = "paddle"
    library = "paddlepaddle"
    device_kinds = ("cpu",)
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
            "retain_graph",
            "allow_unused",
            "retain_grad",
            "hooks",
            "views",
            "python_warnings",
            "strides",
            "train_eval",
            "from_numpy",
            "as_tensor",
            "complex",
            "parameter_constructor",
            "dtype_conversion",
            "forward_ad",
            "bfloat16",
        }
    )
    lacks = {
        "view_ops": "not mapped by this adapter yet: paddle.as_strided, diagonal, moveaxis, squeeze, unfold, unbind, split, "
        "chunk and as_real are the analogues",
        "adaptive_optimizers": "not mapped by this adapter yet: paddle.optimizer.Adam, AdamW and RMSProp(learning_rate, "
        "parameters=...) are the analogues",
        "add_param_group": "no such API: paddle optimizers take parameter groups (a list of dicts) when built; "
        "adding one later is only the private Optimizer._add_param_group",
        "random_factories": "not mapped by this adapter yet: paddle.randn and paddle.rand are the analogues",
        "manual_seed": "not mapped by this adapter yet: paddle.seed is the analogue",
        "empty_factory": "not mapped by this adapter yet: paddle.empty is the analogue",
        "full_factory": "not mapped by this adapter yet: paddle.full is the analogue",
        "range_factories": "not mapped by this adapter yet: paddle.arange and paddle.linspace are the analogues",
        "eye_factory": "not mapped by this adapter yet: paddle.eye is the analogue",
        "like_factories": "not mapped by this adapter yet: paddle.randn_like, paddle.rand_like (where present), paddle.empty_like and paddle.full_like are the analogues",
        "new_factories": "not mapped by this adapter yet: paddle.zeros/ones/full/empty/to_tensor with the tensor's dtype and place are the analogues",
        "retains_grad": "no such API: paddle's Tensor has retain_grads() but no attribute telling whether it retains its grad",
        "conj_resolution": "no such API: paddle has no lazy conjugate/negative bits, hence no resolve_conj()/resolve_neg()",
        "conj_bit": "no such API: paddle has no lazy conjugate bit, hence no is_conj()",
        "materialize_grads": "no such API: paddle.grad() has no materialize_grads argument",
        "autograd_grad_is_grads_batched": "no such API: paddle.grad() has no is_grads_batched argument",
        "gradient_edges": "no such API: paddle.grad() takes tensors only, with no gradient edges",
        "allow_mutation_on_saved_tensors": "no such API: paddle has no context allowing in-place changes of tensors saved for backward",
        "norm": "not mapped by this adapter yet: paddle.linalg.norm is the analogue",
        "backward_create_graph": "no such API: paddle's Tensor.backward() has no create_graph argument (paddle.grad has)",
        "inference_mode": "no such API: paddle has no inference mode or inference tensors "
        "(paddle.no_grad and set_grad_enabled(False) are its only ways to run without recording)",
        "backward_inputs": "no such API: paddle's Tensor.backward() has no inputs argument "
        "(paddle.grad takes the inputs to differentiate)",
        "grad_inputs_dict": "no such API: paddle.grad takes a Tensor or a list of Tensors as inputs, not a dict, "
        "and Tensor.backward() has no inputs argument",
        "post_accumulate_hooks": "no such API: paddle's Tensor.register_hook() hooks are called with the "
        "gradient only; there is no post-accumulate-grad hook",
        "anomaly_detection": "no such API: paddle has no anomaly mode (FLAGS_check_nan_inf is a global flag)",
        "autograd_backward": "not mapped by this adapter yet: paddle.autograd.backward is the analogue",
        "variable_class": "no such API: paddle's dynamic mode has no Variable wrapper (paddle.static.Variable belongs to static graphs)",
        "nn_init": "not mapped by this adapter yet: paddle.nn.initializer (Uniform, Constant, Normal) called on a parameter is the analogue",
        "increment_version": "not mapped by this adapter yet: Tensor._bump_inplace_version() is the nearest analogue",
        "out_argument": "not mapped by this adapter yet: the out= keyword of paddle 3's operations (paddle.add(x, y, out=c)) is the analogue",
        "resize_": "not mapped by this adapter yet: Tensor.resize_ (paddle 3) is the analogue",
        "multithreading_switch": "no such API: paddle has no per-thread switch for multithreaded backward",
        "multi_grad_hooks": "no such API: paddle has Tensor.register_hook() on one tensor, no hook over several tensors' gradients",
        **lacking(
            "module_hooks",
            "no such API: paddle.nn.Layer has forward hooks (register_forward_pre_hook, register_forward_post_hook), no backward hooks",
        ),
        **lacking("checkpointing", _NO_CHECKPOINTING),
        **lacking("custom_function", _NO_CUSTOM_FUNCTION),
        **lacking("gradcheck", _NO_GRADCHECK),
        **lacking("saved_tensors_hooks", _NO_SAVED_TENSORS_HOOKS),
        **lacking("module_state", _NO_MODULE_STATE),
        "dual_numbers": "no such API: paddle has forward mode as paddle.incubate.autograd.jvp over functions, no dual tensors",
        **lacking("functional_api", _NO_FUNCTIONAL_API),
        "functional_vectorize": _NO_FUNCTIONAL_API,
        "grad_dtype": "no such API: paddle's Tensor has no grad_dtype",
        "complex_from_parts": "not mapped by this adapter yet: paddle.complex is the analogue",
        **lacking("graph_nodes", _NO_GRAPH_NODES),
        "shares_storage": _NO_SHARES_STORAGE,
        "to_device_dtype": "not mapped by this adapter yet: paddle.Tensor.to(device, dtype) is the analogue",
        "to_other": "not mapped by this adapter yet: paddle.Tensor.to(other) is the analogue",
        "to_copy": "not mapped by this adapter yet: paddle.Tensor.to() followed by clone() is the nearest analogue (its to() takes blocking=, not copy=)",
        "device_objects": "not mapped by this adapter yet: paddle.CPUPlace() and paddle.CUDAPlace(index) (places, not device objects) are the analogue",
    }
    #: paddle's messages are its own: specs check the canonical error kind, not torch's wording.
    pytorch_messages = False
    module = "paddle"
    operations = {
        **PYTHON_OPERATORS,
        "neg": "neg",
        "exp": "exp",
        "sin": "sin",
        "cos": "cos",
        "tanh": "tanh",
        "sigmoid": "sigmoid",
        "relu": "nn.functional.relu",
        "abs": "abs",
        "square": "square",
        "sum": "sum",
        "mean": "mean",
    }
    dim_keyword = "axis"
    #: The operator table on paddle's own functions (``adapters/paddle_operators.py``).
    operator_functions = OPERATORS

    def __init__(self) -> None:
        import paddle

        self.paddle = paddle
        self.nn = paddle.nn
        self._dtypes: dict[str, Any] = {name: getattr(paddle, name) for name in DTYPES if hasattr(paddle, name)}
        self._dtypes["bfloat16"] = paddle.bfloat16  # a dtype of the operator specs, not of NumPy
        self._names = {dtype: name for name, dtype in self._dtypes.items()}
        self._grad_modes: dict[str, Any] = {
            "no_grad": paddle.no_grad,
            "enable_grad": paddle.enable_grad,
            "set_grad_enabled": paddle.set_grad_enabled,
        }
        self._grad_mode_types = tuple(self._grad_modes.values())
        #: The device paddle started on (its default: the first GPU of a CUDA build, else the CPU).
        self._device = paddle.get_device()

    # -- the library and its environment --------------------------------------------------
    def library_version(self) -> str:
        return self.paddle.__version__

    def seed(self, seed: int) -> None:
        self.paddle.seed(seed)

    def reset(self) -> None:
        """paddle's defaults: dynamic graph mode, grad mode on, float32 default dtype, the device it
        started on.  Automatic mixed precision has no global switch (only its ``auto_cast``
        context): an example that leaves it entered shows in :meth:`global_state`."""
        paddle = self.paddle
        if not paddle.in_dynamic_mode():
            paddle.disable_static()
        paddle.set_grad_enabled(True)  # the constructor switches the mode, as a call
        if paddle.get_default_dtype() != "float32":
            paddle.set_default_dtype("float32")
        if paddle.get_device() != self._device:
            paddle.set_device(self._device)

    def global_state(self) -> dict[str, Any]:
        """paddle's global modes that change what an operation or ``backward()`` does."""
        paddle = self.paddle
        return {
            "dynamic_mode": paddle.in_dynamic_mode(),
            "grad_enabled": paddle.is_grad_enabled(),
            "default_dtype": paddle.get_default_dtype(),
            "device": paddle.get_device(),
            "autocast": paddle.is_autocast_enabled(),
        }

    # -- tensors ---------------------------------------------------------------------------
    def is_tensor(self, value: Any) -> bool:
        return isinstance(value, self.paddle.Tensor)

    def tensor(self, array: np.ndarray, *, requires_grad: Any, device: str) -> Any:
        if requires_grad is OMITTED:
            return self.paddle.to_tensor(array, place=device)
        return self.paddle.to_tensor(array, place=device, stop_gradient=not requires_grad)

    def copy_construct(self, tensor: Any, *, requires_grad: Any, device: str) -> Any:
        # paddle.to_tensor of a tensor copies it (documented: "copy will be performed").
        if requires_grad is OMITTED:
            return self.paddle.to_tensor(tensor, place=device)
        return self.paddle.to_tensor(tensor, place=device, stop_gradient=not requires_grad)

    def create(self, factory: str, shape: tuple[int, ...], dtype: DType, *, requires_grad: Any, device: str) -> Any:
        function = {"zeros": self.paddle.zeros, "ones": self.paddle.ones}[factory]
        if requires_grad is OMITTED:
            return function(list(shape), dtype=self._dtype(dtype), device=device)
        return function(list(shape), dtype=self._dtype(dtype), device=device, requires_grad=requires_grad)

    def create_like(self, factory: str, other: Any) -> Any:
        return {"zeros": self.paddle.zeros_like, "ones": self.paddle.ones_like}[factory](other)

    def values(self, tensor: Any) -> np.ndarray:
        # NumPy has no bfloat16: paddle's numpy() gives its raw bits as uint16, so read it as float32.
        if tensor.dtype == self.paddle.bfloat16:
            tensor = tensor.astype(self.paddle.float32)
        return np.array(tensor.numpy(), copy=True)

    def operand(self, array: np.ndarray, dtype: str, *, differentiable: bool, device: str) -> Any:
        """A tensor of ``dtype``; a bfloat16 one (NumPy has no such dtype) is paddle's cast of the
        float32 values, made a leaf that requires grad when ``differentiable``."""
        if dtype != "bfloat16":
            return super().operand(array, dtype, differentiable=differentiable, device=device)
        values = self.paddle.to_tensor(np.asarray(array, dtype=np.float32), place=device).astype(self.paddle.bfloat16)
        values.stop_gradient = not differentiable
        return values

    def jvp(self, function: Any, primals: list[Any], tangents: list[Any]) -> list[Any]:
        """``paddle.incubate.autograd.jvp``, paddle's forward-mode API (in dynamic mode it takes
        the Jacobian-vector product by differentiating a vector-Jacobian product)."""
        _, products = self.paddle.incubate.autograd.jvp(lambda *xs: list(function(*xs)), list(primals), list(tangents))
        return [products] if isinstance(products, self.paddle.Tensor) else list(products)

    def shape(self, tensor: Any) -> tuple[int, ...]:
        return tuple(tensor.shape)

    def dtype(self, tensor: Any) -> DType:
        name = self._names[tensor.dtype]
        return DTYPES.get(name) or DType(name)

    def device(self, tensor: Any) -> str:
        return str(tensor.device)

    def numel(self, tensor: Any) -> int:
        return int(tensor.size)

    def _dtype(self, dtype: DType) -> Any:
        return self._dtypes[dtype.name]

    # -- operations ------------------------------------------------------------------------
    def reshape(self, tensor: Any, shape: Sequence[int]) -> Any:
        return tensor.reshape(_sizes(shape))

    def inplace(self, name: str, tensor: Any, *args: Any) -> Any:
        if name not in INPLACE_METHODS:
            raise AdapterError(f"unknown in-place operation {name!r}")
        if name == "relu_":
            return self.nn.functional.relu_(tensor)
        return getattr(tensor, name)(*args)

    def clone(self, tensor: Any) -> Any:
        return tensor.clone()

    def view(self, name: str, tensor: Any, *args: Any) -> Any:
        if name not in _VIEWS:
            raise AdapterError(f"unknown view operation {name!r}")
        if name == "view":
            return tensor.view(_sizes(args))
        if name == "expand":
            return tensor.expand(_sizes(args))
        if name == "transpose":
            first, second = args
            perm = list(range(len(tensor.shape)))
            if perm:
                perm[first], perm[second] = perm[second], perm[first]
            return self.paddle.transpose(tensor, perm)
        if name in ("real", "imag"):
            return getattr(self.paddle, name)(tensor)
        return getattr(tensor, name)(*args)

    def resolve(self, name: str, tensor: Any) -> Any:
        if name == "contiguous":
            return tensor.contiguous()
        return super().resolve(name, tensor)

    def stride(self, tensor: Any) -> tuple[int, ...]:
        return tuple(tensor.stride())

    def is_contiguous(self, tensor: Any) -> bool:
        return tensor.is_contiguous()

    # -- autograd --------------------------------------------------------------------------
    def requires_grad(self, tensor: Any) -> bool:
        return not tensor.stop_gradient

    def set_requires_grad(self, tensor: Any, value: bool) -> None:
        tensor.stop_gradient = not value

    def requires_grad_(self, tensor: Any, value: bool) -> Any:
        return tensor.requires_grad_(value)  # Tensor and Layer both have it

    def is_leaf(self, tensor: Any) -> bool:
        return tensor.is_leaf

    def grad_fn(self, tensor: Any) -> Any:
        return tensor.grad_fn

    def grad(self, tensor: Any) -> Any:
        return tensor.grad

    def set_grad(self, tensor: Any, value: Any) -> None:
        tensor.grad = value

    def retain_grad(self, tensor: Any) -> None:
        tensor.retain_grads()

    def backward(
        self, tensor: Any, *, gradient: Any, retain_graph: bool | None, inputs: Any = None, create_graph: bool = False
    ) -> None:
        if inputs is not None:
            self.missing("backward_inputs", "inputs= of Tensor.backward()")
        if create_graph:
            self.missing("backward_create_graph", "create_graph= of Tensor.backward()")
        tensor.backward(grad_tensor=gradient, retain_graph=bool(retain_graph))

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
        return tuple(
            self.paddle.grad(
                outputs,
                inputs,
                grad_outputs=grad_outputs,
                retain_graph=retain_graph,
                create_graph=create_graph,
                allow_unused=bool(allow_unused),
            )
        )

    def register_hook(self, tensor: Any, hook: Any, *, when: str) -> Any:
        if when != "grad":
            return super().register_hook(tensor, hook, when=when)
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
        return tensor.inplace_version

    def grad_mode(self, name: str, *args: Any) -> Any:
        if name not in self._grad_modes:
            return super().grad_mode(name, *args)
        return self._grad_modes[name](*args)

    def is_grad_enabled(self) -> bool:
        return self.paddle.is_grad_enabled()

    # -- conversion ------------------------------------------------------------------------
    def to(self, obj: Any, target: DType | str) -> Any:
        if isinstance(obj, self.nn.Layer):
            if isinstance(target, DType):
                return obj.to(dtype=self._dtype(target))
            return obj.to(device=target)
        return obj.to(self._dtype(target) if isinstance(target, DType) else target)

    def numpy(self, tensor: Any, *, force: bool = False) -> np.ndarray:
        # paddle's numpy() has no force argument: it converts every tensor (grad or not) by copying.
        return tensor.numpy()

    def from_numpy(self, array: np.ndarray) -> Any:
        return self.paddle.from_numpy(array)

    def as_tensor(self, value: Any, *, device: str) -> Any:
        return self.paddle.as_tensor(value, device=device)

    def item(self, tensor: Any) -> Any:
        return tensor.item()

    def tolist(self, tensor: Any) -> Any:
        return tensor.tolist()

    # -- modules and optimizers ------------------------------------------------------------
    def linear(self, in_features: int, out_features: int, *, bias: bool, device: str) -> Any:
        return self.nn.Linear(in_features, out_features, bias_attr=None if bias else False)

    def sequential(self, modules: list[Any]) -> Any:
        return self.nn.Sequential(*modules)

    def dropout(self, p: float) -> Any:
        return self.nn.Dropout(p)

    def batch_norm(self, features: int, *, device: str) -> Any:
        return self.nn.BatchNorm1D(features)

    def train(self, module: Any, mode: bool) -> Any:
        return module.train() if mode else module.eval()

    def is_training(self, module: Any) -> bool:
        return module.training

    def module_buffer(self, module: Any, name: str) -> Any:
        attribute = _BUFFERS.get(name, name)
        if not hasattr(module, attribute):
            raise AdapterError(f"{type(module).__name__} has no {name} ({attribute})")
        return getattr(module, attribute)

    def parameter(self, tensor: Any, *, requires_grad: Any) -> Any:
        if requires_grad is OMITTED:
            return self.nn.Parameter(tensor)
        return self.nn.Parameter(tensor, requires_grad=requires_grad)

    def parameters(self, module: Any) -> list[Any]:
        return list(module.parameters())

    def module_parameter(self, module: Any, name: str) -> Any:
        if not isinstance(module, self.nn.Layer):
            raise AdapterError(f".{name} of {type(module).__name__}: not a layer")
        return getattr(module, name)

    def is_parameter(self, value: Any) -> bool:
        return isinstance(value, self.nn.Parameter)

    def zero_grad(self, obj: Any, *, set_to_none: Any = OMITTED) -> None:
        if set_to_none is OMITTED:
            obj.zero_grad()
        else:
            obj.zero_grad(set_to_none=set_to_none)

    def sgd(self, params: list[Any], *, lr: float, momentum: float, weight_decay: float = 0.0) -> Any:
        decay = weight_decay or None
        if momentum:
            return self.paddle.optimizer.Momentum(learning_rate=lr, momentum=momentum, parameters=params, weight_decay=decay)
        return self.paddle.optimizer.SGD(learning_rate=lr, parameters=params, weight_decay=decay)

    def step(self, optimizer: Any) -> None:
        optimizer.step()

    def call(self, obj: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(obj, (self.nn.Layer, *self._grad_mode_types)):
            function: Any = obj
            return function(*args, **kwargs)
        return super().call(obj, *args, **kwargs)

    # -- errors ----------------------------------------------------------------------------
    def error_kind(self, error: BaseException) -> str | None:
        return kind_by_message(error, _ERROR_PATTERNS)


def _sizes(args: Sequence[Any]) -> list[int]:
    """Torch-style sizes, given as one sequence or as several ints, as paddle's shape list."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        return [int(side) for side in args[0]]
    return [int(side) for side in args]
