"""Planted deviations of the NumPy bridge: numpy(), from_numpy(), as_tensor() and tensor().

Each adapter wraps PyTorch and changes one documented behaviour the way a real library
might (copying instead of sharing, widening a dtype, resolving lazy bits silently...).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from gradspec.adapters.torch_adapter import TorchAdapter
from tests.planted.library import raise_from_library


class NumpyDetachesSilently(TorchAdapter):
    """numpy() of a tensor that requires grad detaches it instead of refusing."""

    deviation_kind = "missing"

    def numpy(self, tensor: Any, *, force: bool = False) -> np.ndarray:
        return super().numpy(tensor.detach(), force=force)


class NumpyResolvesLazyBits(TorchAdapter):
    """numpy() of a tensor with the conjugate or negative bit set returns the resolved values."""

    deviation_kind = "missing"

    def numpy(self, tensor: Any, *, force: bool = False) -> np.ndarray:
        return super().numpy(tensor.resolve_conj().resolve_neg(), force=force)


class NumpyIgnoresLazyBits(TorchAdapter):
    """numpy() of a tensor with a lazy bit set returns the memory as it is, ignoring the bit
    (so conj() and the negated .imag view read as the unconjugated values)."""

    deviation_kind = "missing"

    def numpy(self, tensor: Any, *, force: bool = False) -> np.ndarray:
        if tensor.is_conj():
            tensor = tensor.conj()
        elif tensor.is_neg():
            tensor = self.torch.neg(tensor).resolve_neg()
        return super().numpy(tensor, force=force)


class NumpyReturnsCopy(TorchAdapter):
    """numpy() returns a copy of the tensor's values instead of sharing its memory."""

    deviation_kind = "inverted"

    def numpy(self, tensor: Any, *, force: bool = False) -> np.ndarray:
        return super().numpy(tensor, force=force).copy()


class NumpyMakesContiguous(TorchAdapter):
    """numpy() of a non-contiguous tensor returns a contiguous copy (C order)."""

    deviation_kind = "partial"

    def numpy(self, tensor: Any, *, force: bool = False) -> np.ndarray:
        array = super().numpy(tensor, force=force)
        return array if array.flags.c_contiguous else np.ascontiguousarray(array)


class NumpyZeroDimIsOneElement(TorchAdapter):
    """numpy() of a 0-d tensor gives a 1-d array of one element (a view of the same memory)."""

    deviation_kind = "partial"

    def numpy(self, tensor: Any, *, force: bool = False) -> np.ndarray:
        return super().numpy(tensor.reshape(1) if tensor.dim() == 0 else tensor, force=force)


class NumpyWidensSmallIntegers(TorchAdapter):
    """numpy() of int8/int16/int32/uint8 and bool tensors gives int64 arrays."""

    deviation_kind = "partial"

    def numpy(self, tensor: Any, *, force: bool = False) -> np.ndarray:
        array = super().numpy(tensor, force=force)
        return array.astype(np.int64) if array.dtype.kind in "biu" else array


class NumpyHalfAsFloat32(TorchAdapter):
    """numpy() of a float16 tensor gives a float32 array; complex64 gives complex128."""

    deviation_kind = "partial"

    def numpy(self, tensor: Any, *, force: bool = False) -> np.ndarray:
        array = super().numpy(tensor, force=force)
        widened = {np.dtype(np.float16): np.float32, np.dtype(np.complex64): np.complex128}.get(array.dtype)
        return array if widened is None else array.astype(widened)


class ForceIsIgnored(TorchAdapter):
    """numpy(force=True) behaves like numpy(): it still refuses tensors that require grad."""

    deviation_kind = "missing"

    def numpy(self, tensor: Any, *, force: bool = False) -> np.ndarray:
        return super().numpy(tensor)


class ForceCopies(TorchAdapter):
    """numpy(force=True) always returns a copy, even for a plain CPU tensor."""

    deviation_kind = "missing"

    def numpy(self, tensor: Any, *, force: bool = False) -> np.ndarray:
        array = super().numpy(tensor, force=force)
        return array.copy() if force else array


