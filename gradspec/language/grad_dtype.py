"""A tensor's ``grad_dtype`` in the step language (``Tensor.grad_dtype``).

``x.grad_dtype`` is the dtype a ``.grad`` assigned to ``x`` must have, or ``None`` when any
dtype is accepted; ``x.grad_dtype = float64`` (or ``None``) sets it.
"""

from __future__ import annotations

from typing import Any

from gradspec.errors import StepError
from gradspec.language.interpreter import RunContext
from gradspec.language.steps import PROPERTIES
from gradspec.language.vocabulary import Property
from gradspec.values import DType

_CAPABILITY = "grad_dtype"


def _read(ctx: RunContext, tensor: Any) -> DType | None:
    if not ctx.adapter.is_tensor(tensor):
        raise StepError(f".grad_dtype is an attribute of a tensor, not of {type(tensor).__name__}")
    return ctx.adapter.grad_dtype(tensor)


def _write(ctx: RunContext, tensor: Any, value: Any) -> None:
    if not ctx.adapter.is_tensor(tensor):
        raise StepError(f".grad_dtype is an attribute of a tensor, not of {type(tensor).__name__}")
    if value is not None and not isinstance(value, DType):
        raise StepError(f".grad_dtype is set to a dtype or None, not {type(value).__name__}")
    ctx.adapter.set_grad_dtype(tensor, value)


PROPERTIES["grad_dtype"] = Property(
    "grad_dtype",
    _read,
    "the dtype an assigned .grad must have (the tensor's dtype by default), or None for any (settable)",
    _CAPABILITY,
    _write,
    _CAPABILITY,
)
