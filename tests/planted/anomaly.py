"""Planted deviations for the anomaly-detection specs (specs/anomaly/): each adapter wraps
PyTorch's anomaly mode and breaks one documented behaviour of it."""
from __future__ import annotations

import contextlib
from typing import Any

from gradspec.adapters.torch_adapter import TorchAdapter


class AnomalyModeIgnoresNan(TorchAdapter):
    """detect_anomaly() is accepted but checks nothing: NaN gradients pass silently."""

    deviation_kind = "missing"

    def detect_anomaly(self) -> Any:
        return contextlib.nullcontext()


class _SetOnly:
    """Sets the mode when made; leaves it as it is when its block exits."""

    def __init__(self, torch: Any, mode: bool) -> None:
        torch.autograd.set_detect_anomaly(mode)

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: Any) -> bool:
        return False


class AnomalyContextNotRestored(TorchAdapter):
    """set_detect_anomaly(mode) as a context leaves the mode set after its block."""

    deviation_kind = "leaking"

    def set_detect_anomaly(self, mode: bool) -> Any:
        return _SetOnly(self.torch, mode)


class AnomalyQueryAlwaysOff(TorchAdapter):
    """is_anomaly_enabled() answers False whatever the mode."""

    deviation_kind = "inverted"

    def is_anomaly_enabled(self) -> bool:
        return False


CAUGHT_BY = {
    AnomalyModeIgnoresNan: {"anomaly.detect_anomaly.nan_in_backward_raises"},
    AnomalyContextNotRestored: {"anomaly.set_detect_anomaly.context_and_function"},
    AnomalyQueryAlwaysOff: {"anomaly.set_detect_anomaly.context_and_function"},
}
