"""The vocabulary of ``steps`` and ``then``: what a spec may name, and how each name runs.

Functions that create or compute tensors call the adapter; checks (``allclose``, ``equal``,
``type_name``...) compute in NumPy/Python from the adapter's read-out of a tensor's values.
"""
from __future__ import annotations

import threading
from typing import Any, Callable, Iterable

import numpy as np

from gradspec import reference as numpy_reference
from gradspec.errors import AdapterError, BackendError, SpecFailure, StepError
from gradspec.language.checker import MAX_ELEMENTS
from gradspec.language.functions import ContextValue, Function, Registry, Vocabulary
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


def _bounded(*sizes: Any) -> None:
    """Refuse, at run time, sizes computed by the steps that ask for too many elements."""
    count = 1
    for size in sizes:
        count *= int(size)
    if count > MAX_ELEMENTS:
        raise StepError(f"asks for {count} elements (more than {MAX_ELEMENTS})")


def _as_array(data: Any, dtype: DType | None, shape: Any) -> np.ndarray:
    if isinstance(data, np.ndarray):
        array = data.astype(dtype.numpy) if dtype is not None else data
    else:
        array = np.array(data, dtype=dtype.numpy if dtype is not None else None)
    if shape is not None:
        _bounded(*shape)
        array = array.reshape(tuple(shape))
    return array


@functions.register()
def tensor(ctx: RunContext, data: Any, dtype: DType | None = None, requires_grad: Any = OMITTED, shape: Any = None) -> Any:
    """A tensor on the device under test; ``requires_grad`` omitted keeps the library default.
    From an existing tensor it is the library's copy-construction (``torch.tensor(t)``)."""
    if ctx.adapter.is_tensor(data):
        if dtype is not None or shape is not None:
            raise StepError("tensor(t) of a tensor takes no dtype or shape")
        return ctx.adapter.copy_construct(data, requires_grad=requires_grad, device=ctx.device)
    return ctx.adapter.tensor(_as_array(data, dtype, shape), requires_grad=requires_grad, device=ctx.device)


@functions.register()
def array(ctx: RunContext, data: Any, dtype: DType | None = None, shape: Any = None) -> np.ndarray:
    """A NumPy array: a reference value, never seen by the backend."""
    return _as_array(data, dtype, shape)


@functions.register()
def parameter(ctx: RunContext, data: Any, requires_grad: Any = OMITTED) -> Any:
    """A module parameter wrapping a tensor (``nn.Parameter``)."""
    return ctx.adapter.parameter(data, requires_grad=requires_grad)


@functions.register()
def from_numpy(ctx: RunContext, data: np.ndarray) -> Any:
    """A CPU tensor sharing the array's memory."""
    if not isinstance(data, np.ndarray):
        raise StepError(f"from_numpy() takes an array, not {type(data).__name__}")
    return ctx.adapter.from_numpy(data)


@functions.register()
def as_tensor(ctx: RunContext, data: Any) -> Any:
    """A tensor on the device under test that shares memory with ``data`` where it can."""
    return ctx.adapter.as_tensor(data, device=ctx.device)


def _factory(name: str) -> None:
    def create(ctx: RunContext, shape: Any, dtype: DType = DTYPES["float32"], requires_grad: Any = OMITTED) -> Any:
        _bounded(*shape)
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


@functions.register()
def is_inference_mode_enabled(ctx: RunContext) -> bool:
    return ctx.adapter.is_inference_mode_enabled()


@functions.register()
def autograd_grad(ctx: RunContext, outputs: Any, inputs: Any, grad_outputs: Any = None, retain_graph: Any = None,
                  create_graph: bool = False, allow_unused: Any = None, materialize_grads: bool = False) -> list[Any]:
    """Gradients of ``outputs`` with respect to ``inputs`` (``torch.autograd.grad``), as a list."""
    return list(ctx.adapter.autograd_grad(
        outputs, inputs, grad_outputs=grad_outputs, retain_graph=retain_graph, create_graph=create_graph,
        allow_unused=allow_unused, materialize_grads=materialize_grads))


class ContextStack:
    """Context managers entered and exited one call at a time, for drawn nesting sequences."""

    def __init__(self) -> None:
        self.entered: list[Any] = []

    def enter(self, manager: Any) -> Any:
        value = manager.__enter__()
        self.entered.append(manager)
        return value

    def exit(self, raising: bool = False) -> bool:
        """Leave the innermost context normally, or as an exception passing through it;
        returns whether the context manager suppressed the exception."""
        if not self.entered:
            raise StepError("exit() with no context entered")
        manager = self.entered.pop()
        if not raising:
            manager.__exit__(None, None, None)
            return False
        error = RuntimeError("an exception leaving the block")
        return bool(manager.__exit__(RuntimeError, error, None))

    def close(self) -> None:
        while self.entered:
            self.exit()


