"""Outcomes from pytest's reports, and the conformance reports written from them.

Each test report carries its gradspec :class:`~gradspec.report.Result` in ``user_properties``,
so pytest-xdist workers' results reach the controller, which alone writes the reports.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from gradspec.errors import Finding, SpecFailure
from gradspec.pytest_plugin.collection import OUTCOME_MARK, devices_of
from gradspec.report import AdapterIdentity, Result, SpecSet, build_report, report_stem_of, terminal_line, write_report
from gradspec.runner import Case

_PROPERTY = "gradspec"
JUDGED = ("pass", "fail", "error")
#: Characters of each text (error, counterexample, replay command) kept in a report per spec.
MAX_ERROR_CHARS = 2000


def attach(report: pytest.TestReport, result: Result) -> None:
    report.user_properties.append((_PROPERTY, dict(result.__dict__)))


def results_in(report: pytest.TestReport) -> list[Result]:
    return [Result.from_dict(value) for name, value in report.user_properties if name == _PROPERTY and isinstance(value, dict)]


def result_of(case: Case, item: pytest.Item, call: pytest.CallInfo[None], report: pytest.TestReport) -> Result | None:
    """The gradspec outcome of one report phase, or ``None`` for phases that decide nothing."""
    error: str | None = None
    exception = call.excinfo.value if call.excinfo is not None else None
    if report.when == "setup" and report.skipped:
        mark = item.get_closest_marker(OUTCOME_MARK)
        outcome = mark.args[0] if mark else "skipped"
        error = exception.msg if isinstance(exception, pytest.skip.Exception) else None
    elif report.when == "setup" and report.failed:
        outcome, error = "error", str(exception)
    elif report.when == "call":
        outcome = "pass" if exception is None else ("fail" if isinstance(exception, SpecFailure) else "error")
        if isinstance(exception, Finding):
            error = exception.problem
        elif exception is not None:
            error = f"{type(exception).__name__}: {exception}"
    else:
        return None
    finding = exception if isinstance(exception, Finding) else None
    signature = finding.signature if finding else (type(exception).__name__ if exception is not None else None)
    texts = clipped_texts(
        error=error, counterexample=finding.counterexample if finding else None, replay=finding.replay if finding else None
    )
    return Result(
        id=case.spec.id,
        title=case.spec.title,
        area=case.spec.area,
        kind=case.spec.kind,
        source=[source.as_dict() for source in case.spec.sources],
        device=case.device_kind,
        outcome=outcome,
        examples=case.examples,
        shrink_runs=case.shrink_runs,
        duration=round(report.duration, 4),
        counterexample=texts["counterexample"],
        error=texts["error"],
        replay=texts["replay"],
        signature=clip(signature) if signature and outcome in ("fail", "error") else None,
        baseline=_baseline_status(case, outcome, signature) if report.when == "call" else None,
        reason=case.known_reason if report.when == "call" and outcome in ("fail", "error") else None,
    )


def _baseline_status(case: Case, outcome: str, signature: str | None) -> str | None:
    """``known`` (recorded, failing as recorded), ``changed`` (recorded, failing another way),
    ``fixed`` (recorded, passing now), ``unseen`` (recorded as intermittent, not found by this
    run), or ``None`` (not recorded)."""
    if case.known_reason is None:
        return None
    if outcome == "pass":
        return "unseen" if case.known_intermittent else "fixed"
    return "known" if case.is_known(signature) else "changed"


def clip(text: str, limit: int = MAX_ERROR_CHARS) -> str:
    """``text``, cut to ``limit`` characters and a note of how many more there were."""
    return text if len(text) <= limit else f"{text[:limit]}... [{len(text) - limit} more characters]"


def clipped_texts(**texts: str | None) -> dict[str, str | None]:
    """Each text of a result, clipped: a report holds no text longer than :data:`MAX_ERROR_CHARS`
    and a note, whatever a library's message or a drawn example holds."""
    return {name: None if text is None else clip(text) for name, text in texts.items()}


def prepare_report_directory(directory: Path, adapter: str, kinds: list[str], shard: tuple[int, int] | None) -> None:
    """Before a run: check that reports can be written to ``directory``, and remove the reports
    this run will replace, so a run that never finishes leaves no earlier report looking
    current.  Raises ``OSError`` when the folder cannot be written."""
    directory.mkdir(parents=True, exist_ok=True)
    handle, probe = tempfile.mkstemp(prefix=".gradspec-write-check.", dir=directory)
    os.close(handle)
    os.unlink(probe)
    for kind in kinds:
        stem = report_stem_of(adapter, kind, shard)
        for suffix in (".json", ".md"):
            (directory / f"{stem}{suffix}").unlink(missing_ok=True)


def write_reports(
    *,
    adapter: AdapterIdentity,
    results: list[Result],
    spec_set: SpecSet,
    profile: str,
    selection: str | None,
    shard: tuple[int, int] | None,
    directory: Path,
    kinds: list[str],
    interrupted: str | None = None,
    lost: int = 0,
) -> list[str]:
    """One report per device kind of the run on which something ran (on each, when the run was
    interrupted: its earlier report is gone); returns the terminal lines. ``lost`` counts the
    cases that ended without a gradspec outcome (their device is unknown: each report gets it)."""
    lines = []
    for kind in kinds:
        ran = [result for result in results if result.device == kind]
        if not any(result.outcome in JUDGED for result in ran) and interrupted is None:
            continue  # nothing ran on this device (it is absent here)
        device = ",".join(devices_of(list(adapter.devices), kind)) or kind
        complete = len(ran) == len(spec_set.digests) and selection is None and shard is None
        report = build_report(
            adapter=adapter,
            device_kind=kind,
            device=device,
            profile=profile,
            results=ran,
            complete=complete,
            selection=selection,
            spec_set=spec_set,
            shard=shard,
            interrupted=interrupted,
            lost=lost,
        )
        lines.append(terminal_line(report, write_report(report, directory)))
    return lines


def absent_devices_line(results: list[Result]) -> str | None:
    absent = [result for result in results if result.outcome == "skipped"]
    if not absent:
        return None
    kinds = ", ".join(sorted({result.device for result in absent}))
    return f"gradspec: {len(absent)} spec run(s) skipped on {kinds}: device absent"
