"""The conjugate-bit method ``is_conj()`` of the step language: what it does on PyTorch, what the
checker refuses, and the message of a library that lacks it."""

from __future__ import annotations

import pytest

from gradspec.adapters.base import AdapterBase
from gradspec.capabilities import CAPABILITIES
from gradspec.errors import AdapterError
from gradspec.language.checker import LanguageError, check_program
from gradspec.language.steps import STEP_VOCABULARY
from tests.conftest import run_steps as run


class _Bare(AdapterBase):
    """A library with tensors and no conjugate bit."""

    name = "bare"
    library = "barelib"
    lacks = {"conj_bit": "barelib conjugates eagerly"}


def test_a_library_without_the_conjugate_bit_says_so_with_its_reason() -> None:
    with pytest.raises(AdapterError, match=r"^barelib has no is_conj\(\): barelib conjugates eagerly$"):
        _Bare().is_conj(object())


def test_is_conj_is_a_method_needing_its_capability() -> None:
    assert "conj_bit" in CAPABILITIES
    method = STEP_VOCABULARY.methods["is_conj"]
    assert method.capability == "conj_bit"
    assert not method.mutates


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("flag = is_conj(x)", "undefined name 'is_conj'"),
        ("x.is_conj = True", "attribute 'is_conj' cannot be assigned"),
        ("flag = x.is_conj(1)", r"\.is_conj\(\): too many positional arguments"),
    ],
)
def test_the_checker_refuses_wrong_uses(text: str, message: str) -> None:
    with pytest.raises(LanguageError, match=message):
        check_program(text, vocabulary=STEP_VOCABULARY, bound={"x"})


@pytest.mark.torch
def test_is_conj_follows_conj_and_resolve_conj() -> None:
    values = run(
        "x = tensor([1 + 2j, 3 - 1j])\n"
        "c = x.conj()\n"
        "flags = [x.is_conj(), c.is_conj(), c.resolve_conj().is_conj(), c.conj().is_conj()]\n"
    )
    assert values["flags"] == [False, True, False, False]
