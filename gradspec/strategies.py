"""The vocabulary of ``given``: backend-neutral Hypothesis strategies.

Every input is drawn as a NumPy value, a Python value, or an operation's name, so the same
example replays on any backend and shrinks towards small shapes and zeros.  Strategy
arguments may themselves be strategies or earlier inputs (``shape=a.shape``).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from functools import lru_cache
from typing import Any, Literal, cast

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from gradspec.adapters.protocol import Adapter
from gradspec.language.checker import Expression
from gradspec.language.interpreter import Frame, Interpreter, RunContext
from gradspec.language.operations import BINARY_OPS, REDUCTIONS, UNARY_OPS
from gradspec.language.steps import STEP_VOCABULARY, dtype_capability
from gradspec.language.vocabulary import Constant, Property, Registry, Vocabulary
from gradspec.values import DTYPE_GROUPS, DTYPES, OMITTED, DrawnTensor, DType, dtype_of

DEFAULT_MAX_DIMS = 3
DEFAULT_MAX_SIDE = 4
DEFAULT_BOUND = 100.0

strategies = Registry()


def _cached(function: Callable[..., Any]) -> Callable[..., Any]:
    """Memoize a strategy builder on its hashable arguments: inputs that depend on earlier ones
    are rebuilt for every example, and building a strategy costs more than drawing from it.
    The run context is left out of the key: no strategy depends on it."""
    cached = lru_cache(maxsize=4096)(lambda *args, **kwargs: function(None, *args, **kwargs))

    def build(ctx: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return cached(*args, **kwargs)
        except TypeError:  # an unhashable argument (a list): build afresh
            return function(ctx, *args, **kwargs)

    build.__signature__ = inspect.signature(function)  # type: ignore[attr-defined]
    build.__name__ = function.__name__
    build.cache_info = cached.cache_info  # type: ignore[attr-defined]
    return build


def _strategy(value: Any) -> st.SearchStrategy[Any]:
    """A strategy from a constant, a dtype group, or a strategy."""
    chosen = _choice(value)
    return chosen if isinstance(chosen, st.SearchStrategy) else st.just(chosen)


@lru_cache(maxsize=1024)
def elements(dtype: DType, min_value: float, max_value: float, min_magnitude: float = 0.0) -> st.SearchStrategy[Any]:
    """Finite elements of ``dtype`` within the bounds (integers within the dtype's range too),
    and at least ``min_magnitude`` from zero."""
    base = _elements(dtype, min_value, max_value)
    return base.filter(lambda v: abs(v) >= min_magnitude) if min_magnitude else base


def _elements(dtype: DType, min_value: float, max_value: float) -> st.SearchStrategy[Any]:
    kind = dtype.numpy.kind
    if kind == "b":
        return st.booleans()
    if kind in "iu":
        info = np.iinfo(dtype.numpy)
        low, high = max(info.min, int(np.ceil(min_value))), min(info.max, int(np.floor(max_value)))
        return st.integers(low, high)
    if kind == "f":
        return _floats(min_value, max_value, dtype.numpy.itemsize * 8)
    if kind == "c":  # two floats of half the width each
        part = _floats(min_value, max_value, dtype.numpy.itemsize * 4)
        return st.builds(complex, part, part)
    raise ValueError(f"no elements for dtype {dtype}")


_FLOAT_WIDTHS: dict[int, Literal[16, 32, 64]] = {16: 16, 32: 32, 64: 64}


def _floats(min_value: float, max_value: float, bits: int) -> st.SearchStrategy[float]:
    return st.floats(
        min_value, max_value, width=_FLOAT_WIDTHS[bits], allow_nan=False, allow_infinity=False, allow_subnormal=False
    )


#: Drawn shapes stay small: a conformance property needs no large tensors.
MAX_DRAWN_DIMS, MAX_DRAWN_SIDE = 8, 64


@lru_cache(maxsize=256)
def _shapes(min_dims: int, max_dims: int, min_side: int, max_side: int) -> st.SearchStrategy[tuple[int, ...]]:
    if max_dims > MAX_DRAWN_DIMS or max_side > MAX_DRAWN_SIDE:
        raise ValueError(f"drawn shapes are bounded: max_dims <= {MAX_DRAWN_DIMS}, max_side <= {MAX_DRAWN_SIDE}")
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side)


def _choice(value: Any) -> Any:
    """A strategy for a dtype group (or a strategy); a constant stays a constant, so drawing it
    costs nothing."""
    if isinstance(value, tuple) and value and all(isinstance(v, DType) for v in value):
        return st.sampled_from(value)
    return value


def _draw(draw: Any, value: Any) -> Any:
    return draw(value) if isinstance(value, st.SearchStrategy) else value


def _draw_array(
    draw: Any, dtype: Any, shape: Any, shape_bounds: tuple[int, int, int, int], value_bounds: tuple[float, float, float]
) -> np.ndarray:
    chosen: DType = _draw(draw, dtype)
    chosen_shape = _draw(draw, shape) if shape is not None else draw(_shapes(*shape_bounds))
    return draw(_array_strategy(chosen, tuple(chosen_shape), elements(chosen, *value_bounds)))


@st.composite
def _arrays(
    draw: Any, dtype: Any, shape: Any, shape_bounds: tuple[int, int, int, int], value_bounds: tuple[float, float, float]
) -> np.ndarray:
    return _draw_array(draw, dtype, shape, shape_bounds, value_bounds)


@st.composite
def _tensors(
    draw: Any,
    dtype: Any,
    shape: Any,
    shape_bounds: tuple[int, int, int, int],
    value_bounds: tuple[float, float, float],
    requires_grad: Any,
) -> DrawnTensor:
    # One composite, not builds() over arrays: every layer of strategies costs per example.
    array = _draw_array(draw, dtype, shape, shape_bounds, value_bounds)
    return DrawnTensor(array, _draw(draw, requires_grad))


@lru_cache(maxsize=4096)
def _array_strategy(dtype: DType, shape: tuple[int, ...], values: st.SearchStrategy[Any]) -> st.SearchStrategy[np.ndarray]:
    return hnp.arrays(dtype.numpy, shape, elements=values)


@strategies.register()
def arrays(
    ctx: Any,
    dtype: Any = DTYPE_GROUPS["floating"],
    shape: Any = None,
    min_dims: int = 0,
    max_dims: int = DEFAULT_MAX_DIMS,
    min_side: int = 1,
    max_side: int = DEFAULT_MAX_SIDE,
    min_value: float = -DEFAULT_BOUND,
    max_value: float = DEFAULT_BOUND,
    min_magnitude: float = 0.0,
) -> st.SearchStrategy[np.ndarray]:
    """NumPy arrays: a dtype (or group, or strategy), and a shape or shape bounds."""
    return _arrays(
        _choice(dtype), shape, _shape_bounds(shape, min_dims, max_dims, min_side, max_side), (min_value, max_value, min_magnitude)
    )


@strategies.register(keyword_capabilities={"requires_grad": "requires_grad"}, free_keyword_values={"requires_grad": True})
def tensors(
    ctx: Any,
    dtype: Any = DTYPE_GROUPS["floating"],
    shape: Any = None,
    min_dims: int = 0,
    max_dims: int = DEFAULT_MAX_DIMS,
    min_side: int = 1,
    max_side: int = DEFAULT_MAX_SIDE,
    requires_grad: Any = OMITTED,
    min_value: float = -DEFAULT_BOUND,
    max_value: float = DEFAULT_BOUND,
    min_magnitude: float = 0.0,
) -> st.SearchStrategy[DrawnTensor]:
    """Tensors, drawn as arrays and created by the adapter on the device under test.
    ``requires_grad=True`` makes an input that gradients are taken with respect to, the
    library's own way (needing no capability: see ``Adapter.variable``); ``requires_grad``
    omitted means the creation call does not pass it."""
    return _tensors(
        _choice(dtype),
        shape,
        _shape_bounds(shape, min_dims, max_dims, min_side, max_side),
        (min_value, max_value, min_magnitude),
        requires_grad,
    )


def _shape_bounds(shape: Any, min_dims: int, max_dims: int, min_side: int, max_side: int) -> tuple[int, int, int, int]:
    """The bounds of a drawn shape, checked when the strategy is built rather than per example."""
    if shape is None:
        _shapes(min_dims, max_dims, min_side, max_side)
    return (min_dims, max_dims, min_side, max_side)


@strategies.register()
def shapes(
    ctx: Any,
    min_dims: int = 0,
    max_dims: int = DEFAULT_MAX_DIMS,
    min_side: int = 1,
    max_side: int = DEFAULT_MAX_SIDE,
    min_numel: int = 0,
    max_numel: int | None = None,
) -> st.SearchStrategy[tuple[int, ...]]:
    """Shapes within the bounds, optionally with a bounded number of elements."""
    base = _shapes(min_dims, max_dims, min_side, max_side)
    if min_numel or max_numel is not None:
        base = base.filter(lambda s: min_numel <= int(np.prod(s)) <= (max_numel if max_numel is not None else np.inf))
    return base


@strategies.register()
def broadcastable_shapes(
    ctx: Any, shape: Any, min_dims: int = 0, max_dims: int | None = None, min_side: int = 1, max_side: int = DEFAULT_MAX_SIDE
) -> st.SearchStrategy[tuple[int, ...]]:
    """Shapes that broadcast against ``shape``."""
    return hnp.broadcastable_shapes(tuple(shape), min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side)


@strategies.register()
def broadcast_result(ctx: Any, *shapes: Any) -> tuple[int, ...]:
    """The shape that shapes broadcast to (a value, not a strategy): for an upstream gradient."""
    return tuple(np.broadcast_shapes(*(tuple(shape) for shape in shapes)))


@strategies.register()
def unbroadcastable_shapes(
    ctx: Any, min_dims: int = 1, max_dims: int = DEFAULT_MAX_DIMS, min_side: int = 1, max_side: int = DEFAULT_MAX_SIDE
) -> st.SearchStrategy[tuple[tuple[int, ...], tuple[int, ...]]]:
    """Pairs of shapes that do not broadcast together: at one aligned dimension their sides
    differ and neither is 1 (with ``min_side=0``, a 0 may face a side of 2 or more)."""
    sides = [side for side in range(min_side, max_side + 1) if side != 1]
    if min_dims < 1 or len(sides) < 2:
        raise ValueError("unbroadcastable_shapes() needs min_dims >= 1 and two sides other than 1 within the bounds")
    return _unbroadcastable_pairs(_shapes(min_dims, max_dims, min_side, max_side), tuple(sides))


@st.composite
def _unbroadcastable_pairs(draw: Any, shapes: st.SearchStrategy[tuple[int, ...]], sides: tuple[int, ...]) -> Any:
    first, second = list(draw(shapes)), list(draw(shapes))
    at = draw(st.integers(1, min(len(first), len(second))))  # counted from the last dimension
    side = draw(st.sampled_from(sides))
    first[-at], second[-at] = side, draw(st.sampled_from([other for other in sides if other != side]))
    return (tuple(first), tuple(second))


@strategies.register()
def widening_shapes(
    ctx: Any, shape: Any, max_dims: int | None = None, min_side: int = 1, max_side: int = DEFAULT_MAX_SIDE
) -> st.SearchStrategy[tuple[int, ...]]:
    """Shapes that broadcast against ``shape`` to another shape than ``shape`` (more dimensions,
    or a side other than 1 where ``shape`` has 1): what an in-place operation cannot write."""
    target = tuple(shape)
    limit = len(target) + 2 if max_dims is None else max_dims
    if limit > MAX_DRAWN_DIMS or max_side > MAX_DRAWN_SIDE:
        raise ValueError(f"drawn shapes are bounded: max_dims <= {MAX_DRAWN_DIMS}, max_side <= {MAX_DRAWN_SIDE}")
    base = hnp.broadcastable_shapes(target, min_dims=0, max_dims=limit, min_side=min_side, max_side=max_side)
    return _widened(base, target, limit, min_side, max_side)


@st.composite
def _widened(draw: Any, base: st.SearchStrategy[tuple[int, ...]], target: tuple[int, ...], limit: int, lo: int, hi: int) -> Any:
    drawn = draw(base)
    if tuple(np.broadcast_shapes(target, drawn)) != target:
        return drawn
    full = [1] * (len(target) - len(drawn)) + list(drawn)
    ones = [index for index, side in enumerate(target) if side == 1]
    wider_sides = [side for side in range(lo, hi + 1) if side != 1]
    ways = (["side"] if ones and wider_sides else []) + (["dimension"] if len(target) < limit else [])
    if not ways:
        raise ValueError(f"no shape of at most {limit} dimensions widens {target}")
    if draw(st.sampled_from(ways)) == "side":
        full[draw(st.sampled_from(ones))] = draw(st.sampled_from(wider_sides))
        return tuple(full)
    return (draw(st.integers(lo, hi)), *full)


@strategies.register()
def shapes_broadcasting_to(ctx: Any, shape: Any) -> st.SearchStrategy[tuple[int, ...]]:
    """Shapes that broadcast against ``shape`` to ``shape`` itself: a trailing part of it, some
    sides replaced by 1 (what an in-place operation on a tensor of ``shape`` can take)."""
    target = tuple(shape)
    return _broadcasting_to(target)


@st.composite
def _broadcasting_to(draw: Any, target: tuple[int, ...]) -> Any:
    kept = target[len(target) - draw(st.integers(0, len(target))) :]
    return tuple(1 if draw(st.booleans()) else side for side in kept)


@strategies.register()
def booleans(ctx: Any) -> st.SearchStrategy[bool]:
    """True or False."""
    return st.booleans()


@strategies.register()
def integers(ctx: Any, min_value: int, max_value: int) -> st.SearchStrategy[int]:
    """Integers between the bounds, both included."""
    return st.integers(min_value, max_value)


@strategies.register()
def floats(ctx: Any, min_value: float, max_value: float) -> st.SearchStrategy[float]:
    """Finite floats between the bounds."""
    return st.floats(min_value, max_value, allow_nan=False, allow_infinity=False)


@strategies.register()
def sampled_from(ctx: Any, items: Any) -> st.SearchStrategy[Any]:
    """One of the items."""
    return st.sampled_from(list(items))


@strategies.register()
def one_of(ctx: Any, *alternatives: Any) -> st.SearchStrategy[Any]:
    """A value from any of the alternatives (strategies or constants)."""
    return st.one_of([_strategy(alternative) for alternative in alternatives])


@strategies.register()
def just(ctx: Any, value: Any) -> st.SearchStrategy[Any]:
    """Always ``value``."""
    return st.just(value)


@strategies.register()
def tuples(ctx: Any, *elements: Any) -> st.SearchStrategy[tuple[Any, ...]]:
    """A tuple with one value from each of the element strategies."""
    return st.tuples(*(_strategy(element) for element in elements))


@strategies.register()
def lists(ctx: Any, elements: Any, min_size: int = 0, max_size: int = 5) -> st.SearchStrategy[list[Any]]:
    """Lists of values drawn from ``elements``."""
    return st.lists(_strategy(elements), min_size=min_size, max_size=max_size)


@strategies.register()
def dtypes(ctx: Any, group: Any) -> st.SearchStrategy[DType]:
    """A dtype of the group."""
    return _strategy(group)


def _ops(names: tuple[str, ...]) -> st.SearchStrategy[Any]:
    return st.sampled_from([STEP_VOCABULARY.functions[name] for name in names])


@strategies.register()
def unary_ops(ctx: Any) -> st.SearchStrategy[Any]:
    """Elementwise differentiable unary operations (``op(x)``)."""
    return _ops(UNARY_OPS)


@strategies.register()
def binary_ops(ctx: Any) -> st.SearchStrategy[Any]:
    """Elementwise differentiable binary operations with broadcasting (``op(a, b)``)."""
    return _ops(BINARY_OPS)


@strategies.register()
def reductions(ctx: Any) -> st.SearchStrategy[Any]:
    """Reductions to a 0-d tensor (``op(x)``)."""
    return _ops(REDUCTIONS)


def _drawn_attribute(name: str) -> Any:
    def read(ctx: Any, value: Any) -> Any:
        if isinstance(value, DrawnTensor):
            return getattr(value, name)
        if isinstance(value, np.ndarray):
            return tuple(value.shape) if name == "shape" else dtype_of(value)
        raise AttributeError(f"'{name}' of {type(value).__name__}")

    return read


for _function in strategies.values():
    object.__setattr__(_function, "impl", _cached(_function.impl))


def _group_capability(group: tuple[DType, ...]) -> str | None:
    """The capability a dtype group needs: that of its first member needing one (one per group)."""
    return next((capability for capability in map(dtype_capability, group) if capability is not None), None)


GIVEN_VOCABULARY = Vocabulary(
    functions=strategies,
    constants={
        **{name: Constant(name, dtype, f"the dtype {name}", dtype_capability(dtype)) for name, dtype in DTYPES.items()},
        "bfloat16": Constant(
            "bfloat16", "bfloat16", "the dtype bfloat16 (operator samples only: NumPy has no bfloat16)", "bfloat16"
        ),
        **{
            name: Constant(name, group, f"the dtypes {', '.join(map(str, group))}", _group_capability(group))
            for name, group in DTYPE_GROUPS.items()
        },
    },
    properties={
        name: Property(name, _drawn_attribute(name), f"the {name} of an input drawn before") for name in ("shape", "dtype")
    },
)


class _NoBackend:
    """Given expressions never touch a backend."""

    @staticmethod
    def is_tensor(value: Any) -> bool:
        return False


def _evaluate_given(expression: Expression, frame: Frame) -> Any:
    """The value of a ``given`` expression, by an interpreter of its own: its loop and call
    budgets are this evaluation's, never shared with other inputs, examples or specs.  Given
    expressions call strategies only: the only adapter method the interpreter may call on them
    is ``is_tensor``."""
    interpreter = Interpreter(RunContext(adapter=cast(Adapter, _NoBackend()), device="none"), GIVEN_VOCABULARY)
    return interpreter.evaluate_expression(expression, frame)


def input_strategy(expression: Expression, *, earlier: set[str]) -> st.SearchStrategy[Any] | None:
    """The strategy of one input, or ``None`` when it depends on earlier inputs (it is then
    built per example from their drawn values)."""
    if expression.names & earlier:
        return None
    return _fixed_strategy(expression)


@lru_cache(maxsize=8192)
def _fixed_strategy(expression: Expression) -> st.SearchStrategy[Any]:
    """The strategy of an input that depends on no other, built once per checked expression
    (the operator table's specs share their operator's input and their template's)."""
    return _strategy(_evaluate_given(expression, Frame()))


def given_strategy(given: dict[str, Expression]) -> st.SearchStrategy[dict[str, Any]]:
    """One strategy drawing every input in order; inputs that depend on earlier ones are
    built per example, the others once."""
    names = list(given)
    fixed: dict[str, st.SearchStrategy[Any]] = {}
    for index, (name, expression) in enumerate(given.items()):
        strategy = input_strategy(expression, earlier=set(names[:index]))
        if strategy is not None:
            fixed[name] = strategy
    if len(fixed) == len(names):
        return st.fixed_dictionaries(fixed)
    return _inputs(tuple(given.items()), fixed)


@st.composite
def _inputs(draw: Any, given: tuple[tuple[str, Expression], ...], fixed: dict[str, st.SearchStrategy[Any]]) -> dict[str, Any]:
    """Inputs drawn in order; one depending on earlier inputs gets its strategy from their values."""
    drawn: dict[str, Any] = {}
    for name, expression in given:
        strategy = fixed.get(name)
        if strategy is None:
            strategy = _strategy(_evaluate_given(expression, Frame(dict(drawn))))
        drawn[name] = draw(strategy)
    return drawn


# The operator table's strategies and step functions register themselves in the two vocabularies,
# and so do the step functions of the language's constructs (the functional API, custom Functions...).
from gradspec.language import (  # noqa: E402, F401
    anomaly,
    checkpointing,
    complex_parts,
    conversions,
    ctx_attributes,
    custom_function,
    dict_values,
    dual,
    factories,
    functional,
    grad_dtype,
    gradcheck,
    gradient_edges,
    graph_nodes,
    module_hooks,
    module_state,
    multi_grad_hook,
    mutation_on_saved,
    nn_init,
    norms,
    optimizers,
    resizing,
    saved_tensors,
    threads,
    variable_class,
    versions,
    view_ops,
    warnings_capture,
)
from gradspec.operators import checks, domains, samples  # noqa: E402, F401
