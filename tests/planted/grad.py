"""Planted deviations for the gradient specs (specs/grad/): each adapter wraps PyTorch and
breaks one documented behaviour of .grad, backward, autograd_grad, hooks or gradient layout,
the way a real library might."""
from __future__ import annotations

from typing import Any

from gradspec.adapters.torch_adapter import TorchAdapter
from tests.planted.library import raise_from_library
from tests.planted.tutorial import EveryLeafGetsAGrad


def _leaves(tensor: Any) -> list[Any]:
    """The leaves that a backward from ``tensor`` reaches (their AccumulateGrad nodes' variables)."""
    if tensor.grad_fn is None:
        return [tensor] if tensor.requires_grad else []
    found: list[Any] = []
    seen: set[int] = set()
    keep: list[Any] = []  # the visited nodes, alive while their ids are in ``seen``
    stack = [tensor.grad_fn]
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        keep.append(node)
        if hasattr(node, "variable"):
            found.append(node.variable)
        stack.extend(next_node for next_node, _ in node.next_functions)
    return found


def _targets(tensor: Any, inputs: Any) -> list[Any]:
    return list(inputs) if inputs is not None else _leaves(tensor)


# -- accumulation and zero_grad --------------------------------------------------------------


class BackwardOverwritesGrad(TorchAdapter):
    """backward() replaces .grad with the new gradient instead of adding into it."""

    deviation_kind = "inverted"

    def backward(self, tensor: Any, *, gradient: Any, retain_graph: Any, inputs: Any = None, create_graph: bool = False) -> None:
        for leaf in _targets(tensor, inputs):
            leaf.grad = None
        super().backward(tensor, gradient=gradient, retain_graph=retain_graph, inputs=inputs, create_graph=create_graph)


class GradAccumulatesOutOfPlace(TorchAdapter):
    """backward() sums into a new .grad tensor: a .grad read earlier does not see later sums."""

    deviation_kind = "inverted"

    def backward(self, tensor: Any, *, gradient: Any, retain_graph: Any, inputs: Any = None, create_graph: bool = False) -> None:
        earlier = {}
        for leaf in _targets(tensor, inputs):
            if leaf.grad is not None:
                earlier[id(leaf)] = (leaf, leaf.grad)
                leaf.grad = None
        super().backward(tensor, gradient=gradient, retain_graph=retain_graph, inputs=inputs, create_graph=create_graph)
        for leaf, old in earlier.values():
            leaf.grad = old if leaf.grad is None else old + leaf.grad


class ZeroGradFillsZeros(TorchAdapter):
    """zero_grad() fills gradients with zeros whatever set_to_none says (the pre-2.0 default)."""

    deviation_kind = "inverted"

    def zero_grad(self, obj: Any, *, set_to_none: bool = True) -> None:
        super().zero_grad(obj, set_to_none=False)


class ZeroGradAlwaysNone(TorchAdapter):
    """zero_grad(set_to_none=False) sets the gradients to None too."""

    deviation_kind = "leaking"

    def zero_grad(self, obj: Any, *, set_to_none: bool = True) -> None:
        super().zero_grad(obj, set_to_none=True)


# -- non-leaf gradients ------------------------------------------------------------------------


class EveryResultRetainsGrad(TorchAdapter):
    """Every computed tensor keeps its gradient, as if retain_grad() had been called on it."""

    deviation_kind = "leaking"

    def _retaining(self, result: Any) -> Any:
        if self.is_tensor(result) and result.requires_grad and not result.is_leaf:
            result.retain_grad()
        return result

    def unary(self, name: str, x: Any) -> Any:
        return self._retaining(super().unary(name, x))

    def binary(self, name: str, a: Any, b: Any) -> Any:
        return self._retaining(super().binary(name, a, b))


class RetainGradIgnored(TorchAdapter):
    """retain_grad() does nothing (and never raises)."""

    deviation_kind = "missing"

    def retain_grad(self, tensor: Any) -> None:
        return None


