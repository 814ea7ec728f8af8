"""``given`` strategies for the indexing, gather/scatter and diagonal operators
(specs/_operators/indexing.yaml): boolean masks, index arrays shaped for gather and scatter,
indices unique along a dimension (scatter, index_copy: duplicates there are nondeterministic)
or with a duplicate forced (scatter_add, index_put with accumulate: gradients must accumulate),
values spaced apart (scatter_reduce amax/amin: no ties), and the shapes and bounds of slices,
diagonals and strided views.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from gradspec.operators.domains import _register, floating


def _axis(dim: int, ndim: int) -> int:
    return dim % max(ndim, 1)


def _then(shape: Any, build: Any) -> st.SearchStrategy[Any]:
    """``build(shape)``, ``shape`` drawn first when it is itself a strategy."""
    if isinstance(shape, st.SearchStrategy):
        return shape.flatmap(lambda drawn: build(tuple(drawn)))
    return build(tuple(shape))


@_register
def idx_masks(ctx: Any, shape: Any) -> st.SearchStrategy[np.ndarray]:
    """bool arrays of ``shape`` (made bool tensors by the adapter)."""
    return _then(shape, lambda s: hnp.arrays(np.bool_, s, elements=st.booleans()))


@_register
def idx_shape_within(
    ctx: Any, shape: Any, dim: Any = None, max_side: int = 4, min_along: int = 1
) -> st.SearchStrategy[tuple[int, ...]]:
    """A shape of the same rank as ``shape`` whose sides are at most ``shape``'s, except along
    ``dim`` (any side in ``[min_along, max_side]``; ``dim=None``: every side bounded): gather's
    and scatter's index."""
    shape = tuple(shape)
    free = None if dim is None else _axis(dim, len(shape))
    return st.tuples(
        *(st.integers(min_along, max_side) if d == free else st.integers(1, max(shape[d], 1)) for d in range(len(shape)))
    )


@_register
def idx_with_free_side(ctx: Any, shape: Any, dim: int, max_side: int = 4) -> st.SearchStrategy[tuple[int, ...]]:
    """``shape`` with its side along ``dim`` drawn in ``[1, max_side]`` (take_along_dim's indices)."""
    shape = tuple(shape)
    axis = _axis(dim, len(shape))
    return st.integers(1, max_side).map(lambda n: (*shape[:axis], n, *shape[axis + 1 :]))


@_register
def idx_shape_covering(ctx: Any, shape: Any, max_side: int = 4) -> st.SearchStrategy[tuple[int, ...]]:
    """A shape of the same rank whose sides are at least ``shape``'s (scatter's src)."""
    return st.tuples(*(st.integers(s, max(s, max_side)) for s in tuple(shape)))


@_register
def idx_with_side(ctx: Any, shape: Any, dim: int, size: int) -> st.SearchStrategy[tuple[int, ...]]:
    """``shape`` with its side along ``dim`` replaced by ``size`` (index_add's source; ``size`` may be a strategy)."""
    shape = tuple(shape)
    axis = _axis(dim, len(shape))
    sizes = size if isinstance(size, st.SearchStrategy) else st.just(size)
    return sizes.map(lambda n: (*shape[:axis], int(n), *shape[axis + 1 :]))


@_register
def idx_without_dim(ctx: Any, shape: Any, dim: int) -> st.SearchStrategy[tuple[int, ...]]:
    """``shape`` without the dimension ``dim`` (select_scatter's src)."""
    shape = list(shape)
    del shape[_axis(dim, len(shape))]
    return st.just(tuple(shape))


@st.composite
def _unique_along(draw: Any, size: int, shape: tuple[int, ...], axis: int) -> np.ndarray:
    out = np.zeros(shape, dtype=np.int64)
    moved = np.moveaxis(out, axis, -1)
    for position in np.ndindex(*moved.shape[:-1]):
        moved[position] = draw(st.permutations(list(range(size))))[: moved.shape[-1]]
    return out


