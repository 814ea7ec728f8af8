"""Planted deviations in the documented numerics of gradients and results: NaN and inf gradients,
type promotion, clone's strides and which parameters an optimizer updates."""
from __future__ import annotations

from typing import Any

import torch

from gradspec.adapters.torch_adapter import TorchAdapter


class NanGradientsZeroed(TorchAdapter):
    """backward() replaces NaNs in the gradient it is given with zeros."""

    deviation_kind = "inverted"

    def backward(self, tensor: Any, *, gradient: Any, retain_graph: bool | None, inputs: Any = None,
                 create_graph: bool = False) -> None:
        if gradient is not None:
            gradient = torch.nan_to_num(gradient, nan=0.0)
        super().backward(tensor, gradient=gradient, retain_graph=retain_graph, inputs=inputs, create_graph=create_graph)


class _GuardedDiv(torch.autograd.Function):
    """a / b whose backward gives 0 where b is 0, as a library guarding 0 / 0 would."""

    @staticmethod
    def forward(ctx: Any, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        ctx.save_for_backward(a, b)
        return a / b

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        a, b = ctx.saved_tensors
        zero = b == 0
        safe = torch.where(zero, torch.ones_like(b), b)
        return torch.where(zero, 0.0, grad / safe), torch.where(zero, 0.0, -grad * a / (safe * safe))


class DivisionByZeroGradientsGuarded(TorchAdapter):
    """The gradient of a / b is 0 where b is 0 (instead of NaN or inf)."""

    deviation_kind = "inverted"

    def binary(self, name: str, a: Any, b: Any) -> Any:
        if name == "div" and isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor) and a.shape == b.shape:
            return _GuardedDiv.apply(a, b)
        return super().binary(name, a, b)


class _SubgradientPow(torch.autograd.Function):
    """x ** p whose backward gives 0 where the derivative is infinite."""

    @staticmethod
    def forward(ctx: Any, x: torch.Tensor, p: float) -> torch.Tensor:
        ctx.save_for_backward(x)
        ctx.p = p
        return x**p

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> tuple[torch.Tensor, None]:
        (x,) = ctx.saved_tensors
        return torch.nan_to_num(grad * ctx.p * x ** (ctx.p - 1), posinf=0.0, neginf=0.0), None


class PowerAtZeroSubgradient(TorchAdapter):
    """x ** p for 0 < p < 1 has gradient 0 at x = 0 (a subgradient) instead of the limit, inf."""

    deviation_kind = "inverted"

    def binary(self, name: str, a: Any, b: Any) -> Any:
        if name == "pow" and isinstance(a, torch.Tensor) and isinstance(b, float) and 0 < b < 1:
            return _SubgradientPow.apply(a, b)
        return super().binary(name, a, b)


def _dimensioned(value: Any) -> Any:
    """A Python scalar or a 0-d tensor as a one-element tensor of its own full dtype."""
    if isinstance(value, bool):
        return torch.tensor([value])
    if isinstance(value, int):
        return torch.tensor([value], dtype=torch.int64)
    if isinstance(value, float):
        return torch.tensor([value], dtype=torch.float64)
    if isinstance(value, torch.Tensor) and value.dim() == 0:
        return value.reshape(1)
    return value


class ScalarsPromoteByTheirDtype(TorchAdapter):
    """A Python scalar takes part in promotion as a tensor of its full dtype (int64, float64)."""

    deviation_kind = "inverted"

    def binary(self, name: str, a: Any, b: Any) -> Any:
        if isinstance(a, torch.Tensor) or isinstance(b, torch.Tensor):
            a, b = (_dimensioned(v) if isinstance(v, (bool, int, float)) else v for v in (a, b))
        return super().binary(name, a, b)


class ZeroDimTensorsPromoteAsDimensioned(TorchAdapter):
    """A 0-d tensor takes part in promotion as a dimensioned tensor does."""

    deviation_kind = "inverted"

    def binary(self, name: str, a: Any, b: Any) -> Any:
        if isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor) and (a.dim() == 0) != (b.dim() == 0):
            a, b = _dimensioned(a), _dimensioned(b)
        return super().binary(name, a, b)


class _ToComplexDoubled(torch.autograd.Function):
    """A real tensor converted to a complex dtype, whose backward gives twice the real part."""

    @staticmethod
    def forward(ctx: Any, x: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
        ctx.real_dtype = x.dtype
        return x.to(dtype)

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> tuple[torch.Tensor, None]:
        return (2 * grad.real).to(ctx.real_dtype), None


class RealToComplexGradientDoubled(TorchAdapter):
    """Converting a real tensor to a complex dtype doubles the gradient that flows back through it."""

    deviation_kind = "numeric"

    def to(self, obj: Any, target: Any) -> Any:
        converted = super().to(obj, target)
        if isinstance(obj, torch.Tensor) and not obj.is_complex() and converted.is_complex() and obj.requires_grad:
            return _ToComplexDoubled.apply(obj, converted.dtype)
        return converted


class CloneAlwaysContiguous(TorchAdapter):
    """clone() always gives a contiguous tensor (contiguous_format instead of preserve_format)."""

    deviation_kind = "partial"

    def clone(self, tensor: Any) -> Any:
        return tensor.clone(memory_format=torch.contiguous_format)


class OptimizerUpdatesEveryParameter(TorchAdapter):
    """An optimizer steps every parameter made so far, not only those it was given."""

    deviation_kind = "leaking"

    def __init__(self) -> None:
        super().__init__()
        self._made: list[Any] = []

    def parameter(self, tensor: Any, *, requires_grad: Any) -> Any:
        made = super().parameter(tensor, requires_grad=requires_grad)
        self._made.append(made)
        return made

    def sgd(self, params: list[Any], *, lr: float, momentum: float, weight_decay: float = 0.0) -> Any:
        every = list(params) + [p for p in self._made if not any(p is q for q in params)]
        return super().sgd(every, lr=lr, momentum=momentum, weight_decay=weight_decay)


CAUGHT_BY = {
    NanGradientsZeroed: {"grad.nan.incoming_gradient_propagates"},
    DivisionByZeroGradientsGuarded: {"grad.division_by_zero.mask_before_dividing"},
    PowerAtZeroSubgradient: {"grad.nondifferentiable.square_root_at_zero_by_continuity"},
    ScalarsPromoteByTheirDtype: {
        "type_promotion.binary.dimensioned_tensor_wins_within_category",
        "type_promotion.binary.higher_category_lifts",
        "type_promotion.binary.scalars_count_by_kind_not_value",
    },
    ZeroDimTensorsPromoteAsDimensioned: {"type_promotion.binary.dimensioned_tensor_wins_within_category"},
    RealToComplexGradientDoubled: {"grad.complex.real_function_through_complex"},
    CloneAlwaysContiguous: {"aliasing.clone.preserves_dense_strides"},
    OptimizerUpdatesEveryParameter: {"freezing.optimizer.updates_given_parameters_only"},
}
