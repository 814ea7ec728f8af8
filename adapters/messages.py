"""Mapping a library's exception messages onto gradspec's canonical error kinds."""

from __future__ import annotations

import re
from collections.abc import Iterable


def compile_patterns(pairs: Iterable[tuple[str, str]]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """``(kind, regex)`` pairs, compiled case-insensitively; the first match wins."""
    return tuple((kind, re.compile(pattern, re.IGNORECASE)) for kind, pattern in pairs)


def kind_by_message(error: BaseException, patterns: Iterable[tuple[str, re.Pattern[str]]]) -> str | None:
    """The kind of the first pattern found in the error's message, or ``None``."""
    message = str(error)
    return next((kind for kind, pattern in patterns if pattern.search(message)), None)
