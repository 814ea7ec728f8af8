"""``given`` strategies for the shape, view, join and split operators (``cat``, ``reshape``,
``expand``, ``as_strided``...): lists of arrays to join, shapes with the same number of
elements, shapes to expand to or sum to, sets and pairs of dims, and strided views that stay
inside their input's storage.  All draw plain Python values or float64 NumPy arrays.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from gradspec.operators.domains import _floats, _register

_VALUES = _floats(-4.0, 4.0, 0.0)


def _ndim(shape: Any) -> int:
    return len(tuple(shape))


def _array(draw: Any, shape: tuple[int, ...]) -> np.ndarray:
    return draw(hnp.arrays(np.float64, shape, elements=_VALUES))


@_register
def cat_lists(
    ctx: Any,
    min_dims: int = 1,
    max_dims: int = 3,
    max_count: int = 3,
    axis: int | None = None,
    same: bool = False,
    max_side: int = 4,
) -> st.SearchStrategy[list[np.ndarray]]:
    """Lists of 1 to ``max_count`` real float64 arrays that join along one axis (``axis``, or a
    drawn one): their other sides are equal, their sides along it may differ (unless ``same``:
    then every array has the same shape, as ``stack`` needs)."""

    @st.composite
    def draw_list(draw: Any) -> list[np.ndarray]:
        base = draw(hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=1, max_side=max_side)) if max_dims else ()
        count = draw(st.integers(1, max_count))
        if same or not base:
            return [_array(draw, tuple(base)) for _ in range(count)]
        along = draw(st.integers(0, len(base) - 1)) if axis is None else axis % len(base)
        shapes = [tuple(base[:along]) + (draw(st.integers(1, max_side)),) + tuple(base[along + 1 :]) for _ in range(count)]
        return [_array(draw, shape) for shape in shapes]

    return draw_list()


@_register
def cat_dims(ctx: Any, tensors: Any) -> st.SearchStrategy[int]:
    """A dim (negative too) along which every array of ``tensors`` may be joined: the arrays'
    other sides are equal."""
    shapes = [tuple(np.shape(t)) for t in tensors]
    ndim = len(shapes[0])
    valid = [d for d in range(ndim) if len({s[:d] + s[d + 1 :] for s in shapes}) == 1]
    return st.sampled_from([*valid, *(d - ndim for d in valid)])


@_register
def new_dims(ctx: Any, shape: Any) -> st.SearchStrategy[int]:
    """A position for a new dim in an array of ``shape`` (``stack``, ``unsqueeze``): ``[-ndim-1, ndim]``."""
    ndim = _ndim(shape)
    return st.integers(-ndim - 1, ndim)


def _factorizations(total: int, max_dims: int) -> list[tuple[int, ...]]:
    """Every shape of up to ``max_dims`` positive sides (no 1 beyond the first side) whose product is ``total``."""
    found: list[tuple[int, ...]] = [()] if total == 1 else []

    def extend(prefix: tuple[int, ...], left: int) -> None:
        if left == 1:
            found.append(prefix)
        if len(prefix) == max_dims:
            return
        for side in range(2, left + 1):
            if left % side == 0:
                extend(prefix + (side,), left // side)

    extend((), total)
    return sorted(set(found), key=lambda s: (len(s), s))


@st.composite
def _target_shape(draw: Any, total: int, max_dims: int, infer: bool) -> tuple[int, ...]:
    chosen = list(draw(st.sampled_from(_factorizations(total, max_dims))))
    for _ in range(draw(st.integers(0, max(0, max_dims - len(chosen))))):  # sides of 1 anywhere
        chosen.insert(draw(st.integers(0, len(chosen))), 1)
    if infer and chosen and draw(st.booleans()):
        chosen[draw(st.integers(0, len(chosen) - 1))] = -1
    return tuple(chosen)


@_register
def reshape_targets(ctx: Any, shape: Any, infer: bool = True, max_dims: int = 4) -> st.SearchStrategy[tuple[int, ...]]:
    """Shapes with as many elements as ``shape`` (up to ``max_dims`` dims; with ``infer``, one
    side may be -1, inferred)."""
    total = int(np.prod(tuple(shape), dtype=np.int64))
    return _target_shape(total, max_dims, infer)


@_register
def unflatten_sizes(ctx: Any, size: int, infer: bool = True) -> st.SearchStrategy[tuple[int, ...]]:
    """Sizes whose product is ``size`` (one may be -1, inferred): what ``unflatten`` splits a dim into."""
    return _target_shape(int(size), 3, infer).filter(bool)


@_register
def dims_after(ctx: Any, shape: Any, start: int) -> st.SearchStrategy[int]:
    """A dim (negative too) at or after ``start`` in an array of ``shape``: ``flatten``'s ``end_dim``."""
    ndim = max(_ndim(shape), 1)
    first = start % ndim
    return st.sampled_from([*range(first, ndim), *(d - ndim for d in range(first, ndim))])


@_register
def expand_targets(
    ctx: Any, shape: Any, infer: bool = True, max_new: int = 1, max_side: int = 3
) -> st.SearchStrategy[tuple[int, ...]]:
    """Shapes an array of ``shape`` expands to: up to ``max_new`` new leading sides, each side of
    1 any size, every other side kept (or -1 with ``infer``)."""
    shape = tuple(shape)

    @st.composite
    def draw_target(draw: Any) -> tuple[int, ...]:
        leading = tuple(draw(st.lists(st.integers(1, max_side), max_size=max_new)))
        kept = []
        for side in shape:
            if side == 1:
                kept.append(draw(st.integers(1, max_side)))
            else:
                kept.append(-1 if infer and draw(st.booleans()) else side)
        return leading + tuple(kept)

    return draw_target()


