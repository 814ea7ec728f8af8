"""Numerical gradient checking in the step language (``torch.autograd.gradcheck``).

``gradcheck(function, inputs)`` compares the gradients a library computes for a step function
(or a drawn operation) with finite differences of it, and ``gradgradcheck`` does the same for
second derivatives.  Each answers True, or raises (``gradcheck_mismatch``), or answers False with
``raise_exception=False``.  Keywords reach the library only where the spec writes them.
"""

from __future__ import annotations

from typing import Any

from gradspec.language.functional import as_callable
from gradspec.language.interpreter import RunContext
from gradspec.language.steps import functions
from gradspec.values import OMITTED, written

_CAPABILITY = "gradcheck"
_KEYWORDS = {"fast_mode": "gradcheck_fast_mode"}


@functions.register(capability=_CAPABILITY, keyword_capabilities=_KEYWORDS)
def gradcheck(ctx: RunContext, function: Any, inputs: Any, raise_exception: Any = OMITTED, fast_mode: Any = OMITTED) -> Any:
    """Whether ``function``'s gradients at ``inputs`` match finite differences (``torch.autograd.gradcheck``)."""
    options = written(raise_exception=raise_exception, fast_mode=fast_mode)
    return ctx.adapter.gradcheck("gradcheck", as_callable(ctx, function), inputs, **options)


@functions.register(capability=_CAPABILITY, keyword_capabilities=_KEYWORDS)
def gradgradcheck(
    ctx: RunContext,
    function: Any,
    inputs: Any,
    grad_outputs: Any = OMITTED,
    raise_exception: Any = OMITTED,
    fast_mode: Any = OMITTED,
) -> Any:
    """Whether ``function``'s second derivatives at ``inputs`` match finite differences (``torch.autograd.gradgradcheck``)."""
    options = written(grad_outputs=grad_outputs, raise_exception=raise_exception, fast_mode=fast_mode)
    return ctx.adapter.gradcheck("gradgradcheck", as_callable(ctx, function), inputs, **options)
