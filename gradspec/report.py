"""Conformance reports: one JSON document and one Markdown summary per adapter and device."""

from __future__ import annotations

import hashlib
import json
import os
import platform
import re
import tempfile
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import hypothesis
import numpy as np

from gradspec import __version__
from gradspec.adapters.protocol import Adapter

REPORT_FORMAT = "gradspec-report/1"
OUTCOMES = ("pass", "fail", "error", "not_applicable", "skipped")


@dataclass(frozen=True)
class Result:
    """The outcome of one spec on one device."""

    id: str
    title: str
    area: str
    kind: str
    source: list[dict[str, str]]
    device: str
    outcome: str
    examples: int
    shrink_runs: int
    duration: float
    counterexample: str | None = None
    error: str | None = None
    replay: str | None = None
    #: What failed and how, without the example (see :attr:`gradspec.errors.Finding.signature`).
    signature: str | None = None
    #: "known" (recorded, failing as recorded), "changed" (recorded, failing another way),
    #: "fixed" (recorded, now passing), "unseen" (recorded as intermittent, not found this run).
    baseline: str | None = None
    #: The baseline's reason for a recorded failure.
    reason: str | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Result:
        return cls(**data)


@dataclass(frozen=True)
class AdapterIdentity:
    """What the reports and the gate need of an adapter, without the adapter itself."""

    name: str
    library: str
    version: str
    device_kinds: tuple[str, ...]
    devices: tuple[str, ...]
    #: The adapter's tolerances replacing specs' own: spec id -> dtype name -> [rtol, atol].
    tolerance_overrides: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    #: The capabilities the adapter declares, sorted.
    capabilities: tuple[str, ...] = ()
    #: Why the library lacks each capability it does not declare.
    lacks: dict[str, str] = field(default_factory=dict)
    #: The named non-default configuration the library runs in, if any.
    configuration: str | None = None

    @classmethod
    def of(cls, adapter: Adapter) -> AdapterIdentity:
        # Plain builtins: a worker sends this to the controller, and execnet sends only builtins
        # (torch's version is a str subclass).
        return cls(
            str(adapter.name),
            str(adapter.library),
            str(adapter.library_version()),
            tuple(map(str, adapter.device_kinds)),
            tuple(map(str, adapter.devices())),
            tolerance_overrides(adapter),
            tuple(sorted(map(str, adapter.capabilities))),
            lacks_of(adapter),
            configuration_of(adapter),
        )

    def library_version(self) -> str:
        return self.version


@dataclass(frozen=True)
class SpecSet:
    """The specs a run was asked to cover: spec id -> the SHA-256 of its file."""

    digests: dict[str, str]

    @property
    def digest(self) -> str:
        """One digest for the whole set: runs with equal digests ran the same spec texts."""
        lines = "".join(f"{spec_id} {digest}\n" for spec_id, digest in sorted(self.digests.items()))
        return hashlib.sha256(lines.encode("utf-8")).hexdigest()

    def as_dict(self) -> dict[str, Any]:
        return {"count": len(self.digests), "digest": self.digest}