class RetainGradIsAnOrdinaryHook(TorchAdapter):
    """retain_grad() registers an ordinary hook that records the gradient where it stands among
    the tensor's hooks (PyTorch before 2.0): hooks registered after it are not seen."""

    deviation_kind = "partial"

    def __init__(self) -> None:
        super().__init__()
        self._retained: dict[int, list[Any]] = {}

    def retain_grad(self, tensor: Any) -> None:
        if not tensor.requires_grad:
            raise_from_library(RuntimeError("can't retain_grad on Tensor that has requires_grad=False"))
        if tensor.is_leaf or id(tensor) in self._retained:
            return
        slot = [tensor, None]
        self._retained[id(tensor)] = slot

        def record(grad: Any) -> None:
            slot[1] = grad.clone() if slot[1] is None else slot[1] + grad

        tensor.register_hook(record)

    def grad(self, tensor: Any) -> Any:
        slot = self._retained.get(id(tensor))
        return slot[1] if slot is not None and slot[0] is tensor else tensor.grad

    def retains_grad(self, tensor: Any) -> bool:
        slot = self._retained.get(id(tensor))
        return (slot is not None and slot[0] is tensor) or tensor.retains_grad


# -- backward ------------------------------------------------------------------------------------


class GraphNeverFreed(TorchAdapter):
    """backward() always keeps the graph, so a second backward silently runs again."""

    deviation_kind = "missing"

    def backward(self, tensor: Any, *, gradient: Any, retain_graph: Any, inputs: Any = None, create_graph: bool = False) -> None:
        super().backward(tensor, gradient=gradient, retain_graph=True, inputs=inputs, create_graph=create_graph)


class RetainGraphIgnored(TorchAdapter):
    """backward(retain_graph=True) frees the graph anyway."""

    deviation_kind = "missing"

    def backward(self, tensor: Any, *, gradient: Any, retain_graph: Any, inputs: Any = None, create_graph: bool = False) -> None:
        super().backward(tensor, gradient=gradient, retain_graph=None, inputs=inputs, create_graph=create_graph)


class NonScalarBackwardUsesOnes(TorchAdapter):
    """backward() of a non-scalar output without a gradient uses a gradient of ones."""

    deviation_kind = "leaking"

    def backward(self, tensor: Any, *, gradient: Any, retain_graph: Any, inputs: Any = None, create_graph: bool = False) -> None:
        if gradient is None and tensor.numel() != 1:
            gradient = self.torch.ones_like(tensor)
        super().backward(tensor, gradient=gradient, retain_graph=retain_graph, inputs=inputs, create_graph=create_graph)


class GivenGradientIgnored(TorchAdapter):
    """backward(gradient=v) of a non-scalar output uses ones instead of v."""

    deviation_kind = "missing"

    def backward(self, tensor: Any, *, gradient: Any, retain_graph: Any, inputs: Any = None, create_graph: bool = False) -> None:
        if gradient is not None and tensor.numel() != 1:
            gradient = self.torch.ones_like(tensor)
        super().backward(tensor, gradient=gradient, retain_graph=retain_graph, inputs=inputs, create_graph=create_graph)


class MismatchedGradientTruncated(TorchAdapter):
    """A gradient of the wrong shape is accepted when it has enough elements: its first
    elements are used, reshaped to the output's shape."""

    deviation_kind = "partial"

    def backward(self, tensor: Any, *, gradient: Any, retain_graph: Any, inputs: Any = None, create_graph: bool = False) -> None:
        if gradient is not None and gradient.shape != tensor.shape and gradient.numel() >= tensor.numel():
            gradient = gradient.reshape(-1)[: tensor.numel()].reshape(tensor.shape)
        super().backward(tensor, gradient=gradient, retain_graph=retain_graph, inputs=inputs, create_graph=create_graph)


