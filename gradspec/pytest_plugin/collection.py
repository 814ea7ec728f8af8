"""From specs to pytest parameters: one case per spec and device kind, with the marks that
decide a case's outcome before it runs (not applicable, device absent, a known failure)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pytest

from gradspec.adapters.protocol import Adapter
from gradspec.baseline import Baseline
from gradspec.errors import BackendError, SpecFailure
from gradspec.profiles import operator_shrink_budget
from gradspec.runner import Case
from gradspec.spec import Spec

CASE_PARAMETER = "gradspec_case"
#: The suite's test functions (suites/test_specs.py): one test per spec case, and one per
#: operator case of an ``over: operators`` spec (with the operator example budget).
CASE_TEST = "test_spec"
OPERATOR_TEST = "test_operator"
CASE_TESTS = (CASE_TEST, OPERATOR_TEST)
OUTCOME_MARK = "gradspec_outcome"


def in_shard(spec_ids: Sequence[str], shard: tuple[int, int] | None) -> set[str]:
    """The ids of shard ``(i, n)``: every n-th spec in id order, starting from the i-th, so
    the shards are disjoint, cover every spec, and do not depend on the machine."""
    if shard is None:
        return set(spec_ids)
    index, count = shard
    return {spec_id for position, spec_id in enumerate(sorted(spec_ids)) if position % count == index - 1}


def devices_of(available: Sequence[str], kind: str) -> list[str]:
    return [name for name in available if name.split(":")[0] == kind]


def device_for(available: Sequence[str], kind: str, worker: int | None) -> str | None:
    """The device a process runs ``kind`` on: the first one, or, for pytest-xdist worker ``n``
    on a machine with several (``cuda:0``, ``cuda:1``...), the ``n``-th in turn, so that
    workers spread over the GPUs."""
    devices = devices_of(available, kind)
    if not devices:
        return None
    return devices[(worker or 0) % len(devices)]


def case_parameter(
    spec: Spec,
    adapter: Adapter,
    kind: str,
    device: str | None,
    specs_args: tuple[str, ...],
    gate: Baseline | None,
    today: dt.date,
) -> Any:
    """The pytest parameter of one spec on one device kind."""
    shrink_budget = operator_shrink_budget() if spec.operator is not None else None
    case = Case(spec=spec, adapter=adapter, device_kind=kind, device=device, specs_args=specs_args, shrink_budget=shrink_budget)
    missing = sorted(spec.requires - adapter.capabilities)
    if missing:
        return _skipped(case, "not_applicable", f"not applicable: {adapter.name} lacks {', '.join(missing)}")
    if spec.operator is not None and spec.operator not in adapter.operators:
        return _skipped(case, "not_applicable", f"not applicable: {adapter.name} has no analogue of the operator {spec.operator}")
    if spec.devices is not None and kind not in spec.devices:
        return _skipped(case, "not_applicable", f"not applicable: the behaviour concerns {', '.join(sorted(spec.devices))} only")
    if case.device is None:
        return _skipped(case, "skipped", f"device absent: {adapter.name} has no {kind} device here")
    entry = gate.entry(spec.id, kind) if gate is not None else None
    if entry is not None and not entry.expired(today):
        case.known_reason = entry.reason
        case.known_signature = entry.signature
        case.known_intermittent = entry.intermittent
        known = pytest.mark.xfail(
            strict=not entry.intermittent, raises=(SpecFailure, BackendError), reason=f"known non-conformance: {entry.reason}"
        )
        return pytest.param(case, id=case.id, marks=[known])
    return pytest.param(case, id=case.id)


def _skipped(case: Case, outcome: str, reason: str) -> Any:
    return pytest.param(case, id=case.id, marks=[pytest.mark.skip(reason=reason), getattr(pytest.mark, OUTCOME_MARK)(outcome)])


def case_of(item: pytest.Item) -> Case | None:
    """The gradspec case a test item runs, if it is one."""
    callspec = getattr(item, "callspec", None)
    case = callspec.params.get(CASE_PARAMETER) if callspec is not None else None
    return case if isinstance(case, Case) else None
