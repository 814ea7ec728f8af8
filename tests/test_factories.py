"""The factories randn, rand, empty, full, arange, linspace, eye, the new_* methods and
manual_seed in the step language: what they do on PyTorch, what the checker and the run refuse,
the capabilities they need, and the message of a library that lacks them."""

from __future__ import annotations

import ast
from typing import Any

import numpy as np
import pytest

from gradspec.adapters.base import FACTORY_CAPABILITIES, AdapterBase
from gradspec.errors import AdapterError, StepError
from gradspec.language.requirements import uses
from gradspec.language.steps import STEP_VOCABULARY
from gradspec.values import DTYPES, OMITTED
from tests.conftest import checker_refusal, run_steps_on
from tests.conftest import run_steps as run
from tests.conftest import tensor_values as readout

FACTORIES = ("randn", "rand", "empty", "full", "arange", "linspace", "eye")
NEW_FACTORIES = ("new_zeros", "new_ones", "new_full", "new_empty", "new_tensor")


class _Bare(AdapterBase):
    """A library with none of the factories."""

    name = "bare"
    library = "barelib"
    lacks = {
        "random_factories": "barelib.random.normal is the analogue",
        "new_factories": "barelib arrays have no new_* methods",
        "manual_seed": "barelib has no global generator",
    }


def _capabilities(text: str) -> set[str]:
    return {use.capability for use in uses(ast.parse(text).body, STEP_VOCABULARY)}


def test_a_library_without_the_factories_says_so_with_its_reason() -> None:
    adapter = _Bare()
    dtype = DTYPES["float32"]
    with pytest.raises(AdapterError, match=r"^barelib has no randn\(\): barelib.random.normal is the analogue$"):
        adapter.factory("randn", ((2,),), dtype, requires_grad=OMITTED, device="cpu")
    with pytest.raises(AdapterError, match=r"^barelib has no eye\(\)$"):
        adapter.factory("eye", (2, 2), dtype, requires_grad=OMITTED, device="cpu")
    with pytest.raises(AdapterError, match=r"^barelib has no Tensor.new_zeros\(\): barelib arrays have no new_\* methods$"):
        adapter.new_factory("new_zeros", object(), ((2,),), None, requires_grad=OMITTED)
    with pytest.raises(AdapterError, match=r"^barelib has no manual_seed\(\): barelib has no global generator$"):
        adapter.manual_seed(0)
    with pytest.raises(AdapterError, match=r"^barelib has no full_like\(\)$"):
        adapter.factory_like("full_like", object(), (1.0,), None, requires_grad=OMITTED)


def test_each_factory_needs_its_capability_and_requires_grad_only_when_written() -> None:
    assert set(FACTORY_CAPABILITIES) == set(FACTORIES)
    assert _capabilities("a = randn((2,))\nb = rand((2,))") == {"random_factories"}
    assert _capabilities("a = empty((2,))") == {"empty_factory"}
    assert _capabilities("a = full((2,), 1.0)") == {"full_factory"}
    assert _capabilities("a = arange(3)\nb = linspace(0, 1, 3)") == {"range_factories"}
    assert _capabilities("a = eye(2)") == {"eye_factory"}
    assert _capabilities("a = eye(2, requires_grad=True)") == {"eye_factory", "requires_grad"}
    assert _capabilities("m = manual_seed(1)") == {"manual_seed"}
    assert _capabilities("a = randn_like(x)\nb = full_like(x, 1.0, requires_grad=True)") == {"like_factories", "requires_grad"}
    for name in NEW_FACTORIES:
        assert STEP_VOCABULARY.methods[name].capability == "new_factories"
        assert STEP_VOCABULARY.methods[name].keyword_capabilities == {"requires_grad": "requires_grad"}
    for name in FACTORIES:
        assert STEP_VOCABULARY.functions[name].keyword_capabilities == {"requires_grad": "requires_grad"}


def test_manual_seed_is_declared_as_changing_state() -> None:
    assert STEP_VOCABULARY.functions["manual_seed"].mutates
    assert not any(STEP_VOCABULARY.functions[name].mutates for name in FACTORIES)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("y = randn()", "randn(): missing a required argument: 'shape'"),
        ("y = full((2,))", "full(): missing a required argument: 'fill_value'"),
        ("y = linspace(0, 1)", "linspace(): missing a required argument: 'steps'"),
        ("y = eye(1, 2, float32, True, 5)", "eye(): too many positional arguments"),
        ("y = empty((1000, 1000, 1000))", "empty(): asks for 1000000000 elements"),
        ("y = manual_seed()", "manual_seed(): missing a required argument: 'seed'"),
    ],
)
def test_the_checker_refuses_wrong_calls(text: str, message: str) -> None:
    assert message in str(checker_refusal(text))


@pytest.mark.torch
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("y = randn((-1, 2))", r"randn\(\) takes sizes of at least 0"),
        ("y = rand(2.5)", r"rand\(\) takes a shape \(a tuple of sizes\)"),
        ("y = empty((n, n, n))", "asks for 1000000000 elements"),
        ("y = arange(0, 10 ** 9)", "asks for 1000000000 elements"),
        ("y = arange(0, 1, 0)", r"arange\(\) takes a step other than 0"),
        ("y = linspace(0, 1, 10 ** 9)", "asks for 1000000000 elements"),
        ("y = full((2,), x)", r"full\(\) takes a number as fill_value"),
        ("y = randn((2,), dtype=2)", r"randn\(\) takes a dtype as dtype="),
        ("y = manual_seed(-1)", r"manual_seed\(\) takes an integer of at least 0"),
        ("y = manual_seed(1.5)", r"manual_seed\(\) takes an integer of at least 0"),
        ("y = x.new_tensor(x)", r"new_tensor\(\) takes values \(a list or an array\), not a tensor"),
        ("y = x.new_zeros((10 ** 5, 10 ** 5))", "asks for 10000000000 elements"),
    ],
)
def test_the_run_refuses_wrong_arguments(text: str, message: str) -> None:
    from gradspec.adapters.torch_adapter import TorchAdapter

    adapter = TorchAdapter()
    x = adapter.tensor(np.zeros(2, dtype=np.float32), requires_grad=OMITTED, device="cpu")
    with pytest.raises(StepError, match=message):
        run_steps_on(adapter, f"n = 1000\n{text}", x=x)


