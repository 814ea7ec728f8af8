"""Planted deviations for the specs that complete statements earlier covered only in part
(issue 15): the type of grad_fn, several hooks of one kind on a node or leaf, post-accumulate-grad
hooks on a non-leaf that retains its gradient and their argument, graphs freed by autograd_grad
and by a backward in another thread, and the derivative of sqrt at zero."""

from __future__ import annotations

import threading
from typing import Any

from gradspec.adapters.torch_adapter import TorchAdapter


class _ListHandle:
    def __init__(self, hooks: list[Any], hook: Any) -> None:
        self.hooks = hooks
        self.hook = hook

    def remove(self) -> None:
        if self.hook in self.hooks:
            self.hooks.remove(self.hook)


class UnrecordedGradFnIsANode(TorchAdapter):
    """The grad_fn of a tensor no operation recorded (None) counts as a graph node."""

    deviation_kind = "leaking"

    def is_graph_node(self, value: Any) -> bool:
        return value is None or super().is_graph_node(value)


class GradFnIsNotANode(TorchAdapter):
    """A recorded grad_fn is an object of its own kind, not a graph node."""

    deviation_kind = "missing"

    def is_graph_node(self, value: Any) -> bool:
        return False


class NodeHooksRunInReverseOrder(TorchAdapter):
    """Several hooks (or pre-hooks) on one graph node run from the last registered to the first."""

    deviation_kind = "inverted"

    def __init__(self) -> None:
        super().__init__()
        self._hooks: dict[tuple[int, str], list[Any]] = {}

    def register_node_hook(self, node: Any, hook: Any, *, when: str) -> Any:
        hooks = self._hooks.get((id(node), when))
        if hooks is None or hooks[0] is not node:
            hooks = [node]
            self._hooks[(id(node), when)] = hooks
            if when == "pre":

                def run_pre(grad_outputs: Any) -> Any:
                    for registered in reversed(hooks[1:]):
                        result = registered(grad_outputs)
                        grad_outputs = grad_outputs if result is None else result
                    return grad_outputs

                super().register_node_hook(node, run_pre, when=when)
            else:

                def run_post(grad_inputs: Any, grad_outputs: Any) -> Any:
                    for registered in reversed(hooks[1:]):
                        result = registered(grad_inputs, grad_outputs)
                        grad_inputs = grad_inputs if result is None else result
                    return grad_inputs

                super().register_node_hook(node, run_post, when=when)
        hooks.append(hook)
        return _ListHandle(hooks, hook)


class PostAccumulateHooksRunInReverseOrder(TorchAdapter):
    """Several post-accumulate-grad hooks on one leaf run from the last registered to the first."""

    deviation_kind = "inverted"

    def __init__(self) -> None:
        super().__init__()
        self._hooks: dict[int, list[Any]] = {}

    def register_hook(self, tensor: Any, hook: Any, *, when: str) -> Any:
        if when != "post_accumulate":
            return super().register_hook(tensor, hook, when=when)
        hooks = self._hooks.get(id(tensor))
        if hooks is None or hooks[0] is not tensor:
            hooks = [tensor]
            self._hooks[id(tensor)] = hooks

            def run_all(p: Any) -> None:
                for registered in reversed(hooks[1:]):
                    registered(p)

            super().register_hook(tensor, run_all, when=when)
        hooks.append(hook)
        return _ListHandle(hooks, hook)


class PostAccumulateHookGetsADetachedTwin(TorchAdapter):
    """A post-accumulate-grad hook receives a detached twin of the leaf carrying a copy of its .grad,
    not the leaf itself: changes the hook makes to that .grad are lost."""

    deviation_kind = "partial"

    def register_hook(self, tensor: Any, hook: Any, *, when: str) -> Any:
        if when != "post_accumulate":
            return super().register_hook(tensor, hook, when=when)

        def on_twin(p: Any) -> None:
            twin = p.detach()
            twin.grad = None if p.grad is None else p.grad.clone()
            hook(twin)

        return super().register_hook(tensor, on_twin, when=when)


class RetainedNonLeafAcceptsPostAccumulateHook(TorchAdapter):
    """register_post_accumulate_grad_hook() on a non-leaf that retains its gradient is accepted
    (the tensor counts as a leaf because it gets a .grad)."""

    deviation_kind = "leaking"

    def register_hook(self, tensor: Any, hook: Any, *, when: str) -> Any:
        if when == "post_accumulate" and not tensor.is_leaf and tensor.retains_grad:
            return _ListHandle([], hook)
        return super().register_hook(tensor, hook, when=when)


class AutogradGradKeepsTheGraph(TorchAdapter):
    """autograd_grad() keeps the graph by default even without create_graph."""

    deviation_kind = "missing"

    def autograd_grad(self, outputs: Any, inputs: Any, *, retain_graph: bool | None, **options: Any) -> tuple[Any, ...]:
        return super().autograd_grad(outputs, inputs, retain_graph=True if retain_graph is None else retain_graph, **options)


class OtherThreadsKeepTheGraph(TorchAdapter):
    """A backward run in a thread other than the main one never frees the graph."""

    deviation_kind = "missing"

    def backward(self, tensor: Any, *, gradient: Any, retain_graph: Any, inputs: Any = None, create_graph: bool = False) -> None:
        if threading.current_thread() is not threading.main_thread():
            retain_graph = True
        super().backward(tensor, gradient=gradient, retain_graph=retain_graph, inputs=inputs, create_graph=create_graph)


class SqrtGradientFiniteAtZero(TorchAdapter):
    """sqrt is computed as sqrt(x + 1e-300): its derivative at 0 is large but finite."""

    deviation_kind = "numeric"

    def call_operator(self, name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "sqrt":
            return self.torch.sqrt(args[0] + 1e-300)
        return super().call_operator(name, *args, **kwargs)


CAUGHT_BY = {
    UnrecordedGradFnIsANode: {"graph.nodes.grad_fn_is_node"},
    GradFnIsNotANode: {"graph.nodes.grad_fn_is_node"},
    NodeHooksRunInReverseOrder: {"graph.node_hooks.several_prehooks_order", "graph.node_hooks.several_hooks_order"},
    PostAccumulateHooksRunInReverseOrder: {"grad.hooks.post_accumulate_grad_several_order"},
    PostAccumulateHookGetsADetachedTwin: {"grad.hooks.post_accumulate_grad_receives_tensor"},
    RetainedNonLeafAcceptsPostAccumulateHook: {"grad.hooks.post_accumulate_grad_nonleaf_retains_grad"},
    AutogradGradKeepsTheGraph: {"grad.autograd_grad.returns_without_accumulating_and_create_graph_frees_graph"},
    OtherThreadsKeepTheGraph: {"grad.backward.twice_error_and_retain_graph_shared_between_threads"},
    SqrtGradientFiniteAtZero: {"grad.nondifferentiable.square_root_at_zero_by_continuity.sqrt"},
}
