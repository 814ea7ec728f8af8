"""Malformed spec files, and the exact error each one gets: ``path:line: key: problem``.

Every bad spec is the valid spec :data:`VALID` (or :data:`RAISING`) with one thing broken,
written to ``<tmp>/specs/area/spec.yaml`` and loaded from ``<tmp>``, so that the path in
the message reads ``specs/area/spec.yaml``.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from gradspec.errors import SpecError, SpecErrors
from gradspec.loader import load_spec, load_specs
from gradspec.pack_files import MAX_FILE_BYTES
from gradspec.resources import SPEC_SCHEMA as SPEC_SCHEMA_PATH
from tests.conftest import VALID_REQUIRES, VALID_SPEC, raising, write_spec

# Line numbers of VALID: see tests/conftest.py.
VALID = VALID_SPEC

# VALID with ``raises`` (lines 11-13) instead of ``then`` (and ``requires: [detach, error_kinds]``).
RAISING = raising(VALID)

SPEC = "specs/area/spec.yaml"
TOP_LEVEL_KEYS = "id, title, source, catalogue, statements, requires, over, devices, given, steps, then, raises, tolerance, notes"
_SCHEMA = json.loads(SPEC_SCHEMA_PATH.read_text(encoding="utf-8"))
CAPABILITIES = ", ".join(_SCHEMA["$defs"]["capability"]["enum"])
ERROR_KINDS = ", ".join(_SCHEMA["$defs"]["error_kind"]["enum"])
SOURCE_EXPECTED = ("expected a mapping with 'tutorial' (a tutorial section) "
                   "or 'docs' (a documentation page, with its 'url')")
TOO_BIG = VALID + "notes: " + "x" * MAX_FILE_BYTES + "\n"


def edit(old: str, new: str, base: str = VALID) -> str:
    """``base`` with its one occurrence of ``old`` replaced by ``new``."""
    assert base.count(old) == 1, f"{old!r} must occur exactly once in the base spec"
    return base.replace(old, new)


def bad(case_id: str, text: str | bytes, expected: str, where: str = "area/spec.yaml") -> object:
    """One row of the table: a spec file's content, where it goes under specs/, and its error."""
    return pytest.param(text, where, expected, id=case_id)


def load_error(specs: Path, where: str, text: str | bytes) -> str:
    """The message :func:`load_spec` raises for ``text`` written at ``specs/where``."""
    path = write_spec(specs, where, text)
    with pytest.raises(SpecError) as info:
        load_spec(path, root=specs)
    return str(info.value)


