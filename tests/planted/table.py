"""The mutation table: every planted deviation run against the specs, and the mutation score.

``python -m tests.planted`` runs each deviation of :data:`tests.planted.CAUGHT_BY` against every
spec that runs on the CPU (not only the specs listed for it; a deviation of the operator table's
operators against the per-operator specs, any other against the others), with the derandomized Hypothesis
settings of the own tests (:data:`tests.planted.SEARCH`), and prints one row per deviation: its
kind, its area, the specs that caught it (reported a ``fail``), the examples the quickest of
them needed, and whether anything caught it; then the mutation score, the deviations per area
and kind, and the deviations nothing catches (gaps in the specs).

Running Hypothesis once per deviation and spec would take hours (about 28,000 searches of up to
200 examples, mostly on specs the deviation does not touch).  Each spec is therefore searched
once, against the PyTorch adapter, recording every drawn example and the adapter attributes the
example used; each deviation then replays those examples, in order, until the first failure.
This gives ``check_case``'s verdict and example count: in the generate phase without shrinking,
a derandomized search draws the same examples whatever the test does until it fails, and the
failing example is run a second time (a flaky failure is an error, as Hypothesis makes it).
A deviation whose overridden attributes no recorded example of a spec used cannot change that
spec's outcome: the spec is not replayed and passes, as on PyTorch.  The own tests check the
replay against ``check_case`` (tests/test_planted_deviations.py).
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import pickle
import sys
import time
import warnings
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np
from hypothesis import settings

from gradspec.adapters.torch_adapter import TorchAdapter
from gradspec.errors import SpecFailure
from gradspec.profiles import OPERATOR_EXAMPLES
from gradspec.runner import Case, check_case
from gradspec.spec import Spec
from gradspec.values import DrawnTensor

#: The kinds of deviation, the ways a real library deviates from a documented behaviour.
KINDS: dict[str, str] = {
    "missing": "the behaviour is absent: no error, no effect, no tracking",
    "inverted": "the opposite behaviour: a copy for an alias, True for False, reversed order",
    "leaking": "the behaviour reaches past its scope: a mode, flag or effect where it does not belong",
    "partial": "wrong only for some shapes, dtypes, sizes, operations or operand orders",
    "numeric": "gradient values slightly off for one operation",
}

#: Class attributes that describe a deviation and never change its behaviour.
_METADATA = frozenset({
    "__module__", "__qualname__", "__doc__", "__dict__", "__weakref__", "__firstlineno__",
    "__static_attributes__", "__annotations__", "__orig_bases__", "__parameters__",
    # __init__ runs once, before any example; what it sets is read by the overridden methods.
    "__init__", "deviation_kind", "deviation_area", "deviation_operators",
})

_SHOWN_IDS = 3


@dataclass(frozen=True)
class Deviation:
    """One planted deviation and what is known about it before running anything."""

    cls: type
    name: str
    kind: str
    area: str
    listed: frozenset[str]
    #: The adapter attributes it overrides; ``None`` when it overrides a special method, which
    #: every example may reach.
    overrides: frozenset[str] | None

    @property
    def key(self) -> str:
        return f"{self.cls.__module__}:{self.cls.__qualname__}"

    @property
    def of_operators(self) -> bool:
        """Whether it is a deviation of the operator table's operators (listed for per-operator specs)."""
        return any(is_per_operator(spec_id) for spec_id in self.listed)


def is_per_operator(spec_id: str) -> bool:
    """Whether ``spec_id`` is a per-operator spec (``operators.vjp[exp]``)."""
    return spec_id.startswith("operators.")


def overridden(cls: type) -> frozenset[str] | None:
    """The attributes ``cls`` defines over :class:`TorchAdapter` (``None``: a special method)."""
    names: set[str] = set()
    for klass in cls.__mro__:
        if klass is TorchAdapter or not issubclass(klass, TorchAdapter):
            break
        names |= set(vars(klass)) - _METADATA
    if any(name.startswith("__") for name in names):
        return None
    return frozenset(names)


