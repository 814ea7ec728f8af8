"""Gradient edges in the step language (``torch.autograd.graph.get_gradient_edge``).

``get_gradient_edge(t)`` names the place in the graph where ``t``'s gradient is computed;
``autograd_grad()`` takes it among its inputs in place of ``t``.
"""

from __future__ import annotations

from typing import Any

from gradspec.errors import StepError
from gradspec.language.interpreter import RunContext
from gradspec.language.steps import functions


@functions.register(capability="gradient_edges")
def get_gradient_edge(ctx: RunContext, tensor: Any) -> Any:
    """The gradient edge of ``tensor``, an input ``autograd_grad()`` accepts (``graph.get_gradient_edge``)."""
    if not ctx.adapter.is_tensor(tensor):
        raise StepError(f"get_gradient_edge() takes a tensor, not {type(tensor).__name__}")
    return ctx.adapter.gradient_edge(tensor)
