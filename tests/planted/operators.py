"""Planted deviations in the operators of the operator table.

Two sets.  The generic ones break one property for every operator at once (each operator's
value, gradient, double backward, forward mode, gradient dtype, low-precision gradient), which
shows that every per-operator verdict of every property can fail.  The classic ones are the
autograd bugs real libraries ship, each in the operator family where it occurs: duplicate
indices not accumulated, a broadcast gradient not reduced by a sum, keepdim lost in backward,
ties not split, a view's gradient placed at the wrong offset, a double backward built on a
detached value, a float64 gradient computed in float32.
"""

from __future__ import annotations

from typing import Any

import torch

from gradspec.adapters.torch_adapter import TorchAdapter
from gradspec.loader import load_specs
from gradspec.operators.table import builtin_table

_SPECS = [spec for spec in load_specs() if spec.operator is not None]


def _ids(prefix: str, operators: set[str] | None = None) -> set[str]:
    """The per-operator spec ids of the property ``prefix`` (``operators.vjp``), for all
    operators or only those named (by table id)."""
    return {
        spec.id
        for spec in _SPECS
        if spec.id.startswith(prefix + "[") and (operators is None or spec.id[len(prefix) + 1 : -1] in operators)
    }


def _each_input(args: tuple[Any, ...], kwargs: dict[str, Any], change: Any) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """The arguments with ``change`` applied to each floating tensor that requires grad (also
    inside lists): a deviation of the gradient reaching the inputs, after the operator's own
    backward, so that an operator whose gradient is 0 everywhere (floor, sign) is off too."""

    def changed(value: Any) -> Any:
        if isinstance(value, torch.Tensor) and value.is_floating_point() and value.requires_grad:
            return change(value)
        if isinstance(value, (list, tuple)) and value and all(isinstance(item, torch.Tensor) for item in value):
            return type(value)(changed(item) for item in value)
        return value

    return tuple(changed(a) for a in args), {name: changed(value) for name, value in kwargs.items()}


def _each_output(result: Any, change: Any) -> Any:
    """``result`` with ``change`` applied to each floating tensor output."""
    if isinstance(result, torch.Tensor):
        return change(result) if result.is_floating_point() else result
    if isinstance(result, (tuple, list)):
        changed = [_each_output(item, change) for item in result]
        return type(result)(changed) if isinstance(result, list) or type(result) is tuple else tuple(changed)
    return result


class _ScaledGradient(torch.autograd.Function):
    """The identity, whose backward scales the gradient and adds to it (differentiably), so that
    a gradient that is 0 everywhere (floor, sign) is off too."""

    @staticmethod
    def forward(ctx: Any, x: torch.Tensor, scale: float, only: Any) -> torch.Tensor:
        ctx.scale, ctx.only = scale, only
        return x.view_as(x)

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> tuple[Any, None, None]:
        if ctx.only is not None and grad.dtype != ctx.only:
            return grad, None, None
        return grad * ctx.scale + (ctx.scale - 1.0), None, None


class _DetachedCotangent(torch.autograd.Function):
    """The identity, whose backward passes the gradient on detached: right first derivatives,
    no second derivative with respect to the cotangent."""

    @staticmethod
    def forward(ctx: Any, x: torch.Tensor) -> torch.Tensor:
        return x.view_as(x)

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> torch.Tensor:
        return grad.detach()


class EveryOperatorValueShifted(TorchAdapter):
    """Every operator's floating outputs are 0.1% (and 1e-3) too large; their gradients stay right."""

    deviation_kind = "numeric"

    def call_operator(self, name: str, *args: Any, **kwargs: Any) -> Any:
        return _each_output(super().call_operator(name, *args, **kwargs), lambda y: y + 1e-3 * (1.0 + y.detach().abs()))


class EveryOperatorGradientOnePercentHigh(TorchAdapter):
    """Every operator's gradient is 1% (and 0.01) too large."""

    deviation_kind = "numeric"

    def call_operator(self, name: str, *args: Any, **kwargs: Any) -> Any:
        args, kwargs = _each_input(args, kwargs, lambda x: _ScaledGradient.apply(x, 1.01, None))
        return super().call_operator(name, *args, **kwargs)


class EveryDoubleBackwardIgnoresTheCotangent(TorchAdapter):
    """Every operator's backward detaches the incoming gradient: first derivatives are right,
    the gradient of the gradient with respect to the cotangent is missing."""

    deviation_kind = "missing"

    def call_operator(self, name: str, *args: Any, **kwargs: Any) -> Any:
        args, kwargs = _each_input(args, kwargs, _DetachedCotangent.apply)
        return super().call_operator(name, *args, **kwargs)


class ForwardModeOnePercentHigh(TorchAdapter):
    """Forward-mode derivatives are 1% (and 0.01) too large."""

    deviation_kind = "numeric"

    def jvp(self, function: Any, primals: list[Any], tangents: list[Any]) -> list[Any]:
        return [tangent * 1.01 + 0.01 for tangent in super().jvp(function, primals, tangents)]


