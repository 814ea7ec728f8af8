"""Planted deviations for the custom Function specs (specs/function/): each adapter wraps
``torch.autograd.Function`` as the PyTorch adapter builds it and breaks one documented behaviour."""
from __future__ import annotations

from typing import Any

from gradspec.adapters.torch_adapter import TorchAdapter


def _is_tensor(value: Any) -> bool:
    return type(value).__name__ in ("Tensor", "Parameter")


def _each(result: Any, change: Any) -> Any:
    """``change`` applied to each tensor of a step function's result (one value or a tuple)."""
    if isinstance(result, tuple):
        return tuple(change(value) if _is_tensor(value) else value for value in result)
    return change(result) if _is_tensor(result) else result


class BackwardResultDoubled(TorchAdapter):
    """The gradients a Function passes on are twice what its backward returns."""

    deviation_kind = "numeric"

    def custom_function(self, forward: Any, backward: Any, **options: Any) -> Any:
        return super().custom_function(forward, lambda ctx, *grads: _each(backward(ctx, *grads), lambda g: g * 2), **options)


class ForwardRecorded(TorchAdapter):
    """forward runs with gradient recording on, so its operations are recorded."""

    deviation_kind = "leaking"

    def custom_function(self, forward: Any, backward: Any, **options: Any) -> Any:
        torch = self.torch

        def recorded(*args: Any) -> Any:
            with torch.enable_grad():
                return forward(*args)

        return super().custom_function(recorded, backward, **options)


class NestedInputsTracked(TorchAdapter):
    """A Function's output requires grad when a tensor nested in a list argument does."""

    deviation_kind = "leaking"

    def custom_function(self, forward: Any, backward: Any, **options: Any) -> Any:
        apply = super().custom_function(forward, backward, **options)

        def tracked(*args: Any) -> Any:
            out = apply(*args)
            nested = [v for arg in args if isinstance(arg, list) for v in arg if _is_tensor(v) and v.requires_grad]
            if nested and _is_tensor(out) and not out.requires_grad and out.is_floating_point():
                out.requires_grad_()
            return out

        return tracked


class BackwardNonesDropped(TorchAdapter):
    """The Nones in backward's result are dropped, so the gradients that follow move up a place."""

    deviation_kind = "partial"

    def custom_function(self, forward: Any, backward: Any, **options: Any) -> Any:
        def without_nones(ctx: Any, *grads: Any) -> Any:
            result = backward(ctx, *grads)
            return tuple(value for value in result if value is not None) if isinstance(result, tuple) else result

        return super().custom_function(forward, without_nones, **options)


class NeedsInputGradAlwaysTrue(TorchAdapter):
    """ctx.needs_input_grad says True for every input."""

    deviation_kind = "inverted"

    def function_context(self, function_ctx: Any, name: str, *args: Any) -> Any:
        value = super().function_context(function_ctx, name, *args)
        return tuple(True for _ in value) if name == "needs_input_grad" else value


class SavedTensorsCopied(TorchAdapter):
    """save_for_backward keeps copies, so a later in-place change goes unnoticed."""

    deviation_kind = "missing"

    def function_context(self, function_ctx: Any, name: str, *args: Any) -> Any:
        if name == "save_for_backward":
            args = tuple(arg.clone() if _is_tensor(arg) else arg for arg in args)
        return super().function_context(function_ctx, name, *args)


class SavedTensorsReversed(TorchAdapter):
    """ctx.saved_tensors gives the saved tensors in reverse order."""

    deviation_kind = "inverted"

    def function_context(self, function_ctx: Any, name: str, *args: Any) -> Any:
        value = super().function_context(function_ctx, name, *args)
        return tuple(reversed(value)) if name == "saved_tensors" else value


class ForwardGetsCopies(TorchAdapter):
    """forward gets copies of its tensor inputs, and mark_dirty() does nothing."""

    deviation_kind = "missing"

    def custom_function(self, forward: Any, backward: Any, **options: Any) -> Any:
        def on_copies(*args: Any) -> Any:
            return forward(*(arg.clone() if _is_tensor(arg) else arg for arg in args))

        return super().custom_function(on_copies, backward, **options)

    def function_context(self, function_ctx: Any, name: str, *args: Any) -> Any:
        return None if name == "mark_dirty" else super().function_context(function_ctx, name, *args)


class NonDifferentiableMarkIgnored(TorchAdapter):
    """mark_non_differentiable() does nothing."""

    deviation_kind = "missing"

    def function_context(self, function_ctx: Any, name: str, *args: Any) -> Any:
        return None if name == "mark_non_differentiable" else super().function_context(function_ctx, name, *args)


