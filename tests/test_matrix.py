"""The compatibility matrix: merged from reports, rendered as Markdown, HTML (checked in headless
Chromium) and SVG badges."""
from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

import gradspec.merge
from gradspec.cli import main as gradspec_main
from gradspec.matrix import badge, load_reports, write_matrix
from gradspec.report import Result, SpecSet, build_report

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
#: A real report, made hostile by the tests below.
COMMITTED = Path(__file__).resolve().parents[1] / "reports" / "torch-cpu.json"
SVG = "{http://www.w3.org/2000/svg}"


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
    assert "| conformance (pass / judged) | 100.0% | 33.3% |" in text
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


# Hostile reports: a committed report, changed.

def _hostile(tmp_path: Path, change: Callable[[dict[str, Any]], Any], name: str = "hostile.json") -> Path:
    report = json.loads(COMMITTED.read_text(encoding="utf-8"))
    change(report)
    path = tmp_path / "in" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(report), encoding="utf-8")
    return path


def _set(*keys: str | int, value: Any) -> Callable[[dict[str, Any]], None]:
    """A change setting ``report[keys[0]][keys[1]]... = value``."""
    def change(report: dict[str, Any]) -> None:
        for key in keys[:-1]:
            report = report[key]
        report[keys[-1]] = value
    return change


def _matrix(capsys: pytest.CaptureFixture[str], out: Path, *reports: Path) -> tuple[int, str, str]:
    status = gradspec_main(["matrix", *map(str, reports), "--out", str(out)])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _files(root: Path) -> set[str]:
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file() or path.is_symlink()}


def _percent() -> str:
    """The committed report's two figures, as its badge shows them."""
    summary = json.loads(COMMITTED.read_text(encoding="utf-8"))["summary"]
    coverage = (summary["total"] - summary["not_applicable"]) / summary["total"]
    return f"{100 * summary['conformance']:.1f}% conform, {100 * coverage:.1f}% API"


