"""out= of the elementwise operations (``add(a, b, out=c)``) and the resize_() method: what they
do on PyTorch, the capabilities a spec needs for them, what the checker and the run refuse, and
the message of a library that lacks them."""

from __future__ import annotations

import ast

import numpy as np
import pytest

from gradspec.adapters.base import AdapterBase
from gradspec.errors import AdapterError, StepError
from gradspec.language.checker import LanguageError, check_program, check_property
from gradspec.language.requirements import uses
from gradspec.language.steps import STEP_VOCABULARY
from tests.conftest import run_steps as run
from tests.conftest import tensor_values as readout


class _Bare(AdapterBase):
    """A library with tensors, without out= or resize_()."""

    name = "bare"
    library = "barelib"
    lacks = {"out_argument": "barelib's operations return new arrays", "resize_": "barelib's arrays have a fixed shape"}


def test_a_library_without_them_says_so_with_its_reason() -> None:
    adapter = _Bare()
    with pytest.raises(AdapterError, match=r"^barelib has no out= of add\(\): barelib's operations return new arrays$"):
        adapter.into("add", object(), object(), object())
    with pytest.raises(AdapterError, match=r"^barelib has no resize_\(\): barelib's arrays have a fixed shape$"):
        adapter.resize_(object(), (2,))


def _capabilities(text: str) -> set[str]:
    return {use.capability for use in uses(ast.parse(text).body, STEP_VOCABULARY)}


def test_out_needs_its_capability_named_or_drawn_and_only_where_given() -> None:
    assert "out_argument" in _capabilities("c = add(a, b, out=c)")
    assert "out_argument" in _capabilities("c = exp(a, out=c)")
    assert "out_argument" in _capabilities("c = op(a, out=c)")  # a drawn operation
    assert "out_argument" not in _capabilities("c = add(a, b)")
    assert "resize_" in _capabilities("t.resize_(3)")


def test_resize_is_declared_as_changing_state() -> None:
    assert STEP_VOCABULARY.methods["resize_"].mutates


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("y = exp(x, x)", "exp(): too many positional arguments"),
        ("y = add(x, out=x)", "add(): missing a required argument: 'b'"),
        ("y = sum(x, out=x)", "sum(): got an unexpected keyword argument 'out'"),
    ],
)
def test_the_checker_refuses_wrong_calls(text: str, message: str) -> None:
    with pytest.raises(LanguageError, match=message.replace("(", r"\(").replace(")", r"\)")):
        check_program(text, vocabulary=STEP_VOCABULARY, bound={"x"})


def test_a_property_may_not_write_with_out() -> None:
    with pytest.raises(LanguageError, match="a property only observes: move the call with out= into steps"):
        check_property("allclose(values(add(x, x, out=x)), values(x))", vocabulary=STEP_VOCABULARY, bound={"x"})
    with pytest.raises(LanguageError, match=r"move the call to \.resize_\(\) into steps"):
        check_property("x.resize_(2).numel() == 2", vocabulary=STEP_VOCABULARY, bound={"x"})


@pytest.mark.torch
def test_out_writes_the_result_into_the_tensor_and_returns_it() -> None:
    found = run(
        """
a = tensor([1.0, 2.0])
c = zeros([2])
before = c.version
returned = add(a, a, out=c)
after = c.version
e = tensor([0.0, 0.0])
exp(tensor([0.0, 1.0]), out=e)
"""
    )
    assert found["returned"] is found["c"]
    assert readout(found["c"]) == [2.0, 4.0]
    assert found["after"] > found["before"]
    assert readout(found["e"]) == pytest.approx([1.0, np.e])


@pytest.mark.torch
def test_out_refuses_a_higher_category_on_torch() -> None:
    with pytest.raises(RuntimeError, match=r"result type \w+ can't be cast to the desired output type Long"):
        run("c = zeros([2], dtype=int64)\nmul(tensor([1.5, 2.0]), tensor([1.0, 1.0]), out=c)")


@pytest.mark.torch
@pytest.mark.parametrize(
    ("text", "error", "message"),
    [
        ("add(tensor([1.0]), tensor([1.0]), out=2)", StepError, r"add\(out=\) takes a tensor, not int"),
        ("relu(tensor([1.0]), out=tensor([0.0]))", AdapterError, r"torch\.relu takes no out= argument"),
        ("t = tensor([1.0])\nt.resize_(-1)", StepError, r"resize_\(\) takes sizes that are non-negative integers"),
        ("t = array([1.0])\nt.resize_(2)", StepError, r"resize_\(\) is a method of a tensor, not of ndarray"),
    ],
)
def test_the_run_refuses_what_cannot_be_done(text: str, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        run(text)


@pytest.mark.torch
def test_resize_grows_a_tensor_of_its_own_and_refuses_one_from_numpy() -> None:
    found = run("t = tensor([1.0, 2.0])\nr = t.resize_(2, 3)\nu = zeros([2])\nu.resize_([4])")
    assert found["r"] is found["t"]
    assert found["t"].shape == (2, 3)
    assert found["u"].shape == (4,)
    with pytest.raises(RuntimeError, match="Trying to resize storage that is not resizable"):
        run("t = from_numpy(a)\nt.resize_(3)", a=np.zeros(2))


def test_mygrad_maps_out_to_its_ufuncs_and_not_its_activations() -> None:
    pytest.importorskip("mygrad")
    from gradspec.adapters.mygrad_adapter import MyGradAdapter
    from tests.conftest import run_steps_on

    found = run_steps_on(MyGradAdapter(), "c = zeros([2])\nr = sub(tensor([3.0, 4.0]), tensor([1.0, 1.0]), out=c)")
    assert found["r"] is found["c"]
    assert found["c"].data.tolist() == [2.0, 3.0]
    with pytest.raises(AdapterError, match=r"MyGrad has no relu\(\) taking out="):
        run_steps_on(MyGradAdapter(), "relu(tensor([1.0]), out=zeros([1]))")
