"""Deliberately non-conforming adapters: each wraps the PyTorch adapter and changes exactly
one documented behaviour.  ``CAUGHT_BY`` names the specs that must report each one, so the
own tests prove that every spec's "pass" can fail."""
from __future__ import annotations

import contextlib
import copy
from typing import Any

import numpy as np

from gradspec.adapters.torch_adapter import TorchAdapter
from gradspec.values import OMITTED


class RequiresGradByDefault(TorchAdapter):
    """tensor() without requires_grad gives a floating tensor that requires grad."""

    deviation_kind = "inverted"

    def tensor(self, array: np.ndarray, *, requires_grad: Any, device: str) -> Any:
        if requires_grad is OMITTED and array.dtype.kind == "f":
            requires_grad = True
        return super().tensor(array, requires_grad=requires_grad, device=device)


class FactoriesRequireGrad(TorchAdapter):
    """zeros()/ones() without requires_grad give tensors that require grad."""

    deviation_kind = "inverted"

    def create(self, factory: str, shape: Any, dtype: Any, *, requires_grad: Any, device: str) -> Any:
        return super().create(factory, shape, dtype, requires_grad=True if requires_grad is OMITTED else requires_grad, device=device)


class LikeInheritsRequiresGrad(TorchAdapter):
    """zeros_like()/ones_like() copy requires_grad from their input."""

    deviation_kind = "leaking"

    def create_like(self, factory: str, other: Any) -> Any:
        return super().create_like(factory, other).requires_grad_(other.requires_grad)


class IntegersSilentlyDropRequiresGrad(TorchAdapter):
    """Asking an integer tensor to require grad is ignored instead of refused."""

    deviation_kind = "missing"

    def tensor(self, array: np.ndarray, *, requires_grad: Any, device: str) -> Any:
        if array.dtype.kind != "f":
            requires_grad = OMITTED
        return super().tensor(array, requires_grad=requires_grad, device=device)


class SigmoidIsNotRecorded(TorchAdapter):
    """One unary operation (sigmoid) returns a result that does not require grad."""

    deviation_kind = "partial"

    def unary(self, name: str, x: Any) -> Any:
        result = super().unary(name, x)
        return result.detach() if name == "sigmoid" else result


class RightOperandIgnored(TorchAdapter):
    """A binary result requires grad only when its left operand does."""

    deviation_kind = "partial"

    def binary(self, name: str, a: Any, b: Any) -> Any:
        result = super().binary(name, a, b)
        left_requires = self.is_tensor(a) and a.requires_grad
        return result if left_requires or not self.is_tensor(result) else result.detach()


class ReductionAlongDimIsNotRecorded(TorchAdapter):
    """A reduction over one dimension drops the graph."""

    deviation_kind = "partial"

    def reduce(self, name: str, x: Any, *, dim: int | None) -> Any:
        result = super().reduce(name, x, dim=dim)
        return result if dim is None else result.detach()


class MatmulIsNotRecorded(TorchAdapter):
    """Matrix products drop the graph."""

    deviation_kind = "partial"

    def binary(self, name: str, a: Any, b: Any) -> Any:
        result = super().binary(name, a, b)
        return result.detach() if name == "matmul" else result


class LeavesHaveGradFn(TorchAdapter):
    """Leaves report a grad_fn node."""

    deviation_kind = "leaking"

    def grad_fn(self, tensor: Any) -> Any:
        return tensor.grad_fn if tensor.grad_fn is not None else "AccumulateGrad"


class ParametersFrozenByDefault(TorchAdapter):
    """Linear layers are created with parameters that do not require grad."""

    deviation_kind = "inverted"
    deviation_area = "requires_grad"

    def linear(self, in_features: int, out_features: int, *, bias: bool, device: str) -> Any:
        return super().linear(in_features, out_features, bias=bias, device=device).requires_grad_(False)


class EveryLeafGetsAGrad(TorchAdapter):
    """.grad of a leaf that took no part in backward reads as zeros instead of None."""

    deviation_kind = "leaking"
    deviation_area = "grad"

    def grad(self, tensor: Any) -> Any:
        if tensor.grad is None and tensor.is_leaf and tensor.dtype.is_floating_point:
            return self.torch.zeros_like(tensor)
        return tensor.grad


class FreezingIsIgnored(TorchAdapter):
    """Setting requires_grad = False on a parameter does nothing."""

    deviation_kind = "missing"

    def set_requires_grad(self, tensor: Any, value: bool) -> None:
        if value:
            super().set_requires_grad(tensor, value)


class BackwardWithoutGraphIsSilent(TorchAdapter):
    """backward() of a tensor with no graph does nothing instead of raising."""

    deviation_kind = "missing"

    def backward(self, tensor: Any, **options: Any) -> None:
        if tensor.requires_grad:
            super().backward(tensor, **options)


