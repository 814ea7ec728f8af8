"""Hooks for saved tensors in the step language (``torch.autograd.graph``).

Inside ``saved_tensors_hooks(pack, unpack)`` every tensor an operation saves for backward is
stored as ``pack(tensor)``, and backward gets ``unpack(stored)`` back; ``pack`` and ``unpack`` are
step functions.  ``save_on_cpu()`` keeps saved tensors on the CPU, and
``disable_saved_tensors_hooks(message)`` makes entering saved-tensor hooks raise ``message``.
Each is a context for ``with``.
"""

from __future__ import annotations

from typing import Any

from gradspec.language.functional import as_callable
from gradspec.language.interpreter import RunContext
from gradspec.language.steps import functions


@functions.register(capability="saved_tensors_hooks")
def saved_tensors_hooks(ctx: RunContext, pack: Any, unpack: Any) -> Any:
    """A context storing each tensor saved for backward as ``pack(t)``, given back as ``unpack(stored)`` (``graph.saved_tensors_hooks``)."""
    return ctx.adapter.saved_tensors_hooks(as_callable(ctx, pack), as_callable(ctx, unpack))


@functions.register(capability="save_on_cpu")
def save_on_cpu(ctx: RunContext) -> Any:
    """A context keeping tensors saved for backward on the CPU (``graph.save_on_cpu``)."""
    return ctx.adapter.save_on_cpu()


@functions.register(capability="saved_tensors_hooks")
def disable_saved_tensors_hooks(ctx: RunContext, message: str) -> Any:
    """A context in which entering saved-tensor hooks raises ``message`` (``graph.disable_saved_tensors_hooks``)."""
    return ctx.adapter.disable_saved_tensors_hooks(str(message))