def area_of(cls: type, listed: Iterable[str]) -> str:
    """The deviation's area: ``deviation_area``, else the area most of its listed specs share."""
    explicit = getattr(cls, "deviation_area", None)
    if explicit is not None:
        return explicit
    counts = Counter(spec_id.split(".")[0] for spec_id in listed).most_common()
    if not counts or (len(counts) > 1 and counts[0][1] == counts[1][1]):
        raise ValueError(f"{cls.__name__}: its listed specs span areas equally; set deviation_area")
    return counts[0][0]


def deviations(caught_by: dict[type, set[str]] | None = None) -> list[Deviation]:
    """Every planted deviation, by area and name; a class name two modules share is qualified
    with its module (``numpy_interop.FromNumpyRequiresGrad``)."""
    if caught_by is None:
        from tests.planted import CAUGHT_BY as caught_by
    names = Counter(cls.__name__ for cls in caught_by)
    found = []
    for cls, listed in caught_by.items():
        name = cls.__name__ if names[cls.__name__] == 1 else f"{cls.__module__.rsplit('.', 1)[-1]}.{cls.__name__}"
        kind = getattr(cls, "deviation_kind", None)
        if kind not in KINDS:
            raise ValueError(f"{cls.__name__}: deviation_kind is {kind!r}, not one of {', '.join(KINDS)}")
        found.append(Deviation(cls, name, kind, area_of(cls, listed), frozenset(listed), overridden(cls)))
    return sorted(found, key=lambda deviation: (deviation.area, deviation.name))


# -- searching a spec once, replaying it for each deviation ---------------------------------


class _TracingTorch(TorchAdapter):
    """The PyTorch adapter, recording the name of every attribute an example reads from it."""

    touched: set[str]

    def __init__(self) -> None:
        object.__setattr__(self, "touched", set())
        super().__init__()

    def __getattribute__(self, name: str) -> Any:
        if name != "touched":
            object.__getattribute__(self, "touched").add(name)
        return object.__getattribute__(self, name)

    def call_operator(self, name: str, *args: Any, **kwargs: Any) -> Any:
        self.touched.add(f"operator:{name}")  # which operators an example called
        return super().call_operator(name, *args, **kwargs)


@dataclass
class _RecordingCase(Case):
    """A case that keeps a pristine copy of every example it runs and what the example used."""

    recorded: list[tuple[dict[str, Any], frozenset[str]]] = field(default_factory=list)

    def run(self, drawn: dict[str, Any]) -> None:
        touched: set[str] = set()
        self.adapter.touched = touched
        pristine = _fresh(drawn)
        try:
            super().run(drawn)
        finally:
            self.recorded.append((pristine, touched))  # type: ignore[arg-type]