class NoGradIgnored(TorchAdapter):
    """no_grad() is a context manager and decorator that changes nothing."""

    deviation_kind = "missing"

    def grad_mode(self, name: str, *args: Any) -> Any:
        if name == "no_grad":
            return _Nothing(*args)
        return super().grad_mode(name, *args)

    def call(self, obj: Any, *args: Any, **kwargs: Any) -> Any:
        return obj(*args, **kwargs) if isinstance(obj, _Nothing) else super().call(obj, *args, **kwargs)


class _Nothing(contextlib.ContextDecorator):
    def __new__(cls, *function: Any) -> Any:
        instance = super().__new__(cls)
        return instance(function[0]) if function else instance

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: Any) -> None:
        return None


class NoGradLeaks(TorchAdapter):
    """Leaving no_grad does not turn grad mode back on."""

    deviation_kind = "leaking"

    def grad_mode(self, name: str, *args: Any) -> Any:
        if name == "no_grad" and not args:
            return _Leaking(self.torch)
        return super().grad_mode(name, *args)

    def call(self, obj: Any, *args: Any, **kwargs: Any) -> Any:
        return obj(*args, **kwargs) if isinstance(obj, _Leaking) else super().call(obj, *args, **kwargs)


class _Leaking(contextlib.ContextDecorator):
    def __init__(self, torch: Any) -> None:
        self.torch = torch

    def __enter__(self) -> None:
        self.torch.set_grad_enabled(False)

    def __exit__(self, *exc: Any) -> None:
        return None


class InnerNoGradRestoresGrad(TorchAdapter):
    """Leaving a no_grad block always turns grad mode on, even inside an outer no_grad."""

    deviation_kind = "partial"

    def grad_mode(self, name: str, *args: Any) -> Any:
        if name == "no_grad" and not args:
            return _AlwaysRestoresOn(self.torch)
        return super().grad_mode(name, *args)

    def call(self, obj: Any, *args: Any, **kwargs: Any) -> Any:
        return obj(*args, **kwargs) if isinstance(obj, _AlwaysRestoresOn) else super().call(obj, *args, **kwargs)


class _AlwaysRestoresOn(contextlib.ContextDecorator):
    def __init__(self, torch: Any) -> None:
        self.torch = torch

    def __enter__(self) -> None:
        self.torch.set_grad_enabled(False)

    def __exit__(self, *exc: Any) -> None:
        self.torch.set_grad_enabled(True)


class EnableGradIgnored(TorchAdapter):
    """enable_grad() does nothing inside no_grad."""

    deviation_kind = "missing"

    def grad_mode(self, name: str, *args: Any) -> Any:
        return _Nothing(*args) if name == "enable_grad" else super().grad_mode(name, *args)

    def call(self, obj: Any, *args: Any, **kwargs: Any) -> Any:
        return obj(*args, **kwargs) if isinstance(obj, _Nothing) else super().call(obj, *args, **kwargs)


class BareDecoratorDoesNothing(TorchAdapter):
    """@no_grad without parentheses returns the function undecorated."""

    deviation_kind = "partial"

    def grad_mode(self, name: str, *args: Any) -> Any:
        if name == "no_grad" and args:
            return args[0]
        return super().grad_mode(name, *args)


class DataIsACopy(TorchAdapter):
    """.data returns a copy instead of an alias."""

    deviation_kind = "inverted"

    def data(self, tensor: Any) -> Any:
        return tensor.detach().clone()


class DetachIsACopy(TorchAdapter):
    """.detach() returns a copy instead of an alias."""

    deviation_kind = "inverted"

    def detach(self, tensor: Any) -> Any:
        return tensor.detach().clone()


class DetachIsUntracked(TorchAdapter):
    """.detach() behaves like .data: in-place changes through it are not version-checked."""

    deviation_kind = "missing"

    def detach(self, tensor: Any) -> Any:
        return tensor.data


class ToAlwaysCopies(TorchAdapter):
    """.to() and .cpu() copy even when the tensor is already there."""

    deviation_kind = "missing"

    def to(self, obj: Any, target: Any) -> Any:
        result = super().to(obj, target)
        return result.clone() if self.is_tensor(result) and result is obj else result


class ToDropsTheGraph(TorchAdapter):
    """.to('cpu') returns a tensor that no longer requires grad."""

    deviation_kind = "missing"

    def to(self, obj: Any, target: Any) -> Any:
        result = super().to(obj, target)
        return result.detach().clone() if self.is_tensor(result) and target == "cpu" else result


class ModuleToReturnsACopy(TorchAdapter):
    """Module.to() returns a moved copy with new parameters."""

    deviation_kind = "inverted"

    def to(self, obj: Any, target: Any) -> Any:
        if isinstance(obj, self.nn.Module):
            return copy.deepcopy(obj).to(target)
        return super().to(obj, target)


class NumpyIgnoresRequiresGrad(TorchAdapter):
    """numpy() of a tensor that requires grad works."""

    deviation_kind = "missing"

    def numpy(self, tensor: Any, *, force: bool = False) -> np.ndarray:
        return tensor.detach().numpy()


