"""``gradspec run``: pytest over gradspec's suite in a child process, watched from outside.

A library can end the process that runs it: ``exit(0)`` from native code, a segfault, the
kernel's OOM killer.  Seen from inside, such a run simply stops; seen from here, it ended
without saying it reached its end (the plugin writes a record when it does), and its exit
status is never 0.  Signals that end a run (SIGTERM, SIGHUP) are passed on to pytest, which
then writes the report marked interrupted; if this process is killed outright, the pytest
process is sent SIGTERM by the kernel (Linux), and does the same.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from gradspec.pytest_plugin.ending import ENDING_SIGNALS, RUN_RECORD_VARIABLE
from gradspec.resources import SUITES

#: The exit status of a run that ended before gradspec finished it, with status 0 or a signal.
EXIT_UNFINISHED = 3
#: Options every run gets before the user's (a later option of the user's wins).  The suite's
#: tests hold no ``assert``, so pytest's assertion rewriting would serve nothing; it rewrites
#: every module of Hypothesis (a pytest plugin), and where bytecode is not cached
#: (``PYTHONDONTWRITEBYTECODE``, a read-only environment) it does so anew in each process:
#: about 1.3 s of each pytest-xdist worker's start, and the controller's.
SUITE_OPTIONS = ("-p", "no:cacheprovider", "--assert=plain")
#: pytest's logging plugin captures each test phase's log records by attaching its handlers to
#: the root logger and to every logger that does not propagate (torch registers about 50), six
#: times a test: about 0.3 ms an item.  A run leaves it out unless the user's arguments use it
#: (a ``--log`` option, an ``-o log_...`` setting, ``-p logging``); a record a library logs
#: meanwhile still reaches the test's captured stderr, through logging's last-resort handler.
WITHOUT_LOGGING = ("-p", "no:logging")
_PR_SET_PDEATHSIG = 1


def run_suite(pytest_args: list[str]) -> int:
    """Run the conformance suite with ``pytest_args``; pytest's exit status, unless the run
    ended before gradspec finished it."""
    with tempfile.TemporaryDirectory(prefix="gradspec-run.") as folder:
        record = Path(folder) / "finished.json"
        command = [sys.executable, "-m", "pytest", str(SUITES), *suite_options(pytest_args), *pytest_args]
        child = subprocess.Popen(command, env={**os.environ, RUN_RECORD_VARIABLE: str(record)}, preexec_fn=_end_with_parent)
        for number in ENDING_SIGNALS:
            signal.signal(number, lambda number, frame: child.send_signal(number))
        status = _wait(child)
        finished = record.exists()
    if finished:
        return status
    how = f"was killed by signal {-status}" if status < 0 else f"ended with status {status}"
    print(f"gradspec: the run {how} before gradspec finished it: its report is missing or incomplete", file=sys.stderr)
    return status if status > 0 else EXIT_UNFINISHED


def suite_options(pytest_args: list[str]) -> tuple[str, ...]:
    """The options a run with ``pytest_args`` gets before them."""
    return SUITE_OPTIONS if uses_logging(pytest_args) else SUITE_OPTIONS + WITHOUT_LOGGING


def uses_logging(pytest_args: list[str]) -> bool:
    """Whether ``pytest_args`` use pytest's logging plugin."""
    for previous, argument in zip(["", *pytest_args], pytest_args):
        if argument.startswith(("--log", "-olog_", "--override-ini=log_")) or argument == "-plogging":
            return True
        if (previous, argument) == ("-p", "logging"):
            return True
        if previous in ("-o", "--override-ini") and argument.startswith("log_"):
            return True
    return False


def _end_with_parent() -> None:
    """In the child, before pytest starts: receive SIGTERM when this process dies (Linux)."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def _wait(child: subprocess.Popen[bytes]) -> int:
    """The child's exit status; Ctrl-C reaches it too, so wait on until it has ended."""
    while True:
        try:
            return child.wait()
        except KeyboardInterrupt:
            continue
