"""The vocabulary of ``steps`` and ``then``: what a spec may name, and how each name runs.

Functions that create or compute tensors call the adapter; checks (``allclose``, ``equal``,
``type_name``...) compute in NumPy/Python from the adapter's read-out of a tensor's values.
"""
from __future__ import annotations

from typing import Any, Iterable

import numpy as np

from gradspec.errors import StepError
from gradspec.language.functions import ContextValue, Registry, Vocabulary
from gradspec.language.interpreter import RunContext
from gradspec.values import DTYPES, OMITTED, DType, dtype_of

UNARY_OPS = ("neg", "exp", "sin", "cos", "tanh", "sigmoid", "relu", "abs")
BINARY_OPS = ("add", "sub", "mul", "div")
REDUCTIONS = ("sum", "mean")
MAX_RANGE = 10_000

#: Default tolerances of ``allclose`` per dtype (those of ``torch.testing.assert_close``).
TOLERANCES: dict[str, tuple[float, float]] = {
    "float16": (1e-3, 1e-5), "float32": (1.3e-6, 1e-5), "float64": (1e-7, 1e-7),
    "complex64": (1.3e-6, 1e-5), "complex128": (1e-7, 1e-7),
}

functions = Registry()
methods = Registry(skip=2)

# -- creation -----------------------------------------------------------------------------


def _as_array(data: Any, dtype: DType | None, shape: Any) -> np.ndarray:
    if isinstance(data, np.ndarray):
        array = data.astype(dtype.numpy) if dtype is not None else data
    else:
        array = np.array(data, dtype=dtype.numpy if dtype is not None else None)
    if shape is not None:
        array = array.reshape(tuple(shape))
    return array


@functions.register()
def tensor(ctx: RunContext, data: Any, dtype: DType | None = None, requires_grad: Any = OMITTED, shape: Any = None) -> Any:
    """A tensor on the device under test; ``requires_grad`` omitted keeps the library default."""
    return ctx.adapter.tensor(_as_array(data, dtype, shape), requires_grad=requires_grad, device=ctx.device)


@functions.register()
def array(ctx: RunContext, data: Any, dtype: DType | None = None, shape: Any = None) -> np.ndarray:
    """A NumPy array: a reference value, never seen by the backend."""
    return _as_array(data, dtype, shape)


def _factory(name: str) -> None:
    def create(ctx: RunContext, shape: Any, dtype: DType = DTYPES["float32"], requires_grad: Any = OMITTED) -> Any:
        return ctx.adapter.create(name, tuple(shape), dtype, requires_grad=requires_grad, device=ctx.device)

    def create_like(ctx: RunContext, other: Any) -> Any:
        return ctx.adapter.create_like(name, other)

    functions.add(name, create)
    functions.add(f"{name}_like", create_like)


for _name in ("zeros", "ones"):
    _factory(_name)

# -- operations ---------------------------------------------------------------------------


def _unary(name: str) -> None:
    functions.add(name, lambda ctx, x: ctx.adapter.unary(name, x))


def _binary(name: str) -> None:
    functions.add(name, lambda ctx, a, b: ctx.adapter.binary(name, a, b))


def _reduction(name: str) -> None:
    functions.add(name, lambda ctx, x, dim=None: ctx.adapter.reduce(name, x, dim=dim))
    methods.add(name, lambda ctx, x, dim=None: _numpy_or(ctx, x, lambda a: getattr(a, name)(axis=dim), lambda: ctx.adapter.reduce(name, x, dim=dim)))


for _name in UNARY_OPS:
    _unary(_name)
for _name in BINARY_OPS + ("matmul",):
    _binary(_name)
for _name in REDUCTIONS:
    _reduction(_name)

# -- grad modes ---------------------------------------------------------------------------


@functions.register()
def no_grad(ctx: RunContext, *function: Any) -> Any:
    """``no_grad()`` as a context manager or decorator; ``@no_grad`` bare decorates ``function``."""
    return ctx.adapter.grad_mode("no_grad", *function)


@functions.register()
def enable_grad(ctx: RunContext, *function: Any) -> Any:
    return ctx.adapter.grad_mode("enable_grad", *function)


@functions.register()
def set_grad_enabled(ctx: RunContext, mode: bool) -> Any:
    return ctx.adapter.grad_mode("set_grad_enabled", mode)


@functions.register()
def inference_mode(ctx: RunContext, mode: bool = True) -> Any:
    return ctx.adapter.grad_mode("inference_mode", mode)


@functions.register()
def is_grad_enabled(ctx: RunContext) -> bool:
    return ctx.adapter.is_grad_enabled()

# -- modules and optimizers ---------------------------------------------------------------


@functions.register()
def linear(ctx: RunContext, in_features: int, out_features: int, bias: bool = True) -> Any:
    return ctx.adapter.linear(in_features, out_features, bias=bias, device=ctx.device)


@functions.register()
def sequential(ctx: RunContext, *modules: Any) -> Any:
    return ctx.adapter.sequential(list(modules))