def _fresh(value: Any) -> Any:
    """A copy of drawn inputs that running steps on cannot change (arrays are copied; other
    drawn values are immutable or stand for themselves, like dtypes and operations)."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, DrawnTensor):
        return DrawnTensor(value.array.copy(), value.requires_grad)
    if isinstance(value, dict):
        return {name: _fresh(item) for name, item in value.items()}
    if isinstance(value, list):
        return [_fresh(item) for item in value]
    if isinstance(value, tuple) and type(value) is tuple:
        return tuple(_fresh(item) for item in value)
    return value


@dataclass(frozen=True)
class Outcome:
    """What one spec reported for one deviation."""

    outcome: str  # pass, fail or error
    examples: int
    ran: bool  # False: no example reaches an overridden attribute, so PyTorch's outcome holds
    problem: str | None = None


@dataclass(frozen=True)
class SpecRun:
    """One spec: PyTorch's own outcome, and each deviation's (by :attr:`Deviation.key`)."""

    spec_id: str
    reference: str
    reference_examples: int
    outcomes: dict[str, Outcome]
    seconds: float


def replay(cls: type, spec: Spec, recorded: Sequence[tuple[dict[str, Any], frozenset[str]]]) -> Outcome:
    """Run the recorded examples on a fresh ``cls()`` until one fails, as ``check_case`` would."""
    case = Case(spec, cls(), "cpu", "cpu")
    for drawn, _ in recorded:
        try:
            case.run(_fresh(drawn))
        except Exception as error:
            outcome = "fail" if isinstance(error, SpecFailure) else "error"
            problem = getattr(error, "problem", None) or f"{type(error).__name__}: {error}"
            try:  # Hypothesis runs a failing example again before reporting it
                case.run(_fresh(drawn))
            except Exception as again:
                if type(again) is not type(error):
                    return Outcome("error", case.examples, True, f"flaky: {type(error).__name__} then {type(again).__name__}")
            else:
                return Outcome("error", case.examples, True, f"flaky: {type(error).__name__}, then passed")
            return Outcome(outcome, case.examples, True, str(problem).splitlines()[0])
    return Outcome("pass", case.examples, True)


def _runs_threads_together(spec: Spec) -> bool:
    """Whether ``spec`` runs step functions in several threads at once (``run_in_threads``)."""
    return "run_in_threads" in spec.steps.source


def _replay_in_child(cls: type, spec: Spec, recorded: Sequence[tuple[dict[str, Any], frozenset[str]]]) -> Outcome:
    """:func:`replay` in a forked child.  A deviation may leave PyTorch itself unsafe across
    threads (e.g. every result retaining its grad: concurrent ``autograd.grad`` calls then write
    one non-leaf's ``.grad`` at once, and PyTorch can crash); in a real run the supervisor reports
    such a crash, here it costs this deviation an ``error`` on this spec, not the table's worker."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: replay, send the outcome, and leave without any parent cleanup
        os.close(read_end)
        try:
            with os.fdopen(write_end, "wb") as pipe:
                pickle.dump(replay(cls, spec, recorded), pipe)
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        payload = pipe.read()
    _, status = os.waitpid(pid, 0)
    if payload:
        outcome: Outcome = pickle.loads(payload)
        return outcome
    how = f"signal {-os.waitstatus_to_exitcode(status)}" if os.WIFSIGNALED(status) else f"status {os.waitstatus_to_exitcode(status)}"
    return Outcome("error", 0, True, f"PyTorch crashed ({how}) replaying the examples in a child process")


_SPECS: dict[str, Spec] = {}


def _spec(spec_id: str) -> Spec:
    if not _SPECS:
        from gradspec.loader import load_specs

        _SPECS.update((spec.id, spec) for spec in load_specs())
    return _SPECS[spec_id]


def check_spec(spec_id: str, classes: Sequence[type]) -> SpecRun:
    """Search ``spec_id`` once on PyTorch, then replay its examples for each deviation class."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PyTorch's user warnings, thousands of them
        return _check_spec(spec_id, classes)


def _check_spec(spec_id: str, classes: Sequence[type]) -> SpecRun:
    from tests.planted import SEARCH

    started = time.perf_counter()
    spec = _spec(spec_id)
    reference = _RecordingCase(spec, _TracingTorch(), "cpu", "cpu")
    # An operator's property is searched with the examples a run gives it (the operator budget).
    search = SEARCH if spec.operator is None else settings(SEARCH, max_examples=OPERATOR_EXAMPLES["ci"])
    verdict = check_case(reference, search)
    recorded = reference.recorded[:reference.examples] if verdict.outcome == "pass" else []
    used = frozenset().union(*(touched for _, touched in recorded))
    outcomes = {}
    for cls in classes if verdict.outcome == "pass" else ():  # else nothing to compare with
        key = f"{cls.__module__}:{cls.__qualname__}"
        overrides = overridden(cls)
        operators = getattr(cls, "deviation_operators", None)  # a deviation of these operators only
        if operators is not None and not {f"operator:{name}" for name in operators} & used:
            outcomes[key] = Outcome("pass", reference.examples, False)
        elif overrides is not None and not overrides & used:
            outcomes[key] = Outcome("pass", reference.examples, False)
        elif _runs_threads_together(spec):
            outcomes[key] = _replay_in_child(cls, spec, recorded)
        else:
            outcomes[key] = replay(cls, spec, recorded)
    return SpecRun(spec_id, verdict.outcome, reference.examples, outcomes, time.perf_counter() - started)


def _check_spec_task(task: tuple[str, tuple[type, ...]]) -> SpecRun:
    return check_spec(*task)


def run(selected: Sequence[Deviation], spec_ids: Sequence[str], *, scope: str = "all",
        workers: int = 2) -> list[SpecRun]:
    """Check every selected deviation against the specs of ``spec_ids`` (``scope="area"``: only
    against the specs of its own area and its listed specs).  The per-operator specs check the
    deviations of operators, and only they: the rest of the surface has its own specs, and
    replaying each of its deviations on some 3,000 per-operator specs would take most of the run."""
    tasks = []
    for spec_id in spec_ids:
        classes = tuple(deviation.cls for deviation in selected
                        if deviation.of_operators == is_per_operator(spec_id)
                        and (scope == "all" or spec_id in deviation.listed or spec_id.split(".")[0] == deviation.area))
        if classes:
            tasks.append((spec_id, classes))
    if workers <= 1:
        return [_check_spec_task(task) for task in tasks]
    # spawn: a fresh interpreter per worker, never a fork of one that has started torch's threads
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        return list(pool.map(_check_spec_task, tasks))


# -- the table ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One deviation's line in the table."""

    deviation: Deviation
    caught_by: tuple[str, ...]  # listed specs first, then the others, each by id
    examples: int | None  # fewest examples a catching spec needed
    errors: tuple[tuple[str, str], ...]  # (spec id, problem) of specs that reported error
    reached: int  # specs whose examples reach an overridden attribute (the specs replayed)
    checked: int  # specs it was checked against
    missed_listed: tuple[str, ...]  # listed specs that did not report it as a failure

    @property
    def caught(self) -> bool:
        return bool(self.caught_by)


def rows(selected: Sequence[Deviation], runs: Sequence[SpecRun]) -> list[Row]:
    result = []
    for deviation in selected:
        found = {run.spec_id: run.outcomes[deviation.key] for run in runs if deviation.key in run.outcomes}
        failing = {spec_id: outcome for spec_id, outcome in found.items() if outcome.outcome == "fail"}
        caught_by = sorted(failing, key=lambda spec_id: (spec_id not in deviation.listed, spec_id))
        result.append(Row(
            deviation=deviation,
            caught_by=tuple(caught_by),
            examples=min((outcome.examples for outcome in failing.values()), default=None),
            errors=tuple(sorted((spec_id, outcome.problem or "") for spec_id, outcome in found.items()
                                if outcome.outcome == "error")),
            reached=sum(outcome.ran for outcome in found.values()),
            checked=len(found),
            missed_listed=tuple(sorted(spec_id for spec_id in deviation.listed if spec_id in found and spec_id not in failing)),
        ))
    return result


_HEADER = ("deviation", "kind", "area", "caught by", "examples", "errors", "reached", "caught")


def _cells(row: Row, code: bool) -> tuple[str, ...]:
    def ident(spec_id: str) -> str:
        return f"`{spec_id}`" if code else spec_id

    listed = sum(spec_id in row.deviation.listed for spec_id in row.caught_by)
    caught_by = "-"
    if row.caught_by:
        shown = ", ".join(ident(spec_id) for spec_id in row.caught_by[:_SHOWN_IDS])
        more = f", +{len(row.caught_by) - _SHOWN_IDS}" if len(row.caught_by) > _SHOWN_IDS else ""
        caught_by = f"{len(row.caught_by)} ({listed} listed): {shown}{more}"
    return (
        row.deviation.name, row.deviation.kind, row.deviation.area, caught_by,
        "-" if row.examples is None else str(row.examples), str(len(row.errors)),
        f"{row.reached}/{row.checked}", "yes" if row.caught else "NO",
    )


def scope_line(scope: str, spec_count: int) -> str:
    from tests.planted import SEARCH

    against = (f"every spec that runs on the CPU ({spec_count} specs)" if scope == "all"
               else f"the specs of its own area and the specs listed for it (of {spec_count} CPU specs)")
    against += (" (a deviation of the operator table's operators against the per-operator specs `operators.*[...]`, "
                "any other deviation against the other specs)")
    return (f"Each deviation against {against}, with the own tests' Hypothesis settings (derandomized, "
            f"up to {SEARCH.max_examples} examples, no shrinking). A spec catches a deviation when it reports "
            "`fail`; `errors` counts specs that reported `error` (no verdict). `examples`: the fewest examples a "
            "catching spec needed. `reached`: the specs with an example that uses an attribute the deviation "
            "overrides (only those are run; on the others it behaves as PyTorch does, and they pass).")


def summary(table: Sequence[Row]) -> dict[str, Any]:
    caught = sum(row.caught for row in table)
    areas: dict[str, Counter[str]] = {}
    kinds: dict[str, Counter[str]] = {kind: Counter() for kind in KINDS}
    for row in table:
        areas.setdefault(row.deviation.area, Counter())["deviations"] += 1
        areas[row.deviation.area]["caught"] += row.caught
        kinds[row.deviation.kind]["deviations"] += 1
        kinds[row.deviation.kind]["caught"] += row.caught
    return {
        "caught": caught, "total": len(table),
        "score": caught / len(table) if table else 1.0,
        "areas": dict(sorted(areas.items())), "kinds": kinds,
        "gaps": [row.deviation.name for row in table if not row.caught],
        "missed_listed": [(row.deviation.name, spec_id) for row in table for spec_id in row.missed_listed],
        "errors": [(row.deviation.name, spec_id, problem) for row in table for spec_id, problem in row.errors],
    }


def _aligned(lines: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(line[column]) for line in lines) for column in range(len(lines[0]))]
    return ["  ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip() for line in lines]


def render_text(table: Sequence[Row], scope: str, spec_count: int, broken: Sequence[SpecRun] = ()) -> str:
    facts = summary(table)
    out = [scope_line(scope, spec_count), ""]
    out += _aligned([_HEADER] + [_cells(row, code=False) for row in table])
    out += ["", f"Mutation score: {facts['caught']}/{facts['total']} deviations caught ({facts['score']:.1%})", ""]
    out += _aligned([("area", "deviations", "caught")] + [
        (area, str(counts["deviations"]), str(counts["caught"])) for area, counts in facts["areas"].items()])
    out += [""]
    out += _aligned([("kind", "deviations", "caught")] + [
        (kind, str(counts["deviations"]), str(counts["caught"])) for kind, counts in facts["kinds"].items()])
    out += ["", "Uncaught deviations (gaps in the specs): " + (", ".join(facts["gaps"]) or "none")]
    if facts["missed_listed"]:
        out += ["Listed specs that did not report their deviation: "
                + ", ".join(f"{name} on {spec_id}" for name, spec_id in facts["missed_listed"])]
    if facts["errors"]:
        out += ["Specs that reported error (no verdict), not counted as catching:"]
        out += [f"  {name} on {spec_id}: {problem}" for name, spec_id, problem in facts["errors"]]
    for run_ in broken:
        out += [f"PyTorch itself does not pass {run_.spec_id} ({run_.reference}): no deviation was checked on it"]
    return "\n".join(out) + "\n"


def render_markdown(table: Sequence[Row], scope: str, spec_count: int, broken: Sequence[SpecRun] = ()) -> str:
    facts = summary(table)
    out = ["# Planted deviations: the mutation table", "",
           "Generated by `python -m tests.planted --markdown=reports/mutations.md`; do not edit.", "",
           scope_line(scope, spec_count), "",
           f"**Mutation score: {facts['caught']}/{facts['total']} deviations caught ({facts['score']:.1%}).**", "",
           "| " + " | ".join(_HEADER) + " |", "|" + "---|" * len(_HEADER)]
    out += ["| " + " | ".join(cell.replace("|", "\\|") for cell in _cells(row, code=True)) + " |" for row in table]
    out += ["", "## Per area", "", "| area | deviations | caught |", "|---|---|---|"]
    out += [f"| {area} | {counts['deviations']} | {counts['caught']} |" for area, counts in facts["areas"].items()]
    out += ["", "## Per kind", "", "| kind | meaning | deviations | caught |", "|---|---|---|---|"]
    out += [f"| {kind} | {KINDS[kind]} | {counts['deviations']} | {counts['caught']} |" for kind, counts in facts["kinds"].items()]
    out += ["", "## Uncaught deviations (gaps in the specs)", ""]
    out += [f"- {name}" for name in facts["gaps"]] or ["None."]
    if facts["missed_listed"]:
        out += ["", "## Listed specs that did not report their deviation", ""]
        out += [f"- {name} on `{spec_id}`" for name, spec_id in facts["missed_listed"]]
    if facts["errors"]:
        out += ["", "## Specs that reported error (no verdict), not counted as catching", "",
                "| deviation | spec | problem |", "|---|---|---|"]
        out += [f"| {name} | `{spec_id}` | {_markdown_cell(problem)} |" for name, spec_id, problem in facts["errors"]]
    if broken:
        out += ["", "## Specs PyTorch itself does not pass (no deviation checked on them)", ""]
        out += [f"- `{run_.spec_id}`: {run_.reference}" for run_ in broken]
    return "\n".join(out) + "\n"


def _markdown_cell(text: str, limit: int = 160) -> str:
    text = text if len(text) <= limit else text[:limit - 1] + "…"
    return text.replace("|", "\\|").replace("`", "'")


def cpu_spec_ids() -> list[str]:
    from gradspec.loader import load_specs

    return sorted(spec.id for spec in load_specs() if spec.devices is None or "cpu" in spec.devices)


def main(argv: Sequence[str] | None = None, caught_by: dict[type, set[str]] | None = None) -> int:
    """The command; exit status 1 when a deviation is caught by no spec or a spec listed for it
    does not report it, 2 for a usage error."""
    every = deviations(caught_by)
    areas = sorted({deviation.area for deviation in every})
    parser = argparse.ArgumentParser(
        prog="python -m tests.planted",
        description="Run every planted deviation against the specs and print the mutation table.")
    parser.add_argument("--area", action="append", choices=areas, help="only the deviations of this area (repeatable)")
    parser.add_argument("--deviation", action="append", metavar="NAME",
                        help="only this deviation: its class name, or module:Class (repeatable)")
    parser.add_argument("--markdown", metavar="PATH", help="also write the table as Markdown to PATH")
    parser.add_argument("--scope", choices=("all", "area"), default="all",
                        help="check each deviation against every CPU spec (all, the default), or only "
                             "against its own area's specs and its listed specs (area)")
    parser.add_argument("--workers", type=int, default=2, help="processes that run specs (default 2)")
    args = parser.parse_args(argv)

    selected = [deviation for deviation in every if not args.area or deviation.area in args.area]
    if args.deviation:
        wanted = set(args.deviation)
        known = {name for deviation in every for name in _names(deviation)}
        unknown = sorted(wanted - known)
        if unknown:
            parser.error(f"no planted deviation named {', '.join(unknown)}")
        selected = [deviation for deviation in selected if wanted & _names(deviation)]
    if not selected:
        parser.error("no planted deviation matches")

    spec_ids = cpu_spec_ids()
    started = time.perf_counter()
    print(f"checking {len(selected)} deviations against {len(spec_ids)} CPU specs "
          f"(scope {args.scope}, {args.workers} workers)...", file=sys.stderr, flush=True)
    runs = run(selected, spec_ids, scope=args.scope, workers=args.workers)
    seconds = time.perf_counter() - started
    broken = [run_ for run_ in runs if run_.reference != "pass"]
    table = rows(selected, runs)
    print(render_text(table, args.scope, len(spec_ids), broken), end="")
    print(f"Ran in {seconds:.0f} s ({sum(run_.seconds for run_ in runs):.0f} s of work in {args.workers} workers).")
    if args.markdown:
        path = Path(args.markdown)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render_markdown(table, args.scope, len(spec_ids), broken), encoding="utf-8")
        print(f"Markdown table written to {path}")
    return 1 if any(not row.caught or row.missed_listed for row in table) else 0


def _names(deviation: Deviation) -> set[str]:
    return {deviation.name, deviation.cls.__name__, deviation.key,
            f"{deviation.cls.__module__.rsplit('.', 1)[-1]}:{deviation.cls.__name__}"}
