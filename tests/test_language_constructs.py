"""What each construct of the step language does when it runs (on the PyTorch adapter)."""
from __future__ import annotations

from typing import Any

import numpy as np
import pytest

pytest.importorskip("torch")  # without torch, the module is skipped, not a collection error
pytestmark = pytest.mark.torch

from gradspec.adapters.torch_adapter import TorchAdapter  # noqa: E402
from gradspec.errors import StepError  # noqa: E402
from gradspec.language.steps import STEP_VOCABULARY, ContextStack  # noqa: E402
from tests.conftest import run_steps_on  # noqa: E402

ADAPTER = TorchAdapter()


def run(text: str, **inputs: Any) -> dict[str, Any]:
    """Check and run ``text``; the variables it leaves."""
    return run_steps_on(ADAPTER, text, **inputs)


def test_if_elif_else_takes_one_branch() -> None:
    text = "if n == 0:\n    r = 'zero'\nelif n > 0:\n    r = 'positive'\nelse:\n    r = 'negative'"
    assert [run(text, n=n)["r"] for n in (0, 3, -1)] == ["zero", "positive", "negative"]


def test_a_tensor_is_not_a_condition() -> None:
    with pytest.raises(StepError, match="truth value of a tensor"):
        run("x = tensor([1.0, 2.0])\nif x:\n    pass")


def test_error_of_gives_the_canonical_kind_or_none() -> None:
    text = """\
x = tensor([1.0, 2.0])
def item():
    return x.item()
def fine():
    return x.sum()
failing = error_of(item)
passing = error_of(fine)
"""
    values = run(text)
    assert (values["failing"], values["passing"]) == ("item_not_single", None)


def test_error_of_lets_an_unknown_exception_through() -> None:
    with pytest.raises(RuntimeError):
        run("x = tensor([1.0])\ny = tensor([1.0, 2.0, 3.0])\ndef bad():\n    return x @ y\nk = error_of(bad)")


def test_context_stack_enters_and_exits_grad_modes() -> None:
    text = """\
stack = context_stack()
stack.enter(no_grad())
inside = is_grad_enabled()
stack.enter(enable_grad())
nested = is_grad_enabled()
stack.exit_raising()
after_error = is_grad_enabled()
stack.close()
after = is_grad_enabled()
"""
    values = run(text)
    assert [values[k] for k in ("inside", "nested", "after_error", "after")] == [False, True, False, True]
    assert isinstance(values["stack"], ContextStack)


def test_run_in_thread_returns_the_result_and_grad_mode_is_per_thread() -> None:
    text = "def probe():\n    return is_grad_enabled()\nwith no_grad():\n    there = run_in_thread(probe)\n    here = is_grad_enabled()"
    values = run(text)
    assert (values["there"], values["here"]) == (True, False)


def test_apply_inplace_uses_the_in_place_form() -> None:
    values = run("x = tensor([0.0, 1.0])\ny = apply_inplace(exp, x)\nsame = y is x", )
    assert values["same"] is True
    assert np.allclose(ADAPTER.values(values["x"]), np.exp([0.0, 1.0]))


def test_reference_grads_are_numpy_arrays_from_the_backend_values() -> None:
    values = run("x = tensor([0.5, -1.0], dtype=float32)\ng = reference_grads(mul, [x, x], array([1.0, 1.0]))")
    assert all(isinstance(g, np.ndarray) and g.dtype == np.float64 for g in values["g"])
    assert np.allclose(values["g"][0], [0.5, -1.0])


def test_hooks_run_step_functions_and_can_be_removed() -> None:
    text = """\
x = tensor([1.0, 2.0], requires_grad=True)
def double(g):
    return g * 2
handle = x.register_hook(double)
sum(x * 1.0).backward()
first = values(x.grad)
handle.remove()
x.grad = None
sum(x * 1.0).backward()
second = values(x.grad)
"""
    values = run(text)
    assert values["first"].tolist() == [2.0, 2.0] and values["second"].tolist() == [1.0, 1.0]


def test_autograd_grad_returns_a_list_without_touching_grad() -> None:
    values = run("x = tensor([3.0], requires_grad=True)\ngs = autograd_grad(sum(x * x), [x])\nleft = x.grad")
    assert values["left"] is None and ADAPTER.values(values["gs"][0]).tolist() == [6.0]


