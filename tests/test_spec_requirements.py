"""Each spec's ``requires`` lists exactly the capabilities its names need: a library without one
of them reports the spec not applicable instead of an error, and no spec is excused on a
library for a capability it never uses.

The loader refuses a spec whose ``requires`` differs, with the name that needs a missing
capability and its line, or the capability no name needs (exact messages below); the first
test recomputes every real spec's capabilities from its inputs, steps, properties and
``raises``, with the declarations of the language (:mod:`gradspec.language.requirements`).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from gradspec.capabilities import CAPABILITIES
from gradspec.errors import SpecError
from gradspec.language.requirements import RAISES_CAPABILITY, spec_uses
from gradspec.loader import load_spec, load_specs
from gradspec.spec import Spec
from tests.conftest import VALID_REQUIRES, VALID_SPEC, raising, write_spec

SPECS = load_specs()
SPEC = "specs/area/spec.yaml"
REMOVE = "remove it (a spec requires only the capabilities of the names it uses)"
#: VALID_SPEC expecting ``c = b.detach()`` to raise (lines 11-13) instead of its ``then``.
RAISING = raising(VALID_SPEC)
RAISING_REQUIRES = "requires: [detach, error_kinds]"


def needed(spec: Spec) -> set[str]:
    """The capabilities the names ``spec`` uses need, and ``error_kinds`` if it expects an error."""
    given = {name: expression.node for name, expression in spec.given.items()}
    properties = [check.expression.node for check in spec.then]
    return {found.use.capability for found in spec_uses(given, spec.steps.statements, properties, spec.raises is not None)}


#: One spec per spec file: the per-operator runs of an ``over`` spec share its text and requires.
SPEC_FILES = list({spec.path: spec for spec in reversed(SPECS)}.values())


@pytest.mark.parametrize("spec", SPEC_FILES, ids=[spec.id for spec in SPEC_FILES])
def test_a_spec_requires_exactly_the_capabilities_its_names_need(spec: Spec) -> None:
    computed = needed(spec)
    assert computed <= set(CAPABILITIES)
    assert set(spec.requires) == computed, (
        f"{spec.path}: add {sorted(computed - spec.requires)}, remove {sorted(spec.requires - computed)}")


def test_the_capabilities_are_computed_from_the_names() -> None:
    """The recomputation sees names in every part of a spec (not an empty set that agrees with anything)."""
    by_id = {spec.id: spec for spec in SPECS}
    assert all(needed(spec) for spec in SPECS if spec.requires)  # operators.forward needs no capability
    assert RAISES_CAPABILITY in needed(by_id["aliasing.detach.inplace_is_detected"])
    assert "grad_modes" in needed(by_id["grad_mode.thread_local"])


def _with(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"{old!r} must occur exactly once"
    return text.replace(old, new)


def _requiring(*capabilities: str, text: str = VALID_SPEC) -> str:
    return _with(text, VALID_REQUIRES, f"requires: [{', '.join(capabilities)}]")


def _steps(*lines: str) -> str:
    """VALID_SPEC whose steps are ``lines`` (from line 9)."""
    return _with(VALID_SPEC, "  b = a * 2\n  c = b.detach()\n", "".join(f"  {line}\n" for line in lines))


# Line numbers: see VALID_SPEC in tests/conftest.py (requires on 5, a on 7, steps from 9, then on 12).
MISSING = [
    pytest.param(_requiring("detach"),
                 f"{SPEC}:5: requires: .requires_grad on line 12 needs the capability 'requires_grad': add it",
                 id="property-in-then"),
    pytest.param(_requiring("requires_grad"),
                 f"{SPEC}:5: requires: .detach() on line 10 needs the capability 'detach': add it", id="method-in-steps"),
    pytest.param(_requiring("backward"),  # what is missing is said before what is too much
                 f"{SPEC}:5: requires: .detach() on line 10 needs the capability 'detach': add it (also missing: requires_grad)",
                 id="several-missing"),
    pytest.param(_with(RAISING, RAISING_REQUIRES, "requires: [detach]"),
                 f"{SPEC}:5: requires: raises on line 11 needs the capability 'error_kinds': add it", id="raises"),
    pytest.param(_with(VALID_SPEC, "  a: tensors()", "  a: tensors(dtype=int64)"),
                 f"{SPEC}:5: requires: int64 on line 7 needs the capability 'integer_dtypes': add it", id="dtype-in-given"),
    pytest.param(_requiring("backward", "detach", "requires_grad",
                            text=_steps("b = a * 2", "c = b.detach()", "b.sum().backward(inputs=[a])")),
                 f"{SPEC}:5: requires: .backward(inputs=) on line 11 needs the capability 'backward_inputs': add it",
                 id="keyword-argument"),
    pytest.param(_steps("b = a * 2", "c = b.detach().to(float64)"),
                 f"{SPEC}:5: requires: .to() on line 10 needs the capability 'dtype_conversion': add it", id="to-a-dtype"),
    pytest.param(_steps("b = a * 2", "c = b.detach().to(device)"),
                 f"{SPEC}:5: requires: .to() on line 10 needs the capability 'device_moves': add it", id="to-a-device"),
    pytest.param(_requiring("detach", "grad_modes", "requires_grad",
                            text=_steps("@no_grad()", "def f(t):", "    return t * 2", "b = f(a)", "c = b.detach()")),
                 f"{SPEC}:5: requires: @no_grad on line 9 needs the capability 'grad_mode_decorators': add it",
                 id="decorator"),
]


@pytest.mark.parametrize(("text", "expected"), MISSING)
def test_a_spec_using_a_name_without_its_capability_is_refused(specs_dir: Path, text: str, expected: str) -> None:
    with pytest.raises(SpecError) as info:
        load_spec(write_spec(specs_dir, "area/spec.yaml", text), root=specs_dir)
    assert str(info.value) == expected
    assert (info.value.line, info.value.key) == (5, "requires")


EXTRA = [
    pytest.param(_requiring("backward", "detach", "requires_grad"), f"{SPEC}:5: requires: no step needs 'backward': {REMOVE}",
                 id="one"),
    pytest.param(_requiring("backward", "detach", "inplace", "requires_grad"),
                 f"{SPEC}:5: requires: no step needs 'backward', 'inplace': {REMOVE}", id="several"),
    pytest.param(_with(RAISING, RAISING_REQUIRES, "requires: [detach, error_kinds, requires_grad]"),
                 f"{SPEC}:5: requires: no step needs 'requires_grad': {REMOVE}", id="then-replaced-by-raises"),
]


@pytest.mark.parametrize(("text", "expected"), EXTRA)
def test_a_spec_requiring_a_capability_no_name_needs_is_refused(specs_dir: Path, text: str, expected: str) -> None:
    with pytest.raises(SpecError) as info:
        load_spec(write_spec(specs_dir, "area/spec.yaml", text), root=specs_dir)
    assert str(info.value) == expected


@pytest.mark.parametrize("text", [VALID_SPEC, RAISING,
                                  _requiring("detach", "integer_dtypes", "requires_grad",
                                             text=_with(VALID_SPEC, "  a: tensors()", "  a: tensors(dtype=int64)"))],
                         ids=["then", "raises", "integer-input"])
def test_a_spec_requiring_exactly_what_it_uses_loads(specs_dir: Path, text: str) -> None:
    spec = load_spec(write_spec(specs_dir, "area/spec.yaml", text), root=specs_dir)
    assert spec.requires == needed(spec)
