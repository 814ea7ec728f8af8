"""The conformance report: its JSON Schema, real reports against it, Markdown, atomic writes.

Two subprocess runs of the conformance suite (a handful of specs each, module-scoped) give
real reports: one where every judged spec passes, one where a spec was made false on purpose.
Both must validate with ``jsonschema`` and with gradspec's own :class:`~gradspec.schema.Validator`.
The last test checks, with Hypothesis, that the two validators agree on mutated specs.

The tests that use the two runs are marked ``torch`` and ``e2e``; the others need neither.
"""
from __future__ import annotations

import copy
import json
import re
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any, Callable, Iterator

import jsonschema
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gradspec.loader import load_specs
from gradspec.resources import REPORT_SCHEMA as REPORT_SCHEMA_PATH
from gradspec.report import (
    OUTCOMES, REPORT_FORMAT, Result, SpecSet, build_report, markdown, write_atomically, write_report,
)
from gradspec.schema import SUPPORTED_KEYWORDS, Validator, format_path

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"
SPEC_SCHEMA_PATH = SPECS / "spec.schema.json"
#: Keywords the report schema may use beyond the built-in validator's (it ignores them).
EXTRA_KEYWORDS = frozenset({"maximum"})
#: The spec made false in the failing run, and the edit that makes it false.
BROKEN_SPEC = "aliasing.data.inplace_is_untracked"
BROKEN_FILE = Path("aliasing") / "data_inplace_is_untracked.yaml"
TRUE_LINE, FALSE_LINE = "equal(a.grad, zeros_like(a))", "equal(a.grad, ones_like(a))"
AREA_TABLE_HEADER = "| area | pass | fail | error | not applicable | skipped | conformance |"


def _load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def report_schema() -> dict[str, Any]:
    """The report schema, read from ``gradspec/schemas/report.schema.json``."""
    return _load(REPORT_SCHEMA_PATH)


@pytest.fixture(scope="module")
def spec_schema() -> dict[str, Any]:
    """The spec schema, read from ``specs/spec.schema.json``."""
    return _load(SPEC_SCHEMA_PATH)


def assert_valid(report: dict[str, Any], schema: dict[str, Any]) -> None:
    """Both validators accept ``report``."""
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
              for e in jsonschema.Draft202012Validator(schema).iter_errors(report)]
    assert errors == []
    assert [f"{format_path(p.path)}: {p.message}" for p in Validator(schema).problems(report)] == []


def assert_consistent(report: dict[str, Any]) -> None:
    """What the schema cannot say: the counts, areas, order and conformance agree with the results."""
    results = report["results"]
    ids = [result["id"] for result in results]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)

    with_coverage = "coverage" in report["summary"]  # reports written before the figure existed lack it

    def expected(rows: list[dict[str, Any]]) -> dict[str, Any]:
        counts = Counter(row["outcome"] for row in rows)
        judged = counts["pass"] + counts["fail"] + counts["error"]
        figures = {"total": len(rows), **{o: counts[o] for o in OUTCOMES},
                   "conformance": counts["pass"] / judged if judged else None}
        if with_coverage:
            figures["coverage"] = (len(rows) - counts["not_applicable"]) / len(rows) if rows else None
        return figures

    assert report["summary"] == expected(results)
    assert report["areas"] == {area: expected([r for r in results if r["area"] == area])
                               for area in sorted({r["area"] for r in results})}
    for result in results:
        assert result["device"] == report["device"]["kind"]
        assert result["id"].split(".")[0] == result["area"]
        assert (result["replay"] is None) == (result["counterexample"] is None)
        if result["outcome"] in ("pass", "not_applicable", "skipped"):
            assert result["counterexample"] is None
        if result["outcome"] in ("fail", "error", "not_applicable", "skipped"):
            assert result["error"]


