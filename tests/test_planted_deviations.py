"""Every spec can fail: planted deviations of the PyTorch adapter are each reported.

A deviation must be reported as ``fail`` (non-conformance), never as ``error``, by each spec
listed for it, and every spec that runs on the CPU is listed for at least one deviation.
"""
from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("torch")  # without torch, the module is skipped, not a collection error
pytestmark = pytest.mark.torch

from gradspec.adapters.torch_adapter import TorchAdapter  # noqa: E402
from gradspec.baseline import load_baseline  # noqa: E402
from gradspec.loader import load_specs  # noqa: E402
from gradspec.runner import Case, check_case  # noqa: E402
from tests.conftest import ROOT  # noqa: E402
from tests.planted import CAUGHT_BY, SEARCH, table  # noqa: E402

SPECS = {spec.id: spec for spec in load_specs()}

#: A deviation listed for more per-operator specs than this (one of every operator) is checked
#: here on the specs of a few operators of each family; the mutation table (``python -m
#: tests.planted``, which CI runs) checks every listed spec and fails when one misses its deviation.
_SAMPLED_ABOVE = 20


def _checked_here(spec_ids: set[str]) -> list[str]:
    """The listed specs this module checks: all of them, or those of two operators per family."""
    if len(spec_ids) <= _SAMPLED_ABOVE:
        return sorted(spec_ids)
    from gradspec.operators.table import builtin_table

    families: dict[str, list[str]] = {}
    for spec_id in sorted(spec_ids):
        entry = builtin_table().get(spec_id.partition("[")[2].removesuffix("]"))
        family = entry.family if entry is not None else ""
        families.setdefault(family, []).append(spec_id)
    return sorted(spec_id for listed in families.values() for spec_id in listed[:2])


PAIRS = [(deviation, spec_id) for deviation, spec_ids in CAUGHT_BY.items() for spec_id in _checked_here(spec_ids)]


@pytest.mark.parametrize(("deviation", "spec_id"), PAIRS, ids=[f"{d.__name__}-{s}" for d, s in PAIRS])
def test_planted_deviation_is_reported_as_a_failure(deviation: type, spec_id: str) -> None:
    verdict = check_case(Case(SPECS[spec_id], deviation(), "cpu", "cpu"), SEARCH)
    assert verdict.outcome == "fail", f"{deviation.__name__} on {spec_id}: {verdict.outcome}: {verdict.error}"


def _failed_by_pytorch() -> set[str]:
    """Specs PyTorch fails on every CPU run (its baseline's entries that are not intermittent):
    a deviation planted in PyTorch cannot be seen there, so none is listed for them."""
    baseline = load_baseline(ROOT / "baselines" / "torch.yaml")
    return {entry.spec for entry in baseline.entries if entry.device == "cpu" and not entry.intermittent}


def test_every_spec_running_on_cpu_catches_some_deviation() -> None:
    caught = set().union(*CAUGHT_BY.values())
    cpu_specs = {spec_id for spec_id, spec in SPECS.items() if spec.devices is None or "cpu" in spec.devices}
    assert cpu_specs - caught - _failed_by_pytorch() == set()
    assert caught - set(SPECS) == set(), "CAUGHT_BY names specs that do not exist"


# -- the mutation table (python -m tests.planted) ---------------------------------------------

DEVIATIONS = table.deviations()


def test_every_area_has_at_least_two_deviations() -> None:
    per_area = Counter(deviation.area for deviation in DEVIATIONS)
    areas = {spec_id.split(".")[0] for spec_id in SPECS}
    assert {area: per_area[area] for area in areas if per_area[area] < 2} == {}
    assert set(per_area) <= areas, "a deviation's area is no spec area"


def test_every_kind_of_deviation_appears() -> None:
    # table.deviations() refuses a deviation without a known deviation_kind
    assert {deviation.kind for deviation in DEVIATIONS} == set(table.KINDS)


def test_every_deviation_class_says_its_own_kind() -> None:
    assert [deviation.name for deviation in DEVIATIONS if "deviation_kind" not in vars(deviation.cls)] == []


@pytest.mark.parametrize("spec_id", ["requires_grad.propagation.binary_ops", "tolist.nesting_matches_ndim",
                                     "grad.correctness.matmul"])