def summarize_rows(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Counts per outcome and the conformance of results as a report holds them (dicts)."""
    counts = Counter(row["outcome"] for row in rows)
    judged = counts["pass"] + counts["fail"] + counts["error"]
    return {
        "total": len(rows),
        **{outcome: counts[outcome] for outcome in OUTCOMES},
        "conformance": counts["pass"] / judged if judged else None,
        "coverage": (len(rows) - counts["not_applicable"]) / len(rows) if rows else None,
    }


def summarize_areas(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """:func:`summarize_rows` per area, the areas sorted."""
    return {area: summarize_rows([row for row in rows if row["area"] == area]) for area in sorted({row["area"] for row in rows})}


def build_report(
    *,
    adapter: AdapterIdentity | Adapter,
    device_kind: str,
    device: str,
    profile: str,
    results: list[Result],
    spec_set: SpecSet,
    complete: bool = True,
    selection: str | None = None,
    shard: tuple[int, int] | None = None,
    interrupted: str | None = None,
    lost: int = 0,
) -> dict[str, Any]:
    """The JSON-ready report of one run on one device (see ``reports/report.schema.json``);
    ``lost`` counts the spec cases that ended without a gradspec outcome (a crashed worker)."""
    rows = [asdict(result) for result in sorted(results, key=lambda result: result.id)]
    return {
        "format": REPORT_FORMAT,
        "gradspec": __version__,
        "library": _library(adapter),
        "device": {"kind": device_kind, "name": device},
        "platform": {
            "python": platform.python_version(),
            "system": platform.system(),
            "machine": platform.machine(),
            "numpy": np.__version__,
            "hypothesis": hypothesis.__version__,
        },
        "hypothesis_profile": profile,
        "complete": complete and interrupted is None and not lost,
        "interrupted": interrupted,
        "lost": lost,
        "selection": selection,
        "shard": None if shard is None else {"index": shard[0], "count": shard[1]},
        "spec_set": spec_set.as_dict(),
        "created": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        "summary": summarize_rows(rows),
        "areas": summarize_areas(rows),
        "results": rows,
    }


def tolerance_overrides(adapter: Adapter) -> dict[str, dict[str, list[float]]]:
    """The adapter's tolerances replacing specs' own, as plain JSON values."""
    overrides = getattr(adapter, "tolerances", None) or {}
    return {
        str(spec): {str(dtype): [float(rtol), float(atol)] for dtype, (rtol, atol) in by_dtype.items()}
        for spec, by_dtype in overrides.items()
    }


def lacks_of(adapter: Adapter) -> dict[str, str]:
    """The adapter's reason for each capability it does not declare, as plain strings."""
    lacks = getattr(adapter, "lacks", None) or {}
    return {
        str(capability): str(reason) for capability, reason in sorted(lacks.items()) if capability not in adapter.capabilities
    }


def configuration_of(adapter: Adapter) -> str | None:
    """The named non-default configuration an adapter runs its library in (``None``: defaults)."""
    configuration = getattr(adapter, "configuration", None)
    return str(configuration) if configuration else None


def _library(adapter: AdapterIdentity | Adapter) -> dict[str, Any]:
    library: dict[str, Any] = {"adapter": adapter.name, "name": adapter.library, "version": adapter.library_version()}
    if isinstance(adapter, AdapterIdentity):
        configuration, capabilities, lacks = adapter.configuration, list(adapter.capabilities), dict(adapter.lacks)
        overrides = adapter.tolerance_overrides
    else:
        configuration, capabilities, lacks = (
            configuration_of(adapter),
            sorted(getattr(adapter, "capabilities", ())),
            lacks_of(adapter),
        )
        overrides = tolerance_overrides(adapter)
    if configuration:
        library["configuration"] = configuration
    library["capabilities"] = capabilities
    library["lacks"] = lacks
    if overrides:
        library["tolerance_overrides"] = overrides
    return library


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path``, then rename it into place, so an
    interrupted run never leaves a half-written report."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.chmod(temporary, 0o644)  # mkstemp creates 0600; reports are for everyone to read
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def report_stem(report: dict[str, Any]) -> str:
    """``<adapter>-<device kind>``, and ``.shard-<i>-of-<n>`` for one shard of a run."""
    shard = report.get("shard")
    return report_stem_of(
        report["library"]["adapter"], report["device"]["kind"], (shard["index"], shard["count"]) if shard else None
    )


#: What an adapter's name and a device kind may be: they name report files.
SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,99}")


def report_stem_of(adapter: str, kind: str, shard: tuple[int, int] | None) -> str:
    """The file stem of the report of ``adapter`` on ``kind`` (one shard's, with ``shard``);
    ``ValueError`` for a name that could not be a file name of its own."""
    for what, name in (("adapter name", adapter), ("device kind", kind)):
        if not SAFE_NAME.fullmatch(name):
            raise ValueError(f"{what} {name!r} cannot name a report file (letters, digits and . _ + - only)")
    stem = f"{adapter}-{kind}"
    return stem if shard is None else f"{stem}.shard-{shard[0]}-of-{shard[1]}"


def write_report(report: dict[str, Any], directory: Path) -> tuple[Path, Path]:
    """Write ``<stem>.json`` and ``.md`` (see :func:`report_stem`); returns both paths."""
    stem = report_stem(report)
    json_path, markdown_path = directory / f"{stem}.json", directory / f"{stem}.md"
    write_atomically(json_path, json.dumps(report, indent=2, sort_keys=False) + "\n")
    write_atomically(markdown_path, markdown(report))
    return json_path, markdown_path


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def coverage_of(summary: dict[str, Any]) -> float | None:
    """API coverage: the share of specs whose APIs the library has (older reports lack the figure)."""
    if "coverage" in summary:
        return summary["coverage"]
    total = summary["total"]
    return (total - summary["not_applicable"]) / total if total else None


