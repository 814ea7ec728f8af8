"""The step language's hooks on several tensors and on modules, increment_version, nn.init and
Variable: what each does on the PyTorch adapter, what the checker refuses, and what an adapter
whose library lacks them answers."""

from __future__ import annotations

import pytest

from gradspec.adapters.base import AdapterBase
from gradspec.errors import AdapterError, StepError
from tests.conftest import checker_refusal as refusal
from tests.conftest import run_steps as run
from tests.conftest import tensor_values as numbers

# -- register_multi_grad_hook ---------------------------------------------------------------


def test_a_multi_grad_hook_gets_every_gradient_or_the_first_one() -> None:
    text = """\
every = [[]]
first = [[]]
def all_of(grads):
    every[0] = every[0] + [[None if g is None else g.tolist() for g in grads]]
def any_of(grad):
    first[0] = first[0] + [grad.tolist()]
x = tensor([1.0, 2.0], requires_grad=True)
y = tensor([3.0], requires_grad=True)
unused = tensor([0.0], requires_grad=True)
register_multi_grad_hook([x, y, unused], all_of)
h = x * 2.0
handle = register_multi_grad_hook([x, h], any_of, mode="any")
(sum(h) + sum(y * 3.0)).backward()
handle.remove()
sum(x * 4.0).backward()
"""
    values = run(text)
    assert values["every"] == [[[[2.0, 2.0], [3.0], None], [[4.0, 4.0], None, None]]]
    assert values["first"] == [[[1.0, 1.0]]]  # h's gradient, before x's; none after remove()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("register_multi_grad_hook(x, f)", "register_multi_grad_hook() takes a list of tensors"),
        ("register_multi_grad_hook([x, 1.0], f)", "register_multi_grad_hook() takes a list of tensors"),
        ("register_multi_grad_hook([x], 3)", "expected a function (a step function, a module or an operation), not int"),
    ],
)
def test_a_multi_grad_hook_refuses_what_is_not_tensors_or_a_function(text: str, message: str) -> None:
    with pytest.raises(StepError, match=f"^{message.replace('(', '[(]').replace(')', '[)]')}$"):
        run("def f(grads):\n    pass\n" + text, x=run("x = tensor([1.0], requires_grad=True)")["x"])


def test_the_checker_refuses_a_multi_grad_hook_call_that_does_not_fit() -> None:
    error = refusal("def f(g):\n    pass\nregister_multi_grad_hook([x], f, order='any')")
    assert (error.lineno, error.message) == (
        3,
        "register_multi_grad_hook(): got an unexpected keyword argument 'order' "
        "(signature: register_multi_grad_hook(tensors, fn, mode=<omitted>))",
    )
    error = refusal("register_multi_grad_hook([x])")
    assert error.message == (
        "register_multi_grad_hook(): missing a required argument: 'fn' "
        "(signature: register_multi_grad_hook(tensors, fn, mode=<omitted>))"
    )


# -- increment_version ------------------------------------------------------------------------


def test_increment_version_raises_the_counter_autograd_checks() -> None:
    text = """\
x = tensor([2.0], requires_grad=True)
out = x * x
before = x.version
increment_version(x)
after = x.version
def backward():
    sum(out).backward()
kind = error_of(backward)
"""
    values = run(text)
    assert values["after"] > values["before"]
    assert values["kind"] == "inplace_modified"


def test_increment_version_refuses_what_is_not_a_tensor() -> None:
    with pytest.raises(StepError, match=r"^increment_version\(\) takes a tensor, not list$"):
        run("increment_version([1.0])")
    error = refusal("increment_version()")
    assert error.message == "increment_version(): missing a required argument: 'tensor' (signature: increment_version(tensor))"


# -- module backward hooks -----------------------------------------------------------------------


def test_module_backward_hooks_see_and_replace_the_modules_gradients() -> None:
    text = """\
seen = [None, None]
def full_hook(module, grad_input, grad_output):
    seen[0] = [g.tolist() for g in grad_input]
    return (grad_input[0] * 10.0,)
def pre(module, grad_output):
    seen[1] = [g.tolist() for g in grad_output]
    return (grad_output[0] * 2.0,)
layer = linear(1, 1, bias=False)
layer.weight.data = tensor([[3.0]], dtype=float32)
full_handle = layer.register_full_backward_hook(full_hook)
pre_handle = layer.register_full_backward_pre_hook(pre)
x = tensor([1.0], dtype=float32, requires_grad=True)
sum(layer(x)).backward()
first = x.grad.tolist()
full_handle.remove()
pre_handle.remove()
sum(layer(x)).backward()
def change():
    hooked = linear(1, 1)
    hooked.register_full_backward_hook(full_hook)
    y = hooked(tensor([1.0], dtype=float32, requires_grad=True))
    y.add_(1.0)
kind = error_of(change)
"""
    values = run(text)
    assert values["seen"] == [[[6.0]], [[1.0]]]  # grad_input from the pre-hook's 2 * grad_output
    assert values["first"] == [60.0]
    assert numbers(values["x"].grad) == [63.0]  # the second backward ran without hooks
    assert values["kind"] == "module_hook_inplace"