@functions.register()
def context_stack(ctx: RunContext) -> ContextStack:
    """An empty stack of entered contexts: ``.enter(no_grad())``, ``.exit()``,
    ``.exit_raising()``, ``.close()``."""
    return ContextStack()


@functions.register()
def error_of(ctx: RunContext, function: Any, *args: Any) -> str | None:
    """Call ``function``; the canonical kind of the library error it raised, or ``None``.
    An exception no canonical kind describes propagates (the run reports an error)."""
    try:
        _call(ctx, function, args)
    except (SpecFailure, BackendError, StepError, AdapterError):
        raise
    except Exception as error:
        kind = ctx.adapter.error_kind(error)
        if kind is None:
            raise
        return kind
    return None


@functions.register()
def run_in_thread(ctx: RunContext, function: Any, *args: Any) -> Any:
    """Call ``function`` in a new thread and return its result (grad mode is per thread)."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = _call(ctx, function, args)
        except BaseException as error:  # re-raised in the calling thread
            outcome["error"] = error

    thread = threading.Thread(target=target, name="gradspec-step")
    thread.start()
    thread.join(timeout=60)
    if thread.is_alive():
        raise StepError("run_in_thread(): the thread did not finish within 60 s")
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def _call(ctx: RunContext, function: Any, args: tuple[Any, ...]) -> Any:
    if isinstance(function, Function):
        return function.impl(ctx, *args)
    if not callable(function):
        raise StepError(f"{function!r} is not callable")
    return function(*args)

# -- modules and optimizers ---------------------------------------------------------------


@functions.register()
def linear(ctx: RunContext, in_features: int, out_features: int, bias: bool = True) -> Any:
    _bounded(in_features, out_features)
    return ctx.adapter.linear(in_features, out_features, bias=bias, device=ctx.device)


@functions.register()
def sequential(ctx: RunContext, *modules: Any) -> Any:
    return ctx.adapter.sequential(list(modules))


@functions.register()
def mlp(ctx: RunContext, widths: list[int]) -> Any:
    """A sequential model of linear layers ``widths[0] -> widths[1] -> ...``."""
    if len(widths) < 2:
        raise StepError(f"mlp() needs at least two widths, got {widths!r}")
    for a, b in zip(widths, widths[1:]):
        _bounded(a, b)
    layers = [ctx.adapter.linear(a, b, bias=True, device=ctx.device) for a, b in zip(widths, widths[1:])]
    return ctx.adapter.sequential(layers)


@functions.register()
def sgd(ctx: RunContext, params: Iterable[Any], lr: float, momentum: float = 0.0, weight_decay: float = 0.0) -> Any:
    return ctx.adapter.sgd(list(params), lr=lr, momentum=momentum, weight_decay=weight_decay)


@functions.register()
def dropout(ctx: RunContext, p: float) -> Any:
    return ctx.adapter.dropout(p)


@functions.register()
def batch_norm(ctx: RunContext, features: int) -> Any:
    _bounded(features)
    return ctx.adapter.batch_norm(features, device=ctx.device)


@functions.register()
def apply_inplace(ctx: RunContext, op: Function, tensor: Any) -> Any:
    """The in-place form of a unary operation (``exp`` -> ``exp_``) applied to ``tensor``."""
    if not isinstance(op, Function) or op.name not in UNARY_OPS:
        raise StepError(f"apply_inplace() takes a unary operation, not {op!r}")
    return ctx.adapter.inplace(f"{op.name}_", tensor)


@functions.register()
def reference(ctx: RunContext, op: Function, *inputs: Any) -> np.ndarray:
    """The operation's value computed by NumPy in float64 (never by the backend)."""
    return numpy_reference.forward(_op_name(op), *(readout(ctx, x) for x in inputs))


@functions.register()
def reference_grads(ctx: RunContext, op: Function, inputs: list[Any], upstream: Any) -> list[np.ndarray]:
    """The gradients of ``sum(op(*inputs) * upstream)`` for each input, computed by NumPy in float64."""
    return numpy_reference.gradients(_op_name(op), [readout(ctx, x) for x in inputs], readout(ctx, upstream))


def _op_name(op: Any) -> str:
    if not isinstance(op, Function) or op.name not in numpy_reference.FORWARD:
        raise StepError(f"no NumPy reference for {op!r}")
    return op.name


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
    default_rtol, default_atol = _tolerance(ctx, a, b)
    return bool(np.allclose(a, b, rtol=default_rtol if rtol is None else rtol, atol=default_atol if atol is None else atol, equal_nan=True))