BAD_SPECS = [
    # -- keys -----------------------------------------------------------------------------
    bad("keys-unknown", VALID + "frobnicate: 1\n",
        f"{SPEC}:13: frobnicate: unknown key (expected one of: {TOP_LEVEL_KEYS})"),
    bad("keys-misspelt-given", edit("given:", "gvien:"),
        f"{SPEC}:6: gvien: unknown key (did you mean 'given'?) (expected one of: {TOP_LEVEL_KEYS})"),
    bad("keys-misspelt-required-title", edit("title:", "titel:"),
        f"{SPEC}:2: titel: unknown key (did you mean 'title'?) (expected one of: {TOP_LEVEL_KEYS})"),
    bad("keys-misspelt-notes", VALID + "note: why\n",
        f"{SPEC}:13: note: unknown key (did you mean 'notes'?) (expected one of: {TOP_LEVEL_KEYS})"),
    bad("keys-misspelt-in-raises", RAISING + "  kinds: no_grad_fn\n",
        f"{SPEC}:14: raises.kinds: unknown key (did you mean 'kind'?) (expected one of: at, kind, match)"),
    bad("keys-missing-title", edit("title: A valid spec the bad ones are made from\n", ""),
        f"{SPEC}:1: title: missing required key (expected a one-line statement of the behaviour)"),
    bad("keys-missing-steps", edit("steps: |\n  b = a * 2\n  c = b.detach()\n", ""),
        f"{SPEC}:1: steps: missing required key "
        "(expected step-language statements, as a YAML block ('steps: |'))"),
    bad("keys-missing-raises-kind", edit("  kind: no_grad_fn\n", "", RAISING),
        f"{SPEC}:11: raises.kind: missing required key (expected a canonical error kind)"),
    bad("keys-neither-then-nor-raises", VALID.split("then:")[0],
        f"{SPEC}:1: (document): expected at least one of 'then' or 'raises' but got neither"),
    # -- types and values -------------------------------------------------------------------
    bad("type-requires-is-a-string", edit(VALID_REQUIRES, "requires: detach"),
        f"{SPEC}:5: requires: expected a list of capability names but got 'detach' (type=str)"),
    bad("type-title-is-a-bool", edit("title: A valid spec the bad ones are made from", "title: yes"),
        f"{SPEC}:2: title: expected a one-line statement of the behaviour but got True (type=bool)"),
    bad("type-steps-is-null", edit("steps: |\n  b = a * 2\n  c = b.detach()\n", "steps:\n"),
        f"{SPEC}:8: steps: expected step-language statements, as a YAML block ('steps: |') "
        "but got None (type=null)"),
    bad("value-title-too-short", edit("title: A valid spec the bad ones are made from", "title: short"),
        f"{SPEC}:2: title: expected a one-line statement of the behaviour "
        "but got an empty or too short string 'short'"),
    bad("value-then-empty", edit("then:\n  - c.requires_grad == False\n", "then: []\n"),
        f"{SPEC}:11: then: expected a list of step-language expressions that must all be true "
        "with at least 1 item(s) but got []"),
    bad("capability-misspelt", edit(VALID_REQUIRES, "requires: [detach, requires_grd]"),
        f"{SPEC}:5: requires[1]: 'requires_grd' is not a capability an adapter may declare "
        f"(did you mean 'requires_grad'?) (expected one of: {CAPABILITIES})"),
    bad("capability-unknown", edit(VALID_REQUIRES, "requires: [detach, requires_grad, teleport]"),
        f"{SPEC}:5: requires[2]: 'teleport' is not a capability an adapter may declare "
        f"(expected one of: {CAPABILITIES})"),
    bad("capability-twice", edit(VALID_REQUIRES, "requires: [detach, requires_grad, detach]"),
        f"{SPEC}:5: requires[2]: duplicate item 'detach'"),
    bad("error-kind-misspelt", edit("kind: no_grad_fn", "kind: no_grad", RAISING),
        f"{SPEC}:13: raises.kind: 'no_grad' is not a canonical error kind (did you mean 'no_grad_fn'?) "
        f"(expected one of: {ERROR_KINDS})"),
    bad("error-kind-unknown", edit("kind: no_grad_fn", "kind: explodes", RAISING),
        f"{SPEC}:13: raises.kind: 'explodes' is not a canonical error kind (expected one of: {ERROR_KINDS})"),
    # -- sources ----------------------------------------------------------------------------
    bad("source-neither-tutorial-nor-docs", edit("  - tutorial: T1 Tensors", "  - section: Tensors"),
        f"{SPEC}:4: source[0]: expected exactly one of 'tutorial' or 'docs' but got neither"),
    bad("source-docs-without-url", edit("  - tutorial: T1 Tensors", "  - docs: Autograd mechanics"),
        f"{SPEC}:4: source[0]: 'docs' needs 'url'"),
    bad("source-tutorial-and-docs", edit("  - tutorial: T1 Tensors", "  - tutorial: T1 Tensors\n    docs: Autograd mechanics"),
        f"{SPEC}:4: source[0]: give one of 'tutorial' or 'docs', not 'tutorial' and 'docs'"),
    bad("source-url-not-http", edit("  - tutorial: T1 Tensors", "  - docs: Autograd\n    url: ftp://host/a"),
        f"{SPEC}:5: source[0].url: 'ftp://host/a' is not an http(s) URL"),
    bad("source-empty-list", edit("source:\n  - tutorial: T1 Tensors", "source: []"),
        f"{SPEC}:3: source: expected a list of the documentation sections this behaviour comes from "
        "with at least 1 item(s) but got []"),
    # -- id ---------------------------------------------------------------------------------
    bad("id-bad-pattern", edit("id: area.thing.works", "id: Area.Thing"),
        f"{SPEC}:1: id: 'Area.Thing' is not a dotted id of two or more lower_snake_case parts, "
        "the first being the spec's area and folder (area.behaviour)"),
    bad("id-one-part", edit("id: area.thing.works", "id: area"),
        f"{SPEC}:1: id: 'area' is not a dotted id of two or more lower_snake_case parts, "
        "the first being the spec's area and folder (area.behaviour)"),
    bad("id-area-not-the-folder", edit("id: area.thing.works", "id: other.thing.works"),
        f"{SPEC}:1: id: the id's area 'other' does not match its place in folder 'area' "
        "(expected specs/other/...)"),
    bad("id-file-at-the-top-of-specs", VALID,
        "specs/spec.yaml:1: id: the id's area 'area' does not match its place in the top of the specs folder "
        "(expected specs/area/...)", where="spec.yaml"),
    # -- raises -----------------------------------------------------------------------------
    bad("raises-at-matches-no-step", edit("at: c = b.detach()", "at: d = b.detach()", RAISING),
        f"{SPEC}:12: raises.at: 'd = b.detach()' matches no top-level step"),
    bad("raises-at-nested-step", edit("  c = b.detach()", "  with no_grad():\n      c = b.detach()", RAISING),
        f"{SPEC}:13: raises.at: 'c = b.detach()' matches no top-level step"),
    bad("raises-at-matches-several-steps",
        edit("  c = b.detach()", "  c = b.detach()\n  c = b.detach()", RAISING),
        f"{SPEC}:13: raises.at: 'c = b.detach()' matches several steps (lines 10, 11)"),
    bad("raises-at-not-the-last-step", edit("at: c = b.detach()", "at: b = a * 2", RAISING),
        f"{SPEC}:12: raises.at: steps after the raising step would never run: end the steps there"),
    bad("raises-at-not-a-statement", edit("at: c = b.detach()", "at: c = (", RAISING),
        f"{SPEC}:12: raises.at: 'c = (' is not a statement ('(' was never closed)"),
    bad("raises-match-bad-regex", RAISING + '  match: "modified (by"\n',
        f"{SPEC}:14: raises.match: not a regular expression: missing ), unterminated subpattern at position 9"),
    # -- given ------------------------------------------------------------------------------
    bad("given-name-not-snake-case", edit("  a: tensors()", "  a: tensors()\n  Bad: booleans()"),
        f"{SPEC}:8: given.Bad: 'Bad' is not a valid name (expected lower_snake_case)"),
    bad("given-name-hides-a-function", edit("  a: tensors()", "  a: tensors()\n  tensor: booleans()"),
        f"{SPEC}:8: given.tensor: input name 'tensor' hides a built-in name of the language"),
    bad("given-name-hides-a-dtype", edit("  a: tensors()", "  a: tensors()\n  float32: booleans()"),
        f"{SPEC}:8: given.float32: input name 'float32' hides a built-in name of the language"),
    bad("given-unknown-strategy", edit("  a: tensors()", "  a: tensors()\n  n: integerz(0, 3)"),
        f"{SPEC}:8: given.n: undefined name 'integerz' (did you mean 'integers'?)"),
    bad("given-step-function-name", edit("  a: tensors()", "  a: tensor([1.0])"),
        f"{SPEC}:7: given.a: undefined name 'tensor' (did you mean 'tensors'?)"),
    bad("given-uses-a-later-input", edit("  a: tensors()", "  a: tensors(shape=s.shape)\n  s: tensors()"),
        f"{SPEC}:7: given.a: undefined name 's'"),
    bad("given-syntax-error", edit("  a: tensors()", "  a: tensors("),
        f"{SPEC}:7: given.a: syntax error: '(' was never closed"),
    bad("given-cannot-build", edit("  a: tensors()", "  a: tensors()\n  n: integers(3, 0)"),
        f"{SPEC}:8: given.n: cannot draw this input: Cannot have max_value=0 < min_value=3"),
    # -- steps and then -------------------------------------------------------------------------
    bad("steps-syntax-error-line-2", edit("  c = b.detach()", "  c = b.detach(("),
        f"{SPEC}:10: steps: syntax error: '(' was never closed"),
    bad("steps-syntax-error-line-1", edit("  b = a * 2", "  b = = a * 2"),
        f"{SPEC}:9: steps: syntax error: invalid syntax"),
    bad("steps-unexpected-indent", edit("  c = b.detach()", "    c = b.detach()"),
        f"{SPEC}:10: steps: syntax error: unexpected indent"),
    bad("steps-syntax-error-after-blank-line", edit("steps: |\n", "steps: |\n\n").replace("b.detach()", "b.detach(("),
        f"{SPEC}:11: steps: syntax error: '(' was never closed"),
    bad("steps-undefined-name", edit("  c = b.detach()", "  c = d.detach()"),
        f"{SPEC}:10: steps: undefined name 'd'"),
    bad("steps-undefined-name-keep-indicator", edit("steps: |\n", "steps: |-\n").replace("b.detach", "d.detach"),
        f"{SPEC}:10: steps: undefined name 'd'"),
    bad("steps-quoted-on-one-line",
        edit("steps: |\n  b = a * 2\n  c = b.detach()\n", 'steps: "b = a * 2\\nc = d.detach()"\n'),
        f"{SPEC}:8: steps: undefined name 'd'"),
    bad("steps-method-arity", edit("  c = b.detach()", "  c = b.detach(1)"),
        f"{SPEC}:10: steps: .detach(): too many positional arguments (signature: detach())"),
    bad("steps-function-arity", edit("  b = a * 2", "  b = add(a)"),
        f"{SPEC}:9: steps: add(): missing a required argument: 'b' (signature: add(a, b, *, out=None))"),
    bad("steps-import", edit("  c = b.detach()", "  import os\n  c = b.detach()"),
        f"{SPEC}:10: steps: import is not allowed in steps"),
    bad("then-undefined-name", VALID + "  - d.requires_grad\n",
        f"{SPEC}:13: then[1]: undefined name 'd'"),
    bad("then-undefined-name-in-block-line-2", VALID + "  - |\n    (c.is_leaf and\n     d.is_leaf)\n",
        f"{SPEC}:15: then[1]: undefined name 'd'"),
    bad("then-undefined-name-after-blank-line", VALID + "  - |\n\n    d.is_leaf\n",
        f"{SPEC}:15: then[1]: undefined name 'd'"),
    bad("then-assignment", edit("  - c.requires_grad == False", "  - c.requires_grad = False"),
        f"{SPEC}:12: then[0]: syntax error: cannot assign to attribute here. Maybe you meant '==' instead of '='?"),
    bad("then-syntax-error", edit("  - c.requires_grad == False", "  - c.requires_grad ==\n  - c.is_leaf"),
        f"{SPEC}:12: then[0]: syntax error: invalid syntax"),
    # -- YAML and the file ------------------------------------------------------------------
    bad("yaml-empty-file", "",
        f"{SPEC}:1: (file): empty file (expected one YAML mapping describing a behaviour)"),
    bad("yaml-only-a-comment", "# nothing here yet\n",
        f"{SPEC}:1: (file): empty file (expected one YAML mapping describing a behaviour)"),
    bad("yaml-anchor", edit(VALID_REQUIRES, "requires: &caps [detach, requires_grad]"),
        f"{SPEC}:5: (file): YAML anchor '&caps' is not allowed"),
    bad("yaml-alias", VALID + "notes: *caps\n",
        f"{SPEC}:13: (file): YAML alias '*caps' is not allowed"),
    bad("yaml-explicit-python-tag", edit("title: A", "title: !!python/object:os.system A"),
        f"{SPEC}:2: (file): YAML tag '!!python/object:os.system' is not allowed"),
    bad("yaml-explicit-local-tag", edit(VALID_REQUIRES, "requires: !caps [detach, requires_grad]"),
        f"{SPEC}:5: (file): YAML tag '!caps' is not allowed"),
    bad("yaml-duplicate-key", VALID + "title: Another title for the same spec\n",
        f"{SPEC}:13: (file): duplicate key 'title'"),
    bad("yaml-duplicate-nested-key", edit("  a: tensors()", "  a: tensors()\n  a: booleans()"),
        f"{SPEC}:8: (file): duplicate key 'a'"),
    bad("yaml-two-documents", VALID + "---\n" + VALID,
        f"{SPEC}:14: (file): several YAML documents in one file (expected one spec per file)"),
    bad("yaml-not-utf8", edit("T1 Tensors", "T1 Tens\xf6rs").encode("latin-1"),
        f"{SPEC}:4: (file): not UTF-8 text (byte 0xf6)"),
    bad("yaml-tab-indent", edit("  b = a * 2", "\tb = a * 2"),
        f"{SPEC}:9: (file): invalid YAML: found character '\\t' that cannot start any token"),
    bad("yaml-complex-key", VALID + "? [a, b]\n: 1\n",
        f"{SPEC}:13: (file): a mapping key must be a plain string"),
    bad("yaml-top-level-list", "- id: area.thing.works\n- title: A list is not a spec\n",
        f"{SPEC}:1: (document): expected a mapping of spec keys but got a list"),
    bad("yaml-top-level-string", "just a sentence\n",
        f"{SPEC}:1: (document): expected a mapping of spec keys but got a str"),
    bad("file-too-large", TOO_BIG,
        f"{SPEC}: (file): file too large ({len(TOO_BIG)} > {MAX_FILE_BYTES} bytes)"),
]


