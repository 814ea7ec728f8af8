"""Backends that crash, abort, hang or leak memory in one operation, for the isolation tests.
Not deviations of a documented behaviour: they are not in ``CAUGHT_BY``."""
from __future__ import annotations

import ctypes
import os
import time
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


class HangsOnItem(TorchAdapter):
    """item() never returns."""

    def item(self, tensor: Any) -> Any:
        while True:
            time.sleep(1)


class LeaksOnItem(TorchAdapter):
    """item() allocates without end."""

    def item(self, tensor: Any) -> Any:
        hoard = []
        while True:
            hoard.append(bytearray(64 * 1024 * 1024))


class SlowAndWrongItem(TorchAdapter):
    """item() takes a quarter of a second, and gives a float for every dtype: the time limit
    stops the shrinking of a failure it has already found."""

    def item(self, tensor: Any) -> Any:
        time.sleep(0.25)
        return float(super().item(tensor))
