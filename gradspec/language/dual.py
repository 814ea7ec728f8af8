"""Forward-mode AD's dual tensors in the step language (``torch.autograd.forward_ad``).

Inside ``dual_level()``, ``make_dual(primal, tangent)`` makes a tensor that carries a tangent
through every operation, and ``unpack_dual(t)`` gives ``(primal, tangent)``: the tangent is the
Jacobian-vector product, or ``None`` for a tensor that carries none.
"""

from __future__ import annotations

from typing import Any

from gradspec.language.interpreter import RunContext
from gradspec.language.steps import functions

_CAPABILITY = "dual_numbers"


@functions.register(capability=_CAPABILITY)
def dual_level(ctx: RunContext) -> Any:
    """A forward-AD level, as a context: dual tensors made inside carry tangents until it exits."""
    return ctx.adapter.dual_level()


@functions.register(capability=_CAPABILITY)
def make_dual(ctx: RunContext, primal: Any, tangent: Any) -> Any:
    """A dual tensor: ``primal``'s values carrying ``tangent`` (``forward_ad.make_dual``)."""
    return ctx.adapter.make_dual(primal, tangent)


@functions.register(capability=_CAPABILITY)
def unpack_dual(ctx: RunContext, tensor: Any) -> Any:
    """``(primal, tangent)`` of a tensor; the tangent is ``None`` where it carries none (``forward_ad.unpack_dual``)."""
    return ctx.adapter.unpack_dual(tensor)
