"""Dict values of the step language (``{"w": w}``, ``dict(pairs)``, ``d["w"]``, ``.keys()``...)
and the APIs taking a dict of inputs (``autograd_grad(y, {...})``, ``backward(inputs={...})``):
what the checker refuses, what the loader asks ``requires`` for, what a run does on PyTorch, and
the message of a library that lacks them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gradspec.adapters.base import AdapterBase
from gradspec.errors import AdapterError, SpecError, StepError
from gradspec.language.checker import check_program
from gradspec.language.steps import STEP_VOCABULARY
from gradspec.loader import load_spec
from tests.conftest import checker_refusal, run_steps, run_steps_on, tensor_values, write_spec

# -- the checker ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        'd = {"a": x, "b": 2}',
        'd = {}\nd["k"] = x',
        'd = {"a": x}\ny = d["a"]',
        'name = "a"\nd = {name: x}\ny = d[name]',
        'd = dict([("a", x)])\nn = len(d)\nb = "a" in d\nks = d.keys()\nvs = d.values()\nps = d.items()',
        'd = {"a": x}\nfor k in d:\n    y = d[k]',
        'd = {"a": x}\nfor k, v in d.items():\n    y = v',
    ],
)
def test_the_checker_accepts_dicts(text: str) -> None:
    check_program(text, vocabulary=STEP_VOCABULARY, bound={"x"})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("d = {**x}", "line 1: **unpacking is not allowed"),
        ("d = {1: x}", "line 1: dict key 1 is not allowed (keys are strings not starting with '_')"),
        ('d = {"_a": x}', "line 1: dict key '_a' is not allowed (keys are strings not starting with '_')"),
        ('d = {"a": x, "a": 2}', "line 1: dict key 'a' is given twice"),
        ('d = {"a": x}\ny = d["__class__"]', "line 2: indexing with a string ('__class__') is not allowed"),
        ('d = {"a": x}\nd["_k"] = x', "line 2: indexing with a string ('_k') is not allowed"),
        ('d = {k: k for k in ["a"]}', "line 1: dict comprehension is not allowed"),
        ('d = {"a": x}\nv = d.values', "line 2: 'values' is a method: call it as .values(...)"),
        ('d = {"a": x}\nk = d.keys(1)', "line 2: .keys(): too many positional arguments"),
    ],
)
def test_the_checker_refuses_what_dicts_do_not_allow(text: str, message: str) -> None:
    assert str(checker_refusal(text)).startswith(message)


# -- evaluation -----------------------------------------------------------------------------


def test_a_dict_literal_and_its_reads() -> None:
    found = run_steps(
        'd = {"b": 2, "a": 1}\nd["c"] = 3\nks = d.keys()\nvs = d.values()\nps = d.items()\n'
        'n = len(d)\nin_ = "a" in d\nout = "z" not in d\nfirst = d["b"]\nloop = [k for k in d]'
    )
    assert found["d"] == {"b": 2, "a": 1, "c": 3}
    assert (found["ks"], found["vs"], found["ps"]) == (["b", "a", "c"], [2, 1, 3], [("b", 2), ("a", 1), ("c", 3)])
    assert (found["n"], found["in_"], found["out"], found["first"], found["loop"]) == (3, True, True, 2, ["b", "a", "c"])


def test_dict_of_pairs_and_of_named_parameters() -> None:
    found = run_steps('d = dict([("a", 1), ("b", 2)])\ncopy = dict(d)\nm = linear(2, 3)\np = dict(named_parameters(m))')
    assert found["d"] == found["copy"] == {"a": 1, "b": 2}
    assert found["copy"] is not found["d"]
    assert list(found["p"]) == ["weight", "bias"]
    assert found["p"]["weight"] is found["m"].weight


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('d = {"a": 1}\ny = d["b"]', "no key 'b' in the dict (keys: 'a')"),
        ("k = 1\nd = {k: 2}", "dict keys are strings not starting with '_', not 1"),
        ('k = "_x"\nd = {k: 2}', "dict keys are strings not starting with '_', not '_x'"),
        ('d = dict([("a", 1, 2)])', r"dict() takes (name, value) pairs, not ('a', 1, 2)"),
        ("d = dict(3)", "dict() takes a list of (name, value) pairs or a dict, not int"),
        ("k = [1, 2].keys()", ".keys() of list: only dicts have it"),
        ('y = [1, 2]["a"]', "only dicts take string keys, not list"),
        ('t = tensor([1.0])\ny = t["a"]', "only dicts take string keys, not Tensor"),
    ],
)
def test_a_run_refuses_what_dicts_do_not_allow(text: str, message: str) -> None:
    with pytest.raises(StepError) as info:
        run_steps(text)
    assert str(info.value) == message


def test_autograd_grad_of_a_dict_returns_a_dict_with_its_keys() -> None:
    found = run_steps(
        "a = variable(values(tensor([1.0, 2.0])))\nb = variable(values(tensor([3.0])))\n"
        'g = autograd_grad(sum(a * a) + sum(b), {"second": b, "first": a})'
    )
    assert list(found["g"]) == ["second", "first"]
    assert tensor_values(found["g"]["first"]) == [2.0, 4.0]
    assert tensor_values(found["g"]["second"]) == [1.0]


def test_backward_with_a_dict_of_inputs_uses_its_values() -> None:
    found = run_steps(
        "a = variable(values(tensor([1.0, 2.0])))\nb = variable(values(tensor([3.0])))\n"
        'sum(a * a * b).backward(inputs={"only": a})'
    )
    assert tensor_values(found["a"].grad) == [6.0, 12.0]
    assert found["b"].grad is None


def test_is_grads_batched_with_a_dict_is_refused() -> None:
    with pytest.raises(StepError, match="is_grads_batched= with a dict of inputs is not in the language"):
        run_steps('a = variable(values(tensor([1.0])))\ng = autograd_grad(sum(a), {"a": a}, is_grads_batched=False)')


# -- a library that lacks it ---------------------------------------------------------------


class _Bare(AdapterBase):
    """A library whose gradient APIs take lists only."""

    name = "bare"
    library = "barelib"
    lacks = {"grad_inputs_dict": "barelib's grad takes a list"}


def test_a_library_without_dict_inputs_says_so_with_its_reason() -> None:
    adapter: Any = _Bare()
    reason = ": barelib's grad takes a list$"
    with pytest.raises(AdapterError, match=r"^barelib has no dict of inputs for autograd.grad\(\)" + reason):
        adapter.autograd_grad_dict(None, {})
    with pytest.raises(AdapterError, match=r"^barelib has no dict as inputs= of backward\(\)" + reason):
        adapter.backward_dict_inputs(None, gradient=None, retain_graph=None, inputs={})


def test_a_dict_reaches_its_own_adapter_method(monkeypatch: pytest.MonkeyPatch) -> None:
    """A list goes to autograd_grad and backward as before; only a dict goes to the dict methods."""
    pytest.importorskip("torch")
    from gradspec.adapters.torch_adapter import TorchAdapter

    adapter = TorchAdapter()
    monkeypatch.setattr(adapter, "autograd_grad_dict", lambda *a, **k: {"seen": True})
    found = run_steps_on(
        adapter, 'a = variable(values(tensor([1.0])))\ng = autograd_grad(sum(a), {"a": a})\nh = autograd_grad(sum(a * 2), [a])'
    )
    assert found["g"] == {"seen": True}
    assert tensor_values(found["h"][0]) == [2.0]


# -- the loader -----------------------------------------------------------------------------

SPEC = "specs/area/spec.yaml"


def _spec(requires: str, steps: str) -> str:
    return f"""\
