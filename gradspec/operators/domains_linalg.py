"""Argument strategies of the linear-algebra family (specs/_operators/linalg.yaml): operands
whose shapes follow an earlier argument's (a right-hand side for a drawn matrix, the second
factor of a product)."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st

from gradspec.operators.domains import _matrices, float_arrays, floating


@st.composite
def _batched(
    draw: Any, batch: tuple[int, ...], sides: tuple[int | None, ...], bounds: tuple[float, float], max_side: int
) -> np.ndarray:
    shape = (*batch, *(draw(st.integers(1, max_side)) if side is None else side for side in sides))
    return draw(float_arrays(tuple(shape), bounds[0], bounds[1]))


@floating
def batched(
    ctx: Any, batch: Any, sides: Any, min_value: float = -1.0, max_value: float = 1.0, max_side: int = 4
) -> st.SearchStrategy[np.ndarray]:
    """float64 arrays of shape ``batch + sides`` with entries in ``[min_value, max_value]``: each
    side is a given size, or ``None`` for one drawn in ``[1, max_side]``
    (``batched(A.shape[:-2], [A.shape[-1], None])``: a right-hand side for the matrices ``A``)."""
    fixed = tuple(None if side is None else int(side) for side in sides)
    return _batched(tuple(int(b) for b in batch), fixed, (float(min_value), float(max_value)), max_side)


@st.composite
def _invertible_tensors(draw: Any) -> np.ndarray:
    a, b = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    matrix = draw(_matrices("invertible", a * b, a * b, (0, 0), 4))
    return matrix.reshape(a, b, a * b)


@floating
def invertible_tensors(ctx: Any) -> st.SearchStrategy[np.ndarray]:
    """float64 arrays of shape ``(a, b, a*b)`` (a, b in 1..2) that are an invertible matrix
    reshaped: ``tensorinv(A, ind=2)`` and ``tensorsolve(A, B)`` with ``B`` of shape ``(a, b)``."""
    return _invertible_tensors()


@floating
def square_matrices(ctx: Any, max_batch: int = 1, max_side: int = 4) -> st.SearchStrategy[np.ndarray]:
    """General square float64 matrices (entries in [-1, 1]), with up to ``max_batch`` batch dims."""
    return st.integers(1, max_side).flatmap(lambda n: _matrices("general", n, n, (0, max_batch), max_side))


@st.composite
def _chains(draw: Any, max_length: int, max_side: int) -> list[np.ndarray]:
    length = draw(st.integers(2, max_length))
    sides = [draw(st.integers(1, max_side)) for _ in range(length + 1)]
    return [draw(float_arrays((sides[i], sides[i + 1]), -1.0, 1.0)) for i in range(length)]


@floating
def matrix_chains(ctx: Any, max_length: int = 4, max_side: int = 4) -> st.SearchStrategy[list[np.ndarray]]:
    """A list of 2 to ``max_length`` float64 matrices that can be multiplied in order (``multi_dot``)."""
    return _chains(max_length, max_side)


def _off_singular_scales(tau: np.ndarray, squared_norms: np.ndarray, min_gap: float) -> np.ndarray:
    scaled = tau * squared_norms
    near = np.abs(scaled - 1.0) < min_gap
    nudged = np.where(scaled < 1.0, 1.0 - min_gap, 1.0 + min_gap) / squared_norms
    return np.where(near, nudged, tau)


@floating
def householder_scales(ctx: Any, A: Any, min_gap: float = 0.05) -> st.SearchStrategy[np.ndarray]:
    """float64 ``tau`` for ``householder_product(A, tau)``, one per column of ``A`` (entries in
    [-1, 1]), each ``tau_i`` with ``|tau_i * ||b_i||^2 - 1|`` at least ``min_gap``, ``b_i`` the
    i-th Householder vector of ``A`` (1 at row i, ``A``'s entries below it): the gradient is
    documented as well-defined only where ``tau_i != 1 / ||b_i||^2``, where the reflector is
    singular."""
    matrix = np.asarray(A, dtype=np.float64)
    squared_norms = 1.0 + np.sum(np.tril(matrix, -1) ** 2, axis=-2)
    return float_arrays(squared_norms.shape, -1.0, 1.0).map(lambda tau: _off_singular_scales(tau, squared_norms, float(min_gap)))
