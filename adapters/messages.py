"""Mapping a library's exceptions onto gradspec's canonical error kinds.

A pattern names a kind, the exception types the library raises it with, and a regular
expression for the library's own message text *from the start of the message*: a message is
never searched, so text it echoes (a tensor's repr, a name, a string a spec passed) cannot make
an error of another kind, or a foreign exception, look like a canonical one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TypeAlias

#: The exception types a pattern applies to: one type or a tuple of them, as ``isinstance`` takes.
ErrorTypes: TypeAlias = type[BaseException] | tuple[type[BaseException], ...]
#: A compiled pattern: ``(kind, exception types, regex)``.
ErrorPattern: TypeAlias = tuple[str, ErrorTypes, re.Pattern[str]]


def compile_patterns(entries: Iterable[tuple[str, ErrorTypes, str]]) -> tuple[ErrorPattern, ...]:
    """``(kind, exception types, regex)`` entries, the regex compiled case-insensitively; the
    first entry matching an error wins (see :func:`kind_by_message`)."""
    return tuple((kind, types, re.compile(pattern, re.IGNORECASE)) for kind, types, pattern in entries)


def message_match(error: BaseException, types: ErrorTypes, pattern: re.Pattern[str]) -> re.Match[str] | None:
    """The match of ``pattern`` at the start of the error's message, if the error is one of ``types``."""
    if not isinstance(error, types):
        return None
    return pattern.match(str(error))


def kind_by_message(error: BaseException, patterns: Iterable[ErrorPattern]) -> str | None:
    """The kind of the first pattern whose exception types include the error's and whose regex
    matches its message from the start, or ``None``."""
    message = str(error)
    return next((kind for kind, types, pattern in patterns if isinstance(error, types) and pattern.match(message)), None)
