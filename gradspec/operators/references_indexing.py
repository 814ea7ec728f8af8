"""NumPy references of the indexing, gather/scatter and diagonal operators
(specs/_operators/indexing.yaml), with PyTorch's argument names, computed in float64."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

Array = np.ndarray


def _axis(dim: int, ndim: int) -> int:
    return dim % max(ndim, 1)


def _positions(index: Array, axis: int) -> Any:
    """Each position ``p`` of ``index`` with the destination position along ``axis``."""
    for p in np.ndindex(*index.shape):
        q = list(p)
        q[axis] = int(index[p])
        yield p, tuple(q)


def index_select(input: Array, dim: int, index: Array) -> Array:
    return np.take(input, index, axis=_axis(dim, input.ndim))


def gather(input: Array, dim: int, index: Array) -> Array:
    axis = _axis(dim, input.ndim)
    out = np.zeros(index.shape)
    for p, q in _positions(index, axis):
        out[p] = input[q]
    return out


def scatter(input: Array, dim: int, index: Array, src: Array) -> Array:
    out = np.array(input, dtype=np.float64)
    for p, q in _positions(index, _axis(dim, input.ndim)):
        out[q] = src[p]
    return out


def scatter_add(input: Array, dim: int, index: Array, src: Array) -> Array:
    out = np.array(input, dtype=np.float64)
    for p, q in _positions(index, _axis(dim, input.ndim)):
        out[q] += src[p]
    return out


def scatter_reduce(input: Array, dim: int, index: Array, src: Array, reduce: str, include_self: bool = True) -> Array:
    """torch.scatter_reduce: each destination reduces the src values scattered to it (and its own
    value, with include_self); mean divides by the number of values reduced; a destination no
    value is scattered to keeps its value."""
    groups: dict[tuple[int, ...], list[float]] = {}
    for p, q in _positions(index, _axis(dim, input.ndim)):
        groups.setdefault(q, []).append(float(src[p]))
    out = np.array(input, dtype=np.float64)
    combiners: dict[str, Callable[..., Any]] = {"sum": np.sum, "prod": np.prod, "amax": np.max, "amin": np.min, "mean": np.mean}
    combine = combiners[reduce]
    for q, values in groups.items():
        out[q] = combine(([float(input[q])] if include_self else []) + values)
    return out


def index_add(input: Array, dim: int, index: Array, source: Array, alpha: float = 1.0) -> Array:
    axis = _axis(dim, input.ndim)
    out = np.moveaxis(np.array(input, dtype=np.float64), axis, 0)
    np.add.at(out, index, alpha * np.moveaxis(source, axis, 0))
    return np.moveaxis(out, 0, axis)


def index_copy(input: Array, dim: int, index: Array, source: Array) -> Array:
    axis = _axis(dim, input.ndim)
    out = np.moveaxis(np.array(input, dtype=np.float64), axis, 0)
    out[index] = np.moveaxis(source, axis, 0)
    return np.moveaxis(out, 0, axis)


def index_fill(input: Array, dim: int, index: Array, value: float) -> Array:
    axis = _axis(dim, input.ndim)
    out = np.moveaxis(np.array(input, dtype=np.float64), axis, 0)
    out[index] = value
    return np.moveaxis(out, 0, axis)


def index_put(input: Array, indices: Any, values: Array, accumulate: bool = False) -> Array:
    out = np.array(input, dtype=np.float64)
    if accumulate:
        np.add.at(out, tuple(indices), values)
    else:
        out[tuple(indices)] = values
    return out


def take_along_dim(input: Array, indices: Array, dim: int) -> Array:
    return np.take_along_axis(input, indices, axis=_axis(dim, input.ndim))


def put(input: Array, index: Array, source: Array, accumulate: bool = False) -> Array:
    out = np.array(input, dtype=np.float64).reshape(-1)
    if accumulate:
        np.add.at(out, index.reshape(-1), source.reshape(-1))
    else:
        out[index.reshape(-1)] = source.reshape(-1)
    return out.reshape(input.shape)


def masked_select(input: Array, mask: Array) -> Array:
    values, chosen = np.broadcast_arrays(input, mask)
    return values[chosen]


def masked_scatter(input: Array, mask: Array, source: Array) -> Array:
    out = np.array(input, dtype=np.float64)
    count = int(np.sum(mask))
    out[mask] = source.reshape(-1)[:count]
    return out


def getitem(input: Array, index: Any) -> Array:
    return input[tuple(index) if isinstance(index, list) else index]


def select_scatter(input: Array, src: Array, dim: int, index: int) -> Array:
    out = np.array(input, dtype=np.float64)
    view = np.moveaxis(out, _axis(dim, input.ndim), 0)
    view[index] = src
    return out


def slice_scatter(input: Array, src: Array, dim: int = 0, start: Any = None, end: Any = None, step: int = 1) -> Array:
    out = np.array(input, dtype=np.float64)
    axis = _axis(dim, input.ndim)
    view = np.moveaxis(out, axis, 0)
    view[start:end:step] = np.moveaxis(src, axis, 0)
    return out


def _diagonal_view(out: Array, offset: int, dim1: int, dim2: int) -> Array:
    """Positions (as index arrays) of ``diagonal(out, offset, dim1, dim2)``, its last dim the diagonal."""
    a, b = _axis(dim1, out.ndim), _axis(dim2, out.ndim)
    grid = np.indices(out.shape)
    return np.diagonal(grid, offset, a + 1, b + 1)


def diagonal_scatter(input: Array, src: Array, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Array:
    out = np.array(input, dtype=np.float64)
    positions = _diagonal_view(out, offset, dim1, dim2)
    out[tuple(positions)] = src
    return out


def as_strided_scatter(input: Array, src: Array, size: Any, stride: Any, storage_offset: Any = None) -> Array:
    out = np.array(input, dtype=np.float64).reshape(-1)
    offset = storage_offset or 0
    for p in np.ndindex(*tuple(size)):
        out[offset + sum(i * s for i, s in zip(p, stride))] = src[p]
    return out.reshape(input.shape)


def diag_embed(input: Array, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Array:
    """torch.diag_embed: the last dim of ``input`` on the ``offset`` diagonal of planes (dim1, dim2) of the output."""
    n = input.shape[-1] + abs(offset)
    ndim = input.ndim + 1
    a, b = _axis(dim1, ndim), _axis(dim2, ndim)
    rest = list(input.shape[:-1])
    shape = []
    for d in range(ndim):
        shape.append(n if d in (a, b) else rest.pop(0))
    out = np.zeros(shape)
    out[tuple(_diagonal_view(out, offset, a, b))] = input
    return out


def linalg_diagonal(A: Array, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Array:
    return np.diagonal(A, offset, _axis(dim1, A.ndim), _axis(dim2, A.ndim))


def index_reduce(input: Array, dim: int, index: Array, source: Array, reduce: str, include_self: bool = True) -> Array:
    """torch.index_reduce: the slices of ``source`` along dim reduced into the slices of ``input``
    that ``index`` names (with ``input``'s own slice when include_self); other slices kept."""
    axis = _axis(dim, input.ndim)
    moved_input, moved_source = np.moveaxis(np.asarray(input, dtype=np.float64), axis, 0), np.moveaxis(source, axis, 0)
    out = moved_input.copy()
    combiners: dict[str, Callable[..., Any]] = {"prod": np.prod, "amax": np.max, "amin": np.min, "mean": np.mean}
    combine = combiners[reduce]
    for target in set(int(i) for i in index):
        parts = ([moved_input[target]] if include_self else []) + [
            moved_source[k] for k in range(len(index)) if int(index[k]) == target
        ]
        out[target] = combine(np.stack(parts), axis=0)
    return np.moveaxis(out, 0, axis)
