"""Backends that crash, abort, hang or leak memory in one operation, for the isolation tests.
Not deviations of a documented behaviour: they are not in ``CAUGHT_BY``."""
from __future__ import annotations

import ctypes
import os
import time
from pathlib import Path
from typing import Any

from gradspec.adapters.torch_adapter import TorchAdapter


class SegfaultsOnItem(TorchAdapter):
    """item() dereferences a null pointer."""

    def item(self, tensor: Any) -> Any:
        return ctypes.string_at(0)


class AbortsOnTolist(TorchAdapter):
    """tolist() aborts the process."""

    def tolist(self, tensor: Any) -> Any:
        os.abort()


#: A file HangsOnItem creates when it starts hanging, if this environment variable names one.
HANG_MARKER = "GRADSPEC_TEST_HANG_MARKER"


class HangsOnItem(TorchAdapter):
    """item() never returns (and creates the file $GRADSPEC_TEST_HANG_MARKER names, if any, first)."""

    def item(self, tensor: Any) -> Any:
        marker = os.environ.get(HANG_MARKER)
        if marker:
            Path(marker).touch()
        while True:
            time.sleep(1)


class LeaksOnItem(TorchAdapter):
    """item() allocates without end."""

    def item(self, tensor: Any) -> Any:
        hoard = []
        while True:
            hoard.append(bytearray(64 * 1024 * 1024))


class SlowAndWrongItem(TorchAdapter):
    """item() gives a float for every dtype, and takes two seconds once it has given a wrong one
    (a quarter of a second before): the time limit stops the shrinking of a failure it has
    already found."""

    wrong_given = False

    def item(self, tensor: Any) -> Any:
        time.sleep(2.0 if self.wrong_given else 0.25)
        right = super().item(tensor)
        self.wrong_given = self.wrong_given or not isinstance(right, float)
        return float(right)
