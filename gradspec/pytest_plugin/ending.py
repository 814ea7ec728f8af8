"""How a conformance run ends: a signal that ends it early is an interruption after which the
report is still written, and a run that reached its end says so to ``gradspec run``."""

from __future__ import annotations

import json
import os
import signal
import threading
from types import FrameType
from typing import Any

#: Set by ``gradspec run``: the file a run that reached its end writes, so that a run ended by
#: the library (``exit(0)`` in native code) is told from a finished one.
RUN_RECORD_VARIABLE = "GRADSPEC_RUN_RECORD"
#: Signals that end a run (CI timeouts, closed terminals): the report is written, marked interrupted.
ENDING_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


class EndingSignals:
    """While caught, SIGTERM and SIGHUP raise ``KeyboardInterrupt`` in the main thread, so pytest
    stops the spec running and still finishes the session (and writes the report)."""

    def __init__(self) -> None:
        #: The signal that ended the run, if one did.
        self.received: str | None = None
        self._previous: dict[int, Any] = {}

    def catch(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return
        for number in ENDING_SIGNALS:
            self._previous[number] = signal.signal(number, self._interrupt)

    def release(self) -> None:
        for number, handler in self._previous.items():
            signal.signal(number, handler)
        self._previous.clear()

    def _interrupt(self, number: int, frame: FrameType | None) -> None:
        self.received = signal.Signals(number).name
        raise KeyboardInterrupt(f"gradspec: {self.received} received")


def record_finished_run() -> None:
    """Tell ``gradspec run`` that this pytest process reached its end (reports written)."""
    path = os.environ.get(RUN_RECORD_VARIABLE)
    if path:
        with open(path, "w", encoding="utf-8") as record:
            json.dump({"finished": True}, record)
