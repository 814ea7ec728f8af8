"""Baselines: the known non-conformances of an adapter, so a library can gate its CI on gradspec.

A gated run passes when the only failures are recorded ones.  It fails on a new failure, on a
recorded failure that now passes (tighten the baseline) unless the entry is ``intermittent``, on
an entry that matches no spec, and on an expired entry.  ``--update-baseline`` rewrites the file from a run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from gradspec.errors import SpecError
from gradspec.resources import BASELINE_SCHEMA
from gradspec.schema import Validator, format_path, load_schema
from gradspec.yamldoc import YamlProblem, read_document


@dataclass(frozen=True)
class Entry:
    """One known non-conformance: a spec on a device kind, and why."""

    spec: str
    device: str
    reason: str
    link: str | None = None
    expires: dt.date | None = None
    line: int = 0
    #: How the spec fails (a result's ``signature``); ``None`` accepts any failure of the spec.
    signature: str | None = None
    #: Whether the spec finds the deviation on some draws only: a run that misses it leaves it known.
    intermittent: bool = False

    def expired(self, today: dt.date) -> bool:
        return self.expires is not None and today > self.expires

    def as_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = {"spec": self.spec, "device": self.device, "reason": self.reason}
        if self.link:
            result["link"] = self.link
        if self.expires:
            result["expires"] = self.expires.isoformat()
        if self.signature:
            result["signature"] = self.signature
        if self.intermittent:
            result["intermittent"] = True
        return result


@dataclass(frozen=True)
class Baseline:
    """A baseline file's contents."""

    path: Path
    adapter: str
    entries: tuple[Entry, ...]

    def entry(self, spec_id: str, device: str) -> Entry | None:
        return next((e for e in self.entries if e.spec == spec_id and e.device == device), None)

    def problems(
        self, spec_ids: Iterable[str], adapter: str, today: dt.date, not_applicable: Iterable[tuple[str, str]] = ()
    ) -> list[str]:
        """What makes the baseline itself fail the gate: stale or expired entries, entries of specs
        not applicable to the adapter (``not_applicable``: (spec, device) pairs of the run), another
        adapter."""
        known = set(spec_ids)
        inapplicable = set(not_applicable)
        found = []
        if self.adapter != adapter:
            found.append(f"{self.path}:1: adapter: the baseline is for {self.adapter!r}, but the run tests {adapter!r}")
        for entry in self.entries:
            if entry.spec not in known:
                found.append(f"{self.path}:{entry.line}: {entry.spec} [{entry.device}]: matches no spec (remove the entry)")
            elif (entry.spec, entry.device) in inapplicable:
                found.append(
                    f"{self.path}:{entry.line}: {entry.spec} [{entry.device}]: the spec is not applicable to {adapter} "
                    "(it needs a capability the adapter does not declare): remove the entry"
                )
            elif entry.expired(today):
                found.append(
                    f"{self.path}:{entry.line}: {entry.spec} [{entry.device}]: expired on {entry.expires} (fix the library or renew the entry)"
                )
        return found


def _dates_as_text(value: Any) -> None:
    """An unquoted ``expires: 2027-06-30`` is a YAML date: take it as the ISO text it was written as."""
    entries = value.get("entries") if isinstance(value, dict) else None
    for item in entries if isinstance(entries, list) else []:
        if isinstance(item, dict) and isinstance(item.get("expires"), dt.date):
            item["expires"] = item["expires"].isoformat()


def load_baseline(path: Path) -> Baseline:
    """Read and validate a baseline file; problems raise :class:`SpecError` (``path:line: key: problem``)."""
    label = str(path)
    try:
        document = read_document(path.read_bytes())
    except FileNotFoundError:
        raise SpecError(label, None, "(file)", "no such baseline file") from None
    except YamlProblem as problem:
        raise SpecError(label, problem.line, "(file)", problem.problem) from None
    _dates_as_text(document.value)
    problems = Validator(load_schema(BASELINE_SCHEMA)).problems(document.value)
    if problems:
        first = problems[0]
        raise SpecError(label, document.line(first.path), format_path(first.path), first.message)
    entries = []
    seen: set[tuple[str, str]] = set()
    for index, item in enumerate(document.value["entries"]):
        key = (item["spec"], item["device"])
        line = document.line(("entries", index))
        if key in seen:
            raise SpecError(label, line, f"entries[{index}]", f"{key[0]} [{key[1]}] is listed twice")
        seen.add(key)
        try:
            expires = dt.date.fromisoformat(item["expires"]) if "expires" in item else None
        except ValueError:
            raise SpecError(label, line, f"entries[{index}].expires", f"{item['expires']!r} is not a date") from None
        entries.append(
            Entry(
                item["spec"],
                item["device"],
                item["reason"],
                item.get("link"),
                expires,
                line,
                signature=item.get("signature"),
                intermittent=bool(item.get("intermittent", False)),
            )
        )
    return Baseline(path, document.value["adapter"], tuple(entries))


@dataclass(frozen=True)
class Failure:
    """A failing result, as ``--update-baseline`` records it."""

    error: str
    signature: str | None


def updated(
    baseline: Baseline | None, adapter: str, failures: dict[tuple[str, str], Failure], run: set[tuple[str, str]]
) -> dict[str, Any]:
    """A baseline recording ``failures`` by (spec, device), each with the signature it fails
    with now, keeping the reason, link and expiry of entries still failing, the intermittent
    entries, and the entries of the (spec, device) pairs this run did not judge (``run``: those
    it did, applicable or not): a run narrowed with ``-k`` or ``--shard``, or on a machine
    without a device, leaves the other entries as they were."""
    old = {(e.spec, e.device): e for e in baseline.entries} if baseline else {}
    entries = []
    kept = {k for k, e in old.items() if k not in run or e.intermittent}
    for key in sorted(set(failures) | kept):
        failure = failures.get(key)
        if key in old:
            entry = old[key].as_dict()
        else:
            text = failure.error.strip() if failure else ""
            first_line = text.splitlines()[0] if text else "no message"
            entry = {"spec": key[0], "device": key[1], "reason": f"recorded from a run: {first_line}"}
        if failure is not None and failure.signature:
            entry["signature"] = failure.signature
        entries.append(entry)
    return {"adapter": adapter, "entries": entries}


def dump(data: dict[str, Any]) -> str:
    header = (
        "# gradspec baseline: known non-conformances of this adapter (see README, 'Gating a library's CI').\n"
        "# Each entry needs a reason: the documented behaviour of the library that differs.\n"
    )
    return header + yaml.safe_dump(data, sort_keys=False, width=100, allow_unicode=True)
