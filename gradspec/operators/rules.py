"""The documented gradients of operators at their non-differentiable points, in NumPy.

A rule takes the cotangents of the operator's outputs (a list, in the order of the entry's
differentiable outputs) and the sample's argument values by name, and returns the documented
gradient of each differentiable argument.  Each rule cites where the docs state it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

Array = np.ndarray


def relu_at_zero(cotangents: list[Array], input: Array, **_: Any) -> list[Array]:
    """relu: derivative 0 at 0 (the minimum-norm subgradient of [0, 1]), 1 above, 0 below."""
    return [cotangents[0] * (input > 0)]


def abs_at_zero(cotangents: list[Array], input: Array, **_: Any) -> list[Array]:
    """abs: derivative 0 at 0 (the minimum-norm subgradient of [-1, 1]), sign(x) elsewhere."""
    return [cotangents[0] * np.sign(input)]


def amax_ties(cotangents: list[Array], input: Array, dim: Any = None, keepdim: bool = False, **_: Any) -> list[Array]:
    """amax: "amax/amin evenly distributes gradient between equal values" (torch.amax)."""
    axis = (
        tuple(range(input.ndim))
        if dim is None or dim == ()
        else (tuple(d % input.ndim for d in dim) if isinstance(dim, (list, tuple)) else dim % max(input.ndim, 1))
    )
    if input.ndim == 0:
        return [np.asarray(cotangents[0])]
    extreme = np.max(input, axis=axis, keepdims=True)
    g = np.asarray(cotangents[0])
    g = g if keepdim else np.reshape(g, extreme.shape)
    ties = input == extreme
    return [np.where(ties, g / np.sum(ties, axis=axis, keepdims=True), 0.0)]


def amin_ties(cotangents: list[Array], input: Array, dim: Any = None, keepdim: bool = False, **_: Any) -> list[Array]:
    """amin: "amax/amin evenly distributes gradient between equal values" (torch.amin)."""
    return amax_ties(cotangents, -input, dim=dim, keepdim=keepdim)


def max_all_ties(cotangents: list[Array], input: Array, **_: Any) -> list[Array]:
    """max(input) of all elements: the gradient is spread evenly over the maximal elements, as
    for amax (torch.max: "evenly distributes gradient between equal values" since 1.7)."""
    return amax_ties(cotangents, input)


def min_all_ties(cotangents: list[Array], input: Array, **_: Any) -> list[Array]:
    """min(input) of all elements: spread evenly over the minimal elements (torch.min)."""
    return amax_ties(cotangents, -input)


def _first_index(input: Array, dim: int, largest: bool) -> Array:
    return np.argmax(input, axis=dim) if largest else np.argmin(input, axis=dim)


def _to_index(cotangent: Array, input: Array, dim: int, keepdim: bool, largest: bool) -> Array:
    if input.ndim == 0:
        return np.asarray(cotangent)
    axis = dim % input.ndim
    index = np.expand_dims(_first_index(input, axis, largest), axis)
    g = np.asarray(cotangent) if keepdim else np.expand_dims(cotangent, axis)
    result = np.zeros_like(input)
    np.put_along_axis(result, index, g, axis=axis)
    return result


def max_dim_first_index(cotangents: list[Array], input: Array, dim: int, keepdim: bool = False, **_: Any) -> list[Array]:
    """max(input, dim): the whole gradient goes to the index returned, which is the first
    maximal one ("If there are multiple maximal values in a reduced row then the indices of the
    first maximal value are returned", torch.max)."""
    return [_to_index(cotangents[0], input, dim, keepdim, largest=True)]


def min_dim_first_index(cotangents: list[Array], input: Array, dim: int, keepdim: bool = False, **_: Any) -> list[Array]:
    """min(input, dim): the whole gradient goes to the first minimal index (torch.min)."""
    return [_to_index(cotangents[0], input, dim, keepdim, largest=False)]


def clamp_zero_at_bounds(cotangents: list[Array], input: Array, min: Any = None, max: Any = None, **_: Any) -> list[Array]:
    """clamp(input, min, max) with Scalar bounds: the gradient passes strictly inside the
    bounds and is 0 at a bound, as for ``max(x, c)``: "a Scalar bound gives derivative 0 w.r.t.
    x at equality" (Autograd mechanics, Gradients for non-differentiable functions)."""
    inside = np.ones_like(input, dtype=bool)
    if min is not None:
        inside &= input > min
    if max is not None:
        inside &= input < max
    return [cotangents[0] * inside]


def maximum_ties(cotangents: list[Array], input: Array, other: Array, **_: Any) -> list[Array]:
    """maximum(a, b) where a == b: the gradient is split evenly between both (torch.maximum's
    derivative formula, as amax does for ties)."""
    g = cotangents[0]
    from gradspec.reference import unbroadcast

    a, b = np.broadcast_arrays(input, other)
    share_a = np.where(a > b, 1.0, np.where(a == b, 0.5, 0.0))
    return [unbroadcast(g * share_a, input.shape), unbroadcast(g * (1.0 - share_a), other.shape)]


def minimum_ties(cotangents: list[Array], input: Array, other: Array, **_: Any) -> list[Array]:
    """minimum(a, b) where a == b: split evenly between both."""
    return maximum_ties(cotangents, -input, -other)
