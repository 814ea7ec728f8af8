"""Constructs added for documented statements (custom_function()'s vjp and class flags, gradient
edges, batched grads, allow_mutation_on_saved_tensors, checkpoint's determinism_check, norm):
what each does on the PyTorch adapter, what the checker refuses, and what an adapter whose
library lacks them answers."""

from __future__ import annotations

import pytest

from gradspec.adapters.base import AdapterBase
from gradspec.errors import AdapterError, StepError
from tests.conftest import checker_refusal as refusal
from tests.conftest import run_steps as run
from tests.conftest import tensor_values as numbers

# -- custom_function(): vjp= and the class flags -------------------------------------------------


_SCALE = """\
def forward(ctx, a):
    ctx.save_for_backward(a)
    return a * 2.0
def backward(ctx, g):
    return g * 2.0
def vjp(ctx, g):
    return g * 5.0
"""


def test_vjp_alone_is_the_backward_and_beside_backward_raises_in_backward() -> None:
    text = (
        _SCALE
        + """\
Alone = custom_function(forward, None, vjp=vjp)
Both = custom_function(forward, backward, vjp=vjp)
leaf = tensor([1.0], requires_grad=True)
sum(Alone(leaf)).backward()
out = Both(leaf)
def run_backward():
    sum(out).backward()
kind = error_of(run_backward)
"""
    )
    values = run(text)
    assert numbers(values["leaf"].grad) == [5.0]
    assert values["kind"] == "function_backward_and_vjp"


def test_no_backward_needs_a_vjp() -> None:
    with pytest.raises(StepError, match=r"^custom_function\(\) needs a backward step function, or backward=None with vjp=$"):
        run(_SCALE + "F = custom_function(forward, None)")


def test_the_class_flags_reach_the_function() -> None:
    text = """\
seen = [None]
def forward(ctx, a, b):
    ctx.save_for_backward(a)
    return a * 2.0, b * 3.0
def boxed(ctx, grads):
    seen[0] = type_name(grads)
    return grads[0] * 2.0, grads[1] * 3.0
def read_twice(ctx, g, h):
    a, = ctx.saved_tensors
    b, = ctx.saved_tensors
    return g, h
Boxed = custom_function(forward, boxed, boxed_grads_call=True)
Cleared = custom_function(forward, read_twice, clear_saved_tensors_on_access=True)
Kept = custom_function(forward, read_twice, clear_saved_tensors_on_access=False)
a = tensor([1.0], requires_grad=True)
b = tensor([1.0], requires_grad=True)
u, v = Boxed(a, b)
sum(u + v).backward()
p, q = Kept(a, b)
sum(p + q).backward()
r, s = Cleared(a, b)
def run_backward():
    sum(r + s).backward()
kind = error_of(run_backward)
"""
    values = run(text)
    assert values["seen"] == ["list"]
    assert (numbers(values["a"].grad), numbers(values["b"].grad)) == ([3.0], [4.0])  # 2 + 1 and 3 + 1
    assert values["kind"] == "saved_tensors_read_twice"


def test_custom_function_refuses_an_unknown_flag() -> None:
    error = refusal("def f(ctx, v):\n    return v\nF = custom_function(f, f, generate_vmap_rule=True)")
    assert error.message.startswith("custom_function(): got an unexpected keyword argument 'generate_vmap_rule'")
    assert "vjp=<omitted>, clear_saved_tensors_on_access=<omitted>, boxed_grads_call=<omitted>" in error.message


# -- gradient edges and batched gradients ---------------------------------------------------


def test_gradient_edges_are_inputs_of_autograd_grad() -> None:
    text = """\
x = tensor([1.0, 2.0], requires_grad=True)
h = x * 3.0
loss = sum(h * h)
by_edge = autograd_grad(loss, [get_gradient_edge(x), get_gradient_edge(h)])
def plain():
    get_gradient_edge(tensor([1.0]))
kind = error_of(plain)
"""
    values = run(text)
    assert [numbers(g) for g in values["by_edge"]] == [[18.0, 36.0], [6.0, 12.0]]
    assert values["kind"] == "gradient_edge_no_grad"


def test_get_gradient_edge_takes_a_tensor() -> None:
    with pytest.raises(StepError, match=r"^get_gradient_edge\(\) takes a tensor, not list$"):
        run("e = get_gradient_edge([1.0])")
    error = refusal("e = get_gradient_edge(x, 0)")
    assert error.message == "get_gradient_edge(): too many positional arguments (signature: get_gradient_edge(tensor))"