def run_suite(report_dir: Path, selection: str, *extra: str) -> subprocess.CompletedProcess[str]:
    """Run the conformance suite on cpu on the specs ``selection`` picks (``-k``), without the
    Hypothesis database (profile ``ci``) or pytest's cache, writing reports to ``report_dir``."""
    command = [sys.executable, "-m", "pytest", "suites", "-q", "-k", selection, "--device", "cpu",
               "--hypothesis-profile", "ci", "--report-dir", str(report_dir), "-p", "no:cacheprovider", *extra]
    env = {key: value for key, value in os.environ.items() if key != "PYTEST_ADDOPTS"}
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def passing_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """A run of three real specs that pass or are not applicable on cpu."""
    directory = tmp_path_factory.mktemp("passing")
    completed = run_suite(directory, "aliasing.data.shares_storage or item.single_element or numpy.non_cpu.error")
    return directory, completed


@pytest.fixture(scope="module")
def failing_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """A run on a copy of the specs where one ``then`` line of ``BROKEN_SPEC`` is false."""
    base = tmp_path_factory.mktemp("failing")
    specs = base / "specs"
    shutil.copytree(SPECS, specs)
    broken = specs / BROKEN_FILE
    text = broken.read_text(encoding="utf-8")
    assert text.count(TRUE_LINE) == 1
    broken.write_text(text.replace(TRUE_LINE, FALSE_LINE), encoding="utf-8")
    directory = base / "reports"
    completed = run_suite(directory, f"{BROKEN_SPEC} or aliasing.data.shares_storage", "--specs", str(specs),
                          "--no-builtin-specs")
    return directory, completed


# -- (a) the schemas are schemas -------------------------------------------------------------

def _subschemas(schema: Any, where: str = "#") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every schema object inside ``schema`` (not property names or values), with its place."""
    if not isinstance(schema, dict):
        return
    yield where, schema
    for keyword in ("properties", "$defs"):
        for name, sub in schema.get(keyword, {}).items():
            yield from _subschemas(sub, f"{where}/{keyword}/{name}")
    for keyword in ("items", "additionalProperties", "propertyNames"):
        yield from _subschemas(schema.get(keyword), f"{where}/{keyword}")
    for keyword in ("anyOf", "oneOf"):
        for index, sub in enumerate(schema.get(keyword, [])):
            yield from _subschemas(sub, f"{where}/{keyword}/{index}")


@pytest.mark.parametrize("path", [REPORT_SCHEMA_PATH, SPEC_SCHEMA_PATH], ids=["report", "spec"])
def test_schema_is_a_draft_2020_12_schema(path: Path) -> None:
    """Both of gradspec's schemas are valid Draft 2020-12 schemas."""
    jsonschema.Draft202012Validator.check_schema(_load(path))


def test_report_schema_is_versioned(report_schema: dict[str, Any]) -> None:
    """The schema names its format version, and ``format`` is the one ``build_report`` writes."""
    assert report_schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert report_schema["$id"] == "urn:gradspec:report:1"
    assert "format version 1" in report_schema["title"]
    assert report_schema["properties"]["format"]["const"] == REPORT_FORMAT


def test_report_schema_uses_known_keywords_is_closed_and_described(report_schema: dict[str, Any]) -> None:
    """Only keywords the built-in validator knows (plus ``maximum``); every object is closed
    (``additionalProperties`` false, or a schema for maps with ``propertyNames``); every
    property has a description."""
    for where, schema in _subschemas(report_schema):
        assert set(schema) <= SUPPORTED_KEYWORDS | EXTRA_KEYWORDS, where
        if schema.get("type") == "object":
            extra = schema.get("additionalProperties")
            assert extra is False or (isinstance(extra, dict) and "propertyNames" in schema), where
        for name, sub in schema.get("properties", {}).items():
            assert sub.get("description"), f"{where}/properties/{name}"


# -- (b) a real passing run ------------------------------------------------------------------

@pytest.mark.torch
@pytest.mark.e2e
def test_real_report_validates(passing_run: tuple[Path, subprocess.CompletedProcess[str]],
                               report_schema: dict[str, Any]) -> None:
    """A run that passes writes a report both validators accept, consistent with its results."""
    directory, completed = passing_run
    assert completed.returncode == 0, completed.stdout + completed.stderr
    report = _load(directory / "torch-cpu.json")
    assert_valid(report, report_schema)
    assert_consistent(report)
    assert report["hypothesis_profile"] == "ci"
    outcomes = {result["id"]: result["outcome"] for result in report["results"]}
    assert outcomes == {"aliasing.data.shares_storage": "pass", "item.single_element": "pass",
                        "numpy.non_cpu.error": "not_applicable"}
    assert report["summary"]["conformance"] == 1.0
    assert report["shard"] is None and report["complete"] is False  # -k: a selection of one whole run
    builtin = load_specs()  # the set the run was asked to cover: every built-in spec, the selection aside
    assert report["spec_set"] == SpecSet({spec.id: spec.digest for spec in builtin}).as_dict()
    assert not list(directory.glob(".*")), "a temporary file was left behind"


