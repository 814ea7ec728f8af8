"""Raising as the library does.

A planted deviation stands in for a library's behaviour, so an exception it plants must look
raised by the library: gradspec takes an exception raised by the adapter's own code for the
adapter's fault (an ``error``), and one raised outside it for the library's (a verdict).
"""

from __future__ import annotations

from typing import NoReturn


def raise_from_library(error: BaseException) -> NoReturn:
    """Raise ``error`` from here, outside every adapter class's module, as the library would."""
    error.__suppress_context__ = True
    raise error