id: area.thing.works
title: A spec taking gradients with respect to a dict
source:
  - tutorial: T1 Tensors
requires: [{requires}]
given:
  a: tensors(requires_grad=True)
steps: |
{steps}then:
  - g is not None
"""


@pytest.mark.parametrize(
    ("steps", "requires", "use"),
    [
        ('  g = autograd_grad(sum(a), {"a": a})\n', "autograd_grad", "autograd_grad(inputs=<dict>) on line 9"),
        ('  g = autograd_grad(sum(a), inputs=dict([("a", a)]))\n', "autograd_grad", "autograd_grad(inputs=<dict>) on line 9"),
        ('  d = {"a": a}\n  g = autograd_grad(sum(a), d)\n', "autograd_grad", "autograd_grad(inputs=<dict>) on line 10"),
        ('  g = 1\n  sum(a).backward(inputs={"a": a})\n', "backward, backward_inputs", ".backward(inputs=<dict>) on line 10"),
    ],
    ids=["literal", "dict-call-keyword", "variable", "backward"],
)
def test_a_dict_of_inputs_needs_its_capability(specs_dir: Path, steps: str, requires: str, use: str) -> None:
    with pytest.raises(SpecError) as info:
        load_spec(write_spec(specs_dir, "area/spec.yaml", _spec(requires, steps)), root=specs_dir)
    assert str(info.value) == f"{SPEC}:5: requires: {use} needs the capability 'grad_inputs_dict': add it"


def test_a_dict_literal_alone_and_a_list_of_inputs_need_no_dict_capability(specs_dir: Path) -> None:
    steps = '  d = {"a": a}\n  g = autograd_grad(sum(d["a"]), [a])\n'
    spec = load_spec(write_spec(specs_dir, "area/spec.yaml", _spec("autograd_grad", steps)), root=specs_dir)
    assert "grad_inputs_dict" not in spec.requires