@pytest.mark.torch
def test_the_factories_make_their_values_with_the_dtype_and_requires_grad_asked() -> None:
    values = run(
        "f = full((2, 1), 2.5, dtype=float64)\n"
        "a = arange(3)\n"
        "a2 = arange(1, 2, 0.25)\n"
        "l = linspace(-1, 1, 5, requires_grad=True)\n"
        "i = eye(2, 3)\n"
        "n = randn((2, 3), dtype=float16)\n"
        "u = rand((4,))\n"
        "e = empty((0, 3))\n"
    )
    assert readout(values["f"]) == [[2.5], [2.5]] and str(values["f"].dtype) == "torch.float64"
    assert readout(values["a"]) == [0.0, 1.0, 2.0] and str(values["a"].dtype) == "torch.float32"
    assert readout(values["a2"]) == [1.0, 1.25, 1.5, 1.75]
    assert readout(values["l"]) == [-1.0, -0.5, 0.0, 0.5, 1.0] and values["l"].requires_grad
    assert readout(values["i"]) == [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]
    assert tuple(values["n"].shape) == (2, 3) and str(values["n"].dtype) == "torch.float16"
    assert all(0 <= v < 1 for v in readout(values["u"]))
    assert tuple(values["e"].shape) == (0, 3)
    assert not any(values[name].requires_grad for name in ("f", "a", "a2", "i", "n", "u", "e"))


@pytest.mark.torch
def test_the_new_methods_take_the_tensors_dtype_and_not_its_requires_grad() -> None:
    values = run(
        "b = tensor([1.0, 2.0], dtype=float64, requires_grad=True)\n"
        "z = b.new_zeros((2, 2))\n"
        "o = b.new_ones((1,), dtype=float32)\n"
        "f = b.new_full((3,), 7, requires_grad=True)\n"
        "e = b.new_empty((2,))\n"
        "t = b.new_tensor([1, 2, 3])\n"
    )
    assert readout(values["z"]) == [[0.0, 0.0], [0.0, 0.0]] and str(values["z"].dtype) == "torch.float64"
    assert readout(values["o"]) == [1.0] and str(values["o"].dtype) == "torch.float32"
    assert readout(values["f"]) == [7.0, 7.0, 7.0] and values["f"].requires_grad
    assert tuple(values["e"].shape) == (2,) and str(values["e"].dtype) == "torch.float64"
    assert readout(values["t"]) == [1.0, 2.0, 3.0] and str(values["t"].dtype) == "torch.float64"
    assert not any(values[name].requires_grad for name in ("z", "o", "e", "t"))


@pytest.mark.torch
def test_the_like_factories_take_the_tensors_shape_and_dtype_and_not_its_requires_grad() -> None:
    values = run(
        "b = tensor([[1.0, 2.0]], dtype=float64, requires_grad=True)\n"
        "f = full_like(b, 3)\n"
        "n = randn_like(b, dtype=float32)\n"
        "u = rand_like(b, requires_grad=True)\n"
        "e = empty_like(b)\n"
    )
    assert readout(values["f"]) == [[3.0, 3.0]] and str(values["f"].dtype) == "torch.float64"
    assert tuple(values["n"].shape) == (1, 2) and str(values["n"].dtype) == "torch.float32"
    assert values["u"].requires_grad and all(0 <= v < 1 for v in readout(values["u"])[0])
    assert tuple(values["e"].shape) == (1, 2)
    assert not any(values[name].requires_grad for name in ("f", "n", "e"))


@pytest.mark.torch
def test_the_like_factories_take_a_tensor() -> None:
    with pytest.raises(StepError, match=r"randn_like\(\) takes a tensor, not list"):
        run("y = randn_like([1.0])")


@pytest.mark.torch
def test_manual_seed_makes_the_draws_repeat() -> None:
    values = run("manual_seed(7)\na = [randn((3,)), rand((3,))]\nmanual_seed(7)\nb = [randn((3,)), rand((3,))]\n")
    assert readout(values["a"][0]) == readout(values["b"][0])
    assert readout(values["a"][1]) == readout(values["b"][1])


@pytest.mark.torch
def test_an_omitted_requires_grad_reaches_the_adapter_as_omitted() -> None:
    from gradspec.adapters.torch_adapter import TorchAdapter

    seen: list[Any] = []

    class Recording(TorchAdapter):
        def factory(self, name: str, args: tuple[Any, ...], dtype: Any, *, requires_grad: Any, device: str) -> Any:
            seen.append(requires_grad)
            return super().factory(name, args, dtype, requires_grad=requires_grad, device=device)

        def new_factory(self, name: str, tensor: Any, args: tuple[Any, ...], dtype: Any, *, requires_grad: Any) -> Any:
            seen.append(requires_grad)
            return super().new_factory(name, tensor, args, dtype, requires_grad=requires_grad)

    run_steps_on(Recording(), "a = randn((2,))\nb = a.new_ones((1,))\nc = eye(2, requires_grad=False)")
    assert seen == [OMITTED, OMITTED, False]
