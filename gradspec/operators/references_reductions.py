"""NumPy references of the reductions family: reductions, scans, sorting and softmax.

Each function takes the operator's arguments as the operator table names them (PyTorch's
names: ``dim``, ``keepdim``, ``correction``) and returns the value, or the tuple of outputs
(values, indices), in float64.  A 0-d input is reduced over its only "dimension" (0 or -1), as
torch does.
"""

from __future__ import annotations

from typing import Any, Literal, cast

import numpy as np

from gradspec.operators.references import _axis

Array = np.ndarray

# The interpolation names torch.quantile takes, all of them numpy quantile methods.
_Interpolation = Literal["linear", "lower", "higher", "midpoint", "nearest"]


def _axes(dim: Any, ndim: int) -> Any:
    """NumPy's ``axis`` for torch's ``dim`` (None or an empty list: every dim)."""
    if dim is None or (isinstance(dim, (list, tuple)) and len(dim) == 0):
        return None
    return _axis(dim, ndim)


def _along(input: Array, dim: int) -> tuple[Array, int]:
    """``input`` as at least 1-d, and the axis ``dim`` names in it."""
    if input.ndim == 0:
        return input.reshape(1), 0
    return input, dim % input.ndim


def _restore(value: Array, input: Array) -> Array:
    """A result computed on a 0-d input made 1-d, given back 0-d."""
    return value.reshape(()) if input.ndim == 0 else value


def _reduced(value: Array, input: Array, axis: int, keepdim: bool) -> Array:
    """A per-row result taken with ``keepdims=True`` along ``axis``, shaped as torch returns it."""
    if input.ndim == 0:
        return value.reshape(())
    return value if keepdim else np.squeeze(value, axis=axis)


# -- sum, mean, prod ---------------------------------------------------------------------------


def prod_dim(input: Array, dim: int, keepdim: bool = False) -> Array:
    return np.prod(input, axis=_axis(dim, input.ndim), keepdims=keepdim)


def nansum_dim(input: Array, dim: Any = None, keepdim: bool = False) -> Array:
    return np.nansum(input, axis=_axes(dim, input.ndim), keepdims=keepdim)


def nanmean_dim(input: Array, dim: Any = None, keepdim: bool = False) -> Array:
    return np.nanmean(input, axis=_axes(dim, input.ndim), keepdims=keepdim)


# -- extremes ----------------------------------------------------------------------------------


def min_dim(input: Array, dim: int, keepdim: bool = False) -> tuple[Array, Array]:
    axis = _axis(dim, input.ndim)
    if axis is None:
        return input.copy(), np.zeros((), dtype=np.int64)
    return np.min(input, axis=axis, keepdims=keepdim), np.argmin(input, axis=axis, keepdims=keepdim)


def aminmax(input: Array, dim: Any = None, keepdim: bool = False) -> tuple[Array, Array]:
    axis = _axes(dim, input.ndim)
    return np.min(input, axis=axis, keepdims=keepdim), np.max(input, axis=axis, keepdims=keepdim)


# -- order statistics --------------------------------------------------------------------------


def _order_statistic(input: Array, dim: int, keepdim: bool, position: Any) -> tuple[Array, Array]:
    """The ``position(n)``-th smallest value along ``dim`` (NaNs last), and its index."""
    values, axis = _along(input, dim)
    order = np.argsort(values, axis=axis, kind="stable")
    position_of = np.asarray(position(values, axis, values.shape[axis]), dtype=np.int64)
    shape = list(values.shape)
    shape[axis] = 1
    k = np.broadcast_to(position_of, shape) if position_of.ndim == 0 else np.expand_dims(position_of, axis)
    index = np.take_along_axis(order, k, axis=axis)
    chosen = np.take_along_axis(values, index, axis=axis)
    return _reduced(chosen, input, axis, keepdim), _reduced(index, input, axis, keepdim)


