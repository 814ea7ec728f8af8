"""The pytest plugin: options, spec x device parametrization, outcomes and reports.

The root ``conftest.py`` loads this module; ``pytest_configure`` registers one
:class:`GradspecPlugin` object holding the session's state.  Results travel in each test
report's ``user_properties``, so pytest-xdist workers' results reach the controller, which
alone writes the reports.  The controller never instantiates the adapter: it checks the
options against the adapter class, and the workers tell it the library's identity and the
spec ids, so only the workers pay for importing the library and reading the specs.
"""
from __future__ import annotations

import atexit
import datetime as dt
import gc
import os
import shlex
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from adapters import adapter_class, check_capabilities, load_adapter
from gradspec.baseline import Baseline, dump, load_baseline, updated
from gradspec.errors import AdapterError, BackendError, SpecError, SpecErrors, SpecFailure
from gradspec.isolation import run_isolated
from gradspec.loader import DEFAULT_SPECS_DIR, load_specs
from gradspec.report import Result, build_report, terminal_line, write_atomically, write_report
from gradspec.runner import Case
from gradspec.spec import Spec

CASE_FIXTURE = "gradspec_case"
_PROPERTY = "gradspec"
_WORKER_OUTPUT = "gradspec"
_JUDGED = ("pass", "fail", "error")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("gradspec", "gradspec conformance suite")
    group.addoption("--adapter", default="torch",
                    help="adapter to test: a built-in name (torch) or 'package.module:Class' (default: torch)")
    group.addoption("--device", action="append", dest="gradspec_devices", metavar="KIND",
                    help="device kind to run on (cpu, cuda); repeat for several (default: every kind the adapter knows)")
    group.addoption("--specs", default=str(DEFAULT_SPECS_DIR), help="folder of spec files (default: specs/)")
    group.addoption("--report-dir", default=None, help="folder the reports are written to (default: reports/ at the root)")
    group.addoption("--no-report", action="store_true", help="write no report files")
    group.addoption("--baseline", default=None, metavar="FILE",
                    help="known non-conformances (YAML): the run fails only on new ones, fixed ones, stale or expired entries")
    group.addoption("--isolate", action="store_true",
                    help="run each spec in a forked child process: a crashing, aborting or hanging backend costs one spec an error (CPU runs)")
    group.addoption("--spec-timeout", type=float, default=600.0, metavar="SECONDS",
                    help="with --isolate: seconds a spec may run before its process is killed (default: 600)")
    group.addoption("--spec-memory", type=int, default=None, metavar="MB",
                    help="with --isolate: memory a spec's process may map beyond what it starts with, in MiB (default: no limit)")
    group.addoption("--update-baseline", action="store_true",
                    help="rewrite the --baseline file from this run's failures instead of gating on it")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "gradspec_outcome(outcome): the outcome a skipped spec case is reported with")
    _prefer_work_stealing(config)
    _freeze_objects_at_exit()
    report_dir = None
    if not config.getoption("no_report"):
        report_dir = Path(config.getoption("report_dir") or Path(config.rootpath) / "reports")
    plugin = GradspecPlugin(
        adapter_name=config.getoption("adapter"),
        specs_dir=Path(config.getoption("specs")),
        report_dir=report_dir,
        device_kinds=config.getoption("gradspec_devices"),
        worker=_worker_index(config),
        selection=_selection(config),
        baseline_path=Path(config.getoption("baseline")) if config.getoption("baseline") else None,
        isolation=(config.getoption("spec_timeout"), config.getoption("spec_memory")) if config.getoption("isolate") else None,
        update_baseline=config.getoption("update_baseline"),
    )
    if plugin.update_baseline and plugin.baseline_path is None:
        raise pytest.UsageError("gradspec: --update-baseline needs --baseline FILE")
    config.stash[_PLUGIN] = plugin
    config.pluginmanager.register(plugin, "gradspec-run")