@_register
def sum_to_targets(ctx: Any, shape: Any) -> st.SearchStrategy[tuple[int, ...]]:
    """Shapes that expand to ``shape`` (``sum_to_size``): some leading sides dropped, any side made 1."""
    shape = tuple(shape)

    @st.composite
    def draw_target(draw: Any) -> tuple[int, ...]:
        dropped = draw(st.integers(0, len(shape)))
        return tuple(side if draw(st.booleans()) else 1 for side in shape[dropped:])

    return draw_target()


@_register
def squeezable_shapes(ctx: Any, min_dims: int = 1, max_dims: int = 3) -> st.SearchStrategy[tuple[int, ...]]:
    """Shapes with sides of 1 among others (``squeeze``)."""
    return st.lists(st.sampled_from([1, 1, 2, 3]), min_size=min_dims, max_size=max_dims).map(tuple)


@_register
def dim_subsets(ctx: Any, shape: Any, min_size: int = 0) -> st.SearchStrategy[tuple[int, ...]]:
    """Distinct dims of an array of ``shape`` (each written positive or negative): ``flip``'s ``dims``."""
    ndim = _ndim(shape)

    @st.composite
    def draw_dims(draw: Any) -> tuple[int, ...]:
        chosen = (
            draw(st.lists(st.integers(0, ndim - 1), min_size=min(min_size, ndim), max_size=ndim, unique=True)) if ndim else []
        )
        return tuple(d - ndim if draw(st.booleans()) else d for d in chosen)

    return draw_dims()


@_register
def dim_pairs(ctx: Any, shape: Any) -> st.SearchStrategy[tuple[int, int]]:
    """Two distinct dims of an array of ``shape`` (at least 2-D), each positive or negative."""
    return dim_subsets(ctx, shape, min_size=2).map(lambda dims: (dims[0], dims[1]))


@_register
def shape_permutations(ctx: Any, shape: Any) -> st.SearchStrategy[tuple[int, ...]]:
    """A permutation of the dims of an array of ``shape``."""
    return st.permutations(list(range(_ndim(shape)))).map(tuple)


@_register
def repeat_counts(
    ctx: Any, shape: Any, min_extra: int = 0, max_extra: int = 1, max_count: int = 3
) -> st.SearchStrategy[tuple[int, ...]]:
    """Repeat counts for an array of ``shape``: one per dim, plus ``min_extra`` to ``max_extra``
    leading ones (a negative ``min_extra``: fewer counts than dims, as ``tile`` allows)."""
    ndim = _ndim(shape)
    return st.lists(st.integers(1, max_count), min_size=max(0, ndim + min_extra), max_size=max(0, ndim + max_extra)).map(tuple)


@_register
def narrow_lengths(ctx: Any, size: int, start: int) -> st.SearchStrategy[int]:
    """A length that fits from ``start`` (negative too) in a dim of ``size``."""
    return st.integers(0, size - start % size)


@_register
def as_strided_sizes(ctx: Any, shape: Any, max_dims: int = 3, max_side: int = 3) -> st.SearchStrategy[tuple[int, ...]]:
    """A view's sizes for ``as_strided`` on an array of ``shape`` (at most as many elements as it has)."""
    total = int(np.prod(tuple(shape), dtype=np.int64))
    return st.lists(st.integers(1, max_side), max_size=max_dims).map(tuple).filter(lambda size: math.prod(size) <= total)


@_register
def as_strided_strides(ctx: Any, shape: Any, size: Any) -> st.SearchStrategy[tuple[int, ...]]:
    """Strides for a view of ``size`` that stay inside a contiguous array of ``shape``
    (overlapping views, stride 0 included)."""
    total = int(np.prod(tuple(shape), dtype=np.int64))
    size = tuple(size)

    @st.composite
    def draw_strides(draw: Any) -> tuple[int, ...]:
        strides, room = [], total - 1
        for side in size:
            stride = draw(st.integers(0, room // (side - 1))) if side > 1 else draw(st.integers(0, 3))
            room -= stride * (side - 1)
            strides.append(stride)
        return tuple(strides)

    return draw_strides()


@_register
def as_strided_offsets(ctx: Any, shape: Any, size: Any, stride: Any) -> st.SearchStrategy[int]:
    """A storage offset that keeps the view of ``size`` and ``stride`` inside a contiguous array of ``shape``."""
    total = int(np.prod(tuple(shape), dtype=np.int64))
    extent = sum((n - 1) * s for n, s in zip(tuple(size), tuple(stride)))
    return st.integers(0, total - 1 - extent)


@_register
def dims_except(ctx: Any, shape: Any, dim: int) -> st.SearchStrategy[int]:
    """A dim (negative too) of an array of ``shape`` other than ``dim``: ``diagonal``'s ``dim2``."""
    ndim = max(_ndim(shape), 1)
    others = [d for d in range(ndim) if d != dim % ndim]
    return st.sampled_from([*others, *(d - ndim for d in others)])
