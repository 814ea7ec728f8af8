"""Planted deviations of the conversion forms of to() (copy=, two targets, another tensor's)
and of device objects: each wraps the PyTorch adapter and breaks one documented behaviour."""

from __future__ import annotations

from typing import Any

from gradspec.adapters.torch_adapter import TorchAdapter
from gradspec.values import OMITTED, DType


class CopyTrueReturnsSelfWhenNothingChanges(TorchAdapter):
    """to(..., copy=True) ignores copy= and returns the tensor itself when its dtype and device already match."""

    deviation_kind = "missing"

    def to_copy(self, obj: Any, target: Any, *, copy: bool) -> Any:
        return self.to(obj, target)

    def to_device_dtype(self, obj: Any, device: Any, dtype: DType, *, copy: Any = OMITTED) -> Any:
        return super().to_device_dtype(obj, device, dtype)

    def to_other(self, obj: Any, other: Any, *, copy: Any = OMITTED) -> Any:
        return super().to_other(obj, other)


class CopyTrueAliasesTheSource(TorchAdapter):
    """to(..., copy=True) with nothing to change returns a new tensor object that shares the source's memory (a view)."""

    deviation_kind = "inverted"

    def _alias(self, obj: Any, result: Any, copy: Any) -> Any:
        unchanged = self.is_tensor(result) and result.dtype == obj.dtype and result.device == obj.device
        return obj.view_as(obj) if copy is True and unchanged else result

    def to_copy(self, obj: Any, target: Any, *, copy: bool) -> Any:
        return self._alias(obj, super().to_copy(obj, target, copy=copy), copy)

    def to_device_dtype(self, obj: Any, device: Any, dtype: DType, *, copy: Any = OMITTED) -> Any:
        return self._alias(obj, super().to_device_dtype(obj, device, dtype, copy=copy), copy)

    def to_other(self, obj: Any, other: Any, *, copy: Any = OMITTED) -> Any:
        return self._alias(obj, super().to_other(obj, other, copy=copy), copy)


class TwoTargetConversionCopies(TorchAdapter):
    """to(device, dtype) copies even when the tensor already has that device and dtype."""

    deviation_kind = "inverted"

    def to_device_dtype(self, obj: Any, device: Any, dtype: DType, *, copy: Any = OMITTED) -> Any:
        result = super().to_device_dtype(obj, device, dtype, copy=copy)
        return result.clone() if result is obj and self.is_tensor(obj) else result


class OtherTargetConversionCopies(TorchAdapter):
    """to(other) copies even when the tensor already has other's dtype and device."""

    deviation_kind = "inverted"

    def to_other(self, obj: Any, other: Any, *, copy: Any = OMITTED) -> Any:
        result = super().to_other(obj, other, copy=copy)
        return result.clone() if result is obj else result


class DeviceIndexZeroWhereAbsent(TorchAdapter):
    """A device object built from a bare type ('cuda') gets index 0, as if the ordinal were always given."""

    deviation_kind = "leaking"

    def device_object(self, spec: Any, index: Any = None) -> Any:
        if index is None and isinstance(spec, str) and ":" not in spec:
            index = 0
        return super().device_object(spec, index)


class DevicePairDropsTheIndex(TorchAdapter):
    """A device object built from (type, index) drops the index: ('cuda', 1) names the current CUDA device."""

    deviation_kind = "partial"

    def device_object(self, spec: Any, index: Any = None) -> Any:
        return super().device_object(spec)


CAUGHT_BY = {
    CopyTrueReturnsSelfWhenNothingChanges: {"device.to.copy_true_copies", "device.to.copy_true_copies.two_targets_and_other"},
    CopyTrueAliasesTheSource: {"device.to.copy_true_copies", "device.to.copy_true_copies.two_targets_and_other"},
    TwoTargetConversionCopies: {"device.to.same_returns_self.two_targets_and_other"},
    OtherTargetConversionCopies: {"device.to.same_returns_self.two_targets_and_other"},
    DeviceIndexZeroWhereAbsent: {"device.device_object.construction"},
    DevicePairDropsTheIndex: {"device.device_object.construction"},
}