def _freeze_objects_at_exit() -> None:
    """At exit, Python's last garbage collections visit every object a run leaves (the library,
    Hypothesis, the specs): up to a second per process, each pytest-xdist worker included.
    Frozen objects are skipped; they are still freed, and Python does not promise finalizers
    at exit anyway.  Registered once per process, however often pytest is configured in it."""
    global _FREEZE_REGISTERED
    if not _FREEZE_REGISTERED:
        atexit.register(gc.freeze)
        _FREEZE_REGISTERED = True


_FREEZE_REGISTERED = False


def _prefer_work_stealing(config: pytest.Config) -> None:
    """Specs take uneven times (the first to use an optimizer pays for the library's lazy
    imports), so unless ``--dist`` is given, pytest-xdist workers steal work from each other
    instead of keeping the shares they were dealt (``--dist worksteal``)."""
    if getattr(config.option, "dist", None) != "load":
        return
    given = [*config.invocation_params.args, *shlex.split(os.environ.get("PYTEST_ADDOPTS", "")), *config.getini("addopts")]
    if any(str(arg).startswith(("--dist", "-d")) for arg in given):
        return
    config.option.dist = "worksteal"


@pytest.fixture(scope="session")
def gradspec_adapter(pytestconfig: pytest.Config) -> Any:
    """The adapter under test (``--adapter``)."""
    return pytestconfig.stash[_PLUGIN].adapter()


@dataclass(frozen=True)
class AdapterIdentity:
    """What the reports and the gate need of an adapter, without the adapter itself."""

    name: str
    library: str
    version: str
    device_kinds: tuple[str, ...]
    devices: tuple[str, ...]

    @classmethod
    def of(cls, adapter: Any) -> AdapterIdentity:
        # Plain strings: a worker sends this to the controller, and execnet sends only builtins
        # (torch's version is a str subclass).
        return cls(str(adapter.name), str(adapter.library), str(adapter.library_version()),
                   tuple(map(str, adapter.device_kinds)), tuple(map(str, adapter.devices())))

    def library_version(self) -> str:
        return self.version