def test_the_tables_replay_gives_check_cases_verdicts(spec_id: str) -> None:
    """The table searches each spec once on PyTorch and replays the examples for each deviation;
    that must give what check_case gives: the same outcome after the same number of examples."""
    checked = table.check_spec(spec_id, [deviation.cls for deviation in DEVIATIONS])
    assert checked.reference == "pass"
    by_key = {deviation.key: deviation for deviation in DEVIATIONS}
    failing = [key for key, outcome in checked.outcomes.items() if outcome.outcome != "pass"]
    reached = [key for key, outcome in checked.outcomes.items() if outcome.outcome == "pass" and outcome.ran]
    unreached = [key for key, outcome in checked.outcomes.items() if not outcome.ran]
    assert failing and reached and unreached
    for key in failing + reached[:2] + unreached[:1]:
        case = Case(SPECS[spec_id], by_key[key].cls(), "cpu", "cpu")
        verdict = check_case(case, SEARCH)
        replayed = checked.outcomes[key]
        assert (verdict.outcome, case.examples) == (replayed.outcome, replayed.examples), key


class _NotADeviation(TorchAdapter):
    """Behaves exactly as PyTorch: nothing can catch it."""

    deviation_kind = "missing"


def test_the_table_reports_an_uncaught_deviation_and_fails(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    caught_by = {_NotADeviation: {"tolist.matches_numpy"}, **{d: s for d, s in CAUGHT_BY.items() if d.__name__ == "TolistFlattens"}}
    markdown = tmp_path / "mutations.md"
    status = table.main(["--area=tolist", "--scope=area", "--workers=1", f"--markdown={markdown}"], caught_by=caught_by)
    out = capsys.readouterr().out
    assert status == 1
    assert "Mutation score: 1/2 deviations caught (50.0%)" in out
    assert "Uncaught deviations (gaps in the specs): _NotADeviation" in out
    text = markdown.read_text()
    assert "**Mutation score: 1/2 deviations caught (50.0%).**" in text and "- _NotADeviation" in text


@pytest.mark.e2e
def test_the_command_prints_the_table_and_writes_markdown(tmp_path: Path) -> None:
    markdown = tmp_path / "mutations.md"
    result = subprocess.run([sys.executable, "-m", "tests.planted", "--area=tolist", "--scope=area", f"--markdown={markdown}"],
                            cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Mutation score: 4/4 deviations caught (100.0%)" in result.stdout
    assert "TolistFlattens" in markdown.read_text()
    unknown = subprocess.run([sys.executable, "-m", "tests.planted", "--deviation=NoSuchDeviation"],
                             cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert unknown.returncode == 2 and "NoSuchDeviation" in unknown.stderr


def test_the_classic_operator_bugs_are_caught_within_the_operator_budget() -> None:
    """Duplicate indices, broadcasting, keepdim, ties, a view's offset, double backward and
    float64 precision: each is caught by the examples a ci run gives each operator."""
    from hypothesis import settings

    from gradspec.profiles import OPERATOR_EXAMPLES
    from tests.planted import operators

    budget = settings(SEARCH, max_examples=OPERATOR_EXAMPLES["ci"])
    classic = {deviation: ids for deviation, ids in operators.CAUGHT_BY.items() if len(ids) == 1}
    assert len(classic) >= 7
    for deviation, spec_ids in classic.items():
        (spec_id,) = spec_ids
        verdict = check_case(Case(SPECS[spec_id], deviation(), "cpu", "cpu"), budget)
        assert verdict.outcome == "fail", f"{deviation.__name__} on {spec_id}: {verdict.outcome}"


class _AbortsInAutogradGrad(TorchAdapter):
    """autograd_grad() ends the process, as a library crashing under concurrent calls does."""

    def autograd_grad(self, outputs: Any, inputs: Any, **options: Any) -> Any:
        os.abort()


def test_a_deviation_crashing_a_concurrent_spec_costs_it_an_error_not_the_table() -> None:
    checked = table.check_spec("grad.concurrent.autograd_grad_shared_graph", [_AbortsInAutogradGrad])
    (outcome,) = checked.outcomes.values()
    assert checked.reference == "pass"
    assert (outcome.outcome, outcome.ran) == ("error", True)
    assert outcome.problem == "PyTorch crashed (signal 6) replaying the examples in a child process"
