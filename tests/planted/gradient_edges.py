"""Planted deviations for gradient edges and batched gradients of autograd_grad() (specs/grad/):
each adapter wraps ``torch.autograd.graph.get_gradient_edge`` or ``torch.autograd.grad`` and
breaks one documented behaviour."""

from __future__ import annotations

from typing import Any

from gradspec.adapters.torch_adapter import TorchAdapter


class GradientEdgeOneNodeBack(TorchAdapter):
    """The gradient edge of a non-leaf names the first input of the operation that made it."""

    deviation_kind = "numeric"

    def gradient_edge(self, tensor: Any) -> Any:
        node = tensor.grad_fn
        if node is None or not node.next_functions or node.next_functions[0][0] is None:
            return super().gradient_edge(tensor)
        return self.torch.autograd.graph.GradientEdge(*node.next_functions[0])


class GradientEdgeWithoutGrad(TorchAdapter):
    """get_gradient_edge() of a tensor not requiring grad answers an edge of a fresh leaf."""

    deviation_kind = "leaking"

    def gradient_edge(self, tensor: Any) -> Any:
        if not tensor.requires_grad:
            tensor = tensor.detach().requires_grad_()
        return super().gradient_edge(tensor)


class BatchedGradsFirstRow(TorchAdapter):
    """With is_grads_batched=True every row of the result is the gradient for the first grad_output row."""

    deviation_kind = "partial"

    def autograd_grad_batched(self, outputs: Any, inputs: Any, *, is_grads_batched: bool, **options: Any) -> tuple[Any, ...]:
        grad_outputs = options.get("grad_outputs")
        if is_grads_batched and grad_outputs:
            options["grad_outputs"] = [g[:1].expand_as(g) for g in grad_outputs]
        return super().autograd_grad_batched(outputs, inputs, is_grads_batched=is_grads_batched, **options)


CAUGHT_BY = {
    GradientEdgeOneNodeBack: {"grad.gradient_edge.same_as_tensor"},
    GradientEdgeWithoutGrad: {"grad.gradient_edge.no_grad_raises"},
    BatchedGradsFirstRow: {"grad.autograd_grad.is_grads_batched"},
}
