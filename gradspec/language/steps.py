"""The vocabulary of ``steps`` and ``then``: every name a spec may use, declared once.

Each function, method, property and constant is declared here with its implementation, the
capability a library needs for it, whether it changes state, and a one-line doc; operations
come from :mod:`gradspec.language.operations`.  Functions that create or compute tensors call
the adapter; checks (``allclose``, ``equal``, ``type_name``...) compute in NumPy/Python from the
adapter's read-out of a tensor's values.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable
from typing import Any

import numpy as np

from gradspec import reference as numpy_reference
from gradspec.errors import AdapterError, BackendError, SpecFailure, StepError
from gradspec.language.checker import MAX_ELEMENTS
from gradspec.language.interpreter import RunContext
from gradspec.language.operations import INPLACE_FORMS, OPERATIONS, UNARY_OPS, Operation
from gradspec.language.vocabulary import Constant, ContextValue, Function, Property, Registry, Vocabulary
from gradspec.values import DTYPES, OMITTED, DType, dtype_of

MAX_RANGE = 10_000
GRAD_MODE_DECORATORS = "grad_mode_decorators"

#: Default tolerances of ``allclose`` per dtype (those of ``torch.testing.assert_close``).
TOLERANCES: dict[str, tuple[float, float]] = {
    "float16": (1e-3, 1e-5),
    "float32": (1.3e-6, 1e-5),
    "float64": (1e-7, 1e-7),
    "complex64": (1.3e-6, 1e-5),
    "complex128": (1e-7, 1e-7),
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


def _bounded_layers(widths: list[Any]) -> None:
    """Refuse linear layers ``widths[0] -> widths[1] -> ...`` whose weights and biases together
    have too many elements."""
    count = sum(int(a) * int(b) + int(b) for a, b in zip(widths, widths[1:]))
    if count > MAX_ELEMENTS:
        shape = " -> ".join(map(str, widths))
        layers = f"a {shape} layer" if len(widths) == 2 else f"the layers {shape}"
        raise StepError(f"asks for {count} elements (the weights and biases of {layers}; more than {MAX_ELEMENTS})")


def _as_array(data: Any, dtype: DType | None, shape: Any) -> np.ndarray:
    if isinstance(data, np.ndarray):
        array = data.astype(dtype.numpy) if dtype is not None else data
    else:
        array = np.array(data, dtype=dtype.numpy if dtype is not None else None)
    if shape is not None:
        _bounded(*shape)
        array = array.reshape(tuple(shape))
    return array


@functions.register(keyword_capabilities={"requires_grad": "requires_grad"})
def tensor(ctx: RunContext, data: Any, dtype: DType | None = None, requires_grad: Any = OMITTED, shape: Any = None) -> Any:
    """A tensor on the device under test; ``requires_grad`` omitted keeps the library default.
    From an existing tensor it is the library's copy-construction (``torch.tensor(t)``)."""
    if ctx.adapter.is_tensor(data):
        if dtype is not None or shape is not None:
            raise StepError("tensor(t) of a tensor takes no dtype or shape")
        return ctx.adapter.copy_construct(data, requires_grad=requires_grad, device=ctx.device)
    return ctx.adapter.tensor(_as_array(data, dtype, shape), requires_grad=requires_grad, device=ctx.device)


@functions.register()
def variable(ctx: RunContext, data: Any, dtype: DType | None = None, shape: Any = None) -> Any:
    """A tensor that gradients are taken with respect to, made the library's own way (PyTorch:
    ``tensor(data, requires_grad=True)``; a library differentiating functions: a plain tensor)."""
    if ctx.adapter.is_tensor(data):
        raise StepError("variable() takes values, not a tensor")
    return ctx.adapter.variable(_as_array(data, dtype, shape), device=ctx.device)


@functions.register()
def array(ctx: RunContext, data: Any, dtype: DType | None = None, shape: Any = None) -> np.ndarray:
    """A NumPy array: a reference value, never seen by the backend."""
    return _as_array(data, dtype, shape)


@functions.register(capability="parameter_constructor", keyword_capabilities={"requires_grad": "requires_grad"})
def parameter(ctx: RunContext, data: Any, requires_grad: Any = OMITTED) -> Any:
    """A module parameter wrapping a tensor (``nn.Parameter``)."""
    return ctx.adapter.parameter(data, requires_grad=requires_grad)


