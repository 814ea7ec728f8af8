"""Write values in the step language, so a counterexample reads like the spec and replays."""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from gradspec.adapters.protocol import Adapter
from gradspec.language.vocabulary import Function
from gradspec.values import OMITTED, DrawnTensor, DType, dtype_of

MAX_RENDERED_ELEMENTS = 64


def literal(array: np.ndarray) -> str:
    """A nested list literal of ``array``'s exact values (floats in shortest round-trip form)."""
    if array.ndim == 0:
        return _scalar(array[()])
    return "[" + ", ".join(literal(item) for item in array) + "]"


def _scalar(value: Any) -> str:
    if isinstance(value, (np.floating, float)):
        text = str(value)
        return text if any(c in text for c in ".eni") else text + ".0"
    if isinstance(value, (np.bool_, bool)):
        return "True" if value else "False"
    if isinstance(value, (np.complexfloating, complex)):
        return repr(complex(value))
    return str(int(value))


def _creation(function: str, array: np.ndarray, extra: str = "") -> str:
    data = literal(array) if array.size else "[]"
    shape = f", shape={tuple(array.shape)}" if array.size == 0 and array.shape != (0,) else ""
    return f"{function}({data}, dtype={dtype_of(array).name}{shape}{extra})"


def given_value(value: Any) -> str:
    """A drawn input as step-language code (``variable([0.0], dtype=float32)``); a value that
    writes itself (an operator, an operator sample) has a ``given_code()`` method."""
    if hasattr(value, "given_code"):
        return str(value.given_code())
    if isinstance(value, DrawnTensor) and value.requires_grad is True:
        return _creation("variable", value.array)
    if isinstance(value, DrawnTensor):
        extra = "" if value.requires_grad is OMITTED else f", requires_grad={value.requires_grad}"
        return _creation("tensor", value.array, extra)
    if isinstance(value, np.ndarray):
        return _creation("array", value)
    if isinstance(value, (Function, DType)):
        return value.name
    if isinstance(value, list):
        return "[" + ", ".join(given_value(v) for v in value) + "]"
    if isinstance(value, tuple):
        inner = ", ".join(given_value(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    return repr(value)


def example(drawn: dict[str, Any]) -> str:
    """The drawn inputs, one assignment a line."""
    return "\n".join(f"{name} = {given_value(value)}" for name, value in drawn.items())


def runtime_value(value: Any, adapter: Adapter) -> str:
    """A value met while running steps, for failure messages."""
    if adapter.is_tensor(value):
        try:
            data = adapter.values(value)
        except Exception as error:  # a broken read-out must not hide the failure itself
            return f"<tensor: values unreadable: {type(error).__name__}: {error}>"
        shown = literal(data) if data.size <= MAX_RENDERED_ELEMENTS else f"<{data.size} values>"
        grad = ", requires_grad=True" if _safe(adapter.requires_grad, value) else ""
        return f"tensor({shown}, dtype={dtype_of(data).name}{grad})"
    if isinstance(value, np.ndarray):
        shown = literal(value) if value.size <= MAX_RENDERED_ELEMENTS else f"<{value.size} values>"
        return f"array({shown}, dtype={dtype_of(value).name})"
    if isinstance(value, (Function, DType)):
        return value.name
    if isinstance(value, (list, tuple)) and len(value) <= MAX_RENDERED_ELEMENTS:
        inner = ", ".join(runtime_value(v, adapter) for v in value)
        return f"[{inner}]" if isinstance(value, list) else f"({inner}{',' if len(value) == 1 else ''})"
    text = _ADDRESS.sub(" at 0x...", repr(value))  # a memory address differs from run to run
    return text if len(text) <= 200 else text[:197] + "..."


_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def _safe(getter: Any, value: Any) -> Any:
    try:
        return getter(value)
    except Exception:
        return False


#: Control characters (C0, DEL, C1) and the Unicode line and paragraph separators.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def printable(text: str) -> str:
    """``text`` safe to print on a terminal: each control character (``\\x00``-``\\x1f``, ``\\x7f``-``\\x9f``,
    line and paragraph separators) written as its Python escape (``\\n``, ``\\x1b``, ``\\u2028``); all else
    is kept as it is, backslashes included."""
    return _CONTROL.sub(lambda match: repr(match.group())[1:-1], text)
