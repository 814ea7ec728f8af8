"""Planted deviations for the specs of concurrent autograd (specs/grad/concurrent_*) and of the
multithreaded-backward switch (specs/grad_mode/multithreading_*).

The two data races are planted the way they happen in a real library: a value one thread writes
into a slot the adapter shares between threads, without a lock, and reads back a moment later
(:data:`PAUSE` seconds, long enough for the other threads, started together by
``run_in_threads()``, to write the slot in between).  They only act off the main thread, so a
spec run in one thread sees PyTorch's behaviour.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from gradspec.adapters.torch_adapter import TorchAdapter

#: Seconds a racy deviation waits between writing its shared slot and reading it back.
PAUSE = 0.05


def _off_main_thread() -> bool:
    return threading.current_thread() is not threading.main_thread()


def _leaves(tensor: Any) -> list[Any]:
    """The leaves requiring grad that a backward from ``tensor`` accumulates into."""
    if tensor.grad_fn is None:
        return [tensor] if tensor.requires_grad else []
    leaves, seen, pending = [], set(), [tensor.grad_fn]
    while pending:
        node = pending.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        variable = getattr(node, "variable", None)  # an AccumulateGrad node
        if variable is not None:
            leaves.append(variable)
        pending.extend(next_node for next_node, _ in node.next_functions)
    return leaves


class BackwardGradientsThroughSharedBuffer(TorchAdapter):
    """backward() passes each leaf's gradient through one buffer the adapter shares between
    threads, without a lock, before accumulating it: a thread can accumulate another thread's
    gradient."""

    deviation_kind = "leaking"
    _buffer: Any = None

    def backward(self, tensor: Any, **options: Any) -> None:
        if not _off_main_thread():
            return super().backward(tensor, **options)
        handles = [leaf.register_hook(self._through_buffer) for leaf in _leaves(tensor)]
        try:
            super().backward(tensor, **options)
        finally:
            for handle in handles:
                handle.remove()

    def _through_buffer(self, grad: Any) -> Any:
        self._buffer = grad
        time.sleep(PAUSE)
        return self._buffer


class AutogradGradSharedResult(TorchAdapter):
    """autograd_grad() keeps its result in one slot the adapter shares between threads, without
    a lock, and returns what the slot holds: a thread can get another thread's gradients."""

    deviation_kind = "leaking"
    _result: Any = None

    def autograd_grad(self, outputs: Any, inputs: Any, **options: Any) -> tuple[Any, ...]:
        result = super().autograd_grad(outputs, inputs, **options)
        if not _off_main_thread():
            return result
        self._result = result
        time.sleep(PAUSE)
        return self._result


class MultithreadingOffBackwardElsewhere(TorchAdapter):
    """With multithreading switched off, backward() runs on a worker thread of its own (joined)
    instead of the calling thread."""

    deviation_kind = "inverted"

    def backward(self, tensor: Any, **options: Any) -> None:
        if self.torch.autograd.is_multithreading_enabled():
            return super().backward(tensor, **options)
        failure: list[BaseException] = []

        def work() -> None:
            try:
                super(MultithreadingOffBackwardElsewhere, self).backward(tensor, **options)
            except BaseException as error:
                failure.append(error)

        worker = threading.Thread(target=work, name="planted-backward-worker", daemon=True)
        worker.start()
        worker.join()
        if failure:
            raise failure[0]


class _GlobalSwitch:
    """Sets the adapter-wide switch at once; restores the previous setting on exit."""

    def __init__(self, adapter: MultithreadingSwitchGlobal, mode: bool) -> None:
        self.adapter, self.previous = adapter, adapter.enabled
        adapter.enabled = mode
        self.inner = TorchAdapter.set_multithreading_enabled(adapter, mode)

    def __enter__(self) -> None:
        self.inner.__enter__()

    def __exit__(self, *exc: Any) -> None:
        self.adapter.enabled = self.previous
        self.inner.__exit__(*exc)


class MultithreadingSwitchGlobal(TorchAdapter):
    """set_multithreading_enabled() is one switch for the whole process, not per thread."""

    deviation_kind = "leaking"
    #: The one switch, shared by every thread (an instance attribute once set).
    enabled = True

    def set_multithreading_enabled(self, mode: bool) -> Any:
        return _GlobalSwitch(self, mode)

    def is_multithreading_enabled(self) -> bool:
        return self.enabled


CAUGHT_BY = {
    BackwardGradientsThroughSharedBuffer: {"grad.concurrent.backward_independent_graphs"},
    AutogradGradSharedResult: {"grad.concurrent.autograd_grad_shared_graph"},
    MultithreadingOffBackwardElsewhere: {"grad_mode.multithreading.disabled_backward_on_calling_thread"},
    MultithreadingSwitchGlobal: {"grad_mode.multithreading.thread_local"},
}