@functions.register(capability="from_numpy")
def from_numpy(ctx: RunContext, data: np.ndarray) -> Any:
    """A CPU tensor sharing the array's memory."""
    if not isinstance(data, np.ndarray):
        raise StepError(f"from_numpy() takes an array, not {type(data).__name__}")
    return ctx.adapter.from_numpy(data)


@functions.register(capability="as_tensor")
def as_tensor(ctx: RunContext, data: Any) -> Any:
    """A tensor on the device under test that shares memory with ``data`` where it can."""
    return ctx.adapter.as_tensor(data, device=ctx.device)


def _factory(name: str) -> None:
    def create(ctx: RunContext, shape: Any, dtype: DType = DTYPES["float32"], requires_grad: Any = OMITTED) -> Any:
        _bounded(*shape)
        return ctx.adapter.create(name, tuple(shape), dtype, requires_grad=requires_grad, device=ctx.device)

    def create_like(ctx: RunContext, other: Any) -> Any:
        return ctx.adapter.create_like(name, other)

    functions.add(
        name,
        create,
        doc=f"a tensor of {name} of a shape and dtype (float32 by default)",
        keyword_capabilities={"requires_grad": "requires_grad"},
    )
    functions.add(f"{name}_like", create_like, doc=f"a tensor of {name} with another tensor's shape, dtype and device")


for _name in ("zeros", "ones"):
    _factory(_name)

# -- operations ---------------------------------------------------------------------------


def _elementwise(ctx: RunContext, name: str, out: Any, *operands: Any) -> Any:
    """An operation's result, or, where the call gives ``out=``, the result written into that
    tensor (``add(a, b, out=c)``: ``adapter.into``)."""
    if out is None:
        return ctx.adapter.unary(name, *operands) if len(operands) == 1 else ctx.adapter.binary(name, *operands)
    if not ctx.adapter.is_tensor(out):
        raise StepError(f"{name}(out=) takes a tensor, not {type(out).__name__}")
    return ctx.adapter.into(name, out, *operands)


def _operation(operation: Operation) -> None:
    """Declare the step function of an operation that has one, and a reduction's method form."""
    name = operation.name
    if not operation.named:
        return
    out_keyword = {"out": "out_argument"}
    if operation.arity == "unary":
        functions.add(
            name, lambda ctx, x, *, out=None: _elementwise(ctx, name, out, x), doc=operation.doc, keyword_capabilities=out_keyword
        )
    elif operation.arity == "binary":
        functions.add(
            name,
            lambda ctx, a, b, *, out=None: _elementwise(ctx, name, out, a, b),
            doc=operation.doc,
            keyword_capabilities=out_keyword,
        )
    else:
        functions.add(name, lambda ctx, x, dim=None: ctx.adapter.reduce(name, x, dim=dim), doc=operation.doc)
        methods.add(
            name,
            lambda ctx, x, dim=None: _numpy_or(
                ctx, x, lambda a: getattr(a, name)(axis=dim), lambda: ctx.adapter.reduce(name, x, dim=dim)
            ),
            doc=f"{operation.doc} (NumPy's on an array)",
        )


for _operation_record in OPERATIONS:
    _operation(_operation_record)

# -- grad modes ---------------------------------------------------------------------------


@functions.register(capability="grad_modes", decorator_capability=GRAD_MODE_DECORATORS)
def no_grad(ctx: RunContext, *function: Any) -> Any:
    """``no_grad()`` as a context manager or decorator; ``@no_grad`` bare decorates ``function``."""
    return ctx.adapter.grad_mode("no_grad", *function)


@functions.register(capability="enable_grad", decorator_capability=GRAD_MODE_DECORATORS)
def enable_grad(ctx: RunContext, *function: Any) -> Any:
    """``enable_grad()`` as a context manager or decorator: grad mode on inside."""
    return ctx.adapter.grad_mode("enable_grad", *function)


@functions.register(capability="set_grad_enabled", decorator_capability=GRAD_MODE_DECORATORS)
def set_grad_enabled(ctx: RunContext, mode: bool) -> Any:
    """``set_grad_enabled(mode)``: turns grad mode on or off, or does so inside a ``with`` block."""
    return ctx.adapter.grad_mode("set_grad_enabled", mode)


