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
from dataclasses import dataclass
from typing import Any, Callable

from gradspec.errors import BackendError, SpecFailure

_ATTRIBUTES = ("problem", "counterexample")


@dataclass(frozen=True)
class Outcome:
    """What the child reports: how the test ended and the case's counters."""

    failure: str | None  # "fail", "error", or None when the test passed
    message: str
    attributes: dict[str, Any]
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
    if outcome.failure is None:
        return
    error = (SpecFailure if outcome.failure == "fail" else BackendError)(outcome.message)
    for name, value in outcome.attributes.items():
        setattr(error, name, value)
    raise error


def _child(test: Callable[[], None], case: Any, write_end: int, memory_mb: int | None) -> None:
    status = 0
    try:
        if memory_mb is not None:  # on top of what the process already maps
            limit = _address_space() + memory_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        try:
            test()
            outcome = Outcome(None, "", {}, case.examples, case.shrink_runs)
        except SpecFailure as failure:
            outcome = _outcome("fail", failure, case)
        except BaseException as error:  # everything else is an error of the backend or the run
            outcome = _outcome("error", error, case)
        data = pickle.dumps(outcome)
        view = memoryview(data)
        while view:
            view = view[os.write(write_end, view):]
    except BaseException:
        status = 1
    finally:
        os._exit(status)


def _address_space() -> int:
    """The process's current virtual memory size in bytes (Linux)."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _outcome(failure: str, error: BaseException, case: Any) -> Outcome:
    message = str(error) if isinstance(error, (SpecFailure, BackendError)) else f"{type(error).__name__}: {error}"
    attributes = {name: getattr(error, name) for name in _ATTRIBUTES if hasattr(error, name)}
    return Outcome(failure, message, attributes, case.examples, case.shrink_runs)


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
