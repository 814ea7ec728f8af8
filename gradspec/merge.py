"""Merging the reports of a sharded run (``--shard=I/N``) into the report of the whole run.

Shards merge only when they are one run: the same adapter, library version, device, Hypothesis
profile and spec set, each shard once, and together every spec.  Anything else is refused with
the reason, so a merged report is never more complete than the runs behind it.

Report files are read by :func:`read_json_file` (size-capped, strict JSON), which the
compatibility matrix reads its reports with too.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

from gradspec.report import REPORT_FORMAT, summarize_areas, summarize_rows

#: What must be equal in every shard of one run.
_SAME = (("library",), ("device", "kind"), ("hypothesis_profile",), ("spec_set",), ("selection",), ("gradspec",))


#: The most bytes read of one report file; a larger file is refused.
MAX_REPORT_BYTES = 64 * 1024 * 1024


class MergeError(ValueError):
    """Reports that are not the shards of one run."""


class ReportFileError(ValueError):
    """A report file that cannot be read, or is not a valid report: ``path: problem``."""


def shown_path(path: Path) -> str:
    """``path`` for a one-line message: as written, or quoted when it holds line breaks or control characters."""
    text = str(path)
    return text if text.isprintable() else repr(text)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def read_json_file(path: Path, limit: int | None = None) -> Any:
    """The JSON document in the regular file ``path`` (UTF-8, at most ``limit`` bytes, by default
    :data:`MAX_REPORT_BYTES`, no NaN or Infinity); :class:`ReportFileError` ``path: problem`` when it
    cannot be read as one."""
    limit = MAX_REPORT_BYTES if limit is None else limit
    try:
        # O_NONBLOCK: opening a FIFO does not wait for a writer; it is refused as not a file below.
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(descriptor, "rb") as stream:
            if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
                raise ReportFileError(f"{shown_path(path)}: not a regular file")
            data = stream.read(limit + 1)
    except OSError as error:
        raise ReportFileError(f"{shown_path(path)}: {error.strerror or error}") from None
    if len(data) > limit:
        raise ReportFileError(f"{shown_path(path)}: larger than {limit} bytes: not read")
    try:
        return json.loads(data.decode("utf-8"), parse_constant=_refuse_constant)
    except UnicodeDecodeError as error:
        raise ReportFileError(f"{shown_path(path)}: not UTF-8 text ({error.reason} at byte {error.start})") from None
    except (ValueError, RecursionError) as error:  # JSONDecodeError, an over-long integer, nesting too deep
        raise ReportFileError(f"{shown_path(path)}: not valid JSON: {error}") from None


def _get(report: dict[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = report
    for key in path:
        value = value[key]
    return value


def merge_reports(reports: list[dict[str, Any]], labels: list[str]) -> dict[str, Any]:
    """The report of the whole run whose shards are ``reports`` (``labels`` name them in errors)."""
    if not reports:
        raise MergeError("no reports to merge")
    for report, label in zip(reports, labels):
        if report.get("format") != REPORT_FORMAT:
            raise MergeError(f"{label}: not a gradspec report (format {report.get('format')!r}, expected {REPORT_FORMAT!r})")
        if not report.get("shard"):
            raise MergeError(f"{label}: not the report of a shard (run with --shard=I/N)")
        if "spec_set" not in report:
            raise MergeError(f"{label}: written without its spec set (by a gradspec before sharding): it cannot be merged")
    first = reports[0]
    for path in _SAME:
        for report, label in zip(reports[1:], labels[1:]):
            if _get(report, path) != _get(first, path):
                raise MergeError(
                    f"{label}: {'.'.join(path)} is {_get(report, path)!r}, but {labels[0]} has "
                    f"{_get(first, path)!r}: shards of different runs are never merged"
                )
    count = first["shard"]["count"]
    seen: dict[int, str] = {}
    for report, label in zip(reports, labels):
        shard = report["shard"]
        if shard["count"] != count:
            raise MergeError(f"{label}: shard {shard['index']} of {shard['count']}, but {labels[0]} is one of {count}")
        if shard["index"] in seen:
            raise MergeError(f"{label}: shard {shard['index']} of {count} is also {seen[shard['index']]}")
        seen[shard["index"]] = label
    missing = sorted(set(range(1, count + 1)) - set(seen))
    if missing:
        raise MergeError(f"missing shard(s) {', '.join(map(str, missing))} of {count}")
    rows: dict[str, dict[str, Any]] = {}
    for report, label in zip(reports, labels):
        for row in report["results"]:
            if row["id"] in rows:
                raise MergeError(f"{label}: {row['id']} is in two shards")
            rows[row["id"]] = row
    if first["selection"] is None and len(rows) != first["spec_set"]["count"]:  # a -k run covers what it selected
        raise MergeError(f"the shards hold {len(rows)} specs, but the run covers {first['spec_set']['count']}")
    ordered = [rows[spec_id] for spec_id in sorted(rows)]
    merged = {key: value for key, value in first.items() if key not in ("results", "summary", "areas")}
    merged.update(
        complete=first["selection"] is None,
        shard=None,
        created=max(report["created"] for report in reports),
        summary=summarize_rows(ordered),
        areas=summarize_areas(ordered),
        results=ordered,
    )
    return merged


def read_reports(paths: list[Path]) -> tuple[list[dict[str, Any]], list[str]]:
    """Read report files (a folder: its ``*.shard-*.json``)."""
    files = [found for path in paths for found in (sorted(path.glob("*.shard-*.json")) if path.is_dir() else [path])]
    reports = []
    for path in files:
        try:
            reports.append(read_json_file(path))
        except ReportFileError as error:
            raise MergeError(str(error)) from None
    return reports, [str(path) for path in files]