@functions.register(capability="inference_mode", decorator_capability=GRAD_MODE_DECORATORS)
def inference_mode(ctx: RunContext, mode: bool = True) -> Any:
    """``inference_mode(mode=True)`` as a context manager or decorator."""
    return ctx.adapter.grad_mode("inference_mode", mode)


@functions.register(capability="grad_modes")
def is_grad_enabled(ctx: RunContext) -> bool:
    """Whether grad mode is on in this thread."""
    return ctx.adapter.is_grad_enabled()


@functions.register(capability="inference_mode")
def is_inference_mode_enabled(ctx: RunContext) -> bool:
    """Whether inference mode is on in this thread."""
    return ctx.adapter.is_inference_mode_enabled()


@functions.register(
    capability="autograd_grad",
    keyword_capabilities={
        "retain_graph": "retain_graph",
        "create_graph": "create_graph",
        "allow_unused": "allow_unused",
        "materialize_grads": "materialize_grads",
        "is_grads_batched": "autograd_grad_is_grads_batched",
    },
    dict_capabilities={"inputs": "grad_inputs_dict"},
)
def autograd_grad(
    ctx: RunContext,
    outputs: Any,
    inputs: Any,
    grad_outputs: Any = None,
    retain_graph: Any = None,
    create_graph: bool = False,
    allow_unused: Any = None,
    materialize_grads: bool = False,
    is_grads_batched: Any = OMITTED,
) -> list[Any] | dict[str, Any]:
    """Gradients of ``outputs`` with respect to ``inputs`` (``torch.autograd.grad``), as a list;
    with ``inputs`` a dict, as a dict with its keys."""
    options = {
        "grad_outputs": grad_outputs,
        "retain_graph": retain_graph,
        "create_graph": create_graph,
        "allow_unused": allow_unused,
        "materialize_grads": materialize_grads,
    }
    if isinstance(inputs, dict):  # a separate adapter method: the result is a dict too
        if is_grads_batched is not OMITTED:
            raise StepError("autograd_grad(): is_grads_batched= with a dict of inputs is not in the language")
        return dict(ctx.adapter.autograd_grad_dict(outputs, inputs, **options))
    if is_grads_batched is not OMITTED:  # a separate adapter method: only where the spec wrote it
        return list(ctx.adapter.autograd_grad_batched(outputs, inputs, is_grads_batched=bool(is_grads_batched), **options))
    return list(ctx.adapter.autograd_grad(outputs, inputs, **options))


@functions.register(capability="autograd_backward", mutates=True)
def autograd_backward(ctx: RunContext, tensors: Any, grad_tensors: Any = None) -> None:
    """Backward from several roots at once, summing into the .grad of leaves (``torch.autograd.backward``)."""
    ctx.adapter.autograd_backward(list(tensors), grad_tensors=None if grad_tensors is None else list(grad_tensors))


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
    ``.exit_raising()``, ``.close()``.  Contexts still entered when the example ends are left then."""
    stack = ContextStack()
    ctx.scope.on_close(stack.close)
    return stack


@functions.register(capability="error_kinds")
def error_of(ctx: RunContext, function: Any, *args: Any) -> str | None:
    """Call ``function``; the canonical kind of the library error it raised, or ``None``.
    An exception no canonical kind describes propagates (the run reports an error)."""
    try:
        call_value(ctx, function, args)
    except (SpecFailure, BackendError, StepError, AdapterError):
        raise
    except Exception as error:
        kind = ctx.adapter.error_kind(error)
        if kind is None:
            raise
        return kind
    return None


#: Seconds ``run_in_thread`` waits for its thread.
THREAD_TIMEOUT = 60.0


@functions.register()
def run_in_thread(ctx: RunContext, function: Any, *args: Any) -> Any:
    """Call ``function`` in a new thread and return its result (grad mode is per thread)."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = call_value(ctx, function, args)
        except BaseException as error:  # re-raised in the calling thread
            outcome["error"] = error

    # A daemon thread, owned by the example: it never keeps the process alive, and one still
    # running when the example ends stops the process's verdicts (see gradspec.state).
    thread = threading.Thread(target=target, name="gradspec-step", daemon=True)
    ctx.scope.adopt_thread(thread)
    thread.start()
    thread.join(timeout=THREAD_TIMEOUT)
    if thread.is_alive():
        raise StepError(f"run_in_thread(): the thread did not finish within {THREAD_TIMEOUT:g} s")
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def call_value(ctx: RunContext, function: Any, args: tuple[Any, ...]) -> Any:
    """Call a language value that is a function: a declared one (with the run context), a step
    function or a callable library object such as a module."""
    if isinstance(function, Function):
        return function.impl(ctx, *args)
    if not callable(function):
        raise StepError(f"{function!r} is not callable")
    return function(*args)


