"""The graph-node construct of the step language: what it does on PyTorch, what the checker and
the run refuse, and the message of a library that lacks it."""

from __future__ import annotations

from typing import Any

import pytest

from gradspec.adapters.base import AdapterBase
from gradspec.capabilities import lacking
from gradspec.errors import AdapterError, StepError
from gradspec.language.checker import LanguageError, check_program
from gradspec.language.steps import STEP_VOCABULARY
from tests.conftest import run_steps as run
from tests.conftest import tensor_values as readout


class _Bare(AdapterBase):
    """A library with tensors and no graph nodes."""

    name = "bare"
    library = "barelib"
    lacks = lacking("graph_nodes", "barelib differentiates functions")


def test_a_library_without_graph_nodes_says_so_with_its_reason() -> None:
    adapter = _Bare()
    reason = ": barelib differentiates functions$"
    with pytest.raises(AdapterError, match=r"^barelib has no graph node name\(\)" + reason):
        adapter.node_name(object())
    with pytest.raises(AdapterError, match=r"^barelib has no graph node next_functions" + reason):
        adapter.next_functions(object())
    with pytest.raises(AdapterError, match=r"^barelib has no graph node type" + reason):
        adapter.is_graph_node(object())
    with pytest.raises(AdapterError, match=r"^barelib has no graph node register_prehook\(\)" + reason):
        adapter.register_node_hook(object(), print, when="pre")
    with pytest.raises(AdapterError, match=r"^barelib has no graph node register_hook\(\)" + reason):
        adapter.register_node_hook(object(), print, when="post")
    with pytest.raises(AdapterError, match=r"^barelib has no saved tensors readable on a graph node" + reason):
        adapter.saved_tensor(object(), "self")
    with pytest.raises(AdapterError, match=r"^barelib has no hooks on one saved tensor of a graph node" + reason):
        adapter.register_saved_tensor_hooks(object(), "self", print, print)
    with pytest.raises(AdapterError, match=r"^barelib has no shares_storage\(\)$"):
        adapter.shares_storage(object(), object())


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("h = node_register_hook(x.grad_fn)", "node_register_hook(): missing a required argument: 'hook'"),
        ("b = is_graph_node()", "is_graph_node(): missing a required argument: 'value'"),
        ("b = is_graph_node(x.grad_fn, x)", "is_graph_node(): too many positional arguments"),
        ("h = node_register_prehook(x.grad_fn, x, x)", "node_register_prehook(): too many positional arguments"),
        (
            "def f(t):\n    return t\nregister_saved_hooks(x.grad_fn, 'self', f)",
            "register_saved_hooks(): missing a required argument: 'unpack'",
        ),
        ("y = saved_value(x.grad_fn)", "saved_value(): missing a required argument: 'name'"),
        ("y = x.grad_fn._saved_self", "attribute '_saved_self' is not allowed"),
    ],
)
def test_the_checker_refuses_wrong_calls(text: str, message: str) -> None:
    with pytest.raises(LanguageError, match=message.replace("(", r"\(").replace(")", r"\)")):
        check_program(text, vocabulary=STEP_VOCABULARY, bound={"x"})


def test_the_registering_functions_are_declared_as_changing_state() -> None:
    assert {"node_register_hook", "node_register_prehook", "register_saved_hooks"} <= {
        name for name, function in STEP_VOCABULARY.functions.items() if function.mutates
    }


@pytest.mark.torch
def test_node_names_and_links_reach_the_leaf() -> None:
    values = run(
        "x = tensor([1.0, 2.0], requires_grad=True)\n"
        "y = x.clone()\n"
        "name = node_name(y.grad_fn)\n"
        "links = next_functions(y.grad_fn)\n"
        "leaf = node_name(links[0][0])\n"
    )
    assert values["name"] == "CloneBackward0"
    assert values["links"][0][1] == 0 and "AccumulateGrad" in values["leaf"]


@pytest.mark.torch
def test_only_a_recorded_grad_fn_is_a_graph_node() -> None:
    values = run(
        "x = tensor([1.0, 2.0], requires_grad=True)\n"
        "y = x.clone()\n"
        "with no_grad():\n"
        "    z = x.clone()\n"
        "found = [is_graph_node(y.grad_fn), is_graph_node(x.grad_fn), is_graph_node(z.grad_fn), is_graph_node(y)]\n"
    )
    assert values["found"] == [True, False, False, False]


@pytest.mark.torch
def test_node_hooks_run_step_functions_and_can_be_removed() -> None:
    text = """\
x = tensor([1.0, 2.0], requires_grad=True)
y = x.clone()
def double(grad_inputs, grad_outputs):
    return (grad_inputs[0] * 2.0,)
def triple(grad_outputs):
    return (grad_outputs[0] * 3.0,)
node_register_hook(y.grad_fn, double)
handle = node_register_prehook(y.grad_fn, triple)
sum(y).backward(retain_graph=True)
first = values(x.grad)
handle.remove()
sum(y).backward()
"""
    values = run(text)
    assert values["first"].tolist() == [6.0, 6.0]
    assert readout(values["x"].grad) == [8.0, 8.0]


@pytest.mark.torch
def test_saved_tensors_are_read_and_hooked_by_name() -> None:
    text = """\
x = tensor([1.0, 2.0], requires_grad=True)
y = x ** 2
same = saved_value(y.grad_fn, "self") is x
calls = [0, 0]
def pack(t):
    calls[0] = calls[0] + 1
    return t
def unpack(stored):
    calls[1] = calls[1] + 1
    return stored
register_saved_hooks(y.grad_fn, "self", pack, unpack)
read = saved_value(y.grad_fn, "self")
shared = shares_storage(read, x)
sum(y).backward()
def again():
    register_saved_hooks(y.grad_fn, "self", pack, unpack)
kind = error_of(again)
"""
    values = run(text)
    assert values["same"] is True and values["shared"] is True
    assert values["calls"] == [1, 2]
    assert values["kind"] == "saved_tensor_freed"


@pytest.mark.torch
@pytest.mark.parametrize("name", ["_self", "a.b", "", 3])
def test_a_saved_tensor_name_is_an_identifier(name: Any) -> None:
    with pytest.raises(StepError, match="a saved tensor's name is an identifier"):
        run("x = tensor([1.0], requires_grad=True)\ny = saved_value((x ** 2).grad_fn, name)", name=name)


@pytest.mark.torch
def test_the_run_refuses_what_is_not_a_node_or_not_saved() -> None:
    with pytest.raises(AdapterError, match="PowBackward0 saved nothing under 'other'"):
        run("x = tensor([1.0], requires_grad=True)\ny = saved_value((x ** 2).grad_fn, 'other')")
    with pytest.raises(AdapterError, match="expected a graph node \\(a grad_fn\\), not Tensor"):
        run("x = tensor([1.0], requires_grad=True)\nname = node_name(x)")
    with pytest.raises(StepError, match="shares_storage\\(\\) takes two tensors, not list"):
        run("x = tensor([1.0])\nshared = shares_storage(x, [1.0])")
