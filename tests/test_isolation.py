"""A backend that crashes, aborts, hangs or leaks in one spec costs that spec an ``error`` under
``--isolate``; the run completes and writes its report.  An interrupted run leaves no broken
report behind.  Helper processes a spec's library starts neither hold up its result nor outlive it."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import suppress
from pathlib import Path
from types import SimpleNamespace

import pytest

from gradspec.errors import BackendError, SpecFailure
from gradspec.isolation import run_isolated
from tests.conftest import ROOT, run_suite

SELECTION = ("-k", "item.single_element or tolist.matches_numpy or requires_grad.factory.default_false")


#: The spec timeout of the run where the backend hangs; the others get a generous one, so that a
#: loaded machine (pytest-xdist workers beside the run) never turns a crash or a leak into a hang.
HANG_TIMEOUT, TIMEOUT = 5, 60


@pytest.mark.torch
@pytest.mark.e2e
@pytest.mark.parametrize(
    "adapter, broken, reason",
    [
        ("SegfaultsOnItem", "item.single_element", "the backend crashed: its process was killed by signal 11 (SIGSEGV)"),
        ("AbortsOnTolist", "tolist.matches_numpy", "the backend crashed: its process was killed by signal 6 (SIGABRT)"),
        (
            "HangsOnItem",
            "item.single_element",
            f"the backend hung: no result within {HANG_TIMEOUT} s, so the spec's process was killed",
        ),
        ("LeaksOnItem", "item.single_element", "ran out of memory (MemoryError"),
    ],
)
def test_a_broken_backend_costs_one_spec_an_error_and_the_report_is_complete(
    adapter: str, broken: str, reason: str, tmp_path: Path
) -> None:
    timeout = HANG_TIMEOUT if adapter == "HangsOnItem" else TIMEOUT
    result = run_suite(
        f"--adapter=tests.planted.crashing:{adapter}",
        "--device=cpu",
        "--isolate",
        f"--spec-timeout={timeout}",
        "--spec-memory=1024",
        f"--report-dir={tmp_path}",
        *SELECTION,
    )
    assert result.returncode == 1, result.stdout[-2000:]
    rows = json.loads((tmp_path / "torch-cpu.json").read_text())["results"]
    assert {row["id"]: row["outcome"] for row in rows if row["outcome"] != "pass"} == {broken: "error"}
    assert len(rows) == 8
    assert reason in next(row["error"] for row in rows if row["id"] == broken)


@pytest.mark.torch
@pytest.mark.e2e
def test_a_worker_crash_without_isolation_fails_the_run_and_the_report_says_why(tmp_path: Path) -> None:
    """Without ``--isolate`` a segfault takes its pytest-xdist worker down: the case has no
    gradspec outcome, so the run fails and its report says a case is missing, not that a subset ran."""
    result = run_suite(
        "--adapter=tests.planted.crashing:SegfaultsOnItem", "--device=cpu", "-n", "2", f"--report-dir={tmp_path}", *SELECTION
    )
    assert result.returncode == 1, result.stdout[-2000:]
    assert "1 of 8 spec case(s) ended without a gradspec outcome" in result.stdout + result.stderr
    report = json.loads((tmp_path / "torch-cpu.json").read_text())
    assert report["complete"] is False and report["lost"] == 1 and report["summary"]["total"] == 7
    assert "; 1 spec case(s) ended without a gradspec outcome: a crashed worker)" in (tmp_path / "torch-cpu.md").read_text()


@pytest.mark.torch
@pytest.mark.e2e
def test_isolated_runs_report_the_same_failures_as_plain_runs(tmp_path: Path) -> None:
    outcomes = []
    for mode in ((), ("--isolate",)):
        report_dir = tmp_path / ("isolated" if mode else "plain")
        run_suite(
            "--adapter=tests.planted.tutorial:ItemAlwaysFloat", "--device=cpu", f"--report-dir={report_dir}", *mode, *SELECTION
        )
        rows = json.loads((report_dir / "torch-cpu.json").read_text())["results"]
        outcomes.append([(row["id"], row["outcome"], row["counterexample"], row["examples"]) for row in rows])
    assert outcomes[0] == outcomes[1]
    assert ("item.single_element", "fail", "x = array(False, dtype=bool)", 1) in outcomes[1]


@pytest.mark.torch
@pytest.mark.e2e
def test_an_interrupted_run_leaves_no_half_written_report(tmp_path: Path) -> None:
    report = tmp_path / "torch-cpu.json"
    report.write_text('{"an": "earlier report"}\n')
    command = [
        sys.executable,
        "-m",
        "pytest",
        str(ROOT / "suites"),
        "-p",
        "no:cacheprovider",
        "-q",
        "--device=cpu",
        f"--report-dir={tmp_path}",
        "--hypothesis-profile=thorough",
    ]
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, "CI": "true"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        preexec_fn=_interruptible,
    )
    time.sleep(8)
    output = _interrupt(process)
    assert process.returncode == 2, output[-2000:]  # pytest's "interrupted"
    data = json.loads(report.read_text())  # whole JSON: the earlier report, or a partial one marked so
    assert data == {"an": "earlier report"} or data["complete"] is False
    assert [path.name for path in tmp_path.iterdir() if path.name.startswith(".")] == []


def _interruptible() -> None:
    """In the child: Ctrl-C raises KeyboardInterrupt even when these tests were started from a
    shell's background job, whose commands inherit SIGINT ignored."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _interrupt(process: subprocess.Popen[str], tries: int = 10) -> str:
    """Ctrl-C until the run stops; its output.  CPython drops a KeyboardInterrupt raised while a
    garbage-collection callback runs (Hypothesis registers one), so a single SIGINT that lands
    in a collection is lost, as a user would see when a first Ctrl-C does nothing."""
    for _ in range(tries):
        process.send_signal(signal.SIGINT)
        try:
            output, _ = process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            continue
        return output
    process.kill()
    output, _ = process.communicate()
    pytest.fail(f"the run ignored {tries} SIGINTs:\n{output[-2000:]}")