class BackwardOfConstantIsSilent(TorchAdapter):
    """backward() of a tensor with no graph does nothing instead of raising."""

    deviation_kind = "missing"

    def backward(self, tensor: Any, *, gradient: Any, retain_graph: Any, inputs: Any = None, create_graph: bool = False) -> None:
        if tensor.requires_grad:
            super().backward(tensor, gradient=gradient, retain_graph=retain_graph, inputs=inputs, create_graph=create_graph)


class NonScalarAutogradGradUsesOnes(TorchAdapter):
    """autograd_grad() of a non-scalar output without grad_outputs uses a gradient of ones."""

    deviation_kind = "leaking"

    def autograd_grad(self, outputs: Any, inputs: Any, *, grad_outputs: Any, **options: Any) -> tuple[Any, ...]:
        if grad_outputs is None:
            if self.is_tensor(outputs):
                grad_outputs = self.torch.ones_like(outputs) if outputs.numel() != 1 else None
            elif any(output.numel() != 1 for output in outputs):
                grad_outputs = [self.torch.ones_like(output) for output in outputs]
        return super().autograd_grad(outputs, inputs, grad_outputs=grad_outputs, **options)


class BackwardCreateGraphIgnored(TorchAdapter):
    """backward(create_graph=True) accumulates a .grad that is not differentiable (no graph of
    the derivative is built; the graph of the output is kept, as create_graph implies)."""

    deviation_kind = "missing"

    def backward(self, tensor: Any, *, gradient: Any, retain_graph: Any, inputs: Any = None, create_graph: bool = False) -> None:
        if create_graph and retain_graph is None:
            retain_graph = True
        super().backward(tensor, gradient=gradient, retain_graph=retain_graph, inputs=inputs, create_graph=False)


class BackwardInputsIgnored(TorchAdapter):
    """backward(inputs=[...]) accumulates into every leaf of the graph."""

    deviation_kind = "leaking"

    def backward(self, tensor: Any, *, gradient: Any, retain_graph: Any, inputs: Any = None, create_graph: bool = False) -> None:
        super().backward(tensor, gradient=gradient, retain_graph=retain_graph, inputs=None, create_graph=create_graph)


# -- autograd_grad -------------------------------------------------------------------------------


class AutogradGradOfConstantInputGivesZeros(TorchAdapter):
    """autograd_grad() with respect to an input that does not require grad returns zeros."""

    deviation_kind = "missing"

    def autograd_grad(self, outputs: Any, inputs: Any, **options: Any) -> tuple[Any, ...]:
        inputs = list(inputs)
        tracked = [t for t in inputs if t.requires_grad]
        found = iter(super().autograd_grad(outputs, tracked, **options) if tracked else ())
        return tuple(next(found) if t.requires_grad else self.torch.zeros_like(t) for t in inputs)


class UnusedInputsAllowedByDefault(TorchAdapter):
    """autograd_grad() returns None for an unused input instead of raising (allow_unused defaults to True)."""

    deviation_kind = "inverted"

    def autograd_grad(self, outputs: Any, inputs: Any, *, allow_unused: Any, **options: Any) -> tuple[Any, ...]:
        return super().autograd_grad(outputs, inputs, allow_unused=True if allow_unused is None else allow_unused, **options)


class AllowUnusedGivesZeros(TorchAdapter):
    """autograd_grad(allow_unused=True) returns zeros for unused inputs instead of None."""

    deviation_kind = "leaking"

    def autograd_grad(self, outputs: Any, inputs: Any, *, allow_unused: Any, materialize_grads: bool, **options: Any) -> tuple[Any, ...]:
        if allow_unused:
            materialize_grads = True
        return super().autograd_grad(outputs, inputs, allow_unused=allow_unused, materialize_grads=materialize_grads, **options)


