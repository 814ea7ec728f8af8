"""Anomaly detection in the step language (``torch.autograd.detect_anomaly`` and
``set_detect_anomaly``), and whether it is on."""

from __future__ import annotations

from typing import Any

from gradspec.language.interpreter import RunContext
from gradspec.language.steps import functions

_CAPABILITY = "anomaly_detection"


@functions.register(capability=_CAPABILITY)
def detect_anomaly(ctx: RunContext) -> Any:
    """A context with anomaly detection on (``torch.autograd.detect_anomaly()``)."""
    return ctx.adapter.detect_anomaly()


@functions.register(capability=_CAPABILITY)
def set_detect_anomaly(ctx: RunContext, mode: bool) -> Any:
    """Turn anomaly detection on or off, or do so inside a ``with`` block (``torch.autograd.set_detect_anomaly``)."""
    return ctx.adapter.set_detect_anomaly(mode)


@functions.register(capability=_CAPABILITY)
def is_anomaly_enabled(ctx: RunContext) -> bool:
    """Whether anomaly detection is on."""
    return ctx.adapter.is_anomaly_enabled()
