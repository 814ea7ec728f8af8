"""Time and memory limits on one spec in the test process itself (no ``--isolate`` needed).

* **Time**: a deadline raises :class:`TimeLimitExceeded` in the main thread through
  ``SIGALRM`` once it passes; deadlines nest (a regex match inside a spec), the earliest one
  arms the timer.  Python code and library calls that return are stopped; a call stuck in
  native code is not, so :func:`spec_limits` also arms :mod:`faulthandler` to dump every
  thread's stack and end the process a grace period later (the run then has no complete
  report, and ``gradspec run`` exits non-zero).
* **Memory**: the soft ``RLIMIT_AS`` is lowered to the process's current size plus the
  spec's allowance, and restored afterwards; an allocation beyond it fails in the library
  (``MemoryError``, or the library's own allocation error) instead of the machine swapping
  or the OOM killer ending the run.  Callers leave it off where a GPU driver may be loaded: it
  maps far more address space than it uses.

Both need POSIX and the main thread; elsewhere a limit is silently not applied.
"""

from __future__ import annotations

import contextlib
import errno
import faulthandler
import os
import resource
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import FrameType

from gradspec.errors import BackendError, Finding, FindingSettled, SpecStopped

#: Seconds a call stuck in native code gets past its spec's deadline before the process ends.
NATIVE_HANG_GRACE = 60.0


class TimeLimitExceeded(SpecStopped):
    """A deadline passed."""

    def __init__(self, deadline: Deadline) -> None:
        super().__init__(f"{deadline.what} took more than {deadline.seconds:g} s")
        self.deadline = deadline


@dataclass(eq=False)
class Deadline:
    """What must finish, and when (``time.monotonic()``)."""

    what: str
    seconds: float
    at: float = field(init=False)

    def __post_init__(self) -> None:
        self.at = time.monotonic() + self.seconds


_armed: list[Deadline] = []
_previous_handler: object = None


def timers_available() -> bool:
    """Whether deadlines can be enforced here (POSIX, main thread)."""
    return hasattr(signal, "SIGALRM") and threading.current_thread() is threading.main_thread()


@contextlib.contextmanager
def deadline(seconds: float | None, what: str) -> Iterator[Deadline | None]:
    """Raise :class:`TimeLimitExceeded` in the block once ``seconds`` have passed
    (``None``, or no timers here: no limit).  Yields the deadline, to recognise it when caught."""
    if seconds is None or not timers_available():
        yield None
        return
    entry = Deadline(what, seconds)
    global _previous_handler
    if not _armed:
        _previous_handler = signal.signal(signal.SIGALRM, _expire)
    _armed.append(entry)
    _arm()
    try:
        yield entry
    finally:
        _armed.remove(entry)
        _arm()
        if not _armed:
            signal.signal(signal.SIGALRM, _previous_handler)  # type: ignore[arg-type]


def _arm() -> None:
    if not _armed:
        signal.setitimer(signal.ITIMER_REAL, 0)
        return
    remaining = min(entry.at for entry in _armed) - time.monotonic()
    signal.setitimer(signal.ITIMER_REAL, max(remaining, 0.001))


def _expire(signum: int, frame: FrameType | None) -> None:
    now = time.monotonic()
    expired = [entry for entry in _armed if entry.at <= now + 0.001]
    if not expired:  # an early signal: wait for the earliest deadline again
        _arm()
        return
    raise TimeLimitExceeded(min(expired, key=lambda entry: entry.at))


@contextlib.contextmanager
def memory_allowance(megabytes: int | None) -> Iterator[None]:
    """Let the block map at most ``megabytes`` MiB beyond what the process maps now."""
    if megabytes is None or not sys.platform.startswith("linux"):
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = address_space() + megabytes * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def address_space() -> int:
    """The process's current virtual memory size in bytes (Linux)."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


@contextlib.contextmanager
def spec_limits(seconds: float | None, megabytes: int | None, what: str) -> Iterator[Deadline | None]:
    """A spec's time and memory limits, with the native-hang backstop."""
    backstop = seconds is not None and timers_available()
    if backstop:
        assert seconds is not None
        faulthandler.dump_traceback_later(seconds + NATIVE_HANG_GRACE, exit=True)
    try:
        with memory_allowance(megabytes), deadline(seconds, what) as entry:
            yield entry
    finally:
        if backstop:
            faulthandler.cancel_dump_traceback_later()


def run_limited(
    test: Callable[[], None],
    *,
    seconds: float | None,
    megabytes: int | None,
    what: str,
    found: Callable[[], Finding | None] = lambda: None,
) -> None:
    """Run ``test`` within a spec's limits; a limit it hits, or anything else that stopped it,
    is a :class:`BackendError` naming it; a recorded failure found again is its finding.  When
    the time limit stops the shrinking of a failure, ``found()`` (the smallest failing example
    so far) is the outcome: the verdict stands, only its counterexample may not be minimal."""
    limit: Deadline | None = None
    try:
        with spec_limits(seconds, megabytes, what) as limit:
            test()
        return
    except FindingSettled as settled:
        raise settled.finding from None
    except TimeLimitExceeded as exceeded:
        if limit is None or exceeded.deadline is not limit:
            raise
        finding = found()
        if finding is not None:
            finding.add_note(
                f"(the time limit of {seconds:g} s stopped shrinking: the counterexample is the smallest found by then)"
            )
            raise finding from None
        problem = f"{what} ran past its time limit of {seconds:g} s and was stopped (--spec-timeout sets the limit)"
    except SpecStopped as stopped:
        problem = str(stopped)
    # Raised here, not in the handler: the stopped test's frames (and what they hold) are freed.
    raise BackendError(problem)


def is_out_of_memory(error: BaseException) -> bool:
    """Whether ``error`` says an allocation failed (``MemoryError``, or a library's message
    carrying the system's ENOMEM text)."""
    return isinstance(error, MemoryError) or os.strerror(errno.ENOMEM) in str(error)


class OutOfMemory(SpecStopped):
    """An allocation failed: the spec's memory allowance is spent."""
