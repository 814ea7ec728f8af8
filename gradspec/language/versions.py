"""Marking a tensor modified in place in the step language (``torch.autograd.graph.increment_version``).

``increment_version(t)`` tells the library's autograd that ``t`` was changed in place in a way it
did not see; ``t.version`` reads the counter it changes.
"""

from __future__ import annotations

from typing import Any

from gradspec.errors import StepError
from gradspec.language.interpreter import RunContext
from gradspec.language.steps import functions


@functions.register(capability="increment_version", mutates=True)
def increment_version(ctx: RunContext, tensor: Any) -> None:
    """Mark ``tensor`` modified in place (``torch.autograd.graph.increment_version``)."""
    if not ctx.adapter.is_tensor(tensor):
        raise StepError(f"increment_version() takes a tensor, not {type(tensor).__name__}")
    ctx.adapter.increment_version(tensor)