def test_is_grads_batched_reaches_the_library_only_where_written() -> None:
    text = """\
x = tensor([1.0, 2.0], requires_grad=True)
y = x * tensor([3.0, 4.0])
batched = autograd_grad(y, [x], grad_outputs=[tensor([[1.0, 0.0], [0.0, 1.0]])], is_grads_batched=True, retain_graph=True)
unbatched = autograd_grad(y, [x], grad_outputs=[tensor([1.0, 1.0])], is_grads_batched=False)
"""
    values = run(text)
    assert numbers(values["batched"][0]) == [[3.0, 0.0], [0.0, 4.0]]
    assert numbers(values["unbatched"][0]) == [3.0, 4.0]


# -- allow_mutation_on_saved_tensors(), determinism_check=, norm() ----------------------------


def test_allow_mutation_on_saved_tensors_keeps_the_saved_value_and_refuses_nesting() -> None:
    text = """\
leaf = tensor([1.0, 2.0], requires_grad=True)
with allow_mutation_on_saved_tensors():
    saved = leaf * 1.0
    out = sum(saved * saved)
    saved.mul_(10.0)
    out.backward()
def nested():
    with allow_mutation_on_saved_tensors():
        with allow_mutation_on_saved_tensors():
            pass
kind = error_of(nested)
"""
    values = run(text)
    assert numbers(values["leaf"].grad) == [2.0, 4.0]
    assert numbers(values["saved"]) == [10.0, 20.0]
    assert values["kind"] == "allow_mutation_nested"


def test_determinism_check_reaches_checkpoint_only_where_written() -> None:
    text = """\
calls = [0]
def block(v):
    calls[0] = calls[0] + 1
    doubled = v * 2.0
    if calls[0] > 1:
        doubled = doubled.to(float64)
    return sum(doubled * doubled)
def checked(mode):
    calls[0] = 0
    leaf = tensor([1.0, 2.0], dtype=float32, requires_grad=True)
    checkpoint(block, leaf, use_reentrant=False, determinism_check=mode).backward()
default = error_of(checked, "default")
unchecked = error_of(checked, "none")
"""
    values = run(text)
    assert (values["default"], values["unchecked"]) == ("checkpoint_recompute_mismatch", None)


def test_norm_is_computed_in_the_tensors_dtype() -> None:
    values = run("single = norm(tensor([1e20, 1e20], dtype=float32))\ndouble = norm(tensor([3.0, 4.0], dtype=float64))")
    assert numbers(values["single"]) == float("inf")
    assert numbers(values["double"]) == 5.0
    with pytest.raises(StepError, match=r"^norm\(\) takes a tensor, not list$"):
        run("n = norm([3.0, 4.0])")
    assert refusal("n = norm(x, p=1)").message == "norm(): got an unexpected keyword argument 'p' (signature: norm(tensor))"
    assert refusal("with allow_mutation_on_saved_tensors(x):\n    pass").message == (
        "allow_mutation_on_saved_tensors(): too many positional arguments (signature: allow_mutation_on_saved_tensors())"
    )


# -- what a library without them answers ---------------------------------------------------


class _Bare(AdapterBase):
    """An adapter of a library that has nothing but tensors."""

    name = "bare"
    library = "barelib"
    lacks = {
        "custom_function": "barelib has no Function class",
        "autograd_grad_is_grads_batched": "barelib takes one gradient at a time",
        "gradient_edges": "barelib has no graph",
        "allow_mutation_on_saved_tensors": "barelib saves nothing",
        "norm": "barelib has sums only",
    }


def test_a_library_without_them_says_so() -> None:
    adapter = _Bare()
    with pytest.raises(AdapterError, match=r"^barelib has no custom_function\(\): barelib has no Function class$"):
        adapter.custom_function(print, None, vjp=print, boxed_grads_call=True)
    with pytest.raises(
        AdapterError, match=r"^barelib has no autograd.grad\(is_grads_batched=\): barelib takes one gradient at a time$"
    ):
        adapter.autograd_grad_batched(None, [], is_grads_batched=True, grad_outputs=None)
    with pytest.raises(AdapterError, match=r"^barelib has no get_gradient_edge\(\): barelib has no graph$"):
        adapter.gradient_edge(object())
    with pytest.raises(AdapterError, match=r"^barelib has no allow_mutation_on_saved_tensors\(\): barelib saves nothing$"):
        adapter.allow_mutation_on_saved_tensors()
    with pytest.raises(AdapterError, match=r"^barelib has no norm\(\): barelib has sums only$"):
        adapter.norm(object())
    with pytest.raises(AdapterError, match=r"^barelib has no checkpoint\(\)"):
        adapter.checkpoint(print, [], determinism_check="default")
