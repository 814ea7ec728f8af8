"""Values a custom Function keeps on its ctx in the step language (``ctx.scale = 2.0``).

A Function's ``forward`` (or ``setup_context``) may store any value as an attribute of its
``ctx`` and ``backward`` read it back, as PyTorch's documentation advises for non-tensors
(``FunctionCtx.save_for_backward``: "non-tensors should be stored directly on ctx").  The
language has no free attribute names, so a few are declared here: ``ctx.scale``,
``ctx.count``, ``ctx.flag`` and ``ctx.stored``, each settable and readable, each holding any
value (a number, a bool, a list, a tensor).  They are attributes of a Function's context only;
tensors saved with ``save_for_backward`` stay in ``ctx.saved_tensors``.
"""

from __future__ import annotations

from gradspec.language.steps import PROPERTIES
from gradspec.language.vocabulary import Property

_CAPABILITY = "function_ctx_attributes"

#: The attribute names a step may set on a Function's ctx, with what each is meant for.
CTX_ATTRIBUTES = {
    "scale": "a number",
    "count": "an integer",
    "flag": "a bool",
    "stored": "any value: a list, a tensor",
}


def _declare(name: str, meant_for: str) -> None:
    if name in PROPERTIES:
        raise ValueError(f"the attribute {name!r} is declared twice")
    PROPERTIES[name] = Property(
        name,
        lambda ctx, function_ctx: ctx.adapter.context_attribute(function_ctx, name),
        f"a value a Function's forward stores on its ctx for backward, e.g. {meant_for} (settable on a ctx)",
        _CAPABILITY,
        lambda ctx, function_ctx, value: ctx.adapter.set_context_attribute(function_ctx, name, value),
        _CAPABILITY,
    )


for _name, _meant_for in CTX_ATTRIBUTES.items():
    _declare(_name, _meant_for)
