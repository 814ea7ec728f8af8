"""The compatibility matrix: any set of run reports (libraries x devices) merged into one table.

``python -m gradspec matrix reports/*.json --out reports/`` writes ``matrix.md``, a
self-contained ``matrix.html`` (colour per outcome, a filter by area, each cell opening its
counterexample and error) and one SVG conformance badge per report in ``badges/``.

Report files are trusted for nothing: each is validated against the report schema before
anything is written, every text taken from one is escaped for the format it is written into,
and badge file names made from adapter names are reduced to safe, distinct names inside ``--out``.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from gradspec.merge import ReportFileError, read_json_file, shown_path
from gradspec.report import OUTCOMES, REPORT_FORMAT, coverage_of, library_label, write_atomically
from gradspec.resources import REPORT_SCHEMA
from gradspec.schema import SHOWN_CHARS, Validator, format_path, load_schema

SYMBOLS = {"pass": "✅", "fail": "❌", "error": "💥", "not_applicable": "➖", "skipped": "⏭️", None: " "}
COLOURS = {
    "pass": "#2da44e",
    "fail": "#cf222e",
    "error": "#8250df",
    "not_applicable": "#8c959f",
    "skipped": "#d0d7de",
    None: "#ffffff",
}
#: The longest file name stem made from a report's contents.
MAX_STEM = 100
_UNSAFE_IN_NAME = re.compile(r"[^A-Za-z0-9._+-]")
# Characters XML 1.0 forbids even escaped, and lone surrogates (not encodable as UTF-8).
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class Column:
    """One run: a library on a device kind."""

    report: dict[str, Any]

    @property
    def identity(self) -> tuple[str, str]:
        """(adapter, device kind): at most one column each."""
        return self.report["library"]["adapter"], self.report["device"]["kind"]

    @property
    def key(self) -> str:
        """``<adapter>-<device kind>``, as written (see :func:`file_stems` for its file name)."""
        return "-".join(self.identity)

    @property
    def label(self) -> str:
        """``<library> <version> (<device kind>)``, the configuration in brackets when it is not the
        library's default (``jax 0.10.2 [jax_enable_x64] (cpu)``), with ``, partial`` when the run
        did not cover every spec."""
        partial = "" if self.report["complete"] else ", partial"
        return f"{library_label(self.report['library'])} ({self.report['device']['kind']}{partial})"

    def results(self) -> dict[str, dict[str, Any]]:
        return {row["id"]: row for row in self.report["results"]}


@cache
def _report_validator() -> Validator:
    return Validator(load_schema(REPORT_SCHEMA))


def _brief(value: Any) -> str:
    """``repr(value)`` on one line, at most :data:`~gradspec.schema.SHOWN_CHARS` characters."""
    text = repr(value)
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 3] + "..."


def _one_line(text: str) -> str:
    """``text`` for a message: as it is when short and printable, else :func:`_brief`."""
    return text if text.isprintable() and len(text) <= SHOWN_CHARS else _brief(text)


def read_report(path: Path) -> dict[str, Any]:
    """The report in ``path``, validated against ``report.schema.json``; :class:`ReportFileError`
    ``path: key: problem`` when it is unreadable, not JSON or not a valid report."""
    document = read_json_file(path)
    if isinstance(document, dict) and document.get("format") != REPORT_FORMAT:
        found = _brief(document.get("format"))
        raise ReportFileError(f"{shown_path(path)}: format: not a gradspec report (format {found}, expected {REPORT_FORMAT!r})")
    problem = _report_validator().first_problem(document)
    if problem is not None:
        raise ReportFileError(f"{shown_path(path)}: {format_path(problem.path)}: {problem.message}")
    return document


def load_reports(paths: list[Path]) -> list[Column]:
    """Read and validate reports (:func:`read_report`); refuse a second report of one adapter and device kind."""
    columns: dict[tuple[str, str], Column] = {}
    for path in paths:
        column = Column(read_report(path))
        if column.identity in columns:
            raise ReportFileError(f"{shown_path(path)}: a second report for {_one_line(column.key)}")
        columns[column.identity] = column
    # The reference first (torch on cpu, then torch on other devices), then the rest by name.
    return sorted(
        columns.values(),
        key=lambda column: (column.identity != ("torch", "cpu"), column.identity[0] != "torch", column.key, column.identity),
    )


def _clean(text: object) -> str:
    """``str(text)`` with characters XML cannot hold (control characters, lone surrogates) replaced by U+FFFD."""
    return _NOT_IN_XML.sub("\ufffd", str(text))


def _esc(text: object) -> str:
    """Text for HTML or SVG, in an element or a quoted attribute."""
    return html.escape(_clean(text), quote=True)


def _md(text: object) -> str:
    """Text for one Markdown table cell: one line, no raw HTML, backslashes and pipes escaped."""
    line = " ".join(_clean(text).split())
    return html.escape(line, quote=False).replace("\\", "\\\\").replace("|", "\\|")


def _slug(text: str) -> str:
    """``text`` as a file name stem: only ``[A-Za-z0-9._+-]`` (others become ``_``), no leading dot or
    dash, at most :data:`MAX_STEM` characters; ``report`` when nothing is left."""
    return _UNSAFE_IN_NAME.sub("_", text).lstrip(".-")[:MAX_STEM] or "report"


def file_stems(columns: list[Column]) -> list[str]:
    """One file name stem per column (``<adapter>-<device kind>``, made safe by :func:`_slug`), distinct
    even on case-insensitive file systems: columns whose key is already safe keep it, then a stem taken
    before gets ``-2``, ``-3``... in column order."""
    stems = [_slug(column.key) for column in columns]
    order = sorted(range(len(columns)), key=lambda index: stems[index] != columns[index].key)
    taken: set[str] = set()
    for index in order:
        stem, number = stems[index], 2
        while stems[index].casefold() in taken:
            suffix = f"-{number}"
            stems[index], number = stem[: MAX_STEM - len(suffix)] + suffix, number + 1
        taken.add(stems[index].casefold())
    return stems


def _rows(columns: list[Column]) -> list[tuple[str, str, str]]:
    """(area, id, title) of every spec in any report, sorted by id."""
    seen: dict[str, tuple[str, str, str]] = {}
    for column in columns:
        for row in column.report["results"]:
            seen.setdefault(row["id"], (row["area"], row["id"], row["title"]))
    return [seen[key] for key in sorted(seen)]


def _conformance(column: Column) -> float | None:
    """pass / (pass + fail + error): conformance on the APIs the library has."""
    return column.report["summary"]["conformance"]


def _coverage(column: Column) -> float | None:
    """applicable / all: the share of specs whose APIs the library has."""
    return coverage_of(column.report["summary"])


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def markdown(columns: list[Column]) -> str:
    """The matrix as Markdown: the summary per column, then one table of outcomes per area."""
    labels = " | ".join(_md(column.label) for column in columns)
    header = f"| spec | {labels} |"
    lines = [
        "# gradspec compatibility matrix",
        "",
        "Legend: " + ", ".join(f"{SYMBOLS[o]} {o.replace('_', ' ')}" for o in OUTCOMES) + ".",
        "",
        "Two figures per column: *conformance*, pass / (pass + fail + error), on the APIs the library has; "
        "*API coverage*, the specs applicable / all specs (a spec needing an API the library has no analogue of "
        "is not applicable; each report lists the adapter's reasons).",
        "",
        f"| | {labels} |",
        "|---|" + "---:|" * len(columns),
        "| conformance (pass / judged) | " + " | ".join(_percent(_conformance(column)) for column in columns) + " |",
        "| API coverage (applicable / all) | " + " | ".join(_percent(_coverage(column)) for column in columns) + " |",
    ]
    for outcome in OUTCOMES:
        lines.append(
            f"| {outcome.replace('_', ' ')} | " + " | ".join(str(column.report["summary"][outcome]) for column in columns) + " |"
        )
    area = None
    results = [column.results() for column in columns]
    rows = _rows(columns)
    for row_area, spec_id, _title in rows:
        if split_operator_id(spec_id) is not None:
            continue  # in the operator table below
        if row_area != area:
            area = row_area
            lines += ["", f"## {_md(area)}", "", header, "|---|" + ":---:|" * len(columns)]
        cells = [SYMBOLS[result.get(spec_id, {}).get("outcome")] for result in results]
        lines.append(f"| `{_md(spec_id)}` | " + " | ".join(cells) + " |")
    lines += _operator_table(rows, results, labels)
    return "\n".join(lines) + "\n"


def split_operator_id(spec_id: str) -> tuple[str, str] | None:
    """``operators.vjp[linalg.solve]`` -> (``operators.vjp``, ``linalg.solve``); ``None`` for a spec run once."""
    if not spec_id.endswith("]") or "[" not in spec_id:
        return None
    prefix, _, operator = spec_id[:-1].partition("[")
    return prefix, operator


def _operator_table(rows: list[tuple[str, str, str]], results: list[dict[str, dict[str, Any]]], labels: str) -> list[str]:
    """One row per operator of the operator table: per column, how many of its properties pass,
    and which fail (the property's spec id, last part), each its own verdict."""
    properties: dict[str, list[str]] = {}
    for _, spec_id, _ in rows:
        split = split_operator_id(spec_id)
        if split is not None:
            properties.setdefault(split[1], []).append(spec_id)
    if not properties:
        return []
    lines = [
        "",
        "## operators",
        "",
        "One row per operator of the operator table; each cell: the properties passing / judged, then the failing "
        "(❌) and erroring (💥) ones. ➖: the library has no analogue of the operator, or of the APIs its properties use.",
        "",
        f"| operator | {labels} |",
        "|---|" + ":---|" * len(results),
    ]
    for operator in sorted(properties):
        cells = []
        for result in results:
            outcomes = {spec_id: result.get(spec_id, {}).get("outcome") for spec_id in properties[operator]}
            judged = [spec_id for spec_id, outcome in outcomes.items() if outcome in ("pass", "fail", "error")]
            if not judged:
                cells.append(SYMBOLS["not_applicable"] if any(outcomes.values()) else " ")
                continue
            passed = sum(1 for spec_id in judged if outcomes[spec_id] == "pass")
            bad = [
                f"{SYMBOLS[outcomes[spec_id]]} {split_operator_id(spec_id)[0].rsplit('.', 1)[-1]}"  # type: ignore[index]
                for spec_id in judged
                if outcomes[spec_id] != "pass"
            ]
            cells.append(f"{passed}/{len(judged)}" + (" " + ", ".join(bad) if bad else ""))
        lines.append(f"| `{_md(operator)}` | " + " | ".join(_md(cell) for cell in cells) + " |")
    return lines


def badge(column: Column) -> str:
    """A flat SVG badge with both figures, ``gradspec | jax 50.0% conform, 8.5% API``, coloured by conformance."""
    value = _conformance(column)
    colour = "#9f9f9f" if value is None else "#4c1" if value >= 0.95 else "#dfb317" if value >= 0.75 else "#e05d44"
    left = "gradspec"
    right = f"{column.report['library']['adapter']} {_percent(value)} conform, {_percent(_coverage(column))} API"
    left_width, right_width = 6 * len(left) + 12, 6 * len(right) + 12
    width = left_width + right_width
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="20" role="img" aria-label="{left}: {_esc(right)}">'
        f"<title>{left}: {_esc(right)}</title>"
        f'<rect width="{left_width}" height="20" fill="#555"/><rect x="{left_width}" width="{right_width}" height="20" fill="{colour}"/>'
        f'<g fill="#fff" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11" text-anchor="middle">'
        f'<text x="{left_width / 2}" y="14">{left}</text><text x="{left_width + right_width / 2}" y="14">{_esc(right)}</text></g></svg>\n'
    )


