"""The spec index (``specs/INDEX.md``): every spec at a glance, how the behaviour catalogue is
covered, and how the documented statements are.  ``python -m gradspec index`` writes it;
``--check`` fails when it is out of date."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from gradspec.spec import Spec

CATALOGUE_FILE = "_catalogue.yaml"
STATEMENTS_FILE = "_statements.yaml"
UNEXPRESSED_FILE = "_unexpressed.yaml"
STATUSES = ("covered", "partly", "not expressible", "missing")


@dataclass(frozen=True)
class Gap:
    """A catalogue entry, or part of one, that no spec can express yet."""

    catalogue: str
    part: str
    reason: str
    needs: str


def read_catalogue(specs_dir: Path) -> list[dict[str, Any]]:
    path = specs_dir / CATALOGUE_FILE
    return yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else []


@dataclass(frozen=True)
class StatementGap:
    """A documented statement that no spec can express yet."""

    statement: str
    reason: str
    needs: str


def _unexpressed_items(specs_dir: Path) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for path in sorted(specs_dir.rglob(UNEXPRESSED_FILE)):
        items += yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return items


def read_gaps(specs_dir: Path) -> list[Gap]:
    """The parts of catalogue entries no spec can express yet."""
    return [
        Gap(str(item["catalogue"]), str(item.get("part", "all")), str(item["reason"]), str(item.get("needs", "")))
        for item in _unexpressed_items(specs_dir)
        if "catalogue" in item
    ]


def read_statements(specs_dir: Path) -> list[dict[str, str]]:
    """The documented statements (id, source, statement), in their file's order."""
    path = specs_dir / STATEMENTS_FILE
    return yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else []


def read_statement_gaps(specs_dir: Path) -> dict[str, StatementGap]:
    """The documented statements no spec can express yet, by id."""
    return {
        str(item["statement"]): StatementGap(str(item["statement"]), str(item["reason"]), str(item.get("needs", "")))
        for item in _unexpressed_items(specs_dir)
        if "statement" in item
    }


@dataclass(frozen=True)
class StatementCoverage:
    """How the documented statements are covered: by specs naming them wholly or in part, or
    explained as not expressible yet."""

    statements: list[dict[str, str]]
    #: Statement id -> the specs that check it wholly.
    covered: dict[str, list[str]]
    #: Statement id -> (spec id, what it leaves out) of the specs that check it in part.
    partly: dict[str, list[tuple[str, str]]]
    unexpressed: dict[str, StatementGap]

    def status(self, statement: str) -> str:
        """``covered``, ``partly``, ``not expressible`` or ``missing``."""
        if self.covered.get(statement):
            return "covered"
        if self.partly.get(statement):
            return "partly"
        return "not expressible" if statement in self.unexpressed else "missing"

    def counts(self) -> dict[str, int]:
        """How many statements have each status."""
        found = dict.fromkeys(STATUSES, 0)
        for item in self.statements:
            found[self.status(item["id"])] += 1
        return found

    def summary(self) -> str:
        counts, total = self.counts(), len(self.statements)
        share = f" ({100 * counts['covered'] / total:.0f}%)" if total else ""
        return (
            f"{counts['covered']} of the {total} documented statements are covered by a spec that names them{share}, "
            f"{counts['partly']} partly; {counts['not expressible']} cannot be expressed yet and {counts['missing']} "
            "have no spec"
        )


def statement_coverage(specs: list[Spec], specs_dir: Path) -> StatementCoverage:
    """The statements' coverage by ``specs`` (a property of the operator table counts once)."""
    statements = read_statements(specs_dir)
    covered: dict[str, list[str]] = {item["id"]: [] for item in statements}
    partly: dict[str, list[tuple[str, str]]] = {item["id"]: [] for item in statements}
    for spec in specs:
        spec_id = spec.id.partition("[")[0]
        for ref in spec.statements:
            if ref.partly is None and spec_id not in covered.setdefault(ref.id, []):
                covered[ref.id].append(spec_id)
            elif ref.partly is not None and spec_id not in (s for s, _ in partly.setdefault(ref.id, [])):
                partly[ref.id].append((spec_id, ref.partly))
    return StatementCoverage(statements, covered, partly, read_statement_gaps(specs_dir))