class GradspecPlugin:
    """One pytest session's gradspec state and the hooks that use it."""

    def __init__(self, *, adapter_name: str, specs_dir: Path, report_dir: Path | None,
                 device_kinds: list[str] | None, worker: int | None, selection: str | None,
                 baseline_path: Path | None = None, update_baseline: bool = False,
                 isolation: tuple[float, int | None] | None = None) -> None:
        self.adapter_name = adapter_name
        self.specs_dir = specs_dir
        self.report_dir = report_dir
        self.device_kinds = device_kinds
        self.worker = worker
        self.is_worker = worker is not None
        self.selection = selection
        self.results: dict[str, Result] = {}
        self.written: list[str] = []
        self.baseline_path = baseline_path
        self.isolation = isolation
        self.update_baseline = update_baseline
        self.gate_problems: list[str] = []
        self._adapter: Any = None
        self._identity: AdapterIdentity | None = None
        self._specs: list[Spec] | None = None
        self._spec_ids: list[str] | None = None
        self._baseline: Baseline | None = None

    def adapter(self) -> Any:
        if self._adapter is None:
            try:
                self._adapter = load_adapter(self.adapter_name)
            except AdapterError as error:
                raise pytest.UsageError(f"gradspec: {error}") from None
        return self._adapter

    def specs(self) -> list[Spec]:
        if self._specs is None:
            try:
                self._specs = load_specs(self.specs_dir)
            except SpecErrors as errors:
                problems = errors
            else:
                return self._specs
            pytest.fail(f"gradspec: {len(problems.errors)} spec problem(s):\n{problems}", pytrace=False)
        return self._specs

    def identity(self) -> AdapterIdentity:
        """The adapter's identity: as a pytest-xdist worker reported it, else from the adapter."""
        if self._identity is None:
            self._identity = AdapterIdentity.of(self.adapter())
        return self._identity

    def spec_ids(self) -> list[str]:
        """The ids of every spec in the specs folder: as a worker reported them, else read."""
        if self._spec_ids is None:
            self._spec_ids = [spec.id for spec in self.specs()]
        return self._spec_ids

    def kinds(self) -> list[str]:
        adapter = self.adapter()
        return self._checked_kinds(adapter.name, adapter.device_kinds)

    def _checked_kinds(self, name: str, known: tuple[str, ...]) -> list[str]:
        kinds = self.device_kinds or list(known)
        unknown = [kind for kind in kinds if kind not in known]
        if unknown:
            raise pytest.UsageError(f"gradspec: adapter {name!r} has no device kind "
                                    f"{', '.join(unknown)} (it knows {', '.join(known)})")
        return kinds

    def _check_adapter_class(self) -> None:
        """Check ``--adapter`` and ``--device`` against the adapter class, without instantiating
        it (which imports the library); an adapter that sets them per instance is instantiated."""
        try:
            cls = adapter_class(self.adapter_name)
        except AdapterError as error:
            raise pytest.UsageError(f"gradspec: {error}") from None
        name, known, capabilities = (getattr(cls, attribute, None) for attribute in ("name", "device_kinds", "capabilities"))
        if not (isinstance(name, str) and isinstance(known, tuple) and isinstance(capabilities, (set, frozenset))):
            self.kinds()
            return
        self._checked_kinds(name, known)
        try:
            check_capabilities(self.adapter_name, capabilities)
        except AdapterError as error:
            raise pytest.UsageError(f"gradspec: {error}") from None

    def baseline(self) -> Baseline | None:
        if self._baseline is None and self.baseline_path is not None and self.baseline_path.exists():
            try:
                self._baseline = load_baseline(self.baseline_path)
            except SpecError as error:
                raise pytest.UsageError(f"gradspec: {error}") from None
        elif self._baseline is None and self.baseline_path is not None and not self.update_baseline:
            raise pytest.UsageError(f"gradspec: no baseline file {self.baseline_path} (create it with --update-baseline)")
        return self._baseline

    # -- collection ------------------------------------------------------------------------
    def pytest_sessionstart(self, session: pytest.Session) -> None:
        # A bad --adapter, --device or --baseline is a usage error (exit 4) before anything runs,
        # on the pytest-xdist controller as in a serial run; the controller leaves importing the
        # library to the workers, which start meanwhile.
        if session.config.pluginmanager.has_plugin("dsession"):
            self._check_adapter_class()
        elif not self.is_worker:  # a worker instantiates the adapter when it collects
            self.kinds()
        self.baseline()

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        if CASE_FIXTURE not in metafunc.fixturenames:
            return
        problem = None
        try:
            adapter, kinds = self.adapter(), self.kinds()
        except pytest.UsageError as error:  # in a pytest-xdist worker: a collection error, shown once per worker
            problem = str(error)
        if problem is not None:
            pytest.fail(problem, pytrace=False)
        available = adapter.devices()
        specs_dir = None if self.specs_dir.resolve() == DEFAULT_SPECS_DIR.resolve() else str(self.specs_dir)
        gate = None if self.update_baseline else self.baseline()
        today = dt.date.today()
        devices = {kind: device_for(available, kind, self.worker) for kind in kinds}
        cases = [_param(spec, adapter, kind, devices[kind], specs_dir, gate, today) for spec in self.specs() for kind in kinds]
        metafunc.parametrize(CASE_FIXTURE, cases)

    # -- running ---------------------------------------------------------------------------
    @pytest.hookimpl(tryfirst=True)
    def pytest_pyfunc_call(self, pyfuncitem: pytest.Function) -> bool | None:
        case = _case(pyfuncitem)
        if case is None or self.isolation is None:
            return None
        timeout, memory_mb = self.isolation
        arguments = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
        run_isolated(lambda: pyfuncitem.obj(**arguments), case, timeout=timeout, memory_mb=memory_mb)
        return True

    # -- outcomes --------------------------------------------------------------------------
    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
        report = yield
        case = _case(item)
        if case is not None:
            result = _result(case, item, call, report)
            if result is not None:
                report.user_properties.append((_PROPERTY, dict(result.__dict__)))
        return report

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        for name, value in report.user_properties:
            if name == _PROPERTY:
                self.results[report.nodeid] = Result.from_dict(dict(value))

    # -- reports ---------------------------------------------------------------------------
    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        """On the pytest-xdist controller: take the identity and spec ids a worker reports."""
        output = getattr(node, "workeroutput", {}).get(_WORKER_OUTPUT)
        if output is not None and self._identity is None:
            identity = output["identity"]
            self._identity = AdapterIdentity(**{key: tuple(value) if isinstance(value, list) else value
                                                for key, value in identity.items()})
            self._spec_ids = list(output["spec_ids"])

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if self.is_worker:
            if self._adapter is not None and self._specs is not None:
                session.config.workeroutput[_WORKER_OUTPUT] = {  # type: ignore[attr-defined]
                    "identity": asdict(self.identity()), "spec_ids": self.spec_ids()}
            return
        gate = None if self.update_baseline else self._baseline
        if gate is not None and self.results:  # on the controller, also under pytest-xdist
            self.gate_problems = gate.problems(self.spec_ids(), self.identity().name, dt.date.today())
        if self.gate_problems and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
        if self.update_baseline and self.results:
            self._write_baseline()
            if session.exitstatus == pytest.ExitCode.TESTS_FAILED:
                session.exitstatus = pytest.ExitCode.OK
        if self.report_dir is None or not self.results:
            return
        adapter = self.identity()
        for kind in adapter.device_kinds:
            results = [result for result in self.results.values() if result.device == kind]
            if not any(result.outcome in _JUDGED for result in results):
                continue  # nothing ran on this device: an earlier report of it stays as it is
            device = ",".join(_devices_of(list(adapter.devices), kind)) or kind
            complete = len(results) == len(self.spec_ids()) and self.selection is None
            report = build_report(adapter=adapter, device_kind=kind, device=device,
                                  profile=settings.get_current_profile_name(), results=results,
                                  complete=complete, selection=self.selection)
            self.written.append(terminal_line(report, write_report(report, self.report_dir)))

    def _write_baseline(self) -> None:
        assert self.baseline_path is not None
        failures = {(r.id, r.device): r.error or "" for r in self.results.values() if r.outcome in ("fail", "error")}
        devices = {r.device for r in self.results.values() if r.outcome in _JUDGED}
        data = updated(self._baseline, self.identity().name, failures, devices)
        write_atomically(self.baseline_path, dump(data))
        self.written.append(f"gradspec: wrote {self.baseline_path} with {len(data['entries'])} known non-conformance(s)")

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        for line in self.written:
            terminalreporter.write_line(line)
        known = [r for r in self.results.values() if r.baseline == "known"]
        fixed = [r for r in self.results.values() if r.baseline == "fixed"]
        if self.baseline_path is not None and not self.update_baseline:
            new = [r for r in self.results.values() if r.outcome in ("fail", "error") and r.baseline is None]
            terminalreporter.write_line(f"gradspec gate ({self.baseline_path}): {len(known)} known, {len(new)} new, "
                                        f"{len(fixed)} fixed (remove their entries), {len(self.gate_problems)} baseline problem(s)")
        for problem in self.gate_problems:
            terminalreporter.write_line(f"gradspec gate: {problem}", red=True)
        absent = [result for result in self.results.values() if result.outcome == "skipped"]
        if absent:
            kinds = ", ".join(sorted({result.device for result in absent}))
            terminalreporter.write_line(f"gradspec: {len(absent)} spec run(s) skipped on {kinds}: device absent")


