"""Tensor factories beyond ``tensor``/``zeros``/``ones``, and seeding the random generator.

``randn(shape)`` and ``rand(shape)`` draw from the library's global random generator (normal and
uniform on [0, 1)); ``empty(shape)`` has undefined values, which a spec must never read;
``full(shape, fill_value)``; ``arange(end)`` / ``arange(start, end, step=1)``;
``linspace(start, end, steps)``; ``eye(n, m=None)``.  Each takes ``dtype=`` (float32 by default)
and ``requires_grad=`` (omitted, it keeps the library's default), and creates its tensor on the
device under test.

``randn_like(t)``, ``rand_like(t)``, ``empty_like(t)`` and ``full_like(t, fill_value)`` take
``t``'s shape, dtype (``dtype=`` overrides it) and device, and ``requires_grad=`` likewise.

The methods ``t.new_zeros(shape)``, ``t.new_ones(shape)``, ``t.new_full(shape, fill_value)``,
``t.new_empty(shape)`` and ``t.new_tensor(data)`` create a tensor with ``t``'s dtype and device
(``dtype=`` overrides the dtype) and take ``requires_grad=`` likewise.

``manual_seed(s)`` seeds the library's global random generator.  The seed does not outlive the
example: the runner seeds the library afresh before every example (``Adapter.seed``), so an
example's ``manual_seed`` reaches no other example.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from gradspec.errors import StepError
from gradspec.language.interpreter import RunContext
from gradspec.language.steps import _as_array, _bounded, functions, methods
from gradspec.values import DTYPES, OMITTED, DType

_FLOAT32 = DTYPES["float32"]
_REQUIRES_GRAD = {"requires_grad": "requires_grad"}


def _shape(shape: Any, name: str) -> tuple[int, ...]:
    """``shape`` as a tuple of sizes, bounded in its number of elements."""
    if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool):
        shape = (shape,)
    if not isinstance(shape, (tuple, list)) or not all(
        isinstance(size, (int, np.integer)) and not isinstance(size, bool) for size in shape
    ):
        raise StepError(f"{name}() takes a shape (a tuple of sizes), not {shape!r}")
    if any(size < 0 for size in shape):
        raise StepError(f"{name}() takes sizes of at least 0, not {tuple(shape)}")
    _bounded(*shape)
    return tuple(int(size) for size in shape)


def _number(value: Any, name: str, what: str) -> float | int:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise StepError(f"{name}() takes a number as {what}, not {value!r}")
    return value.item() if isinstance(value, np.generic) else value


def _check_dtype(name: str, dtype: Any, *, optional: bool = False) -> None:
    """Refuse a ``dtype=`` that is not a dtype (None too, unless ``optional``)."""
    if not isinstance(dtype, DType) and not (optional and dtype is None):
        raise StepError(f"{name}() takes a dtype as dtype=, not {dtype!r}")


def _create(ctx: RunContext, name: str, args: tuple[Any, ...], dtype: Any, requires_grad: Any) -> Any:
    _check_dtype(name, dtype)
    return ctx.adapter.factory(name, args, dtype, requires_grad=requires_grad, device=ctx.device)


@functions.register(capability="random_factories", keyword_capabilities=_REQUIRES_GRAD)
def randn(ctx: RunContext, shape: Any, dtype: Any = _FLOAT32, requires_grad: Any = OMITTED) -> Any:
    """A tensor of standard normal values from the global generator (``torch.randn``)."""
    return _create(ctx, "randn", (_shape(shape, "randn"),), dtype, requires_grad)


@functions.register(capability="random_factories", keyword_capabilities=_REQUIRES_GRAD)
def rand(ctx: RunContext, shape: Any, dtype: Any = _FLOAT32, requires_grad: Any = OMITTED) -> Any:
    """A tensor of values uniform on [0, 1) from the global generator (``torch.rand``)."""
    return _create(ctx, "rand", (_shape(shape, "rand"),), dtype, requires_grad)


@functions.register(capability="empty_factory", keyword_capabilities=_REQUIRES_GRAD)
def empty(ctx: RunContext, shape: Any, dtype: Any = _FLOAT32, requires_grad: Any = OMITTED) -> Any:
    """A tensor whose values are undefined: never read them (``torch.empty``)."""
    return _create(ctx, "empty", (_shape(shape, "empty"),), dtype, requires_grad)


@functions.register(capability="full_factory", keyword_capabilities=_REQUIRES_GRAD)
def full(ctx: RunContext, shape: Any, fill_value: Any, dtype: Any = _FLOAT32, requires_grad: Any = OMITTED) -> Any:
    """A tensor of one value (``torch.full``)."""
    return _create(ctx, "full", (_shape(shape, "full"), _number(fill_value, "full", "fill_value")), dtype, requires_grad)


@functions.register(capability="range_factories", keyword_capabilities=_REQUIRES_GRAD)
def arange(
    ctx: RunContext, start: Any, end: Any = None, step: Any = 1, dtype: Any = _FLOAT32, requires_grad: Any = OMITTED
) -> Any:
    """The values start, start + step, ... before end; ``arange(end)`` starts at 0 (``torch.arange``)."""
    if end is None:
        start, end = 0, start
    start, end, step = (_number(v, "arange", what) for v, what in ((start, "start"), (end, "end"), (step, "step")))
    if step == 0:
        raise StepError("arange() takes a step other than 0")
    _bounded(max(0, math.ceil((end - start) / step)))
    return _create(ctx, "arange", (start, end, step), dtype, requires_grad)


@functions.register(capability="range_factories", keyword_capabilities=_REQUIRES_GRAD)
def linspace(ctx: RunContext, start: Any, end: Any, steps: Any, dtype: Any = _FLOAT32, requires_grad: Any = OMITTED) -> Any:
    """``steps`` evenly spaced values from start to end, both included (``torch.linspace``)."""
    start, end = _number(start, "linspace", "start"), _number(end, "linspace", "end")
    (count,) = _shape((steps,), "linspace")
    return _create(ctx, "linspace", (start, end, count), dtype, requires_grad)


@functions.register(capability="eye_factory", keyword_capabilities=_REQUIRES_GRAD)
def eye(ctx: RunContext, n: Any, m: Any = None, dtype: Any = _FLOAT32, requires_grad: Any = OMITTED) -> Any:
    """An n-by-m matrix (n-by-n without m) with ones on the diagonal (``torch.eye``)."""
    rows, columns = _shape((n, n if m is None else m), "eye")
    return _create(ctx, "eye", (rows, columns), dtype, requires_grad)


@functions.register(capability="manual_seed", mutates=True)
def manual_seed(ctx: RunContext, seed: Any) -> None:
    """Seed the library's global random generator (``torch.manual_seed``)."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise StepError(f"manual_seed() takes an integer of at least 0, not {seed!r}")
    ctx.adapter.manual_seed(int(seed))


