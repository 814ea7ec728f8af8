"""The view operations of the Tensor Views list and warnings_of() in the step language: what they
do on PyTorch, what the checker and the run refuse, and the message of a library that lacks them."""

from __future__ import annotations

import pytest

from gradspec.adapters.base import AdapterBase
from gradspec.errors import AdapterError, StepError
from gradspec.language.steps import STEP_VOCABULARY
from gradspec.language.view_ops import SEVERAL, VIEW_METHODS
from tests.conftest import checker_refusal, run_steps, run_steps_on, tensor_values


class _Bare(AdapterBase):
    """A library with tensors and none of the other views."""

    name = "bare"
    library = "barelib"
    lacks = {"view_ops": "barelib.moveaxis is the analogue"}


def test_a_library_without_the_other_views_says_so_with_its_reason() -> None:
    adapter = _Bare()
    with pytest.raises(AdapterError, match=r"^barelib has no narrow view: barelib.moveaxis is the analogue$"):
        adapter.view_op("narrow", object(), 0, 0, 1)
    with pytest.raises(AdapterError, match=r"^barelib has no view_as_real view: barelib.moveaxis is the analogue$"):
        adapter.view_op("view_as_real", object())


def test_the_names_are_declared_with_their_capabilities() -> None:
    for name in VIEW_METHODS:
        assert STEP_VOCABULARY.methods[name].capability == "view_ops", name
        assert not STEP_VOCABULARY.methods[name].mutates, name
    assert STEP_VOCABULARY.properties["T"].capability == "view_ops"
    assert STEP_VOCABULARY.properties["mT"].capability == "view_ops"
    assert STEP_VOCABULARY.functions["view_as_real"].capability == "view_ops"
    assert STEP_VOCABULARY.functions["warnings_of"].capability == "python_warnings"
    assert not STEP_VOCABULARY.functions["warnings_of"].mutates


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("y = view_as_real()", "view_as_real(): missing a required argument: 'tensor'"),
        ("w = warnings_of()", "warnings_of(): missing a required argument: 'function'"),
        ("y = x.narrow(*[0, 0, 1])", "*arguments are not allowed"),
    ],
)
def test_the_checker_refuses_wrong_calls(text: str, message: str) -> None:
    assert message in str(checker_refusal(text))


@pytest.mark.torch
def test_every_view_shares_memory_and_the_version_counter() -> None:
    values = run_steps(
        "x = tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])\n"
        "z = tensor([[1.0, 2.0]], dtype=complex128)\n"
        "views = [x.as_strided((2, 2), (1, 1), 1), x.diagonal(), x.diagonal(1, 1, 0), x.expand_as(zeros([4, 2, 3])),\n"
        "         x.movedim(0, 1), x.narrow(1, 1, 2), x.permute([1, 0]), x.select(0, -1), x.unsqueeze(0).squeeze(),\n"
        "         x.unsqueeze(0).squeeze(0), x.unfold(1, 2, 1), x.view_as(zeros([6])), x.swapaxes(0, 1), x.T, x.mT]\n"
        "parts = x.unbind(1) + x.split(2, 1) + x.split([1, 0, 2], 1) + x.chunk(2, 0)\n"
        "real = view_as_real(z)\n"
        "shared = [shares_storage(v, x) for v in views + parts] + [shares_storage(real, z)]\n"
        "x.mul_(2.0)\n"
        "z.mul_(2.0)\n"
        "versions = [v.version for v in views + parts]\n"
        "real_version = real.version\n"
    )
    assert all(values["shared"])
    assert values["versions"] == [1] * len(values["versions"]) and values["real_version"] == 1
    assert tensor_values(values["views"][1]) == [2.0, 10.0]
    assert tensor_values(values["views"][7]) == [8.0, 10.0, 12.0]
    assert tensor_values(values["real"]) == [[[2.0, 0.0], [4.0, 0.0]]]
    assert isinstance(values["parts"], list) and len(values["parts"]) == 3 + 2 + 3 + 2


@pytest.mark.torch
def test_the_methods_returning_several_views_give_lists() -> None:
    values = run_steps("x = tensor([1.0, 2.0, 3.0])\nparts = [x.unbind(0), x.split(2, 0), x.chunk(3, 0)]\n")
    assert [type(part) for part in values["parts"]] == [list] * len(SEVERAL)


@pytest.mark.torch
def test_a_view_of_something_other_than_a_tensor_is_refused() -> None:
    with pytest.raises(StepError, match=r"narrow\(\) is a method of tensors, not of ndarray"):
        run_steps("a = values(tensor([1.0]))\ny = a.narrow(0, 0, 1)\n")
    with pytest.raises(StepError, match=r"\.T is an attribute of tensors, not of ndarray"):
        run_steps("a = values(tensor([[1.0]]))\ny = a.T\n")
    with pytest.raises(StepError, match=r"view_as_real\(\) takes a tensor, not list"):
        run_steps("y = view_as_real([1.0])\n")


@pytest.mark.torch
def test_warnings_of_reads_the_non_leaf_grad_warning_and_none_for_a_leaf() -> None:
    values = run_steps(
        "x = tensor([1.0, 2.0], requires_grad=True)\n"
        "y = x * 2\n"
        "def nonleaf():\n"
        "    return y.grad\n"
        "def leaf():\n"
        "    return x.grad\n"
        "twice = warnings_of(nonleaf)\n"
        "again = warnings_of(nonleaf)\n"
        "quiet = warnings_of(leaf)\n"
    )
    assert values["twice"] == ["UserWarning"]
    assert values["again"] == ["UserWarning"], "a warning already shown is recorded again ('always')"
    assert values["quiet"] == []


@pytest.mark.torch
def test_warnings_of_sees_warnings_the_run_ignores_and_restores_the_filters() -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        before = list(warnings.filters)
        values = run_steps(
            "x = tensor([1.0], requires_grad=True)\ny = x * 2\ndef f(t):\n    return t.grad\nkinds = warnings_of(f, y)\n"
        )
        assert values["kinds"] == ["UserWarning"]
        assert warnings.filters == before


@pytest.mark.torch
def test_warnings_of_lets_errors_through() -> None:
    with pytest.raises(IndexError, match="out of range"):
        run_steps("x = tensor([1.0])\ndef f():\n    return x.narrow(5, 0, 1)\nkinds = warnings_of(f)\n")


@pytest.mark.torch
def test_warnings_of_refuses_what_is_not_a_function() -> None:
    from gradspec.adapters.torch_adapter import TorchAdapter

    with pytest.raises(StepError, match="is not callable"):
        run_steps_on(TorchAdapter(), "kinds = warnings_of(3)\n")