class Float64GradientsReadAsFloat32(TorchAdapter):
    """A float64 tensor's .grad is float32."""

    deviation_kind = "inverted"

    def grad(self, tensor: Any) -> Any:
        found = super().grad(tensor)
        return found.float() if found is not None and found.dtype == torch.float64 else found


class Float16GradientsFivePercentHigh(TorchAdapter):
    """float16 gradients are 5% (and 0.05) too large; other dtypes are right."""

    deviation_kind = "partial"

    def call_operator(self, name: str, *args: Any, **kwargs: Any) -> Any:
        args, kwargs = _each_input(args, kwargs, lambda x: _ScaledGradient.apply(x, 1.05, torch.float16))
        return super().call_operator(name, *args, **kwargs)


class Bfloat16GradientsTwentyPercentHigh(TorchAdapter):
    """bfloat16 gradients are 20% (and 0.2) too large; other dtypes are right."""

    deviation_kind = "partial"

    def call_operator(self, name: str, *args: Any, **kwargs: Any) -> Any:
        args, kwargs = _each_input(args, kwargs, lambda x: _ScaledGradient.apply(x, 1.2, torch.bfloat16))
        return super().call_operator(name, *args, **kwargs)


# -- the classic bugs, each in its family -----------------------------------------------------


class _OverwritingIndexSelect(torch.autograd.Function):
    """index_select whose backward writes each index's gradient instead of adding it."""

    @staticmethod
    def forward(ctx: Any, x: torch.Tensor, dim: int, index: torch.Tensor) -> torch.Tensor:
        ctx.save_for_backward(index)
        ctx.dim, ctx.shape = dim, x.shape
        return torch.index_select(x, dim, index)

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> tuple[torch.Tensor, None, None]:
        (index,) = ctx.saved_tensors
        result = grad.new_zeros(ctx.shape)
        return result.index_copy(ctx.dim, index, grad), None, None


