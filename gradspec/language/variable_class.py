"""The deprecated ``Variable`` constructor in the step language (``torch.autograd.Variable``).

``Variable(t)`` and ``Variable(t, requires_grad=...)`` wrap a tensor the old way; ``requires_grad``
reaches the library only where the spec writes it.
"""

from __future__ import annotations

from typing import Any

from gradspec.errors import StepError
from gradspec.language.interpreter import RunContext
from gradspec.language.steps import functions
from gradspec.values import OMITTED, written


@functions.register("Variable", capability="variable_class", keyword_capabilities={"requires_grad": "requires_grad"})
def variable_class(ctx: RunContext, tensor: Any, requires_grad: Any = OMITTED) -> Any:
    """``Variable(tensor, requires_grad=...)``, the deprecated wrapper (``torch.autograd.Variable``)."""
    if not ctx.adapter.is_tensor(tensor):
        raise StepError(f"Variable() takes a tensor, not {type(tensor).__name__}")
    return ctx.adapter.variable_class(tensor, **written(requires_grad=requires_grad))
