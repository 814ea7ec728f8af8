"""run_in_threads(), current_thread_id() and the multithreaded-backward switch
(set_multithreading_enabled, is_multithreading_enabled): what they do on PyTorch, what the run
refuses, the capability they need and the message of a library that lacks it."""

from __future__ import annotations

import ast
import threading
from typing import Any

import pytest

from gradspec.adapters.base import AdapterBase
from gradspec.errors import AdapterError, StepError
from gradspec.language import threads
from gradspec.language.interpreter import RunContext
from gradspec.language.requirements import uses
from gradspec.language.steps import STEP_VOCABULARY
from tests.conftest import checker_refusal
from tests.conftest import run_steps as run


class _Bare(AdapterBase):
    """A library with tensors and no switch for multithreaded backward."""

    name = "bare"
    library = "barelib"
    lacks = {"multithreading_switch": "barelib's backward has no threads"}


def _capabilities(text: str) -> set[str]:
    return {use.capability for use in uses(ast.parse(text).body, STEP_VOCABULARY) if use.capability is not None}


def _context() -> RunContext:
    return RunContext(_Bare(), "cpu")


def test_a_library_without_the_switch_says_so_with_its_reason() -> None:
    adapter = _Bare()
    reason = ": barelib's backward has no threads$"
    with pytest.raises(AdapterError, match=r"^barelib has no set_multithreading_enabled\(\)" + reason):
        adapter.set_multithreading_enabled(False)
    with pytest.raises(AdapterError, match=r"^barelib has no is_multithreading_enabled\(\)" + reason):
        adapter.is_multithreading_enabled()


def test_only_the_switch_needs_a_capability() -> None:
    assert _capabilities("f = run_in_threads([g, g])\ni = current_thread_id()") == set()
    assert _capabilities("set_multithreading_enabled(False)") == {"multithreading_switch"}
    assert _capabilities("m = is_multithreading_enabled()") == {"multithreading_switch"}
    assert STEP_VOCABULARY.functions["set_multithreading_enabled"].mutates


def test_the_checker_refuses_a_call_without_functions() -> None:
    assert "run_in_threads()" in str(checker_refusal("y = run_in_threads()"))


def test_the_threads_run_at_the_same_time_and_return_their_results_in_order() -> None:
    barrier = threading.Barrier(3, timeout=10)  # only passes if all three run at once

    def meet(value: int) -> list[Any]:
        barrier.wait()
        return [value, threading.get_ident()]

    ctx = _context()
    results = threads.run_in_threads(ctx, [meet, meet, meet], [[1], [2], [3]])
    assert [value for value, _ in results] == [1, 2, 3]
    assert len({ident for _, ident in results}) == 3 and threading.get_ident() not in {ident for _, ident in results}
    assert len(ctx.scope.threads) == 3 and ctx.scope.close() == []  # owned by the example, all ended


@pytest.mark.torch
def test_steps_run_in_threads_with_their_arguments() -> None:
    found = run(
        """
def twice(a):
    return [a * 2, current_thread_id()]
def none():
    return current_thread_id()
out = run_in_threads([twice, twice], [[1], [5]])
idents = run_in_threads([none, none, none])
here = current_thread_id()
"""
    )
    assert [value for value, _ in found["out"]] == [2, 10]
    assert found["here"] not in found["idents"] and len(set(found["idents"])) == 3


def test_the_first_error_in_order_is_raised_in_the_caller_after_all_threads_end() -> None:
    finished: list[str] = []

    def fails(message: str) -> None:
        raise ValueError(message)

    def works(message: str) -> str:
        finished.append(message)
        return message

    ctx = _context()
    with pytest.raises(ValueError, match=r"^second$"):
        threads.run_in_threads(ctx, [works, fails, fails], [["first"], ["second"], ["third"]])
    assert finished == ["first"] and not any(thread.is_alive() for thread in ctx.scope.threads)


@pytest.mark.torch
def test_a_library_error_in_a_step_thread_reaches_the_caller() -> None:
    with pytest.raises(RuntimeError, match="must match the size"):
        run("def bad():\n    return ones((2,)) + ones((3,))\ndef good():\n    return 1\nr = run_in_threads([good, bad])")


def test_a_thread_that_does_not_finish_in_time_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(threads, "THREADS_TIMEOUT", 0.2)
    release = threading.Event()
    ctx = _context()
    try:
        with pytest.raises(StepError, match=r"^run_in_threads\(\): thread 2 of 2 did not finish within 0.2 s$"):
            threads.run_in_threads(ctx, [lambda: 1, lambda: release.wait(30)])
    finally:
        release.set()
        assert ctx.scope.close() == []


@pytest.mark.parametrize(
    ("functions", "args", "message"),
    [
        ([], None, r"run_in_threads\(\) takes a non-empty list of functions"),
        (len, None, r"run_in_threads\(\) takes a non-empty list of functions"),
        ([len] * (threads.MAX_THREADS + 1), None, rf"runs at most {threads.MAX_THREADS} functions at once, not 9"),
        ([len, 3], None, r"run_in_threads\(\): 3 is not callable"),
        ([len, len], [[1]], r"args must be a list of 2 argument lists, one per function"),
        ([len, len], [[1], 2], r"each entry of args is the list of one function's arguments"),
    ],
)
def test_refusals(functions: Any, args: Any, message: str) -> None:
    ctx = _context()
    with pytest.raises(StepError, match=message):
        threads.run_in_threads(ctx, functions, args)
    assert ctx.scope.threads == []  # refused before any thread started


@pytest.mark.torch
def test_the_switch_is_thread_local_and_a_block_restores_it() -> None:
    found = run(
        """
default = is_multithreading_enabled()
with set_multithreading_enabled(False):
    inside = is_multithreading_enabled()
    child = run_in_thread(is_multithreading_enabled)
    children = run_in_threads([is_multithreading_enabled, is_multithreading_enabled])
after = is_multithreading_enabled()
"""
    )
    assert found["default"] is True and found["inside"] is False and found["after"] is True
    assert found["child"] is True and found["children"] == [True, True]


@pytest.mark.torch
def test_a_hook_sees_the_thread_the_backward_runs_on() -> None:
    found = run(
        """
seen = [None]
def record(g):
    seen[0] = current_thread_id()
x = tensor([1.0, 2.0], requires_grad=True)
y = x * 3
y.register_hook(record)
with set_multithreading_enabled(False):
    sum(y).backward()
here = current_thread_id()
"""
    )
    assert found["seen"][0] == found["here"]


def test_the_switch_takes_a_boolean() -> None:
    with pytest.raises(StepError, match=r"set_multithreading_enabled\(\) takes True or False, not 0"):
        threads.set_multithreading_enabled(_context(), 0)
