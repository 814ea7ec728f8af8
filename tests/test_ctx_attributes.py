"""Values a custom Function stores on its ctx (ctx.scale, ctx.count, ctx.flag, ctx.stored): what
they do on PyTorch, what the checker and the loader refuse, and the message of a library
without them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from gradspec.adapters.base import AdapterBase
from gradspec.capabilities import GROUPS, lacking
from gradspec.errors import AdapterError, SpecError
from gradspec.language.ctx_attributes import CTX_ATTRIBUTES
from gradspec.language.steps import STEP_VOCABULARY
from gradspec.loader import load_spec
from tests.conftest import checker_refusal, run_steps, tensor_values, write_spec


class _Bare(AdapterBase):
    """A library without custom Functions."""

    name = "bare"
    library = "barelib"
    lacks = lacking("custom_function", "barelib has no Function class")


def test_a_library_without_them_says_so_with_its_reason() -> None:
    adapter = _Bare()
    reason = ": barelib has no Function class$"
    with pytest.raises(AdapterError, match=r"^barelib has no a Function context's attribute scale" + reason):
        adapter.context_attribute(object(), "scale")
    with pytest.raises(AdapterError, match=r"^barelib has no a Function context's attribute stored" + reason):
        adapter.set_context_attribute(object(), "stored", 1)


def test_they_are_settable_attributes_of_the_custom_function_group() -> None:
    assert "function_ctx_attributes" in GROUPS["custom_function"]
    for name in CTX_ATTRIBUTES:
        prop = STEP_VOCABULARY.properties[name]
        assert prop.write is not None and prop.capabilities == ("function_ctx_attributes", "function_ctx_attributes")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("def forward(ctx, a):\n    ctx.whatever = 1\n    return a", "attribute 'whatever' cannot be assigned"),
        ("def forward(ctx, a):\n    ctx._secret = 1\n    return a", "attribute '_secret' is not allowed"),
        ("def backward(ctx, g):\n    return g * ctx.unknown", "attribute 'unknown' is not in the language"),
    ],
)
def test_the_checker_refuses_other_attribute_names(text: str, message: str) -> None:
    assert message in str(checker_refusal(text))


SPEC = "specs/area/spec.yaml"
_STEPS = """\
  def forward(ctx, t):
      ctx.scale = 2.0
      return t * 2.0
  def backward(ctx, g):
      return g * 2.0
  F = custom_function(forward, backward)
  b = F(a)
"""


def test_the_loader_asks_for_their_capability(specs_dir: Path) -> None:
    text = f"""\
id: area.thing.works
title: A spec storing a value on a Function's ctx
source:
  - tutorial: T1 Tensors
requires: [custom_function]
given:
  a: tensors()
steps: |
{_STEPS}then:
  - b is not None
"""
    with pytest.raises(SpecError) as info:
        load_spec(write_spec(specs_dir, "area/spec.yaml", text), root=specs_dir)
    assert str(info.value) == f"{SPEC}:5: requires: .scale = on line 10 needs the capability 'function_ctx_attributes': add it"


_ROUND_TRIP = """\
seen = [None, None, None, None]
def forward(ctx, a):
    ctx.scale = 1.5
    ctx.count = 2
    ctx.flag = True
    ctx.stored = [a, 3]
    return a * 3.0
def backward(ctx, g):
    seen[0] = ctx.scale
    seen[1] = ctx.count
    seen[2] = ctx.flag
    seen[3] = ctx.stored
    return g * ctx.scale * ctx.count
F = custom_function(forward, backward)
leaf = variable(x)
F(leaf).sum().backward()
"""


@pytest.mark.torch
def test_values_stored_in_forward_come_back_unchanged_in_backward() -> None:
    found = run_steps(_ROUND_TRIP, x=np.array([1.0, 2.0]))
    scale, count, flag, stored = found["seen"]
    assert (scale, count, flag) == (1.5, 2, True)
    assert type(scale) is float and type(count) is int and type(flag) is bool
    assert stored[0] is found["leaf"] and stored[1] == 3
    assert tensor_values(found["leaf"].grad) == [3.0, 3.0]


@pytest.mark.torch
def test_reading_an_attribute_never_stored_is_an_adapter_error() -> None:
    text = "def forward(ctx, a):\n    return a * 1.0\ndef backward(ctx, g):\n    return g * ctx.scale\n"
    text += "F = custom_function(forward, backward)\nleaf = variable(x)\nF(leaf).sum().backward()\n"
    with pytest.raises(AdapterError, match="the Function's ctx has no attribute 'scale'"):
        run_steps(text, x=np.array([1.0]))


@pytest.mark.torch
def test_they_are_attributes_of_a_function_ctx_only() -> None:
    with pytest.raises(AdapterError, match=r"^\.flag of Tensor: not a Function's ctx$"):
        run_steps("y = variable(x)\ny.flag = True", x=np.array([1.0]))
    with pytest.raises(AdapterError, match=r"^\.count of Tensor: not a Function's ctx$"):
        run_steps("y = variable(x)\nn = y.count", x=np.array([1.0]))


@pytest.mark.torch
def test_an_input_stored_directly_on_ctx_is_the_input_itself_in_double_backward() -> None:
    """PyTorch 2.13: the statement that tensors stored on ctx get no double-backward gradient
    holds for tensors forward computes (function.context.ctx_tensor_double_backward), not for an
    input, which is the very tensor the caller passed and keeps its graph."""
    text = """\
def forward(ctx, a):
    ctx.stored = a
    return a * a * a
def backward(ctx, g):
    return 3 * ctx.stored * ctx.stored * g
Cube = custom_function(forward, backward)
leaf = variable(x)
first = autograd_grad(Cube(leaf).sum(), [leaf], create_graph=True)
second = autograd_grad(first[0].sum(), [leaf])
"""
    found = run_steps(text, x=np.array([1.5, -2.0]))
    assert tensor_values(found["second"][0]) == pytest.approx([9.0, -12.0])
