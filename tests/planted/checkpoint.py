"""Planted deviations for the checkpointing specs (specs/checkpoint/): each adapter wraps
``torch.utils.checkpoint`` and breaks one documented behaviour of it."""
from __future__ import annotations

from typing import Any

from gradspec.adapters.torch_adapter import TorchAdapter


class CheckpointKeepsActivations(TorchAdapter):
    """checkpoint() just calls the function: nothing is recomputed during backward."""

    deviation_kind = "missing"

    def checkpoint(self, function: Any, args: list[Any], **options: Any) -> Any:
        return function(*args)


class RecomputationDrawsNewRandomness(TorchAdapter):
    """checkpoint() does not replay the random state, as with preserve_rng_state=False."""

    deviation_kind = "missing"

    def checkpoint(self, function: Any, args: list[Any], **options: Any) -> Any:
        return super().checkpoint(function, args, **{**options, "preserve_rng_state": False})


class ReentrantIsNonReentrant(TorchAdapter):
    """use_reentrant=True is accepted and runs the non-reentrant variant."""

    deviation_kind = "inverted"

    def checkpoint(self, function: Any, args: list[Any], **options: Any) -> Any:
        return super().checkpoint(function, args, **{**options, "use_reentrant": False})


class CheckpointGradientScaled(TorchAdapter):
    """The gradient through a checkpoint is scaled by 1.5 (a recomputation that accumulates)."""

    deviation_kind = "numeric"

    def checkpoint(self, function: Any, args: list[Any], **options: Any) -> Any:
        out = super().checkpoint(function, args, **options)
        if out.requires_grad:
            out.register_hook(lambda grad: grad * 1.5)
        return out


class SequentialSkipsLastSegment(TorchAdapter):
    """checkpoint_sequential() leaves out the model's last module."""

    deviation_kind = "partial"

    def checkpoint_sequential(self, model: Any, segments: int, input: Any, **options: Any) -> Any:
        return super().checkpoint_sequential(model[:-1], min(segments, len(model) - 1), input, **options)


CAUGHT_BY = {
    CheckpointKeepsActivations: {"checkpoint.non_reentrant.recomputes_during_backward"},
    RecomputationDrawsNewRandomness: {"checkpoint.non_reentrant.preserves_rng_state"},
    ReentrantIsNonReentrant: {"checkpoint.reentrant.refuses_autograd_grad", "checkpoint.reentrant.no_input_requires_grad"},
    CheckpointGradientScaled: {
        "checkpoint.non_reentrant.same_output_and_gradients",
        "checkpoint.non_reentrant.autograd_grad",
    },
    SequentialSkipsLastSegment: {"checkpoint.sequential.same_output_and_gradients"},
}
