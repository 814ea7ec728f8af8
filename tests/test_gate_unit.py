"""The gate's judgement of a baseline against a finished run, without running the suite."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from gradspec.baseline import load_baseline
from gradspec.errors import SpecError
from gradspec.pytest_plugin.gate import Gate
from gradspec.report import Result

BASELINE = """\
adapter: lib
entries:
- spec: area.known
  device: cpu
  reason: the library differs here
- spec: area.now_not_applicable
  device: cpu
  reason: the library used to differ here
"""


def _result(spec_id: str, outcome: str, baseline: str | None = None) -> Result:
    return Result(id=spec_id, title=spec_id, area="area", kind="example", source=[{"tutorial": "T1"}], device="cpu",
                  outcome=outcome, examples=1, shrink_runs=0, duration=0.0, baseline=baseline)


def test_an_entry_whose_spec_is_not_applicable_fails_the_gate(tmp_path: Path) -> None:
    path = tmp_path / "lib.yaml"
    path.write_text(BASELINE, encoding="utf-8")
    gate = Gate(path, update=False)
    results = [_result("area.known", "fail", "known"), _result("area.now_not_applicable", "not_applicable")]
    gate.finish(results, ["area.known", "area.now_not_applicable"], "lib", dt.date(2026, 1, 1))
    assert gate.problems == [f"{path}:6: area.now_not_applicable [cpu]: the spec is not applicable to lib "
                             "(it needs a capability the adapter does not declare): remove the entry"]
    assert [line for line, _ in gate.summary(results)][0].endswith("1 known, 0 new, 0 fixed (remove their entries), 1 baseline problem(s)")


def test_a_baseline_that_matches_the_run_has_no_problem(tmp_path: Path) -> None:
    path = tmp_path / "lib.yaml"
    path.write_text(BASELINE, encoding="utf-8")
    gate = Gate(path, update=False)
    results = [_result("area.known", "fail", "known"), _result("area.now_not_applicable", "error", "known")]
    gate.finish(results, ["area.known", "area.now_not_applicable"], "lib", dt.date(2026, 1, 1))
    assert gate.problems == []


def test_an_unquoted_expiry_date_is_read_as_written(tmp_path: Path) -> None:
    """``expires: 2027-06-30`` unquoted is a YAML date; the baseline takes it as that day."""
    path = tmp_path / "lib.yaml"
    path.write_text(BASELINE.replace("  reason: the library differs here\n", "  reason: the library differs here\n  expires: 2027-06-30\n"))
    [entry, _] = load_baseline(path).entries
    assert entry.expires == dt.date(2027, 6, 30)


def test_an_expiry_with_a_time_of_day_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "lib.yaml"
    path.write_text(BASELINE.replace("  reason: the library differs here\n", "  reason: the library differs here\n  expires: 2027-06-30 10:00:00\n"))
    with pytest.raises(SpecError, match=r":6: entries\[0\]\.expires: '2027-06-30T10:00:00' is not an ISO date"):
        load_baseline(path)


def test_an_update_keeps_the_entries_of_specs_the_run_did_not_judge(tmp_path: Path) -> None:
    """A run narrowed with -k (or a shard, or a machine without the device) rewrites only the
    entries of the specs it judged: a passing one is dropped, a not applicable one too, the
    others stay."""
    path = tmp_path / "lib.yaml"
    path.write_text(BASELINE + "- spec: area.not_selected\n  device: cpu\n  reason: selected out\n"
                    "- spec: area.on_cuda\n  device: cuda\n  reason: no GPU here\n", encoding="utf-8")
    gate = Gate(path, update=True)
    results = [_result("area.known", "pass"), _result("area.now_not_applicable", "not_applicable"),
               _result("area.new", "fail"), Result(**{**_result("area.on_cuda", "skipped").__dict__, "device": "cuda"})]
    gate.finish(results, [], "lib", dt.date(2026, 1, 1))
    kept = [(entry.spec, entry.device) for entry in load_baseline(path).entries]
    assert kept == [("area.new", "cpu"), ("area.not_selected", "cpu"), ("area.on_cuda", "cuda")]