class ForceKeepsLazyBits(TorchAdapter):
    """numpy(force=True) detaches but does not resolve the lazy bits: it reads the memory as
    it is, so a conjugated tensor gives the unconjugated values."""

    deviation_kind = "missing"

    def numpy(self, tensor: Any, *, force: bool = False) -> np.ndarray:
        if not force:
            return super().numpy(tensor)
        tensor = tensor.detach().cpu()
        if tensor.is_conj():
            tensor = tensor.conj()
        elif tensor.is_neg():
            tensor = self.torch.neg(tensor).resolve_neg()
        return tensor.numpy()


class ForceResolvesInPlaceOfOriginal(TorchAdapter):
    """numpy(force=True) of a conjugated tensor returns an array that aliases the original
    tensor's memory (resolving by conjugating the storage in place)."""

    deviation_kind = "leaking"

    def numpy(self, tensor: Any, *, force: bool = False) -> np.ndarray:
        if force and tensor.is_conj():
            base = tensor.conj().detach()  # the original memory, bit cleared
            array = base.numpy()
            np.conjugate(array, out=array)
            return array
        return super().numpy(tensor, force=force)


class FromNumpyCopies(TorchAdapter):
    """from_numpy() copies the array instead of sharing its memory."""

    deviation_kind = "inverted"

    def from_numpy(self, array: np.ndarray) -> Any:
        return self.torch.from_numpy(array.copy())


class FromNumpyDefaultsToFloat32(TorchAdapter):
    """from_numpy() of a float64 array gives float32 (the default dtype), copying it."""

    deviation_kind = "partial"

    def from_numpy(self, array: np.ndarray) -> Any:
        tensor = self.torch.from_numpy(array)
        return tensor.to(self.torch.float32) if tensor.dtype == self.torch.float64 else tensor


class FromNumpyRequiresGrad(TorchAdapter):
    """from_numpy() of a floating array gives a tensor that requires grad."""

    deviation_kind = "inverted"

    def from_numpy(self, array: np.ndarray) -> Any:
        tensor = self.torch.from_numpy(array)
        return tensor.requires_grad_() if tensor.is_floating_point() else tensor


class FromNumpyRefusesSmallIntegers(TorchAdapter):
    """from_numpy() refuses int8, int16 and uint8 arrays as unsupported dtypes."""

    deviation_kind = "partial"

    def from_numpy(self, array: np.ndarray) -> Any:
        if array.dtype in (np.int8, np.int16, np.uint8):
            raise_from_library(TypeError(f"can't convert np.ndarray of type numpy.{array.dtype.name}. The only supported types are: ..."))
        return self.torch.from_numpy(array)


class FromNumpyDropsStrides(TorchAdapter):
    """from_numpy() of a non-contiguous array returns a contiguous copy."""

    deviation_kind = "partial"

    def from_numpy(self, array: np.ndarray) -> Any:
        return self.torch.from_numpy(np.ascontiguousarray(array))


class FromNumpyCopiesNegativeStrides(TorchAdapter):
    """from_numpy() of an array with negative strides silently copies it instead of refusing."""

    deviation_kind = "missing"

    def from_numpy(self, array: np.ndarray) -> Any:
        if any(stride < 0 for stride in array.strides):
            array = array.copy()
        return self.torch.from_numpy(array)


class FromNumpyParsesStrings(TorchAdapter):
    """from_numpy() of a string array parses the strings as float64 numbers."""

    deviation_kind = "missing"

    def from_numpy(self, array: np.ndarray) -> Any:
        if array.dtype.kind in "US":
            array = array.astype(np.float64)
        return self.torch.from_numpy(array)


class TensorSharesArrayMemory(TorchAdapter):
    """tensor() of a NumPy array on the CPU shares the array's memory (like as_tensor)."""

    deviation_kind = "leaking"

    def tensor(self, array: np.ndarray, *, requires_grad: Any, device: str) -> Any:
        from gradspec.values import OMITTED

        if requires_grad is OMITTED and str(device) == "cpu" and array.dtype.kind != "U" and all(s >= 0 for s in array.strides):
            return self.torch.from_numpy(array)
        return super().tensor(array, requires_grad=requires_grad, device=device)


class AsTensorCopiesArrays(TorchAdapter):
    """as_tensor() of a NumPy array always copies it."""

    deviation_kind = "inverted"

    def as_tensor(self, value: Any, *, device: str) -> Any:
        if isinstance(value, np.ndarray):
            value = value.copy()
            return self.torch.tensor(value, device=device)
        return super().as_tensor(value, device=device)


