"""The spec index is up to date, and the catalogue is covered by specs or explained gaps."""
from __future__ import annotations

import subprocess
import sys

import pytest

from gradspec.index import coverage, read_catalogue, read_gaps
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
