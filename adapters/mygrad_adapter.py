"""The MyGrad adapter: NumPy-based autograd (``pip install mygrad``), CPU only.

How MyGrad's concepts map onto the protocol (and what is left out):

* ``requires_grad`` is ``not tensor.constant``.  MyGrad fixes ``constant`` when a tensor is
  created (``mygrad.tensor(data, constant=...)``); its default is ``False`` for floating dtypes
  and ``True`` for integer and bool dtypes, which must be constant.  There is no setter, so
  ``requires_grad = ...`` and ``requires_grad_()`` raise :class:`AdapterError`.
* ``grad_fn`` is ``tensor.creator`` (the operation that produced it) and ``is_leaf`` is
  ``creator is None``.  MyGrad records a creator for results of constant inputs too, and
  ``backward()`` clears the graph, after which every tensor in it has no creator.
* ``backward(gradient)`` is ``tensor.backward(grad)``; gradients land in ``.grad``, a NumPy
  array (not a tensor).  MyGrad has no ``retain_graph``, ``inputs`` or ``create_graph``.
  ``.grad`` is read-only; assigning ``None`` is MyGrad's ``tensor.null_grad()``.
* ``no_grad()`` is ``mygrad.no_autodiff``, a context manager that also decorates; it is a
  single object, so ``no_grad()`` and bare ``no_grad`` both give it.  MyGrad has no
  ``enable_grad``, ``set_grad_enabled`` or ``inference_mode``; its grad mode is a module global.
* ``detach()`` is ``mygrad.astensor(tensor, constant=True)``: a constant tensor on the same
  array, created only when ``tensor`` is not already constant (MyGrad's documented behaviour).
* In-place operations are MyGrad's own: augmented assignment (``+= -= *= /=``), item
  assignment (``t[...] = value`` for ``zero_``/``fill_``/``copy_``) and the ``out=`` argument of
  its ufuncs (``mygrad.exp(t, out=t)``); ``sigmoid``/``relu`` (in ``mygrad.nnet``) have no
  ``out=``, so their in-place forms are ``t[...] = op(t)``.
* Views are MyGrad's NumPy-style views: slices, ``reshape`` (``view``), ``swapaxes``
  (``transpose``), ``broadcast_to`` (``expand``), ``expand_dims`` (``unsqueeze``) and ``.T``.
* ``numpy()`` is ``mygrad.asarray(tensor)`` (the tensor's own array, no copy); ``from_numpy``
  and ``as_tensor`` are ``mygrad.astensor(array)``; ``.to(dtype)`` is
  ``tensor.astype(dtype, copy=False)``; ``clone()`` is ``tensor.copy()``.
* MyGrad has no ``.data`` tensor alias (``.data`` is the NumPy array itself), version counter,
  hooks, ``retain_grad``, ``autograd.grad``, ``tolist()``, strides API, complex autograd,
  devices other than the CPU, modules, parameters or optimizers: those capabilities are not
  declared and their methods raise :class:`AdapterError`.
"""
from __future__ import annotations

import operator
from typing import Any, Callable, Sequence

import numpy as np

from adapters.messages import compile_patterns, kind_by_message
from gradspec.errors import AdapterError
from gradspec.values import DTYPES, OMITTED, DType

#: Stable parts of MyGrad's (and, where MyGrad delegates, NumPy's) messages per canonical kind.
_ERROR_PATTERNS = compile_patterns((
    ("requires_grad_dtype", r"Integer-valued tensors must be treated as constants"),
    ("item_not_single", r"can only convert an? (tensor|array) of size 1 to a Python scalar"),
    ("grad_shape_mismatch", r"`tensor\.backward\(grad\)` was passed a gradient with an incompatible shape"),
    ("graph_freed", r"was 'cleared' prior to backprop"),
    ("numpy_dtype", r"Tensor data must be of an floating type, integer type, or boolean type"),
))

_BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "add": operator.add, "sub": operator.sub, "mul": operator.mul, "div": operator.truediv,
    "pow": operator.pow, "matmul": operator.matmul, "floor_divide": operator.floordiv,
    "remainder": operator.mod, "eq": operator.eq, "ne": operator.ne, "lt": operator.lt,
    "le": operator.le, "gt": operator.gt, "ge": operator.ge,
}
_AUGMENTED: dict[str, Callable[[Any, Any], Any]] = {
    "add_": operator.iadd, "sub_": operator.isub, "mul_": operator.imul, "div_": operator.itruediv,
}


class MyGradAdapter:
    """MyGrad: autograd on NumPy arrays, tensors with a ``constant`` flag."""

    name = "mygrad"
    library = "mygrad"
    device_kinds = ("cpu",)
    capabilities = frozenset({
        "requires_grad", "backward", "detach", "inplace", "grad_modes", "grad_mode_decorators",
        "to_numpy", "numpy_shares_memory", "from_numpy", "item", "integer_dtypes", "float16",
        "error_kinds", "grad_fn", "views", "dtype_conversion",
    })
    #: MyGrad's gradients are checked with the specs' own tolerances.
    tolerances: dict[str, dict[str, tuple[float, float]]] = {}

    def __init__(self) -> None:
        import mygrad
        from mygrad.nnet.activations import relu, sigmoid

        self.mg = mygrad
        self._unary: dict[str, Callable[..., Any]] = {
            "neg": mygrad.negative, "exp": mygrad.exp, "sin": mygrad.sin, "cos": mygrad.cos,
            "tanh": mygrad.tanh, "abs": mygrad.absolute, "sigmoid": sigmoid, "relu": relu,
        }
        #: Unary operations that are MyGrad ufuncs, so accept ``out=`` for an in-place form.
        self._ufuncs = frozenset({"neg", "exp", "sin", "cos", "tanh", "abs"})

    # -- the library and its environment --------------------------------------------------
    def library_version(self) -> str:
        return self.mg.__version__

    def devices(self) -> list[str]:
        return ["cpu"]

    def seed(self, seed: int) -> None:
        """MyGrad draws random values from NumPy's global generator."""
        np.random.seed(seed % 2**32)

    def reset(self) -> None:
        """Leave any ``no_autodiff`` context a failed example left open (MyGrad has no public reset,
        so its context tracker's nesting depth is unwound); memory guarding back on (its default)."""
        tracker = self.mg.no_autodiff
        while tracker._depth > 0:
            tracker.__exit__(None, None, None)
        self.mg.turn_memory_guarding_on()

    # -- tensors ---------------------------------------------------------------------------
    def is_tensor(self, value: Any) -> bool:
        return isinstance(value, self.mg.Tensor)

    def tensor(self, array: np.ndarray, *, requires_grad: Any, device: str) -> Any:
        self._cpu(device)
        if requires_grad is OMITTED:
            return self.mg.tensor(array)
        return self.mg.tensor(array, constant=not requires_grad)

    def copy_construct(self, tensor: Any, *, requires_grad: Any, device: str) -> Any:
        """``mygrad.tensor(t)``: a new tensor on a copy of ``t``'s array (``copy=True``, the default)."""
        self._cpu(device)
        if requires_grad is OMITTED:
            return self.mg.tensor(self._tensor(tensor))
        return self.mg.tensor(self._tensor(tensor), constant=not requires_grad)

    def create(self, factory: str, shape: tuple[int, ...], dtype: DType, *, requires_grad: Any, device: str) -> Any:
        self._cpu(device)
        function = {"zeros": self.mg.zeros, "ones": self.mg.ones}[factory]
        if requires_grad is OMITTED:
            return function(shape, dtype=dtype.numpy)
        return function(shape, dtype=dtype.numpy, constant=not requires_grad)

    def create_like(self, factory: str, other: Any) -> Any:
        return {"zeros": self.mg.zeros_like, "ones": self.mg.ones_like}[factory](other)

    def values(self, tensor: Any) -> np.ndarray:
        return np.array(self._tensor(tensor).data, copy=True)

    def shape(self, tensor: Any) -> tuple[int, ...]:
        return tuple(self._tensor(tensor).shape)

    def dtype(self, tensor: Any) -> DType:
        return DTYPES[self._tensor(tensor).dtype.name]

    def device(self, tensor: Any) -> str:
        self._tensor(tensor)
        return "cpu"

    def numel(self, tensor: Any) -> int:
        return int(self._tensor(tensor).size)

    # -- operations ------------------------------------------------------------------------
    def unary(self, name: str, x: Any) -> Any:
        try:
            return self._unary[name](x)
        except KeyError:
            raise AdapterError(f"unknown unary operation {name!r}") from None

    def binary(self, name: str, a: Any, b: Any) -> Any:
        try:
            function = _BINARY[name]
        except KeyError:
            raise AdapterError(f"unknown binary operation {name!r}") from None
        return function(a, b)

    def reduce(self, name: str, x: Any, *, dim: int | None) -> Any:
        function = {"sum": self.mg.sum, "mean": self.mg.mean}[name]
        return function(x, axis=dim)

    def reshape(self, tensor: Any, shape: Sequence[int]) -> Any:
        return self._tensor(tensor).reshape(*shape)

    def getitem(self, obj: Any, index: Any) -> Any:
        return obj[index]

    def setitem(self, obj: Any, index: Any, value: Any) -> None:
        obj[index] = value

    def inplace(self, name: str, tensor: Any, *args: Any) -> Any:
        """MyGrad's in-place forms: augmented assignment, item assignment, ufuncs' ``out=``."""
        tensor = self._tensor(tensor)
        if name in _AUGMENTED:
            (other,) = args
            return _AUGMENTED[name](tensor, other)
        if name == "zero_" and not args:
            tensor[...] = 0
        elif name in ("fill_", "copy_") and len(args) == 1:
            tensor[...] = args[0]
        elif name.endswith("_") and name[:-1] in self._unary and not args:
            op = name[:-1]
            if op in self._ufuncs:
                self._unary[op](tensor, out=tensor)
            else:
                tensor[...] = self._unary[op](tensor)
        else:
            raise AdapterError(f"unknown in-place operation {name!r} with {len(args)} argument(s)")
        return tensor

    def clone(self, tensor: Any) -> Any:
        """``Tensor.copy()``: MyGrad's copy, which is outside the graph (documented)."""
        return self._tensor(tensor).copy()

    def view(self, name: str, tensor: Any, *args: Any) -> Any:
        tensor = self._tensor(tensor)
        if name == "view":
            return tensor.reshape(*args)
        if name == "transpose":
            return self.mg.swapaxes(tensor, *args)
        if name == "expand":
            shape = args[0] if len(args) == 1 and isinstance(args[0], (tuple, list)) else args
            return self.mg.broadcast_to(tensor, tuple(shape))
        if name == "unsqueeze":
            return self.mg.expand_dims(tensor, *args)
        if name == "t":
            return tensor.T
        raise AdapterError(f"MyGrad has no {name!r} view (no complex tensors, no lazy conjugation)")

    def resolve(self, name: str, tensor: Any) -> Any:
        raise AdapterError(f"MyGrad has no {name}() (no lazy conjugate/negative bits, no strides API)")

    def stride(self, tensor: Any) -> tuple[int, ...]:
        raise AdapterError("MyGrad tensors have no stride() (only the NumPy array's byte strides)")

    def is_contiguous(self, tensor: Any) -> bool:
        raise AdapterError("MyGrad tensors have no is_contiguous()")

    # -- autograd --------------------------------------------------------------------------
    def requires_grad(self, tensor: Any) -> bool:
        return not self._tensor(tensor).constant

    def set_requires_grad(self, tensor: Any, value: bool) -> None:
        raise AdapterError("MyGrad's Tensor.constant is fixed at creation: it has no setter")

    def requires_grad_(self, tensor: Any, value: bool) -> Any:
        raise AdapterError("MyGrad's Tensor.constant is fixed at creation: there is no requires_grad_()")

    def is_leaf(self, tensor: Any) -> bool:
        return self._tensor(tensor).creator is None

    def grad_fn(self, tensor: Any) -> Any:
        return self._tensor(tensor).creator

    def grad(self, tensor: Any) -> Any:
        return self._tensor(tensor).grad

    def set_grad(self, tensor: Any, value: Any) -> None:
        """Only ``None`` can be set: it is ``null_grad()``; MyGrad's ``.grad`` has no setter."""
        if value is not None:
            raise AdapterError("MyGrad's Tensor.grad is read-only: only backward() sets it (null_grad() clears it)")
        self._tensor(tensor).null_grad()

    def retain_grad(self, tensor: Any) -> None:
        raise AdapterError("MyGrad has no retain_grad()")

    def retains_grad(self, tensor: Any) -> bool:
        raise AdapterError("MyGrad has no retains_grad")

    def backward(self, tensor: Any, *, gradient: Any, retain_graph: bool | None, inputs: Any = None,
                 create_graph: bool = False) -> None:
        if retain_graph:
            raise AdapterError("MyGrad's backward() has no retain_graph: it always clears the graph")
        if inputs is not None:
            raise AdapterError("MyGrad's backward() has no inputs argument")
        if create_graph:
            raise AdapterError("MyGrad has no higher-order gradients (create_graph)")
        self._tensor(tensor).backward(gradient)

    def autograd_grad(self, outputs: Any, inputs: Any, *, grad_outputs: Any, retain_graph: bool | None,
                      create_graph: bool, allow_unused: bool | None, materialize_grads: bool) -> tuple[Any, ...]:
        raise AdapterError("MyGrad has no autograd.grad(): gradients come only from backward() into .grad")

    def register_hook(self, tensor: Any, hook: Callable[..., Any], *, when: str) -> Any:
        raise AdapterError("MyGrad has no tensor hooks")

    def remove_hook(self, handle: Any) -> None:
        raise AdapterError("MyGrad has no tensor hooks")

    def detach(self, tensor: Any) -> Any:
        """``mygrad.astensor(t, constant=True)``: a constant tensor on the same array (``t`` if constant)."""
        return self.mg.astensor(self._tensor(tensor), constant=True)

    def detach_(self, tensor: Any) -> Any:
        raise AdapterError("MyGrad cannot make a tensor constant in place (no detach_())")

    def data(self, tensor: Any) -> Any:
        """MyGrad's ``.data``: the NumPy array itself, not a tensor."""
        return self._tensor(tensor).data

    def set_data(self, tensor: Any, value: Any) -> None:
        raise AdapterError("MyGrad's .data is the NumPy array, not a tensor alias to assign")

    def version(self, tensor: Any) -> int:
        raise AdapterError("MyGrad has no version counter (in-place operations rewrite the graph instead)")

    def grad_mode(self, name: str, *args: Any) -> Any:
        """``no_grad`` is ``mygrad.no_autodiff`` (one object: context manager and decorator)."""
        if name != "no_grad":
            raise AdapterError(f"MyGrad has no {name}: its only grad mode is no_autodiff")
        if not args:
            return self.mg.no_autodiff
        (function,) = args
        return self.mg.no_autodiff(function)

    def is_grad_enabled(self) -> bool:
        return bool(self.mg.no_autodiff.state)

    def is_inference_mode_enabled(self) -> bool:
        raise AdapterError("MyGrad has no inference mode")

    def is_inference(self, tensor: Any) -> bool:
        raise AdapterError("MyGrad has no inference tensors")

    # -- conversion ------------------------------------------------------------------------
    def to(self, obj: Any, target: DType | str) -> Any:
        if not isinstance(target, DType):
            raise AdapterError(f"MyGrad has no .to({target!r}): it runs on NumPy, on the CPU only")
        return self._tensor(obj).astype(target.numpy, copy=False)

    def numpy(self, tensor: Any, *, force: bool = False) -> np.ndarray:
        """``mygrad.asarray``: the tensor's own array (MyGrad has no checks for ``force`` to skip)."""
        return self.mg.asarray(self._tensor(tensor))

    def from_numpy(self, array: np.ndarray) -> Any:
        return self.mg.astensor(array)

    def as_tensor(self, value: Any, *, device: str) -> Any:
        self._cpu(device)
        return self.mg.astensor(value)

    def item(self, tensor: Any) -> Any:
        return self._tensor(tensor).item()

    def tolist(self, tensor: Any) -> Any:
        raise AdapterError("MyGrad tensors have no tolist()")

    # -- modules and optimizers ------------------------------------------------------------
    def linear(self, in_features: int, out_features: int, *, bias: bool, device: str) -> Any:
        raise AdapterError("MyGrad has no modules (mygrad.nnet holds functions only)")

    def sequential(self, modules: list[Any]) -> Any:
        raise AdapterError("MyGrad has no modules")

    def dropout(self, p: float) -> Any:
        raise AdapterError("MyGrad has no modules")

    def batch_norm(self, features: int, *, device: str) -> Any:
        raise AdapterError("MyGrad has no modules (mygrad.nnet.batchnorm is a function without running stats)")

    def train(self, module: Any, mode: bool) -> Any:
        raise AdapterError("MyGrad has no modules")

    def is_training(self, module: Any) -> bool:
        raise AdapterError("MyGrad has no modules")

    def module_buffer(self, module: Any, name: str) -> Any:
        raise AdapterError("MyGrad has no modules")

    def parameter(self, tensor: Any, *, requires_grad: Any) -> Any:
        raise AdapterError("MyGrad has no Parameter type")

    def parameters(self, module: Any) -> list[Any]:
        raise AdapterError("MyGrad has no modules")

    def module_parameter(self, module: Any, name: str) -> Any:
        raise AdapterError("MyGrad has no modules")

    def is_parameter(self, value: Any) -> bool:
        raise AdapterError("MyGrad has no Parameter type")

    def zero_grad(self, obj: Any, *, set_to_none: Any = OMITTED) -> None:
        raise AdapterError("MyGrad has no modules or optimizers")

    def sgd(self, params: list[Any], *, lr: float, momentum: float, weight_decay: float = 0.0) -> Any:
        raise AdapterError("MyGrad has no optimizers")

    def step(self, optimizer: Any) -> None:
        raise AdapterError("MyGrad has no optimizers")

    def call(self, obj: Any, *args: Any, **kwargs: Any) -> Any:
        """Only ``no_autodiff`` is callable in specs: decorating a function."""
        if obj is self.mg.no_autodiff:
            return obj(*args, **kwargs)
        raise AdapterError(f"{type(obj).__name__} is not callable in specs")

    # -- errors ----------------------------------------------------------------------------
    def error_kind(self, error: BaseException) -> str | None:
        return kind_by_message(error, _ERROR_PATTERNS)

    # -- helpers ---------------------------------------------------------------------------
    def _tensor(self, value: Any) -> Any:
        """``value`` if it is a MyGrad tensor; a NumPy array (such as ``.grad``) is refused."""
        if not isinstance(value, self.mg.Tensor):
            kind = "a NumPy array (MyGrad's .grad and .data are arrays)" if isinstance(value, np.ndarray) \
                else type(value).__name__
            raise AdapterError(f"expected a MyGrad Tensor, got {kind}")
        return value

    @staticmethod
    def _cpu(device: str) -> None:
        if device != "cpu":
            raise AdapterError(f"MyGrad runs on the CPU only, not on {device!r}")