def median_dim(input: Array, dim: int, keepdim: bool = False) -> tuple[Array, Array]:
    """torch.median(input, dim): the lower of the two middle values for an even count."""
    return _order_statistic(input, dim, keepdim, lambda values, axis, n: (n - 1) // 2)


def nanmedian_dim(input: Array, dim: int, keepdim: bool = False) -> tuple[Array, Array]:
    """torch.nanmedian(input, dim): the lower median of the values that are not NaN."""

    def position(values: Array, axis: int, n: int) -> Array:
        return (np.sum(~np.isnan(values), axis=axis) - 1) // 2

    return _order_statistic(input, dim, keepdim, position)


def kthvalue(input: Array, k: int, dim: int = -1, keepdim: bool = False) -> tuple[Array, Array]:
    return _order_statistic(input, dim, keepdim, lambda values, axis, n: k - 1)


def msort(input: Array) -> Array:
    return np.sort(input, axis=0) if input.ndim else input.copy()


def sort(input: Array, dim: int = -1, descending: bool = False) -> tuple[Array, Array]:
    values, axis = _along(input, dim)
    order = np.argsort(-values if descending else values, axis=axis, kind="stable")
    return _restore(np.take_along_axis(values, order, axis=axis), input), _restore(order, input)


def topk(input: Array, k: int, dim: int = -1, largest: bool = True, sorted: bool = True) -> tuple[Array, Array]:
    values, axis = _along(input, dim)
    order = np.argsort(-values if largest else values, axis=axis, kind="stable")
    index = np.take(order, np.arange(k), axis=axis)
    return _restore(np.take_along_axis(values, index, axis=axis), input), _restore(index, input)


def quantile(input: Array, q: float, dim: Any = None, keepdim: bool = False, interpolation: str = "linear") -> Array:
    method = cast(_Interpolation, interpolation)
    if dim is None:
        value = np.asarray(np.quantile(input.reshape(-1), q, method=method))
        return value.reshape((1,) * input.ndim) if keepdim else value
    values, axis = _along(input, dim)
    return _reduced(np.quantile(values, q, axis=axis, keepdims=True, method=method), input, axis, keepdim)


def nanquantile(input: Array, q: float, dim: Any = None, keepdim: bool = False, interpolation: str = "linear") -> Array:
    method = cast(_Interpolation, interpolation)
    if dim is None:
        value = np.asarray(np.nanquantile(input.reshape(-1), q, method=method))
        return value.reshape((1,) * input.ndim) if keepdim else value
    values, axis = _along(input, dim)
    return _reduced(np.nanquantile(values, q, axis=axis, keepdims=True, method=method), input, axis, keepdim)


# -- moments and norms -------------------------------------------------------------------------


def var_dim(input: Array, dim: Any = None, correction: float = 1, keepdim: bool = False) -> Array:
    return np.var(input, axis=_axes(dim, input.ndim), ddof=correction, keepdims=keepdim)


def std_dim(input: Array, dim: Any = None, correction: float = 1, keepdim: bool = False) -> Array:
    return np.std(input, axis=_axes(dim, input.ndim), ddof=correction, keepdims=keepdim)


def var_mean(input: Array, dim: Any = None, correction: float = 1, keepdim: bool = False) -> tuple[Array, Array]:
    axis = _axes(dim, input.ndim)
    return np.var(input, axis=axis, ddof=correction, keepdims=keepdim), np.mean(input, axis=axis, keepdims=keepdim)


def std_mean(input: Array, dim: Any = None, correction: float = 1, keepdim: bool = False) -> tuple[Array, Array]:
    axis = _axes(dim, input.ndim)
    return np.std(input, axis=axis, ddof=correction, keepdims=keepdim), np.mean(input, axis=axis, keepdims=keepdim)


def vector_norm(input: Array, ord: float = 2, dim: Any = None, keepdim: bool = False) -> Array:
    """The p-norm of the elements over ``dim`` (all of them by default), ``(sum |x|^p)^(1/p)``."""
    axis = _axes(dim, input.ndim)
    magnitude = np.abs(input)
    if ord == np.inf:
        return np.max(magnitude, axis=axis, keepdims=keepdim)
    if ord == -np.inf:
        return np.min(magnitude, axis=axis, keepdims=keepdim)
    return np.sum(magnitude**ord, axis=axis, keepdims=keepdim) ** (1.0 / ord)


def norm(input: Array, p: Any = "fro", dim: Any = None, keepdim: bool = False) -> Array:
    """torch.norm with a numeric ``p`` (or 'fro' over all elements): the vector p-norm over ``dim``."""
    return vector_norm(input, 2 if p == "fro" else p, dim, keepdim)


# -- exponentials ------------------------------------------------------------------------------


def logsumexp(input: Array, dim: Any, keepdim: bool = False) -> Array:
    axis = _axes(dim, input.ndim)
    top = np.max(input, axis=axis, keepdims=True)
    value = top + np.log(np.sum(np.exp(input - top), axis=axis, keepdims=True))
    return value if keepdim else (np.squeeze(value, axis=axis) if axis is not None else value.reshape(()))


def softmax(input: Array, dim: int) -> Array:
    values, axis = _along(input, dim)
    shifted = np.exp(values - np.max(values, axis=axis, keepdims=True))
    return _restore(shifted / np.sum(shifted, axis=axis, keepdims=True), input)


def log_softmax(input: Array, dim: int) -> Array:
    values, axis = _along(input, dim)
    shifted = values - np.max(values, axis=axis, keepdims=True)
    return _restore(shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True)), input)


def softmin(input: Array, dim: int) -> Array:
    return softmax(-input, dim)


# -- scans -------------------------------------------------------------------------------------


def _scan(function: Any, input: Array, dim: int) -> Array:
    values, axis = _along(input, dim)
    return _restore(function(values, axis=axis), input)


def cumsum(input: Array, dim: int) -> Array:
    return _scan(np.cumsum, input, dim)


def cumprod(input: Array, dim: int) -> Array:
    return _scan(np.cumprod, input, dim)


def logcumsumexp(input: Array, dim: int) -> Array:
    return _scan(np.logaddexp.accumulate, input, dim)


