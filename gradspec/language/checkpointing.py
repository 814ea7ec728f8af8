"""Activation checkpointing in the step language (``torch.utils.checkpoint``).

``checkpoint(function, *args, ...)`` runs a step function (or a module) without keeping what its
operations save for backward, and runs it again when backward needs them.  Keywords reach the
library only where the spec writes them: each needs its own capability, and an omitted one keeps
the library's default.
"""

from __future__ import annotations

from typing import Any

from gradspec.language.functional import as_callable
from gradspec.language.interpreter import RunContext
from gradspec.language.steps import functions
from gradspec.values import OMITTED, written

_CAPABILITY = "checkpointing"
_KEYWORDS = {"use_reentrant": "checkpoint_use_reentrant"}
_CHECKPOINT_KEYWORDS = {**_KEYWORDS, "determinism_check": "checkpoint_determinism_check"}


@functions.register(capability=_CAPABILITY, keyword_capabilities=_CHECKPOINT_KEYWORDS)
def checkpoint(ctx: RunContext, function: Any, *args: Any, use_reentrant: Any = OMITTED, determinism_check: Any = OMITTED) -> Any:
    """``function(*args)``, its intermediate values recomputed during backward (``torch.utils.checkpoint.checkpoint``)."""
    options = written(use_reentrant=use_reentrant, determinism_check=determinism_check)
    return ctx.adapter.checkpoint(as_callable(ctx, function), list(args), **options)


@functions.register(capability=_CAPABILITY, keyword_capabilities=_KEYWORDS)
def checkpoint_sequential(ctx: RunContext, model: Any, segments: int, input: Any, use_reentrant: Any = OMITTED) -> Any:
    """A sequential model's output, checkpointed in ``segments`` parts (``torch.utils.checkpoint.checkpoint_sequential``)."""
    return ctx.adapter.checkpoint_sequential(model, segments, input, **written(use_reentrant=use_reentrant))
