"""Planted deviations for custom_function()'s vjp and class flags (specs/function/): each adapter
builds ``torch.autograd.Function`` as the PyTorch adapter does and breaks one documented behaviour."""

from __future__ import annotations

from typing import Any

from gradspec.adapters.torch_adapter import TorchAdapter


class VjpIgnoredBesideBackward(TorchAdapter):
    """A Function given both backward and vjp keeps backward and drops vjp, so backward runs."""

    deviation_kind = "missing"

    def custom_function(self, forward: Any, backward: Any, **options: Any) -> Any:
        if backward is not None:
            options.pop("vjp", None)
        return super().custom_function(forward, backward, **options)


class SavedTensorsKeptOnAccess(TorchAdapter):
    """clear_saved_tensors_on_access=True is ignored: ctx.saved_tensors can be read again."""

    deviation_kind = "missing"

    def custom_function(self, forward: Any, backward: Any, **options: Any) -> Any:
        options.pop("clear_saved_tensors_on_access", None)
        return super().custom_function(forward, backward, **options)


class BoxedGradsAsTuple(TorchAdapter):
    """With boxed_grads_call=True backward receives the grads as one tuple, not a mutable list."""

    deviation_kind = "partial"

    def custom_function(self, forward: Any, backward: Any, **options: Any) -> Any:
        if options.get("boxed_grads_call") and backward is not None:
            boxed = backward
            backward = lambda ctx, grads: boxed(ctx, tuple(grads))  # noqa: E731
        return super().custom_function(forward, backward, **options)


CAUGHT_BY = {
    VjpIgnoredBesideBackward: {"function.vjp.backward_and_vjp_raises"},
    SavedTensorsKeptOnAccess: {"function.context.clear_saved_tensors_on_access"},
    BoxedGradsAsTuple: {"function.boxed_grads_call.grads_as_one_list"},
}
