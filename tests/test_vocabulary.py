"""The declared vocabulary is complete and consistent: every name has a doc and names a known
capability, every capability is needed by some name, and every adapter maps every operation."""
from __future__ import annotations

import importlib
import re
from typing import Any

import pytest

from gradspec.adapters import BUILTIN_ADAPTERS
from gradspec.adapters.base import AdapterBase
from gradspec.capabilities import CAPABILITIES
from gradspec.errors import AdapterError
from gradspec.language.operations import INPLACE_FORMS, OPERATIONS
from gradspec.language.steps import STEP_VOCABULARY
from gradspec.language.vocabulary import Registry
from gradspec.strategies import GIVEN_VOCABULARY

VOCABULARIES = {"steps": STEP_VOCABULARY, "given": GIVEN_VOCABULARY}


def _declared() -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []
    for label, vocabulary in VOCABULARIES.items():
        for table in ("functions", "methods", "properties", "constants"):
            found += [(f"{label} {table[:-1]} {name}", record) for name, record in getattr(vocabulary, table).items()]
    return found


DECLARED = _declared()


@pytest.mark.parametrize(("label", "record"), DECLARED, ids=[label for label, _ in DECLARED])
def test_every_name_has_a_doc_and_a_known_capability(label: str, record: Any) -> None:
    assert record.doc.strip(), f"{label} has no doc"
    unknown = [capability for capability in record.capabilities if capability not in CAPABILITIES]
    assert unknown == [], f"{label} names unknown capabilities"


#: Words that say what an API does rather than that it exists.
_BEHAVIOUR_WORDS = re.compile(
    r"\b(shares?|sharing|copies|copy|alias(es)?|per[- ]thread|checks?|detects?|tracks?|returns?|raises?|never|always|"
    r"only|must|when|whether|instead|correct(ly)?|same|differs?)\b",
    re.IGNORECASE,
)
#: An API's name: a call ``name()``, a keyword ``name=``, an attribute ``.name``, a decorator ``@name``, dtypes.
_API_NAME = re.compile(r"\w\([\w, ]*\)|\w=|\.\w|\bdtypes?\b|@\w")


@pytest.mark.parametrize("capability", sorted(CAPABILITIES))
def test_every_capability_names_an_api_and_says_nothing_of_its_behaviour(capability: str) -> None:
    """A capability says that a library has an analogue of an API; what the API does is the
    specs' to judge, so a definition that describes behaviour would let an adapter leave a
    misbehaving API undeclared (not applicable) instead of failing its specs."""
    definition = CAPABILITIES[capability]
    assert _API_NAME.search(definition), f"{capability}: {definition!r} names no API"
    assert not _BEHAVIOUR_WORDS.search(definition), f"{capability}: {definition!r} describes behaviour"


def test_every_capability_is_needed_by_some_name() -> None:
    needed = {"error_kinds"}  # raises
    for _, record in DECLARED:
        needed |= set(record.capabilities)
    assert set(CAPABILITIES) - needed == set(), "a capability no name needs can never make a spec not applicable"


def test_each_unary_operation_has_a_function_and_an_in_place_method() -> None:
    for operation in OPERATIONS:
        if operation.named:
            assert operation.name in STEP_VOCABULARY.functions
        if operation.inplace:
            assert STEP_VOCABULARY.methods[f"{operation.name}_"].mutates
    assert set(INPLACE_FORMS) <= set(STEP_VOCABULARY.mutating)


def test_a_name_cannot_be_declared_twice() -> None:
    registry = Registry()
    registry.add("twice", lambda ctx: None, doc="once")
    with pytest.raises(ValueError, match="'twice' is declared twice"):
        registry.add("twice", lambda ctx: None, doc="again")


def _adapter_class(name: str) -> type:
    module_name, _, class_name = BUILTIN_ADAPTERS[name].partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:  # an adapter module that imports its library at import time
        pytest.skip(f"{name}'s library is not installed: {error}")
    return getattr(module, class_name)


@pytest.mark.parametrize("name", sorted(BUILTIN_ADAPTERS))
def test_every_builtin_adapter_maps_every_operation(name: str) -> None:
    cls = _adapter_class(name)
    assert issubclass(cls, AdapterBase)
    assert sorted(op.name for op in OPERATIONS if op.name not in cls.operations) == []


@pytest.mark.parametrize("name", sorted(BUILTIN_ADAPTERS))
def test_every_capability_a_builtin_adapter_lacks_has_a_reason(name: str) -> None:
    cls = _adapter_class(name)
    assert set(cls.capabilities) <= set(CAPABILITIES)
    unexplained = sorted(set(CAPABILITIES) - set(cls.capabilities) - {c for c, reason in cls.lacks.items() if reason.strip()})
    assert unexplained == [], f"{name} lacks these without saying why"


class _Bare(AdapterBase):
    """An adapter of a library that has nothing but tensors."""

    name = "bare"
    library = "barelib"
    lacks = {"hooks": "barelib's tensors are plain arrays", "dual_numbers": "forward mode is a function there"}


def test_the_base_class_answers_what_a_library_lacks_with_its_reason() -> None:
    adapter = _Bare()
    with pytest.raises(AdapterError, match=r"^barelib has no register_hook\(\): barelib's tensors are plain arrays$"):
        adapter.register_hook(object(), print, when="grad")
    with pytest.raises(AdapterError, match=r"^barelib has no detach\(\)$"):
        adapter.detach(object())
    with pytest.raises(AdapterError, match=r"^barelib has no make_dual\(\): forward mode is a function there$"):
        adapter.make_dual(object(), object())
    with pytest.raises(AdapterError, match=r"^barelib has no functional hvp\(\)$"):
        adapter.functional("hvp", print, object(), v=None)
    with pytest.raises(AdapterError, match=r"^barelib has no checkpoint\(\)$"):
        adapter.checkpoint(print, [])
    with pytest.raises(AdapterError, match=r"^barelib has no custom_function\(\)$"):
        adapter.custom_function(print, print)
    with pytest.raises(AdapterError, match=r"^barelib has no a Function context's saved_tensors$"):
        adapter.function_context(object(), "saved_tensors")
    with pytest.raises(AdapterError, match=r"^barelib has no gradgradcheck\(\)$"):
        adapter.gradcheck("gradgradcheck", print, object())
    with pytest.raises(AdapterError, match=r"^barelib has no saved_tensors_hooks\(\)$"):
        adapter.saved_tensors_hooks(print, print)
    with pytest.raises(AdapterError, match=r"^barelib has no save_on_cpu\(\)$"):
        adapter.save_on_cpu()
    with pytest.raises(AdapterError, match=r"^barelib has no module\(\)$"):
        adapter.empty_module()
    with pytest.raises(AdapterError, match=r"^barelib has no load_state_dict\(\)$"):
        adapter.load_state_dict(object(), {})
    with pytest.raises(AdapterError, match=r"^barelib has no operation 'exp'$"):
        adapter.unary("exp", object())
    with pytest.raises(AdapterError, match="adapter _Bare does not implement tensor"):
        adapter.tensor(None, requires_grad=False, device="cpu")  # type: ignore[arg-type]


def test_an_operations_table_maps_names_to_library_functions_by_path_or_callable() -> None:
    class Table(_Bare):
        module = "math"
        operations = {"exp": "exp", "neg": lambda x: -x, "sum": "fsum"}
        dim_keyword = "axis"

    adapter = Table()
    assert adapter.unary("exp", 0.0) == 1.0
    assert adapter.unary("neg", 2) == -2
    assert adapter.reduce("sum", [0.5, 0.25], dim=None) == 0.75
