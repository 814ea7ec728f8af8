"""Planted deviations for the device, item and tolist specs: each wraps the PyTorch adapter
and breaks one documented behaviour the way a real library might."""
from __future__ import annotations

from typing import Any

import numpy as np

from gradspec.adapters.torch_adapter import TorchAdapter
from gradspec.values import DType
from tests.planted.library import raise_from_library

# -- device -------------------------------------------------------------------------------


class DeviceStringsCarryAnIndex(TorchAdapter):
    """A CPU tensor reports its device as 'cpu:0' (the index torch.device('cpu', 0) has)."""

    deviation_kind = "leaking"

    def device(self, tensor: Any) -> str:
        name = super().device(tensor)
        return "cpu:0" if name == "cpu" else name


class SameDtypeConversionCopies(TorchAdapter):
    """.to(dtype) copies even when the tensor already has that dtype."""

    deviation_kind = "missing"

    def to(self, obj: Any, target: Any) -> Any:
        result = super().to(obj, target)
        return result.clone() if isinstance(target, DType) and result is obj else result


class SameWidthConversionReinterprets(TorchAdapter):
    """.to(dtype) between dtypes of the same width returns a bit-reinterpreting view of the
    source (like Tensor.view(dtype)) instead of a new tensor."""

    deviation_kind = "partial"

    def to(self, obj: Any, target: Any) -> Any:
        if isinstance(target, DType) and self.is_tensor(obj) and obj.dtype != self._dtype(target) \
                and obj.element_size() == target.numpy.itemsize and obj.dim() > 0:
            return obj.detach().view(self._dtype(target))
        return super().to(obj, target)


class DtypeConversionDropsTheGraph(TorchAdapter):
    """.to(dtype) of a tensor that requires grad returns a result outside the graph."""

    deviation_kind = "missing"

    def to(self, obj: Any, target: Any) -> Any:
        result = super().to(obj, target)
        return result.detach() if isinstance(target, DType) and self.is_tensor(result) and result is not obj else result


class ModuleConversionReplacesParameters(TorchAdapter):
    """Module.to() swaps in new Parameter objects (torch's own opt-in
    torch.__future__.set_overwrite_module_params_on_conversion(True) behaviour)."""

    deviation_kind = "inverted"

    def to(self, obj: Any, target: Any) -> Any:
        if not isinstance(obj, self.nn.Module):
            return super().to(obj, target)
        future = self.torch.__future__
        previous = future.get_overwrite_module_params_on_conversion()
        future.set_overwrite_module_params_on_conversion(True)
        try:
            return super().to(obj, target)
        finally:
            future.set_overwrite_module_params_on_conversion(previous)


class CudaMoveSilentlyStaysOnCpu(TorchAdapter):
    """.to('cuda') on a machine without CUDA returns the tensor unchanged instead of raising."""

    deviation_kind = "missing"

    def to(self, obj: Any, target: Any) -> Any:
        if isinstance(target, str) and target.startswith("cuda") and not self.torch.cuda.is_available():
            return obj
        return super().to(obj, target)


# -- item -----------------------------------------------------------------------------------


class ItemBoolIsInt(TorchAdapter):
    """item() of a bool tensor returns 0 or 1."""

    deviation_kind = "partial"

    def item(self, tensor: Any) -> Any:
        value = tensor.item()
        return int(value) if type(value) is bool else value


class ItemIntegersGoThroughFloat(TorchAdapter):
    """item() of an integer tensor goes through a double, losing large int64 values."""

    deviation_kind = "partial"

    def item(self, tensor: Any) -> Any:
        value = tensor.item()
        return int(float(value)) if type(value) is int else value


class ItemOfEmptyIsNan(TorchAdapter):
    """item() of a tensor with no element returns nan instead of raising."""

    deviation_kind = "partial"

    def item(self, tensor: Any) -> Any:
        return float("nan") if tensor.numel() == 0 else tensor.item()


class ItemHalfIsNumpyScalar(TorchAdapter):
    """item() of a float16 tensor returns a NumPy float16 scalar instead of a Python float."""

    deviation_kind = "partial"

    def item(self, tensor: Any) -> Any:
        value = tensor.item()
        return np.float16(value) if tensor.dtype == self.torch.float16 else value


class ItemComplexDropsImaginary(TorchAdapter):
    """item() of a complex tensor returns its real part as a float."""

    deviation_kind = "partial"

    def item(self, tensor: Any) -> Any:
        value = tensor.item()
        return value.real if isinstance(value, complex) else value


class ItemStaysInTheGraph(TorchAdapter):
    """item() returns a 0-d tensor that is still part of the graph, not a Python number."""

    deviation_kind = "leaking"

    def item(self, tensor: Any) -> Any:
        if tensor.numel() != 1:
            return tensor.item()
        return tensor.reshape(())


# -- tolist ---------------------------------------------------------------------------------


class TolistFlattens(TorchAdapter):
    """tolist() of a tensor of two or more dimensions returns a flat list."""

    deviation_kind = "partial"

    def tolist(self, tensor: Any) -> Any:
        return tensor.reshape(-1).tolist() if tensor.dim() > 1 else tensor.tolist()