# -- *_like functions ---------------------------------------------------------------------


def _like(ctx: RunContext, name: str, other: Any, args: tuple[Any, ...], dtype: Any, requires_grad: Any) -> Any:
    if not ctx.adapter.is_tensor(other):
        raise StepError(f"{name}() takes a tensor, not {type(other).__name__}")
    _check_dtype(name, dtype, optional=True)
    return ctx.adapter.factory_like(name, other, args, dtype, requires_grad=requires_grad)


@functions.register(capability="like_factories", keyword_capabilities=_REQUIRES_GRAD)
def randn_like(ctx: RunContext, other: Any, dtype: Any = None, requires_grad: Any = OMITTED) -> Any:
    """Standard normal values with another tensor's shape, dtype and device (``torch.randn_like``)."""
    return _like(ctx, "randn_like", other, (), dtype, requires_grad)


@functions.register(capability="like_factories", keyword_capabilities=_REQUIRES_GRAD)
def rand_like(ctx: RunContext, other: Any, dtype: Any = None, requires_grad: Any = OMITTED) -> Any:
    """Values uniform on [0, 1) with another tensor's shape, dtype and device (``torch.rand_like``)."""
    return _like(ctx, "rand_like", other, (), dtype, requires_grad)


@functions.register(capability="like_factories", keyword_capabilities=_REQUIRES_GRAD)
def empty_like(ctx: RunContext, other: Any, dtype: Any = None, requires_grad: Any = OMITTED) -> Any:
    """Undefined values (never read them) with another tensor's shape, dtype and device (``torch.empty_like``)."""
    return _like(ctx, "empty_like", other, (), dtype, requires_grad)


