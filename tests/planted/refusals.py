"""Planted deviations for documented refusals and the specs that observe storage, node names
and the order of hooks: shapes that do not broadcast, in-place results of another shape or a
higher dtype category, complex outputs without a fitting gradient, and .detach()'s storage."""

from __future__ import annotations

from typing import Any

from gradspec.adapters.torch_adapter import TorchAdapter
from tests.planted.aliasing import ViewInplaceNotRecordedOnBase

#: The in-place methods of the broadcasting and type-promotion specs.
_BINARY_INPLACE = {"add_": "add", "sub_": "sub", "mul_": "mul", "div_": "div"}


def _unbroadcastable(a: tuple[int, ...], b: tuple[int, ...]) -> list[int]:
    """The dimensions, counted from the last (-1, -2...), where two shapes cannot broadcast."""
    return [-at for at in range(1, min(len(a), len(b)) + 1) if a[-at] != b[-at] and 1 not in (a[-at], b[-at])]


def _narrowed(tensor: Any, dims: list[int], sides: dict[int, int]) -> Any:
    for dim in dims:
        tensor = tensor.narrow(dim, 0, sides[dim])
    return tensor


class UnbroadcastableShapesTruncated(TorchAdapter):
    """Shapes that do not broadcast are cut to the smaller side at each dimension where they
    differ, so the operation gives a result instead of raising."""

    deviation_kind = "missing"

    def binary(self, name: str, a: Any, b: Any) -> Any:
        if self.is_tensor(a) and self.is_tensor(b):
            dims = _unbroadcastable(tuple(a.shape), tuple(b.shape))
            sides = {dim: min(a.shape[dim], b.shape[dim]) for dim in dims}
            a, b = _narrowed(a, dims, sides), _narrowed(b, dims, sides)
        return super().binary(name, a, b)


class ZeroSideBroadcasts(TorchAdapter):
    """A dimension of size 0 broadcasts against any size, giving an empty result."""

    deviation_kind = "partial"

    def binary(self, name: str, a: Any, b: Any) -> Any:
        if self.is_tensor(a) and self.is_tensor(b):
            dims = [dim for dim in _unbroadcastable(tuple(a.shape), tuple(b.shape)) if 0 in (a.shape[dim], b.shape[dim])]
            sides = dict.fromkeys(dims, 0)
            a, b = _narrowed(a, dims, sides), _narrowed(b, dims, sides)
        return super().binary(name, a, b)


class InplaceWidensTensor(TorchAdapter):
    """An in-place operation whose operands broadcast to a larger shape gives its tensor that
    shape instead of raising."""

    deviation_kind = "missing"

    def inplace(self, name: str, tensor: Any, *args: Any) -> Any:
        if name in _BINARY_INPLACE and self.is_tensor(args[0]):
            shape = tuple(self.torch.broadcast_shapes(tensor.shape, args[0].shape))
            if shape != tuple(tensor.shape):
                return tensor.set_(getattr(self.torch, _BINARY_INPLACE[name])(tensor, args[0]))
        return super().inplace(name, tensor, *args)


class InplaceBroadcastUsesFirstElement(TorchAdapter):
    """An in-place operation whose operand has another shape than its tensor uses only the
    operand's first element."""

    deviation_kind = "partial"

    def inplace(self, name: str, tensor: Any, *args: Any) -> Any:
        if name in _BINARY_INPLACE and self.is_tensor(args[0]) and args[0].shape != tensor.shape and args[0].numel():
            return super().inplace(name, tensor, args[0].reshape(-1)[0])
        return super().inplace(name, tensor, *args)


def _category(torch: Any, dtype: Any) -> int:
    """0 for bool, 1 for integer, 2 for floating and 3 for complex dtypes."""
    if dtype == torch.bool:
        return 0
    return 3 if dtype.is_complex else 2 if dtype.is_floating_point else 1