class TolistGoesThroughNumpy(TorchAdapter):
    """tolist() is implemented as numpy().tolist(), so it refuses tensors that require grad."""

    deviation_kind = "leaking"

    def tolist(self, tensor: Any) -> Any:
        return tensor.cpu().numpy().tolist()


class TolistBoolsAsInts(TorchAdapter):
    """tolist() of a bool tensor gives 0 and 1."""

    deviation_kind = "partial"

    def tolist(self, tensor: Any) -> Any:
        return tensor.to(self.torch.int64).tolist() if tensor.dtype == self.torch.bool else tensor.tolist()


#: Each planted deviation and the specs (run on the CPU) that must report it as a failure.
CAUGHT_BY: dict[type[TorchAdapter], set[str]] = {
    DeviceStringsCarryAnIndex: {"device.construction_and_equality"},
    SameDtypeConversionCopies: {"device.to.same_returns_self_copy_true_copies.dtype"},
    SameWidthConversionReinterprets: {"device.to.same_returns_self_copy_true_copies.dtype"},
    DtypeConversionDropsTheGraph: {"device.to.conversion_is_differentiable.dtype", "device.to.conversion_is_differentiable.nonleaf"},
    ModuleConversionReplacesParameters: {"device.module_to_in_place.dtype", "device.module_to.keeps_parameters"},
    CudaMoveSilentlyStaysOnCpu: {"device.cuda.unavailable_raises"},
    ItemBoolIsInt: {"item.python_type_per_dtype", "item.single_element"},
    ItemIntegersGoThroughFloat: {"item.python_type_per_dtype"},
    ItemOfEmptyIsNan: {"item.numel_must_be_one.empty", "item.numel_must_be_one"},
    ItemHalfIsNumpyScalar: {"item.python_type_per_dtype.float16"},
    ItemComplexDropsImaginary: {"item.python_type_per_dtype.complex"},
    ItemStaysInTheGraph: {"item.not_differentiable_no_error", "item.not_differentiable_no_error.complex",
                          "item.python_type_per_dtype"},
    TolistGoesThroughNumpy: {"tolist.not_differentiable_no_error", "tolist.not_differentiable_no_error.complex"},
    TolistFlattens: {"tolist.nesting_matches_ndim", "tolist.matches_numpy"},
    TolistBoolsAsInts: {"tolist.matches_numpy"},
}


# -- CUDA-only specs ------------------------------------------------------------------------
# The deviations below break behaviours that only the devices: [cuda] specs check.  They are
# not in CAUGHT_BY: tests/test_planted_deviations.py runs on the CPU, where those specs are not
# applicable.  Written without a GPU; unverified.


class CudaIndexlessMoveCopies(TorchAdapter):
    """.to('cuda') copies a tensor already on the current CUDA device (as if 'cuda' were not
    the device the tensor is on)."""

    def to(self, obj: Any, target: Any) -> Any:
        result = super().to(obj, target)
        return result.clone() if target == "cuda" and self.is_tensor(result) and result is obj else result


class DeviceMoveDropsTheGraph(TorchAdapter):
    """A move to another device returns a tensor outside the graph."""

    def to(self, obj: Any, target: Any) -> Any:
        result = super().to(obj, target)
        if isinstance(target, str) and self.is_tensor(obj) and result is not obj:
            return result.detach().requires_grad_(obj.requires_grad) if obj.is_floating_point() else result.detach()
        return result


class BinaryMovesOperandsImplicitly(TorchAdapter):
    """A binary operation mixing devices moves the CPU operand to the other operand's device."""

    def binary(self, name: str, a: Any, b: Any) -> Any:
        if self.is_tensor(a) and self.is_tensor(b) and a.device != b.device:
            target = b.device if a.device.type == "cpu" else a.device
            a, b = a.to(target), b.to(target)
        return super().binary(name, a, b)


class CpuScalarNotMoved(TorchAdapter):
    """A 0-d CPU tensor mixed with a tensor on another device raises like any CPU tensor."""

    def binary(self, name: str, a: Any, b: Any) -> Any:
        if self.is_tensor(a) and self.is_tensor(b) and a.device != b.device:
            raise_from_library(RuntimeError(f"Expected all tensors to be on the same device, but found at least two devices, {a.device} and {b.device}!"))
        return super().binary(name, a, b)


class TolistNeedsCpu(TorchAdapter):
    """tolist() and item() of a tensor not in CPU memory raise, as numpy() does."""

    def tolist(self, tensor: Any) -> Any:
        return tensor.numpy().tolist() if tensor.device.type != "cpu" else tensor.tolist()

    def item(self, tensor: Any) -> Any:
        return tensor.numpy().item() if tensor.device.type != "cpu" else tensor.item()


#: The CUDA-only specs each of these must fail (unverified; see above).
CUDA_CAUGHT_BY: dict[type[TorchAdapter], set[str]] = {
    CudaIndexlessMoveCopies: {"device.construction_and_equality.indexless_is_current"},
    DeviceMoveDropsTheGraph: {"device.to.conversion_is_differentiable.device"},
    BinaryMovesOperandsImplicitly: {"device.cross_device.no_implicit_move", "device.cross_device.no_implicit_move.device_scalar"},
    CpuScalarNotMoved: {"device.cross_device.no_implicit_move.cpu_scalar"},
    TolistNeedsCpu: {"tolist.moves_to_cpu"},
}
