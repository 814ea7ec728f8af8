"""NumPy references for operators whose value NumPy has under another name or signature.

Each function takes the operator's arguments as the operator table names them (PyTorch's
names: ``dim``, ``keepdim``) as float64 arrays and plain values, and returns the value (or the
tuple of outputs) in float64.  An entry names one of these as ``reference: <function>``, or a
NumPy function directly as ``reference: numpy.<function>``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

Array = np.ndarray


def _axis(dim: Any, ndim: int) -> Any:
    if dim is None:
        return None
    if isinstance(dim, (list, tuple)):
        return tuple(d % max(ndim, 1) for d in dim) if ndim else None
    return dim % max(ndim, 1) if ndim else None


def _reduced_axis(dim: Any, ndim: int) -> Any:
    """NumPy's ``axis`` for a reduction's ``dim``: None or an empty list reduce every dim, as in torch."""
    return None if dim is None or (isinstance(dim, (list, tuple)) and len(dim) == 0) else _axis(dim, ndim)


def sum_dim(input: Array, dim: Any, keepdim: bool = False) -> Array:
    return np.sum(input, axis=_reduced_axis(dim, input.ndim), keepdims=keepdim)


def mean_dim(input: Array, dim: Any, keepdim: bool = False) -> Array:
    return np.mean(input, axis=_reduced_axis(dim, input.ndim), keepdims=keepdim)


def amax(input: Array, dim: Any = (), keepdim: bool = False) -> Array:
    return np.max(input, axis=_reduced_axis(dim, input.ndim), keepdims=keepdim)


def amin(input: Array, dim: Any = (), keepdim: bool = False) -> Array:
    return np.min(input, axis=_reduced_axis(dim, input.ndim), keepdims=keepdim)


def max_dim(input: Array, dim: int, keepdim: bool = False) -> tuple[Array, Array]:
    axis = _axis(dim, input.ndim)
    if axis is None:
        return input.copy(), np.zeros((), dtype=np.int64)
    return np.max(input, axis=axis, keepdims=keepdim), np.argmax(input, axis=axis, keepdims=keepdim)


def erf(input: Array) -> Array:
    return np.vectorize(math.erf, otypes=[np.float64])(input)


def sigmoid(input: Array) -> Array:
    return 1.0 / (1.0 + np.exp(-input))


def relu(input: Array) -> Array:
    return np.maximum(input, 0.0)