class NumpyCopies(TorchAdapter):
    """numpy() returns a copy instead of sharing memory."""

    deviation_kind = "inverted"

    def numpy(self, tensor: Any, *, force: bool = False) -> np.ndarray:
        return tensor.numpy().copy()


class NumpyWidensFloat32(TorchAdapter):
    """numpy() of a float32 tensor gives a float64 array."""

    deviation_kind = "partial"

    def numpy(self, tensor: Any, *, force: bool = False) -> np.ndarray:
        array = tensor.numpy()
        return array.astype(np.float64) if array.dtype == np.float32 else array


class ItemAlwaysFloat(TorchAdapter):
    """item() returns a float whatever the dtype."""

    deviation_kind = "missing"

    def item(self, tensor: Any) -> Any:
        return float(tensor.item())


class ItemTakesFirstElement(TorchAdapter):
    """item() of a tensor with several elements returns the first instead of raising."""

    deviation_kind = "missing"

    def item(self, tensor: Any) -> Any:
        return tensor.reshape(-1)[0].item() if tensor.numel() > 1 else tensor.item()


class TolistWrapsScalars(TorchAdapter):
    """tolist() of a 0-d tensor returns a one-element list."""

    deviation_kind = "partial"

    def tolist(self, tensor: Any) -> Any:
        result = tensor.tolist()
        return [result] if tensor.dim() == 0 else result


#: Each planted deviation and the specs that must report it as a failure.
CAUGHT_BY: dict[type[TorchAdapter], set[str]] = {
    RequiresGradByDefault: {"requires_grad.factory.default_false", "requires_grad.inputs.only_those_requiring_grad_get_grad"},
    FactoriesRequireGrad: {"requires_grad.factory.default_false"},
    LikeInheritsRequiresGrad: {"requires_grad.factory.like_does_not_inherit"},
    IntegersSilentlyDropRequiresGrad: {"requires_grad.dtype.integer_factory_error"},
    SigmoidIsNotRecorded: {"requires_grad.propagation.unary_ops", "requires_grad.leaf.is_leaf_and_grad_fn", "grad_mode.no_grad.context"},
    RightOperandIgnored: {"requires_grad.propagation.binary_ops"},
    ReductionAlongDimIsNotRecorded: {"requires_grad.propagation.reductions"},
    MatmulIsNotRecorded: {"requires_grad.propagation.matmul"},
    LeavesHaveGradFn: {"requires_grad.leaf.is_leaf_and_grad_fn"},
    ParametersFrozenByDefault: {"requires_grad.parameter.default_true"},
    EveryLeafGetsAGrad: {"requires_grad.inputs.only_those_requiring_grad_get_grad", "freezing.transfer_learning.trains_only_new_head"},
    FreezingIsIgnored: {"freezing.transfer_learning.trains_only_new_head", "freezing.all_frozen.backward_raises",
                        "freezing.frozen_layer_outputs_do_not_require_grad"},
    BackwardWithoutGraphIsSilent: {"freezing.all_frozen.backward_raises"},
    NoGradIgnored: {"grad_mode.no_grad.context", "grad_mode.no_grad.binary_ops", "grad_mode.no_grad.nested", "grad_mode.no_grad.decorator",
                    "grad.backward.requires_graph_no_grad"},
    NoGradLeaks: {"grad_mode.no_grad.context", "grad_mode.no_grad.nested", "grad_mode.enable_grad.overrides_no_grad"},
    InnerNoGradRestoresGrad: {"grad_mode.no_grad.nested"},
    EnableGradIgnored: {"grad_mode.enable_grad.overrides_no_grad", "grad_mode.enable_grad.overrides_no_grad.gradients_flow"},
    BareDecoratorDoesNothing: {"grad_mode.no_grad.decorator"},
    DataIsACopy: {"aliasing.data.shares_storage", "aliasing.data.inplace_is_untracked"},
    DetachIsACopy: {"aliasing.detach.shares_storage", "aliasing.detach.inplace_is_detected"},
    DetachIsUntracked: {"aliasing.detach.inplace_is_detected"},
    ToAlwaysCopies: {"device.to.same_device_is_identity", "device.cpu.of_cpu_tensor_is_itself"},
    ToDropsTheGraph: {"device.to.round_trip_keeps_values_and_grad"},
    ModuleToReturnsACopy: {"device.module_to.keeps_parameters"},
    NumpyIgnoresRequiresGrad: {"numpy.requires_grad_error"},
    NumpyCopies: {"numpy.tensor_numpy.shares_memory"},
    NumpyWidensFloat32: {"numpy.detach_cpu_numpy.values"},
    ItemAlwaysFloat: {"item.single_element"},
    ItemTakesFirstElement: {"item.numel_must_be_one"},
    TolistWrapsScalars: {"tolist.matches_numpy"},
}
