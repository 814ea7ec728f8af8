"""One conformance run: the state of a pytest session that runs gradspec's suite, and its hooks.

:func:`start` registers a :class:`ConformanceRun` when the plugin finds a conformance run was
asked for; it loads the Hypothesis profiles, checks the options, and from then on turns specs
into test cases, test outcomes into results, and results into reports and the gate's verdict.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
from typing import Any

import pytest
from hypothesis import settings

from gradspec.adapters import adapter_class, check_capabilities, load_adapter
from gradspec.adapters.protocol import Adapter
from gradspec.errors import AdapterError, SpecErrors
from gradspec.isolation import run_isolated
from gradspec.limits import run_limited
from gradspec.loader import load_specs
from gradspec.profiles import register_profiles
from gradspec.pytest_plugin import distributed
from gradspec.pytest_plugin.collection import (
    CASE_PARAMETER,
    CASE_TESTS,
    OPERATOR_TEST,
    OUTCOME_MARK,
    case_of,
    case_parameter,
    device_for,
    in_shard,
)
from gradspec.pytest_plugin.database_keys import keyed
from gradspec.pytest_plugin.ending import EndingSignals, record_finished_run
from gradspec.pytest_plugin.gate import Gate
from gradspec.pytest_plugin.options import RunOptions
from gradspec.pytest_plugin.reporting import (
    absent_devices_line,
    attach,
    prepare_report_directory,
    result_of,
    results_in,
    write_reports,
)
from gradspec.report import AdapterIdentity, Result, SpecSet
from gradspec.resources import BUILTIN_SPECS
from gradspec.runner import ENDING_OUTCOMES as _TEST_ENDINGS
from gradspec.running_case import running
from gradspec.spec import Spec

#: Warnings specs cause on purpose, which say nothing about conformance.
EXPECTED_WARNINGS = (
    # Specs read .grad of non-leaf tensors on purpose (it is None, with this warning).
    "ignore:The .grad attribute of a Tensor that is not a leaf Tensor is being accessed:UserWarning",
    # requires_grad.to_integer_drops_requires_grad_complex converts complex tensors to integers.
    "ignore:Casting complex values to real discards the imaginary part:UserWarning",
    # grad.layout.assigned_grad_strides_kept assigns a .grad with other strides than its leaf's.
    "ignore:grad and param do not obey the gradient layout contract:UserWarning",
    # The anomaly specs turn anomaly detection on, and make it report a NaN gradient.
    "ignore:Anomaly Detection has been enabled:UserWarning",
    "ignore:Error detected in:UserWarning",
    # checkpoint.reentrant.no_input_requires_grad checkpoints a module on an input without grad.
    "ignore:None of the inputs have requires_grad=True. Gradients will be None:UserWarning",
)
_PLUGIN_NAME = "gradspec-run"
#: The timeout --isolate is given for "no limit" (--spec-timeout=0): about 31 years.
NO_TIME_LIMIT = 1e9


def start(config: pytest.Config) -> None:
    """Set up a conformance run in this pytest process."""
    register_profiles(gating=bool(config.getoption("gradspec_baseline", None)))
    config.addinivalue_line("markers", f"{OUTCOME_MARK}(outcome): the outcome a skipped spec case is reported with")
    for line in EXPECTED_WARNINGS:
        config.addinivalue_line("filterwarnings", line)
    distributed.prefer_work_stealing(config)
    _thaw_objects()
    run = ConformanceRun(config, RunOptions.from_config(config))
    run.thread_variables = distributed.share_cores(config)
    config.pluginmanager.register(run, _PLUGIN_NAME)


def _freeze_objects() -> None:
    """At a run's end, pytest's last garbage collections (two, looking for unraisable
    exceptions) and then Python's at exit visit every object the run leaves (the library,
    Hypothesis, the specs): about 0.4 s each, in every pytest-xdist worker too.  Frozen
    objects are skipped; they are still freed at exit, and Python does not promise finalizers
    there anyway.  A later run in the same process thaws them first (:func:`_thaw_objects`),
    so runs in one process keep none of each other's garbage."""
    global _FROZEN
    gc.freeze()
    _FROZEN = True