@pytest.mark.parametrize(("text", "where", "expected"), BAD_SPECS)
def test_bad_spec_is_refused_with_its_message(specs_dir: Path, text: str | bytes, where: str, expected: str) -> None:
    """Each malformed file is refused with exactly ``path:line: key: problem``."""
    assert load_error(specs_dir, where, text) == expected


@pytest.mark.parametrize("text", [VALID, RAISING, "\ufeff" + VALID, VALID + "...\n"],
                         ids=["then", "raises", "utf8-bom", "document-end-marker"])
def test_the_base_specs_are_valid(specs_dir: Path, text: str) -> None:
    """The bases of the table load, so each bad spec fails for its one change only."""
    spec = load_spec(write_spec(specs_dir, "area/spec.yaml", text), root=specs_dir)
    assert spec.id == "area.thing.works"
    assert spec.path == SPEC
    assert spec.step_lines == (9, 10)


def test_error_fields(specs_dir: Path) -> None:
    """A :class:`SpecError` also carries its parts."""
    path = write_spec(specs_dir, "area/spec.yaml", edit(VALID_REQUIRES, "requires: [teleport]"))
    with pytest.raises(SpecError) as info:
        load_spec(path, root=specs_dir)
    assert (info.value.path, info.value.line, info.value.key) == (SPEC, 5, "requires[0]")


