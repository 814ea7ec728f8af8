"""Run one spec case in a child process, so a backend that crashes, aborts, leaks memory or hangs
costs that spec an ``error`` and the run goes on.

The child is forked (POSIX; the backend's state is inherited, nothing is imported again), runs
the whole Hypothesis test, and sends back what happened through a pipe.  The parent waits at most
the per-spec time limit, then kills it.  Forking is safe for CPU backends; a process that has
already initialised CUDA must not fork, so ``--isolate`` is meant for CPU runs.
"""

from __future__ import annotations

import os
import pickle
import resource
import select
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gradspec.errors import BackendError, Finding


@dataclass(frozen=True)
class Outcome:
    """What the child reports: what the test found (``None`` when it passed) and the case's counters."""

    finding: Finding | None
    examples: int
    shrink_runs: int


def run_isolated(test: Callable[[], None], case: Any, *, timeout: float, memory_mb: int | None) -> None:
    """Run ``test`` in a forked child; re-raise its failure here, or a :class:`BackendError`
    when the child crashed, was killed, or did not finish within ``timeout`` seconds."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: run, report, and leave without running any parent cleanup
        os.close(read_end)
        _child(test, case, write_end, memory_mb)
    os.close(write_end)
    try:
        payload = _read(read_end, pid, timeout)
    finally:
        os.close(read_end)
    _, status = os.waitpid(pid, 0)
    if payload is None:
        raise BackendError(f"the backend hung: no result within {timeout:g} s, so the spec's process was killed")
    if not payload:
        raise BackendError(f"the backend crashed: {_describe_status(status)}")
    outcome: Outcome = pickle.loads(payload)
    case.examples, case.shrink_runs = outcome.examples, outcome.shrink_runs
    if outcome.finding is not None:
        raise outcome.finding


def _child(test: Callable[[], None], case: Any, write_end: int, memory_mb: int | None) -> None:
    status = 0
    try:
        if memory_mb is not None:  # on top of what the process already maps
            limit = _address_space() + memory_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        finding: Finding | None = None
        try:
            test()
        except Finding as found:
            finding = found
        except BaseException as error:  # everything else is an error of the backend or the run
            finding = BackendError(f"{type(error).__name__}: {error}")
        outcome = Outcome(finding, case.examples, case.shrink_runs)
        data = pickle.dumps(outcome)
        view = memoryview(data)
        while view:
            view = view[os.write(write_end, view) :]
    except BaseException:
        status = 1
    finally:
        os._exit(status)


def _address_space() -> int:
    """The process's current virtual memory size in bytes (Linux)."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _read(read_end: int, pid: int, timeout: float) -> bytes | None:
    """All the child wrote before it exited (``b""`` if nothing), or ``None`` on a timeout."""
    deadline = time.monotonic() + timeout
    chunks: list[bytes] = []
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            os.kill(pid, signal.SIGKILL)
            return None
        ready, _, _ = select.select([read_end], [], [], remaining)
        if ready:
            chunk = os.read(read_end, 1 << 16)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)


def _describe_status(status: int) -> str:
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        return f"its process was killed by signal {number} ({signal.Signals(number).name})"
    return f"its process exited with status {os.WEXITSTATUS(status)} before reporting"
