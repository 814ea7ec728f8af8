"""MLX (``mlx.core`` arrays, ``mx.vjp``/``mx.grad``, ``mlx.nn``) on the CPU, through a thin
recording layer that lets specs' imperative steps be differentiated with ``mx.vjp``.

MLX is functional: an ``mx.array`` has no ``requires_grad`` flag, no ``.grad``, no
``backward()``, no ``grad_fn`` and no grad mode; derivatives come from transforming a *function*
with ``mx.grad``/``mx.vjp``, and any array passed to it can be differentiated.  A spec's
``autograd_grad(outputs, inputs, grad_outputs=...)`` is answered by rebuilding how ``outputs``
were computed as a Python function of ``inputs`` and calling ``mx.vjp`` on it, so each array is
wrapped in an :class:`MlxTensor` that remembers which MLX function made it from which arrays.
Nothing else is added to MLX.  How MLX's concepts map:

* ``variable()`` (a drawn ``tensors(requires_grad=True)``) is a plain array, like every other:
  what is differentiated is chosen by ``autograd_grad``'s ``inputs`` (``mx.vjp``'s primals).
  ``tensor(..., requires_grad=...)``, ``.requires_grad``, ``is_leaf``, ``grad_fn``, ``.grad`` and
  ``backward()`` are APIs MLX has no analogue of (``lacks``).
* ``tensor(a)`` is ``mx.array(a, dtype=...)`` with the array's dtype (``mx.array`` alone makes a
  float64 NumPy array float32); a dtype MLX lacks (complex128) is left to ``mx.array``'s own
  conversion (complex64).  float64 is supported on the CPU.  ``zeros``/``ones`` are
  ``mx.zeros``/``mx.ones``; ``tensor(t)`` and ``clone()`` are ``mx.array(t)``.
* ``randn``/``rand`` are ``mx.random.normal``/``mx.random.uniform`` drawing from MLX's global
  key, which ``manual_seed`` sets (``mx.random.seed``); the other factories are not mapped yet.
* ``autograd_grad`` is ``mx.vjp`` with ``grad_outputs`` as cotangents, or ``mx.grad`` without
  them (which, like MLX, takes one output, and a scalar one).  MLX gives zeros for an input the
  outputs do not use; it has no ``retain_graph``, ``create_graph``, ``allow_unused`` or
  ``materialize_grads`` arguments (``lacks``).  Its gradients are differentiable by
  construction (``mx.grad(mx.grad(f))``), so the gradients returned here are recorded like any
  result and can be differentiated again.
* ``jvp(function, primals, tangents)`` (forward mode) replays the recorded computation of the
  function's outputs as a function of the primals and calls ``mx.jvp`` on it.
* The operator table is mapped onto MLX's own functions in :mod:`mlx_operators` (``mlx.core``,
  ``mx.linalg``, ``mx.fast``, ``mlx.nn``'s activation functions and ``mlx.nn.losses``); an
  operation records its tensor operands wherever they stand (keywords, lists of arrays, index
  tuples), and one returning several arrays gives several.
* bfloat16 tensors are ``mx.bfloat16`` arrays, read out in float32 (NumPy has no bfloat16).
* ``x[i] = v`` is MLX's own item assignment, which rebinds the array object ``x`` to the
  updated array (arrays computed from ``x`` before keep the old values); it is recorded, so
  later results differentiate through it as ``mx.vjp`` would.
* ``detach()`` is ``mx.stop_gradient``, MLX's API for an array through which no gradient flows
  (there is no in-place ``detach_``).  The views are MLX's functions of the same meaning:
  ``mx.reshape`` (``view``), ``mx.swapaxes``, ``mx.broadcast_to`` (``expand``), ``mx.expand_dims``
  (``unsqueeze``) and ``.T``; like ``mx.stop_gradient`` they share the array's buffer where
  they can (a write through ``numpy()`` shows in them), but MLX exposes no strides.
* ``numpy()`` is ``np.array(a, copy=False)``, MLX's documented NumPy view of an array's memory,
  and ``numpy(force=True)`` (which may copy) is ``np.array(a)``, its documented copy;
  ``from_numpy`` is ``mx.asarray(a, copy=False)`` (share the array's memory or raise) and
  ``as_tensor`` is ``mx.asarray(a)`` (share where possible); ``.to(dtype)`` is ``astype``;
  ``item()``, ``tolist()``, ``.real``, ``.imag`` and ``conj()`` are MLX's.  MLX arrays have no
  device (unified memory; this build computes on the CPU), so ``device()`` is ``cpu``.
* Modules are ``mlx.nn`` (``Linear``, ``Sequential``, ``Dropout``, ``BatchNorm``, ``train()``,
  ``eval()``, ``.training``, ``running_mean``/``running_var``); ``parameters()`` is MLX's
  ``Module.parameters()`` flattened (it includes batch norm's running statistics).  A module
  call is recorded over its parameters and replayed with them substituted, as
  ``nn.value_and_grad`` does with ``Module.update``.  MLX modules have no ``zero_grad()``
  (there is no ``.grad``): that form of ``modules`` raises.  A training-mode ``Dropout`` cannot
  be replayed (its mask comes from ``mx.random``'s global key, which cannot be rewound), so
  differentiating through one raises :class:`AdapterError`.

What MLX has no analogue of is in ``lacks``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from gradspec.adapters.base import PYTHON_OPERATORS, AdapterBase
from gradspec.adapters.messages import compile_patterns, kind_by_message
from gradspec.adapters.mlx_operators import OPERATORS
from gradspec.adapters.recording import Gradient, GradientOutput, Node, evaluate, one_or_all, record_call
from gradspec.capabilities import lacking
from gradspec.errors import AdapterError
from gradspec.values import DTYPES, OMITTED, DType

Array = Any  # mlx.core.array

_NO_TAPE = "MLX arrays record no graph: gradients come from mx.grad/mx.vjp over functions"
_NO_FLAG = (
    "no such API: MLX arrays have no requires_grad flag: any array passed to mx.grad/mx.vjp "
    "(autograd_grad's inputs) is differentiated"
)
_NO_BACKWARD = f"no such API: MLX has no backward() and arrays have no .grad ({_NO_TAPE})"
_NO_GRAD_MODES = "no such API: MLX has no grad modes: only functions passed to mx.grad/mx.vjp are differentiated"

#: MLX's messages for each canonical error kind, from their start, with the exception types
#: MLX raises them with.  ``mx.grad`` of a non-scalar output fails inside ``mx.vjp`` against the
#: 0-d cotangent it supplies; an explicit 0-d cotangent for a non-scalar output reads the same.
_ERROR_PATTERNS = compile_patterns(
    (
        ("item_not_single", ValueError, r"\[convert\] Only length-1 arrays can be converted to Python scalars"),
        ("backward_non_scalar", ValueError, r"\[vjp\] Output shape \([^)]+\) does not match cotangent shape \(\)"),
        ("grad_shape_mismatch", ValueError, r"\[vjp\] Output shape \([^)]*\) does not match cotangent shape \([^)]+\)"),
        ("numpy_negative_strides", ValueError, r"Cannot convert DLPack arrays with negative strides"),
        ("numpy_dtype", RuntimeError, r"std::bad_cast$"),
        ("broadcast_mismatch", ValueError, r"\[broadcast_shapes\] Shapes \([\d, ]*\) and \([\d, ]*\) cannot be broadcast"),
    )
)


class MlxTensor:
    """An ``mx.array`` object of a spec, as the recorded :class:`Node` it currently holds (item
    assignment rebinds it to a new node, as MLX rebinds the array object)."""

    __slots__ = ("node",)

    def __init__(self, node: Node) -> None:
        self.node = node

    @property
    def value(self) -> Array:
        return self.node.value

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        array = np.array(self.node.value)
        return array if dtype is None else array.astype(dtype)

    def __repr__(self) -> str:
        return f"MlxTensor({self.node.value!r})"


def _mlx_gradients(
    function: Callable[..., list[Array]], primals: list[Array], cotangents: list[Array] | None
) -> tuple[Array, ...]:
    """``mx.grad`` (no cotangents: one output, which MLX wants scalar) or ``mx.vjp`` of ``function``."""
    import mlx.core as mx

    if cotangents is None:
        grads = mx.grad(lambda *values: one_or_all(function(*values)), argnums=list(range(len(primals))))(*primals)
        return (grads,) if len(primals) == 1 else tuple(grads)
    _, grads = mx.vjp(function, primals, cotangents)
    return tuple(grads)


_NO_CUSTOM_FUNCTION = "not mapped by this adapter yet: mlx.core.custom_function is the analogue"
_NO_GRADCHECK = "no such API: MLX has no numerical gradient checking"
_NO_SAVED_TENSORS_HOOKS = "no such API: MLX has no hooks for saved tensors"
_NO_MODULE_STATE = "not mapped by this adapter yet: mlx.nn.Module (parameters(), update(), load_weights()) is the analogue"
_NO_CHECKPOINTING = "not mapped by this adapter yet: mlx.core.checkpoint is the analogue"
_NO_FUNCTIONAL_API = "not mapped by this adapter yet: mlx.core.vjp and mlx.core.jvp are the analogues (no jacobian or hessian)"
_NO_GRAPH_NODES = "no such API: MLX differentiates functions (mlx.core.grad, vjp); there is no backward graph of nodes"
_NO_SHARES_STORAGE = "not mapped by this adapter yet: the buffer protocol (memoryview of an array) is the nearest analogue"


class MlxAdapter(AdapterBase):
    """MLX on the CPU.  See the module docstring."""

    name = "mlx"
    library = "mlx"
    device_kinds = ("cpu",)
    capabilities = frozenset(
        {
            "autograd_grad",
            "norm",
            "detach",
            "views",
            "modules",
            "train_eval",
            "dtype_conversion",
            "to_numpy",
            "from_numpy",
            "as_tensor",
            "item",
            "tolist",
            "integer_dtypes",
            "float16",
            "complex",
            "error_kinds",
            "forward_ad",
            "bfloat16",
            "random_factories",
            "manual_seed",
        }
    )
    lacks = {
        "view_ops": "not mapped by this adapter yet: mx.as_strided, mx.diagonal, mx.moveaxis, mx.squeeze, mx.split and "
        "mx.swapaxes are the analogues (MLX has no version counter to share)",
        "python_warnings": "no such API: MLX issues no warnings through Python's warnings module (its Python layer never calls "
        "warnings.warn and its compiled core never calls PyErr_WarnEx)",
        "empty_factory": "not mapped by this adapter yet: mx.empty is the analogue",
        "full_factory": "not mapped by this adapter yet: mx.full is the analogue",
        "range_factories": "not mapped by this adapter yet: mx.arange and mx.linspace are the analogues",
        "eye_factory": "not mapped by this adapter yet: mx.eye is the analogue",
        "like_factories": "not mapped by this adapter yet: mx.empty_like, mx.full_like, and mx.random.normal/uniform "
        "with the array's shape are the analogues",
        "new_factories": "no such API: MLX arrays have no new_* methods",
        "requires_grad": _NO_FLAG,
        "requires_grad_setter": _NO_FLAG,
        "requires_grad_method": _NO_FLAG,
        "is_leaf": f"no such API: MLX arrays have no is_leaf ({_NO_TAPE})",
        "grad_fn": f"no such API: MLX arrays have no grad_fn ({_NO_TAPE})",
        "backward": _NO_BACKWARD,
        "backward_inputs": _NO_BACKWARD,
        "grad_inputs_dict": "not mapped by this adapter yet: mx.grad of a function of a dict (a tree) of "
        "arrays is the analogue of autograd_grad's (MLX arrays have no backward())",
        "backward_create_graph": _NO_BACKWARD,
        "grad_assign": _NO_BACKWARD,
        "retain_grad": "no such API: MLX has no retain_grad(): differentiate with respect to the intermediate array instead",
        "retains_grad": "no such API: MLX arrays have no retains_grad (nor .grad)",
        "retain_graph": "no such API: mx.vjp/mx.grad have no retain_graph argument (MLX frees no graph: each call traces the function)",
        "create_graph": "no such API: mx.vjp/mx.grad have no create_graph argument (their gradients can always be differentiated)",
        "allow_unused": "no such API: mx.vjp/mx.grad have no allow_unused argument (an unused input gets a zero gradient)",
        "materialize_grads": "no such API: mx.vjp/mx.grad have no materialize_grads argument (an unused input gets a zero gradient)",
        "autograd_grad_is_grads_batched": "not mapped by this adapter yet: mx.vmap over mx.vjp is the analogue",
        "gradient_edges": "no such API: MLX differentiates functions of arrays, with no graph edges to name",
        "allow_mutation_on_saved_tensors": "no such API: MLX differentiates functions, with no tensors saved for backward to allow changes of",
        "hooks": "no such API: MLX arrays have no gradient hooks (mx.custom_function defines a function's vjp instead)",
        "multi_grad_hooks": "no such API: MLX arrays have no gradient hooks",
        **lacking("module_hooks", "no such API: mlx.nn.Module has no backward hooks (MLX differentiates functions)"),
        "variable_class": "no such API: MLX has no Variable wrapper (mx.array is its one array type)",
        "nn_init": "no such API: mlx.nn.init initializers (uniform, constant, normal) return new arrays; none fills one in place",
        "post_accumulate_hooks": "no such API: MLX arrays have no gradient hooks, and MLX never accumulates gradients",
        "data_alias": "no such API: MLX arrays have no .data alias",
        "detach_": "no such API: MLX has no in-place detach_(): mx.stop_gradient returns a new array",
        "version_counter": "no such API: MLX arrays have no version counter",
        "increment_version": "no such API: MLX arrays have no version counter",
        "out_argument": "no such API: MLX operations return new arrays and take no out= argument",
        "resize_": "no such API: MLX arrays have no resize_() (their memory is never resized in place)",
        "multithreading_switch": "no such API: MLX has no switch for multithreaded gradient computation",
        "inplace": "no such API: MLX arrays have no in-place methods (zero_, add_, exp_, copy_...); "
        "only item assignment a[i] = v and augmented operators (a += b) rebind an array object",
        "strides": "no such API: MLX arrays expose no stride() or is_contiguous() (there is mx.contiguous())",
        "conj_resolution": "no such API: MLX has no lazy conjugate or negative bits, hence no resolve_conj()/resolve_neg()",
        "conj_bit": "no such API: MLX has no lazy conjugate bit, hence no is_conj()",
        "grad_modes": _NO_GRAD_MODES,
        "enable_grad": _NO_GRAD_MODES,
        "set_grad_enabled": _NO_GRAD_MODES,
        "grad_mode_decorators": _NO_GRAD_MODES,
        "inference_mode": "no such API: MLX has no inference mode or inference tensors",
        "device_moves": "no such API: MLX arrays have no device and no .to(device): memory is unified and each "
        "operation runs on the device or stream given by its stream= argument or mx.set_default_device()",
        "parameters": "no such API: MLX has no Parameter type: a module's parameters are plain mx.array values",
        "parameter_constructor": "no such API: MLX has no Parameter type: a module's parameters are plain mx.array values",
        "adaptive_optimizers": "no such API: mlx.optimizers.Adam, AdamW and RMSprop(learning_rate, ...) follow a functional "
        "update model: they are not built over parameters and have no step() reading gradients, "
        "Optimizer.update(model, gradients) applies those it is given",
        "add_param_group": "no such API: mlx.optimizers have no parameter groups (MultiOptimizer splits gradients by a filter "
        "function instead)",
        "optimizers": "no such API: mlx.optimizers.SGD(learning_rate, momentum, weight_decay) is not built over "
        "parameters and has no step() reading gradients: Optimizer.update(model, gradients) applies those it is given",
        "anomaly_detection": "no such API: MLX has no anomaly detection",
        "autograd_backward": "no such API: MLX has no backward()",
        **lacking("checkpointing", _NO_CHECKPOINTING),
        **lacking("custom_function", _NO_CUSTOM_FUNCTION),
        **lacking("gradcheck", _NO_GRADCHECK),
        **lacking("saved_tensors_hooks", _NO_SAVED_TENSORS_HOOKS),
        **lacking("module_state", _NO_MODULE_STATE),
        "dual_numbers": "no such API: MLX has forward mode as mlx.core.jvp over functions, no dual tensors carrying tangents",
        **lacking("functional_api", _NO_FUNCTIONAL_API),
        "functional_vectorize": _NO_FUNCTIONAL_API,
        "grad_dtype": "no such API: MLX arrays hold no .grad (mx.grad returns gradients), so there is no grad_dtype",
        "complex_from_parts": "no such API: MLX has no function making a complex array from two real ones (mlx.core has no complex())",
        **lacking("graph_nodes", _NO_GRAPH_NODES),
        "shares_storage": _NO_SHARES_STORAGE,
        "to_device_dtype": "no such API: MLX arrays have no device (unified memory); astype(dtype) is the only conversion",
        "to_other": "no such API: MLX has no conversion to another array's dtype and device",
        "to_copy": "no such API: MLX's astype(dtype, stream=None) takes no copy= (arrays are immutable values)",
        "device_objects": "not mapped by this adapter yet: mx.Device(mx.cpu / mx.gpu, index) is the analogue (its index defaults to 0: it has no index-less form)",
    }
    module = "mlx"
    operations = {
        **PYTHON_OPERATORS,
        "neg": "core.negative",
        "exp": "core.exp",
        "sin": "core.sin",
        "cos": "core.cos",
        "tanh": "core.tanh",
        "sigmoid": "core.sigmoid",
        "relu": "nn.relu",
        "abs": "core.abs",
        "square": "core.square",
        "sum": "core.sum",
        "mean": "core.mean",
    }
    dim_keyword = "axis"
    operator_functions = OPERATORS

    def __init__(self) -> None:
        import mlx.core as mx
        import mlx.nn as nn
        import mlx.utils

        self.mx: Any = mx
        self.nn: Any = nn
        self.utils: Any = mlx.utils
        #: The spec language's dtypes MLX has (not complex128), both ways.
        self._dtypes: dict[str, Any] = {
            name: getattr(mx, "bool_" if name == "bool" else name) for name in DTYPES if name != "complex128"
        }
        self._names = {dtype: name for name, dtype in self._dtypes.items()}
        self._device = mx.default_device()
        self._stream = mx.default_stream(self._device)
        #: The tensor of each array a module holds, so a parameter is one tensor however it is reached.
        self._held: dict[int, MlxTensor] = {}

    # -- the library and its environment --------------------------------------------------
    def library_version(self) -> str:
        return str(self.mx.__version__)

    def seed(self, seed: int) -> None:
        self.mx.random.seed(seed)

    def reset(self) -> None:
        """MLX's default device and stream (it has no grad mode); forgets the tensors of module arrays."""
        mx = self.mx
        if mx.default_device() != self._device:
            mx.set_default_device(self._device)
        if mx.default_stream(self._device) != self._stream:
            mx.set_default_stream(self._stream)
        self._held.clear()

    def global_state(self) -> dict[str, Any]:
        mx = self.mx
        device = mx.default_device()
        return {"default_device": str(device), "default_stream": str(mx.default_stream(device))}

    # -- tensors ---------------------------------------------------------------------------
    def is_tensor(self, value: Any) -> bool:
        return isinstance(value, MlxTensor)

    def tensor(self, array: np.ndarray, *, requires_grad: Any, device: str) -> Any:
        if requires_grad is not OMITTED:
            self.missing("requires_grad", "requires_grad= argument of mx.array")
        self._check_device(device)
        return MlxTensor(Node(self.mx.array(array, dtype=self._dtypes.get(array.dtype.name))))

    def operand(self, array: np.ndarray, dtype: str, *, differentiable: bool, device: str) -> Any:
        """bfloat16 is ``mx.bfloat16`` (NumPy has none); other dtypes as :class:`AdapterBase` makes them."""
        if dtype == "bfloat16":
            self._check_device(device)
            return MlxTensor(Node(self.mx.array(np.asarray(array, dtype=np.float32), dtype=self.mx.bfloat16)))
        return super().operand(array, dtype, differentiable=differentiable, device=device)

    def variable(self, array: np.ndarray, *, device: str) -> Any:
        """A plain array: MLX differentiates with respect to whatever array ``mx.vjp`` is given."""
        return self.tensor(array, requires_grad=OMITTED, device=device)

    def copy_construct(self, tensor: Any, *, requires_grad: Any, device: str) -> Any:
        if requires_grad is not OMITTED:
            self.missing("requires_grad", "requires_grad= argument of mx.array")
        self._check_device(device)
        return self._record(self.mx.array, tensor)

    def create(self, factory: str, shape: tuple[int, ...], dtype: DType, *, requires_grad: Any, device: str) -> Any:
        if requires_grad is not OMITTED:
            self.missing("requires_grad", f"requires_grad= argument of mx.{factory}")
        self._check_device(device)
        function = {"zeros": self.mx.zeros, "ones": self.mx.ones}[factory]
        return MlxTensor(Node(function(shape, dtype=self._dtype(dtype))))

    def create_like(self, factory: str, other: Any) -> Any:
        return MlxTensor(Node({"zeros": self.mx.zeros_like, "ones": self.mx.ones_like}[factory](other.value)))

    def factory(self, name: str, args: tuple[Any, ...], dtype: DType, *, requires_grad: Any, device: str) -> Any:
        """``randn``/``rand`` are ``mx.random.normal``/``mx.random.uniform`` (the global key); the
        other factories are not mapped (``lacks``)."""
        if name not in ("randn", "rand"):
            return super().factory(name, args, dtype, requires_grad=requires_grad, device=device)
        draw = "normal" if name == "randn" else "uniform"
        if requires_grad is not OMITTED:
            self.missing("requires_grad", f"requires_grad= argument of mx.random.{draw}")
        self._check_device(device)
        (shape,) = args
        return MlxTensor(Node(getattr(self.mx.random, draw)(shape=shape, dtype=self._dtype(dtype))))

    def manual_seed(self, seed: int) -> None:
        self.mx.random.seed(seed)

    def values(self, tensor: Any) -> np.ndarray:
        """The array's values; bfloat16 ones in float32 (exactly: NumPy has no bfloat16)."""
        if tensor.value.dtype == self.mx.bfloat16:
            return np.array(tensor.value.astype(self.mx.float32), copy=True)
        return np.array(tensor.value, copy=True)

    def shape(self, tensor: Any) -> tuple[int, ...]:
        return tuple(tensor.value.shape)

    def dtype(self, tensor: Any) -> DType:
        name = self._names.get(tensor.value.dtype)
        if tensor.value.dtype == self.mx.bfloat16:
            return DType("bfloat16")
        if name is None:
            raise AdapterError(f"MLX dtype {tensor.value.dtype} is not a dtype of the spec language")
        return DTYPES[name]

    def device(self, tensor: Any) -> str:
        """MLX arrays have no device: their memory is unified, and this build computes on the CPU."""
        return "cpu"

    def numel(self, tensor: Any) -> int:
        return int(tensor.value.size)

    def _dtype(self, dtype: DType) -> Any:
        """MLX's dtype of that name (``mlx.core`` has no ``complex128``: the lookup fails)."""
        return self._dtypes[dtype.name] if dtype.name in self._dtypes else getattr(self.mx, dtype.name)

    @staticmethod
    def _check_device(device: str) -> None:
        if device not in ("cpu", "cpu:0"):
            raise AdapterError(f"the MLX adapter runs on the CPU only, not {device!r}")

    # -- operations ------------------------------------------------------------------------
    def _record(self, function: Callable[..., Array], *operands: Any) -> MlxTensor:
        """Apply an MLX function to tensors and constants, recording it over the tensors."""
        positions = [i for i, operand in enumerate(operands) if isinstance(operand, MlxTensor)]
        inputs = tuple(operands[i].node for i in positions)

        def rule(*values: Array) -> Array:
            arguments = list(operands)
            for position, value in zip(positions, values):
                arguments[position] = value
            return function(*arguments)

        return MlxTensor(Node(rule(*(node.value for node in inputs)), rule, inputs))

    def apply(self, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """An operation, recorded over its tensor operands, wherever they are among its
        arguments: positional or keyword, or inside lists and tuples (``mx.concatenate``'s
        arrays, an index tuple).  A function returning several arrays (a tuple or list, as
        ``mx.linalg.qr``, ``mx.split``) gives a tuple or list of recorded arrays."""
        return record_call(
            function,
            args,
            kwargs,
            MlxTensor,
            lambda tensor: tensor.node,
            lambda value, rule, inputs: MlxTensor(Node(value, rule, inputs)),
        )

    def reshape(self, tensor: Any, shape: Sequence[int]) -> Any:
        target = _sizes(shape)
        return self._record(lambda value: self.mx.reshape(value, target), tensor)

    def getitem(self, obj: Any, index: Any) -> Any:
        index = self._plain_index(index)
        return self._record(lambda value: value[index], obj)

    def setitem(self, obj: Any, index: Any, value: Any) -> None:
        """MLX's item assignment, which rebinds the array object to the updated array; the old
        node keeps a handle of its own on the old array (``mx.array(a)``), for what was computed
        from it."""
        index = self._plain_index(index)
        target = obj.value
        old = obj.node
        old.value = self.mx.array(target)
        operand = value.node if isinstance(value, MlxTensor) else None
        target[index] = value.value if operand is not None else value

        def rule(before: Array, *update: Array) -> Array:
            result = self.mx.array(before)
            result[index] = update[0] if update else value
            return result

        obj.node = Node(target, rule, (old,) if operand is None else (old, operand))

    def _plain_index(self, index: Any) -> Any:
        if isinstance(index, tuple):
            return tuple(self._plain_index(part) for part in index)
        return index.value if isinstance(index, MlxTensor) else index

    def clone(self, tensor: Any) -> Any:
        """``mx.array(t)``: MLX's new array from an array (MLX has no clone())."""
        return self._record(self.mx.array, tensor)

    def view(self, name: str, tensor: Any, *args: Any) -> Any:
        """MLX's functions of the same meaning, which share the array's buffer where they can:
        ``mx.reshape`` (``view``), ``mx.swapaxes``, ``mx.broadcast_to`` (``expand``; a size of -1
        is the array's own), ``mx.expand_dims`` (``unsqueeze``) and ``.T`` (``t``); ``mx.conj``,
        ``mx.real`` and ``mx.imag`` make new arrays."""
        mx = self.mx
        functions: dict[str, Callable[[Array], Array]] = {
            "view": lambda value: mx.reshape(value, _sizes(args)),
            "transpose": lambda value: mx.swapaxes(value, *args),
            "expand": lambda value: mx.broadcast_to(value, _expanded(tuple(value.shape), _sizes(args))),
            "unsqueeze": lambda value: mx.expand_dims(value, *args),
            "t": lambda value: value.T,
            "conj": mx.conj,
            "real": mx.real,
            "imag": mx.imag,
        }
        if name not in functions:
            raise AdapterError(f"unknown view operation {name!r}")
        return self._record(functions[name], tensor)

    # -- autograd --------------------------------------------------------------------------
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
        if retain_graph is not None:
            self.missing("retain_graph", "retain_graph= argument of mx.vjp")
        if allow_unused is not None:
            self.missing("allow_unused", "allow_unused= argument of mx.vjp")
        if materialize_grads:
            self.missing("materialize_grads", "materialize_grads= argument of mx.vjp")
        if create_graph:
            self.missing("create_graph", "create_graph= argument of mx.vjp")
        output_nodes = [tensor.node for tensor in _listed(outputs)]
        cotangents = None
        if grad_outputs is not None:
            cotangents = [g.node if isinstance(g, MlxTensor) else Node(g) for g in _listed(grad_outputs)]
        wanted = [tensor.node for tensor in _listed(inputs)]
        distinct = list(dict.fromkeys(wanted))
        bundle = Gradient(output_nodes, distinct, cotangents, _mlx_gradients)
        grads = bundle.evaluate({}, {})
        tensors = {node: MlxTensor(Node(grads[i], GradientOutput(bundle, i))) for i, node in enumerate(distinct)}
        return tuple(tensors[node] for node in wanted)

    def jvp(self, function: Callable[..., list[Any]], primals: list[Any], tangents: list[Any]) -> list[Any]:
        """``mx.jvp`` of the recorded computation of ``function(*primals)``'s outputs, replayed
        as a function of the primals' values (as :meth:`autograd_grad` hands ``mx.vjp`` one)."""
        wrt = [primal if isinstance(primal, MlxTensor) else MlxTensor(Node(primal)) for primal in primals]
        outputs = [tensor.node for tensor in _listed(function(*wrt))]
        nodes = [tensor.node for tensor in wrt]

        def replay(*values: Array) -> list[Array]:
            env: dict[Node, Array] = dict(zip(nodes, values))
            return [evaluate(output, env, {})[0] for output in outputs]

        _, pushed = self.mx.jvp(
            replay,
            [node.value for node in nodes],
            [t.value if isinstance(t, MlxTensor) else self.mx.array(t) for t in tangents],
        )
        return [MlxTensor(Node(value)) for value in pushed]

    def detach(self, tensor: Any) -> Any:
        """``mx.stop_gradient``: a new array through which no gradient flows."""
        return self._record(self.mx.stop_gradient, tensor)

    def norm(self, tensor: Any) -> Any:
        """``mx.linalg.norm``: the 2-norm of all elements."""
        return self._record(self.mx.linalg.norm, tensor)

    # -- conversion ------------------------------------------------------------------------
    def to(self, obj: Any, target: DType | str) -> Any:
        if not isinstance(target, DType):
            return super().to(obj, target)
        dtype = self._dtype(target)
        if isinstance(obj, self.nn.Module):
            obj.set_dtype(dtype)  # in place, returning None
            return obj
        return self._record(lambda value: value.astype(dtype), obj)

    def numpy(self, tensor: Any, *, force: bool = False) -> np.ndarray:
        """MLX's two documented conversions: ``np.array(a, copy=False)``, an array sharing the
        MLX array's memory (``numpy()``), and ``np.array(a)``, a copy (``numpy(force=True)``,
        which may copy)."""
        return np.array(tensor.value) if force else np.array(tensor.value, copy=False)

    def from_numpy(self, array: np.ndarray) -> Any:
        return MlxTensor(Node(self.mx.asarray(array, copy=False)))

    def as_tensor(self, value: Any, *, device: str) -> Any:
        self._check_device(device)
        if isinstance(value, MlxTensor):
            return self._record(self.mx.asarray, value)
        return MlxTensor(Node(self.mx.asarray(value)))

    def item(self, tensor: Any) -> Any:
        return tensor.value.item()

    def tolist(self, tensor: Any) -> Any:
        return tensor.value.tolist()

    # -- modules ---------------------------------------------------------------------------
    def _held_tensor(self, array: Array) -> MlxTensor:
        """The one tensor of an array a module holds."""
        tensor = self._held.get(id(array))
        if tensor is None or tensor.value is not array:
            tensor = self._held[id(array)] = MlxTensor(Node(array))
        return tensor

    def linear(self, in_features: int, out_features: int, *, bias: bool, device: str) -> Any:
        self._check_device(device)
        return self.nn.Linear(in_features, out_features, bias=bias)

    def sequential(self, modules: list[Any]) -> Any:
        return self.nn.Sequential(*modules)

    def dropout(self, p: float) -> Any:
        return self.nn.Dropout(p)

    def batch_norm(self, features: int, *, device: str) -> Any:
        self._check_device(device)
        return self.nn.BatchNorm(features)

    def train(self, module: Any, mode: bool) -> Any:
        return module.train(mode)

    def is_training(self, module: Any) -> bool:
        return bool(module.training)

    def module_buffer(self, module: Any, name: str) -> Any:
        return self._held_tensor(getattr(module, name))

    def module_parameter(self, module: Any, name: str) -> Any:
        return self._held_tensor(getattr(module, name))

    def parameters(self, module: Any) -> list[Any]:
        return [self._held_tensor(array) for _, array in self.utils.tree_flatten(module.parameters())]

    def zero_grad(self, obj: Any, *, set_to_none: Any = OMITTED) -> None:
        raise AdapterError("MLX modules have no zero_grad(): there is no .grad to clear")

    def call(self, obj: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(obj, self.nn.Module):
            return self._call_module(obj, args, kwargs)
        return super().call(obj, *args, **kwargs)

    def _call_module(self, module: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> MlxTensor:
        """``module(*args)``, recorded over the arguments and the module's arrays; replayed with
        them substituted by ``Module.update`` (as ``nn.value_and_grad`` does), in the training
        modes of the call, and the module's arrays and modes put back after."""
        utils = self.utils
        flat = utils.tree_flatten(module.parameters())
        paths = [path for path, _ in flat]
        params = [self._held_tensor(array) for _, array in flat]
        modes = [(m, m.training) for m in module.modules()]
        positions = [i for i, arg in enumerate(args) if isinstance(arg, MlxTensor)]
        live = [arg.value if isinstance(arg, MlxTensor) else arg for arg in args]
        result = module(*live, **kwargs)

        def rule(*values: Array) -> Array:
            if any(isinstance(m, self.nn.Dropout) and training for m, training in modes):
                raise AdapterError("cannot replay a training-mode Dropout: its mask came from mx.random's global key")
            arguments = list(args)
            for position, value in zip(positions, values):
                arguments[position] = value
            current = module.parameters()
            current_modes = [(m, m.training) for m in module.modules()]
            module.update(utils.tree_unflatten(list(zip(paths, values[len(positions) :]))))
            for m, training in modes:
                m.train(training)
            try:
                return module(*arguments, **kwargs)
            finally:
                module.update(current)
                for m, training in current_modes:
                    m.train(training)

        inputs = tuple(args[i].node for i in positions) + tuple(param.node for param in params)
        return MlxTensor(Node(result, rule, inputs))

    # -- errors ----------------------------------------------------------------------------
    def error_kind(self, error: BaseException) -> str | None:
        return kind_by_message(error, _ERROR_PATTERNS)


def _listed(value: Any) -> list[Any]:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _sizes(args: Sequence[Any]) -> list[int]:
    """Torch-style sizes, given as one sequence or as several ints, as MLX's shape list."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        return [int(side) for side in args[0]]
    return [int(side) for side in args]


def _expanded(shape: tuple[int, ...], sizes: list[int]) -> list[int]:
    """``expand``'s sizes with each -1 replaced by the size it keeps (``broadcast_to`` takes none)."""
    offset = len(sizes) - len(shape)
    return [shape[i - offset] if size == -1 and i >= offset else size for i, size in enumerate(sizes)]
