"""Mutating tensors saved for backward in the step language
(``torch.autograd.graph.allow_mutation_on_saved_tensors``).

Inside ``allow_mutation_on_saved_tensors()`` a tensor saved for backward may be changed in
place: backward then uses its value from before the change.  It is a context for ``with``.
"""

from __future__ import annotations

from typing import Any

from gradspec.language.interpreter import RunContext
from gradspec.language.steps import functions


@functions.register(capability="allow_mutation_on_saved_tensors")
def allow_mutation_on_saved_tensors(ctx: RunContext) -> Any:
    """A context in which tensors saved for backward may be changed in place (``graph.allow_mutation_on_saved_tensors``)."""
    return ctx.adapter.allow_mutation_on_saved_tensors()
