"""Planted deviations for the multi-grad hook specs (specs/hooks/multi_grad_*): each adapter
wraps ``torch.autograd.graph.register_multi_grad_hook`` and breaks one documented behaviour of it."""

from __future__ import annotations

from typing import Any

from gradspec.adapters.torch_adapter import TorchAdapter


class _Handles:
    """One handle removing several hooks."""

    def __init__(self, handles: list[Any]) -> None:
        self.handles = handles

    def remove(self) -> None:
        for handle in self.handles:
            handle.remove()


def _each_gradient(tensors: list[Any], call: Any) -> _Handles:
    """A tensor hook on each of ``tensors`` calling ``call(index, grad)`` (the gradient unchanged)."""
    return _Handles([t.register_hook(lambda grad, index=index: call(index, grad) and None) for index, t in enumerate(tensors)])


class MultiGradHookIgnored(TorchAdapter):
    """register_multi_grad_hook() is accepted and never calls its function."""

    deviation_kind = "missing"

    def register_multi_grad_hook(self, tensors: list[Any], hook: Any, **options: Any) -> Any:
        return _Handles([])


class AllCalledPerGradient(TorchAdapter):
    """In mode 'all' the function is called as each gradient is computed, None for the others."""

    deviation_kind = "partial"

    def register_multi_grad_hook(self, tensors: list[Any], hook: Any, **options: Any) -> Any:
        if options.get("mode", "all") != "all":
            return super().register_multi_grad_hook(tensors, hook, **options)
        return _each_gradient(tensors, lambda index, grad: hook([grad if i == index else None for i in range(len(tensors))]))


class AllMaterializesZeros(TorchAdapter):
    """In mode 'all' a tensor whose gradient is not computed gets zeros instead of None."""

    deviation_kind = "inverted"

    def register_multi_grad_hook(self, tensors: list[Any], hook: Any, **options: Any) -> Any:
        if options.get("mode", "all") != "all":
            return super().register_multi_grad_hook(tensors, hook, **options)
        zeros_like = self.torch.zeros_like

        def materialized(grads: Any) -> Any:
            return hook([zeros_like(t) if g is None else g for g, t in zip(grads, tensors)])

        return super().register_multi_grad_hook(tensors, materialized, **options)


class AnyGetsLastGradient(TorchAdapter):
    """With mode='any' the function is called once, with the last gradient computed, not the first."""

    deviation_kind = "inverted"

    def register_multi_grad_hook(self, tensors: list[Any], hook: Any, **options: Any) -> Any:
        if options.get("mode") != "any":
            return super().register_multi_grad_hook(tensors, hook, **options)
        computed: list[Any] = []
        handles = _each_gradient(tensors, lambda index, grad: computed.append(grad))

        def last(grads: Any) -> None:
            hook(computed[-1])
            computed.clear()

        handles.handles.append(super().register_multi_grad_hook(tensors, last))
        return handles


class AnyCalledPerGradient(TorchAdapter):
    """With mode='any' the function is called with every gradient computed, not once."""

    deviation_kind = "partial"

    def register_multi_grad_hook(self, tensors: list[Any], hook: Any, **options: Any) -> Any:
        if options.get("mode") != "any":
            return super().register_multi_grad_hook(tensors, hook, **options)
        return _each_gradient(tensors, lambda index, grad: hook(grad))


CAUGHT_BY = {
    MultiGradHookIgnored: {
        "hooks.multi_grad.all_once_with_every_gradient",
        "hooks.multi_grad.all_none_for_tensors_not_involved",
        "hooks.multi_grad.any_once_with_first_gradient",
    },
    AllCalledPerGradient: {"hooks.multi_grad.all_once_with_every_gradient"},
    AllMaterializesZeros: {
        "hooks.multi_grad.all_none_for_tensors_not_involved",
        "hooks.multi_grad.all_once_with_every_gradient",
    },
    AnyGetsLastGradient: {"hooks.multi_grad.any_once_with_first_gradient"},
    AnyCalledPerGradient: {"hooks.multi_grad.any_once_with_first_gradient"},
}
