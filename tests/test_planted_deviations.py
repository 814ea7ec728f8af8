"""Every spec can fail: planted deviations of the PyTorch adapter are each reported.

A deviation must be reported as ``fail`` (non-conformance), never as ``error``, by each spec
listed for it, and every spec that runs on the CPU is listed for at least one deviation.
"""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, Phase, settings

from gradspec.loader import load_specs
from gradspec.runner import Case, check_case
from tests.planted import CAUGHT_BY

SPECS = {spec.id: spec for spec in load_specs()}
SEARCH = settings(max_examples=200, derandomize=True, database=None, deadline=None,
                  phases=[Phase.explicit, Phase.generate], report_multiple_bugs=False,
                  suppress_health_check=[HealthCheck.too_slow])

PAIRS = [(deviation, spec_id) for deviation, spec_ids in CAUGHT_BY.items() for spec_id in sorted(spec_ids)]


@pytest.mark.parametrize(("deviation", "spec_id"), PAIRS, ids=[f"{d.__name__}-{s}" for d, s in PAIRS])
def test_planted_deviation_is_reported_as_a_failure(deviation: type, spec_id: str) -> None:
    verdict = check_case(Case(SPECS[spec_id], deviation(), "cpu", "cpu"), SEARCH)
    assert verdict.outcome == "fail", f"{deviation.__name__} on {spec_id}: {verdict.outcome}: {verdict.error}"


def test_every_spec_running_on_cpu_catches_some_deviation() -> None:
    caught = set().union(*CAUGHT_BY.values())
    cpu_specs = {spec_id for spec_id, spec in SPECS.items() if spec.devices is None or "cpu" in spec.devices}
    assert cpu_specs - caught == set()
    assert caught - set(SPECS) == set(), "CAUGHT_BY names specs that do not exist"
