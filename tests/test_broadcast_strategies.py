"""The shape strategies of the broadcasting specs draw what their names promise."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradspec.strategies import shapes_broadcasting_to, unbroadcastable_shapes, widening_shapes

_SHAPES = st.lists(st.integers(0, 3), max_size=3).map(tuple)


def _broadcast(*shapes: tuple[int, ...]) -> tuple[int, ...] | None:
    try:
        return tuple(np.broadcast_shapes(*shapes))
    except ValueError:
        return None


@settings(max_examples=200, deadline=None)
@given(unbroadcastable_shapes(None, min_side=0))
def test_unbroadcastable_pairs_do_not_broadcast(pair: tuple[tuple[int, ...], tuple[int, ...]]) -> None:
    assert _broadcast(*pair) is None


@settings(max_examples=200, deadline=None)
@given(st.data(), _SHAPES)
def test_widening_shapes_broadcast_to_another_shape(data: st.DataObject, shape: tuple[int, ...]) -> None:
    drawn = data.draw(widening_shapes(None, shape))
    assert _broadcast(shape, drawn) not in (None, shape)


@settings(max_examples=200, deadline=None)
@given(st.data(), _SHAPES)
def test_shapes_broadcasting_to_a_shape_give_it_back(data: st.DataObject, shape: tuple[int, ...]) -> None:
    assert _broadcast(shape, data.draw(shapes_broadcasting_to(None, shape))) == shape


def test_unbroadcastable_shapes_refuse_bounds_without_two_sides_other_than_one() -> None:
    with pytest.raises(ValueError, match="two sides other than 1"):
        unbroadcastable_shapes(None, min_side=1, max_side=2)
