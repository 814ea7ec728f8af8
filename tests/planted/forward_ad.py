"""Planted deviations for the dual-tensor specs (specs/forward_ad/): each adapter wraps
PyTorch's ``torch.autograd.forward_ad`` and breaks one documented behaviour of it."""
from __future__ import annotations

from typing import Any

from gradspec.adapters.torch_adapter import TorchAdapter


class TangentDoubled(TorchAdapter):
    """unpack_dual() gives twice the Jacobian-vector product."""

    deviation_kind = "numeric"

    def unpack_dual(self, tensor: Any) -> Any:
        primal, tangent = super().unpack_dual(tensor)
        return primal, None if tangent is None else tangent * 2


class DualOutsideLevelAccepted(TorchAdapter):
    """make_dual() outside any dual_level gives back the primal instead of raising."""

    deviation_kind = "missing"

    def make_dual(self, primal: Any, tangent: Any) -> Any:
        try:
            return super().make_dual(primal, tangent)
        except RuntimeError:
            return primal


class MissingTangentIsZeros(TorchAdapter):
    """unpack_dual() of a tensor that carries no tangent gives zeros, not None."""

    deviation_kind = "inverted"

    def unpack_dual(self, tensor: Any) -> Any:
        primal, tangent = super().unpack_dual(tensor)
        return primal, self.torch.zeros_like(primal) if tangent is None else tangent


class IntegerDualCast(TorchAdapter):
    """make_dual() converts an integer primal or tangent to float64 instead of raising."""

    deviation_kind = "missing"

    def make_dual(self, primal: Any, tangent: Any) -> Any:
        def floating(t: Any) -> Any:
            return t if t.is_floating_point() or t.is_complex() else t.to(self.torch.float64)

        return super().make_dual(floating(primal), floating(tangent))


class UnpackedPrimalIsACopy(TorchAdapter):
    """unpack_dual() gives a copy of the primal, so changes through it are lost."""

    deviation_kind = "inverted"

    def unpack_dual(self, tensor: Any) -> Any:
        primal, tangent = super().unpack_dual(tensor)
        return primal.clone(), tangent


class _EnteredOnce:
    """A dual level that is entered only where none is."""

    def __init__(self, level: Any) -> None:
        self.level = level
        self.entered = False

    def __enter__(self) -> Any:
        try:
            self.level.__enter__()
            self.entered = True
        except RuntimeError:
            pass
        return self

    def __exit__(self, *exc: Any) -> bool:
        return bool(self.entered and self.level.__exit__(*exc))


class NestedLevelsAccepted(TorchAdapter):
    """A dual_level inside another is accepted (and ignored) instead of raising."""

    deviation_kind = "missing"

    def dual_level(self) -> Any:
        return _EnteredOnce(super().dual_level())


class TangentDetached(TorchAdapter):
    """unpack_dual() gives a tangent detached from the graph, so backward cannot go through it."""

    deviation_kind = "missing"

    def unpack_dual(self, tensor: Any) -> Any:
        primal, tangent = super().unpack_dual(tensor)
        return primal, None if tangent is None else tangent.detach()


class DetachKeepsTangent(TorchAdapter):
    """detach() drops the graph but keeps the tensor's tangent."""

    deviation_kind = "leaking"

    def detach(self, tensor: Any) -> Any:
        detached = super().detach(tensor)
        tangent = self.torch.autograd.forward_ad.unpack_dual(tensor).tangent
        return detached if tangent is None else self.torch.autograd.forward_ad.make_dual(detached, tangent)


CAUGHT_BY = {
    TangentDoubled: {"forward_ad.dual.tangent_is_jvp", "forward_ad.dual.backward_through_tangents"},
    DualOutsideLevelAccepted: {"forward_ad.make_dual.outside_level_raises"},
    MissingTangentIsZeros: {"forward_ad.dual_level.tangents_gone_after_exit", "forward_ad.inference_mode.drops_tangents"},
    IntegerDualCast: {"forward_ad.make_dual.integer_raises"},
    UnpackedPrimalIsACopy: {"forward_ad.unpack_dual.primal_is_view"},
    NestedLevelsAccepted: {"forward_ad.dual_level.nested_raises"},
    TangentDetached: {"forward_ad.dual.backward_through_tangents"},
    DetachKeepsTangent: {"forward_ad.detach.drops_tangents"},
}