def _thaw_objects() -> None:
    """Return the objects an earlier run in this process froze to the collector."""
    global _FROZEN
    if _FROZEN:
        gc.unfreeze()
        _FROZEN = False


_FROZEN = False


class ConformanceRun:
    """One pytest session's gradspec state and the hooks that use it."""

    def __init__(self, config: pytest.Config, options: RunOptions) -> None:
        self.config = config
        self.options = options
        self.worker = distributed.worker_index(config)
        self.selection = _selection(config)
        self.results: dict[str, Result] = {}
        self.written: list[str] = []
        self.gate = Gate(options.baseline, update=options.update_baseline) if options.baseline else None
        self._adapter: Adapter | None = None
        self._identity: AdapterIdentity | None = None
        self._specs: list[Spec] | None = None
        self._spec_set: SpecSet | None = None
        #: Spec cases collected (after -k/-m), to tell a complete run from one that lost some.
        self.collected: int | None = None
        self.signals = EndingSignals()
        #: Red lines for the terminal: what makes this run's outcome untrustworthy.
        self.problems: list[str] = []
        #: The device kinds this run covers (checked when the session starts).
        self.run_kinds: list[str] = []
        self._cpu_only_here: bool | None = None
        #: The thread-count variables this run set for its pytest-xdist workers, unset at its end.
        self.thread_variables: dict[str, str] = {}

    # -- what the run is about ---------------------------------------------------------------
    def adapter(self) -> Adapter:
        if self._adapter is None:
            try:
                self._adapter = load_adapter(self.options.adapter)
            except AdapterError as error:
                raise pytest.UsageError(f"gradspec: {error}") from None
            except _TEST_ENDINGS as ending:  # pytest.skip/importorskip/xfail/exit while importing or creating it
                raise pytest.UsageError(
                    f"gradspec: adapter {self.options.adapter!r} could not be created: it called pytest's "
                    f"{type(ending).__name__} ({getattr(ending, 'msg', None) or ending})"
                ) from None
        return self._adapter

    def specs(self) -> list[Spec]:
        """The specs of this run (this shard's, with --shard)."""
        if self._specs is None:
            folders = ([BUILTIN_SPECS] if self.options.builtin_specs else []) + list(self.options.extra_specs)
            try:
                every = load_specs(folders)
            except SpecErrors as problems:
                pytest.fail(f"gradspec: {len(problems.errors)} spec problem(s):\n{problems}", pytrace=False)
            self._spec_set = SpecSet({spec.id: spec.digest for spec in every})
            chosen = in_shard([spec.id for spec in every], self.options.shard)
            self._specs = [spec for spec in every if spec.id in chosen]
        return self._specs

    def spec_set(self) -> SpecSet:
        """Every spec the run was asked to cover (all shards'): as a worker reported it, else read."""
        if self._spec_set is None:
            self.specs()
        assert self._spec_set is not None
        return self._spec_set

    def identity(self) -> AdapterIdentity:
        """The adapter's identity: as a pytest-xdist worker reported it, else from the adapter."""
        if self._identity is None:
            self._identity = AdapterIdentity.of(self.adapter())
        return self._identity

    def kinds(self) -> list[str]:
        adapter = self.adapter()
        return self._checked_kinds(adapter.name, adapter.device_kinds)

    def _checked_kinds(self, name: str, known: tuple[str, ...]) -> list[str]:
        kinds = list(self.options.device_kinds or known)
        unknown = [kind for kind in kinds if kind not in known]
        if unknown:
            raise pytest.UsageError(
                f"gradspec: adapter {name!r} has no device kind {', '.join(unknown)} (it knows {', '.join(known)})"
            )
        return kinds

    def _check_adapter_class(self) -> tuple[str, list[str]]:
        """Check ``--adapter`` and ``--device`` against the adapter class, without instantiating
        it (which imports the library); an adapter that sets them per instance is instantiated.
        Returns the adapter's name and the device kinds to run."""
        try:
            cls = adapter_class(self.options.adapter)
        except AdapterError as error:
            raise pytest.UsageError(f"gradspec: {error}") from None
        except _TEST_ENDINGS:
            return self.adapter().name, self.kinds()  # reported as the adapter's creation failing
        name, known, capabilities = (getattr(cls, attribute, None) for attribute in ("name", "device_kinds", "capabilities"))
        if not (isinstance(name, str) and name and isinstance(known, tuple) and isinstance(capabilities, (set, frozenset))):
            return self.adapter().name, self.kinds()
        kinds = self._checked_kinds(name, known)
        try:
            check_capabilities(self.options.adapter, capabilities)
        except AdapterError as error:
            raise pytest.UsageError(f"gradspec: {error}") from None
        return name, kinds

    # -- collection ------------------------------------------------------------------------
    def pytest_sessionstart(self, session: pytest.Session) -> None:
        # A bad --adapter or --device is a usage error (exit 4) before anything runs, on the
        # pytest-xdist controller as in a serial run; the controller leaves importing the
        # library to the workers, which start meanwhile.
        if self.worker is not None:  # a worker instantiates the adapter when it collects
            return
        if distributed.is_controller(session.config):
            name, kinds = self._check_adapter_class()
        else:
            name, kinds = self.adapter().name, self.kinds()
        self.run_kinds = kinds
        if self.options.report_dir is not None:
            try:
                prepare_report_directory(self.options.report_dir, name, kinds, self.options.shard)
            except OSError as error:
                raise pytest.UsageError(
                    f"gradspec: cannot write reports to {self.options.report_dir}: {error.strerror or error} "
                    "(choose another --report-dir, or --no-report)"
                ) from None
        self.signals.catch()

    @pytest.hookimpl(tryfirst=True)  # before pytest's own last garbage collections
    def pytest_unconfigure(self, config: pytest.Config) -> None:
        self.signals.release()
        for name in self.thread_variables:
            os.environ.pop(name, None)
        if self.worker is None:
            record_finished_run()
        _freeze_objects()

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        if self.worker is None and not distributed.is_controller(session.config) and not session.config.option.collectonly:
            self.collected = sum(1 for item in session.items if case_of(item) is not None)

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node: Any, ids: list[str]) -> None:
        """On the pytest-xdist controller: every worker collects the same cases."""
        self.collected = sum(1 for nodeid in ids if any(f"::{test}[" in nodeid for test in CASE_TESTS))

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        if CASE_PARAMETER not in metafunc.fixturenames:
            return
        problem = None
        try:
            adapter, kinds = self.adapter(), self.kinds()
        except pytest.UsageError as error:  # in a pytest-xdist worker: a collection error, shown once per worker
            problem = str(error)
        if problem is not None:
            pytest.fail(problem, pytrace=False)
        available = adapter.devices()
        specs_args = (() if self.options.builtin_specs else ("--no-builtin-specs",)) + tuple(
            part for folder in self.options.extra_specs for part in ("--specs", str(folder))
        )
        gate = self.gate.gating if self.gate is not None else None
        today = dt.date.today()
        devices = {kind: device_for(available, kind, self.worker) for kind in kinds}
        per_operator = metafunc.function.__name__ == OPERATOR_TEST
        cases = [
            case_parameter(spec, adapter, kind, devices[kind], specs_args, gate, today)
            for spec in self.specs()
            if (spec.operator is not None) == per_operator
            for kind in kinds
        ]
        metafunc.parametrize(CASE_PARAMETER, cases)

    # -- running ---------------------------------------------------------------------------
    @pytest.hookimpl(tryfirst=True)
    def pytest_pyfunc_call(self, pyfuncitem: pytest.Function) -> bool | None:
        """Run a spec case within its limits: in this process, or in a child with --isolate."""
        case = case_of(pyfuncitem)
        if case is None:
            return None
        arguments = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}

        def test() -> None:
            with running(case), keyed(pyfuncitem.obj, pyfuncitem.nodeid):
                pyfuncitem.obj(**arguments)

        options = self.options
        if options.isolate:
            timeout = options.spec_timeout if options.spec_timeout is not None else NO_TIME_LIMIT
            run_isolated(test, case, timeout=timeout, memory_mb=options.spec_memory_mb)
        else:
            run_limited(
                test,
                seconds=options.spec_timeout,
                megabytes=options.spec_memory_mb if self._cpu_only() else None,
                what=f"spec {case.spec.id}",
                found=lambda: case.finding,
            )
        return True

    def _cpu_only(self) -> bool:
        """Whether the adapter has no device but the CPU here: an address-space limit would
        break a GPU driver, which maps far more than it uses (even while CPU specs run)."""
        if self._cpu_only_here is None:
            self._cpu_only_here = all(device == "cpu" for device in self.adapter().devices())
        return self._cpu_only_here

    # -- outcomes --------------------------------------------------------------------------
    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
        report = yield
        case = case_of(item)
        if case is not None:
            result = result_of(case, item, call, report)
            if result is not None:
                attach(report, result)
        return report

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        for result in results_in(report):
            self.results[report.nodeid] = result

    # -- reports ---------------------------------------------------------------------------
    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        """On the pytest-xdist controller: take the identity and spec set a worker reports."""
        received = distributed.received_from(node)
        if received is not None and self._identity is None:
            self._identity, digests = received
            self._spec_set = SpecSet(digests)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if self.worker is not None:
            if self._adapter is not None and self._specs is not None:
                distributed.send_to_controller(session.config, self.identity(), self.spec_set().digests)
            return
        results = list(self.results.values())
        interrupted = self.signals.received or ("interrupted" if session.exitstatus == pytest.ExitCode.INTERRUPTED else None)
        lost = (self.collected or 0) - len(results)
        if lost > 0 and not interrupted:
            self._fail(
                session,
                f"gradspec: {lost} of {self.collected} spec case(s) ended without a gradspec outcome: the run is incomplete",
            )
        if self.gate is not None and results:
            self.written += self.gate.finish(results, sorted(self.spec_set().digests), self.identity().name, dt.date.today())
            if self.gate.update and session.exitstatus == pytest.ExitCode.TESTS_FAILED:
                session.exitstatus = pytest.ExitCode.OK
            elif not self.gate.passes(results) and session.exitstatus == pytest.ExitCode.OK:
                session.exitstatus = pytest.ExitCode.TESTS_FAILED
        if self.options.report_dir is not None and (results or interrupted):
            try:
                self.written += write_reports(
                    adapter=self.identity(),
                    results=results,
                    spec_set=self.spec_set(),
                    profile=settings.get_current_profile_name(),
                    selection=self.selection,
                    shard=self.options.shard,
                    directory=self.options.report_dir,
                    kinds=self.run_kinds,
                    interrupted=interrupted,
                    lost=0 if interrupted else max(lost, 0),  # an interruption leaves cases unrun, not lost
                )
            except OSError as error:
                self._fail(session, f"gradspec: could not write the report to {self.options.report_dir}: {error}")
                session.exitstatus = pytest.ExitCode.INTERNAL_ERROR

    def _fail(self, session: pytest.Session, problem: str) -> None:
        self.problems.append(problem)
        if session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        for line in self.written:
            terminalreporter.write_line(line)
        results = list(self.results.values())
        for line, red in self.gate.summary(results) if self.gate is not None else []:
            terminalreporter.write_line(line, red=red)
        absent = absent_devices_line(results)
        if absent:
            terminalreporter.write_line(absent)
        for problem in self.problems:
            terminalreporter.write_line(problem, red=True)


def _selection(config: pytest.Config) -> str | None:
    """The ``-k``/``-m`` expressions narrowing the run, if any (the report is then partial)."""
    parts = [
        f"{flag} {value}" for flag, value in (("-k", config.getoption("keyword")), ("-m", config.getoption("markexpr"))) if value
    ]
    return " ".join(parts) or None