@_register
def idx_unique_indices(ctx: Any, size: int, shape: Any, dim: int = 0) -> st.SearchStrategy[np.ndarray]:
    """int64 indices in ``[0, size)`` of ``shape``, distinct along ``dim`` (``shape[dim] <= size``):
    scatter and index_copy, where duplicate indices make the result nondeterministic."""

    def build(shape: tuple[int, ...]) -> st.SearchStrategy[np.ndarray]:
        axis = _axis(dim, len(shape))
        if shape[axis] > size:
            raise ValueError(f"unique_indices: {shape[axis]} distinct indices below {size} do not exist")
        return _unique_along(int(size), shape, axis)

    return _then(shape, build)


@st.composite
def _with_duplicates(draw: Any, size: int, shape: tuple[int, ...], axis: int) -> np.ndarray:
    values = draw(hnp.arrays(np.int64, shape, elements=st.integers(0, size - 1)))
    moved = np.moveaxis(values, axis, 0)
    moved[1] = moved[0]  # every fibre along dim repeats its first index
    return values


@_register
def idx_duplicate_indices(ctx: Any, size: int, shape: Any, dim: int = 0) -> st.SearchStrategy[np.ndarray]:
    """int64 indices in ``[0, size)`` of ``shape`` with a repeat along ``dim`` in every fibre
    (``shape[dim] >= 2``): gradients of scatter_add, index_add, index_put(accumulate=True) must
    accumulate over them."""

    def build(shape: tuple[int, ...]) -> st.SearchStrategy[np.ndarray]:
        axis = _axis(dim, len(shape))
        if shape[axis] < 2:
            raise ValueError("duplicate_indices: the side along dim must be at least 2")
        return _with_duplicates(int(size), shape, axis)

    return _then(shape, build)


@_register
def idx_flat_indices(
    ctx: Any, shape: Any, min_dims: int = 1, max_dims: int = 2, max_side: int = 4
) -> st.SearchStrategy[np.ndarray]:
    """int64 indices into the flattened ``shape`` (take, put), repeats included."""
    numel = int(math.prod(tuple(shape)))
    return hnp.arrays(
        np.int64,
        hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=1, max_side=max_side),
        elements=st.integers(0, numel - 1),
    )


@_register
def idx_index_tuples(ctx: Any, shape: Any, max_len: int = 4) -> st.SearchStrategy[tuple[np.ndarray, ...]]:
    """A tuple of 1-d int64 index arrays of one length (at least 2), one per leading dimension of
    ``shape`` (1 to all of them), whose first two index tuples are equal: index_put with
    ``accumulate=True`` at duplicate positions."""
    shape = tuple(shape)

    @st.composite
    def draw_tuple(draw: Any) -> tuple[np.ndarray, ...]:
        count = draw(st.integers(1, len(shape)))
        length = draw(st.integers(2, max_len))
        arrays = []
        for d in range(count):
            values = draw(hnp.arrays(np.int64, (length,), elements=st.integers(0, shape[d] - 1)))
            values[1] = values[0]
            arrays.append(values)
        return tuple(arrays)

    return draw_tuple()


@_register
def idx_index_put_shapes(ctx: Any, shape: Any, indices: Any) -> st.SearchStrategy[tuple[int, ...]]:
    """The shape of index_put's values: the indices' length, then the unindexed sides of ``shape``."""
    indices = tuple(indices)
    return st.just((len(indices[0]), *tuple(shape)[len(indices) :]))


@floating
def idx_spaced_reals(ctx: Any, shape: Any, phase: float = 0.0) -> st.SearchStrategy[np.ndarray]:
    """float64 arrays of ``shape`` with distinct values ``k / 2 + phase`` (k a distinct integer, at most max(8, size) in magnitude):
    two arrays drawn with different phases in [0, 0.5) never tie (scatter_reduce amax/amin)."""

    def build(shape: tuple[int, ...]) -> st.SearchStrategy[np.ndarray]:
        numel = int(math.prod(shape))
        bound = max(8, numel)
        values = st.lists(st.integers(-bound, bound), min_size=numel, max_size=numel, unique=True)
        return values.map(lambda ks: (np.asarray(ks, dtype=np.float64) / 2.0 + float(phase)).reshape(shape))

    return _then(shape, build)