@functions.register()
def mlp(ctx: RunContext, widths: list[int]) -> Any:
    """A sequential model of linear layers ``widths[0] -> widths[1] -> ...``."""
    if len(widths) < 2:
        raise StepError(f"mlp() needs at least two widths, got {widths!r}")
    layers = [ctx.adapter.linear(a, b, bias=True, device=ctx.device) for a, b in zip(widths, widths[1:])]
    return ctx.adapter.sequential(layers)


@functions.register()
def sgd(ctx: RunContext, params: Iterable[Any], lr: float, momentum: float = 0.0) -> Any:
    return ctx.adapter.sgd(list(params), lr=lr, momentum=momentum)


@functions.register()
def is_parameter(ctx: RunContext, value: Any) -> bool:
    return ctx.adapter.is_parameter(value)


@functions.register()
def is_tensor(ctx: RunContext, value: Any) -> bool:
    return ctx.adapter.is_tensor(value)

# -- checks and Python helpers ------------------------------------------------------------


def readout(ctx: RunContext, value: Any) -> np.ndarray | None:
    """Values to compare: a tensor's read-out, an array, or a Python value as an array."""
    if value is None:
        return None
    if ctx.adapter.is_tensor(value):
        return ctx.adapter.values(value)
    if isinstance(value, np.ndarray):
        return value
    try:
        return np.asarray(value)
    except (TypeError, ValueError) as error:
        raise StepError(f"cannot compare {value!r}: {error}") from None


@functions.register()
def values(ctx: RunContext, value: Any) -> np.ndarray | None:
    """A NumPy copy of a tensor's values (a snapshot that later in-place changes do not touch)."""
    result = readout(ctx, value)
    return None if result is None else np.array(result, copy=True)


@functions.register()
def allclose(ctx: RunContext, actual: Any, expected: Any, rtol: float | None = None, atol: float | None = None) -> bool:
    """Same shape and values within tolerance (per dtype by default); ``None`` is never close."""
    a, b = readout(ctx, actual), readout(ctx, expected)
    if a is None or b is None or a.shape != b.shape:
        return False
    default_rtol, default_atol = _tolerance(a, b)
    return bool(np.allclose(a, b, rtol=default_rtol if rtol is None else rtol, atol=default_atol if atol is None else atol, equal_nan=True))


