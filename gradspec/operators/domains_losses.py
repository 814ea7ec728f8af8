"""Argument strategies of the loss family (``specs/_operators/losses.yaml``): class-index and
multi-label targets shaped after the input, optional class weights, and inputs kept away from
the kinks of hinge-type losses (where ``max(0, .)`` switches) so that central differences with
``eps = 1e-6`` never straddle one.

Every strategy here is named ``loss_*`` so as not to clash with other families' strategies.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from gradspec.operators.domains import _register, floating


def _class_dim(shape: tuple[int, ...], class_dim: int) -> int:
    """The class dimension: ``class_dim`` when the input has more than one dim, else 0 (unbatched)."""
    return class_dim if len(shape) > 1 else 0


def _values(low: float, high: float) -> st.SearchStrategy[float]:
    return st.floats(low, high, allow_nan=False, allow_infinity=False, allow_subnormal=False)


def _away(value: float, avoid: tuple[float, ...], gap: float) -> bool:
    return all(abs(value - a) >= gap for a in avoid)


@_register
def loss_class_targets(ctx: Any, input: Any, class_dim: int = 1) -> st.SearchStrategy[np.ndarray]:
    """int64 class indices for an input of shape ``(N, C, d1, ...)`` (or ``(C,)``): shape
    ``(N, d1, ...)`` (or ``()``), values in ``[0, C)``.  ``class_dim=-1`` for losses whose
    classes are the last dim (multi_margin_loss)."""
    shape = tuple(input.shape)
    dim = _class_dim(shape, class_dim) % max(len(shape), 1)
    classes = shape[dim]
    target_shape = shape[:dim] + shape[dim + 1 :]
    return hnp.arrays(np.int64, target_shape, elements=st.integers(0, classes - 1))


@_register
def loss_class_weights(
    ctx: Any, input: Any, class_dim: int = 1, min_value: float = 0.2, max_value: float = 2.0
) -> st.SearchStrategy[Any]:
    """``None`` or positive float64 weights, one per class of ``input`` (an array, or its shape)
    (a rescaling ``weight``)."""
    shape = tuple(input) if isinstance(input, (tuple, list)) else tuple(input.shape)
    classes = shape[_class_dim(shape, class_dim) % max(len(shape), 1)]
    return st.one_of(st.none(), hnp.arrays(np.float64, (classes,), elements=_values(min_value, max_value)))


@_register
def loss_optional_weights(ctx: Any, shape: Any, min_value: float = 0.2, max_value: float = 2.0) -> st.SearchStrategy[Any]:
    """``None`` or positive float64 weights of ``shape`` (a ``weight`` or ``pos_weight`` that rescales the loss)."""
    return st.one_of(st.none(), hnp.arrays(np.float64, tuple(shape), elements=_values(min_value, max_value)))


@_register
def loss_linear_weights(
    ctx: Any, input: Any, max_classes: int = 4, min_value: float = -2.0, max_value: float = 2.0
) -> st.SearchStrategy[np.ndarray]:
    """float64 ``linear_weight`` matrices ``(C, D)`` for an input ``(..., D)``, ``C`` in ``[1, max_classes]``."""
    features = tuple(input.shape)[-1]
    return st.integers(1, max_classes).flatmap(
        lambda c: hnp.arrays(np.float64, (c, features), elements=_values(min_value, max_value))
    )


@_register
def loss_label_lists(ctx: Any, input: Any) -> st.SearchStrategy[np.ndarray]:
    """multilabel_margin_loss targets for an input ``(N, C)`` or ``(C,)``: int64 of the input's
    shape, each row some distinct class indices followed by ``-1`` padding (``-1`` ends a row's
    targets)."""
    shape = tuple(input.shape)
    classes = shape[-1]
    rows = int(np.prod(shape[:-1], dtype=np.int64))

    def row(order: list[int]) -> st.SearchStrategy[list[int]]:
        return st.integers(0, classes).map(lambda k: order[:k] + [-1] * (classes - k))

    one_row = st.permutations(list(range(classes))).flatmap(row)
    return st.lists(one_row, min_size=rows, max_size=rows).map(lambda r: np.asarray(r, dtype=np.int64).reshape(shape))


@floating
def loss_reals_avoiding(
    ctx: Any, shape: Any, avoid: Any = (0.0,), min_gap: float = 0.05, min_value: float = -4.0, max_value: float = 4.0
) -> st.SearchStrategy[np.ndarray]:
    """float64 arrays whose elements lie at least ``min_gap`` from each value of ``avoid`` (the
    kink of hinge_embedding_loss at ``input == margin``, a switch of a target's formula)."""
    points = tuple(float(a) for a in avoid)
    elements = _values(min_value, max_value).filter(lambda v: _away(v, points, min_gap))
    if isinstance(shape, st.SearchStrategy):
        return shape.flatmap(lambda chosen: hnp.arrays(np.float64, tuple(chosen), elements=elements))
    return hnp.arrays(np.float64, tuple(shape), elements=elements)


@floating
def loss_shifted(
    ctx: Any, base: Any, avoid: Any = (0.0,), min_gap: float = 0.05, max_shift: float = 3.0
) -> st.SearchStrategy[np.ndarray]:
    """``base + s``, elementwise, where ``|s|`` lies at least ``min_gap`` from each value of
    ``avoid``: a target whose difference with the input stays off the kinks of l1_loss (0),
    smooth_l1_loss (``beta``), huber_loss (``delta``), margin_ranking_loss (``margin``)."""
    points = tuple(float(a) for a in avoid)
    base = np.asarray(base, dtype=np.float64)
    shifts = _values(-max_shift, max_shift).filter(lambda v: _away(abs(v), points, min_gap))
    return hnp.arrays(np.float64, base.shape, elements=shifts).map(lambda s: np.asarray(base + s, dtype=np.float64))


@st.composite
def _spread_row(draw: Any, size: int, points: tuple[float, ...], gap: float, low: float, high: float) -> list[float]:
    row: list[float] = []
    for _ in range(size):
        value = draw(_values(low, high).filter(lambda v: all(_away(abs(v - u), points, gap) for u in row)))
        row.append(value)
    return row


@floating
def loss_spread(
    ctx: Any, shape: Any, avoid: Any = (1.0,), min_gap: float = 0.05, min_value: float = -4.0, max_value: float = 4.0
) -> st.SearchStrategy[np.ndarray]:
    """float64 arrays whose rows (along the last dim) have every pairwise difference ``|x_i - x_j|``
    at least ``min_gap`` from each value of ``avoid``: the kinks of multi_margin_loss and
    multilabel_margin_loss lie at ``x[y] - x[i] == margin``."""
    if isinstance(shape, st.SearchStrategy):
        return shape.flatmap(lambda chosen: loss_spread(ctx, chosen, avoid, min_gap, min_value, max_value))
    shape = tuple(shape)
    points = tuple(float(a) for a in avoid)
    size = shape[-1] if shape else 1
    rows = int(np.prod(shape[:-1], dtype=np.int64)) if shape else 1
    row = _spread_row(size, points, float(min_gap), float(min_value), float(max_value))
    return st.lists(row, min_size=rows, max_size=rows).map(lambda r: np.asarray(r, dtype=np.float64).reshape(shape))


def _rows(array: np.ndarray) -> np.ndarray:
    return array.reshape(-1, array.shape[-1]) if array.ndim else array.reshape(1, 1)


@floating
def loss_cosine_partners(
    ctx: Any, input1: Any, avoid: Any = (0.0,), min_gap: float = 0.05, min_magnitude: float = 0.3, max_value: float = 4.0
) -> st.SearchStrategy[np.ndarray]:
    """float64 arrays shaped like ``input1`` whose rows' cosine similarity with ``input1``'s rows
    lies at least ``min_gap`` from each value of ``avoid`` (cosine_embedding_loss switches at
    ``cos == margin``); elements at least ``min_magnitude`` in size, so no row is near zero."""
    first = np.asarray(input1, dtype=np.float64)
    shape = first.shape
    points = tuple(float(a) for a in avoid)
    rows = _rows(first)
    elements = _values(-max_value, max_value).filter(lambda v: abs(v) >= min_magnitude)

    def fits(row: np.ndarray, against: np.ndarray) -> bool:
        cos = float(np.dot(row, against) / np.sqrt(np.dot(row, row) * np.dot(against, against)))
        return _away(cos, points, min_gap)

    @st.composite
    def draw_all(draw: Any) -> np.ndarray:
        made = [
            draw(hnp.arrays(np.float64, (rows.shape[1],), elements=elements).filter(functools.partial(fits, against=a)))
            for a in rows
        ]
        return np.asarray(made, dtype=np.float64).reshape(shape)

    return draw_all()


def _distance(x: np.ndarray, y: np.ndarray, p: float) -> np.ndarray:
    return np.sum(np.abs(x - y + 1e-6) ** p, axis=-1) ** (1.0 / p)


@floating
def loss_triplet_negatives(
    ctx: Any,
    anchor: Any,
    positive: Any,
    margins: Any = (1.0,),
    norms: Any = (2.0,),
    min_gap: float = 0.05,
    max_value: float = 4.0,
) -> st.SearchStrategy[np.ndarray]:
    """float64 negatives shaped like ``anchor`` for triplet_margin_loss: each element at least
    ``min_gap`` from the anchor's and the positive's (no zero difference: the p-norm's kink), and
    for each norm ``p`` in ``norms`` and margin in ``margins`` every row keeps
    ``d(a, p) - d(a, n) + margin``, ``d(a, p) - d(p, n) + margin`` and ``d(a, n) - d(p, n)`` (the
    swap's choice) at least ``min_gap`` from 0."""
    a = np.asarray(anchor, dtype=np.float64)
    pos = np.asarray(positive, dtype=np.float64)
    shape = a.shape
    a_rows, p_rows = _rows(a), _rows(pos)
    ms = tuple(float(m) for m in margins)
    ps = tuple(float(p) for p in norms)

    def fits(n: np.ndarray, ar: np.ndarray, pr: np.ndarray) -> bool:
        if np.any(np.abs(n - ar) < min_gap) or np.any(np.abs(n - pr) < min_gap):
            return False
        for p in ps:
            d_ap, d_an, d_pn = _distance(ar, pr, p), _distance(ar, n, p), _distance(pr, n, p)
            if abs(d_an - d_pn) < min_gap:
                return False
            if any(abs(d_ap - d + m) < min_gap for m in ms for d in (d_an, d_pn)):
                return False
        return True

    @st.composite
    def draw_all(draw: Any) -> np.ndarray:
        made = [
            draw(
                hnp.arrays(np.float64, (a_rows.shape[1],), elements=_values(-max_value, max_value)).filter(
                    functools.partial(fits, ar=ar, pr=pr)
                )
            )
            for ar, pr in zip(a_rows, p_rows)
        ]
        return np.asarray(made, dtype=np.float64).reshape(shape)

    return draw_all()
