"""NumPy references for the shape, view, join and split operators whose NumPy counterpart has
another name or signature (``split`` by a size, ``chunk``, ``narrow``, ``as_strided``...).

Each takes the operator's arguments as the operator table names them (PyTorch's names) as
float64 arrays and plain values, and returns the value, or the tuple of outputs.  The names
start with ``shapes_`` so that they never collide with another family's references.
"""

from __future__ import annotations

import itertools
import math
from typing import Any, Literal, cast

import numpy as np

Array = np.ndarray


def _sections(size: int, sizes: list[int]) -> list[int]:
    """Cut points along a dim of ``size`` for pieces of ``sizes``."""
    return list(itertools.accumulate(sizes))[:-1]


def shapes_split(tensor: Array, split_size_or_sections: Any, dim: int = 0) -> tuple[Array, ...]:
    """``torch.split``: pieces of ``split_size_or_sections`` along ``dim`` (the last one
    smaller), or of each listed size."""
    size = tensor.shape[dim]
    if isinstance(split_size_or_sections, int):
        step = split_size_or_sections
        sizes = [min(step, size - start) for start in range(0, size, step)] or [0]
    else:
        sizes = list(split_size_or_sections)
    return tuple(np.split(tensor, _sections(size, sizes), axis=dim))


def shapes_split_with_sizes(input: Array, split_sizes: Any, dim: int = 0) -> tuple[Array, ...]:
    return shapes_split(input, list(split_sizes), dim)


def shapes_chunk(input: Array, chunks: int, dim: int = 0) -> tuple[Array, ...]:
    """``torch.chunk``: pieces of ``ceil(size / chunks)`` along ``dim`` (perhaps fewer than ``chunks``)."""
    return shapes_split(input, max(1, math.ceil(input.shape[dim] / chunks)), dim)


def shapes_unbind(input: Array, dim: int = 0) -> tuple[Array, ...]:
    return tuple(np.moveaxis(input, dim, 0))


def shapes_reshape_as(input: Array, other: Array) -> Array:
    return np.reshape(input, other.shape)


def shapes_view(input: Array, shape: Any) -> Array:
    return np.reshape(input, tuple(shape))


def shapes_flatten(input: Array, start_dim: int = 0, end_dim: int = -1) -> Array:
    if input.ndim == 0:
        return input.reshape(1)
    start, end = start_dim % input.ndim, end_dim % input.ndim
    return input.reshape(input.shape[:start] + (-1,) + input.shape[end + 1 :])


def shapes_unflatten(input: Array, dim: int, sizes: Any) -> Array:
    axis = dim % input.ndim
    return input.reshape(input.shape[:axis] + tuple(sizes) + input.shape[axis + 1 :])


def _expanded(shape: tuple[int, ...], size: Any) -> tuple[int, ...]:
    size = tuple(size)
    offset = len(size) - len(shape)
    return tuple(shape[i - offset] if s == -1 else s for i, s in enumerate(size))


def shapes_expand(input: Array, size: Any) -> Array:
    """``Tensor.expand``/``torch.broadcast_to``: -1 keeps a side."""
    return np.broadcast_to(input, _expanded(input.shape, size)).copy()


def shapes_expand_as(input: Array, other: Array) -> Array:
    return np.broadcast_to(input, other.shape).copy()


def shapes_squeeze(input: Array, dim: Any = None) -> Array:
    """``torch.squeeze``: dims of size 1 (among ``dim``, if given) removed; other dims kept."""
    if dim is None:
        return np.squeeze(input)
    ndim = max(input.ndim, 1)
    dims = dim if isinstance(dim, (list, tuple)) else (dim,)
    axes = tuple(sorted({d % ndim for d in dims if input.ndim and input.shape[d % ndim] == 1}))
    return np.squeeze(input, axis=axes) if axes else input.copy()


def shapes_mT(input: Array) -> Array:
    return np.swapaxes(input, -1, -2)


def shapes_narrow(input: Array, dim: int, start: int, length: int) -> Array:
    axis = dim % input.ndim
    begin = start % input.shape[axis]
    index = [slice(None)] * input.ndim
    index[axis] = slice(begin, begin + length)
    return input[tuple(index)]


def shapes_select(input: Array, dim: int, index: int) -> Array:
    axis = dim % input.ndim
    return np.take(input, index % input.shape[axis], axis=axis)


def shapes_as_strided(input: Array, size: Any, stride: Any, storage_offset: int = 0) -> Array:
    """``torch.as_strided`` on a contiguous input: element ``i`` of the view reads
    ``storage_offset + sum(i_k * stride_k)`` of the flattened input."""
    flat = np.ascontiguousarray(input).reshape(-1)
    size, stride = tuple(size), tuple(stride)
    index = np.full(size, storage_offset, dtype=np.int64)
    for axis, (n, s) in enumerate(zip(size, stride)):
        shape = [1] * len(size)
        shape[axis] = n
        index = index + (np.arange(n) * s).reshape(shape)
    return flat[index]


def shapes_unfold(input: Array, dimension: int, size: int, step: int) -> Array:
    """``Tensor.unfold``: every ``step``-th window of ``size`` along ``dimension``, the windows'
    elements in a new last dim."""
    axis = dimension % max(input.ndim, 1)
    windows = np.lib.stride_tricks.sliding_window_view(input, size, axis=axis)
    index = [slice(None)] * windows.ndim
    index[axis] = slice(None, None, step)
    return windows[tuple(index)].copy()


def shapes_block_diag(*tensors: Array) -> Array:
    """``torch.block_diag``: 0-d inputs are 1x1 blocks, 1-d ones are rows."""
    blocks = [np.asarray(t).reshape(1, -1) if np.ndim(t) < 2 else np.asarray(t) for t in tensors]
    rows, cols = sum(b.shape[0] for b in blocks), sum(b.shape[1] for b in blocks)
    out = np.zeros((rows, cols))
    r = c = 0
    for b in blocks:
        out[r : r + b.shape[0], c : c + b.shape[1]] = b
        r, c = r + b.shape[0], c + b.shape[1]
    return out


def shapes_cartesian_prod(*tensors: Array) -> Array:
    if len(tensors) == 1:
        return tensors[0].copy()
    grids = np.meshgrid(*tensors, indexing="ij")
    return np.stack([g.reshape(-1) for g in grids], axis=-1)


def shapes_combinations(input: Array, r: int = 2, with_replacement: bool = False) -> Array:
    """``torch.combinations``: rows of ``r`` elements in index order (``itertools.combinations``)."""
    pick = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    rows = [[input[i] for i in chosen] for chosen in pick(range(len(input)), r)]
    if r == 0:
        return np.zeros((0,))
    return np.array(rows, dtype=np.float64).reshape(len(rows), r) if rows else np.zeros((0, r))


def shapes_meshgrid(*tensors: Array, indexing: str = "ij") -> tuple[Array, ...]:
    return tuple(g.copy() for g in np.meshgrid(*tensors, indexing=cast(Literal["ij", "xy"], indexing)))


def shapes_meshgrid_list(tensors: Any, indexing: str = "ij") -> tuple[Array, ...]:
    return shapes_meshgrid(*tensors, indexing=indexing)


def shapes_sum_to_size(input: Array, size: Any) -> Array:
    """``Tensor.sum_to_size``: summed over the leading dims ``size`` lacks and the dims it has as 1."""
    size = tuple(size)
    lead = input.ndim - len(size)
    out = input.sum(axis=tuple(range(lead))) if lead else input
    axes = tuple(i for i, s in enumerate(size) if s == 1 and out.shape[i] != 1)
    return out.sum(axis=axes, keepdims=True) if axes else out
