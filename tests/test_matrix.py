"""The compatibility matrix: merged from reports, rendered as Markdown, HTML (checked in headless
Chromium) and SVG badges."""
from __future__ import annotations

import copy
import json
import shutil
import subprocess
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from typing import Any

import pytest

from gradspec.matrix import badge, load_reports, write_matrix
from gradspec.report import Result, SpecSet, build_report

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


class _Adapter:
    def __init__(self, name: str, version: str) -> None:
        self.name = self.library = name
        self._version = version

    def library_version(self) -> str:
        return self._version


def _result(spec_id: str, outcome: str, **fields: Any) -> Result:
    values: dict[str, Any] = dict(id=spec_id, title=f"the behaviour {spec_id}", area=spec_id.split(".")[0], kind="property",
                                  source=[{"tutorial": "T1"}], device="cpu", outcome=outcome, examples=3, shrink_runs=0,
                                  duration=0.1)
    return Result(**{**values, **fields})


def _spec_set(results: list[Result]) -> SpecSet:
    """The specs the results are of, each with a made-up file digest."""
    return SpecSet({result.id: f"{index:064x}" for index, result in enumerate(results)})


def _report(adapter: _Adapter, kind: str, results: list[Result]) -> dict[str, Any]:
    return build_report(adapter=adapter, device_kind=kind, device=kind, profile="ci", results=results,
                        spec_set=_spec_set(results))


def _reports(tmp_path: Path) -> list[Path]:
    reference = _report(_Adapter("torch", "2.13.0"), "cpu", [
        _result("grad.a", "pass"), _result("grad.b", "pass"), _result("item.c", "pass"), _result("item.d", "not_applicable")])
    other = _report(_Adapter("otherlib", "0.1"), "cpu", [
        _result("grad.a", "pass"),
        _result("grad.b", "fail", counterexample="x = tensor([0.0], dtype=float32)", error="x.grad is None, but <should> be 1",
                replay="python -m gradspec replay grad.b", baseline="known"),
        _result("item.c", "error", error="RuntimeError: boom"), _result("item.d", "not_applicable")])
    paths = []
    for report in (other, reference):
        path = tmp_path / f"{report['library']['adapter']}-cpu.json"
        path.write_text(json.dumps(report))
        paths.append(path)
    return paths


def test_markdown_has_one_column_per_run_and_one_row_per_spec(tmp_path: Path) -> None:
    written = write_matrix(_reports(tmp_path), tmp_path / "out")
    text = (tmp_path / "out" / "matrix.md").read_text()
    assert "| | torch 2.13.0 (cpu) | otherlib 0.1 (cpu) |" in text  # the reference library first
    assert "| conformance | 100.0% | 33.3% |" in text
    assert "| `grad.b` | ✅ | ❌ |" in text and "| `item.c` | ✅ | 💥 |" in text and "| `item.d` | ➖ | ➖ |" in text
    assert {path.name for path in written} == {"matrix.md", "matrix.html", "torch-cpu.svg", "otherlib-cpu.svg"}


def test_badges_are_svg_coloured_by_conformance(tmp_path: Path) -> None:
    columns = {column.key: column for column in load_reports(_reports(tmp_path))}
    for key, colour in (("torch-cpu", "#4c1"), ("otherlib-cpu", "#e05d44")):
        svg = badge(columns[key])
        ElementTree.fromstring(svg)
        assert f'fill="{colour}"' in svg


def test_reports_that_are_not_gradspec_reports_or_repeat_a_column_are_refused(tmp_path: Path) -> None:
    paths = _reports(tmp_path)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "something/9"}))
    with pytest.raises(ValueError, match="not a gradspec report"):
        load_reports([bad])
    twin = tmp_path / "twin.json"
    twin.write_text(paths[0].read_text())
    with pytest.raises(ValueError, match="a second report for otherlib-cpu"):
        load_reports([paths[0], twin])


def _dom(page: Path, fragment: str = "") -> str:
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               f"--user-data-dir={page.parent / 'chromium-profile'}", "--virtual-time-budget=3000",
               "--dump-dom", page.as_uri() + fragment]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=True).stdout


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)")
def test_the_html_renders_in_headless_chromium_and_filters_by_area(tmp_path: Path) -> None:
    write_matrix(_reports(tmp_path), tmp_path / "out")
    page = tmp_path / "out" / "matrix.html"
    everything = _dom(page)
    assert '<span id="shown">4</span>' in everything  # the script ran and counted the visible rows
    assert 'data-counterexample="x = tensor([0.0], dtype=float32)"' in everything
    assert "x.grad is None, but &lt;should&gt; be 1" in everything  # error text escaped, carried in the cell
    assert "fail (known)" in everything
    filtered = _dom(page, "#area=item")
    assert '<span id="shown">2</span>' in filtered
    assert filtered.count('class="spec" data-area="grad" hidden=""') == 2


def test_the_html_is_self_contained(tmp_path: Path) -> None:
    write_matrix(_reports(tmp_path), tmp_path / "out")
    text = (tmp_path / "out" / "matrix.html").read_text()
    assert "http://" not in text.replace('xmlns="http://www.w3.org', "") and "https://" not in text
    assert "<script src" not in text and "<link" not in text


def test_columns_put_the_reference_on_every_device_before_other_libraries(tmp_path: Path) -> None:
    paths = []
    for adapter, kind in (("aaalib", "cpu"), ("torch", "cuda"), ("zzzlib", "cuda"), ("torch", "cpu")):
        report = _report(_Adapter(adapter, "1.0"), kind, [_result("grad.a", "pass", device=kind)])
        paths.append(tmp_path / f"{adapter}-{kind}.json")
        paths[-1].write_text(json.dumps(report))
    assert [column.key for column in load_reports(paths)] == ["torch-cpu", "torch-cuda", "aaalib-cpu", "zzzlib-cuda"]