class DuplicateIndicesNotAccumulated(TorchAdapter):
    """index_select's gradient keeps one contribution per index: repeated indices are not summed."""

    deviation_kind = "partial"
    deviation_operators = frozenset({"index_select"})

    def call_operator(self, name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "index_select":
            return _OverwritingIndexSelect.apply(*args, **kwargs)
        return super().call_operator(name, *args, **kwargs)


class _MeanReducedMul(torch.autograd.Function):
    @staticmethod
    def forward(ctx: Any, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        ctx.save_for_backward(a, b)
        return a * b

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        a, b = ctx.saved_tensors
        return _averaged(grad * b, a.shape), _averaged(grad * a, b.shape)


def _averaged(gradient: torch.Tensor, shape: torch.Size) -> torch.Tensor:
    while gradient.dim() > len(shape):
        gradient = gradient.mean(dim=0)
    for axis, size in enumerate(shape):
        if size == 1 and gradient.shape[axis] != 1:
            gradient = gradient.mean(dim=axis, keepdim=True)
    return gradient


class BroadcastGradientNotSummed(TorchAdapter):
    """mul reduces a broadcast operand's gradient with a mean, not a sum: the right shape, the wrong values."""

    deviation_kind = "partial"
    deviation_operators = frozenset({"mul"})

    def call_operator(self, name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "mul" and all(isinstance(a, torch.Tensor) for a in args[:2]):
            return _MeanReducedMul.apply(*args[:2])
        return super().call_operator(name, *args, **kwargs)


class _KeepdimLostSum(torch.autograd.Function):
    @staticmethod
    def forward(ctx: Any, x: torch.Tensor, dim: Any) -> torch.Tensor:
        ctx.shape = x.shape
        return torch.sum(x, dim)

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> tuple[torch.Tensor, None]:
        # The reduced dims are put back at the end, as if keepdim's places had been lost.
        while grad.dim() < len(ctx.shape):
            grad = grad.unsqueeze(-1)
        return grad.expand(ctx.shape).contiguous(), None


class KeepdimLostInSumBackward(TorchAdapter):
    """sum over some dims without keepdim puts the reduced dims back at the end in its backward."""

    deviation_kind = "partial"
    deviation_operators = frozenset({"sum"})

    def call_operator(self, name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "sum" and len(args) == 2 and args[1] is not None and not kwargs.get("keepdim", False):
            return _KeepdimLostSum.apply(*args)
        return super().call_operator(name, *args, **kwargs)


class _TiesAllGetTheGradient(torch.autograd.Function):
    @staticmethod
    def forward(ctx: Any, x: torch.Tensor, dim: Any, keepdim: bool) -> torch.Tensor:
        kept = torch.amax(x, dim, keepdim=True)
        ctx.save_for_backward(x, kept)
        return kept if keepdim else torch.amax(x, dim, keepdim=False)

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> tuple[torch.Tensor, None, None]:
        x, kept = ctx.saved_tensors
        return grad.reshape(kept.shape) * (x == kept).to(grad.dtype), None, None


class AmaxTiesNotSplit(TorchAdapter):
    """amax gives the whole gradient to every tied maximum instead of splitting it evenly."""

    deviation_kind = "partial"
    deviation_operators = frozenset({"amax"})

    def call_operator(self, name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "amax" and len(args) == 2:
            return _TiesAllGetTheGradient.apply(args[0], args[1], kwargs.get("keepdim", False))
        return super().call_operator(name, *args, **kwargs)


class _ShiftedNarrow(torch.autograd.Function):
    @staticmethod
    def forward(ctx: Any, x: torch.Tensor, dim: int, start: int, length: int) -> torch.Tensor:
        ctx.shape, ctx.dim, ctx.start, ctx.length = x.shape, dim, start, length
        return torch.narrow(x, dim, start, length).clone()

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> tuple[torch.Tensor, None, None, None]:
        result = grad.new_zeros(ctx.shape)
        dim = ctx.dim % len(ctx.shape)
        size = ctx.shape[dim]
        start = ctx.start % size if ctx.start < 0 else ctx.start
        offset = start + 1 if start + 1 + ctx.length <= size else max(start - 1, 0)
        result.narrow(dim, offset, ctx.length).copy_(grad)
        return result, None, None, None


class NarrowGradientAtWrongOffset(TorchAdapter):
    """narrow's gradient lands one place off along the narrowed dim (when there is room)."""

    deviation_kind = "partial"
    deviation_operators = frozenset({"narrow"})

    def call_operator(self, name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "narrow":
            return _ShiftedNarrow.apply(*args, **kwargs)
        return super().call_operator(name, *args, **kwargs)


class _SinOnDetachedInput(torch.autograd.Function):
    @staticmethod
    def forward(ctx: Any, x: torch.Tensor) -> torch.Tensor:
        ctx.save_for_backward(x)
        return torch.sin(x)

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> torch.Tensor:
        (x,) = ctx.saved_tensors
        return grad * torch.cos(x.detach())


class SinDoubleBackwardOnDetachedInput(TorchAdapter):
    """sin's backward uses its saved input detached: the first derivative is right, the second is 0."""

    deviation_kind = "missing"
    deviation_operators = frozenset({"sin"})

    def call_operator(self, name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "sin":
            return _SinOnDetachedInput.apply(*args)
        return super().call_operator(name, *args, **kwargs)


_TABLE = builtin_table()

CAUGHT_BY: dict[type[TorchAdapter], set[str]] = {
    EveryOperatorValueShifted: _ids("operators.forward"),
    EveryOperatorGradientOnePercentHigh: _ids("operators.vjp") | _ids("operators.nondifferentiable_points"),
    EveryDoubleBackwardIgnoresTheCotangent: _ids("operators.vjp_second_order"),
    ForwardModeOnePercentHigh: _ids("operators.jvp"),
    Float64GradientsReadAsFloat32: _ids("operators.gradient_metadata", {e.id for e in _TABLE.values() if "float64" in e.dtypes}),
    Float16GradientsFivePercentHigh: _ids("operators.float16_gradients"),
    Bfloat16GradientsTwentyPercentHigh: _ids("operators.bfloat16_gradients"),
    DuplicateIndicesNotAccumulated: _ids("operators.vjp", {"index_select"}),
    BroadcastGradientNotSummed: _ids("operators.vjp", {"mul"}),
    KeepdimLostInSumBackward: _ids("operators.vjp", {"sum"}),
    AmaxTiesNotSplit: _ids("operators.nondifferentiable_points", {"amax"}),
    NarrowGradientAtWrongOffset: _ids("operators.vjp", {"narrow"}),
    SinDoubleBackwardOnDetachedInput: _ids("operators.vjp_second_order", {"sin"}),
}


class _ExpInFloat32(torch.autograd.Function):
    @staticmethod
    def forward(ctx: Any, x: torch.Tensor) -> torch.Tensor:
        result = torch.exp(x)
        ctx.save_for_backward(result)
        return result

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> torch.Tensor:
        (result,) = ctx.saved_tensors
        return (grad.float() * result.float()).to(grad.dtype)


class ExpFloat64GradientComputedInFloat32(TorchAdapter):
    """exp's float64 gradient is computed in float32 and cast back to float64."""

    deviation_kind = "numeric"
    deviation_operators = frozenset({"exp"})

    def call_operator(self, name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "exp":
            return _ExpInFloat32.apply(*args)
        return super().call_operator(name, *args, **kwargs)


CAUGHT_BY[ExpFloat64GradientComputedInFloat32] = _ids("operators.vjp", {"exp"})
