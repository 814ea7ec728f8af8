"""``given`` strategies of the reductions family (reductions, scans, sorting, softmax): real
arrays with well separated values (no ties, so central differences never cross an order
change), real arrays with a few zeros or NaNs placed in them, boolean masks that leave no
reduced slice empty, lists of distinct dims, and ``k`` within a dimension.

Arguments drawn by these strategies are not in ``FLOATING_STRATEGIES``: an entry using one for
a floating argument names it in ``differentiable:``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st

from gradspec.operators.domains import _register, floating
from gradspec.strategies import _shapes


def _axes(dim: Any, ndim: int) -> tuple[int, ...]:
    """The axes a reduction over ``dim`` (None: all; an int; a list) covers, normalised."""
    if ndim == 0:
        return ()
    if dim is None:
        return tuple(range(ndim))
    if isinstance(dim, (list, tuple)):
        return tuple(sorted({d % ndim for d in dim})) if dim else tuple(range(ndim))
    return (dim % ndim,)


@st.composite
def _distinct(
    draw: Any, shape: Any, bounds: tuple[int, int, int, int], spacing: float, nans: int, offset: float, jitter: float
) -> np.ndarray:
    chosen = draw(shape) if isinstance(shape, st.SearchStrategy) else shape
    if chosen is None:
        chosen = draw(_shapes(*bounds))
    chosen = tuple(chosen)
    size = int(np.prod(chosen, dtype=np.int64))
    reach = max(40, size)
    steps = draw(st.lists(st.integers(-reach, reach), min_size=size, max_size=size, unique=True))
    step = spacing * (40.0 / reach)
    flat = np.asarray(steps, dtype=np.float64) * step + offset
    if jitter:  # a fixed pseudo-random offset per position: rows are far from affine images of each other
        position = np.arange(size, dtype=np.float64)
        flat = flat + jitter * 0.5 * (1.0 + np.sin(1.7 * position * position + 2.3 * position + 0.5))
    if nans and size:
        flat[draw(st.lists(st.integers(0, size - 1), max_size=nans, unique=True))] = np.nan
    return flat.reshape(chosen)


@floating
def distinct_reals(
    ctx: Any,
    shape: Any = None,
    min_dims: int = 0,
    max_dims: int = 3,
    min_side: int = 1,
    max_side: int = 4,
    spacing: float = 0.1,
    nans: int = 0,
    offset: float = 0.0,
    jitter: float = 0.0,
) -> st.SearchStrategy[np.ndarray]:
    """float64 arrays of distinct values in [-4, 4], at least ``spacing`` apart (a multiple of
    it): no ties, so a sort, a max or a median keeps its order under a 1e-6 move; with
    ``nans=k``, up to ``k`` entries are NaN (for nanmedian, nanquantile).  ``offset`` shifts
    the grid: arrays drawn with ``spacing=0.2`` and offsets 0 and 0.1 never share a value
    (max(input, other) without ties).  ``jitter=a`` adds to each position its own fixed
    pseudo-random offset in [0, a] (a fixed sine of a quadratic in the position), so rows drawn as progressions are far from collinear
    (corrcoef of collinear rows is the constant 1, and near it the gradient is ill-conditioned);
    the values stay distinct only while ``a`` is under ``spacing``."""
    if shape is None:
        _shapes(min_dims, max_dims, min_side, max_side)
    return _distinct(shape, (min_dims, max_dims, min_side, max_side), float(spacing), int(nans), float(offset), float(jitter))


@st.composite
def _with_special(
    draw: Any, shape: Any, bounds: tuple[int, int, int, int], values: tuple[float, float, float], special: float, count: int
) -> np.ndarray:
    chosen = draw(shape) if isinstance(shape, st.SearchStrategy) else shape
    if chosen is None:
        chosen = draw(_shapes(*bounds))
    chosen = tuple(chosen)
    size = int(np.prod(chosen, dtype=np.int64))
    low, high, magnitude = values
    elements = st.floats(low, high, allow_nan=False, allow_infinity=False, allow_subnormal=False)
    if magnitude:
        elements = elements.filter(lambda v: abs(v) >= magnitude)
    entries = draw(st.lists(elements, min_size=size, max_size=size))
    flat = np.asarray(entries, dtype=np.float64)
    if size:
        where = draw(st.lists(st.integers(0, size - 1), max_size=count, unique=True))
        flat[where] = special
    return flat.reshape(chosen)


@floating
def reals_with(
    ctx: Any,
    special: float,
    count: int = 2,
    shape: Any = None,
    min_dims: int = 0,
    max_dims: int = 3,
    min_side: int = 1,
    max_side: int = 4,
    min_value: float = -4.0,
    max_value: float = 4.0,
    min_magnitude: float = 0.0,
) -> st.SearchStrategy[np.ndarray]:
    """float64 arrays of reals (at least ``min_magnitude`` in magnitude) in which up to
    ``count`` entries are ``special``: zeros for prod and cumprod (none, one or two exact
    zeros, the other factors away from 0), NaNs for nansum and nanmean (``"nan"``)."""
    if shape is None:
        _shapes(min_dims, max_dims, min_side, max_side)
    return _with_special(
        shape,
        (min_dims, max_dims, min_side, max_side),
        (float(min_value), float(max_value), float(min_magnitude)),
        float(special),
        int(count),
    )


@st.composite
def _masks(draw: Any, shape: tuple[int, ...], dim: Any, at_least: int) -> np.ndarray:
    size = int(np.prod(shape, dtype=np.int64))
    mask = np.asarray(draw(st.lists(st.booleans(), min_size=size, max_size=size)), dtype=bool).reshape(shape)
    axes = _axes(dim, len(shape))
    if not axes:
        return np.ones(shape, dtype=bool)
    # every reduced slice keeps at least ``at_least`` elements: its first ones where it has fewer
    rest = tuple(a for a in range(len(shape)) if a not in axes)
    moved = np.transpose(mask, rest + axes)
    flat = moved.reshape(moved.shape[: len(rest)] + (-1,)).copy()
    short = np.sum(flat, axis=-1) < at_least
    flat[short, :at_least] = True
    inverse = np.argsort(rest + axes)
    return np.ascontiguousarray(np.transpose(flat.reshape(moved.shape), inverse))


@_register
def masks(ctx: Any, shape: Any, dim: Any = None, at_least: int = 1) -> st.SearchStrategy[np.ndarray]:
    """Boolean masks of ``shape`` (for ``torch.masked``) in which every slice reduced over
    ``dim`` (None: the whole array; an int; a list of dims) keeps at least ``at_least``
    elements (never wholly masked out; more for a variance with a correction)."""
    return _masks(tuple(shape), dim, int(at_least))


@_register
def dim_lists(ctx: Any, shape: Any, min_size: int = 1) -> st.SearchStrategy[list[int]]:
    """A list of distinct dims of an array of ``shape`` (some negative), for a reduction over several dims."""
    ndim = len(tuple(shape))
    if ndim == 0:
        return st.just([])

    @st.composite
    def draw_dims(draw: Any) -> list[int]:
        chosen = draw(st.lists(st.integers(0, ndim - 1), min_size=min(min_size, ndim), max_size=ndim, unique=True))
        return [d - ndim if draw(st.booleans()) else d for d in chosen]

    return draw_dims()


@_register
def ks(ctx: Any, shape: Any, dim: Any = -1) -> st.SearchStrategy[int]:
    """``k`` from 1 to the size of ``dim`` (1 for a 0-d array): kthvalue's and topk's ``k``."""
    shape = tuple(shape)
    size = shape[dim] if shape else 1
    return st.integers(1, max(size, 1))


@_register
def quantile_levels(ctx: Any, steps: int = 1024) -> st.SearchStrategy[float]:
    """A quantile level ``q`` in [0, 1], a multiple of ``1 / steps``: with ``steps`` a power of two
    up to 1024 (the default), exact in float32, and so is ``q * (n - 1)`` for any ``n`` under
    2**14, so the interpolations that pick an element
    (lower, higher, nearest) pick the same one at the library's float32 as the float64
    reference does (a level such as 3e-286 is 0 in float32, where 'higher' picks the first
    element instead of the second)."""
    return st.integers(0, int(steps)).map(lambda k: k / steps)