class MaterializeGradsIgnored(TorchAdapter):
    """autograd_grad(materialize_grads=True) returns None for unused inputs (and never refuses
    allow_unused=False with it)."""

    deviation_kind = "missing"

    def autograd_grad(self, outputs: Any, inputs: Any, *, allow_unused: Any, materialize_grads: bool, **options: Any) -> tuple[Any, ...]:
        if materialize_grads:
            allow_unused, materialize_grads = True, False
        return super().autograd_grad(outputs, inputs, allow_unused=allow_unused, materialize_grads=materialize_grads, **options)


class MaterializeConflictAllowed(TorchAdapter):
    """materialize_grads=True with allow_unused=False is accepted instead of refused."""

    deviation_kind = "missing"

    def autograd_grad(self, outputs: Any, inputs: Any, *, allow_unused: Any, materialize_grads: bool, **options: Any) -> tuple[Any, ...]:
        if materialize_grads and allow_unused is False:
            allow_unused = None
        return super().autograd_grad(outputs, inputs, allow_unused=allow_unused, materialize_grads=materialize_grads, **options)


class AutogradGradAccumulates(TorchAdapter):
    """autograd_grad() also adds the gradients into the inputs' .grad, like backward()."""

    deviation_kind = "leaking"

    def autograd_grad(self, outputs: Any, inputs: Any, **options: Any) -> tuple[Any, ...]:
        inputs = list(inputs)
        grads = super().autograd_grad(outputs, inputs, **options)
        for tensor, grad in zip(inputs, grads):
            if grad is not None:
                tensor.grad = grad.detach().clone() if tensor.grad is None else tensor.grad + grad.detach()
        return grads


class CreateGraphIgnored(TorchAdapter):
    """autograd_grad(create_graph=True) returns gradients that are not differentiable."""

    deviation_kind = "missing"

    def autograd_grad(self, outputs: Any, inputs: Any, *, create_graph: bool, retain_graph: Any, **options: Any) -> tuple[Any, ...]:
        if retain_graph is None:
            retain_graph = create_graph
        return super().autograd_grad(outputs, inputs, create_graph=False, retain_graph=retain_graph, **options)


class AutogradGradAlwaysCreatesGraph(TorchAdapter):
    """autograd_grad() always builds the graph of the gradients, as if create_graph=True were the default."""

    deviation_kind = "leaking"

    def autograd_grad(self, outputs: Any, inputs: Any, *, create_graph: bool, retain_graph: Any, **options: Any) -> tuple[Any, ...]:
        if retain_graph is None:
            retain_graph = create_graph
        return super().autograd_grad(outputs, inputs, create_graph=True, retain_graph=retain_graph, **options)


class RetainGraphDefaultsToFalse(TorchAdapter):
    """autograd_grad() frees the graph unless retain_graph=True, even with create_graph=True."""

    deviation_kind = "inverted"

    def autograd_grad(self, outputs: Any, inputs: Any, *, retain_graph: Any, **options: Any) -> tuple[Any, ...]:
        return super().autograd_grad(outputs, inputs, retain_graph=bool(retain_graph), **options)


# -- hooks ---------------------------------------------------------------------------------------


class HookResultIgnored(TorchAdapter):
    """Tensor hooks are called, but a tensor they return does not replace the gradient."""

    deviation_kind = "missing"

    def register_hook(self, tensor: Any, hook: Any, *, when: str) -> Any:
        if when == "grad":
            def observe(grad: Any) -> None:
                hook(grad)
            return super().register_hook(tensor, observe, when=when)
        return super().register_hook(tensor, hook, when=when)


class HooksRunInReverseOrder(TorchAdapter):
    """A tensor's hooks run from the last registered to the first."""

    deviation_kind = "inverted"

    def __init__(self) -> None:
        super().__init__()
        self._hooks: dict[int, list[Any]] = {}

    def register_hook(self, tensor: Any, hook: Any, *, when: str) -> Any:
        if when != "grad":
            return super().register_hook(tensor, hook, when=when)
        hooks = self._hooks.get(id(tensor))
        if hooks is None or hooks[0] is not tensor:
            hooks = [tensor]
            self._hooks[id(tensor)] = hooks

            def run_all(grad: Any) -> Any:
                for registered in reversed(hooks[1:]):
                    result = registered(grad)
                    grad = grad if result is None else result
                return grad

            tensor.register_hook(run_all)
        hooks.append(hook)
        return _ListHandle(hooks, hook)


