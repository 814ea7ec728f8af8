"""Run one spec case in a child process, so a backend that crashes, aborts, leaks memory or hangs
costs that spec an ``error`` and the run goes on.

The child is forked (POSIX; the backend's state is inherited, nothing is imported again), runs
the whole Hypothesis test, and sends back what happened through a pipe, as a length-prefixed
pickle.  The parent reads until the report is whole, the child has exited, or the per-spec time
limit has passed, so a helper process that the library started and that inherited the pipe does
not keep it waiting.  The child leads a process group of its own; when the case is over, whatever
its outcome, the parent kills that group, so the library's helpers (worker pools, forked or spawned
processes) end with their spec.  Forking is safe for CPU backends; a process that has already
initialised CUDA must not fork, so ``--isolate`` is meant for CPU runs.
"""

from __future__ import annotations

import os
import pickle
import resource
import selectors
import signal
import struct
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from gradspec.errors import BackendError, Finding, FindingSettled, SpecStopped
from gradspec.limits import address_space

#: The report's length prefix: the size of the pickle that follows, in bytes.
_HEADER = struct.Struct("!Q")
#: How often the parent checks whether the child has exited, where it cannot wait on a pidfd.
_POLL_SECONDS = 0.05


@dataclass(frozen=True)
class Outcome:
    """What the child reports: what the test found (``None`` when it passed) and the case's counters."""

    finding: Finding | None
    examples: int
    shrink_runs: int


def run_isolated(test: Callable[[], None], case: Any, *, timeout: float, memory_mb: int | None) -> None:
    """Run ``test`` in a forked child; re-raise its failure here, or a :class:`BackendError`
    when the child crashed, was killed, or did not finish within ``timeout`` seconds.  Any process
    the child started in its process group is killed before this returns."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: run, report, and leave without running any parent cleanup
        _child(test, case, read_end, write_end, memory_mb)
    child = _Child(pid)
    with suppress(OSError):  # the child does the same; whichever comes first makes the group
        os.setpgid(pid, pid)
    os.close(write_end)
    try:
        payload = _receive(read_end, child, timeout)
    finally:
        os.close(read_end)
        status = child.end()
    if payload is None:
        raise BackendError(f"the backend hung: no result within {timeout:g} s, so the spec's process was killed")
    if not payload:
        raise BackendError(f"the backend crashed: {_describe_status(status)}")
    outcome: Outcome = pickle.loads(payload)
    case.examples, case.shrink_runs = outcome.examples, outcome.shrink_runs
    if outcome.finding is not None:
        raise outcome.finding


def _child(test: Callable[[], None], case: Any, read_end: int, write_end: int, memory_mb: int | None) -> None:
    status = 0
    try:
        os.setpgid(0, 0)  # a group of its own, which the parent kills with any helper in it
        os.close(read_end)
        if memory_mb is not None:  # on top of what the process already maps
            limit = address_space() + memory_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        finding: Finding | None = None
        try:
            test()
        except Finding as found:
            finding = found
        except FindingSettled as settled:
            finding = settled.finding
        except SpecStopped as stopped:
            finding = BackendError(str(stopped))
        except BaseException as error:  # everything else is an error of the backend or the run
            finding = BackendError(f"{type(error).__name__}: {error}")
        data = pickle.dumps(Outcome(finding, case.examples, case.shrink_runs))
        view = memoryview(_HEADER.pack(len(data)) + data)
        while view:
            view = view[os.write(write_end, view) :]
    except BaseException:
        status = 1
    finally:
        os._exit(status)


class _Child:
    """The forked child: whether it has exited, seen without reaping it where the platform allows,
    so that its pid, and so its process group's id, stays its own until :meth:`end`."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.fd = _pidfd(pid)  # readable once the child exits; None where there is no pidfd
        self._status: int | None = None  # the wait status, once reaped

    def exited(self) -> bool:
        """Whether the child has exited (or been killed)."""
        if self._status is not None:
            return True
        if hasattr(os, "waitid"):
            return os.waitid(os.P_PID, self.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
        reaped, status = os.waitpid(self.pid, os.WNOHANG)
        if reaped:
            self._status = status
        return bool(reaped)

    def end(self) -> int:
        """Kill the child's process group, helpers included, reap the child, and return its wait status."""
        for kill in (os.killpg, os.kill):  # the group, and the child should it not lead one
            with suppress(ProcessLookupError):
                kill(self.pid, signal.SIGKILL)
        if self._status is None:
            _, self._status = os.waitpid(self.pid, 0)
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None
        return self._status


def _pidfd(pid: int) -> int | None:
    """A descriptor that becomes readable when ``pid`` exits (Linux 5.3+), or ``None``."""
    if not hasattr(os, "pidfd_open"):
        return None
    try:
        return os.pidfd_open(pid)
    except OSError:
        return None


def _receive(read_end: int, child: _Child, timeout: float) -> bytes | None:
    """The child's whole report; ``b""`` if it exited without one; ``None`` if ``timeout`` passed first."""
    deadline = time.monotonic() + timeout
    buffer = bytearray()
    with selectors.DefaultSelector() as selector:
        selector.register(read_end, selectors.EVENT_READ)
        if child.fd is not None:
            selector.register(child.fd, selectors.EVENT_READ)
        wait = float("inf") if child.fd is not None else _POLL_SECONDS
        while (payload := _payload(buffer)) is None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            ready = {key.fd for key, _ in selector.select(min(remaining, wait))}
            if read_end in ready and not _read_into(buffer, read_end):
                selector.unregister(read_end)  # EOF: nothing more can come; wait for the child's exit
            if child.exited():
                _drain(buffer, read_end)  # what it wrote before exiting is still in the pipe
                return _payload(buffer) or b""
    return payload


def _read_into(buffer: bytearray, fd: int) -> bool:
    """Append what ``fd`` has to ``buffer``; ``False`` at EOF."""
    chunk = os.read(fd, 1 << 16)
    buffer += chunk
    return bool(chunk)


def _drain(buffer: bytearray, fd: int) -> None:
    """Append all that ``fd`` holds now, without waiting for more."""
    os.set_blocking(fd, False)
    with suppress(BlockingIOError):
        while _read_into(buffer, fd):
            pass


def _payload(buffer: bytearray) -> bytes | None:
    """The pickle in ``buffer`` once it has arrived whole, else ``None``."""
    if len(buffer) < _HEADER.size:
        return None
    (size,) = _HEADER.unpack_from(buffer)
    end = _HEADER.size + size
    return bytes(buffer[_HEADER.size : end]) if len(buffer) >= end else None


def _describe_status(status: int) -> str:
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        return f"its process was killed by signal {number} ({signal.Signals(number).name})"
    return f"its process exited with status {os.WEXITSTATUS(status)} before reporting"