# -- load_specs: a whole folder ---------------------------------------------------------------

def load_errors(directory: Path | str) -> list[str]:
    """The messages of the :class:`SpecErrors` that :func:`load_specs` raises."""
    with pytest.raises(SpecErrors) as info:
        load_specs(directory)
    assert str(info.value) == "\n".join(str(error) for error in info.value.errors)
    return [str(error) for error in info.value.errors]


def test_duplicate_id_is_reported(specs_dir: Path) -> None:
    write_spec(specs_dir, "area/one.yaml", VALID)
    write_spec(specs_dir, "area/two.yaml", VALID)
    assert load_errors(specs_dir) == [
        "specs/area/two.yaml:1: id: duplicate id 'area.thing.works' (also in specs/area/one.yaml)",
    ]


def test_duplicate_id_points_at_the_id_line(specs_dir: Path) -> None:
    """With the editor comment on line 1, ``id:`` is on line 2."""
    commented = "# yaml-language-server: $schema=../spec.schema.json\n" + VALID
    write_spec(specs_dir, "area/one.yaml", commented)
    write_spec(specs_dir, "area/two.yaml", commented)
    assert load_errors(specs_dir) == [
        "specs/area/two.yaml:2: id: duplicate id 'area.thing.works' (also in specs/area/one.yaml)",
    ]


