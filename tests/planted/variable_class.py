"""Planted deviations for the Variable spec (specs/requires_grad/variable_*): each adapter answers
``torch.autograd.Variable`` and breaks one documented behaviour of it."""

from __future__ import annotations

from typing import Any

from gradspec.adapters.torch_adapter import TorchAdapter


class VariableKeepsParameter(TorchAdapter):
    """Variable() of a Parameter gives the Parameter back, not a plain tensor."""

    deviation_kind = "partial"

    def variable_class(self, tensor: Any, **options: Any) -> Any:
        if isinstance(tensor, self.nn.Parameter):
            return tensor
        return super().variable_class(tensor, **options)


class VariableIgnoresRequiresGrad(TorchAdapter):
    """Variable(t, requires_grad=True) drops requires_grad."""

    deviation_kind = "missing"

    def variable_class(self, tensor: Any, **options: Any) -> Any:
        return super().variable_class(tensor)


class _Variable:
    """A wrapper object holding a tensor, as Variables once were."""

    def __init__(self, data: Any) -> None:
        self.data = data


class VariableIsAWrapper(TorchAdapter):
    """Variable() returns a wrapper object holding the tensor, not a tensor."""

    deviation_kind = "inverted"

    def variable_class(self, tensor: Any, **options: Any) -> Any:
        return _Variable(super().variable_class(tensor, **options))


CAUGHT_BY = {
    VariableKeepsParameter: {"requires_grad.variable_class.returns_plain_tensor"},
    VariableIgnoresRequiresGrad: {"requires_grad.variable_class.returns_plain_tensor"},
    VariableIsAWrapper: {"requires_grad.variable_class.returns_plain_tensor"},
}