_STYLE = """
body{font-family:system-ui,sans-serif;margin:1.5rem;color:#1f2328}
table{border-collapse:collapse;font-size:13px}th,td{border:1px solid #d0d7de;padding:3px 6px}
th{background:#f6f8fa;position:sticky;top:0}td.cell{text-align:center;cursor:pointer;min-width:5.5rem;color:#fff;font-weight:600}
td.spec code{font-size:12px}tr.area td{background:#eaeef2;font-weight:600}
#detail{position:fixed;right:1rem;bottom:1rem;width:46rem;max-height:60vh;overflow:auto;background:#fff;border:2px solid #57606a;padding:.8rem;display:none}
#detail pre{white-space:pre-wrap;background:#f6f8fa;padding:.5rem}.legend span{display:inline-block;padding:2px 8px;margin-right:4px;color:#fff}
"""

_SCRIPT = """
const filter=document.getElementById('area');
function apply(){const a=filter.value;document.querySelectorAll('tbody tr').forEach(r=>{r.hidden=!!a&&r.dataset.area!==a;});
 document.getElementById('shown').textContent=document.querySelectorAll('tbody tr.spec:not([hidden])').length;}
filter.addEventListener('change',()=>{history.replaceState(null,'','#area='+filter.value);apply();});
const m=location.hash.match(/area=([a-z_]*)/);if(m){filter.value=m[1];}apply();
document.querySelectorAll('td.cell').forEach(c=>c.addEventListener('click',()=>{
 const d=document.getElementById('detail');d.style.display='block';
 d.querySelector('h3').textContent=c.dataset.spec+' on '+c.dataset.column+': '+c.dataset.outcome;
 d.querySelector('.error').textContent=c.dataset.error||'(no error text)';
 d.querySelector('.counterexample').textContent=c.dataset.counterexample||'(no counterexample)';
 d.querySelector('.replay').textContent=c.dataset.replay||'';
 d.querySelector('.reason').textContent=c.dataset.reason||'(not recorded in a baseline)';}));
document.getElementById('close').addEventListener('click',()=>{document.getElementById('detail').style.display='none';});
"""