@_register
def idx_other_dim(ctx: Any, shape: Any, dim: int, negative: bool = True) -> st.SearchStrategy[int]:
    """A dimension of an array of ``shape`` other than ``dim`` (at least 2 dims): diagonal's dim2."""
    ndim = len(tuple(shape))
    taken = _axis(dim, ndim)
    choices = [d for d in range(ndim) if d != taken]
    if negative:
        choices += [d - ndim for d in choices]
    return st.sampled_from(choices)


@_register
def idx_diagonal_shape(ctx: Any, shape: Any, offset: int, dim1: int, dim2: int) -> st.SearchStrategy[tuple[int, ...]]:
    """The shape of ``diagonal(x, offset, dim1, dim2)`` for ``x`` of ``shape`` (diagonal_scatter's src)."""
    shape = tuple(shape)
    a, b = _axis(dim1, len(shape)), _axis(dim2, len(shape))
    length = max(0, min(shape[a], shape[b] - offset) if offset >= 0 else min(shape[a] + offset, shape[b]))
    rest = tuple(s for d, s in enumerate(shape) if d not in (a, b))
    return st.just((*rest, length))


@_register
def idx_slice_starts(ctx: Any, size: int, count: int) -> st.SearchStrategy[int]:
    """A start from which ``count`` elements fit in ``size`` (slice_scatter)."""
    return st.integers(0, int(size) - int(count))


@_register
def idx_slice_steps(ctx: Any, size: int, count: int, start: int, max_step: int = 3) -> st.SearchStrategy[int]:
    """A step with which ``count`` elements from ``start`` fit in ``size``."""
    if count <= 1:
        return st.integers(1, max_step)
    return st.integers(1, max(1, min(max_step, (int(size) - 1 - int(start)) // (int(count) - 1))))


@_register
def idx_slice_ends(ctx: Any, size: int, count: int, start: int, step: int) -> st.SearchStrategy[int]:
    """An end such that ``range(start, end, step)`` has exactly ``count`` elements, below ``size``."""
    last = int(start) + (int(count) - 1) * int(step)
    return st.integers(last + 1, min(int(size), last + int(step)))


@_register
def idx_strided_sizes(ctx: Any, shape: Any) -> st.SearchStrategy[tuple[int, int]]:
    """The (rows, cols) of a non-overlapping 2-d strided view into an array of ``shape``."""
    numel = int(math.prod(tuple(shape)))
    return st.integers(1, numel).flatmap(lambda rows: st.tuples(st.just(rows), st.integers(1, max(1, numel // rows))))


@_register
def idx_strided_strides(ctx: Any, shape: Any, size: Any) -> st.SearchStrategy[tuple[int, int]]:
    """Strides (row stride >= cols, 1) keeping the view of ``size`` inside ``shape``'s storage, without overlap."""
    numel = int(math.prod(tuple(shape)))
    rows, cols = tuple(size)
    largest = cols if rows == 1 else max(cols, (numel - cols) // (rows - 1))
    return st.tuples(st.integers(cols, max(cols, largest)), st.just(1))


@_register
def idx_strided_offsets(ctx: Any, shape: Any, size: Any, stride: Any) -> st.SearchStrategy[int]:
    """A storage offset keeping the strided view inside ``shape``'s storage."""
    numel = int(math.prod(tuple(shape)))
    (rows, cols), (row_stride, _) = tuple(size), tuple(stride)
    extent = (rows - 1) * row_stride + cols
    return st.integers(0, max(0, numel - extent))


@_register
def idx_offsets(ctx: Any, shape: Any, max_offset: int = 2) -> st.SearchStrategy[int]:
    """A diagonal offset in ``[-max_offset, max_offset]`` for an array of ``shape`` (diagflat)."""
    return st.integers(-max_offset, max_offset)
