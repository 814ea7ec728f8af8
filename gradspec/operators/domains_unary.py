"""Argument strategies of the elementwise unary family: reals kept away from the jumps of the
piecewise-constant operators (floor, ceil, trunc, frac at the integers; round at the halves), so
central differences with a step of 1e-6 never straddle one.

Arguments drawn by these strategies are not in ``FLOATING_STRATEGIES``: an entry using one for
a floating argument names it in ``differentiable:``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from gradspec.operators.domains import floating
from gradspec.strategies import _shapes


def _off_grid(low: float, high: float, offset: float, gap: float) -> st.SearchStrategy[float]:
    def far(v: float) -> bool:
        shifted = v - offset
        return abs(shifted - math.floor(shifted + 0.5)) >= gap

    return st.floats(low, high, allow_nan=False, allow_infinity=False, allow_subnormal=False).filter(far)


@floating
def reals_off_integers(
    ctx: Any,
    shape: Any = None,
    min_dims: int = 0,
    max_dims: int = 3,
    max_side: int = 4,
    min_value: float = -4.0,
    max_value: float = 4.0,
    offset: float = 0.0,
    gap: float = 0.05,
) -> st.SearchStrategy[np.ndarray]:
    """float64 arrays whose elements are at least ``gap`` from every ``offset + k`` (k an
    integer): ``offset=0.5`` keeps them off round's jumps at the halves."""
    if not 0.0 < gap < 0.5:
        raise ValueError(f"reals_off_integers(gap={gap!r}): expected 0 < gap < 0.5")
    chosen = shape if shape is not None else _shapes(min_dims, max_dims, 1, max_side)
    return hnp.arrays(np.float64, chosen, elements=_off_grid(float(min_value), float(max_value), float(offset), float(gap)))
