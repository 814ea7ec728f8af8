"""The adaptive optimizers (adam, adamw, rmsprop) and add_param_group of the step language: what
they do on PyTorch, what the checker and the loader refuse, and the message of a library
without them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from gradspec.adapters.base import AdapterBase
from gradspec.errors import AdapterError, SpecError
from gradspec.language.steps import STEP_VOCABULARY
from gradspec.loader import load_spec
from tests.conftest import checker_refusal, run_steps, tensor_values, write_spec


class _Bare(AdapterBase):
    """A library with SGD and nothing else of torch.optim."""

    name = "bare"
    library = "barelib"
    lacks = {
        "adaptive_optimizers": "barelib has SGD only",
        "add_param_group": "barelib optimizers have one group",
    }


def test_a_library_without_them_says_so_with_its_reason() -> None:
    adapter = _Bare()
    with pytest.raises(AdapterError, match=r"^barelib has no adam optimizer: barelib has SGD only$"):
        adapter.adaptive_optimizer("adam", [], lr=0.1)
    with pytest.raises(
        AdapterError, match=r"^barelib has no add_param_group\(\) on an optimizer: barelib optimizers have one group$"
    ):
        adapter.add_param_group(object(), [], lr=0.1)


def test_they_are_declared_with_their_capabilities() -> None:
    for name in ("adam", "adamw", "rmsprop"):
        assert STEP_VOCABULARY.functions[name].capability == "adaptive_optimizers"
    method = STEP_VOCABULARY.methods["add_param_group"]
    assert method.capability == "add_param_group" and method.mutates


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("o = adam([x])", "adam(): missing a required argument: 'lr'"),
        ("o = adamw([x], lr=0.1, momentum=0.9)", "adamw(): got an unexpected keyword argument 'momentum'"),
        ("o = rmsprop([x], lr=0.1, alpha=0.5)", "rmsprop(): got an unexpected keyword argument 'alpha'"),
        ("o = sgd([x], lr=0.1)\no.add_param_group(lr=0.1)", "add_param_group(): missing a required argument: 'params'"),
        ("o = sgd([x], lr=0.1)\no.add_param_group(params=[x], betas=0.1)", "unexpected keyword argument 'betas'"),
    ],
)
def test_the_checker_refuses_wrong_calls(text: str, message: str) -> None:
    assert message in str(checker_refusal(text))


SPEC = "specs/area/spec.yaml"


def _spec(requires: str, steps: str) -> str:
    return f"""\
id: area.thing.works
title: A spec using an optimizer
source:
  - tutorial: T1 Tensors
requires: [{requires}]
given:
  a: tensors()
steps: |
{steps}then:
  - a is not None
"""


@pytest.mark.parametrize(
    ("requires", "steps", "missing"),
    [
        ("optimizers", "  o = adam([a], lr=0.1)\n  o.step()\n", "adam on line 9 needs the capability 'adaptive_optimizers'"),
        (
            "adaptive_optimizers, optimizers",
            "  o = rmsprop([a], lr=0.1)\n  o.add_param_group(params=[a])\n",
            ".add_param_group() on line 10 needs the capability 'add_param_group'",
        ),
    ],
)
def test_the_loader_asks_for_their_capabilities(specs_dir: Path, requires: str, steps: str, missing: str) -> None:
    with pytest.raises(SpecError) as info:
        load_spec(write_spec(specs_dir, "area/spec.yaml", _spec(requires, steps)), root=specs_dir)
    assert str(info.value) == f"{SPEC}:5: requires: {missing}: add it"


@pytest.mark.torch
@pytest.mark.parametrize(("name", "kind"), [("adam", "Adam"), ("adamw", "AdamW"), ("rmsprop", "RMSprop")])
def test_each_builds_the_library_optimizer_with_the_written_options_only(name: str, kind: str) -> None:
    found = run_steps(f"p = parameter(tensor([1.0, 2.0]))\no = {name}([p], lr=0.25)\nq = {name}([p], lr=0.25, weight_decay=0.5)")
    assert type(found["o"]).__name__ == kind
    defaults = type(found["o"])([found["p"]]).defaults
    assert found["o"].defaults["weight_decay"] == defaults["weight_decay"]
    assert found["o"].defaults["lr"] == 0.25 and found["q"].defaults["weight_decay"] == 0.5


@pytest.mark.torch
def test_an_adam_step_moves_each_element_by_about_lr() -> None:
    found = run_steps(
        "p = parameter(tensor([1.0, -2.0]))\no = adam([p], lr=0.1)\n(p * tensor([3.0, -0.5])).sum().backward()\no.step()"
    )
    assert np.allclose(tensor_values(found["p"]), [0.9, -1.9], atol=1e-6)


@pytest.mark.torch
def test_add_param_group_adds_a_group_with_the_written_options() -> None:
    found = run_steps(
        "p = parameter(tensor([1.0]))\nq = parameter(tensor([2.0]))\n"
        "o = sgd([p], lr=0.1, momentum=0.5)\no.add_param_group(params=[q], lr=0.5)\n"
        "(p * q).sum().backward()\no.step()"
    )
    groups = found["o"].param_groups
    assert len(groups) == 2 and groups[1]["lr"] == 0.5 and groups[1]["momentum"] == 0.5
    assert tensor_values(found["q"]) == pytest.approx([2.0 - 0.5 * 1.0])
    assert tensor_values(found["p"]) == pytest.approx([1.0 - 0.1 * 2.0])
