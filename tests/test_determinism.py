"""Determinism: two runs with the CI profile give identical outcomes and counterexamples, and a
parallel run (pytest-xdist, ``-n 2``) gives a serial run's outcomes in one merged report.

The runs use a planted deviation that many specs catch, some only after dozens of examples and
all with a shrunk counterexample, so that generation and shrinking are both compared; the
selection mixes failing and passing specs (``scripts/check_determinism.py`` does the same for
the whole suite, repeated).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_suite

pytestmark = [pytest.mark.torch, pytest.mark.e2e]

DEVIATION = "--adapter=tests.planted.tutorial:SigmoidIsNotRecorded"
SELECTION = ("-k", "requires_grad.propagation or requires_grad.leaf or requires_grad.nonleaf or grad.hooks or grad.nonleaf")
#: What a run must reproduce for each spec; ``duration`` and the report's ``created`` may differ.
FIELDS = ("id", "device", "outcome", "counterexample", "examples", "shrink_runs", "error", "replay")


def run(report_dir: Path, *extra: str) -> list[dict[str, Any]]:
    """Run the selection with the CI profile; the report's results, field by field."""
    result = run_suite(DEVIATION, "--device=cpu", f"--report-dir={report_dir}", *SELECTION, *extra)
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr[-3000:]  # failures, nothing else
    report = json.loads((report_dir / "torch-cpu.json").read_text())
    assert report["hypothesis_profile"] == "ci"
    return [{name: row[name] for name in FIELDS} for row in report["results"]]


@pytest.fixture(scope="module")
def serial_runs(tmp_path_factory: pytest.TempPathFactory) -> list[list[dict[str, Any]]]:
    return [run(tmp_path_factory.mktemp(f"serial{index}")) for index in range(2)]


def test_two_ci_runs_give_identical_outcomes_and_counterexamples(serial_runs: list[list[dict[str, Any]]]) -> None:
    first, second = serial_runs
    outcomes = {row["outcome"] for row in first}
    assert outcomes == {"pass", "fail"} and len(first) >= 15, "the selection should mix failing and passing specs"
    assert all(row["counterexample"] for row in first if row["outcome"] == "fail")
    assert any(row["examples"] > 10 for row in first if row["outcome"] == "fail"), "some failure should need a search"
    assert json.dumps(first, sort_keys=True).encode() == json.dumps(second, sort_keys=True).encode()


def test_a_parallel_run_gives_the_serial_outcomes_in_one_report(serial_runs: list[list[dict[str, Any]]],
                                                                 tmp_path: Path) -> None:
    parallel = run(tmp_path, "-n", "2")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["torch-cpu.json", "torch-cpu.md"]

    def key(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
        return [(row["id"], row["outcome"], row["counterexample"], row["examples"]) for row in rows]

    assert key(parallel) == key(serial_runs[0])
