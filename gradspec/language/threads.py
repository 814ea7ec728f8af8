"""Step functions running at the same time in several threads, and the thread a backward runs on.

``run_in_threads(functions, args=None)`` starts one thread per step function, holds them all at
a barrier until every one has started, so that they really run at the same time, then waits for
all of them (:data:`THREADS_TIMEOUT` seconds in all) and returns their results in the order of
``functions``; the first error raised in a thread, in that order, is raised again in the caller.
Like ``run_in_thread()`` it needs no capability: threads are Python's, the library only has to
be thread-safe.  Every thread belongs to the example (``ExampleScope.adopt_thread``), so none
outlives it.

``current_thread_id()`` is the identifier of the thread running the step (Python's
``threading.get_ident()``), usable inside a hook to see which thread a backward calls it on.

``set_multithreading_enabled(mode)`` (a function or a ``with`` block) and
``is_multithreading_enabled()`` are the library's switch of multithreaded backward
(``torch.autograd.set_multithreading_enabled``), capability ``multithreading_switch``.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from gradspec.errors import StepError
from gradspec.language import steps
from gradspec.language.interpreter import RunContext
from gradspec.language.vocabulary import Function

#: The most step functions one ``run_in_threads()`` call runs at once.
MAX_THREADS = 8
#: Seconds ``run_in_threads`` waits for all its threads together (and for them to start).
THREADS_TIMEOUT = 60.0


def _arguments(args: Any, count: int) -> list[tuple[Any, ...]]:
    """One tuple of arguments per function: none for each when ``args`` is None."""
    if args is None:
        return [() for _ in range(count)]
    if not isinstance(args, (list, tuple)) or len(args) != count:
        raise StepError(f"run_in_threads(): args must be a list of {count} argument lists, one per function")
    if not all(isinstance(each, (list, tuple)) for each in args):
        raise StepError("run_in_threads(): each entry of args is the list of one function's arguments")
    return [tuple(each) for each in args]


@steps.functions.register()
def run_in_threads(ctx: RunContext, functions: Any, args: Any = None) -> list[Any]:
    """Call each of ``functions`` (with its entry of ``args``, a list of argument lists) in its
    own thread, all started together; their results in order.  The first error is raised here."""
    if not isinstance(functions, (list, tuple)) or not functions:
        raise StepError("run_in_threads() takes a non-empty list of functions")
    if len(functions) > MAX_THREADS:
        raise StepError(f"run_in_threads() runs at most {MAX_THREADS} functions at once, not {len(functions)}")
    for function in functions:
        if not isinstance(function, Function) and not callable(function):
            raise StepError(f"run_in_threads(): {function!r} is not callable")
    arguments = _arguments(args, len(functions))
    count = len(functions)
    barrier = threading.Barrier(count)
    outcomes: list[dict[str, Any]] = [{} for _ in range(count)]

    def target(index: int) -> None:
        try:
            barrier.wait(THREADS_TIMEOUT)
        except threading.BrokenBarrierError:
            outcomes[index]["error"] = StepError("run_in_threads(): the threads could not all start together")
            return
        try:
            outcomes[index]["value"] = steps.call_value(ctx, functions[index], arguments[index])
        except BaseException as error:  # re-raised in the calling thread
            outcomes[index]["error"] = error

    threads = []
    try:
        for index in range(count):
            # Daemon threads owned by the example, as run_in_thread()'s (see gradspec.state).
            thread = threading.Thread(target=target, args=(index,), name=f"gradspec-step-{index + 1}-of-{count}", daemon=True)
            thread.start()
            ctx.scope.adopt_thread(thread)
            threads.append(thread)
    except BaseException:
        barrier.abort()  # the threads already started stop waiting for the others
        raise
    deadline = time.monotonic() + THREADS_TIMEOUT
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()))
    late = [str(index + 1) for index, thread in enumerate(threads) if thread.is_alive()]
    if late:
        raise StepError(f"run_in_threads(): thread {', '.join(late)} of {count} did not finish within {THREADS_TIMEOUT:g} s")
    for outcome in outcomes:
        if "error" in outcome:
            raise outcome["error"]
    return [outcome.get("value") for outcome in outcomes]


@steps.functions.register()
def current_thread_id(ctx: RunContext) -> int:
    """The identifier of the thread running this step (``threading.get_ident()``); in a hook,
    the thread the library calls the hook on."""
    return threading.get_ident()


@steps.functions.register(capability="multithreading_switch", mutates=True)
def set_multithreading_enabled(ctx: RunContext, mode: bool) -> Any:
    """``set_multithreading_enabled(mode)``: multithreaded backward on or off in this thread, or
    inside a ``with`` block (``torch.autograd.set_multithreading_enabled``)."""
    if not isinstance(mode, bool):
        raise StepError(f"set_multithreading_enabled() takes True or False, not {mode!r}")
    return ctx.adapter.set_multithreading_enabled(mode)


@steps.functions.register(capability="multithreading_switch")
def is_multithreading_enabled(ctx: RunContext) -> bool:
    """Whether multithreaded backward is on in this thread (``torch.autograd.is_multithreading_enabled``)."""
    return bool(ctx.adapter.is_multithreading_enabled())