@functions.register(capability="like_factories", keyword_capabilities=_REQUIRES_GRAD)
def full_like(ctx: RunContext, other: Any, fill_value: Any, dtype: Any = None, requires_grad: Any = OMITTED) -> Any:
    """One value with another tensor's shape, dtype and device (``torch.full_like``)."""
    return _like(ctx, "full_like", other, (_number(fill_value, "full_like", "fill_value"),), dtype, requires_grad)


# -- new_* methods ------------------------------------------------------------------------


def _new(ctx: RunContext, name: str, tensor: Any, args: tuple[Any, ...], dtype: Any, requires_grad: Any) -> Any:
    if not ctx.adapter.is_tensor(tensor):
        raise StepError(f"{name}() is a method of tensors, not of {type(tensor).__name__}")
    _check_dtype(name, dtype, optional=True)
    return ctx.adapter.new_factory(name, tensor, args, dtype, requires_grad=requires_grad)


def _new_zeros(ctx: RunContext, t: Any, shape: Any, dtype: Any = None, requires_grad: Any = OMITTED) -> Any:
    return _new(ctx, "new_zeros", t, (_shape(shape, "new_zeros"),), dtype, requires_grad)


def _new_ones(ctx: RunContext, t: Any, shape: Any, dtype: Any = None, requires_grad: Any = OMITTED) -> Any:
    return _new(ctx, "new_ones", t, (_shape(shape, "new_ones"),), dtype, requires_grad)


def _new_empty(ctx: RunContext, t: Any, shape: Any, dtype: Any = None, requires_grad: Any = OMITTED) -> Any:
    return _new(ctx, "new_empty", t, (_shape(shape, "new_empty"),), dtype, requires_grad)


def _new_full(ctx: RunContext, t: Any, shape: Any, fill_value: Any, dtype: Any = None, requires_grad: Any = OMITTED) -> Any:
    args = (_shape(shape, "new_full"), _number(fill_value, "new_full", "fill_value"))
    return _new(ctx, "new_full", t, args, dtype, requires_grad)


def _new_tensor(ctx: RunContext, t: Any, data: Any, dtype: Any = None, requires_grad: Any = OMITTED) -> Any:
    if ctx.adapter.is_tensor(data):
        raise StepError("new_tensor() takes values (a list or an array), not a tensor")
    array = _as_array(data, None, None)
    _bounded(array.size)
    return _new(ctx, "new_tensor", t, (array,), dtype, requires_grad)


for _name, _impl, _doc in (
    ("new_zeros", _new_zeros, "a tensor of zeros with this tensor's dtype and device (dtype= overrides)"),
    ("new_ones", _new_ones, "a tensor of ones with this tensor's dtype and device (dtype= overrides)"),
    ("new_empty", _new_empty, "a tensor of undefined values (never read them) with this tensor's dtype and device"),
    ("new_full", _new_full, "a tensor of one value with this tensor's dtype and device (dtype= overrides)"),
    ("new_tensor", _new_tensor, "a tensor of the given values with this tensor's dtype and device (dtype= overrides)"),
):
    methods.add(_name, _impl, doc=_doc, capability="new_factories", keyword_capabilities=_REQUIRES_GRAD)
