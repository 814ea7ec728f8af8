"""What a run spares each item, and what it keeps: the example database of the dev profile
(keyed per item by gradspec), the inputs drawn through ``@given`` for the running case, and
pytest's logging plugin left out unless the run's arguments use it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis.database import InMemoryExampleDatabase

from gradspec.pytest_plugin.database_keys import KEY_ATTRIBUTE, database_key, keyed
from gradspec.running_case import case_inputs
from gradspec.supervisor import WITHOUT_LOGGING, suite_options, uses_logging
from tests.conftest import run_suite
from tests.test_determinism import DEVIATION, SELECTION  # a deviation many specs find, some after a search


def _dev_run(report_dir: Path) -> dict[str, dict[str, Any]]:
    result = run_suite(DEVIATION, "--device=cpu", f"--report-dir={report_dir}", *SELECTION, ci=False)
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr[-3000:]
    report = json.loads((report_dir / "torch-cpu.json").read_text())
    assert report["hypothesis_profile"] == "dev"
    return {row["id"]: row for row in report["results"]}


@pytest.mark.torch
@pytest.mark.e2e
def test_a_dev_run_tries_first_each_failure_the_previous_run_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HYPOTHESIS_STORAGE_DIRECTORY", str(tmp_path / "hypothesis"))
    first = _dev_run(tmp_path / "first")
    failed = sorted(spec for spec, row in first.items() if row["outcome"] == "fail")
    assert len(failed) >= 5 and any(first[spec]["examples"] > 1 for spec in failed), "failures should need a search"
    second = _dev_run(tmp_path / "second")
    for spec in failed:  # each item replays its own shrunk failure: the keys are per item
        assert (second[spec]["outcome"], second[spec]["examples"]) == ("fail", 1), spec
        assert second[spec]["counterexample"] == first[spec]["counterexample"], spec


def test_the_profiles_do_not_inherit_hypothesis_s_ci_profile() -> None:
    """Hypothesis loads its own "ci" profile wherever a CI variable is set, even empty."""
    probe = (
        "from gradspec.profiles import PROFILES as p; "
        "print(p['dev'].derandomize, p['dev'].database is None, p['thorough'].derandomize, "
        "p['ci'].derandomize, p['ci'].database is None)"
    )
    for ci in ("", "true"):
        seen = subprocess.run([sys.executable, "-c", probe], env={**os.environ, "CI": ci}, capture_output=True, text=True, check=True)
        assert seen.stdout.split() == ["False", "False", "False", "True", "True"], (ci, seen.stdout, seen.stderr)


def test_each_item_has_its_own_key_and_a_test_without_database_none() -> None:
    @settings(database=InMemoryExampleDatabase())
    @given(drawn=case_inputs())
    def stored(drawn: Any) -> None: ...

    @settings(database=None)
    @given(drawn=case_inputs())
    def unstored(drawn: Any) -> None: ...

    keys = {database_key(stored, node) for node in ("t.py::f[a]", "t.py::f[b]", "t.py::f[a]")}
    assert len(keys) == 2 and None not in keys
    assert database_key(unstored, "t.py::f[a]") is None
    with keyed(stored, "t.py::f[a]"):
        assert getattr(stored, KEY_ATTRIBUTE) == database_key(stored, "t.py::f[a]")
    assert not hasattr(stored, KEY_ATTRIBUTE)


def test_drawing_the_running_case_s_inputs_outside_a_run_says_why() -> None:
    @settings(database=None, max_examples=1)
    @given(drawn=case_inputs())
    def suite_function(drawn: Any) -> None: ...

    with pytest.raises(RuntimeError, match="no gradspec case is running"):
        suite_function()


@pytest.mark.parametrize(
    "arguments",
    [["--log-cli-level=INFO"], ["--log-level", "DEBUG"], ["-p", "logging"], ["-plogging"], ["-o", "log_cli=true"],
     ["-olog_cli=true"], ["--override-ini", "log_level=INFO"], ["--override-ini=log_level=INFO"]],
)
def test_a_run_keeps_pytest_s_logging_plugin_when_its_arguments_use_it(arguments: list[str]) -> None:
    assert uses_logging(arguments)
    assert not set(WITHOUT_LOGGING[1:]) & set(suite_options(arguments))


@pytest.mark.parametrize("arguments", [[], ["-k", "logsumexp or log_softmax"], ["-p", "xdist"], ["-o", "xfail_strict=true"]])
def test_a_run_leaves_pytest_s_logging_plugin_out_otherwise(arguments: list[str]) -> None:
    assert not uses_logging(arguments)
    assert suite_options(arguments)[-2:] == WITHOUT_LOGGING
