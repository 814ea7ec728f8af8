"""What one example may leave behind, and how gradspec ends it before the next example.

Every example starts from the library's default global state, whatever the examples before
it did:

* contexts a spec entered and did not leave (``context_stack().enter(...)``, kept in a drawn
  list or anywhere else) are left when the example ends, innermost first;
* threads started by ``run_in_thread()`` are joined; one still running after
  :data:`THREAD_GRACE` seconds is still inside the library;
* the adapter's ``reset()`` restores the library's global modes, and ``global_state()`` is
  compared with what it was at the adapter's first example.

When the state cannot be restored (a thread still running, a mode ``reset()`` cannot turn
off), that example's spec is an ``error`` and so is every later spec run in the same process
with that adapter: their verdicts would not be trustworthy.  Under ``--isolate`` each spec runs
in its own process, so only the spec at fault is affected.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from gradspec.adapters.protocol import Adapter
from gradspec.errors import SpecStopped

#: Seconds an example's left-over threads get to finish once the example is over.
THREAD_GRACE = 5.0


@dataclass
class ExampleScope:
    """Everything one example started that must end with it."""

    closers: list[Callable[[], None]] = field(default_factory=list)
    threads: list[threading.Thread] = field(default_factory=list)

    def on_close(self, closer: Callable[[], None]) -> None:
        """Call ``closer`` when the example ends (last registered, first called)."""
        self.closers.append(closer)

    def adopt_thread(self, thread: threading.Thread) -> None:
        self.threads.append(thread)

    def close(self) -> list[str]:
        """End what the example left running; returns what could not be ended."""
        problems = []
        while self.closers:
            closer = self.closers.pop()
            try:
                closer()
            except Exception as error:
                problems.append(f"leaving a context it entered raised {type(error).__name__}: {error}")
        for thread in self.threads:
            thread.join(THREAD_GRACE)
            if thread.is_alive():
                problems.append(f"a thread it started ({thread.name}) is still running {THREAD_GRACE:g} s after the example")
        self.threads.clear()
        return problems


class StateNotRestored(SpecStopped):
    """The library's global state could not be restored after an example: the test ends at
    once, since replaying examples in a state that is no longer the default would only give
    inconsistent outcomes."""


@dataclass
class _Baseline:
    adapter: Adapter
    default: dict[str, Any]
    broken_by: str | None = None


_BASELINES: dict[int, _Baseline] = {}


def begin_example(adapter: Adapter) -> None:
    """Reset the library before an example; refuse to run on a process whose state an
    earlier example left unrestorable."""
    adapter.reset()
    baseline = _BASELINES.get(id(adapter))
    if baseline is None:
        _BASELINES[id(adapter)] = _Baseline(adapter, dict(adapter.global_state()))
    elif baseline.broken_by is not None:
        raise StateNotRestored(
            f"not run: {baseline.broken_by}, so no verdict in this process can be trusted (run with --isolate "
            "to give each spec its own process)"
        )


def end_example(adapter: Adapter, scope: ExampleScope, spec_id: str) -> None:
    """End what the example left behind and restore the library's default state; raises
    :class:`StateNotRestored` (the spec's ``error``) when that is not possible."""
    problems = scope.close()
    adapter.reset()
    baseline = _BASELINES[id(adapter)]
    now = dict(adapter.global_state())
    changed = [
        f"{name} is {now.get(name)!r}, was {value!r}" for name, value in baseline.default.items() if now.get(name) != value
    ]
    changed += [f"{name} is {value!r}, was absent" for name, value in now.items() if name not in baseline.default]
    if changed:
        problems.append(f"reset() left the library's global state changed ({'; '.join(changed)})")
    if problems:
        baseline.broken_by = f"spec {spec_id} left the library in a state gradspec could not restore: {'; '.join(problems)}"
        raise StateNotRestored(f"the example left the library in a state gradspec could not restore: {'; '.join(problems)}")