def _tolerance(ctx: RunContext, a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    table = {**TOLERANCES, **ctx.tolerances}
    candidates = [table.get(x.dtype.name, (0.0, 0.0)) for x in (a, b)]
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
    "running_mean": lambda ctx, obj: ctx.adapter.module_buffer(obj, "running_mean"),
    "running_var": lambda ctx, obj: ctx.adapter.module_buffer(obj, "running_var"),
    "training": lambda ctx, obj: ctx.adapter.is_training(obj),
    "retains_grad": _attribute("retains_grad"),
    "imag": lambda ctx, obj: ctx.adapter.view("imag", obj),
    "real": lambda ctx, obj: ctx.adapter.view("real", obj),
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
_method("backward", lambda ctx, t, gradient=None, retain_graph=None, inputs=None, create_graph=False: ctx.adapter.backward(
    t, gradient=gradient, retain_graph=retain_graph, inputs=inputs, create_graph=create_graph))
_method("retain_grad", lambda ctx, t: ctx.adapter.retain_grad(t))
_method("item", lambda ctx, t: _numpy_or(ctx, t, lambda a: a.item(), lambda: ctx.adapter.item(t)))
_method("tolist", lambda ctx, t: _numpy_or(ctx, t, lambda a: a.tolist(), lambda: ctx.adapter.tolist(t)))
_method("numpy", lambda ctx, t, force=False: ctx.adapter.numpy(t, force=force))
_method("to", lambda ctx, obj, target: ctx.adapter.to(obj, target))
_method("cpu", lambda ctx, obj: ctx.adapter.to(obj, "cpu"))
_method("clone", lambda ctx, t: _numpy_or(ctx, t, np.copy, lambda: ctx.adapter.clone(t)))
_method("numel", lambda ctx, t: _numpy_or(ctx, t, lambda a: int(a.size), lambda: ctx.adapter.numel(t)))
_method("dim", lambda ctx, t: _numpy_or(ctx, t, lambda a: a.ndim, lambda: len(ctx.adapter.shape(t))))
_method("reshape", lambda ctx, t, *shape: _numpy_or(ctx, t, lambda a: a.reshape(shape), lambda: ctx.adapter.reshape(t, shape)))
INPLACE_METHODS = ("zero_", "fill_", "add_", "sub_", "mul_", "div_", "copy_") + tuple(f"{name}_" for name in UNARY_OPS)
for _name in INPLACE_METHODS:
    _method(_name, (lambda name: lambda ctx, t, *args: ctx.adapter.inplace(name, t, *args))(_name))
for _name in ("view", "transpose", "expand", "unsqueeze", "t", "conj"):
    _method(_name, (lambda name: lambda ctx, t, *args: ctx.adapter.view(name, t, *args))(_name))
for _name in ("resolve_conj", "resolve_neg", "contiguous"):
    _method(_name, (lambda name: lambda ctx, t: ctx.adapter.resolve(name, t))(_name))
_method("stride", lambda ctx, t: _numpy_or(ctx, t, lambda a: tuple(s // a.itemsize for s in a.strides), lambda: ctx.adapter.stride(t)))
_method("is_contiguous", lambda ctx, t: ctx.adapter.is_contiguous(t))
_method("is_inference", lambda ctx, t: ctx.adapter.is_inference(t))
_method("register_hook", lambda ctx, t, hook: ctx.adapter.register_hook(t, hook, when="grad"))
_method("register_post_accumulate_grad_hook", lambda ctx, t, hook: ctx.adapter.register_hook(t, hook, when="post_accumulate"))
_method("remove", lambda ctx, handle: ctx.adapter.remove_hook(handle))
_method("parameters", lambda ctx, module: ctx.adapter.parameters(module))
_method("zero_grad", lambda ctx, obj, set_to_none=OMITTED: ctx.adapter.zero_grad(obj, set_to_none=set_to_none))
_method("step", lambda ctx, optimizer: ctx.adapter.step(optimizer))
_method("train", lambda ctx, module, mode=True: ctx.adapter.train(module, mode))
_method("eval", lambda ctx, module: ctx.adapter.train(module, False))


def _stack(ctx: RunContext, obj: Any) -> ContextStack:
    if not isinstance(obj, ContextStack):
        raise StepError(f"enter()/exit() belong to context_stack(), not {type(obj).__name__}")
    return obj


_method("enter", lambda ctx, stack, manager: _stack(ctx, stack).enter(manager))
_method("exit", lambda ctx, stack: _stack(ctx, stack).exit())
_method("exit_raising", lambda ctx, stack: _stack(ctx, stack).exit(raising=True))
_method("close", lambda ctx, stack: _stack(ctx, stack).close())

#: Names bound in every spec besides its inputs and steps.
CONSTANTS: dict[str, Any] = {
    **DTYPES,
    "device": ContextValue("device", lambda ctx: ctx.device),
}

MUTATING_METHODS = frozenset({
    "backward", "detach_", "requires_grad_", "retain_grad", "zero_grad", "step", "train", "eval",
    "register_hook", "register_post_accumulate_grad_hook", "remove", "enter", "exit", "exit_raising", "close",
    *INPLACE_METHODS,
})

STEP_VOCABULARY = Vocabulary(
    functions=functions, constants=CONSTANTS, properties=PROPERTIES, settable=SETTABLE, methods=methods,
    mutating=MUTATING_METHODS,
)