# -- modules and optimizers ---------------------------------------------------------------


@functions.register(capability="modules")
def linear(ctx: RunContext, in_features: int, out_features: int, bias: bool = True) -> Any:
    """A linear layer (``nn.Linear``) on the device under test."""
    _bounded_layers([in_features, out_features])
    return ctx.adapter.linear(in_features, out_features, bias=bias, device=ctx.device)


@functions.register(capability="modules")
def sequential(ctx: RunContext, *modules: Any) -> Any:
    """A sequential container of modules (``nn.Sequential``)."""
    return ctx.adapter.sequential(list(modules))


@functions.register(capability="modules")
def mlp(ctx: RunContext, widths: list[int]) -> Any:
    """A sequential model of linear layers ``widths[0] -> widths[1] -> ...``."""
    if len(widths) < 2:
        raise StepError(f"mlp() needs at least two widths, got {widths!r}")
    _bounded_layers(widths)
    layers = [ctx.adapter.linear(a, b, bias=True, device=ctx.device) for a, b in zip(widths, widths[1:])]
    return ctx.adapter.sequential(layers)


@functions.register(capability="optimizers")
def sgd(ctx: RunContext, params: Iterable[Any], lr: float, momentum: float = 0.0, weight_decay: float = 0.0) -> Any:
    """An SGD optimizer over parameters (``optim.SGD``)."""
    return ctx.adapter.sgd(list(params), lr=lr, momentum=momentum, weight_decay=weight_decay)


@functions.register(capability="train_eval")
def dropout(ctx: RunContext, p: float) -> Any:
    """A dropout module with drop probability ``p``."""
    return ctx.adapter.dropout(p)


@functions.register(capability="train_eval")
def batch_norm(ctx: RunContext, features: int) -> Any:
    """A 1-d batch norm module (``nn.BatchNorm1d``) on the device under test."""
    _bounded(features)
    return ctx.adapter.batch_norm(features, device=ctx.device)


@functions.register(capability="inplace")
def apply_inplace(ctx: RunContext, op: Function, tensor: Any) -> Any:
    """The in-place form of a unary operation (``exp`` -> ``exp_``) applied to ``tensor``."""
    if not isinstance(op, Function) or op.name not in UNARY_OPS:
        raise StepError(f"apply_inplace() takes a unary operation, not {op!r}")
    return ctx.adapter.inplace(f"{op.name}_", tensor)


@functions.register()
def reference(ctx: RunContext, op: Function, *inputs: Any) -> np.ndarray:
    """The operation's value computed by NumPy in float64 (never by the backend)."""
    return numpy_reference.forward(_op_name(op), *(_present(ctx, x) for x in inputs))


@functions.register()
def reference_grads(ctx: RunContext, op: Function, inputs: list[Any], upstream: Any) -> list[np.ndarray]:
    """The gradients of ``sum(op(*inputs) * upstream)`` for each input, computed by NumPy in float64."""
    return numpy_reference.gradients(_op_name(op), [_present(ctx, x) for x in inputs], _present(ctx, upstream))


def _present(ctx: RunContext, value: Any) -> np.ndarray:
    """The values of a reference's input, which cannot be ``None``."""
    values = readout(ctx, value)
    if values is None:
        raise StepError("a NumPy reference got None where it needs values")
    return values


def _op_name(op: Any) -> str:
    if not isinstance(op, Function) or not numpy_reference.has_forward(op.name):
        raise StepError(f"no NumPy reference for {op!r}")
    return op.name


