"""A hook on several tensors at once in the step language
(``torch.autograd.graph.register_multi_grad_hook``).

``register_multi_grad_hook(tensors, fn)`` hands the step function ``fn`` the gradients of
``tensors`` during a backward: in the library's default mode (PyTorch: ``"all"``) as one sequence,
``None`` where a tensor's gradient is not computed; with ``mode="any"`` one gradient.  ``mode``
reaches the library only where the spec writes it.  The result is a handle with ``remove()``.
"""

from __future__ import annotations

from typing import Any

from gradspec.errors import StepError
from gradspec.language.functional import as_callable
from gradspec.language.interpreter import RunContext
from gradspec.language.steps import functions
from gradspec.values import OMITTED, written


@functions.register(capability="multi_grad_hooks", mutates=True)
def register_multi_grad_hook(ctx: RunContext, tensors: Any, fn: Any, mode: Any = OMITTED) -> Any:
    """Call ``fn`` with the gradients of ``tensors`` in each backward; returns a handle
    (``torch.autograd.graph.register_multi_grad_hook``)."""
    if not isinstance(tensors, (list, tuple)) or not all(ctx.adapter.is_tensor(t) for t in tensors):
        raise StepError("register_multi_grad_hook() takes a list of tensors")
    return ctx.adapter.register_multi_grad_hook(list(tensors), as_callable(ctx, fn), **written(mode=mode))
