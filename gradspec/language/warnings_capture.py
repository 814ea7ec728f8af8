"""The warnings a call raises, in the step language.

``warnings_of(f, *args)`` calls the step function ``f`` and returns the names of the
categories of the Python warnings raised meanwhile (``['UserWarning']``), in order, every
occurrence counted: Python's ``warnings.catch_warnings(record=True)`` with the ``"always"``
filter, so a warning already shown once (or filtered out by the run's own settings) is still
seen.  What ``f`` returns is dropped; an error it raises propagates.

``warnings.catch_warnings`` swaps the process-wide warnings state, so it is not thread-safe:
warnings raised meanwhile by another thread are recorded too, and a ``warnings_of`` running in
another thread at the same time would see the wrong state.  Specs call it from the run's own
thread and start no thread inside ``f``.
"""

from __future__ import annotations

import warnings
from typing import Any

from gradspec.language.interpreter import RunContext
from gradspec.language.steps import call_value, functions


@functions.register(capability="python_warnings")
def warnings_of(ctx: RunContext, function: Any, *args: Any) -> list[str]:
    """Call ``function``; the category names of the Python warnings it raised, in order (``['UserWarning']``)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call_value(ctx, function, args)
    return [warning.category.__name__ for warning in caught]