@functions.register(capability="parameters")
def is_parameter(ctx: RunContext, value: Any) -> bool:
    """Whether ``value`` is a module parameter (``nn.Parameter``)."""
    return ctx.adapter.is_parameter(value)


@functions.register()
def is_tensor(ctx: RunContext, value: Any) -> bool:
    """Whether ``value`` is a tensor of the library under test."""
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
    for name, value in (("rtol", rtol), ("atol", atol)):
        if value is not None and not (isinstance(value, (int, float)) and math.isfinite(value) and value >= 0):
            raise StepError(f"allclose(): {name}={value!r}: a tolerance is a finite number, at least 0")
    a, b = readout(ctx, actual), readout(ctx, expected)
    if a is None or b is None or a.shape != b.shape:
        return False
    default_rtol, default_atol = _tolerance(ctx, a, b)
    return bool(
        np.allclose(
            a, b, rtol=default_rtol if rtol is None else rtol, atol=default_atol if atol is None else atol, equal_nan=True
        )
    )


def _tolerance(ctx: RunContext, a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    table = {**TOLERANCES, **ctx.tolerances}
    candidates = [table.get(x.dtype.name, (0.0, 0.0)) for x in (a, b)]
    return max(c[0] for c in candidates), max(c[1] for c in candidates)


@functions.register()
def equal(ctx: RunContext, actual: Any, expected: Any) -> bool:
    """Same shape and exactly the same values, and the same dtype when both are tensors or
    arrays (a Python number or list takes the other side's); ``None`` is never equal."""
    a, b = readout(ctx, actual), readout(ctx, expected)
    if a is None or b is None or a.shape != b.shape:
        return False
    dtypes = _own_dtype(ctx, actual), _own_dtype(ctx, expected)
    if None not in dtypes and dtypes[0] != dtypes[1]:
        return False
    return bool(np.array_equal(a, b))


def _own_dtype(ctx: RunContext, value: Any) -> DType | None:
    """The dtype of a tensor or an array; ``None`` for a Python value, which has none."""
    if ctx.adapter.is_tensor(value):
        return ctx.adapter.dtype(value)
    return dtype_of(value) if isinstance(value, np.ndarray) else None


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
    """Whether every item (or every element of a tensor) is true."""
    if ctx.adapter.is_tensor(items) or isinstance(items, np.ndarray):
        return bool(np.all(readout(ctx, items)))
    return all(_truth(ctx, item) for item in items)


@functions.register("any")
def any_(ctx: RunContext, items: Any) -> bool:
    """Whether any item (or any element of a tensor) is true."""
    if ctx.adapter.is_tensor(items) or isinstance(items, np.ndarray):
        return bool(np.any(readout(ctx, items)))
    return any(_truth(ctx, item) for item in items)


def _truth(ctx: RunContext, value: Any) -> bool:
    if isinstance(value, np.ndarray) or ctx.adapter.is_tensor(value):
        raise StepError("all()/any() got a tensor inside a sequence: compare it with equal() or allclose()")
    return bool(value)


@functions.register("len")
def len_(ctx: RunContext, value: Any) -> int:
    """The length of a sequence, or a tensor's first dimension."""
    if ctx.adapter.is_tensor(value):
        shape = ctx.adapter.shape(value)
        if not shape:
            raise StepError("len() of a 0-d tensor")
        return shape[0]
    return len(value)


@functions.register("range")
def range_(ctx: RunContext, *bounds: int) -> range:
    """Python's ``range``, at most 10,000 long."""
    result = range(*bounds)
    if len(result) > MAX_RANGE:
        raise StepError(f"range() too long ({len(result)} > {MAX_RANGE})")
    return result


@functions.register("zip")
def zip_(ctx: RunContext, *sequences: Any) -> list[tuple[Any, ...]]:
    """Python's ``zip``, as a list."""
    return list(zip(*sequences))


@functions.register("list")
def list_(ctx: RunContext, items: Any) -> list[Any]:
    """Python's ``list`` of a sequence (not of a tensor: use ``.tolist()``)."""
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


def _property(
    name: str, read: Any, doc: str, capability: str | None = None, write: Any = None, write_capability: str | None = None
) -> Property:
    return Property(name, read, doc, capability, write, write_capability)


PROPERTIES: dict[str, Property] = {
    prop.name: prop
    for prop in (
        _property(
            "requires_grad",
            _attribute("requires_grad"),
            "whether the tensor requires grad (settable on leaves)",
            "requires_grad",
            lambda ctx, obj, value: ctx.adapter.set_requires_grad(obj, value),
            "requires_grad_setter",
        ),
        _property(
            "grad",
            _attribute("grad"),
            "the accumulated gradient, or None (settable)",
            "backward",
            lambda ctx, obj, value: ctx.adapter.set_grad(obj, value),
            "grad_assign",
        ),
        _property(
            "data",
            _attribute("data"),
            "an alias of the values that autograd does not track (settable)",
            "data_alias",
            lambda ctx, obj, value: ctx.adapter.set_data(obj, value),
        ),
        _property("is_leaf", _attribute("is_leaf"), "whether the tensor is a leaf of the graph", "is_leaf"),
        _property("grad_fn", _attribute("grad_fn"), "the node that produced the tensor, or None", "grad_fn"),
        _property("version", _attribute("version"), "the tensor's version counter", "version_counter"),
        _property("device", _attribute("device"), "the device the tensor is on, as a string ('cpu', 'cuda:0')"),
        _property(
            "shape",
            lambda ctx, obj: _numpy_or(ctx, obj, lambda a: tuple(a.shape), lambda: tuple(ctx.adapter.shape(obj))),
            "the shape, as a tuple",
        ),
        _property("dtype", lambda ctx, obj: _numpy_or(ctx, obj, dtype_of, lambda: ctx.adapter.dtype(obj)), "the dtype"),
        _property(
            "ndim",
            lambda ctx, obj: _numpy_or(ctx, obj, lambda a: a.ndim, lambda: len(ctx.adapter.shape(obj))),
            "the number of dimensions",
        ),
        _property(
            "weight", lambda ctx, obj: ctx.adapter.module_parameter(obj, "weight"), "a layer's weight parameter", "modules"
        ),
        _property("bias", lambda ctx, obj: ctx.adapter.module_parameter(obj, "bias"), "a layer's bias parameter", "modules"),
        _property(
            "running_mean",
            lambda ctx, obj: ctx.adapter.module_buffer(obj, "running_mean"),
            "batch norm's running mean buffer",
            "train_eval",
        ),
        _property(
            "running_var",
            lambda ctx, obj: ctx.adapter.module_buffer(obj, "running_var"),
            "batch norm's running variance buffer",
            "train_eval",
        ),
        _property(
            "training", lambda ctx, obj: ctx.adapter.is_training(obj), "whether a module is in training mode", "train_eval"
        ),
        _property("retains_grad", _attribute("retains_grad"), "whether retain_grad() was called on a non-leaf", "retains_grad"),
        _property(
            "imag",
            lambda ctx, obj: _numpy_or(ctx, obj, np.imag, lambda: ctx.adapter.view("imag", obj)),
            "the imaginary part, a view (NumPy's on an array)",
            "complex",
        ),
        _property(
            "real",
            lambda ctx, obj: _numpy_or(ctx, obj, np.real, lambda: ctx.adapter.view("real", obj)),
            "the real part, a view (NumPy's on an array)",
            "complex",
        ),
    )
}


def _conversions() -> Any:
    """:mod:`gradspec.language.conversions` (imported late: it imports this module)."""
    from gradspec.language import conversions

    return conversions


def _method(name: str, impl: Any, doc: str, capability: str | None = None, *, mutates: bool = False, **declared: Any) -> None:
    methods.add(name, impl, doc=doc, capability=capability, mutates=mutates, **declared)


_method("detach", lambda ctx, t: ctx.adapter.detach(t), "a new tensor sharing the values, detached from the graph", "detach")
_method("detach_", lambda ctx, t: ctx.adapter.detach_(t), "detach the tensor from the graph in place", "detach_", mutates=True)
_method(
    "requires_grad_",
    lambda ctx, t, requires_grad=True: ctx.adapter.requires_grad_(t, requires_grad),
    "set requires_grad in place and return the tensor",
    "requires_grad_method",
    mutates=True,
)
_method(
    "backward",
    lambda ctx, t, gradient=None, retain_graph=None, inputs=None, create_graph=False: (
        ctx.adapter.backward_dict_inputs if isinstance(inputs, dict) else ctx.adapter.backward
    )(t, gradient=gradient, retain_graph=retain_graph, inputs=inputs, create_graph=create_graph),
    "accumulate gradients of the tensor into the .grad of leaves",
    "backward",
    mutates=True,
    keyword_capabilities={"retain_graph": "retain_graph", "inputs": "backward_inputs", "create_graph": "backward_create_graph"},
    dict_capabilities={"inputs": "grad_inputs_dict"},
)
_method("retain_grad", lambda ctx, t: ctx.adapter.retain_grad(t), "give a non-leaf a .grad", "retain_grad", mutates=True)
_method(
    "item",
    lambda ctx, t: _numpy_or(ctx, t, lambda a: a.item(), lambda: ctx.adapter.item(t)),
    "the one element as a Python number (NumPy's on an array)",
    "item",
)
_method(
    "tolist",
    lambda ctx, t: _numpy_or(ctx, t, lambda a: a.tolist(), lambda: ctx.adapter.tolist(t)),
    "the values as nested Python lists (NumPy's on an array)",
    "tolist",
)
_method("numpy", lambda ctx, t, force=False: ctx.adapter.numpy(t, force=force), "the values as a NumPy array", "to_numpy")
_method(
    "to",
    lambda ctx, obj, *targets, copy=OMITTED: _conversions().convert(ctx, obj, targets, copy),
    "a tensor or module moved to a device and/or converted to a dtype, or to another tensor's (copy=: always a new tensor)",
    target_capabilities=("device_moves", "dtype_conversion"),
    keyword_capabilities={"copy": "to_copy"},
    form_capabilities={".to(device, dtype)": "to_device_dtype", ".to(other)": "to_other"},
)
_method("cpu", lambda ctx, obj: ctx.adapter.to(obj, "cpu"), "the tensor or module in CPU memory", "device_moves")
_method("clone", lambda ctx, t: _numpy_or(ctx, t, np.copy, lambda: ctx.adapter.clone(t)), "a copy that autograd tracks")
_method("numel", lambda ctx, t: _numpy_or(ctx, t, lambda a: int(a.size), lambda: ctx.adapter.numel(t)), "the number of elements")
_method("dim", lambda ctx, t: _numpy_or(ctx, t, lambda a: a.ndim, lambda: len(ctx.adapter.shape(t))), "the number of dimensions")
_method(
    "reshape",
    lambda ctx, t, *shape: _numpy_or(ctx, t, lambda a: a.reshape(shape), lambda: ctx.adapter.reshape(t, shape)),
    "the values in another shape (a view where possible)",
)
_INPLACE_DOCS = {
    "zero_": "fill with zeros",
    "fill_": "fill with one value",
    "add_": "add in place",
    "sub_": "subtract in place",
    "mul_": "multiply in place",
    "div_": "divide in place",
    "copy_": "copy another tensor's values in",
}
INPLACE_METHODS = tuple(_INPLACE_DOCS) + INPLACE_FORMS
for _name in INPLACE_METHODS:
    _method(
        _name,
        (lambda name: lambda ctx, t, *args: ctx.adapter.inplace(name, t, *args))(_name),
        _INPLACE_DOCS.get(_name, f"{_name[:-1]} in place"),
        "inplace",
        mutates=True,
    )
_VIEW_DOCS = {
    "view": "the values in another shape, sharing memory",
    "transpose": "two dimensions swapped, a view",
    "expand": "singleton dimensions expanded, a view",
    "unsqueeze": "a new dimension of size 1, a view",
    "t": "the transpose of a matrix, a view",
}
for _name, _doc in _VIEW_DOCS.items():
    _method(_name, (lambda name: lambda ctx, t, *args: ctx.adapter.view(name, t, *args))(_name), _doc, "views")
_method(
    "conj", lambda ctx, t: ctx.adapter.view("conj", t), "the complex conjugate, lazily (a view with the conjugate bit)", "complex"
)
for _name, _doc, _capability in (
    ("resolve_conj", "the conjugate bit materialized", "conj_resolution"),
    ("resolve_neg", "the negative bit materialized", "conj_resolution"),
    ("contiguous", "the tensor itself if contiguous, else a contiguous copy", "strides"),
):
    _method(_name, (lambda name: lambda ctx, t: ctx.adapter.resolve(name, t))(_name), _doc, _capability)
_method(
    "stride",
    lambda ctx, t: _numpy_or(ctx, t, lambda a: tuple(s // a.itemsize for s in a.strides), lambda: ctx.adapter.stride(t)),
    "the strides in elements (NumPy's on an array)",
    "strides",
)
_method("is_contiguous", lambda ctx, t: ctx.adapter.is_contiguous(t), "whether the memory layout is contiguous", "strides")
_method(
    "is_inference", lambda ctx, t: ctx.adapter.is_inference(t), "whether the tensor was made in inference mode", "inference_mode"
)
_method("is_conj", lambda ctx, t: ctx.adapter.is_conj(t), "whether the conjugate bit is set", "conj_bit")
_method(
    "register_hook",
    lambda ctx, t, hook: ctx.adapter.register_hook(t, hook, when="grad"),
    "call hook(grad) when the tensor's gradient is computed; returns a handle",
    "hooks",
    mutates=True,
)
_method(
    "register_post_accumulate_grad_hook",
    lambda ctx, t, hook: ctx.adapter.register_hook(t, hook, when="post_accumulate"),
    "call hook(leaf) after the leaf's .grad is accumulated; returns a handle",
    "post_accumulate_hooks",
    mutates=True,
)
_method("remove", lambda ctx, handle: ctx.adapter.remove_hook(handle), "remove a hook by its handle", "hooks", mutates=True)
_method("parameters", lambda ctx, module: ctx.adapter.parameters(module), "a module's parameters, as a list", "modules")
_method(
    "zero_grad",
    lambda ctx, obj, set_to_none=OMITTED: ctx.adapter.zero_grad(obj, set_to_none=set_to_none),
    "clear the gradients of a module's or optimizer's parameters",
    "modules",
    mutates=True,
)
_method("step", lambda ctx, optimizer: ctx.adapter.step(optimizer), "one optimizer step", "optimizers", mutates=True)
_method(
    "train",
    lambda ctx, module, mode=True: ctx.adapter.train(module, mode),
    "switch a module to training mode (or not)",
    "train_eval",
    mutates=True,
)
_method(
    "eval", lambda ctx, module: ctx.adapter.train(module, False), "switch a module to evaluation mode", "train_eval", mutates=True
)


def _stack(ctx: RunContext, obj: Any) -> ContextStack:
    if not isinstance(obj, ContextStack):
        raise StepError(f"enter()/exit() belong to context_stack(), not {type(obj).__name__}")
    return obj


_method(
    "enter", lambda ctx, stack, manager: _stack(ctx, stack).enter(manager), "enter a context on a context_stack()", mutates=True
)
_method("exit", lambda ctx, stack: _stack(ctx, stack).exit(), "leave the innermost context normally", mutates=True)
_method(
    "exit_raising",
    lambda ctx, stack: _stack(ctx, stack).exit(raising=True),
    "leave the innermost context as an exception passing through it",
    mutates=True,
)
_method("close", lambda ctx, stack: _stack(ctx, stack).close(), "leave every context entered", mutates=True)

#: The capability a dtype needs, by the dtype's kind.
DTYPE_CAPABILITIES: dict[str, str] = {"b": "integer_dtypes", "i": "integer_dtypes", "u": "integer_dtypes", "c": "complex"}


def dtype_capability(dtype: DType) -> str | None:
    """The capability tensors of ``dtype`` need (``float16`` has its own)."""
    return "float16" if dtype.name == "float16" else DTYPE_CAPABILITIES.get(dtype.numpy.kind)


#: Names bound in every spec besides its inputs and steps.
CONSTANTS: dict[str, Constant] = {
    **{name: Constant(name, dtype, f"the dtype {name}", dtype_capability(dtype)) for name, dtype in DTYPES.items()},
    "device": Constant("device", ContextValue("device", lambda ctx: ctx.device), "the device under test ('cpu', 'cuda:0')"),
}

STEP_VOCABULARY = Vocabulary(functions=functions, constants=CONSTANTS, properties=PROPERTIES, methods=methods)
