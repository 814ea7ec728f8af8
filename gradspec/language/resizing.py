"""Resizing a tensor in place in the step language (``Tensor.resize_``).

``t.resize_(*shape)`` gives ``t`` a new shape, growing its memory when the new shape has more
elements; memory the tensor does not own (a tensor made by ``from_numpy``) cannot grow.
"""

from __future__ import annotations

from typing import Any

from gradspec.errors import StepError
from gradspec.language.interpreter import RunContext
from gradspec.language.steps import _bounded, methods


@methods.register("resize_", capability="resize_", mutates=True)
def resize_(ctx: RunContext, tensor: Any, *shape: Any) -> Any:
    """Resize the tensor in place to ``shape`` (``Tensor.resize_``); returns the tensor."""
    if not ctx.adapter.is_tensor(tensor):
        raise StepError(f"resize_() is a method of a tensor, not of {type(tensor).__name__}")
    if len(shape) == 1 and isinstance(shape[0], (list, tuple)):
        shape = tuple(shape[0])
    if not all(isinstance(size, int) and not isinstance(size, bool) and size >= 0 for size in shape):
        raise StepError(f"resize_() takes sizes that are non-negative integers, not {shape!r}")
    _bounded(*shape)
    return ctx.adapter.resize_(tensor, tuple(shape))