_PLUGIN = pytest.StashKey[GradspecPlugin]()


def _selection(config: pytest.Config) -> str | None:
    """The ``-k``/``-m`` expressions narrowing the run, if any (the report is then partial)."""
    parts = [f"{flag} {value}" for flag, value in (("-k", config.getoption("keyword")), ("-m", config.getoption("markexpr"))) if value]
    return " ".join(parts) or None


def _worker_index(config: pytest.Config) -> int | None:
    """The pytest-xdist worker number (``gw3`` -> 3), or ``None`` outside a worker."""
    workerinput = getattr(config, "workerinput", None)
    return None if workerinput is None else int(str(workerinput["workerid"]).removeprefix("gw") or 0)


def _devices_of(available: list[str], kind: str) -> list[str]:
    return [name for name in available if name.split(":")[0] == kind]


def device_for(available: list[str], kind: str, worker: int | None) -> str | None:
    """The device a process runs ``kind`` on: the first one, or, for pytest-xdist worker ``n``
    on a machine with several (``cuda:0``, ``cuda:1``...), the ``n``-th in turn, so that
    workers spread over the GPUs."""
    devices = _devices_of(available, kind)
    if not devices:
        return None
    return devices[(worker or 0) % len(devices)]


def _param(spec: Spec, adapter: Any, kind: str, device: str | None, specs_dir: str | None,
           gate: Baseline | None, today: dt.date) -> Any:
    case = Case(spec=spec, adapter=adapter, device_kind=kind, device=device, specs_dir=specs_dir)
    missing = sorted(spec.requires - adapter.capabilities)
    if missing:
        return _skipped(case, "not_applicable", f"not applicable: {adapter.name} lacks {', '.join(missing)}")
    if spec.devices is not None and kind not in spec.devices:
        return _skipped(case, "not_applicable", f"not applicable: the behaviour concerns {', '.join(sorted(spec.devices))} only")
    if case.device is None:
        return _skipped(case, "skipped", f"device absent: {adapter.name} has no {kind} device here")
    entry = gate.entry(spec.id, kind) if gate is not None else None
    if entry is not None and not entry.expired(today):
        case.known_reason = entry.reason
        known = pytest.mark.xfail(strict=True, raises=(SpecFailure, BackendError), reason=f"known non-conformance: {entry.reason}")
        return pytest.param(case, id=case.id, marks=[known])
    return pytest.param(case, id=case.id)