def _tolerance(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    candidates = [TOLERANCES.get(x.dtype.name, (0.0, 0.0)) for x in (a, b)]
    return max(c[0] for c in candidates), max(c[1] for c in candidates)


@functions.register()
def equal(ctx: RunContext, actual: Any, expected: Any) -> bool:
    """Same shape and exactly the same values; ``None`` is never equal."""
    a, b = readout(ctx, actual), readout(ctx, expected)
    return a is not None and b is not None and a.shape == b.shape and bool(np.array_equal(a, b))


@functions.register()
def identical(ctx: RunContext, actual: Any, expected: Any) -> bool:
    """Equal Python values of exactly the same types, recursively (``True`` is not ``1``,
    a list is not a tuple): for what ``item()`` and ``tolist()`` return."""
    if type(actual) is not type(expected):
        return False
    if isinstance(actual, (list, tuple)):
        return len(actual) == len(expected) and all(identical(ctx, a, b) for a, b in zip(actual, expected))
    return bool(actual == expected)


@functions.register()
def type_name(ctx: RunContext, value: Any) -> str:
    """The kind of a Python value: bool, int, float, complex, str, list, tuple, none, tensor, array."""
    if value is None:
        return "none"
    if ctx.adapter.is_tensor(value):
        return "tensor"
    if isinstance(value, np.ndarray):
        return "array"
    for kind in (bool, int, float, complex, str, list, tuple):
        if type(value) is kind:
            return kind.__name__
    return type(value).__name__


@functions.register("all")
def all_(ctx: RunContext, items: Any) -> bool:
    if ctx.adapter.is_tensor(items) or isinstance(items, np.ndarray):
        return bool(np.all(readout(ctx, items)))
    return all(_truth(ctx, item) for item in items)


@functions.register("any")
def any_(ctx: RunContext, items: Any) -> bool:
    if ctx.adapter.is_tensor(items) or isinstance(items, np.ndarray):
        return bool(np.any(readout(ctx, items)))
    return any(_truth(ctx, item) for item in items)


def _truth(ctx: RunContext, value: Any) -> bool:
    if isinstance(value, np.ndarray) or ctx.adapter.is_tensor(value):
        raise StepError("all()/any() got a tensor inside a sequence: compare it with equal() or allclose()")
    return bool(value)


@functions.register("len")
def len_(ctx: RunContext, value: Any) -> int:
    if ctx.adapter.is_tensor(value):
        shape = ctx.adapter.shape(value)
        if not shape:
            raise StepError("len() of a 0-d tensor")
        return shape[0]
    return len(value)


@functions.register("range")
def range_(ctx: RunContext, *bounds: int) -> range:
    result = range(*bounds)
    if len(result) > MAX_RANGE:
        raise StepError(f"range() too long ({len(result)} > {MAX_RANGE})")
    return result


@functions.register("zip")
def zip_(ctx: RunContext, *sequences: Any) -> list[tuple[Any, ...]]:
    return list(zip(*sequences))


@functions.register("list")
def list_(ctx: RunContext, items: Any) -> list[Any]:
    if ctx.adapter.is_tensor(items):
        raise StepError("list() of a tensor: use .tolist()")
    return list(items)


@functions.register("prod")
def prod(ctx: RunContext, numbers: Any) -> int:
    """The product of a shape's sides (the number of elements)."""
    result = 1
    for number in numbers:
        result *= number
    return result

# -- attributes ---------------------------------------------------------------------------


def _numpy_or(ctx: RunContext, value: Any, on_array: Any, on_backend: Any) -> Any:
    return on_array(value) if isinstance(value, np.ndarray) else on_backend()


def _attribute(name: str) -> Any:
    return lambda ctx, obj: getattr(ctx.adapter, name)(obj)


PROPERTIES = {
    "requires_grad": _attribute("requires_grad"),
    "grad": _attribute("grad"),
    "data": _attribute("data"),
    "is_leaf": _attribute("is_leaf"),
    "grad_fn": _attribute("grad_fn"),
    "version": _attribute("version"),
    "device": _attribute("device"),
    "shape": lambda ctx, obj: _numpy_or(ctx, obj, lambda a: tuple(a.shape), lambda: tuple(ctx.adapter.shape(obj))),
    "dtype": lambda ctx, obj: _numpy_or(ctx, obj, dtype_of, lambda: ctx.adapter.dtype(obj)),
    "ndim": lambda ctx, obj: _numpy_or(ctx, obj, lambda a: a.ndim, lambda: len(ctx.adapter.shape(obj))),
    "weight": lambda ctx, obj: ctx.adapter.module_parameter(obj, "weight"),
    "bias": lambda ctx, obj: ctx.adapter.module_parameter(obj, "bias"),
}

SETTABLE = {
    "requires_grad": lambda ctx, obj, value: ctx.adapter.set_requires_grad(obj, value),
    "grad": lambda ctx, obj, value: ctx.adapter.set_grad(obj, value),
    "data": lambda ctx, obj, value: ctx.adapter.set_data(obj, value),
}


def _method(name: str, impl: Any) -> None:
    methods.add(name, impl)


_method("detach", lambda ctx, t: ctx.adapter.detach(t))
_method("detach_", lambda ctx, t: ctx.adapter.detach_(t))
_method("requires_grad_", lambda ctx, t, requires_grad=True: ctx.adapter.requires_grad_(t, requires_grad))
_method("backward", lambda ctx, t, gradient=None, retain_graph=None: ctx.adapter.backward(t, gradient=gradient, retain_graph=retain_graph))
_method("retain_grad", lambda ctx, t: ctx.adapter.retain_grad(t))
_method("item", lambda ctx, t: _numpy_or(ctx, t, lambda a: a.item(), lambda: ctx.adapter.item(t)))
_method("tolist", lambda ctx, t: _numpy_or(ctx, t, lambda a: a.tolist(), lambda: ctx.adapter.tolist(t)))
_method("numpy", lambda ctx, t: ctx.adapter.numpy(t))
_method("to", lambda ctx, obj, target: ctx.adapter.to(obj, target))
_method("cpu", lambda ctx, obj: ctx.adapter.to(obj, "cpu"))
_method("clone", lambda ctx, t: _numpy_or(ctx, t, np.copy, lambda: ctx.adapter.clone(t)))
_method("numel", lambda ctx, t: _numpy_or(ctx, t, lambda a: int(a.size), lambda: ctx.adapter.numel(t)))
_method("dim", lambda ctx, t: _numpy_or(ctx, t, lambda a: a.ndim, lambda: len(ctx.adapter.shape(t))))
_method("reshape", lambda ctx, t, *shape: _numpy_or(ctx, t, lambda a: a.reshape(shape), lambda: ctx.adapter.reshape(t, shape)))
for _name in ("zero_", "fill_", "add_", "mul_", "copy_"):
    _method(_name, (lambda name: lambda ctx, t, *args: ctx.adapter.inplace(name, t, *args))(_name))
_method("parameters", lambda ctx, module: ctx.adapter.parameters(module))
_method("zero_grad", lambda ctx, obj: ctx.adapter.zero_grad(obj))
_method("step", lambda ctx, optimizer: ctx.adapter.step(optimizer))

#: Names bound in every spec besides its inputs and steps.
CONSTANTS: dict[str, Any] = {
    **DTYPES,
    "device": ContextValue("device", lambda ctx: ctx.device),
}

MUTATING_METHODS = frozenset({
    "backward", "detach_", "requires_grad_", "retain_grad", "zero_", "fill_", "add_", "mul_", "copy_",
    "zero_grad", "step",
})

STEP_VOCABULARY = Vocabulary(
    functions=functions, constants=CONSTANTS, properties=PROPERTIES, settable=SETTABLE, methods=methods,
    mutating=MUTATING_METHODS,
)