def test_module_backward_hooks_refuse_what_is_not_a_function_or_a_module() -> None:
    with pytest.raises(StepError, match=r"^expected a function \(a step function, a module or an operation\), not int$"):
        run("layer = linear(1, 1)\nlayer.register_full_backward_hook(3)")
    with pytest.raises(AdapterError, match=r"^expected a module, not Tensor$"):
        run("def f(module, grad_output):\n    pass\nt = tensor([1.0])\nt.register_full_backward_pre_hook(f)")
    error = refusal("layer = linear(1, 1)\nlayer.register_full_backward_hook()")
    assert (error.lineno, error.message) == (
        2,
        ".register_full_backward_hook(): missing a required argument: 'hook' (signature: register_full_backward_hook(hook))",
    )


# -- nn.init -------------------------------------------------------------------------------


def test_nn_init_fills_a_parameter_in_place_with_the_keywords_written() -> None:
    text = """\
p = parameter(tensor([0.0, 0.0]))
same = init_constant_(p, 2.5) is p
constant = p.tolist()
init_uniform_(p, a=3.0, b=3.0)
uniform = p.tolist()
init_normal_(p, mean=-1.0, std=0.0)
normal = p.tolist()
init_uniform_(p)
default = p.tolist()
"""
    values = run(text)
    assert values["same"] is True
    assert (values["constant"], values["uniform"], values["normal"]) == ([2.5, 2.5], [3.0, 3.0], [-1.0, -1.0])
    assert all(0.0 <= value <= 1.0 for value in values["default"])  # torch's a=0, b=1


def test_nn_init_refuses_what_is_not_a_tensor() -> None:
    with pytest.raises(StepError, match=r"^init_constant_\(\) takes a tensor, not float$"):
        run("init_constant_(1.0, 2.0)")
    error = refusal("init_constant_(x)")
    assert error.message == "init_constant_(): missing a required argument: 'val' (signature: init_constant_(tensor, val))"
    error = refusal("init_normal_(x, sigma=1.0)")
    assert error.message == (
        "init_normal_(): got an unexpected keyword argument 'sigma' (signature: init_normal_(tensor, mean=<omitted>, std=<omitted>))"
    )


# -- Variable -------------------------------------------------------------------------------


def test_variable_passes_requires_grad_only_where_written() -> None:
    values = run("p = parameter(tensor([1.0]))\nplain = Variable(p)\nasked = Variable(tensor([2.0]), requires_grad=True)")
    assert type(values["plain"]).__name__ == "Tensor" and values["plain"].requires_grad is False
    assert values["asked"].requires_grad is True and numbers(values["asked"]) == [2.0]


def test_variable_refuses_what_is_not_a_tensor() -> None:
    with pytest.raises(StepError, match=r"^Variable\(\) takes a tensor, not list$"):
        run("v = Variable([1.0])")
    error = refusal("v = Variable(x, volatile=True)")
    assert error.message == (
        "Variable(): got an unexpected keyword argument 'volatile' (signature: Variable(tensor, requires_grad=<omitted>))"
    )


# -- what a library without them answers ---------------------------------------------------


class _Bare(AdapterBase):
    """An adapter of a library that has nothing but tensors."""

    name = "bare"
    library = "barelib"
    lacks = {
        "multi_grad_hooks": "barelib has no gradient hooks",
        "increment_version": "barelib has no version counter",
        "module_backward_pre_hooks": "barelib has no modules",
        "nn_init": "barelib makes new arrays",
        "variable_class": "barelib has one tensor type",
    }


def test_a_library_without_them_says_so() -> None:
    adapter = _Bare()
    with pytest.raises(AdapterError, match=r"^barelib has no register_multi_grad_hook\(\): barelib has no gradient hooks$"):
        adapter.register_multi_grad_hook([], print, mode="any")
    with pytest.raises(AdapterError, match=r"^barelib has no increment_version\(\): barelib has no version counter$"):
        adapter.increment_version(object())
    with pytest.raises(AdapterError, match=r"^barelib has no register_full_backward_pre_hook\(\): barelib has no modules$"):
        adapter.register_module_hook(object(), print, when="pre")
    with pytest.raises(AdapterError, match=r"^barelib has no register_full_backward_hook\(\)$"):
        adapter.register_module_hook(object(), print, when="full")
    with pytest.raises(AdapterError, match=r"^barelib has no nn.init uniform_\(\): barelib makes new arrays$"):
        adapter.nn_init("uniform_", object(), a=0.0)
    with pytest.raises(AdapterError, match=r"^barelib has no Variable\(\): barelib has one tensor type$"):
        adapter.variable_class(object(), requires_grad=True)
