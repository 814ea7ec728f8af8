"""Planted deviations of the values a custom Function keeps on its ctx (specs/function/):
attributes stored directly on ctx, and tensors saved with save_for_backward in double backward."""

from __future__ import annotations

from typing import Any

from gradspec.adapters.torch_adapter import TorchAdapter


class ContextAttributesLost(TorchAdapter):
    """Attributes stored on a Function's ctx are dropped: backward reads None."""

    deviation_kind = "missing"

    def set_context_attribute(self, function_ctx: Any, name: str, value: Any) -> None:
        return None

    def context_attribute(self, function_ctx: Any, name: str) -> Any:
        return None


class ContextNumbersBecomeTensors(TorchAdapter):
    """Numbers and bools stored on a Function's ctx come back as 0-dim tensors."""

    deviation_kind = "partial"

    def set_context_attribute(self, function_ctx: Any, name: str, value: Any) -> None:
        if isinstance(value, (bool, int, float)):
            value = self.torch.tensor(value)
        super().set_context_attribute(function_ctx, name, value)


class ContextTensorsKeepHistory(TorchAdapter):
    """Tensors a Function's forward computes keep the history of their computation (forward
    records its operations and detaches its outputs), so a tensor stored directly on ctx is
    differentiated in double backward as if it had been made an output and saved."""

    deviation_kind = "leaking"

    def custom_function(self, forward: Any, backward: Any, **options: Any) -> Any:
        torch = self.torch

        def recording(*args: Any) -> Any:
            with torch.enable_grad():
                result = forward(*args)
            if isinstance(result, tuple):
                return tuple(r.detach() if isinstance(r, torch.Tensor) else r for r in result)
            return result.detach() if isinstance(result, torch.Tensor) else result

        return super().custom_function(recording, backward, **options)


class SavedTensorsDetached(TorchAdapter):
    """ctx.saved_tensors gives the saved tensors back detached, so in double backward they get
    no gradient either."""

    deviation_kind = "missing"

    def function_context(self, function_ctx: Any, name: str, *args: Any) -> Any:
        result = super().function_context(function_ctx, name, *args)
        if name == "saved_tensors":
            return tuple(t.detach() if isinstance(t, self.torch.Tensor) else t for t in result)
        return result


CAUGHT_BY = {
    ContextAttributesLost: {"function.context.attributes_round_trip", "function.context.ctx_tensor_double_backward"},
    ContextNumbersBecomeTensors: {"function.context.attributes_round_trip"},
    ContextTensorsKeepHistory: {"function.context.ctx_tensor_double_backward"},
    SavedTensorsDetached: {"function.context.ctx_tensor_double_backward", "function.backward.higher_order"},
}
