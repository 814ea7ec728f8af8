"""The norm of a tensor in the step language (``Tensor.norm``).

``norm(t)`` is the 2-norm of all of ``t``'s elements, computed in ``t``'s dtype.
"""

from __future__ import annotations

from typing import Any

from gradspec.errors import StepError
from gradspec.language.interpreter import RunContext
from gradspec.language.steps import functions


@functions.register(capability="norm")
def norm(ctx: RunContext, tensor: Any) -> Any:
    """The 2-norm of all elements of ``tensor``, a 0-dimensional tensor of its dtype (``Tensor.norm``)."""
    if not ctx.adapter.is_tensor(tensor):
        raise StepError(f"norm() takes a tensor, not {type(tensor).__name__}")
    return ctx.adapter.norm(tensor)