def test_views_alias_their_base() -> None:
    values = run("x = tensor([[1.0, 2.0], [3.0, 4.0]])\nt = x.transpose(0, 1)\nt.mul_(2.0)\nv = x.view(4)")
    assert ADAPTER.values(values["v"]).tolist() == [2.0, 4.0, 6.0, 8.0]


def test_loops_and_comprehensions_share_one_iteration_budget() -> None:
    with pytest.raises(StepError, match="loop iterations"):
        run("n = 0\nfor i in range(10000):\n    ys = [j for j in range(20)]")


@pytest.mark.parametrize("text", [
    "n = 10 ** 9\nz = zeros((n,))",
    "n = 2 ** 13\nlayer = linear(n, n)",
    "widths = [1, 10 ** 5, 10 ** 5]\nmodel = mlp(widths)",
    "n = 10 ** 8\nt = tensor([0.0], shape=(n,))",
])
def test_sizes_computed_at_run_time_are_bounded(text: str) -> None:
    with pytest.raises(StepError, match="elements"):
        run(text)


def test_the_functional_api_differentiates_step_functions_and_drawn_operations() -> None:
    text = """\
def cube(v):
    return v * v * v
one = functional_jacobian(cube, tensor([1.0, 2.0]))
blocks = functional_jacobian(op, [tensor([1.0]), tensor([0.5])])
pair = functional_vjp(cube, tensor([2.0]), tensor([1.0]))
"""
    values = run(text, op=STEP_VOCABULARY.functions["mul"])
    assert ADAPTER.values(values["one"]).tolist() == [[3.0, 0.0], [0.0, 12.0]]
    assert isinstance(values["blocks"], tuple) and [ADAPTER.values(b).tolist() for b in values["blocks"]] == [[[0.5]], [[1.0]]]
    assert [ADAPTER.values(t).tolist() for t in values["pair"]] == [[8.0], [12.0]]


def test_the_functional_api_refuses_what_is_not_a_function() -> None:
    with pytest.raises(StepError, match=r"^expected a function \(a step function, a module or an operation\), not Tensor$"):
        run("x = tensor([1.0])\nj = functional_jacobian(x, x)")


def test_dual_tensors_carry_tangents_inside_their_level_only() -> None:
    text = """\
with dual_level():
    out = make_dual(tensor([1.0, 2.0]), tensor([0.5, 1.0])) * 3.0
    inside = unpack_dual(out)
after = unpack_dual(out)
"""
    values = run(text)
    assert [ADAPTER.values(t).tolist() for t in values["inside"]] == [[3.0, 6.0], [1.5, 3.0]]
    assert values["after"][1] is None


def test_checkpoint_runs_a_step_function_whose_gradient_flows() -> None:
    text = """\
leaf = tensor([1.0, 2.0], requires_grad=True)
def block(v):
    return v * v
out = checkpoint(block, leaf, use_reentrant=False)
sum(out).backward()
"""
    values = run(text)
    assert ADAPTER.values(values["out"]).tolist() == [1.0, 4.0]
    assert ADAPTER.values(values["leaf"].grad).tolist() == [2.0, 4.0]


def test_a_custom_function_runs_its_step_functions_with_the_librarys_context() -> None:
    text = """\
def forward(ctx, a, k):
    ctx.save_for_backward(a)
    return a * k, ctx.needs_input_grad
def backward(ctx, g, unused):
    a, = ctx.saved_tensors
    return g * a, None
Scale = custom_function(forward, backward)
leaf = tensor([1.0, 2.0], requires_grad=True)
out, flags = Scale(leaf, 3.0)
sum(out).backward()
"""
    values = run(text)
    assert ADAPTER.values(values["out"]).tolist() == [3.0, 6.0]
    assert values["flags"] == (True, False)
    assert ADAPTER.values(values["leaf"].grad).tolist() == [1.0, 2.0]  # backward's value, not the derivative