class _ListHandle:
    def __init__(self, hooks: list[Any], hook: Any) -> None:
        self.hooks = hooks
        self.hook = hook

    def remove(self) -> None:
        if self.hook in self.hooks:
            self.hooks.remove(self.hook)


class _PendingHook:
    """A hook registered with the library only when a backward starts."""

    def __init__(self, pending: list[_PendingHook], tensor: Any, hook: Any) -> None:
        self.pending, self.tensor, self.hook = pending, tensor, hook
        self.handle: Any = None

    def remove(self) -> None:
        if self.handle is not None:
            self.handle.remove()
        elif self in self.pending:
            self.pending.remove(self)


class HooksBindToFinalValue(TorchAdapter):
    """A tensor hook is bound to the tensor's value when backward runs, not when it was
    registered: a hook registered before an in-place change sees the gradient with respect to
    the changed value."""

    deviation_kind = "inverted"

    def __init__(self) -> None:
        super().__init__()
        self._pending: list[_PendingHook] = []

    def register_hook(self, tensor: Any, hook: Any, *, when: str) -> Any:
        if when != "grad":
            return super().register_hook(tensor, hook, when=when)
        entry = _PendingHook(self._pending, tensor, hook)
        self._pending.append(entry)
        return entry

    def _bind(self) -> None:
        for entry in self._pending:
            entry.handle = super().register_hook(entry.tensor, entry.hook, when="grad")
        self._pending.clear()

    def backward(self, tensor: Any, *, gradient: Any, retain_graph: Any, inputs: Any = None, create_graph: bool = False) -> None:
        self._bind()
        super().backward(tensor, gradient=gradient, retain_graph=retain_graph, inputs=inputs, create_graph=create_graph)

    def autograd_grad(self, outputs: Any, inputs: Any, **options: Any) -> Any:
        self._bind()
        return super().autograd_grad(outputs, inputs, **options)


class PostAccumulateHookRunsInGradMode(TorchAdapter):
    """Post-accumulate-grad hooks run with grad mode on, as the code around the backward does."""

    deviation_kind = "leaking"

    def register_hook(self, tensor: Any, hook: Any, *, when: str) -> Any:
        if when != "post_accumulate":
            return super().register_hook(tensor, hook, when=when)

        def in_grad_mode(leaf: Any) -> Any:
            with self.torch.enable_grad():
                return hook(leaf)

        return super().register_hook(tensor, in_grad_mode, when=when)


class HookRemoveIgnored(TorchAdapter):
    """handle.remove() leaves the hook registered."""

    deviation_kind = "missing"

    def remove_hook(self, handle: Any) -> None:
        return None


class HookRunsOnce(TorchAdapter):
    """A tensor hook runs in the first backward only: once it has run, it is dropped."""

    deviation_kind = "partial"

    def register_hook(self, tensor: Any, hook: Any, *, when: str) -> Any:
        if when != "grad":
            return super().register_hook(tensor, hook, when=when)
        ran = [False]

        def once(grad: Any) -> Any:
            if ran[0]:
                return None
            ran[0] = True
            return hook(grad)

        return super().register_hook(tensor, once, when=when)


class HookOnConstantAccepted(TorchAdapter):
    """register_hook() on a tensor that does not require grad returns a handle instead of raising."""

    deviation_kind = "missing"

    def register_hook(self, tensor: Any, hook: Any, *, when: str) -> Any:
        if when == "grad" and not tensor.requires_grad:
            return _ListHandle([], hook)
        return super().register_hook(tensor, hook, when=when)


