"""Planted deviations for the graph-node specs (specs/graph/): each adapter reads or hooks
``torch.autograd.graph.Node`` and breaks one documented behaviour of it."""

from __future__ import annotations

import warnings
from typing import Any

from gradspec.adapters.torch_adapter import TorchAdapter


class LeafLinksMissing(TorchAdapter):
    """next_functions gives None where a leaf's AccumulateGrad node should be."""

    deviation_kind = "missing"

    def next_functions(self, node: Any) -> list[tuple[Any, int]]:
        return [
            (None if linked is not None and "AccumulateGrad" in linked.name() else linked, index)
            for linked, index in super().next_functions(node)
        ]


class InplaceKeepsGradFn(TorchAdapter):
    """A tensor's grad_fn stays the node it had when first read, though an in-place operation
    replaced it."""

    deviation_kind = "missing"

    def __init__(self) -> None:
        super().__init__()
        self._first: dict[int, tuple[Any, Any]] = {}

    def grad_fn(self, tensor: Any) -> Any:
        kept = self._first.get(id(tensor))
        if kept is not None and kept[0] is tensor:
            return kept[1]
        node = super().grad_fn(tensor)
        if node is not None:
            self._first[id(tensor)] = (tensor, node)  # the tensor too, so its id is not reused
        return node


class NodeHookResultIgnored(TorchAdapter):
    """What a Node hook returns is dropped: grad_inputs stay as the node computed them."""

    deviation_kind = "missing"

    def register_node_hook(self, node: Any, hook: Any, *, when: str) -> Any:
        if when == "pre":
            return super().register_node_hook(node, hook, when=when)
        return super().register_node_hook(node, lambda *grads: hook(*grads) and None, when=when)


class PrehookResultIgnored(TorchAdapter):
    """What a Node pre-hook returns is dropped: the node gets the grad_outputs it was given."""

    deviation_kind = "missing"

    def register_node_hook(self, node: Any, hook: Any, *, when: str) -> Any:
        if when == "post":
            return super().register_node_hook(node, hook, when=when)
        return super().register_node_hook(node, lambda *grads: hook(*grads) and None, when=when)


class _KeptHandle:
    """A hook handle whose remove() leaves the hook in place."""

    def remove(self) -> None:
        pass


class NodeHookRemoveIgnored(TorchAdapter):
    """remove() on the handle of a Node hook leaves the hook registered."""

    deviation_kind = "missing"

    def register_node_hook(self, node: Any, hook: Any, *, when: str) -> Any:
        super().register_node_hook(node, hook, when=when)
        return _KeptHandle()


class UnreachedNodeHooksFire(TorchAdapter):
    """After a backward, the Node hooks whose node did not run are called too (with no gradients)."""

    deviation_kind = "leaking"

    def __init__(self) -> None:
        super().__init__()
        self._hooks: list[list[Any]] = []

    def register_node_hook(self, node: Any, hook: Any, *, when: str) -> Any:
        entry = [hook, when, False]

        def marking(*grads: Any) -> Any:
            entry[2] = True
            return hook(*grads)

        self._hooks.append(entry)
        return super().register_node_hook(node, marking, when=when)

    def backward(self, tensor: Any, **options: Any) -> None:
        super().backward(tensor, **options)
        for entry in self._hooks:
            if not entry[2]:
                entry[2] = True
                entry[0]((), ()) if entry[1] == "post" else entry[0](())


class BackwardInputsSkipTheirNodes(TorchAdapter):
    """backward(inputs=...) stops at the inputs as autograd.grad does: their nodes, and so the
    hooks on them, never run."""

    deviation_kind = "partial"

    def backward(
        self, tensor: Any, *, gradient: Any, retain_graph: bool | None, inputs: Any = None, create_graph: bool = False
    ) -> None:
        if inputs is None:
            super().backward(tensor, gradient=gradient, retain_graph=retain_graph, create_graph=create_graph)
            return
        inputs = list(inputs)
        grads = self.torch.autograd.grad(
            tensor, inputs, grad_outputs=gradient, retain_graph=retain_graph, create_graph=create_graph, allow_unused=True
        )
        with warnings.catch_warnings():  # torch warns when a non-leaf's .grad is read
            warnings.simplefilter("ignore", UserWarning)
            for target, grad in zip(inputs, grads):
                if grad is not None:
                    target.grad = grad if target.grad is None else target.grad + grad


class SavedTensorsReadAsCopies(TorchAdapter):
    """A tensor a node saved is read back as a copy: another object, with its own storage."""

    deviation_kind = "partial"

    def saved_tensor(self, node: Any, name: str) -> Any:
        return super().saved_tensor(node, name).clone()


class SavedTensorUnpackedOnce(TorchAdapter):
    """Hooks on one saved tensor call unpack on the first access only; later ones reuse its result."""

    deviation_kind = "partial"

    def register_saved_tensor_hooks(self, node: Any, name: str, pack: Any, unpack: Any) -> None:
        kept: list[Any] = []

        def unpack_once(stored: Any) -> Any:
            if not kept:
                kept.append(unpack(stored))
            return kept[0]

        super().register_saved_tensor_hooks(node, name, pack, unpack_once)


class ReleasedSavedTensorHooksIgnored(TorchAdapter):
    """Hooks registered on a saved tensor backward already released are dropped without an error."""

    deviation_kind = "missing"

    def register_saved_tensor_hooks(self, node: Any, name: str, pack: Any, unpack: Any) -> None:
        try:
            super().register_saved_tensor_hooks(node, name, pack, unpack)
        except RuntimeError as error:
            if self.error_kind(error) != "saved_tensor_freed":
                raise


CAUGHT_BY = {
    LeafLinksMissing: {"graph.nodes.name_and_next_functions"},
    InplaceKeepsGradFn: {"graph.nodes.inplace_replaces_grad_fn", "graph.nodes.inplace_view_base_copy_slices"},
    NodeHookResultIgnored: {"graph.node_hooks.hook_replaces_grad_inputs"},
    PrehookResultIgnored: {"graph.node_hooks.prehook_replaces_grad_outputs", "graph.node_hooks.prehook_remove"},
    NodeHookRemoveIgnored: {"graph.node_hooks.prehook_remove"},
    UnreachedNodeHooksFire: {"graph.node_hooks.fire_only_if_node_runs"},
    BackwardInputsSkipTheirNodes: {"graph.node_hooks.backward_inputs_run_their_nodes"},
    SavedTensorsReadAsCopies: {
        "graph.saved.saved_input_is_the_input",
        "graph.saved.saved_output_is_another_object_sharing_storage",
        "graph.saved.default_hooks_distinct_objects_one_storage",
    },
    SavedTensorUnpackedOnce: {"graph.saved.register_hooks_pack_now_unpack_on_each_access"},
    ReleasedSavedTensorHooksIgnored: {"graph.saved.register_hooks_after_release_raises"},
}