def library_label(library: dict[str, Any]) -> str:
    """``name version``, with the named configuration when there is one (``jax 0.10.2 [x64]``)."""
    configuration = library.get("configuration")
    return f"{library['name']} {library['version']}" + (f" [{configuration}]" if configuration else "")


def markdown(report: dict[str, Any]) -> str:
    """A human summary: conformance per area, then every spec that did not pass."""
    library, device, summary = report["library"], report["device"], report["summary"]
    lines = [
        f"# gradspec conformance: {library_label(library)} on {device['kind']}",
        "",
        f"Adapter `{library['adapter']}`, device `{device['name']}`, Hypothesis profile `{report['hypothesis_profile']}`, "
        f"gradspec {report['gradspec']}, Python {report['platform']['python']} ({report['platform']['system']} {report['platform']['machine']}).",
        "",
        f"**{_percent(summary['conformance'])} conformance** on the APIs it has (pass / (pass + fail + error)), "
        f"**{_percent(coverage_of(summary))} API coverage** (specs applicable / all): {summary['pass']} pass, "
        f"{summary['fail']} fail, {summary['error']} error, {summary['not_applicable']} not applicable, "
        f"{summary['skipped']} skipped.",
        "",
        *_configuration_lines(library),
        *([f"Partial run ({_partial(report)}): this report does not cover every spec.", ""] if not report["complete"] else []),
        "| area | pass | fail | error | not applicable | skipped | conformance |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for area, counts in report["areas"].items():
        lines.append(
            f"| {area} | {counts['pass']} | {counts['fail']} | {counts['error']} | "
            f"{counts['not_applicable']} | {counts['skipped']} | {_percent(counts['conformance'])} |"
        )
    lacks = library.get("lacks") or {}
    if lacks:
        lines += ["", "## APIs the library has no analogue of", "", "| capability | the adapter's reason |", "|---|---|"]
        lines += [f"| `{capability}` | {_cell(reason)} |" for capability, reason in lacks.items()]
    failing = [r for r in report["results"] if r["outcome"] in ("fail", "error")]
    if failing:
        lines += ["", "## Specs that do not conform", ""]
        for result in failing:
            lines += [f"### `{result['id']}`: {result['outcome']}", "", result["title"], ""]
            if result["error"]:
                lines += ["```text", result["error"], "```", ""]
            if result.get("reason"):
                lines += [f"Known ({result.get('baseline')}): {result['reason']}", ""]
            if result["counterexample"]:
                lines += ["Counterexample:", "", "```python", result["counterexample"], "```", ""]
            if result["replay"]:
                lines += ["Replay:", "", "```sh", result["replay"], "```", ""]
    if lines[-1] != "":
        lines.append("")
    lines += ["## Every spec", "", "| spec | outcome | examples | seconds |", "|---|---|---:|---:|"]
    for result in report["results"]:
        lines.append(f"| `{result['id']}` | {result['outcome']} | {result['examples']} | {result['duration']:.2f} |")
    return "\n".join(lines) + "\n"


def _configuration_lines(library: dict[str, Any]) -> list[str]:
    if not library.get("configuration"):
        return []
    return [f"Configuration: `{library['configuration']}`, a non-default setting of the library (see the adapter).", ""]


def _cell(text: str) -> str:
    """Text for one Markdown table cell."""
    return " ".join(text.split()).replace("|", "\\|")


def _partial(report: dict[str, Any]) -> str:
    """Why a report does not cover every spec: each reason that applies."""
    shard = report.get("shard")
    lost = report.get("lost") or 0
    reasons = [
        f"interrupted: {report['interrupted']}" if report.get("interrupted") else None,
        f"shard {shard['index']} of {shard['count']}" if shard else None,
        report["selection"],
        f"{lost} spec case(s) ended without a gradspec outcome: a crashed worker" if lost else None,
    ]
    return "; ".join(reason for reason in reasons if reason) or "a subset of the specs"


def _shown(path: Path) -> str:
    """``path`` relative to the working directory when it lies below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def terminal_line(report: dict[str, Any], paths: tuple[Path, Path]) -> str:
    library, summary = report["library"], report["summary"]
    return (
        f"gradspec: {library_label(library)} on {report['device']['kind']}: "
        f"{_percent(summary['conformance'])} conformance, {_percent(coverage_of(summary))} API coverage "
        f"({summary['pass']} pass, {summary['fail']} fail, "
        f"{summary['error']} error, {summary['not_applicable']} not applicable, {summary['skipped']} skipped) "
        f"-> {_shown(paths[0])}, {_shown(paths[1])}"
    )
