"""Planted deviations of a dict of inputs: autograd.grad's dict result and backward(inputs=dict)."""

from __future__ import annotations

from typing import Any

from gradspec.adapters.torch_adapter import TorchAdapter


class GradDictKeysRenamed(TorchAdapter):
    """autograd.grad with a dict of inputs returns the gradients under other keys (``<key>.grad``)."""

    deviation_kind = "missing"

    def autograd_grad_dict(self, outputs: Any, inputs: dict[str, Any], **options: Any) -> dict[str, Any]:
        grads = self.torch.autograd.grad(outputs, list(inputs.values()), **options)
        return {f"{name}.grad": grad for name, grad in zip(inputs, grads)}


class GradDictKeysReversed(TorchAdapter):
    """autograd.grad with a dict of inputs pairs the gradients with the keys in reverse order."""

    deviation_kind = "inverted"

    def autograd_grad_dict(self, outputs: Any, inputs: dict[str, Any], **options: Any) -> dict[str, Any]:
        grads = self.torch.autograd.grad(outputs, list(inputs.values()), **options)
        return dict(zip(reversed(list(inputs)), grads))


class BackwardDictIgnored(TorchAdapter):
    """backward(inputs=dict) ignores the dict, accumulating into every leaf of the graph."""

    deviation_kind = "leaking"

    def backward_dict_inputs(
        self, tensor: Any, *, gradient: Any, retain_graph: bool | None, inputs: dict[str, Any], create_graph: bool = False
    ) -> None:
        tensor.backward(gradient=gradient, retain_graph=retain_graph, create_graph=create_graph)


class BackwardDictFirstOnly(TorchAdapter):
    """backward(inputs=dict) accumulates only into the dict's first value."""

    deviation_kind = "partial"

    def backward_dict_inputs(
        self, tensor: Any, *, gradient: Any, retain_graph: bool | None, inputs: dict[str, Any], create_graph: bool = False
    ) -> None:
        first = next(iter(inputs.values()))
        tensor.backward(gradient=gradient, retain_graph=retain_graph, inputs=[first], create_graph=create_graph)


CAUGHT_BY = {
    GradDictKeysRenamed: {"grad.autograd_grad.inputs_dict_returns_dict"},
    GradDictKeysReversed: {"grad.autograd_grad.inputs_dict_returns_dict"},
    BackwardDictIgnored: {"grad.backward.inputs_dict_uses_values"},
    BackwardDictFirstOnly: {"grad.backward.inputs_dict_uses_values"},
}
