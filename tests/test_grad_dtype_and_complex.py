"""A tensor's ``grad_dtype``, ``complex(real, imag)``, the wide unsigned dtypes and the error kind
of jacobian()'s forward-mode strategy without vectorize=True: what they do on PyTorch, what the
checker refuses, and the message of a library that lacks them."""

from __future__ import annotations

import numpy as np
import pytest

from gradspec.adapters.base import AdapterBase
from gradspec.capabilities import CAPABILITIES
from gradspec.error_kinds import ERROR_KINDS
from gradspec.errors import AdapterError, StepError
from gradspec.language.checker import LanguageError, check_program
from gradspec.language.steps import CONSTANTS, PROPERTIES, STEP_VOCABULARY
from gradspec.values import DTYPE_GROUPS, DTYPES
from tests.conftest import run_steps as run
from tests.conftest import tensor_values


class _Bare(AdapterBase):
    """A library with tensors and neither grad_dtype nor complex(real, imag)."""

    name = "bare"
    library = "barelib"
    lacks = {"grad_dtype": "barelib gradients always have their tensor's dtype", "complex_from_parts": "barelib is real"}


def test_a_library_without_grad_dtype_says_so_with_its_reason() -> None:
    with pytest.raises(AdapterError, match=r"^barelib has no \.grad_dtype: barelib gradients always have their tensor's dtype$"):
        _Bare().grad_dtype(object())
    with pytest.raises(AdapterError, match=r"^barelib has no assignable \.grad_dtype: barelib gradients"):
        _Bare().set_grad_dtype(object(), None)


def test_a_library_without_complex_from_parts_says_so_with_its_reason() -> None:
    with pytest.raises(AdapterError, match=r"^barelib has no complex\(real, imag\): barelib is real$"):
        _Bare().complex_from_parts(object(), object())


def test_the_constructs_need_their_capabilities() -> None:
    assert {"grad_dtype", "complex_from_parts"} <= set(CAPABILITIES)
    prop = PROPERTIES["grad_dtype"]
    assert prop.capability == "grad_dtype" and prop.write_capability == "grad_dtype" and prop.write is not None
    assert STEP_VOCABULARY.functions["complex"].capability == "complex_from_parts"
    assert "forward_strategy_without_vectorize" in ERROR_KINDS


def test_the_wide_unsigned_dtypes_are_constants_in_no_group() -> None:
    for name in ("uint16", "uint32", "uint64"):
        assert DTYPES[name].numpy == np.dtype(name)
        assert CONSTANTS[name].capability == "integer_dtypes"
        assert all(DTYPES[name] not in group for group in DTYPE_GROUPS.values())


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("c = complex(x)", r"complex\(\): missing"),
        ("c = complex(x, x, x)", r"complex\(\): too many positional arguments"),
        ("x.grad_dtype()", "'grad_dtype' is an attribute, not a method"),
    ],
)
def test_the_checker_refuses_wrong_uses(text: str, message: str) -> None:
    with pytest.raises(LanguageError, match=message):
        check_program(text, vocabulary=STEP_VOCABULARY, bound={"x"})


def test_the_checker_accepts_reading_and_setting_grad_dtype() -> None:
    check_program("x.grad_dtype = float64\nx.grad_dtype = None\nd = x.grad_dtype", vocabulary=STEP_VOCABULARY, bound={"x"})


@pytest.mark.torch
def test_grad_dtype_defaults_to_the_dtype_and_is_settable() -> None:
    values = run(
        "x = tensor([1.0, 2.0], dtype=float32, requires_grad=True)\n"
        "default = x.grad_dtype\n"
        "x.grad_dtype = float64\n"
        "changed = x.grad_dtype\n"
        "x.grad = tensor([3.0, 4.0], dtype=float64)\n"
        "y = tensor([1.0], dtype=float64, requires_grad=True)\n"
        "y.grad_dtype = None\n"
        "y.grad = tensor([5.0], dtype=float16)\n"
        "unset = y.grad_dtype\n"
    )
    assert values["default"] == DTYPES["float32"]
    assert values["changed"] == DTYPES["float64"]
    assert str(values["x"].grad.dtype) == "torch.float64" and tensor_values(values["x"].grad) == [3.0, 4.0]
    assert values["unset"] is None and str(values["y"].grad.dtype) == "torch.float16"


@pytest.mark.torch
def test_grad_dtype_is_set_to_a_dtype_or_none_only() -> None:
    with pytest.raises(StepError, match=r"\.grad_dtype is set to a dtype or None, not str"):
        run("x = tensor([1.0], requires_grad=True)\nx.grad_dtype = 'float64'\n")


@pytest.mark.torch
def test_complex_of_tensors_is_a_differentiable_complex_tensor() -> None:
    values = run(
        "x = tensor([1.0, -2.0], dtype=float32, requires_grad=True)\n"
        "s = complex(x, x * x)\n"
        "kind = s.dtype\n"
        "s.backward(complex(tensor([1.0, 1.0], dtype=float32), tensor([1.0, 0.5], dtype=float32)))\n"
    )
    assert values["kind"] == DTYPES["complex64"]
    # Re(conj(g) * (1 + 2 x i)) = gr + gi * 2 x
    assert tensor_values(values["x"].grad) == [3.0, -1.0]


def test_complex_of_arrays_is_numpy_complex() -> None:
    values = run(
        "c = complex(a, b)\nr = c.real\ni = c.imag\n", a=np.array([1.0, 2.0], np.float32), b=np.array([3.0, 4.0], np.float32)
    )
    assert values["c"].dtype == np.complex64 and values["c"].tolist() == [1 + 3j, 2 + 4j]
    assert values["r"].tolist() == [1.0, 2.0] and values["i"].tolist() == [3.0, 4.0]


@pytest.mark.torch
def test_complex_refuses_a_tensor_with_an_array() -> None:
    with pytest.raises(StepError, match=r"complex\(\) takes two tensors or two NumPy arrays, not one of each"):
        run("c = complex(tensor([1.0]), a)\n", a=np.array([1.0]))


def test_complex_refuses_complex_parts() -> None:
    with pytest.raises(StepError, match=r"complex\(\) takes real parts, not values of dtype complex128"):
        run("c = complex(a, a)\n", a=np.array([1j]))


@pytest.mark.torch
@pytest.mark.parametrize("name", ["uint16", "uint32", "uint64"])
def test_the_wide_unsigned_dtypes_refuse_requires_grad(name: str) -> None:
    import torch

    from gradspec.adapters.torch_adapter import TorchAdapter

    adapter = TorchAdapter()
    with pytest.raises(RuntimeError) as info:
        adapter.tensor(np.zeros(2, dtype=name), requires_grad=True, device="cpu")
    assert adapter.error_kind(info.value) == "requires_grad_dtype"
    assert adapter.dtype(adapter.tensor(np.zeros(2, dtype=name), requires_grad=False, device="cpu")) == DTYPES[name]
    assert torch.zeros(1, dtype=getattr(torch, name)).dtype == getattr(torch, name)


@pytest.mark.torch
def test_forward_mode_without_vectorize_maps_to_its_error_kind() -> None:
    import torch

    from gradspec.adapters.torch_adapter import TorchAdapter

    with pytest.raises(NotImplementedError) as info:
        torch.autograd.functional.jacobian(lambda v: v * 2, torch.ones(2), strategy="forward-mode")
    assert TorchAdapter().error_kind(info.value) == "forward_strategy_without_vectorize"
