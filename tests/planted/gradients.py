"""Planted deviations in gradient values: right shapes, slightly wrong numbers, sometimes only
for some ops, dtypes, shapes or sizes.  Each is a ``torch.autograd.Function`` swapped in for
one operation, the way a library's hand-written backward formula goes wrong."""
from __future__ import annotations

from typing import Any

import torch

from gradspec.adapters.torch_adapter import TorchAdapter


class _ScaledSigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx: Any, x: torch.Tensor) -> torch.Tensor:
        result = torch.sigmoid(x)
        ctx.save_for_backward(result)
        return result

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> torch.Tensor:
        (result,) = ctx.saved_tensors
        return grad * result * (1 - result) * 1.01


class SigmoidGradientOnePercentHigh(TorchAdapter):
    """sigmoid's gradient is 1% too large."""

    deviation_kind = "numeric"

    def unary(self, name: str, x: Any) -> Any:
        return _ScaledSigmoid.apply(x) if name == "sigmoid" else super().unary(name, x)


class _HalfPrecisionExp(torch.autograd.Function):
    @staticmethod
    def forward(ctx: Any, x: torch.Tensor) -> torch.Tensor:
        result = torch.exp(x)
        ctx.save_for_backward(result)
        return result

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> torch.Tensor:
        (result,) = ctx.saved_tensors
        exact = grad * result
        return exact.half().to(exact.dtype) if exact.dtype == torch.float32 else exact


class ExpGradientInHalfPrecisionForFloat32(TorchAdapter):
    """exp's gradient of a float32 tensor is rounded through float16 (float64 is exact)."""

    deviation_kind = "numeric"

    def unary(self, name: str, x: Any) -> Any:
        return _HalfPrecisionExp.apply(x) if name == "exp" else super().unary(name, x)


class _MeanReducedMul(torch.autograd.Function):
    @staticmethod
    def forward(ctx: Any, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        ctx.save_for_backward(a, b)
        return a * b

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        a, b = ctx.saved_tensors
        return _reduce(grad * b, a.shape, torch.mean), _reduce(grad * a, b.shape, torch.mean)


def _reduce(gradient: torch.Tensor, shape: torch.Size, how: Any) -> torch.Tensor:
    while gradient.dim() > len(shape):
        gradient = how(gradient, dim=0)
    for axis, size in enumerate(shape):
        if size == 1 and gradient.shape[axis] != 1:
            gradient = how(gradient, dim=axis, keepdim=True)
    return gradient


class BroadcastMulGradientAveraged(TorchAdapter):
    """mul reduces a broadcast operand's gradient with a mean instead of a sum: right shape,
    wrong values, and only when an operand was broadcast."""

    deviation_kind = "numeric"

    def binary(self, name: str, a: Any, b: Any) -> Any:
        if name == "mul" and self.is_tensor(a) and self.is_tensor(b):
            return _MeanReducedMul.apply(a, b)
        return super().binary(name, a, b)


class _MeanAsSum(torch.autograd.Function):
    @staticmethod
    def forward(ctx: Any, x: torch.Tensor) -> torch.Tensor:
        ctx.shape = x.shape
        return torch.mean(x)

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> torch.Tensor:
        return grad.expand(ctx.shape).clone()


class MeanGradientIgnoresTheCount(TorchAdapter):
    """mean's gradient is that of sum: wrong only for tensors of more than one element."""

    deviation_kind = "numeric"

    def reduce(self, name: str, x: Any, *, dim: int | None) -> Any:
        if name == "mean" and dim is None:
            return _MeanAsSum.apply(x)
        return super().reduce(name, x, dim=dim)


class _SlightlyOffMatmul(torch.autograd.Function):
    @staticmethod
    def forward(ctx: Any, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        ctx.save_for_backward(a, b)
        return a @ b

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        # matmul's own gradients (for every operand shape, vectors included), the left one scaled
        a, b = (saved.detach().requires_grad_() for saved in ctx.saved_tensors)
        with torch.enable_grad():
            grad_a, grad_b = torch.autograd.grad(a @ b, (a, b), grad)
        return grad_a * (1 + 1e-3), grad_b


class MatmulLeftGradientSlightlyOff(TorchAdapter):
    """matmul's gradient for its left factor is 0.1% too large."""

    deviation_kind = "numeric"

    def binary(self, name: str, a: Any, b: Any) -> Any:
        return _SlightlyOffMatmul.apply(a, b) if name == "matmul" else super().binary(name, a, b)


CAUGHT_BY: dict[type[TorchAdapter], set[str]] = {
    SigmoidGradientOnePercentHigh: {"grad.correctness.unary_ops", "grad.autograd_grad.correctness_unary_ops"},
    ExpGradientInHalfPrecisionForFloat32: {"grad.correctness.unary_ops", "grad.autograd_grad.correctness_unary_ops"},
    BroadcastMulGradientAveraged: {"grad.correctness.binary_ops", "grad.autograd_grad.correctness_binary_ops"},
    MeanGradientIgnoresTheCount: {"grad.correctness.reductions"},
    MatmulLeftGradientSlightlyOff: {"grad.correctness.matmul"},
}
