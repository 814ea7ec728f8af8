"""The compatibility matrix: any set of run reports (libraries x devices) merged into one table.

``python -m gradspec matrix reports/*.json --out reports/`` writes ``matrix.md``, a
self-contained ``matrix.html`` (colour per outcome, a filter by area, each cell opening its
counterexample and error) and one SVG conformance badge per report in ``badges/``.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gradspec.report import OUTCOMES, REPORT_FORMAT, write_atomically

SYMBOLS = {"pass": "✅", "fail": "❌", "error": "💥", "not_applicable": "➖", "skipped": "⏭️", None: " "}
COLOURS = {
    "pass": "#2da44e",
    "fail": "#cf222e",
    "error": "#8250df",
    "not_applicable": "#8c959f",
    "skipped": "#d0d7de",
    None: "#ffffff",
}


@dataclass(frozen=True)
class Column:
    """One run: a library on a device kind."""

    report: dict[str, Any]

    @property
    def key(self) -> str:
        return f"{self.report['library']['adapter']}-{self.report['device']['kind']}"

    @property
    def label(self) -> str:
        library = self.report["library"]
        return f"{library['name']} {library['version']} ({self.report['device']['kind']})"

    def results(self) -> dict[str, dict[str, Any]]:
        return {row["id"]: row for row in self.report["results"]}


def load_reports(paths: list[Path]) -> list[Column]:
    """Read reports; refuse files that are not gradspec reports and duplicate columns."""
    columns: list[Column] = []
    for path in paths:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != REPORT_FORMAT:
            raise ValueError(f"{path}: not a gradspec report (format {data.get('format')!r}, expected {REPORT_FORMAT!r})")
        column = Column(data)
        if any(other.key == column.key for other in columns):
            raise ValueError(f"{path}: a second report for {column.key}")
        columns.append(column)
    # The reference first (torch on cpu, then torch on other devices), then the rest by name.
    return sorted(
        columns, key=lambda column: (column.key != "torch-cpu", column.report["library"]["adapter"] != "torch", column.key)
    )


def _rows(columns: list[Column]) -> list[tuple[str, str, str]]:
    """(area, id, title) of every spec in any report, sorted by id."""
    seen: dict[str, tuple[str, str, str]] = {}
    for column in columns:
        for row in column.report["results"]:
            seen.setdefault(row["id"], (row["area"], row["id"], row["title"]))
    return [seen[key] for key in sorted(seen)]


def _conformance(column: Column) -> float | None:
    return column.report["summary"]["conformance"]


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def markdown(columns: list[Column]) -> str:
    header = "| spec | " + " | ".join(column.label for column in columns) + " |"
    lines = [
        "# gradspec compatibility matrix",
        "",
        "Legend: " + ", ".join(f"{SYMBOLS[o]} {o.replace('_', ' ')}" for o in OUTCOMES) + ".",
        "",
        "| | " + " | ".join(column.label for column in columns) + " |",
        "|---|" + "---:|" * len(columns),
        "| conformance | " + " | ".join(_percent(_conformance(column)) for column in columns) + " |",
    ]
    for outcome in OUTCOMES:
        lines.append(
            f"| {outcome.replace('_', ' ')} | " + " | ".join(str(column.report["summary"][outcome]) for column in columns) + " |"
        )
    area = None
    results = [column.results() for column in columns]
    for row_area, spec_id, _title in _rows(columns):
        if row_area != area:
            area = row_area
            lines += ["", f"## {area}", "", header, "|---|" + ":---:|" * len(columns)]
        cells = [SYMBOLS[result.get(spec_id, {}).get("outcome")] for result in results]
        lines.append(f"| `{spec_id}` | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def badge(column: Column) -> str:
    """A flat SVG badge: ``gradspec | 97.5%``, coloured by conformance."""
    value = _conformance(column)
    colour = "#9f9f9f" if value is None else "#4c1" if value >= 0.95 else "#dfb317" if value >= 0.75 else "#e05d44"
    left, right = "gradspec", f"{column.report['library']['adapter']} {_percent(value)}"
    left_width, right_width = 6 * len(left) + 12, 6 * len(right) + 12
    width = left_width + right_width
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="20" role="img" aria-label="{left}: {right}">'
        f"<title>{left}: {html.escape(right)}</title>"
        f'<rect width="{left_width}" height="20" fill="#555"/><rect x="{left_width}" width="{right_width}" height="20" fill="{colour}"/>'
        f'<g fill="#fff" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11" text-anchor="middle">'
        f'<text x="{left_width / 2}" y="14">{left}</text><text x="{left_width + right_width / 2}" y="14">{html.escape(right)}</text></g></svg>\n'
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
 d.querySelector('.replay').textContent=c.dataset.replay||'';}));
document.getElementById('close').addEventListener('click',()=>{document.getElementById('detail').style.display='none';});
"""


def html_page(columns: list[Column]) -> str:
    """A self-contained page (no external resources)."""
    esc = html.escape
    rows = _rows(columns)
    areas = sorted({area for area, _, _ in rows})
    results = [column.results() for column in columns]
    head = "".join(f"<th>{esc(column.label)}<br>{_percent(_conformance(column))}</th>" for column in columns)
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
            }
            attributes = " ".join(f'data-{key}="{esc(value, quote=True)}"' for key, value in data.items())
            label = (outcome or "").replace("_", " ") + (" (known)" if row.get("baseline") == "known" else "")
            cells.append(
                f'<td class="cell {outcome or "none"}" style="background:{COLOURS[outcome]}" {attributes}>{esc(label)}</td>'
            )
        body.append(
            f'<tr class="spec" data-area="{esc(row_area)}"><td class="spec" title="{esc(title, quote=True)}"><code>{esc(spec_id)}</code></td>{"".join(cells)}</tr>'
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
        '<h4>counterexample</h4><pre class="counterexample"></pre><h4>replay</h4><pre class="replay"></pre></div>'
        f"<script>{_SCRIPT}</script></body></html>\n"
    )


def write_matrix(paths: list[Path], out: Path) -> list[Path]:
    """Write matrix.md, matrix.html and badges/<column>.svg under ``out``."""
    columns = load_reports(paths)
    written = [out / "matrix.md", out / "matrix.html"]
    write_atomically(written[0], markdown(columns))
    write_atomically(written[1], html_page(columns))
    for column in columns:
        path = out / "badges" / f"{column.key}.svg"
        write_atomically(path, badge(column))
        written.append(path)
    return written
