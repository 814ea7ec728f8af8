"""The forms of to() beyond one target (to(device, dtype), to(other), copy=) and device_object():
what they do on PyTorch, the capabilities a spec needs for them, what the checker and the run
refuse, and the message of a library that lacks them."""

from __future__ import annotations

import ast

import pytest

from gradspec.adapters.base import AdapterBase
from gradspec.errors import AdapterError, StepError
from gradspec.language.checker import LanguageError, check_property
from gradspec.language.requirements import spec_uses
from gradspec.language.steps import STEP_VOCABULARY
from tests.conftest import run_steps as run
from tests.conftest import tensor_values as readout


class _Bare(AdapterBase):
    """A library with none of the new forms, each with a reason."""

    name = "bare"
    library = "barelib"
    lacks = {
        "to_device_dtype": "barelib moves and casts in separate calls",
        "to_other": "barelib's to() takes no array",
        "to_copy": "barelib's to() takes no copy=",
        "device_objects": "barelib names devices by strings",
    }


def test_a_library_without_them_says_so_with_its_reason() -> None:
    adapter = _Bare()
    cases = [
        (lambda: adapter.to_device_dtype(object(), "cpu", None), r"\.to\(device, dtype\).*: barelib moves and casts"),
        (lambda: adapter.to_other(object(), object()), r"\.to\(other\).*: barelib's to\(\) takes no array$"),
        (lambda: adapter.to_copy(object(), "cpu", copy=True), r"\.to\(target, copy=\.\.\.\): barelib's to\(\) takes no copy=$"),
        (lambda: adapter.device_object("cpu"), r"^barelib has no device object \(torch\.device\): barelib names devices"),
    ]
    for call, message in cases:
        with pytest.raises(AdapterError, match=message):
            call()


def _needs(steps: str, **given: str) -> set[str]:
    nodes = {name: ast.parse(text, mode="eval").body for name, text in given.items()}
    return {found.use.capability for found in spec_uses(nodes, ast.parse(steps).body, [], False)}


def test_each_form_needs_its_own_capability() -> None:
    assert _needs("y = x.to(device)", x="tensors()") == {"device_moves"}
    assert _needs("y = x.to(float64)", x="tensors()") == {"dtype_conversion"}
    assert _needs("y = x.to(device, float64)", x="tensors()") == {"to_device_dtype"}
    assert _needs("y = x.to(other)", x="tensors()", other="tensors()") == {"to_other"}
    assert _needs("other = zeros([2])\ny = x.to(other)", x="tensors()") == {"to_other"}
    assert _needs("y = x.to(float64, copy=True)", x="tensors()") == {"dtype_conversion", "to_copy"}
    assert _needs("y = x.to(device, copy=False)", x="tensors()") == {"device_moves", "to_copy"}
    # a drawn dtype stays a dtype target, a device string variable a device target
    assert _needs("y = x.to(target)", x="tensors()", target="sampled_from([float32, float64])") == {"dtype_conversion"}
    assert _needs("name = x.device\ny = x.to(name)", x="tensors()") == {"device_moves"}
    assert _needs("d = device_object('cuda', 1)\nok = d.type == 'cuda' and d.index == 1") == {"device_objects"}


def test_a_property_may_not_copy_in_place_but_may_convert() -> None:
    check_property("x.to(x, copy=True) is not x", vocabulary=STEP_VOCABULARY, bound={"x"})
    with pytest.raises(LanguageError, match=r"device_object\(\): too many positional arguments"):
        check_property("device_object('cuda', 0, 1) is None", vocabulary=STEP_VOCABULARY, bound={"x"})


@pytest.mark.torch
def test_the_forms_on_pytorch() -> None:
    found = run(
        """
x = tensor([1.0, 2.0], float32)
other = tensor([1, 2, 3])
both = x.to(device, float32)
cast = x.to(device, float64)
like = x.to(other)
same = x.to(x)
copied = x.to(float32, copy=True)
kept = x.to(float32, copy=False)
copied_both = x.to(device, float32, copy=True)
copied_like = x.to(x, copy=True)
"""
    )
    x = found["x"]
    assert found["both"] is x and found["same"] is x and found["kept"] is x
    assert found["cast"] is not x and str(found["cast"].dtype) == "torch.float64"
    assert str(found["like"].dtype) == "torch.int64" and readout(found["like"]) == [1, 2]
    for name in ("copied", "copied_both", "copied_like"):
        copy = found[name]
        assert copy is not x and copy.untyped_storage().data_ptr() != x.untyped_storage().data_ptr()


@pytest.mark.torch
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("y = x.to()", "to() takes a device, a dtype, a device and a dtype, or a tensor; got 0 targets"),
        ("y = x.to(float32, 'cpu')", "to() of two targets takes a device, then a dtype"),
        ("y = x.to('cpu', 'cpu')", "to() of two targets takes a device, then a dtype"),
        ("d = device_object(1.5)", "device_object() takes a device string or an int ordinal, not float"),
        ("d = device_object(0, 1)", "device_object(type, index) takes a type string and an int index"),
        ("t = x.type", r"\.type and \.index belong to a device_object\(\), not to Tensor"),
        ("t = x.device.index", r"\.type and \.index belong to a device_object\(\), not to str"),
    ],
)
def test_the_run_refuses_wrong_targets(text: str, message: str) -> None:
    with pytest.raises(StepError, match=message.replace("(", r"\(").replace(")", r"\)") if "\\" not in message else message):
        run(text, x=__import__("torch").ones(2))


@pytest.mark.torch
def test_device_objects_on_pytorch_need_no_gpu() -> None:
    found = run(
        """
bare = device_object('cuda')
named = device_object('cuda:1')
pair = device_object('cuda', 1)
cpu = device_object('cpu')
facts = [bare.type, bare.index, named.type, named.index, pair == named, bare == named, cpu.index]
"""
    )
    assert found["facts"] == ["cuda", None, "cuda", 1, True, False, None]
    assert str(found["pair"]) == "cuda:1"