# -- (c) a real failing run ------------------------------------------------------------------

@pytest.mark.torch
@pytest.mark.e2e
def test_failing_report_validates(failing_run: tuple[Path, subprocess.CompletedProcess[str]],
                                  report_schema: dict[str, Any]) -> None:
    """A spec made false fails the run (exit 1); the report validates, and its failing result
    carries a counterexample in the spec language and a replay command."""
    directory, completed = failing_run
    assert completed.returncode == 1, completed.stdout + completed.stderr
    report = _load(directory / "torch-cpu.json")
    assert_valid(report, report_schema)
    assert_consistent(report)
    failed = next(result for result in report["results"] if result["id"] == BROKEN_SPEC)
    assert failed["outcome"] == "fail"
    assert failed["counterexample"] is not None and failed["counterexample"].startswith("a = variable(")
    assert failed["replay"] is not None and BROKEN_SPEC in failed["replay"] and "--given" in failed["replay"]
    assert FALSE_LINE in failed["error"]
    assert report["summary"]["fail"] == 1 and report["summary"]["pass"] == 1
    assert report["summary"]["conformance"] == 0.5


# -- (d) mutated reports are rejected --------------------------------------------------------

def _set(path: tuple[str | int, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(report: dict[str, Any]) -> None:
        target: Any = report
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value
    return mutate


def _drop(path: tuple[str | int, ...]) -> Callable[[dict[str, Any]], None]:
    def mutate(report: dict[str, Any]) -> None:
        target: Any = report
        for part in path[:-1]:
            target = target[part]
        del target[path[-1]]
    return mutate


MUTATIONS: dict[str, Callable[[dict[str, Any]], None]] = {
    "unknown top-level key": _set(("extra",), 1),
    "unknown key in a result": _set(("results", 0, "passed"), True),
    "unknown key in the library": _set(("library", "commit"), "abc"),
    "outcome 'passed'": _set(("results", 0, "outcome"), "passed"),
    "negative examples": _set(("results", 0, "examples"), -1),
    "fractional examples": _set(("results", 0, "examples"), 2.5),
    "negative duration": _set(("results", 0, "duration"), -0.1),
    "another format version": _set(("format",), "gradspec-report/2"),
    "kind 'properties'": _set(("results", 0, "kind"), "properties"),
    "conformance as text": _set(("summary", "conformance"), "100%"),
    "a missing count": _drop(("summary", "skipped")),
    "a missing counterexample": _drop(("results", 0, "counterexample")),
    "an area not in snake case": _set(("areas", "Bad-Area"), {}),
    "a source with no url": _set(("results", 0, "source"), [{"docs": "Autograd mechanics"}]),
    "no source": _set(("results", 0, "source"), []),
    "a date without a time": _set(("created",), "2026-01-01"),
    "a bool count": _set(("summary", "total"), True),
    "shard zero": _set(("shard",), {"index": 0, "count": 2}),
    "a shard without its count": _set(("shard",), {"index": 1}),
    "a spec set without digest": _drop(("spec_set", "digest")),
    "a spec set as a number": _set(("spec_set",), 177),
}


@pytest.mark.torch
@pytest.mark.e2e
@pytest.mark.parametrize("mutation", list(MUTATIONS))
def test_mutated_report_is_rejected(mutation: str, failing_run: tuple[Path, subprocess.CompletedProcess[str]],
                                    report_schema: dict[str, Any]) -> None:
    """Each mutation of a real report makes both validators reject it."""
    report = _load(failing_run[0] / "torch-cpu.json")
    MUTATIONS[mutation](report)
    assert not jsonschema.Draft202012Validator(report_schema).is_valid(report)
    assert Validator(report_schema).problems(report)


# -- (e) the Markdown summary ----------------------------------------------------------------

@pytest.mark.torch
@pytest.mark.e2e
def test_markdown_lists_the_failing_spec(failing_run: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    """The Markdown has the per-area table and names the failing spec under "do not conform"."""
    directory = failing_run[0]
    text = (directory / "torch-cpu.md").read_text(encoding="utf-8")
    assert AREA_TABLE_HEADER in text
    assert "| aliasing | 1 | 1 | 0 | 0 | 0 | 50.0% |" in text
    heading = text.index("## Specs that do not conform")
    section = text[heading:text.index("## Every spec")]
    assert f"### `{BROKEN_SPEC}`: fail" in section
    # the replay command finds the spec where the run did: only in the copied specs folder
    assert "a = variable(" in section and "python -m gradspec --no-builtin-specs --specs " in section
    assert f"replay {BROKEN_SPEC} " in section
    assert "aliasing.data.shares_storage" not in section
    assert text == markdown(_load(directory / "torch-cpu.json"))


@pytest.mark.torch
@pytest.mark.e2e
def test_markdown_of_passing_run_has_no_failures(passing_run: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    """Without failures there is no "do not conform" section."""
    text = (passing_run[0] / "torch-cpu.md").read_text(encoding="utf-8")
    assert AREA_TABLE_HEADER in text and "do not conform" not in text


# -- build_report without a run: every outcome -----------------------------------------------

class _FakeAdapter:
    name = "fake"
    library = "fakelib"

    def library_version(self) -> str:
        return "1.2.3"


def _result(spec_id: str, outcome: str, **fields: Any) -> Result:
    values: dict[str, Any] = dict(
        id=spec_id, title="a behaviour worth checking", area=spec_id.split(".")[0], kind="example",
        source=[{"tutorial": "T1 tensors"}], device="cuda", outcome=outcome, examples=1, shrink_runs=0, duration=0.5, baseline=None)
    return Result(**{**values, **fields})


def test_built_report_of_every_outcome_validates(report_schema: dict[str, Any], tmp_path: Path) -> None:
    """``build_report`` over all five outcomes (and an area where nothing was judged, whose
    conformance is null) validates, and ``write_report`` writes it as named."""
    results = [
        _result("b.ok", "pass"),
        _result("a.bad", "fail", counterexample="", replay="python -m gradspec replay a.bad", error="no"),
        _result("a.broken", "error", error="StepError: boom", kind="property"),
        _result("c.na", "not_applicable", examples=0, error="not applicable: fake lacks inplace"),
        _result("c.gone", "skipped", examples=0, error="device absent"),
    ]
    spec_set = SpecSet({result.id: "0" * 64 for result in results})
    report = build_report(adapter=_FakeAdapter(), device_kind="cuda", device="cuda:0", profile="dev", results=results,
                          spec_set=spec_set)
    assert_valid(report, report_schema)
    assert_consistent(report)
    assert report["areas"]["c"]["conformance"] is None
    assert report["summary"]["conformance"] == 1 / 3 and report["summary"]["coverage"] == 4 / 5  # the two figures
    assert report["shard"] is None and report["spec_set"] == {"count": 5, "digest": spec_set.digest}
    json_path, markdown_path = write_report(report, tmp_path)
    assert (json_path.name, markdown_path.name) == ("fake-cuda.json", "fake-cuda.md")
    assert _load(json_path) == report
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fake-cuda.json", "fake-cuda.md"]


def test_a_report_names_the_capabilities_its_library_lacks_with_the_adapters_reasons(report_schema: dict[str, Any]) -> None:
    class Lacking(_FakeAdapter):
        capabilities = frozenset({"backward"})
        lacks = {"hooks": "no such API: fakelib has no hooks", "backward": "declared after all: not listed"}
        configuration = "fast_math"

    report = build_report(adapter=Lacking(), device_kind="cuda", device="cuda:0", profile="ci", results=[_result("b.ok", "pass")],
                          spec_set=SpecSet({"b.ok": "0" * 64}))
    assert_valid(report, report_schema)
    assert report["library"]["capabilities"] == ["backward"]
    assert report["library"]["lacks"] == {"hooks": "no such API: fakelib has no hooks"}
    assert report["library"]["configuration"] == "fast_math"
    text = markdown(report)
    assert "[fast_math] on cuda" in text and "| `hooks` | no such API: fakelib has no hooks |" in text


def test_a_report_from_before_sharding_still_validates(report_schema: dict[str, Any]) -> None:
    """Reports written before ``--shard`` have neither ``shard`` nor ``spec_set``: they stay valid
    (the committed reports are such), though they cannot be merged."""
    results = [_result("b.ok", "pass"), _result("a.bad", "fail", counterexample="", replay="python -m gradspec replay a.bad",
                                                error="no")]
    report = build_report(adapter=_FakeAdapter(), device_kind="cuda", device="cuda:0", profile="ci", results=results,
                          spec_set=SpecSet({result.id: "0" * 64 for result in results}))
    del report["shard"], report["spec_set"]
    assert_valid(report, report_schema)
    assert_consistent(report)


# -- (f) atomic writes -----------------------------------------------------------------------

def test_write_atomically_writes_and_replaces(tmp_path: Path) -> None:
    """A write creates missing folders, a second write replaces the first, and no temporary
    file stays beside the target."""
    path = tmp_path / "deep" / "report.json"
    write_atomically(path, "old\n")
    write_atomically(path, "new\n")
    assert path.read_text(encoding="utf-8") == "new\n"
    assert [p.name for p in path.parent.iterdir()] == ["report.json"]


def test_write_atomically_keeps_the_old_file_when_writing_fails(tmp_path: Path) -> None:
    """Text that cannot be encoded fails mid-write: the old file is intact, no temporary file stays."""
    path = tmp_path / "report.md"
    write_atomically(path, "old\n")
    with pytest.raises(UnicodeEncodeError):
        write_atomically(path, "new text \ud800")
    assert path.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]


@pytest.mark.parametrize("exception", [OSError("disk gone"), KeyboardInterrupt()], ids=["oserror", "interrupt"])
def test_write_atomically_keeps_the_old_file_when_renaming_fails(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exception: BaseException) -> None:
    """A failing (or interrupted) rename leaves the old file and removes the temporary one."""
    path = tmp_path / "report.json"
    write_atomically(path, "old\n")

    def fail(*args: Any, **kwargs: Any) -> None:
        raise exception

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(type(exception)):
        write_atomically(path, "new\n")
    monkeypatch.undo()
    assert path.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


@pytest.mark.torch
@pytest.mark.e2e
def test_a_collect_only_run_writes_no_report_and_leaves_the_last_one(tmp_path: Path) -> None:
    """``--collect-only`` runs no spec: no report, no "incomplete run", the earlier report kept."""
    earlier = tmp_path / "torch-cpu.json"
    earlier.write_text('{"an": "earlier report"}\n')
    completed = run_suite(tmp_path, "item", "--collect-only", "--baseline", str(ROOT / "baselines" / "torch.yaml"))
    assert completed.returncode == 0, completed.stdout[-2000:]
    assert "item.single_element" in completed.stdout
    assert "incomplete" not in completed.stdout
    assert [path.name for path in tmp_path.iterdir()] == ["torch-cpu.json"]
    assert earlier.read_text() == '{"an": "earlier report"}\n'


# -- (g) the built-in validator agrees with jsonschema ---------------------------------------

def _real_specs() -> list[dict[str, Any]]:
    paths = [path for path in sorted(SPECS.rglob("*.yaml"))
             if not any(part.startswith("_") for part in path.relative_to(SPECS).parts)]  # _ files and folders are notes and tables
    return [yaml.safe_load(path.read_text(encoding="utf-8")) for path in paths]


def _ecma_pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[Any]:
    """``pattern`` as JSON Schema defines it (ECMA-262: ``$`` ends the text), where jsonschema
    uses Python's ``re`` (``$`` also matches before a final newline)."""
    if validator.is_type(instance, "string") and not re.search(re.sub(r"\$$", r"\\Z", pattern), instance):
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


EcmaValidator = jsonschema.validators.extend(jsonschema.Draft202012Validator, {"pattern": _ecma_pattern})


REAL_SPECS = _real_specs()
SPEC_SCHEMA = _load(SPEC_SCHEMA_PATH)
#: Values chosen to hit the schema's edges: known names, enum members, patterns, lengths.
INTERESTING = st.sampled_from([
    "", "x", "short", "a long enough title", "aliasing.data.x", "Aliasing.x", "a.b\n", "cpu", "cuda", "tpu",
    "backward", "inplace", "leaf_inplace", "no_grad_fn", "http://x", "https://docs.pytorch.org", "ftp://x",
    "T1 tensors", "x = a + 1", "tensors()", 0, 1, -1, 2.5, True, False, None, [], {}, ["cpu"], ["cpu", "cpu"],
    ["backward"], {"tutorial": "T1 x"}, {"docs": "d", "url": "https://x"}, {"tutorial": "T1", "docs": "d", "url": "https://x"},
    {"at": "x = a + 1", "kind": "leaf_inplace"}, {"a": "tensors()"}, {"Bad": 1}, ["x"],
]).map(copy.deepcopy)  # a fresh copy: later mutations must not change the samples
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=5),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=6,
)
KEYS = st.sampled_from(sorted({*SPEC_SCHEMA["properties"], *SPEC_SCHEMA["$defs"]["source"]["properties"],
                               "at", "kind", "match", "extra", "Id", "a", "x_1", "1x", ""})) | st.text(max_size=4)


def _nodes(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    yield path, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _nodes(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _nodes(item, path + (index,))


def _replace(document: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    parent: Any = document
    for part in path[:-1]:
        parent = parent[part]
    parent[path[-1]] = new
    return document


@st.composite
def mutated_specs(draw: st.DrawFn) -> Any:
    """A real spec with one to three mutations at random places: a key dropped or added, an
    item dropped, duplicated or added, a value replaced by one of another type or an edge value."""
    document = draw(st.sampled_from(REAL_SPECS).map(copy.deepcopy))
    for _ in range(draw(st.integers(1, 3))):
        path, node = draw(st.sampled_from(list(_nodes(document))))
        operations = ["replace", "replace_json"]
        if isinstance(node, dict):
            operations += ["add_key"] + (["drop_key"] if node else [])
        if isinstance(node, list):
            operations += ["append"] + (["drop_item", "duplicate_item"] if node else [])
        operation = draw(st.sampled_from(operations))
        if operation == "replace":
            document = _replace(document, path, draw(INTERESTING))
        elif operation == "replace_json":
            document = _replace(document, path, draw(JSON_VALUES))
        elif operation == "add_key":
            node[draw(KEYS)] = draw(INTERESTING | JSON_VALUES)
        elif operation == "drop_key":
            del node[draw(st.sampled_from(sorted(node)))]
        elif operation == "append":
            node.append(draw(INTERESTING))
        elif operation == "drop_item":
            del node[draw(st.integers(0, len(node) - 1))]
        else:
            node.append(copy.deepcopy(node[draw(st.integers(0, len(node) - 1))]))
    return document


def test_validators_agree_on_real_specs() -> None:
    """Both validators accept every real spec."""
    validator = EcmaValidator(SPEC_SCHEMA)
    for document in REAL_SPECS:
        assert validator.is_valid(document) and not Validator(SPEC_SCHEMA).problems(document), document["id"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=mutated_specs())
def test_validators_agree_on_mutated_specs(document: Any) -> None:
    """gradspec's validator and jsonschema agree on whether a mutated spec is valid."""
    expected = EcmaValidator(SPEC_SCHEMA).is_valid(document)
    problems = Validator(SPEC_SCHEMA).problems(document)
    assert (not problems) == expected, [f"{format_path(p.path)}: {p.message}" for p in problems]


COMMITTED_REPORTS = sorted(path for path in (ROOT / "reports").rglob("*.json") if not path.name.endswith(".schema.json"))


@pytest.mark.parametrize("path", COMMITTED_REPORTS, ids=lambda path: str(path.relative_to(ROOT)))
def test_committed_reports_are_valid_and_consistent(path: Path, report_schema: dict[str, Any]) -> None:
    report = _load(path)
    assert_valid(report, report_schema)
    assert_consistent(report)
