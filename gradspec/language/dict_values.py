"""Dict values in the step language: ``{"w": w, "b": b}``, ``dict(pairs)`` and reading them.

A dict maps names (strings not starting with ``_``) to values, in the order they were given,
as Python's does.  It is written as a literal ``{"w": w, "b": b}`` or built with ``dict(pairs)``
from ``(name, value)`` pairs, as ``dict(named_parameters(model))`` mirrors PyTorch's
``dict(model.named_parameters())``.  A spec reads one with ``d["w"]``, ``len(d)``, ``"w" in d``,
``for name in d``, and the methods ``.keys()``, ``.values()`` and ``.items()`` (lists).  A dict
itself needs no capability; the APIs taking one do (``autograd_grad(y, {...})`` and
``backward(inputs={...})`` need ``grad_inputs_dict``).
"""

from __future__ import annotations

from typing import Any

from gradspec.errors import StepError
from gradspec.language.interpreter import MAX_SEQUENCE_ITEMS, RunContext, dict_key
from gradspec.language.steps import functions, methods


@functions.register("dict")
def dict_(ctx: RunContext, pairs: Any) -> dict[str, Any]:
    """A dict from ``(name, value)`` pairs, or a copy of a dict (Python's ``dict``); names are
    strings not starting with ``_``."""
    if isinstance(pairs, dict):
        return dict(pairs)
    if ctx.adapter.is_tensor(pairs) or not isinstance(pairs, (list, tuple)):
        raise StepError(f"dict() takes a list of (name, value) pairs or a dict, not {type(pairs).__name__}")
    if len(pairs) > MAX_SEQUENCE_ITEMS:
        raise StepError(f"dict() of more than {MAX_SEQUENCE_ITEMS} pairs")
    result: dict[str, Any] = {}
    for pair in pairs:
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise StepError(f"dict() takes (name, value) pairs, not {pair!r}")
        result[dict_key(pair[0])] = pair[1]
    return result


def _receiver(value: Any, method: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise StepError(f".{method}() of {type(value).__name__}: only dicts have it")
    return value


@methods.register("keys")
def keys(ctx: RunContext, value: Any) -> list[str]:
    """A dict's keys, as a list in the dict's order."""
    return list(_receiver(value, "keys"))


@methods.register("values")
def values(ctx: RunContext, value: Any) -> list[Any]:
    """A dict's values, as a list in the dict's order (not the function ``values(t)``)."""
    return list(_receiver(value, "values").values())


@methods.register("items")
def items(ctx: RunContext, value: Any) -> list[tuple[str, Any]]:
    """A dict's ``(key, value)`` pairs, as a list in the dict's order."""
    return list(_receiver(value, "items").items())