class PostAccumulateHookRunsBeforeAccumulation(TorchAdapter):
    """A post-accumulate-grad hook runs when the leaf's gradient is computed, before it is
    added into .grad."""

    deviation_kind = "inverted"

    def register_hook(self, tensor: Any, hook: Any, *, when: str) -> Any:
        if when == "post_accumulate":
            if not tensor.is_leaf:
                raise_from_library(RuntimeError("post accumulate grad hooks cannot be registered on non-leaf tensors"))

            def before(grad: Any) -> None:
                hook(tensor)

            return tensor.register_hook(before)
        return super().register_hook(tensor, hook, when=when)


class PostAccumulateHookOnNonLeafAccepted(TorchAdapter):
    """register_post_accumulate_grad_hook() on a non-leaf returns a handle instead of raising."""

    deviation_kind = "missing"

    def register_hook(self, tensor: Any, hook: Any, *, when: str) -> Any:
        if when == "post_accumulate" and not tensor.is_leaf:
            return _ListHandle([], hook)
        return super().register_hook(tensor, hook, when=when)


# -- gradient layout and assignment --------------------------------------------------------------


class GradAlwaysContiguous(TorchAdapter):
    """A newly created .grad is always row-major contiguous, whatever the leaf's strides."""

    deviation_kind = "partial"

    def backward(self, tensor: Any, *, gradient: Any, retain_graph: Any, inputs: Any = None, create_graph: bool = False) -> None:
        fresh = [leaf for leaf in _targets(tensor, inputs) if leaf.grad is None]
        super().backward(tensor, gradient=gradient, retain_graph=retain_graph, inputs=inputs, create_graph=create_graph)
        for leaf in fresh:
            if leaf.grad is not None:
                leaf.grad = leaf.grad.contiguous()


class NonDenseGradCopiesStrides(TorchAdapter):
    """A newly created .grad copies the leaf's strides even when the leaf is not dense."""

    deviation_kind = "partial"

    def backward(self, tensor: Any, *, gradient: Any, retain_graph: Any, inputs: Any = None, create_graph: bool = False) -> None:
        fresh = [leaf for leaf in _targets(tensor, inputs) if leaf.grad is None]
        super().backward(tensor, gradient=gradient, retain_graph=retain_graph, inputs=inputs, create_graph=create_graph)
        for leaf in fresh:
            if leaf.grad is not None and leaf.grad.stride() != leaf.stride():
                strided = self.torch.empty_strided(leaf.shape, leaf.stride(), dtype=leaf.grad.dtype, device=leaf.grad.device)
                strided.copy_(leaf.grad)
                leaf.grad = strided


class ZeroingGradMakesItContiguous(TorchAdapter):
    """zero_() of a .grad that is not row-major contiguous sets .grad to a new row-major zero
    tensor instead of zeroing the gradient in place."""

    deviation_kind = "partial"

    def __init__(self) -> None:
        super().__init__()
        self._owners: dict[int, tuple[Any, Any]] = {}  # id(.grad) -> (.grad, its tensor)

    def grad(self, tensor: Any) -> Any:
        result = super().grad(tensor)
        if result is not None:
            self._owners[id(result)] = (result, tensor)
        return result

    def inplace(self, name: str, tensor: Any, *args: Any) -> Any:
        owner = self._owners.get(id(tensor)) if name == "zero_" else None
        if owner is not None and owner[0] is tensor and owner[1].grad is tensor and not tensor.is_contiguous():
            fresh = self.torch.zeros(tensor.shape, dtype=tensor.dtype, device=tensor.device)
            owner[1].grad = fresh
            return fresh
        return super().inplace(name, tensor, *args)