class _Page(HTMLParser):
    """The start tags and the text of an HTML page."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.text: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_an_adapter_name_climbing_out_of_out_writes_its_badge_inside(tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    report = _hostile(tmp_path, _set("library", "adapter", value="../../evil"))
    out = tmp_path / "deep" / "out"
    status, _, err = _matrix(capsys, out, report)
    assert status == 0, err
    assert _files(tmp_path) - {f"deep/out/{name}" for name in _files(out)} == {"in/hostile.json"}
    badges = list((out / "badges").iterdir())
    assert len(badges) == 1 and re.fullmatch(r"[A-Za-z0-9_+-][A-Za-z0-9._+-]*\.svg", badges[0].name)
    assert ElementTree.parse(badges[0]).getroot().get("aria-label") == f"gradspec: ../../evil {_percent()}"


@pytest.mark.parametrize("name", ['evil"lib', "<script>alert(1)</script>", "a&b&amp;c"], ids=["quote", "script", "ampersand"])
def test_markup_in_report_texts_is_escaped_in_the_svg_html_and_markdown(tmp_path: Path, name: str,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    def change(report: dict[str, Any]) -> None:
        report["library"].update(adapter=name, name=name)
        report["results"][0]["error"] = name
    status, _, err = _matrix(capsys, tmp_path / "out", _hostile(tmp_path, change))
    assert status == 0, err
    [path] = (tmp_path / "out" / "badges").iterdir()
    svg = ElementTree.parse(path).getroot()  # well-formed XML
    shown = f"{name} {_percent()}"
    assert svg.get("aria-label") == f"gradspec: {shown}" and svg.findtext(f"{SVG}title") == f"gradspec: {shown}"
    assert [text.text for text in svg.iter(f"{SVG}text")] == ["gradspec", shown]
    assert not [element for element in svg.iter() if element.tag.endswith("script")]
    page = _Page((tmp_path / "out" / "matrix.html").read_text(encoding="utf-8"))
    assert page.tags.count("script") == 1  # the page's own
    version = json.loads(COMMITTED.read_text(encoding="utf-8"))["library"]["version"]
    assert f"{name} {version} (cpu)" in page.text
    markdown = (tmp_path / "out" / "matrix.md").read_text(encoding="utf-8")
    assert "<script" not in markdown and html.escape(name, quote=False) in markdown


@pytest.mark.parametrize(("change", "problem"), [
    (lambda report: report["library"].pop("version"), "library.version: missing required key"),
    (_set("summary", "conformance", value="high"), "summary.conformance: expected"),
    (_set("results", 3, "outcome", value=["pass"]), "results[3].outcome: ['pass'] is not"),
    (_set("device", value=None), "device: expected"),
    (_set("format", value="gradspec-report/2"), "format: not a gradspec report"),
], ids=["missing-key", "wrong-type", "wrong-outcome", "null-object", "other-format"])
def test_an_invalid_report_is_refused_naming_file_and_key_and_nothing_is_written(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], change: Callable[[dict[str, Any]], Any], problem: str) -> None:
    report = _hostile(tmp_path, lambda report: (_set("library", "adapter", value="other")(report), change(report)))
    status, written, err = _matrix(capsys, tmp_path / "out", COMMITTED, report)  # the valid one is not written either
    assert status == 4 and written == ""
    assert err.startswith(f"gradspec matrix: {report}: {problem}") and err.count("\n") == 1, err
    assert not (tmp_path / "out").exists()


def _bad_json(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path.write_text('{"format": "gradspec-report/1", ', encoding="utf-8")


def _nan(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = json.loads(COMMITTED.read_text(encoding="utf-8"))
    report["summary"]["conformance"] = float("nan")
    path.write_text(json.dumps(report), encoding="utf-8")  # written as the non-JSON constant NaN


def _fifo(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    os.mkfifo(path)


def _large(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(COMMITTED, path)
    monkeypatch.setattr(gradspec.merge, "MAX_REPORT_BYTES", 1000, raising=False)


@pytest.mark.parametrize(("make", "problem"), [
    (_bad_json, "not valid JSON: Expecting property name"),
    (_nan, "not valid JSON: NaN is not a JSON number"),
    (lambda path, _: path.write_bytes(b'{"format": "\xff"}'), "not UTF-8 text"),
    (lambda path, _: None, "No such file or directory"),
    (_fifo, "not a regular file"),
    (_large, "larger than 1000 bytes"),
], ids=["bad-json", "nan", "not-utf8", "missing", "fifo", "too-large"])
def test_an_unreadable_report_is_refused_naming_the_file_and_nothing_is_written(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        make: Callable[[Path, pytest.MonkeyPatch], None], problem: str) -> None:
    report = tmp_path / "report.json"
    make(report, monkeypatch)
    status, written, err = _matrix(capsys, tmp_path / "out", report)
    assert status == 4 and written == ""
    assert err.startswith(f"gradspec matrix: {report}: {problem}") and err.count("\n") == 1, err
    assert not (tmp_path / "out").exists()


def test_line_breaks_and_pipes_in_report_texts_keep_the_markdown_tables(tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    def change(report: dict[str, Any]) -> None:
        report["library"].update(name="lib | name", version="1.0\n| injected | row |\r\n\u2028x\\")
        report["results"][0]["title"] = "a title\n| with | pipes |"
        report["results"][0]["error"] = "line\n| two |"
    assert _matrix(capsys, tmp_path / "clean", COMMITTED)[0] == 0
    assert _matrix(capsys, tmp_path / "hostile", _hostile(tmp_path, change))[0] == 0
    clean = (tmp_path / "clean" / "matrix.md").read_text(encoding="utf-8").split("\n")
    hostile = (tmp_path / "hostile" / "matrix.md").read_text(encoding="utf-8").split("\n")
    assert len(hostile) == len(clean)
    cells = re.compile(r"(?<!\\)(?:\\\\)*\|")  # an unescaped pipe
    assert [len(cells.findall(line)) for line in hostile] == [len(cells.findall(line)) for line in clean]
    assert r"lib \| name 1.0 \| injected \| row \| x\\ (cpu)" in hostile[6]


def test_a_javascript_link_is_refused_not_rendered(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = _hostile(tmp_path, _set("results", 0, "source", value=[{"docs": "page", "url": "javascript:alert(1)"}]))
    status, _, err = _matrix(capsys, tmp_path / "out", report)
    assert status == 4 and "results[0].source[0].url: 'javascript:alert(1)' is not" in err
    assert not (tmp_path / "out").exists()


def test_badge_names_are_safe_and_distinct_and_safe_names_keep_theirs(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    names = ["a/b", "a_b", "Lib", "lib", ".hidden", "x" * 300, "x" * 299 + "/"]
    reports = [_hostile(tmp_path, _set("library", "adapter", value=name), f"{index}.json") for index, name in enumerate(names)]
    status, _, err = _matrix(capsys, tmp_path / "out", *reports)
    assert status == 0, err
    badges = {path.name: ElementTree.parse(path).getroot().get("aria-label") for path in (tmp_path / "out" / "badges").iterdir()}
    assert len(badges) == len(names)
    assert all(re.fullmatch(r"[A-Za-z0-9_+-][A-Za-z0-9._+-]{0,99}\.svg", name) for name in badges), badges
    assert len({name.casefold() for name in badges}) == len(names)
    assert badges["a_b-cpu.svg"] == f"gradspec: a_b {_percent()}"  # the safe name keeps its own
    assert badges["a_b-cpu-2.svg"] == f"gradspec: a/b {_percent()}"
    assert badges["hidden-cpu.svg"] == f"gradspec: .hidden {_percent()}"


def test_a_badges_folder_linking_outside_out_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    elsewhere, out = tmp_path / "elsewhere", tmp_path / "out"
    elsewhere.mkdir()
    out.mkdir()
    (out / "badges").symlink_to(elsewhere)
    status, _, err = _matrix(capsys, out, COMMITTED)
    assert status == 4 and "outside" in err and err.count("\n") == 1, err
    assert _files(elsewhere) == set() and _files(out) == {"badges"}


def test_a_partial_report_is_accepted_and_marked_partial(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def change(report: dict[str, Any]) -> None:
        report.update(complete=False, selection="-k grad")
    status, _, err = _matrix(capsys, tmp_path / "out", _hostile(tmp_path, change))
    assert status == 0, err
    assert "(cpu, partial) |" in (tmp_path / "out" / "matrix.md").read_text(encoding="utf-8")
    assert "(cpu, partial)<br>" in (tmp_path / "out" / "matrix.html").read_text(encoding="utf-8")