class InplaceResultCastDown(TorchAdapter):
    """An in-place operation whose result is of a higher category than its tensor casts the
    result down into the tensor (dropping fractions or imaginary parts) instead of raising."""

    deviation_kind = "missing"

    def inplace(self, name: str, tensor: Any, *args: Any) -> Any:
        if name in ("add_", "mul_") and self.is_tensor(args[0]):
            result = self.torch.result_type(tensor, args[0])
            if _category(self.torch, result) > _category(self.torch, tensor.dtype):
                out_of_place = getattr(self.torch, _BINARY_INPLACE[name])(tensor, args[0])
                return tensor.copy_(out_of_place.real if out_of_place.is_complex() else out_of_place)
        return super().inplace(name, tensor, *args)


class InplaceTakesPromotedDtype(TorchAdapter):
    """An in-place operation with an operand of another dtype gives its tensor the promoted
    dtype (float32 *= float64 makes it float64) instead of keeping the tensor's."""

    deviation_kind = "inverted"

    def inplace(self, name: str, tensor: Any, *args: Any) -> Any:
        if name in ("add_", "mul_") and self.is_tensor(args[0]):
            result = self.torch.result_type(tensor, args[0])
            if result != tensor.dtype and self.torch.can_cast(result, tensor.dtype):
                return tensor.set_(getattr(self.torch, _BINARY_INPLACE[name])(tensor, args[0]))
        return super().inplace(name, tensor, *args)


class ComplexImplicitGradientOne(TorchAdapter):
    """backward() without a gradient on a complex scalar uses a gradient of 1 instead of raising."""

    deviation_kind = "missing"

    def backward(self, tensor: Any, *, gradient: Any, **options: Any) -> None:
        if gradient is None and tensor.is_complex() and tensor.numel() == 1:
            gradient = self.torch.ones_like(tensor)
        super().backward(tensor, gradient=gradient, **options)


class GradCastToOutputDtype(TorchAdapter):
    """A gradient of the wrong complex-ness is cast to the output's dtype (a complex one to its
    real part) instead of raising."""

    deviation_kind = "missing"

    def backward(self, tensor: Any, *, gradient: Any, **options: Any) -> None:
        if self.is_tensor(gradient) and gradient.is_complex() != tensor.is_complex():
            gradient = (gradient.real if gradient.is_complex() else gradient).to(tensor.dtype)
        super().backward(tensor, gradient=gradient, **options)


class NodePostHooksRunAsPreHooks(TorchAdapter):
    """A node's post-hooks run before the node, with its pre-hooks (given the gradients of its
    outputs for both arguments), instead of after it."""

    deviation_kind = "inverted"

    def register_node_hook(self, node: Any, hook: Any, *, when: str) -> Any:
        if when == "post":

            def early(grad_outputs: Any) -> None:
                hook(grad_outputs, grad_outputs)

            return super().register_node_hook(node, early, when="pre")
        return super().register_node_hook(node, hook, when=when)


class DetachReturnsACopy(TorchAdapter):
    """.detach() returns a copy of the tensor's values in new storage."""

    deviation_kind = "inverted"

    def detach(self, tensor: Any) -> Any:
        return tensor.detach().clone()


#: Each planted deviation and the specs that must report it as a failure.
CAUGHT_BY = {
    UnbroadcastableShapesTruncated: {
        "broadcasting.binary.unbroadcastable_shapes_raise",
        "broadcasting.binary.zero_side_does_not_broadcast",
    },
    ZeroSideBroadcasts: {"broadcasting.binary.zero_side_does_not_broadcast"},
    InplaceWidensTensor: {"broadcasting.inplace.widening_raises"},
    InplaceBroadcastUsesFirstElement: {"broadcasting.inplace.keeps_shape"},
    InplaceResultCastDown: {
        "type_promotion.inplace.category_upward_raises",
        "type_promotion.inplace.float_by_complex_raises",
    },
    InplaceTakesPromotedDtype: {"type_promotion.inplace.same_or_lower_category_allowed"},
    ComplexImplicitGradientOne: {"grad.backward.complex_implicit_raises"},
    GradCastToOutputDtype: {"grad.backward.grad_complexness_mismatch_raises"},
    NodePostHooksRunAsPreHooks: {"graph.node_hooks.firing_order"},
    DetachReturnsACopy: {"aliasing.detach.same_storage"},
    ViewInplaceNotRecordedOnBase: {"aliasing.inplace.view_of_nonleaf_base_copy_slices"},
}