class GradInOutputDtype(TorchAdapter):
    """A leaf's gradient comes back in the dtype of the output backward started from: a float32
    leaf multiplied by a float64 tensor gets a float64 .grad."""

    deviation_kind = "partial"

    def __init__(self) -> None:
        super().__init__()
        self._dtypes: dict[int, tuple[Any, Any]] = {}

    def backward(self, tensor: Any, *, gradient: Any, retain_graph: Any, inputs: Any = None, create_graph: bool = False) -> None:
        super().backward(tensor, gradient=gradient, retain_graph=retain_graph, inputs=inputs, create_graph=create_graph)
        for leaf in _targets(tensor, inputs):
            self._dtypes[id(leaf)] = (leaf, tensor.dtype)  # the leaf is kept alive with its id

    def grad(self, tensor: Any) -> Any:
        grad = super().grad(tensor)
        recorded = self._dtypes.get(id(tensor))
        if grad is None or recorded is None or recorded[0] is not tensor:
            return grad
        return grad.to(recorded[1])


class ComplexGradsNotConjugated(TorchAdapter):
    """The .grad of a complex leaf is the Wirtinger derivative dL/dz, not its conjugate dL/dz*."""

    deviation_kind = "inverted"

    def grad(self, tensor: Any) -> Any:
        grad = super().grad(tensor)
        return grad.conj().resolve_conj() if grad is not None and grad.is_complex() else grad


class GradAssignmentCastsDtype(TorchAdapter):
    """Assigning a .grad of another dtype converts it to the tensor's dtype instead of raising."""

    deviation_kind = "missing"

    def set_grad(self, tensor: Any, value: Any) -> None:
        if value is not None and value.dtype != tensor.dtype:
            value = value.to(tensor.dtype)
        super().set_grad(tensor, value)


class MismatchedGradAssignmentIgnored(TorchAdapter):
    """Assigning a .grad of another shape is silently ignored."""

    deviation_kind = "missing"

    def set_grad(self, tensor: Any, value: Any) -> None:
        if value is not None and value.shape != tensor.shape:
            return
        super().set_grad(tensor, value)


class AssigningNoneIgnored(TorchAdapter):
    """Assigning None to .grad leaves the gradient in place."""

    deviation_kind = "missing"

    def set_grad(self, tensor: Any, value: Any) -> None:
        if value is not None:
            super().set_grad(tensor, value)


class AutogradBackwardFirstRootOnly(TorchAdapter):
    """autograd_backward() of several roots backpropagates the first root only."""

    deviation_kind = "partial"

    def autograd_backward(self, tensors: list[Any], *, grad_tensors: list[Any] | None) -> None:
        super().autograd_backward(tensors[:1], grad_tensors=None if grad_tensors is None else grad_tensors[:1])


