"""Planted deviations of out= (``add(a, b, out=c)``) and of resize_() on from_numpy() tensors."""

from __future__ import annotations

from typing import Any

from gradspec.adapters.torch_adapter import TorchAdapter


class OutWithoutVersionBump(TorchAdapter):
    """out= writes the result through ``.data``, so the out tensor's version counter never moves."""

    deviation_kind = "missing"

    def into(self, name: str, out: Any, *operands: Any) -> Any:
        out.data.copy_(getattr(self.torch, name)(*operands))
        return out


class OutNotWritten(TorchAdapter):
    """out= marks the out tensor changed but leaves its values as they were."""

    deviation_kind = "missing"

    def into(self, name: str, out: Any, *operands: Any) -> Any:
        getattr(self.torch, name)(*operands)
        self.torch.autograd.graph.increment_version(out)
        return out


class OutCastsUpward(TorchAdapter):
    """out= casts any result into the out tensor's dtype (a float result truncated into an int
    out, a complex one's real part into a float out) instead of refusing a higher category."""

    deviation_kind = "missing"

    def into(self, name: str, out: Any, *operands: Any) -> Any:
        result = getattr(self.torch, name)(*operands)
        if result.is_complex() and not out.is_complex():
            result = result.real
        return out.copy_(result)


class OutRefusesOtherDtype(TorchAdapter):
    """out= refuses any result whose dtype is not the out tensor's, even of the same or a lower
    category (an int64 result into a float32 out): it computes such a result in complex128,
    which torch then refuses to cast into the out tensor."""

    deviation_kind = "partial"

    def into(self, name: str, out: Any, *operands: Any) -> Any:
        function = getattr(self.torch, name)
        if function(*operands).dtype != out.dtype:
            operands = tuple(operand.to(self.torch.complex128) for operand in operands)
        return function(*operands, out=out)


class FromNumpyResizable(TorchAdapter):
    """resize_() of a tensor whose memory cannot grow (one made by from_numpy()) gives it new
    memory of its own instead of refusing."""

    deviation_kind = "missing"

    def resize_(self, tensor: Any, shape: tuple[int, ...]) -> Any:
        try:
            return tensor.resize_(*shape)
        except RuntimeError:
            return tensor.set_(self.torch.zeros(shape, dtype=tensor.dtype))


CAUGHT_BY = {
    OutWithoutVersionBump: {"aliasing.out_argument.bumps_version"},
    OutNotWritten: {"aliasing.out_argument.bumps_version"},
    OutCastsUpward: {"type_promotion.out.category_upward_raises", "type_promotion.out.float_by_complex_raises"},
    OutRefusesOtherDtype: {"type_promotion.out.same_or_lower_category_allowed"},
    FromNumpyResizable: {"numpy.from_numpy_not_resizable"},
}
