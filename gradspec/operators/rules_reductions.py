"""The documented gradients of the reductions family at its non-differentiable points.

A rule takes the cotangents of the operator's differentiable outputs and the sample's argument
values by name, and returns the documented gradient of each differentiable argument.
"""

from __future__ import annotations

from typing import Any

import numpy as np

Array = np.ndarray


def _norm_axes(dim: Any, ndim: int) -> tuple[int, ...]:
    if ndim == 0:
        return ()
    if dim is None or (isinstance(dim, (list, tuple)) and len(dim) == 0):
        return tuple(range(ndim))
    if isinstance(dim, (list, tuple)):
        return tuple(sorted({d % ndim for d in dim}))
    return (dim % ndim,)


def _two_norm_gradient(cotangent: Array, input: Array, dim: Any, keepdim: bool) -> Array:
    axes = _norm_axes(dim, input.ndim)
    norm = np.sqrt(np.sum(input * input, axis=axes, keepdims=True)) if axes else np.abs(input)
    g = np.asarray(cotangent, dtype=np.float64)
    if not keepdim:
        g = np.reshape(g, norm.shape)
    safe = np.where(norm == 0.0, 1.0, norm)
    return np.where(norm == 0.0, 0.0, g * input / safe)


def vector_norm_at_zero(
    cotangents: list[Array], input: Array, ord: Any = 2, dim: Any = None, keepdim: bool = False, **_: Any
) -> list[Array]:
    """The 2-norm where a reduced slice is the zero vector: the minimum-norm subgradient, 0
    ("If the function is convex (at least locally), use the sub-gradient of minimum norm",
    autograd notes); x / ||x|| elsewhere."""
    if ord != 2:
        raise ValueError(f"vector_norm_at_zero is the rule of the 2-norm, not of ord={ord!r}")
    return [_two_norm_gradient(cotangents[0], input, dim, keepdim)]


def norm_at_zero(
    cotangents: list[Array], input: Array, p: Any = "fro", dim: Any = None, keepdim: bool = False, **_: Any
) -> list[Array]:
    """torch.norm with p=2 (or 'fro') at the zero vector: the minimum-norm subgradient, 0."""
    return vector_norm_at_zero(cotangents, input, 2 if p == "fro" else p, dim, keepdim)


def prod_with_zeros(cotangents: list[Array], input: Array, dim: Any = None, keepdim: bool = False, **_: Any) -> list[Array]:
    """prod where factors are zero: the derivative is the product of the other factors (prod
    is a polynomial, differentiable everywhere): nonzero only at a slice's single zero, and 0
    everywhere in a slice with two zeros or more."""
    axes = _norm_axes(dim, input.ndim)
    if not axes:
        return [np.asarray(cotangents[0], dtype=np.float64) * np.ones_like(input)]
    g = np.asarray(cotangents[0], dtype=np.float64)
    moved = np.moveaxis(input, axes, tuple(range(input.ndim - len(axes), input.ndim)))
    flat: Array = moved.reshape(moved.shape[: input.ndim - len(axes)] + (-1,))
    others = np.empty_like(flat)
    for i in range(flat.shape[-1]):
        others[..., i] = np.prod(np.delete(flat, i, axis=-1), axis=-1)
    others = np.moveaxis(others.reshape(moved.shape), tuple(range(input.ndim - len(axes), input.ndim)), axes)
    shape = tuple(1 if a in axes else n for a, n in enumerate(input.shape))
    return [np.reshape(g, shape) * others]
