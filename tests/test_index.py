"""The spec index is up to date, and the catalogue is covered by specs or explained gaps."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from gradspec.index import coverage, read_catalogue, read_gaps, read_statement_gaps, read_statements, statement_coverage
from gradspec.loader import load_specs
from gradspec.resources import BUILTIN_SPECS as DEFAULT_SPECS_DIR
from tests.conftest import ROOT

#: At most this many catalogue entries may be without any spec (issue: at least 65 of 70).
MAX_ENTRIES_WITHOUT_SPEC = 5


@pytest.mark.e2e
def test_the_committed_index_is_up_to_date() -> None:
    result = subprocess.run([sys.executable, "-m", "gradspec", "index", "--check"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_specs_name_only_catalogue_entries_that_exist() -> None:
    known = {entry["id"] for entry in read_catalogue(DEFAULT_SPECS_DIR)}
    named = {(spec.id, entry) for spec in load_specs() for entry in spec.catalogue}
    assert {pair for pair in named if pair[1] not in known} == set()


def test_every_catalogue_entry_has_a_spec_or_a_reasoned_gap() -> None:
    covered = coverage(load_specs(), read_catalogue(DEFAULT_SPECS_DIR))
    gaps = {gap.catalogue for gap in read_gaps(DEFAULT_SPECS_DIR)}
    without_spec = {entry for entry, ids in covered.items() if not ids}
    assert without_spec - gaps == set(), "entries with neither a spec nor a note in _unexpressed.yaml"
    assert len(without_spec) <= MAX_ENTRIES_WITHOUT_SPEC
    assert all(gap.reason.strip() for gap in read_gaps(DEFAULT_SPECS_DIR))


def test_specs_name_only_statements_that_exist_and_gaps_explain_theirs() -> None:
    known = {item["id"] for item in read_statements(DEFAULT_SPECS_DIR)}
    assert len(known) == 251
    named = {(spec.id, ref.id) for spec in load_specs() for ref in spec.statements}
    assert {pair for pair in named if pair[1] not in known} == set()
    gaps = read_statement_gaps(DEFAULT_SPECS_DIR)
    assert set(gaps) <= known
    assert all(gap.reason.strip() and gap.needs.strip() for gap in gaps.values())


_SPEC = """id: tolist.{name}
title: a spec naming statements
source: [{{tutorial: T12 tensor.item()}}]
statements: {statements}
requires: [tolist]
given:
  x: arrays(max_dims=1)
steps: |
  as_list = tensor(x).tolist()
then:
  - identical(as_list, x.tolist())
"""


def test_statement_coverage_tells_covered_partly_unexpressed_and_missing(tmp_path: Path) -> None:
    specs_dir = tmp_path / "specs"
    (specs_dir / "tolist").mkdir(parents=True)
    (specs_dir / "_statements.yaml").write_text(
        "".join(f"- {{id: {i}, source: AM, statement: claim {i}}}\n" for i in ("A01", "A02", "A03", "A04"))
    )
    (specs_dir / "_unexpressed.yaml").write_text("- {statement: A03, reason: no custom Function, needs: a Function construct}\n")
    (specs_dir / "tolist" / "whole.yaml").write_text(_SPEC.format(name="whole", statements="[A01, {id: A02, partly: 0-d only}]"))
    (specs_dir / "tolist" / "again.yaml").write_text(_SPEC.format(name="again", statements="[A01]"))
    found = statement_coverage(load_specs(specs_dir), specs_dir)
    assert [found.status(i) for i in ("A01", "A02", "A03", "A04")] == ["covered", "partly", "not expressible", "missing"]
    assert found.covered["A01"] == ["tolist.again", "tolist.whole"] or found.covered["A01"] == ["tolist.whole", "tolist.again"]
    assert found.partly["A02"] == [("tolist.whole", "0-d only")]
    assert found.counts() == {"covered": 1, "partly": 1, "not expressible": 1, "missing": 1}
    assert found.summary().startswith("1 of the 4 documented statements are covered by a spec that names them (25%), 1 partly")


def test_a_malformed_statement_reference_is_refused_with_its_line(tmp_path: Path) -> None:
    from gradspec.errors import SpecErrors

    (tmp_path / "tolist").mkdir()
    (tmp_path / "tolist" / "bad.yaml").write_text(_SPEC.format(name="bad", statements="[{id: A01}]"))
    with pytest.raises(SpecErrors) as raised:
        load_specs(tmp_path)
    assert "statements" in str(raised.value) and "bad.yaml:4" in str(raised.value)
