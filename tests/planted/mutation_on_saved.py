"""Planted deviations for allow_mutation_on_saved_tensors() (specs/saved_tensors/): each adapter
wraps ``torch.autograd.graph.allow_mutation_on_saved_tensors`` and breaks one documented behaviour."""

from __future__ import annotations

import contextlib
from typing import Any

from gradspec.adapters.torch_adapter import TorchAdapter


class MutationContextDoesNothing(TorchAdapter):
    """allow_mutation_on_saved_tensors() is an empty context: a mutated saved tensor still makes backward raise."""

    deviation_kind = "missing"

    def allow_mutation_on_saved_tensors(self) -> Any:
        return contextlib.nullcontext()


class MutationContextsNest(TorchAdapter):
    """allow_mutation_on_saved_tensors() entered inside another is accepted (the inner one does nothing)."""

    deviation_kind = "leaking"

    def reset(self) -> None:
        super().reset()
        self._mutation_depth = 0

    def allow_mutation_on_saved_tensors(self) -> Any:
        @contextlib.contextmanager
        def counted() -> Any:
            depth = getattr(self, "_mutation_depth", 0)
            self._mutation_depth = depth + 1
            try:
                if depth:
                    yield None
                else:
                    with super(MutationContextsNest, self).allow_mutation_on_saved_tensors() as value:
                        yield value
            finally:
                self._mutation_depth = depth

        return counted()


CAUGHT_BY = {
    MutationContextDoesNothing: {"saved_tensors.allow_mutation.backward_uses_pre_mutation_value"},
    MutationContextsNest: {"saved_tensors.allow_mutation.nesting_raises"},
}