#: Each planted deviation and the grad specs that must report it as a failure.
CAUGHT_BY: dict[type[TorchAdapter], set[str]] = {
    EveryLeafGetsAGrad: {"grad.accumulate.default_none_then_sum"},
    BackwardOverwritesGrad: {"grad.accumulate.default_none_then_sum", "grad.backward.twice_error_and_retain_graph_retained",
                             "grad.hooks.register_hook_remove", "grad.hooks.post_accumulate_grad"},
    GradAccumulatesOutOfPlace: {"grad.layout.assigned_grad_strides_kept", "grad.accumulate.default_none_then_sum"},
    ZeroGradFillsZeros: {"grad.zero_grad.set_to_none_default", "grad.zero_grad.set_to_none_default_module"},
    ZeroGradAlwaysNone: {"grad.zero_grad.set_to_none_default", "grad.zero_grad.set_to_none_default_module"},
    EveryResultRetainsGrad: {"grad.nonleaf.retain_grad", "grad.nonleaf.retains_grad"},
    RetainGradIgnored: {"grad.nonleaf.retain_grad", "grad.nonleaf.retain_grad_requires_grad",
                        "grad.hooks.retain_grad_sees_hooked_grad", "grad.nonleaf.retains_grad"},
    RetainGradIsAnOrdinaryHook: {"grad.hooks.retain_grad_sees_hooked_grad"},
    GraphNeverFreed: {"grad.backward.twice_error_and_retain_graph"},
    RetainGraphIgnored: {"grad.backward.twice_error_and_retain_graph_retained"},
    NonScalarBackwardUsesOnes: {"grad.backward.nonscalar_needs_gradient"},
    NonScalarAutogradGradUsesOnes: {"grad.backward.nonscalar_needs_gradient_autograd_grad"},
    GivenGradientIgnored: {"grad.backward.nonscalar_needs_gradient_vjp"},
    MismatchedGradientTruncated: {"grad.backward.nonscalar_needs_gradient_shape_mismatch"},
    BackwardOfConstantIsSilent: {"grad.backward.requires_graph", "grad.backward.requires_graph_no_grad"},
    BackwardInputsIgnored: {"grad.backward.inputs_nonleaf_gets_grad", "grad.backward.inputs_restricts_accumulation"},
    BackwardCreateGraphIgnored: {"grad.backward.create_graph_replaces_grad", "grad.backward.create_graph"},
    AutogradGradOfConstantInputGivesZeros: {"grad.backward.requires_graph_autograd_grad"},
    UnusedInputsAllowedByDefault: {"grad.autograd_grad.allow_unused_materialize_default_error"},
    AllowUnusedGivesZeros: {"grad.autograd_grad.allow_unused_materialize"},
    MaterializeGradsIgnored: {"grad.autograd_grad.materialize_grads_zeros",
                              "grad.autograd_grad.allow_unused_materialize_conflict"},
    MaterializeConflictAllowed: {"grad.autograd_grad.allow_unused_materialize_conflict"},
    AutogradGradAccumulates: {"grad.autograd_grad.returns_without_accumulating_and_create_graph",
                              "grad.autograd_grad.returns_without_accumulating_and_create_graph_retains_graph"},
    AutogradGradAlwaysCreatesGraph: {"grad.autograd_grad.returns_without_accumulating_and_create_graph_default_false"},
    CreateGraphIgnored: {"grad.autograd_grad.returns_without_accumulating_and_create_graph_higher_order"},
    RetainGraphDefaultsToFalse: {"grad.autograd_grad.returns_without_accumulating_and_create_graph_retains_graph"},
    HookResultIgnored: {"grad.hooks.register_hook_fires_for_autograd_grad_inputs", "grad.hooks.register_hook", "grad.hooks.register_hook_order",
                        "grad.hooks.retain_grad_sees_hooked_grad"},
    HooksRunInReverseOrder: {"grad.hooks.register_hook_order"},
    HookRemoveIgnored: {"grad.hooks.register_hook_remove", "grad.hooks.post_accumulate_grad_remove"},
    HookRunsOnce: {"grad.hooks.register_hook_every_backward"},
    HookOnConstantAccepted: {"grad.hooks.register_hook_requires_grad"},
    PostAccumulateHookRunsBeforeAccumulation: {"grad.hooks.post_accumulate_grad"},
    PostAccumulateHookOnNonLeafAccepted: {"grad.hooks.post_accumulate_grad_nonleaf"},
    GradAlwaysContiguous: {"grad.layout.matches_param_strides"},
    NonDenseGradCopiesStrides: {"grad.layout.matches_param_strides_non_dense"},
    ZeroingGradMakesItContiguous: {"grad.layout.matches_param_strides_zero_keeps"},
    PostAccumulateHookRunsInGradMode: {"grad.hooks.post_accumulate_grad_mode"},
    HooksBindToFinalValue: {"grad.hooks.register_hook_inplace_binding"},
    GradInOutputDtype: {"grad.mixed_dtype.grads_keep_input_dtypes"},
    ComplexGradsNotConjugated: {"grad.complex.conjugate_wirtinger"},
    GradAssignmentCastsDtype: {"grad.assign.validation_dtype"},
    MismatchedGradAssignmentIgnored: {"grad.assign.validation_shape"},
    AssigningNoneIgnored: {"grad.assign.validation_none"},
    AutogradBackwardFirstRootOnly: {"grad.autograd_backward.several_roots"},
}
