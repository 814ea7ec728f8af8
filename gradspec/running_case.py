"""The case a suite test function is running, and the strategy that draws its inputs.

The suite's test functions (``suites/test_specs.py``) are shared by every case, so their
``@given`` strategy cannot name a spec: :func:`case_inputs` draws the inputs of whichever case
the gradspec plugin runs (:func:`running`).  Drawing through ``@given`` itself, rather than
``st.data()`` in the test body, spares each example Hypothesis's per-draw bookkeeping (two
copies of the global random state, a span and a note for the draw).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from hypothesis import strategies as st

if TYPE_CHECKING:
    from gradspec.runner import Case

_running: ContextVar[Case | None] = ContextVar("gradspec_running_case", default=None)


@contextlib.contextmanager
def running(case: Case) -> Iterator[None]:
    """Make ``case`` the one whose inputs :func:`case_inputs` draws, within the block."""
    token = _running.set(case)
    try:
        yield
    finally:
        _running.reset(token)


@st.composite
def _inputs_of_running_case(draw: st.DrawFn) -> dict[str, Any]:
    case = _running.get()
    if case is None:
        raise RuntimeError(
            "no gradspec case is running: the suite's test functions run through the gradspec pytest plugin, "
            "which gives each its case"
        )
    drawn: dict[str, Any] = draw(case.spec.strategy)
    return drawn


def case_inputs() -> st.SearchStrategy[dict[str, Any]]:
    """``@given``'s strategy for a suite test function: the inputs of the running case."""
    return _inputs_of_running_case()
