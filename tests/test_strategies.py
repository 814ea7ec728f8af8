"""Inputs: strategies draw what they promise, and a drawn example round-trips through its
rendering in the step language (so a printed counterexample replays exactly).  Tensors are
replayed on the PyTorch adapter (marked ``torch``); everything else runs without torch."""
from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import pytest

from gradspec import render
from gradspec.language.checker import check_expression
from gradspec.language.interpreter import Frame, Interpreter, RunContext
from gradspec.language.steps import STEP_VOCABULARY
from gradspec.strategies import GIVEN_VOCABULARY, given_strategy
from gradspec.values import OMITTED, DrawnTensor



class _NoBackend:
    """An adapter stand-in for replaying values that are no tensors (NumPy arrays)."""

    @staticmethod
    def is_tensor(value: Any) -> bool:
        return False


@pytest.fixture(scope="module")
def torch_adapter() -> Any:
    from gradspec.adapters.torch_adapter import TorchAdapter

    return TorchAdapter()


def inputs(**given: str) -> st.SearchStrategy[dict[str, Any]]:
    checked: dict[str, Any] = {}
    for name, text in given.items():
        checked[name] = check_expression(text, vocabulary=GIVEN_VOCABULARY, bound=checked)
    return given_strategy(checked)


def replayed(text: str, adapter: Any) -> Any:
    expression = check_expression(text, vocabulary=STEP_VOCABULARY, bound=())
    return Interpreter(RunContext(adapter, "cpu"), STEP_VOCABULARY).evaluate_expression(expression, Frame())


@pytest.mark.torch
@settings(max_examples=150, deadline=None)
@given(inputs(x="tensors(dtype=sampled_from([bool, uint8, int8, int16, int32, int64, float16, float32, float64]), min_side=0)",
              y="tensors(dtype=sampled_from([float16, float32, float64]), requires_grad=booleans())"))
def test_a_rendered_tensor_replays_to_the_same_values_dtype_and_flag(torch_adapter: Any, drawn: dict[str, Any]) -> None:
    for value in drawn.values():
        rebuilt = replayed(render.given_value(value), torch_adapter)
        assert torch_adapter.is_tensor(rebuilt)
        assert torch_adapter.dtype(rebuilt) == value.dtype
        assert torch_adapter.shape(rebuilt) == value.shape
        assert np.array_equal(torch_adapter.values(rebuilt), value.array)
        assert torch_adapter.requires_grad(rebuilt) == (value.requires_grad is True)


@settings(max_examples=100, deadline=None)
@given(inputs(x="arrays(dtype=sampled_from([bool, int8, int64, float32, float64, complex64, complex128]), min_side=0, max_dims=4)"))
def test_a_rendered_array_replays_exactly(drawn: dict[str, Any]) -> None:
    array = drawn["x"]
    rebuilt = replayed(render.given_value(array), _NoBackend())
    assert isinstance(rebuilt, np.ndarray)
    assert rebuilt.dtype == array.dtype and rebuilt.shape == array.shape and np.array_equal(rebuilt, array)


def test_omitted_requires_grad_is_not_rendered() -> None:
    assert render.given_value(DrawnTensor(np.zeros(1, dtype=np.float32), OMITTED)) == "tensor([0.0], dtype=float32)"


@settings(max_examples=100, deadline=None)
@given(inputs(a="tensors(min_dims=1)", b="tensors(dtype=a.dtype, shape=broadcastable_shapes(a.shape), min_magnitude=0.5)",
              up="arrays(shape=broadcast_result(a.shape, b.shape))", pair="tuples(booleans(), integers(1, 3))"))
def test_later_inputs_follow_earlier_ones(drawn: dict[str, Any]) -> None:
    a, b = drawn["a"].array, drawn["b"].array
    assert b.dtype == a.dtype
    assert drawn["up"].shape == np.broadcast_shapes(a.shape, b.shape)
    assert np.all(np.abs(b) >= 0.5)
    assert isinstance(drawn["pair"][0], bool) and 1 <= drawn["pair"][1] <= 3


@settings(max_examples=100, deadline=None)
@given(inputs(s="one_of(shapes(min_dims=1, min_numel=2), shapes(min_dims=1, min_side=0, max_numel=0))"))
def test_shape_bounds_on_the_number_of_elements(drawn: dict[str, Any]) -> None:
    assert int(np.prod(drawn["s"])) != 1


def test_a_dependent_input_builds_its_strategy_once_per_distinct_arguments() -> None:
    """An input built from earlier ones is rebuilt per example; its builder is memoized, since
    building a strategy costs more than drawing from it."""
    from gradspec.strategies import strategies

    builder = strategies["tensors"].impl
    strategy = inputs(flag="booleans()", a="tensors(dtype=float32, max_dims=1, max_side=2)",
                      b="tensors(dtype=a.dtype, shape=a.shape, requires_grad=flag)")
    before = builder.cache_info()
    shapes: set[tuple[Any, ...]] = set()

    @settings(max_examples=80, database=None, deadline=None)
    @given(strategy)
    def draw(drawn: dict[str, Any]) -> None:
        shapes.add((drawn["a"].shape, drawn["flag"]))

    draw()
    after = builder.cache_info()
    builds, calls = after.misses - before.misses, (after.hits + after.misses) - (before.hits + before.misses)
    assert calls >= 80 and builds <= len(shapes) <= 6  # (shape () (1,) (2,)) x (flag): at most six builds
