"""The CI gate: a baseline of known non-conformances makes a gated run pass; anything new,
fixed, stale or expired fails it.  Exercised on a planted deviation of the PyTorch adapter."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
import yaml

from tests.conftest import run_suite

pytestmark = [pytest.mark.torch, pytest.mark.e2e]

DEVIATION = "--adapter=tests.planted.tutorial:ItemAlwaysFloat"
SELECTION = ("-k", "item.single_element or item.numel_must_be_one or tolist.matches_numpy")
FAILING = "item.single_element"


def gated(baseline: Path, *extra: str):
    return run_suite(DEVIATION, "--device=cpu", "--no-report", f"--baseline={baseline}", *SELECTION, *extra)


def write(baseline: Path, entries: list[dict[str, str]], adapter: str = "torch") -> Path:
    baseline.write_text(yaml.safe_dump({"adapter": adapter, "entries": entries}))
    return baseline


KNOWN = {"spec": FAILING, "device": "cpu", "reason": "item() of an integer tensor gives a float in this library"}


def test_update_baseline_records_the_failures_and_the_gate_then_passes(tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.yaml"
    updated = gated(baseline, "--update-baseline")
    assert updated.returncode == 0, updated.stdout[-2000:]
    entries = yaml.safe_load(baseline.read_text())["entries"]
    assert [(e["spec"], e["device"]) for e in entries] == [(FAILING, "cpu")]
    assert entries[0]["reason"].startswith("recorded from a run: then `identical(value, x.item())`")
    assert entries[0]["signature"] == "then `identical(value, x.item())`: false"
    result = gated(baseline)
    assert result.returncode == 0, result.stdout[-2000:]
    assert "1 known, 0 new, 0 fixed" in result.stdout and "1 xfailed" in result.stdout


@pytest.mark.parametrize(("named", "expected"), [((), "ci"), (("--hypothesis-profile=dev",), "dev")])
def test_a_gated_run_draws_the_derandomized_ci_profile_unless_another_is_named(
    tmp_path: Path, named: tuple[str, ...], expected: str
) -> None:
    """Outside CI the default profile draws afresh each run; a gate must give the same verdict
    twice, so ``--baseline`` loads ``ci`` when no profile is named."""
    baseline = write(tmp_path / "baseline.yaml", [KNOWN])
    command = (DEVIATION, "--device=cpu", f"--report-dir={tmp_path}", f"--baseline={baseline}", *SELECTION, *named)
    result = run_suite(*command, ci=False)
    assert result.returncode == 0, result.stdout[-2000:]
    report = json.loads(next(tmp_path.glob("*-cpu.json")).read_text())
    assert report["hypothesis_profile"] == expected


def test_update_keeps_the_reasons_already_written(tmp_path: Path) -> None:
    baseline = write(tmp_path / "baseline.yaml", [{**KNOWN, "link": "https://example.org/issue/1", "expires": "2999-01-01"}])
    assert gated(baseline, "--update-baseline").returncode == 0
    assert yaml.safe_load(baseline.read_text())["entries"] == [
        {**KNOWN, "link": "https://example.org/issue/1", "expires": "2999-01-01", "signature": "then `identical(value, x.item())`: false"}
    ]


def test_a_known_spec_failing_in_another_way_fails_the_gate(tmp_path: Path) -> None:
    """The entry records how the spec fails; the same spec failing otherwise (another step,
    another exception, another property) is new."""
    recorded = {**KNOWN, "signature": "step `value = t.item()`: raised TypeError"}
    result = gated(write(tmp_path / "baseline.yaml", [recorded]))
    assert result.returncode == 1, result.stdout[-2000:]
    assert "0 known, 1 new (1 of them known specs failing another way)" in result.stdout
    assert (
        f"{FAILING} [cpu] now fails as: then `identical(value, x.item())`: false "
        "(recorded: step `value = t.item()`: raised TypeError)"
    ) in result.stdout


def test_an_entry_without_a_signature_matches_any_failure_of_its_spec(tmp_path: Path) -> None:
    result = gated(write(tmp_path / "baseline.yaml", [KNOWN]))
    assert result.returncode == 0, result.stdout[-2000:]
    assert "1 known, 0 new" in result.stdout


def test_a_new_failure_fails_the_gate(tmp_path: Path) -> None:
    result = gated(write(tmp_path / "baseline.yaml", []))
    assert result.returncode == 1
    assert "0 known, 1 new" in result.stdout


def test_a_recorded_failure_that_now_passes_fails_the_gate(tmp_path: Path) -> None:
    baseline = write(tmp_path / "baseline.yaml", [{**KNOWN, "spec": "tolist.matches_numpy"}, KNOWN])
    result = gated(baseline)
    assert result.returncode == 1
    assert "[XPASS(strict)] known non-conformance" in result.stdout and "1 fixed" in result.stdout


def test_an_intermittent_entry_that_this_run_does_not_find_is_unseen_not_fixed(tmp_path: Path) -> None:
    """A deviation found on some draws only: a run that misses it keeps the gate green and says
    so; the update keeps the entry."""
    passing = {**KNOWN, "spec": "tolist.matches_numpy", "intermittent": True}
    baseline = write(tmp_path / "baseline.yaml", [passing, KNOWN])
    result = run_suite(DEVIATION, "--device=cpu", f"--report-dir={tmp_path}", f"--baseline={baseline}", *SELECTION)
    assert result.returncode == 0, result.stdout[-2000:]
    assert "1 known, 1 intermittent not found, 0 new, 0 fixed" in result.stdout
    rows = {r["id"]: r for r in json.loads(next(tmp_path.glob("*-cpu.json")).read_text())["results"]}
    assert rows["tolist.matches_numpy"]["outcome"] == "pass" and rows["tolist.matches_numpy"]["baseline"] == "unseen"
    assert gated(baseline, "--update-baseline").returncode == 0
    kept = yaml.safe_load(baseline.read_text())["entries"]
    assert [(e["spec"], e.get("intermittent", False)) for e in kept] == [(FAILING, False), ("tolist.matches_numpy", True)]


def test_an_intermittent_entry_found_failing_another_way_is_new(tmp_path: Path) -> None:
    recorded = {**KNOWN, "intermittent": True, "signature": "step `value = t.item()`: raised TypeError"}
    result = gated(write(tmp_path / "baseline.yaml", [recorded]))
    assert result.returncode == 1, result.stdout[-2000:]
    assert "0 known, 1 new (1 of them known specs failing another way)" in result.stdout


def test_an_entry_that_matches_no_spec_fails_the_gate(tmp_path: Path) -> None:
    baseline = write(tmp_path / "baseline.yaml", [KNOWN, {**KNOWN, "spec": "item.no_such_behaviour"}])
    result = gated(baseline)
    assert result.returncode == 1
    assert f"{baseline}:6: item.no_such_behaviour [cpu]: matches no spec (remove the entry)" in result.stdout


def test_an_expired_entry_fails_the_gate_and_no_longer_excuses_the_failure(tmp_path: Path) -> None:
    baseline = write(tmp_path / "baseline.yaml", [{**KNOWN, "expires": "2001-01-01"}])
    result = gated(baseline)
    assert result.returncode == 1
    assert "expired on 2001-01-01" in result.stdout and "0 known, 1 new" in result.stdout


def test_a_baseline_for_another_adapter_fails_the_gate(tmp_path: Path) -> None:
    result = gated(write(tmp_path / "baseline.yaml", [KNOWN], adapter="mylib"))
    assert result.returncode == 1
    assert "the baseline is for 'mylib', but the run tests 'torch'" in result.stdout


def test_a_malformed_baseline_is_a_usage_error_with_its_line(tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.yaml"
    baseline.write_text("adapter: torch\nentries:\n  - spec: item.single_element\n    device: gpu\n    reason: x y z\n")
    result = gated(baseline)
    assert result.returncode == 4
    assert f"{baseline}:4: entries[0].device: 'gpu' is not a device kind" in result.stderr


def test_a_missing_baseline_is_a_usage_error(tmp_path: Path) -> None:
    result = gated(tmp_path / "absent.yaml")
    assert result.returncode == 4 and "create it with --update-baseline" in result.stderr


def test_junit_xml_records_known_failures_as_skipped_and_new_ones_as_failures(tmp_path: Path) -> None:
    junit = tmp_path / "junit.xml"
    result = gated(write(tmp_path / "baseline.yaml", [KNOWN]), f"--junitxml={junit}")
    assert result.returncode == 0
    cases = {case.get("name"): case for case in ElementTree.parse(junit).getroot().iter("testcase")}
    assert cases[f"test_spec[{FAILING}-cpu]"].find("skipped") is not None
    assert all(case.find("failure") is None for case in cases.values())


def test_a_recorded_failure_is_confirmed_by_one_counterexample_not_shrunk(tmp_path: Path) -> None:
    """A known failure ends its test at its first counterexample (no shrinking on every run);
    strict xfail still fails the gate when no example fails any more."""
    baseline = write(tmp_path / "baseline.yaml", [KNOWN])
    result = run_suite(DEVIATION, "--device=cpu", f"--report-dir={tmp_path}", f"--baseline={baseline}", *SELECTION)
    assert result.returncode == 0, result.stdout[-2000:]
    [known] = [r for r in json.loads((tmp_path / "torch-cpu.json").read_text())["results"] if r["id"] == FAILING]
    assert (known["outcome"], known["baseline"], known["shrink_runs"]) == ("fail", "known", 0)
    assert known["counterexample"] and known["replay"]
