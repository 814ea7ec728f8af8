"""Argument strategies of the elementwise binary/ternary operators and the activations
(``specs/_operators/elementwise_binary.yaml``, ``specs/_operators/activations.yaml``): boolean
masks, reals kept away from an operator's kinks and jumps, a second argument kept apart from the
first (no ties for ``maximum``), and divisors whose quotient stays off the integers (no jumps of
``fmod``/``remainder`` between the two calls of a central difference).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from gradspec.operators.domains import _floats, _register, floating
from gradspec.strategies import _shapes, broadcastable_shapes


def _shape_of(shape: Any, bounds: tuple[int, int, int, int]) -> Any:
    return shape if shape is not None else _shapes(*bounds)


@_register
def booleans_like(
    ctx: Any, shape: Any = None, min_dims: int = 0, max_dims: int = 3, max_side: int = 4
) -> st.SearchStrategy[np.ndarray]:
    """bool arrays of ``shape`` (a shape or a strategy of shapes): a ``where`` condition, a ``masked_fill`` mask."""
    return hnp.arrays(np.bool_, _shape_of(shape, (min_dims, max_dims, 1, max_side)), elements=st.booleans())


@floating
def reals_away_from(
    ctx: Any,
    points: Any,
    gap: float = 0.01,
    shape: Any = None,
    min_dims: int = 0,
    max_dims: int = 3,
    max_side: int = 4,
    min_value: float = -4.0,
    max_value: float = 4.0,
) -> st.SearchStrategy[np.ndarray]:
    """float64 arrays whose every element is at least ``gap`` from each of ``points``: the kinks
    and jumps of an operator (hardtanh's -1 and 1), so central differences never straddle one."""
    kinks = tuple(float(p) for p in points)
    elements = _floats(float(min_value), float(max_value), 0.0).filter(lambda v: all(abs(v - p) >= gap for p in kinks))
    return hnp.arrays(np.float64, _shape_of(shape, (min_dims, max_dims, 1, max_side)), elements=elements)


@st.composite
def _apart(draw: Any, base: np.ndarray, min_gap: float, max_gap: float) -> np.ndarray:
    offsets = draw(hnp.arrays(np.float64, base.shape, elements=_floats(min_gap, max_gap, 0.0)))
    signs = draw(hnp.arrays(np.bool_, base.shape, elements=st.booleans()))
    return np.asarray(base + np.where(signs, offsets, -offsets), dtype=np.float64)


@floating
def reals_apart_from(ctx: Any, base: Any, min_gap: float = 0.05, max_gap: float = 2.0) -> st.SearchStrategy[np.ndarray]:
    """float64 arrays of ``base``'s shape, each element between ``min_gap`` and ``max_gap`` above
    or below ``base``'s: ``maximum(input, other)`` with no ties, ``dist`` with no zero difference."""
    return _apart(np.asarray(base, dtype=np.float64), float(min_gap), float(max_gap))


@st.composite
def _divisors(draw: Any, dividend: np.ndarray, shape: Any, min_fraction: float, max_quotient: int) -> np.ndarray:
    shape = tuple(draw(shape) if isinstance(shape, st.SearchStrategy) else shape)
    wholes = draw(hnp.arrays(np.int64, shape, elements=st.integers(0, max_quotient - 1)))
    fractions = draw(hnp.arrays(np.float64, shape, elements=_floats(min_fraction, 1.0 - min_fraction, 0.0)))
    signs = draw(hnp.arrays(np.bool_, shape, elements=st.booleans()))
    quotients = np.where(signs, 1.0, -1.0) * (wholes + fractions)
    return np.asarray(np.broadcast_to(dividend, shape) / quotients, dtype=np.float64)


@floating
def divisors_off_multiples(
    ctx: Any, dividend: Any, shape: Any = None, min_fraction: float = 0.15, max_quotient: int = 3
) -> st.SearchStrategy[np.ndarray]:
    """float64 divisors ``y`` of ``dividend`` (an array, of whose shape they are, or a number,
    with ``shape``, a shape or a strategy of shapes) such that ``dividend / y`` is at least ``min_fraction`` away from every
    integer and below ``max_quotient`` in magnitude: ``fmod`` and ``remainder`` jump where the
    quotient is an integer. ``dividend`` must have no zeros."""
    base = np.asarray(dividend, dtype=np.float64)
    chosen = shape if shape is not None else tuple(base.shape)
    return _divisors(base, chosen, float(min_fraction), int(max_quotient))


@_register
def even_shapes(ctx: Any, min_dims: int = 1, max_dims: int = 3) -> st.SearchStrategy[tuple[int, ...]]:
    """Shapes whose every side is 2 or 4: any dimension can be halved (``glu``)."""
    return st.lists(st.sampled_from([2, 4]), min_size=min_dims, max_size=max_dims).map(tuple)


@floating
def reals_tied_with(ctx: Any, input: Any, elements: Any = (0.0, 1.0)) -> st.SearchStrategy[np.ndarray]:
    """float64 arrays of a shape that broadcasts with ``input``'s, elements drawn from
    ``elements``, equal to ``input`` at one drawn place of the broadcast at least: a tie of
    ``maximum``/``fmax`` in every example, not only in most."""
    first = np.asarray(input, dtype=np.float64)
    return _tied(first, broadcastable_shapes(ctx, first.shape), tuple(float(e) for e in elements))


@st.composite
def _tied(draw: Any, first: np.ndarray, shapes: st.SearchStrategy[tuple[int, ...]], elements: tuple[float, ...]) -> np.ndarray:
    second = draw(hnp.arrays(np.float64, draw(shapes), elements=st.sampled_from(elements)))
    joint = np.broadcast_shapes(first.shape, second.shape)
    place = draw(st.integers(0, int(np.prod(joint)) - 1))
    # which element of each operand the broadcast puts at that place
    own = np.broadcast_to(np.arange(second.size).reshape(second.shape), joint).reshape(-1)[place]
    other = np.broadcast_to(np.arange(first.size).reshape(first.shape), joint).reshape(-1)[place]
    second.reshape(-1)[own] = first.reshape(-1)[other]
    return second