def html_page(columns: list[Column]) -> str:
    """A self-contained page (no external resources)."""
    esc = _esc
    rows = _rows(columns)
    areas = sorted({area for area, _, _ in rows})
    results = [column.results() for column in columns]
    head = "".join(
        f"<th>{esc(column.label)}<br>{_percent(_conformance(column))} conformance<br>{_percent(_coverage(column))} API coverage</th>"
        for column in columns
    )
    body: list[str] = []
    area = None
    for row_area, spec_id, title in rows:
        if row_area != area:
            area = row_area
            body.append(f'<tr class="area" data-area="{esc(area)}"><td colspan="{len(columns) + 1}">{esc(area)}</td></tr>')
        cells = []
        for column, result in zip(columns, results):
            row = result.get(spec_id, {})
            outcome = row.get("outcome")
            data = {
                "spec": spec_id,
                "column": column.label,
                "outcome": outcome or "not run",
                "error": row.get("error") or "",
                "counterexample": row.get("counterexample") or "",
                "replay": row.get("replay") or "",
                "reason": row.get("reason") or "",
            }
            attributes = " ".join(f'data-{key}="{esc(value)}"' for key, value in data.items())
            label = (outcome or "").replace("_", " ") + (
                f" ({row['baseline']})" if row.get("baseline") in ("known", "changed") else ""
            )
            cells.append(
                f'<td class="cell {esc(outcome or "none")}" style="background:{COLOURS[outcome]}" {attributes}>{esc(label)}</td>'
            )
        body.append(
            f'<tr class="spec" data-area="{esc(row_area)}"><td class="spec" title="{esc(title)}"><code>{esc(spec_id)}</code></td>{"".join(cells)}</tr>'
        )
    legend = "".join(f'<span style="background:{COLOURS[o]}">{o.replace("_", " ")}</span>' for o in OUTCOMES)
    options = '<option value="">all areas</option>' + "".join(f'<option value="{esc(a)}">{esc(a)}</option>' for a in areas)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>gradspec compatibility matrix</title>'
        f"<style>{_STYLE}</style></head><body><h1>gradspec compatibility matrix</h1>"
        f'<p class="legend">{legend}</p><p><label>Area: <select id="area">{options}</select></label> '
        f'<span id="shown"></span> specs shown; click a cell for its counterexample and error.</p>'
        f"<table><thead><tr><th>spec</th>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
        '<div id="detail"><button id="close">close</button><h3></h3><h4>error</h4><pre class="error"></pre>'
        '<h4>counterexample</h4><pre class="counterexample"></pre><h4>replay</h4><pre class="replay"></pre><h4>known because</h4><pre class="reason"></pre></div>'
        f"<script>{_SCRIPT}</script></body></html>\n"
    )


def _inside(out: Path, relative: str) -> Path:
    """``out / relative``, refused unless the folder it is written into resolves inside ``out``."""
    path = out / relative
    root, folder = out.resolve(), path.parent.resolve()
    if path.name in ("", ".", "..") or not folder.is_relative_to(root):
        raise ValueError(f"{shown_path(path)}: outside {shown_path(out)}: not written")
    return path


def write_matrix(paths: list[Path], out: Path) -> list[Path]:
    """Write matrix.md, matrix.html and badges/<column>.svg under ``out`` (each atomically); returns
    their paths. Every report is read and validated, and every path checked, before anything is written."""
    columns = load_reports(paths)
    texts = {"matrix.md": markdown(columns), "matrix.html": html_page(columns)}
    for column, stem in zip(columns, file_stems(columns)):
        texts[f"badges/{stem}.svg"] = badge(column)
    files = [(_inside(out, relative), text) for relative, text in texts.items()]
    for path, text in files:
        write_atomically(path, text)
    return [path for path, _ in files]
