"""The CI gate: a run against a baseline of known non-conformances passes when the only
failures are recorded ones (``--baseline``), or rewrites the baseline (``--update-baseline``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from gradspec.baseline import Baseline, Failure, dump, load_baseline, updated
from gradspec.errors import SpecError
from gradspec.pytest_plugin.reporting import JUDGED
from gradspec.report import Result, write_atomically


class Gate:
    """One run's baseline: read before the run, checked or rewritten after it."""

    def __init__(self, path: Path, *, update: bool) -> None:
        self.path = path
        self.update = update
        self.problems: list[str] = []
        self.baseline: Baseline | None = None
        if path.exists():
            try:
                self.baseline = load_baseline(path)
            except SpecError as error:
                raise pytest.UsageError(f"gradspec: {error}") from None
        elif not update:
            raise pytest.UsageError(f"gradspec: no baseline file {path} (create it with --update-baseline)")

    @property
    def gating(self) -> Baseline | None:
        """The baseline the run is judged by (none while it is being rewritten)."""
        return None if self.update else self.baseline

    def finish(self, results: list[Result], spec_ids: list[str], adapter: str, today: dt.date) -> list[str]:
        """Check the baseline against a finished run (or rewrite it); returns lines to print."""
        if self.update:
            return [self._rewrite(results, adapter)] if results else []
        if self.baseline is not None and results:
            not_applicable = [(r.id, r.device) for r in results if r.outcome == "not_applicable"]
            self.problems = self.baseline.problems(spec_ids, adapter, today, not_applicable)
        return []

    def _rewrite(self, results: list[Result], adapter: str) -> str:
        failures = {(r.id, r.device): Failure(r.error or "", r.signature) for r in results if r.outcome in ("fail", "error")}
        run = {(r.id, r.device) for r in results if r.outcome in (*JUDGED, "not_applicable")}
        data = updated(self.baseline, adapter, failures, run)
        write_atomically(self.path, dump(data))
        return f"gradspec: wrote {self.path} with {len(data['entries'])} known non-conformance(s)"

    def passes(self, results: list[Result]) -> bool:
        """The gate's verdict from gradspec's outcomes, whatever pytest made of them: no new
        failure or error, nothing fixed, no baseline problem."""
        if self.update:
            return True
        return not _new(results) and not _fixed(results) and not self.problems

    def summary(self, results: list[Result]) -> list[tuple[str, bool]]:
        """The gate's terminal lines, each with whether it is shown in red."""
        if self.update:
            return []
        known = sum(1 for r in results if r.baseline == "known")
        unseen = sum(1 for r in results if r.baseline == "unseen")
        changed = [r for r in results if r.baseline == "changed"]
        lines = [
            (
                f"gradspec gate ({self.path}): {known} known"
                + (f", {unseen} intermittent not found" if unseen else "")
                + f", {len(_new(results))} new"
                + (f" ({len(changed)} of them known specs failing another way)" if changed else "")
                + f", {len(_fixed(results))} fixed "
                "(remove their entries), "
                f"{len(self.problems)} baseline problem(s)",
                False,
            )
        ]
        lines += [
            (f"gradspec gate: {r.id} [{r.device}] now fails as: {r.signature} ({self._recorded(r)})", True) for r in changed
        ]
        return lines + [(f"gradspec gate: {problem}", True) for problem in self.problems]

    def _recorded(self, result: Result) -> str:
        entry = self.baseline.entry(result.id, result.device) if self.baseline else None
        return f"recorded: {entry.signature}" if entry and entry.signature else "recorded without a signature"


def _new(results: list[Result]) -> list[Result]:
    """Failures and errors the baseline does not record, or records failing another way."""
    return [r for r in results if r.outcome in ("fail", "error") and r.baseline in (None, "changed")]


def _fixed(results: list[Result]) -> list[Result]:
    """Recorded failures that pass now."""
    return [r for r in results if r.baseline == "fixed"]
