"""A backend that crashes, aborts, hangs or leaks in one spec costs that spec an ``error`` under
``--isolate``; the run completes and writes its report.  An interrupted run leaves no broken
report behind."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_suite

pytestmark = [pytest.mark.torch, pytest.mark.e2e]

SELECTION = ("-k", "item.single_element or tolist.matches_numpy or requires_grad.factory.default_false")


#: The spec timeout of the run where the backend hangs; the others get a generous one, so that a
#: loaded machine (pytest-xdist workers beside the run) never turns a crash or a leak into a hang.
HANG_TIMEOUT, TIMEOUT = 5, 60


@pytest.mark.parametrize("adapter, broken, reason", [
    ("SegfaultsOnItem", "item.single_element", "the backend crashed: its process was killed by signal 11 (SIGSEGV)"),
    ("AbortsOnTolist", "tolist.matches_numpy", "the backend crashed: its process was killed by signal 6 (SIGABRT)"),
    ("HangsOnItem", "item.single_element", f"the backend hung: no result within {HANG_TIMEOUT} s, so the spec's process was killed"),
    ("LeaksOnItem", "item.single_element", "raised MemoryError"),
])
def test_a_broken_backend_costs_one_spec_an_error_and_the_report_is_complete(
        adapter: str, broken: str, reason: str, tmp_path: Path) -> None:
    timeout = HANG_TIMEOUT if adapter == "HangsOnItem" else TIMEOUT
    result = run_suite(f"--adapter=tests.planted.crashing:{adapter}", "--device=cpu", "--isolate",
                       f"--spec-timeout={timeout}", "--spec-memory=1024", f"--report-dir={tmp_path}", *SELECTION)
    assert result.returncode == 1, result.stdout[-2000:]
    rows = json.loads((tmp_path / "torch-cpu.json").read_text())["results"]
    assert {row["id"]: row["outcome"] for row in rows if row["outcome"] != "pass"} == {broken: "error"}
    assert len(rows) == 8
    assert reason in next(row["error"] for row in rows if row["id"] == broken)


def test_isolated_runs_report_the_same_failures_as_plain_runs(tmp_path: Path) -> None:
    outcomes = []
    for mode in ((), ("--isolate",)):
        report_dir = tmp_path / ("isolated" if mode else "plain")
        run_suite("--adapter=tests.planted.tutorial:ItemAlwaysFloat", "--device=cpu", f"--report-dir={report_dir}", *mode, *SELECTION)
        rows = json.loads((report_dir / "torch-cpu.json").read_text())["results"]
        outcomes.append([(row["id"], row["outcome"], row["counterexample"], row["examples"]) for row in rows])
    assert outcomes[0] == outcomes[1]
    assert ("item.single_element", "fail", "x = array(False, dtype=bool)", 1) in outcomes[1]


def test_an_interrupted_run_leaves_no_half_written_report(tmp_path: Path) -> None:
    report = tmp_path / "torch-cpu.json"
    report.write_text('{"an": "earlier report"}\n')
    command = [sys.executable, "-m", "pytest", str(ROOT / "suites"), "-p", "no:cacheprovider", "-q",
               "--device=cpu", f"--report-dir={tmp_path}", "--hypothesis-profile=thorough"]
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, "CI": "true"},
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    time.sleep(8)
    output = _interrupt(process)
    assert process.returncode == 2, output[-2000:]  # pytest's "interrupted"
    data = json.loads(report.read_text())  # whole JSON: the earlier report, or a partial one marked so
    assert data == {"an": "earlier report"} or data["complete"] is False
    assert [path.name for path in tmp_path.iterdir() if path.name.startswith(".")] == []


def _interrupt(process: subprocess.Popen[str], tries: int = 10) -> str:
    """Ctrl-C until the run stops; its output.  CPython drops a KeyboardInterrupt raised while a
    garbage-collection callback runs (Hypothesis registers one), so a single SIGINT that lands
    in a collection is lost, as a user would see when a first Ctrl-C does nothing."""
    for _ in range(tries):
        process.send_signal(signal.SIGINT)
        try:
            output, _ = process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            continue
        return output
    process.kill()
    output, _ = process.communicate()
    pytest.fail(f"the run ignored {tries} SIGINTs:\n{output[-2000:]}")