def test_empty_folder_is_reported(specs_dir: Path) -> None:
    assert load_errors("specs") == ["specs: specs: no spec files (*.yaml, *.yml) found"]


def test_missing_folder_is_reported(specs_dir: Path) -> None:
    assert load_errors("elsewhere") == ["elsewhere: specs: not a directory"]


def test_all_errors_are_gathered(specs_dir: Path) -> None:
    """Every bad file is reported in one go, in path order; good files do not hide them."""
    write_spec(specs_dir, "area/good.yaml", VALID)
    write_spec(specs_dir, "area/empty.yaml", "")
    other_id = VALID.replace("area.thing.works", "area.thing.other")
    write_spec(specs_dir, "area/unknown_key.yaml", other_id + "frobnicate: 1\n")
    write_spec(specs_dir, "other/misplaced.yaml", VALID)
    assert load_errors(specs_dir) == [
        "specs/area/empty.yaml:1: (file): empty file (expected one YAML mapping describing a behaviour)",
        f"specs/area/unknown_key.yaml:13: frobnicate: unknown key (expected one of: {TOP_LEVEL_KEYS})",
        "specs/other/misplaced.yaml:1: id: the id's area 'area' does not match its place in folder 'other' "
        "(expected specs/area/...)",
    ]


def test_good_folder_loads_sorted_by_id(specs_dir: Path) -> None:
    write_spec(specs_dir, "area/b.yaml", VALID.replace("area.thing.works", "area.thing.second"))
    write_spec(specs_dir, "area/sub/a.yml", VALID.replace("area.thing.works", "area.thing.first"))
    assert [spec.id for spec in load_specs(specs_dir)] == ["area.thing.first", "area.thing.second"]