class AsTensorOfTensorDetaches(TorchAdapter):
    """as_tensor() of a tensor returns a detached alias instead of the tensor itself."""

    deviation_kind = "missing"

    def as_tensor(self, value: Any, *, device: str) -> Any:
        if self.is_tensor(value):
            return value.detach()
        return super().as_tensor(value, device=device)


class AsTensorOfTensorWrapsIt(TorchAdapter):
    """as_tensor() of a tensor returns a new tensor object recorded from it (an alias with its
    own grad_fn), not the tensor itself."""

    deviation_kind = "leaking"

    def as_tensor(self, value: Any, *, device: str) -> Any:
        if self.is_tensor(value):
            return value.view_as(value)
        return super().as_tensor(value, device=device)


CAUGHT_BY: dict[type[TorchAdapter], set[str]] = {
    NumpyDetachesSilently: {"numpy.requires_grad_error", "numpy.requires_grad_error.complex"},
    NumpyResolvesLazyBits: {"numpy.conj_neg_bit_error.conj", "numpy.conj_neg_bit_error.neg"},
    NumpyIgnoresLazyBits: {"numpy.conj_neg_bit_error.conj", "numpy.conj_neg_bit_error.neg"},
    NumpyReturnsCopy: {
        "numpy.tensor_numpy.shares_memory", "numpy.tensor_numpy_shares_memory.both_ways",
        "numpy.tensor_numpy_shares_memory.all_dtypes", "numpy.tensor_numpy_shares_memory.noncontiguous",
        "numpy.force_true.shares_memory",
    },
    NumpyMakesContiguous: {"numpy.tensor_numpy_shares_memory.noncontiguous"},
    NumpyZeroDimIsOneElement: {
        "numpy.tensor_numpy_shares_memory.both_ways", "numpy.tensor_numpy_shares_memory.all_dtypes",
        "numpy.force_true", "numpy.conj_neg_bit_error.resolve_conj_works", "numpy.conj_neg_bit_error.resolve_neg_works",
    },
    NumpyWidensSmallIntegers: {"numpy.dtype_mapping", "numpy.tensor_numpy_shares_memory.all_dtypes"},
    NumpyHalfAsFloat32: {"numpy.dtype_mapping.float16_complex", "numpy.tensor_numpy_shares_memory.all_dtypes"},
    ForceIsIgnored: {"numpy.force_true", "numpy.force_true.shares_memory", "numpy.force_true.lazy_bits"},
    ForceCopies: {"numpy.force_true.shares_memory"},
    ForceKeepsLazyBits: {"numpy.force_true.lazy_bits"},
    ForceResolvesInPlaceOfOriginal: {"numpy.force_true.lazy_bits"},
    FromNumpyCopies: {
        "numpy.from_numpy_shares_memory", "numpy.from_numpy_shares_memory.strided",
        "numpy.from_numpy_accepted_dtypes_and_strides.dtypes",
    },
    FromNumpyDefaultsToFloat32: {"numpy.from_numpy_shares_memory", "numpy.from_numpy_accepted_dtypes_and_strides.dtypes"},
    FromNumpyRequiresGrad: {"numpy.from_numpy_shares_memory"},
    FromNumpyRefusesSmallIntegers: {"numpy.from_numpy_accepted_dtypes_and_strides.dtypes"},
    FromNumpyDropsStrides: {"numpy.from_numpy_shares_memory.strided"},
    FromNumpyCopiesNegativeStrides: {"numpy.from_numpy_accepted_dtypes_and_strides.negative_strides"},
    FromNumpyParsesStrings: {"numpy.from_numpy_accepted_dtypes_and_strides.unsupported_dtype"},
    TensorSharesArrayMemory: {"numpy.torch_tensor_copies_as_tensor_shares.tensor_copies"},
    AsTensorCopiesArrays: {"numpy.torch_tensor_copies_as_tensor_shares.as_tensor_shares"},
    AsTensorOfTensorDetaches: {"numpy.torch_tensor_copies_as_tensor_shares.as_tensor_of_tensor"},
    AsTensorOfTensorWrapsIt: {"numpy.torch_tensor_copies_as_tensor_shares.as_tensor_of_tensor"},
}
