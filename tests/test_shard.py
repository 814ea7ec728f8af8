"""Sharded runs: ``--shard=I/N`` splits the specs deterministically, and ``gradspec merge``
makes the shards' reports the report of the whole run, refusing shards of different runs."""
from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from gradspec.cli import main as gradspec_main
from gradspec.merge import MergeError, merge_reports
from gradspec.pytest_plugin.collection import in_shard
from gradspec.report import Result, SpecSet, build_report
from tests.conftest import run_suite

IDS = [f"area.spec_{index:02d}" for index in range(10)]
SPEC_SET = SpecSet({spec_id: f"{index:064x}" for index, spec_id in enumerate(IDS)})
ADAPTER = SimpleNamespace(name="lib", library="lib", library_version=lambda: "1.0")
_SOME_AREAS = ("-k", "not operators and (requires_grad or grad_mode or aliasing or item)")


def _result(spec_id: str, outcome: str = "pass") -> Result:
    return Result(id=spec_id, title=f"title of {spec_id}", area="area", kind="property", source=[{"tutorial": "T1"}],
                  device="cpu", outcome=outcome, examples=3, shrink_runs=0, duration=0.1)


def _shard(index: int, count: int, **changes: Any) -> dict[str, Any]:
    ids = sorted(in_shard(IDS, (index, count)))
    report = build_report(adapter=ADAPTER, device_kind="cpu", device="cpu", profile="ci", spec_set=SPEC_SET,
                          results=[_result(spec_id, "fail" if spec_id.endswith("3") else "pass") for spec_id in ids],
                          complete=False, shard=(index, count))
    report.update(changes)
    return report


def _shards(count: int = 3) -> list[dict[str, Any]]:
    return [_shard(index, count) for index in range(1, count + 1)]


@pytest.mark.parametrize("count", [1, 2, 3, 7, 10, 11])
def test_shards_are_disjoint_and_cover_every_spec(count: int) -> None:
    shares = [in_shard(list(reversed(IDS)), (index, count)) for index in range(1, count + 1)]
    assert sorted(spec_id for share in shares for spec_id in share) == IDS
    assert sum(len(share) for share in shares) == len(IDS)


def test_merged_shards_are_the_complete_report() -> None:
    merged = merge_reports(_shards(), ["1", "2", "3"])
    assert merged["complete"] is True and merged["shard"] is None
    assert [row["id"] for row in merged["results"]] == IDS
    assert merged["summary"] == {"total": 10, "pass": 9, "fail": 1, "error": 0, "not_applicable": 0, "skipped": 0,
                                 "conformance": 0.9, "coverage": 1.0}
    assert merged["areas"]["area"]["fail"] == 1


@pytest.mark.parametrize(("change", "problem"), [
    (lambda shards: shards[:2], "missing shard(s) 3 of 3"),
    (lambda shards: [shards[0], shards[1], shards[1]], "3: shard 2 of 3 is also 2"),
    (lambda shards: [shards[0], shards[1], {**shards[2], "library": {**shards[2]["library"], "version": "1.1"}}],
     "3: library is {'adapter': 'lib', 'name': 'lib', 'version': '1.1', 'capabilities': [], 'lacks': {}}, but 1 has "
     "{'adapter': 'lib', 'name': 'lib', 'version': '1.0', 'capabilities': [], 'lacks': {}}: shards of different runs are never merged"),
    (lambda shards: [shards[0], shards[1], {**shards[2], "spec_set": {"count": 10, "digest": "0" * 64}}],
     "3: spec_set is"),
    (lambda shards: [shards[0], shards[1], {**shards[2], "hypothesis_profile": "dev"}], "3: hypothesis_profile is 'dev'"),
    (lambda shards: [shards[0], shards[1], {**shards[2], "device": {"kind": "cuda", "name": "cuda:0"}}], "3: device.kind is 'cuda'"),
    (lambda shards: [shards[0], shards[1], {**shards[2], "shard": None}], "3: not the report of a shard"),
    (lambda shards: [shards[0], shards[1], _shard(3, 4)], "3: shard 3 of 4, but 1 is one of 3"),
    (lambda shards: [shards[0], shards[1], {**shards[2], "format": "other/1"}], "3: not a gradspec report"),
    (lambda shards: [shards[0], shards[1], {key: value for key, value in shards[2].items() if key != "spec_set"}],
     "3: written without its spec set"),
    (lambda shards: [shards[0], shards[1], {**shards[2], "results": shards[2]["results"] + shards[1]["results"][:1]}],
     "3: area.spec_01 is in two shards"),
    (lambda shards: [shards[0], shards[1], {**shards[2], "results": shards[2]["results"][1:]}],
     "the shards hold 9 specs, but the run covers 10"),
])
def test_shards_of_different_runs_are_refused(change: Any, problem: str) -> None:
    with pytest.raises(MergeError) as refused:
        merge_reports(change(_shards()), ["1", "2", "3"])
    assert str(refused.value).startswith(problem)


def test_merge_command_writes_the_whole_runs_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for shard in _shards():
        (tmp_path / f"lib-cpu.shard-{shard['shard']['index']}-of-3.json").write_text(json.dumps(shard), encoding="utf-8")
    assert gradspec_main(["merge", str(tmp_path), "--out", str(tmp_path / "out")]) == 0
    merged = json.loads((tmp_path / "out" / "lib-cpu.json").read_text(encoding="utf-8"))
    assert merged["complete"] and len(merged["results"]) == 10
    assert (tmp_path / "out" / "lib-cpu.md").exists()
    (tmp_path / "lib-cpu.shard-2-of-3.json").unlink()
    assert gradspec_main(["merge", str(tmp_path), "--out", str(tmp_path / "out")]) == 4
    assert "missing shard(s) 2 of 3" in capsys.readouterr().err


#: What must agree between a sharded and an unsharded run, spec by spec (durations differ).
_COMPARED = ("outcome", "examples", "shrink_runs", "counterexample", "error", "replay", "title", "area", "kind", "source")


@pytest.mark.torch
@pytest.mark.e2e
def test_three_shards_merged_equal_the_unsharded_run(tmp_path: Path) -> None:
    # Four runs of a few areas' specs: sharding and merging do not depend on which specs there
    # are, and four runs of every spec outside the operator table took 110 s of the own tests' 460 s.
    whole = run_suite("--device=cpu", f"--report-dir={tmp_path / 'whole'}", *_SOME_AREAS)
    assert whole.returncode == 0, whole.stdout + whole.stderr
    for index in (1, 2, 3):
        shard = run_suite("--device=cpu", f"--shard={index}/3", f"--report-dir={tmp_path / 'shards'}", *_SOME_AREAS)
        assert shard.returncode == 0, shard.stdout + shard.stderr
    assert gradspec_main(["merge", str(tmp_path / "shards"), "--out", str(tmp_path / "merged")]) == 0
    expected = json.loads((tmp_path / "whole" / "torch-cpu.json").read_text(encoding="utf-8"))
    merged = json.loads((tmp_path / "merged" / "torch-cpu.json").read_text(encoding="utf-8"))
    assert merged["complete"] == expected["complete"] and merged["spec_set"] == expected["spec_set"]
    assert {key: merged[key] for key in ("library", "device", "summary", "areas")} == \
           {key: expected[key] for key in ("library", "device", "summary", "areas")}
    rows = {row["id"]: {key: row[key] for key in _COMPARED} for row in merged["results"]}
    assert rows == {row["id"]: {key: row[key] for key in _COMPARED} for row in expected["results"]}