# -- helper processes: run_isolated called directly, with test functions that start helpers ----------------------
# A helper forked or spawned by the spec's process inherits the result pipe's write end, so the pipe never
# reaches EOF while the helper lives.  These tests need neither torch nor a subprocess run of the suite.

#: Generous for a case that should take a fraction of a second; a hang would take the whole of it.
HELPER_TIMEOUT, QUICKLY = 10, 5


@pytest.fixture
def helpers(tmp_path: Path) -> Iterator[Path]:
    """The file where test functions record the helpers they start (``pid pgid`` lines); any helper
    still running afterwards is killed, so that no test leaves one behind, whatever its outcome."""
    record = tmp_path / "helpers"
    record.touch()
    yield record
    for pid, group in _recorded(record):
        with suppress(ProcessLookupError):
            if os.getpgid(pid) == group:  # still the helper, not a process that reuses its pid
                os.kill(pid, signal.SIGKILL)


@pytest.fixture(params=["pidfd", "waitid", "waitpid"])
def watching(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """How the parent sees the child exit: through a pidfd, or, where there is none, by polling
    ``os.waitid`` (which leaves the child unreaped) or else ``os.waitpid``."""
    if request.param != "pidfd":
        monkeypatch.setattr("gradspec.isolation._pidfd", lambda pid: None, raising=False)
    if request.param == "waitpid":
        monkeypatch.delattr(os, "waitid", raising=False)
    return str(request.param)


def test_a_forked_helper_holding_the_pipe_neither_delays_the_result_nor_outlives_it(helpers: Path, watching: str) -> None:
    def test() -> None:
        _fork_helper(helpers)
        case.examples, case.shrink_runs = 7, 2

    case = SimpleNamespace(examples=0, shrink_runs=0)
    _run_quickly(test, case)
    assert (case.examples, case.shrink_runs) == (7, 2)
    _assert_ended(helpers)


def test_a_finding_comes_back_while_a_forked_helper_holds_the_pipe(helpers: Path) -> None:
    def test() -> None:
        _fork_helper(helpers)
        raise SpecFailure("a then property was false")

    with pytest.raises(SpecFailure, match="a then property was false"):
        _run_quickly(test)
    _assert_ended(helpers)


def test_a_spawned_helper_given_the_pipe_neither_delays_the_result_nor_outlives_it(helpers: Path) -> None:
    def test() -> None:
        helper = subprocess.Popen(["sleep", "30"], close_fds=False, pass_fds=_pipes())
        _record(helpers, helper.pid)

    _run_quickly(test)
    _assert_ended(helpers)


@pytest.mark.parametrize("with_helper", [True, False], ids=["helper", "alone"])
def test_a_result_larger_than_the_pipe_buffer_comes_back_whole(with_helper: bool, helpers: Path) -> None:
    message = "".join(f"{index:07d}\n" for index in range(125_000))  # 1 MB, every part distinct

    def test() -> None:
        if with_helper:
            _fork_helper(helpers)
        raise SpecFailure(message)

    with pytest.raises(SpecFailure) as raised:
        _run_quickly(test)
    assert raised.value.problem == message
    _assert_ended(helpers)


def test_a_spec_process_that_exits_without_a_result_crashed_even_while_a_helper_holds_the_pipe(
    helpers: Path, watching: str
) -> None:
    def test() -> None:
        _fork_helper(helpers)
        os._exit(3)

    with pytest.raises(BackendError, match="the backend crashed: its process exited with status 3 before reporting"):
        _run_quickly(test)
    _assert_ended(helpers)


def test_a_hung_spec_process_is_killed_with_its_helpers(helpers: Path, watching: str) -> None:
    def test() -> None:
        _fork_helper(helpers)
        time.sleep(30)

    start = time.monotonic()
    with pytest.raises(BackendError, match="the backend hung: no result within 1 s, so the spec's process was killed"):
        run_isolated(test, SimpleNamespace(examples=0, shrink_runs=0), timeout=1, memory_mb=None)
    assert time.monotonic() - start < QUICKLY
    _assert_ended(helpers)


def _run_quickly(test: Callable[[], None], case: SimpleNamespace | None = None) -> None:
    """``run_isolated`` with a long timeout, which the case must finish well within."""
    start = time.monotonic()
    try:
        run_isolated(test, case or SimpleNamespace(examples=0, shrink_runs=0), timeout=HELPER_TIMEOUT, memory_mb=None)
    finally:
        assert time.monotonic() - start < QUICKLY


def _fork_helper(record: Path) -> None:
    """Fork a helper that inherits every descriptor, the result pipe's write end included, and sleeps."""
    pid = os.fork()
    if pid == 0:
        try:
            time.sleep(30)
        finally:
            os._exit(0)
    _record(record, pid)


def _pipes() -> tuple[int, ...]:
    """The descriptors of this process that are pipes."""
    found = []
    for fd in range(3, 1024):
        with suppress(OSError):
            if stat.S_ISFIFO(os.fstat(fd).st_mode):
                found.append(fd)
    return tuple(found)


def _record(record: Path, pid: int) -> None:
    with record.open("a", encoding="ascii") as lines:
        lines.write(f"{pid} {os.getpgid(pid)}\n")


def _recorded(record: Path) -> list[tuple[int, int]]:
    return [(int(pid), int(group)) for pid, group in (line.split() for line in record.read_text().splitlines())]


def _assert_ended(record: Path, within: float = 2.0) -> None:
    """Every recorded helper has stopped running within ``within`` seconds."""
    helpers = [pid for pid, _ in _recorded(record)]
    deadline = time.monotonic() + within
    while (running := [pid for pid in helpers if _running(pid)]) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert running == []


def _running(pid: int) -> bool:
    """Whether the process runs: it exists and is not a zombie (an orphan's zombie stays where the
    init process does not reap, as in some containers)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        status = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return not Path("/proc").is_dir()
    return status.rpartition(")")[2].split()[0] not in ("Z", "X")