def test_every_real_spec_loads() -> None:
    """The repository's own ``specs/`` folder loads without a single error."""
    specs = load_specs()
    assert specs, "no specs found"
    assert len({spec.id for spec in specs}) == len(specs)
    for spec in specs:
        assert Path(spec.path).parts[-2] == spec.id.split(".", 1)[0], spec.path


def test_folded_steps_are_refused_with_a_hint(specs_dir: Path) -> None:
    text = edit("steps: |", "steps: >")
    assert load_error(specs_dir, "area/spec.yaml", text) == (
        f"{SPEC}:8: steps: a folded block ('steps: >') joins the lines: use a literal block, 'steps: |'")


def test_a_document_of_nothing_is_an_empty_document(specs_dir: Path) -> None:
    assert load_error(specs_dir, "area/spec.yaml", "---\n") == (
        f"{SPEC}:1: (document): empty document (expected one YAML mapping describing a behaviour)")


def test_an_unclosed_flow_names_the_line_it_opened_on(specs_dir: Path) -> None:
    text = edit(VALID_REQUIRES, "requires: [detach, requires_grad")
    assert load_error(specs_dir, "area/spec.yaml", text) == (
        f"{SPEC}:6: (file): invalid YAML: expected ',' or ']', but got ':' (while parsing a flow sequence on line 5)")
