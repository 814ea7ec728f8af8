"""The generated references (docs/*.md and the spec schema's enums) match the declarations."""
from __future__ import annotations

import json

from gradspec.capabilities import CAPABILITIES
from gradspec.error_kinds import ERROR_KINDS
from gradspec.references import generated_files, stale
from gradspec.resources import SPEC_SCHEMA
from tests.conftest import ROOT


def test_the_generated_references_are_up_to_date() -> None:
    outdated = stale(generated_files(ROOT / "docs"))
    assert outdated == [], "run: gradspec docs"


def test_the_spec_schema_enums_are_the_declared_capabilities_and_error_kinds() -> None:
    schema = json.loads(SPEC_SCHEMA.read_text(encoding="utf-8"))
    assert schema["$defs"]["capability"]["enum"] == list(CAPABILITIES)
    assert schema["$defs"]["error_kind"]["enum"] == list(ERROR_KINDS)


def test_a_changed_declaration_makes_the_references_stale(tmp_path, monkeypatch) -> None:
    docs = tmp_path / "docs"
    schema = tmp_path / "spec.schema.json"
    schema.write_text(SPEC_SCHEMA.read_text(encoding="utf-8"), encoding="utf-8")
    for path, text in generated_files(docs, schema).items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert stale(generated_files(docs, schema)) == []
    monkeypatch.setitem(ERROR_KINDS, "new_kind", "a situation declared after the references were written")
    assert sorted(path.name for path in stale(generated_files(docs, schema))) == ["error-kinds.md", "spec.schema.json"]


def test_every_reference_names_every_declared_name() -> None:
    files = {path.name: text for path, text in generated_files(ROOT / "docs").items()}
    assert all(f"`{kind}`" in files["error-kinds.md"] for kind in ERROR_KINDS)
    assert all(f"`{capability}`" in files["capabilities.md"] for capability in CAPABILITIES)
    schema = json.loads(SPEC_SCHEMA.read_text(encoding="utf-8"))
    assert all(f"`{key}`" in files["spec-format.md"] for key in schema["properties"])