def _cumulative_extreme(input: Array, dim: int, largest: bool) -> tuple[Array, Array]:
    """cummax/cummin: the running extreme and the index of its last occurrence."""
    values, axis = _along(input, dim)
    moved = np.moveaxis(values, axis, -1)
    running = (np.maximum if largest else np.minimum).accumulate(moved, axis=-1)
    index = np.zeros(moved.shape, dtype=np.int64)
    for i in range(1, moved.shape[-1]):
        better = moved[..., i] >= running[..., i - 1] if largest else moved[..., i] <= running[..., i - 1]
        index[..., i] = np.where(better, i, index[..., i - 1])
    return _restore(np.moveaxis(running, -1, axis), input), _restore(np.moveaxis(index, -1, axis), input)


def cummax(input: Array, dim: int) -> tuple[Array, Array]:
    return _cumulative_extreme(input, dim, largest=True)


def cummin(input: Array, dim: int) -> tuple[Array, Array]:
    return _cumulative_extreme(input, dim, largest=False)


# -- matrices ----------------------------------------------------------------------------------


def cov(input: Array, correction: int = 1) -> Array:
    return np.asarray(np.cov(input, ddof=correction))


# -- torch.masked: masked-out elements take no part; a slice is never wholly masked out ---------


def _filled(input: Array, mask: Array | None, value: float) -> Array:
    return np.where(np.broadcast_to(np.asarray(mask), input.shape), input, value)


def masked_sum(input: Array, dim: Any = None, keepdim: bool = False, mask: Array | None = None) -> Array:
    return np.sum(_filled(input, mask, 0.0), axis=_axes(dim, input.ndim), keepdims=keepdim)


def masked_prod(input: Array, dim: Any = None, keepdim: bool = False, mask: Array | None = None) -> Array:
    return np.prod(_filled(input, mask, 1.0), axis=_axes(dim, input.ndim), keepdims=keepdim)


def _count(input: Array, dim: Any, keepdim: bool, mask: Array | None) -> Array:
    return np.sum(np.broadcast_to(np.asarray(mask), input.shape), axis=_axes(dim, input.ndim), keepdims=keepdim)


def masked_mean(input: Array, dim: Any = None, keepdim: bool = False, mask: Array | None = None) -> Array:
    return masked_sum(input, dim, keepdim, mask) / _count(input, dim, keepdim, mask)


def masked_amax(input: Array, dim: Any = None, keepdim: bool = False, mask: Array | None = None) -> Array:
    return np.max(_filled(input, mask, -np.inf), axis=_axes(dim, input.ndim), keepdims=keepdim)


def masked_amin(input: Array, dim: Any = None, keepdim: bool = False, mask: Array | None = None) -> Array:
    return np.min(_filled(input, mask, np.inf), axis=_axes(dim, input.ndim), keepdims=keepdim)


def masked_logsumexp(input: Array, dim: Any = None, keepdim: bool = False, mask: Array | None = None) -> Array:
    return np.log(masked_sum(np.exp(input), dim, keepdim, mask))


def masked_var(input: Array, dim: Any = None, correction: float = 1, keepdim: bool = False, mask: Array | None = None) -> Array:
    mean = masked_mean(input, dim, True, mask)
    squares = masked_sum((input - mean) ** 2, dim, keepdim, mask)
    return squares / (_count(input, dim, keepdim, mask) - correction)


def masked_std(input: Array, dim: Any = None, correction: float = 1, keepdim: bool = False, mask: Array | None = None) -> Array:
    return np.sqrt(masked_var(input, dim, correction, keepdim, mask))


def masked_norm(input: Array, ord: float = 2.0, dim: Any = None, keepdim: bool = False, mask: Array | None = None) -> Array:
    return vector_norm(_filled(input, mask, 0.0), ord, _axes(dim, input.ndim), keepdim)


def masked_normalize(input: Array, ord: float, dim: int, eps: float = 1e-12, mask: Array | None = None) -> Array:
    return _filled(input, mask, 0.0) / np.maximum(masked_norm(input, ord, dim, True, mask), eps)


def masked_softmax(input: Array, dim: int, mask: Array | None = None) -> Array:
    values, axis = _along(input, dim)
    keep = np.broadcast_to(np.asarray(mask), input.shape).reshape(values.shape)
    top = np.max(np.where(keep, values, -np.inf), axis=axis, keepdims=True)
    weights = np.where(keep, np.exp(values - top), 0.0)
    return _restore(weights / np.sum(weights, axis=axis, keepdims=True), input)


def masked_softmin(input: Array, dim: int, mask: Array | None = None) -> Array:
    return masked_softmax(-input, dim, mask)


def masked_cumsum(input: Array, dim: int, mask: Array | None = None) -> Array:
    return cumsum(_filled(input, mask, 0.0), dim)


def masked_cumprod(input: Array, dim: int, mask: Array | None = None) -> Array:
    return cumprod(_filled(input, mask, 1.0), dim)