def test_a_custom_function_passes_only_the_keywords_the_spec_wrote() -> None:
    text = """\
def forward(a):
    return a * 2.0
def setup(ctx, inputs, output):
    ctx.save_for_backward(inputs[0])
def backward(ctx, g):
    return g * 2.0
def tangent_of(ctx, t):
    return t * 5.0
Double = custom_function(forward, backward, setup_context=setup, jvp=tangent_of, once_differentiable=True)
leaf = tensor([1.0], requires_grad=True)
first = autograd_grad(sum(Double(leaf) * leaf), [leaf], create_graph=True)
with dual_level():
    tangent = unpack_dual(Double(make_dual(tensor([1.0]), tensor([1.0]))))[1]
def again():
    sum(first[0]).backward()
twice = error_of(again)
"""
    values = run(text)
    assert ADAPTER.values(values["first"][0]).tolist() == [4.0]  # 2 * leaf from backward, 2 * leaf from the product
    assert ADAPTER.values(values["tangent"]).tolist() == [5.0]
    assert values["twice"] == "once_differentiable_twice"


def test_a_custom_function_refuses_what_is_not_a_function() -> None:
    with pytest.raises(StepError, match=r"^expected a function \(a step function, a module or an operation\), not int$"):
        run("def f(ctx, v):\n    return v\nF = custom_function(f, 3)")


def test_gradcheck_answers_for_step_functions_and_functions() -> None:
    text = """\
def f(a):
    return a * a
def forward(ctx, a):
    return a * a
def backward(ctx, g):
    return g
Wrong = custom_function(forward, backward)
right = gradcheck(f, [variable([1.0, 2.0], dtype=float64)])
wrong = gradcheck(Wrong, variable([1.0, 2.0], dtype=float64), raise_exception=False, fast_mode=True)
second = gradgradcheck(f, [variable([1.0], dtype=float64)], grad_outputs=[tensor([1.0], dtype=float64)])
def raising():
    return gradcheck(Wrong, [variable([1.0], dtype=float64)])
kind = error_of(raising)
"""
    values = run(text)
    assert (values["right"], values["wrong"], values["second"], values["kind"]) == (True, False, True, "gradcheck_mismatch")


def test_saved_tensor_hooks_pack_at_forward_and_unpack_at_backward() -> None:
    text = """\
packs = zeros([1])
def pack(t):
    packs.add_(1.0)
    return t * 2
def unpack(stored):
    return stored / 2
leaf = tensor([3.0], requires_grad=True)
with saved_tensors_hooks(pack, unpack):
    out = leaf * leaf
sum(out).backward()
def enter():
    with disable_saved_tensors_hooks("hooks are off"):
        with saved_tensors_hooks(pack, unpack):
            pass
kind = error_of(enter)
"""
    values = run(text)
    assert ADAPTER.values(values["packs"]).tolist() == [2.0]
    assert ADAPTER.values(values["leaf"].grad).tolist() == [6.0]
    assert values["kind"] == "saved_tensors_hooks_disabled"


def test_a_module_built_member_by_member_has_the_state_of_its_members() -> None:
    text = """\
m = module()
set_member(m, "weight", parameter(tensor([1.0, 2.0])))
register_buffer(m, "stats", tensor([3.0]), persistent=False)
names = [name for name, p in named_parameters(m)]
keys = [name for name, value in state_dict(m)]
missing, unexpected = load_state_dict(m, [("weight", tensor([5.0, 6.0])), ("other", tensor([0.0]))], strict=False)
loaded = member(m, "weight")
"""
    values = run(text)
    assert (values["names"], values["keys"]) == (["weight"], ["weight"])
    assert (values["missing"], values["unexpected"]) == ([], ["other"])
    assert ADAPTER.values(values["loaded"]).tolist() == [5.0, 6.0]


@pytest.mark.parametrize("name", ["_parameters", "2x", "a.b", 3])
def test_a_module_member_name_is_a_public_identifier(name: Any) -> None:
    with pytest.raises(StepError, match="a member name is a public identifier"):
        run("m = module()\nset_member(m, name, None)", name=name)


def test_anomaly_detection_set_in_a_block_is_left_as_found() -> None:
    values = run("with set_detect_anomaly(True):\n    inside = is_anomaly_enabled()\nafter = is_anomaly_enabled()")
    assert values["inside"] is True and values["after"] is False


def test_autograd_backward_sums_the_roots_gradients() -> None:
    values = run("x = tensor([3.0], requires_grad=True)\nautograd_backward([x * 2.0, sum(x * x)], grad_tensors=[tensor([1.0]), None])")
    assert ADAPTER.values(values["x"].grad).tolist() == [8.0]