class IntegerOutputsCast(TorchAdapter):
    """A Function's integer outputs are cast to the floating dtype, and tracked."""

    deviation_kind = "leaking"

    def custom_function(self, forward: Any, backward: Any, **options: Any) -> Any:
        torch = self.torch

        def floating(*args: Any) -> Any:
            return _each(forward(*args), lambda t: t if t.is_floating_point() else t.to(torch.float64))

        return super().custom_function(floating, backward, **options)


class GradsNeverMaterialized(TorchAdapter):
    """backward gets None for outputs without a gradient, whatever set_materialize_grads() says."""

    deviation_kind = "inverted"

    def custom_function(self, forward: Any, backward: Any, **options: Any) -> Any:
        def unmaterialized(ctx: Any, *args: Any) -> Any:
            ctx.set_materialize_grads(False)
            return forward(ctx, *args)

        if "setup_context" in options:
            return super().custom_function(forward, backward, **options)
        return super().custom_function(unmaterialized, backward, **options)

    def function_context(self, function_ctx: Any, name: str, *args: Any) -> Any:
        return None if name == "set_materialize_grads" else super().function_context(function_ctx, name, *args)


class OnceDifferentiableIgnored(TorchAdapter):
    """once_differentiable=True is accepted and ignored: the gradient can be differentiated again."""

    deviation_kind = "missing"

    def custom_function(self, forward: Any, backward: Any, **options: Any) -> Any:
        options.pop("once_differentiable", None)
        return super().custom_function(forward, backward, **options)


class BackwardNotRecorded(TorchAdapter):
    """backward always runs without recording, as if once_differentiable: no second derivative."""

    deviation_kind = "missing"

    def custom_function(self, forward: Any, backward: Any, **options: Any) -> Any:
        torch = self.torch

        def unrecorded(ctx: Any, *grads: Any) -> Any:
            with torch.no_grad():
                return backward(ctx, *grads)

        return super().custom_function(forward, unrecorded, **options)


class SetupContextGetsInputsReversed(TorchAdapter):
    """setup_context() gets forward's inputs in reverse order."""

    deviation_kind = "inverted"

    def custom_function(self, forward: Any, backward: Any, **options: Any) -> Any:
        setup = options.get("setup_context")
        if setup is not None:
            options["setup_context"] = lambda ctx, inputs, output: setup(ctx, tuple(reversed(inputs)), output)
        return super().custom_function(forward, backward, **options)


class JvpTangentDoubled(TorchAdapter):
    """A Function's output tangents are twice what its jvp returns."""

    deviation_kind = "numeric"

    def custom_function(self, forward: Any, backward: Any, **options: Any) -> Any:
        jvp = options.get("jvp")
        if jvp is not None:
            options["jvp"] = lambda ctx, *tangents: _each(jvp(ctx, *tangents), lambda t: t * 2)
        return super().custom_function(forward, backward, **options)


CAUGHT_BY = {
    BackwardResultDoubled: {
        "function.apply.gradients_from_backward",
        "function.backward.none_for_non_tensors_and_extra",
        "function.context.saved_tensors_round_trip",
        "function.once_differentiable.first_order_works",
        "function.backward.higher_order",
        "function.context.mark_non_differentiable",
        "function.context.mark_dirty_returns_input",
    },
    ForwardRecorded: {"function.forward.not_recorded"},
    NestedInputsTracked: {"function.apply.nested_inputs_untracked"},
    BackwardNonesDropped: {"function.backward.none_for_non_tensors_and_extra"},
    NeedsInputGradAlwaysTrue: {"function.context.needs_input_grad"},
    SavedTensorsCopied: {"function.context.saved_tensor_modified_raises"},
    SavedTensorsReversed: {"function.context.saved_tensors_round_trip"},
    ForwardGetsCopies: {"function.context.mark_dirty", "function.context.mark_dirty_returns_input"},
    NonDifferentiableMarkIgnored: {"function.context.mark_non_differentiable"},
    IntegerOutputsCast: {"function.apply.integer_outputs_untracked"},
    GradsNeverMaterialized: {"function.context.set_materialize_grads"},
    OnceDifferentiableIgnored: {"function.once_differentiable.double_backward_raises"},
    BackwardNotRecorded: {"function.backward.higher_order"},
    SetupContextGetsInputsReversed: {"function.setup_context.same_as_combined"},
    JvpTangentDoubled: {"function.jvp.forward_mode"},
}