def coverage(specs: list[Spec], catalogue: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Catalogue entry id -> the ids of the specs that check it."""
    covered: dict[str, list[str]] = {entry["id"]: [] for entry in catalogue}
    for spec in specs:
        for entry in spec.catalogue:
            covered.setdefault(entry, []).append(spec.id)
    return covered


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _source(spec: Spec) -> str:
    parts = []
    for source in spec.sources:
        label = source.title + (f" > {source.section}" if source.section else "")
        parts.append(f"[{_cell(label)}]({source.url})" if source.url else _cell(f"tutorial {label}"))
    return "<br>".join(parts)


def render(specs: list[Spec], specs_dir: Path) -> str:
    """The index as Markdown."""
    catalogue = read_catalogue(specs_dir)
    gaps = read_gaps(specs_dir)
    covered = coverage(specs, catalogue)
    with_specs = [entry for entry, ids in covered.items() if ids]
    fully_missing = [entry["id"] for entry in catalogue if not covered[entry["id"]]]
    areas = sorted({spec.area for spec in specs})
    properties = sum(1 for spec in specs if spec.kind == "property")
    statements = statement_coverage(specs, specs_dir)
    per_operator: dict[str, list[Spec]] = {}
    for spec in specs:
        if spec.operator is not None:
            per_operator.setdefault(spec.id.partition("[")[0], []).append(spec)
    lines = [
        "# gradspec spec index",
        "",
        "Generated by `python -m gradspec index` from the spec files: do not edit by hand.",
        "",
        f"{len(specs)} specs in {len(areas)} areas ({properties} properties over generated inputs, "
        f"{len(specs) - properties} fixed examples). {len(with_specs)} of the {len(catalogue)} catalogue "
        f"behaviours have specs; {len(gaps)} parts of entries cannot be expressed yet (listed at the end).",
        "",
        f"{statements.summary()} ([Documented statements](#documented-statements)).",
        "",
        f"{sum(len(runs) for runs in per_operator.values())} of them are {len(per_operator)} properties of the operator "
        "table, each run once per operator it applies to (`over: operators`): one row each below, with its number "
        "of operators; `gradspec coverage` lists the operators.",
        "",
    ]
    for area in areas:
        lines += [f"## {area}", "", "| id | title | kind | catalogue | source |", "|---|---|---|---|---|"]
        for spec in (s for s in specs if s.area == area):
            if spec.operator is not None:
                base = spec.id.partition("[")[0]
                runs = per_operator.pop(base, None)
                if runs is not None:
                    lines.append(
                        f"| `{base}[<operator>]` | {_cell(spec.title)} | property, over {len(runs)} operators | | {_source(spec)} |"
                    )
                continue
            lines.append(
                f"| `{spec.id}` | {_cell(spec.title)} | {spec.kind} | "
                f"{'<br>'.join(f'`{c}`' for c in spec.catalogue)} | {_source(spec)} |"
            )
        lines.append("")
    lines += ["## Catalogue coverage", "", "| catalogue entry | kind | specs |", "|---|---|---|"]
    for entry in catalogue:
        ids = covered[entry["id"]]
        shown = "<br>".join(f"`{i}`" for i in ids) if ids else "**none** (see below)"
        lines.append(f"| `{entry['id']}` | {entry['property']} | {shown} |")
    lines += ["", "## Not expressible yet", ""]
    if fully_missing:
        lines += [f"Entries without any spec: {', '.join(f'`{e}`' for e in fully_missing)}.", ""]
    lines += ["| catalogue entry | part not checked | reason | what the language would need |", "|---|---|---|---|"]
    for gap in sorted(gaps, key=lambda gap: gap.catalogue):
        lines.append(f"| `{gap.catalogue}` | {_cell(gap.part)} | {_cell(gap.reason)} | {_cell(gap.needs)} |")
    return "\n".join(lines + _statement_lines(statements)) + "\n"


def _statement_lines(coverage: StatementCoverage) -> list[str]:
    lines = [
        "",
        "## Documented statements",
        "",
        f"Testable statements read from PyTorch's documentation (`specs/{STATEMENTS_FILE}`). {coverage.summary()}.",
        "",
        "| id | source | statement | status | specs, or why not |",
        "|---|---|---|---|---|",
    ]
    for item in coverage.statements:
        statement = item["id"]
        status = coverage.status(statement)
        if status == "covered":
            detail = "<br>".join(f"`{spec}`" for spec in coverage.covered[statement])
        elif status == "partly":
            detail = "<br>".join(f"`{spec}` (left out: {_cell(left)})" for spec, left in coverage.partly[statement])
        elif status == "not expressible":
            gap = coverage.unexpressed[statement]
            detail = f"{_cell(gap.reason)} Needs: {_cell(gap.needs)}"
        else:
            detail = ""
        lines.append(f"| {statement} | {_cell(item['source'])} | {_cell(item['statement'])} | {status} | {detail} |")
    return lines
