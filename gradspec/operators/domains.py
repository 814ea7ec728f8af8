"""``given`` strategies for operator arguments: real arrays, index arrays, dims, and matrices
with the structure an operator's domain needs (invertible, positive definite, symmetric with
distinct eigenvalues, distinct singular values), all drawn as NumPy values.

The matrices are built from drawn entries by fixed transformations, so they shrink with them:
adding ``n`` to the diagonal of a matrix with entries in [-1, 1] makes it diagonally dominant
and well conditioned, whatever was drawn.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from gradspec.strategies import _cached, _shapes, strategies

#: The strategies that draw floating arrays: arguments drawn by them are differentiable by default.
FLOATING_STRATEGIES = {"reals", "reals_from", "matrices"}
MATRIX_KINDS = ("general", "invertible", "positive_definite", "symmetric_distinct", "distinct_singular")


def _register(function: Any) -> Any:
    strategies.register()(function)
    declared = strategies[function.__name__]
    object.__setattr__(declared, "impl", _cached(declared.impl))
    return function


def floating(function: Any) -> Any:
    """Register a strategy that draws floating arrays: an argument it draws is differentiable by default."""
    FLOATING_STRATEGIES.add(function.__name__)
    return _register(function)


@functools.cache
def _floats(low: float, high: float, min_magnitude: float) -> st.SearchStrategy[float]:
    values = st.floats(low, high, allow_nan=False, allow_infinity=False, allow_subnormal=False)
    return values.filter(lambda v: abs(v) >= min_magnitude) if min_magnitude else values


@functools.lru_cache(maxsize=4096)
def float_arrays(shape: tuple[int, ...], low: float, high: float, min_magnitude: float = 0.0) -> st.SearchStrategy[np.ndarray]:
    """float64 arrays of ``shape`` with elements in ``[low, high]`` (at least ``min_magnitude``
    away from 0), built once per distinct arguments: a shape drawn per example would otherwise
    build a new strategy per example, which costs more than drawing from it."""
    return hnp.arrays(np.float64, shape, elements=_floats(low, high, min_magnitude))


@st.composite
def _reals(draw: Any, shape: Any, bounds: tuple[int, int, int, int], values: tuple[float, float, float]) -> np.ndarray:
    chosen = draw(shape) if isinstance(shape, st.SearchStrategy) else shape
    if chosen is None:
        chosen = draw(_shapes(*bounds))
    return draw(float_arrays(tuple(chosen), *values))


@_register
def reals(
    ctx: Any,
    shape: Any = None,
    min_dims: int = 0,
    max_dims: int = 3,
    min_side: int = 1,
    max_side: int = 4,
    min_value: float = -4.0,
    max_value: float = 4.0,
    min_magnitude: float = 0.0,
) -> st.SearchStrategy[np.ndarray]:
    """Real float64 arrays for an operator argument (cast to the dtype under test when the tensor is made)."""
    if shape is None:
        _shapes(min_dims, max_dims, min_side, max_side)  # checks the bounds now, not per example
    return _reals(shape, (min_dims, max_dims, min_side, max_side), (float(min_value), float(max_value), float(min_magnitude)))


@_register
def reals_from(
    ctx: Any,
    elements: Any,
    shape: Any = None,
    min_dims: int = 0,
    max_dims: int = 3,
    max_side: int = 4,
    including: Any = (),
) -> st.SearchStrategy[np.ndarray]:
    """float64 arrays whose elements are drawn from ``elements`` (``reals_from([0.0, 1.0])``):
    inputs at a non-differentiable point, with ties and zeros. With ``including``, every array
    holds each of those values at least once, at drawn places (``including=[-1.5, 2.0]``: an
    element at each bound of clamp, whichever is drawn); its shape is then drawn, not given."""
    values = st.sampled_from([float(e) for e in elements])
    required = tuple(float(v) for v in including)
    if not required:
        chosen = shape if shape is not None else _shapes(min_dims, max_dims, 1, max_side)
        return hnp.arrays(np.float64, chosen, elements=values)
    if shape is not None or len(required) > max_side:
        raise ValueError("reals_from(including=...) draws its own shape: give no shape, and max_side >= len(including)")
    shapes = _shapes(max(1, min_dims), max_dims, 1, max_side).map(functools.partial(_holding, size=len(required)))
    return _including(hnp.arrays(np.float64, shapes, elements=values), required)


def _holding(shape: tuple[int, ...], size: int) -> tuple[int, ...]:
    """``shape`` with its first side grown until it has at least ``size`` elements."""
    rest = int(np.prod(shape[1:]))
    return (max(shape[0], -(-size // rest)), *shape[1:])


@st.composite
def _including(draw: Any, arrays: st.SearchStrategy[np.ndarray], required: tuple[float, ...]) -> np.ndarray:
    array = draw(arrays)
    places = draw(st.permutations(range(array.size)))[: len(required)]
    array.reshape(-1)[places] = required
    return array


@_register
def indices(
    ctx: Any, size: int, shape: Any = None, min_dims: int = 1, max_dims: int = 1, max_side: int = 4
) -> st.SearchStrategy[np.ndarray]:
    """int64 arrays of indices in ``[0, size)`` (repeats included: duplicate indices are drawn)."""
    if size < 1:
        return st.just(np.zeros(shape if shape is not None else (0,), dtype=np.int64))
    chosen = shape if shape is not None else _shapes(min_dims, max_dims, 1, max_side)
    return hnp.arrays(np.int64, chosen, elements=st.integers(0, size - 1))


@_register
def dims(ctx: Any, shape: Any, negative: bool = True) -> st.SearchStrategy[int]:
    """A dimension of an array of ``shape`` (negative ones too, unless told not to); a 0-d array has dims 0 and -1."""
    ndim = max(len(tuple(shape)), 1)
    return st.integers(-ndim if negative else 0, ndim - 1)


@_register
def permutations(ctx: Any, ndim: int) -> st.SearchStrategy[list[int]]:
    """A permutation of ``range(ndim)``."""
    return st.permutations(list(range(ndim)))


@_register
def sizes_summing_to(ctx: Any, total: int, max_parts: int = 3) -> st.SearchStrategy[list[int]]:
    """Positive sizes adding up to ``total`` (for ``split`` with a list of sizes)."""
    if total < 1:
        return st.just([total])

    @st.composite
    def draw_sizes(draw: Any) -> list[int]:
        cuts = draw(st.lists(st.integers(1, total - 1), max_size=min(max_parts - 1, total - 1), unique=True)) if total > 1 else []
        bounds = [0, *sorted(cuts), total]
        return [b - a for a, b in zip(bounds, bounds[1:])]

    return draw_sizes()


def _dense(n: int) -> np.ndarray:
    """A fixed orthogonal matrix with no zero entry (the Householder reflection along
    ``(1, 2, ..., n)``; its smallest entry is 1/15 at n = 4)."""
    v = np.arange(1.0, n + 1.0)
    return np.eye(n) - 2.0 * np.outer(v, v) / (v @ v)


def _orthogonal(raw: np.ndarray) -> np.ndarray:
    """An orthogonal matrix from a drawn one (QR with the sign of R's diagonal fixed), turned by
    a fixed dense orthogonal matrix: drawn entries shrinking to zeros give a dense matrix, not
    the identity, so eigenvectors and singular vectors compared by their absolute values have
    no entry at (or within a finite-difference step of) the kink of ``abs``."""
    n = raw.shape[-1]
    q, r = np.linalg.qr(raw + 3.0 * np.eye(n))
    signs = np.sign(np.diagonal(r, axis1=-2, axis2=-1))
    q = q * np.where(signs == 0.0, 1.0, signs)[..., None, :]
    return q @ _dense(n)


def _shaped(kind: str, entries: np.ndarray, rows: int, cols: int) -> np.ndarray:
    n = rows
    if kind == "general":
        return entries
    if kind == "invertible":
        return entries + (n + 1.0) * np.eye(n)
    if kind == "positive_definite":
        return entries @ np.swapaxes(entries, -1, -2) + n * np.eye(n)
    if kind == "symmetric_distinct":
        q = _orthogonal(entries)
        eigenvalues = np.arange(n, dtype=np.float64) - (n - 1) / 2.0 + 0.25 * np.tanh(entries[..., 0, :1])
        made = (q * eigenvalues[..., None, :]) @ np.swapaxes(q, -1, -2)
        return (made + np.swapaxes(made, -1, -2)) / 2.0  # exactly symmetric: rounding leaves it slightly not
    # distinct_singular: U diag(s) V^T from a square draw, singular values 1, 2, ... k (about)
    k, size = min(rows, cols), entries.shape[-1]
    u = _orthogonal(entries[..., :rows, :rows])
    v = _orthogonal(np.swapaxes(entries, -1, -2)[..., :cols, :cols])
    s = np.zeros(entries.shape[:-2] + (rows, cols))
    for i in range(k):
        s[..., i, i] = k - i + 0.25 * np.tanh(entries[..., 0, size - 1])
    return u @ s @ np.swapaxes(v, -1, -2)


@st.composite
def _matrices(draw: Any, kind: str, rows: Any, cols: Any, batch: tuple[int, int], max_side: int) -> np.ndarray:
    square = kind in ("invertible", "positive_definite", "symmetric_distinct")
    n = (cols if square and cols is not None else draw(st.integers(1, max_side))) if rows is None else rows
    m = n if square else (draw(st.integers(1, max_side)) if cols is None else cols)
    batch_shape = draw(hnp.array_shapes(min_dims=batch[0], max_dims=batch[1], min_side=1, max_side=3)) if batch[1] else ()
    side = max(n, m) if kind == "distinct_singular" else None
    drawn_shape = (*batch_shape, side, side) if side else (*batch_shape, n, m)
    entries = draw(float_arrays(tuple(drawn_shape), -1.0, 1.0))
    return np.ascontiguousarray(_shaped(kind, entries, n, m))


@_register
def matrices(
    ctx: Any,
    kind: str = "general",
    rows: int | None = None,
    cols: int | None = None,
    min_batch: int = 0,
    max_batch: int = 1,
    max_side: int = 4,
) -> st.SearchStrategy[np.ndarray]:
    """float64 matrices (with up to ``max_batch`` batch dims) of one kind: general (entries in
    [-1, 1]), invertible (diagonally dominant), positive_definite, symmetric_distinct
    (eigenvalues at least 0.5 apart) or distinct_singular (singular values at least 0.5 apart
    and at least 0.75)."""
    if kind not in MATRIX_KINDS:
        raise ValueError(f"matrices(kind={kind!r}): expected one of {', '.join(MATRIX_KINDS)}")
    if kind in ("invertible", "positive_definite", "symmetric_distinct") and None not in (rows, cols) and rows != cols:
        raise ValueError(f"matrices(kind={kind!r}) draws square matrices: rows={rows} and cols={cols} differ")
    return _matrices(kind, rows, cols, (min_batch, max_batch), max_side)


def _import_families() -> None:
    """Each ``domains_<family>`` module registers the strategies of one operator family."""
    import importlib
    from pathlib import Path

    for path in sorted(Path(__file__).parent.glob("domains_*.py")):
        importlib.import_module(f"gradspec.operators.{path.stem}")


_import_families()
