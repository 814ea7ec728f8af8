"""Planted deviations of the adaptive optimizers (Adam, AdamW, RMSprop) and add_param_group:
each wraps the PyTorch adapter's optimizers and breaks one documented behaviour."""

from __future__ import annotations

from typing import Any

from gradspec.adapters.torch_adapter import TorchAdapter


class AdaptiveStepsNoneGradsAsZeros(TorchAdapter):
    """Adam, AdamW and RMSprop step parameters whose .grad is None as if it were zeros, so
    weight decay and the optimizer's state still move them."""

    deviation_kind = "missing"

    def adaptive_optimizer(self, name: str, params: list[Any], *, lr: float, **options: Any) -> Any:
        optimizer = super().adaptive_optimizer(name, params, lr=lr, **options)
        torch, step = self.torch, optimizer.step

        def stepping_every_parameter(*args: Any, **kwargs: Any) -> Any:
            for group in optimizer.param_groups:
                for p in group["params"]:
                    if p.grad is None:
                        p.grad = torch.zeros_like(p)
            return step(*args, **kwargs)

        optimizer.step = stepping_every_parameter
        return optimizer


class AdamWDecaysEveryParameter(TorchAdapter):
    """AdamW's decoupled weight decay shrinks every parameter it was given, those without a
    .grad too (the gradient step itself still skips them)."""

    deviation_kind = "leaking"

    def adaptive_optimizer(self, name: str, params: list[Any], *, lr: float, **options: Any) -> Any:
        optimizer = super().adaptive_optimizer(name, params, lr=lr, **options)
        if name != "adamw":
            return optimizer
        torch, step = self.torch, optimizer.step

        def decaying_every_parameter(*args: Any, **kwargs: Any) -> Any:
            with torch.no_grad():
                for group in optimizer.param_groups:
                    for p in group["params"]:
                        if p.grad is None:
                            p.mul_(1 - group["lr"] * group["weight_decay"])
            return step(*args, **kwargs)

        optimizer.step = decaying_every_parameter
        return optimizer


class AddParamGroupIgnored(TorchAdapter):
    """add_param_group() does nothing: the parameters added never take a step."""

    deviation_kind = "missing"

    def add_param_group(self, optimizer: Any, params: list[Any], **options: Any) -> None:
        return None


class AddParamGroupTakesDefaults(TorchAdapter):
    """add_param_group() adds the parameters with the optimizer's defaults, ignoring the
    group's own hyper-parameters (its lr)."""

    deviation_kind = "partial"

    def add_param_group(self, optimizer: Any, params: list[Any], **options: Any) -> None:
        super().add_param_group(optimizer, params)


CAUGHT_BY = {
    AdaptiveStepsNoneGradsAsZeros: {
        "freezing.optimizer.adaptive_skip_none_grads",
        "freezing.optimizer.adaptive_skip_none_grads_after_zero_grad",
    },
    AdamWDecaysEveryParameter: {
        "freezing.optimizer.adaptive_skip_none_grads",
        "freezing.optimizer.adaptive_skip_none_grads_after_zero_grad",
    },
    AddParamGroupIgnored: {"freezing.optimizer.add_param_group_unfrozen"},
    AddParamGroupTakesDefaults: {"freezing.optimizer.add_param_group_unfrozen"},
}