def _skipped(case: Case, outcome: str, reason: str) -> Any:
    return pytest.param(case, id=case.id, marks=[pytest.mark.skip(reason=reason), pytest.mark.gradspec_outcome(outcome)])


def _case(item: pytest.Item) -> Case | None:
    callspec = getattr(item, "callspec", None)
    return callspec.params.get(CASE_FIXTURE) if callspec is not None else None


def _result(case: Case, item: pytest.Item, call: pytest.CallInfo[None], report: pytest.TestReport) -> Result | None:
    """The gradspec outcome of one report phase, or ``None`` for phases that decide nothing."""
    error: str | None = None
    exception = call.excinfo.value if call.excinfo is not None else None
    if report.when == "setup" and report.skipped:
        mark = item.get_closest_marker("gradspec_outcome")
        outcome = mark.args[0] if mark else "skipped"
        error = exception.msg if isinstance(exception, pytest.skip.Exception) else None
    elif report.when == "setup" and report.failed:
        outcome, error = "error", _clip(str(exception))
    elif report.when == "call":
        outcome = "pass" if exception is None else ("fail" if isinstance(exception, SpecFailure) else "error")
        if exception is not None:
            error = getattr(exception, "problem", None) or _clip(f"{type(exception).__name__}: {exception}")
    else:
        return None
    counterexample = getattr(exception, "counterexample", None)
    replay = case.replay_command(counterexample) if counterexample is not None else None
    return Result(
        id=case.spec.id, title=case.spec.title, area=case.spec.area, kind=case.spec.kind,
        source=[source.as_dict() for source in case.spec.sources], device=case.device_kind,
        outcome=outcome, examples=case.examples, shrink_runs=case.shrink_runs, duration=round(report.duration, 4),
        counterexample=counterexample, error=error, replay=replay,
        baseline=None if case.known_reason is None or report.when != "call" else ("fixed" if outcome == "pass" else "known"),
    )


def _clip(text: str, limit: int = 2000) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."
