"""Planted deviations for the aliasing area: .detach(), .data, detach_(), views, the version
counter and the in-place correctness checks.  Each wraps the PyTorch adapter and breaks one
documented behaviour the way another library plausibly could."""
from __future__ import annotations

from typing import Any

from gradspec.adapters.torch_adapter import TorchAdapter
from tests.planted.library import raise_from_library
from tests.planted.tutorial import DataIsACopy, DetachIsUntracked

_INPLACE_PREFIX = "one of the variables needed for gradient computation has been modified by an inplace operation"


class DetachedAliasBypassesVersionCounter(TorchAdapter):
    """An in-place change made through a detach() alias is not counted on the shared version
    counter (as if it went through .data), so the correctness check misses it."""

    deviation_kind = "missing"

    def detach(self, tensor: Any) -> Any:
        result = tensor.detach()
        result._gradspec_detached = True
        return result

    def inplace(self, name: str, tensor: Any, *args: Any) -> Any:
        if getattr(tensor, "_gradspec_detached", False):
            super().inplace(name, tensor.data, *args)
            return tensor
        return super().inplace(name, tensor, *args)


class DataSharesVersionCounter(TorchAdapter):
    """.data is the same as .detach(): changes through it are tracked, and backward raises."""

    deviation_kind = "leaking"

    def data(self, tensor: Any) -> Any:
        return tensor.detach()


class DataKeepsRequiresGrad(TorchAdapter):
    """.data of a tensor that requires grad is an alias that requires grad too (a new leaf
    with the tensor's flag, as a library that copies the flags onto every alias would)."""

    deviation_kind = "leaking"

    def data(self, tensor: Any) -> Any:
        alias = tensor.data
        return alias.requires_grad_() if tensor.requires_grad else alias


class DetachInPlaceReturnsACopy(TorchAdapter):
    """detach_() returns a detached alias and leaves the tensor itself attached."""

    deviation_kind = "missing"

    def detach_(self, tensor: Any) -> Any:
        return tensor.detach()


class DetachOfPlainTensorIsItself(TorchAdapter):
    """detach() of a tensor that does not require grad returns the tensor itself (there is no
    graph to cut) instead of a new tensor."""

    deviation_kind = "partial"

    def detach(self, tensor: Any) -> Any:
        return tensor if not tensor.requires_grad else super().detach(tensor)


class DetachInPlaceOfViewAllowed(TorchAdapter):
    """detach_() of a view detaches the view alone instead of raising."""

    deviation_kind = "missing"

    def detach_(self, tensor: Any) -> Any:
        if tensor._is_view():
            return tensor.detach()
        return super().detach_(tensor)


class VersionCounterPerAlias(TorchAdapter):
    """Every tensor object counts only the in-place changes made through itself: views and
    detach() aliases do not share one counter."""

    deviation_kind = "missing"

    @staticmethod
    def _count(tensor: Any) -> None:
        tensor._gradspec_edits = getattr(tensor, "_gradspec_edits", 0) + 1

    def inplace(self, name: str, tensor: Any, *args: Any) -> Any:
        result = super().inplace(name, tensor, *args)
        self._count(tensor)
        return result

    def setitem(self, obj: Any, index: Any, value: Any) -> None:
        super().setitem(obj, index, value)
        self._count(obj)

    def version(self, tensor: Any) -> int:
        return getattr(tensor, "_gradspec_edits", 0)


class SetitemBypassesVersionCounter(TorchAdapter):
    """An indexed assignment t[i] = v writes the values without autograd knowing: no version
    bump, and no check on leaves that require grad."""

    deviation_kind = "missing"

    def setitem(self, obj: Any, index: Any, value: Any) -> None:
        obj.data[index] = value


class SliceIsACopy(TorchAdapter):
    """Indexing with slices returns a copy, not a view of the tensor."""

    deviation_kind = "inverted"

    def getitem(self, obj: Any, index: Any) -> Any:
        result = super().getitem(obj, index)
        parts = index if isinstance(index, tuple) else (index,)
        if self.is_tensor(result) and any(isinstance(part, slice) for part in parts):
            return result.clone()
        return result


class InplaceCorrectnessUnchecked(TorchAdapter):
    """In-place operations are recorded by autograd but never bump the version counter, so a
    value saved for backward can be overwritten and the gradient is silently wrong."""

    deviation_kind = "missing"

    def inplace(self, name: str, tensor: Any, *args: Any) -> Any:
        before = tensor._version
        result = super().inplace(name, tensor, *args)
        self.torch._C._autograd._unsafe_set_version_counter((tensor,), (before,))
        return result


class InplaceErrorWithoutVersions(TorchAdapter):
    """The in-place correctness error names no versions."""

    deviation_kind = "missing"

    def backward(self, tensor: Any, **kwargs: Any) -> None:
        try:
            super().backward(tensor, **kwargs)
        except RuntimeError as error:
            if _INPLACE_PREFIX in str(error):
                raise_from_library(RuntimeError(f"{_INPLACE_PREFIX}."))
            raise


class LeafInplaceAllowed(TorchAdapter):
    """An in-place operation on a leaf that requires grad is done silently, as under no_grad."""

    deviation_kind = "missing"

    def inplace(self, name: str, tensor: Any, *args: Any) -> Any:
        if tensor.is_leaf and tensor.requires_grad and self.torch.is_grad_enabled():
            with self.torch.no_grad():
                return super().inplace(name, tensor, *args)
        return super().inplace(name, tensor, *args)


class ViewOfLeafReportsLeafError(TorchAdapter):
    """An in-place operation through a view of a leaf that requires grad raises the error for
    the leaf itself, not the view-specific one."""

    deviation_kind = "leaking"

    @staticmethod
    def _as_leaf_error(error: RuntimeError) -> RuntimeError:
        if "a view of a leaf Variable" in str(error):
            return RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
        return error

    def inplace(self, name: str, tensor: Any, *args: Any) -> Any:
        try:
            return super().inplace(name, tensor, *args)
        except RuntimeError as error:
            raise_from_library(self._as_leaf_error(error))

    def setitem(self, obj: Any, index: Any, value: Any) -> None:
        try:
            super().setitem(obj, index, value)
        except RuntimeError as error:
            raise_from_library(self._as_leaf_error(error))


class ViewInplaceNotRecordedOnBase(TorchAdapter):
    """An in-place operation through a view of a non-leaf changes the values but is not
    recorded in the base's history, so its gradient is left out."""

    deviation_kind = "missing"

    def inplace(self, name: str, tensor: Any, *args: Any) -> Any:
        base = tensor._base
        if base is not None and base.requires_grad and not base.is_leaf:
            super().inplace(name, tensor.data, *args)
            return tensor
        return super().inplace(name, tensor, *args)


#: Each planted deviation and the aliasing specs that must report it as a failure.
class ContiguousAlwaysCopies(TorchAdapter):
    """contiguous() of a tensor that is already contiguous returns a copy, not the tensor itself."""

    deviation_kind = "inverted"

    def resolve(self, name: str, tensor: Any) -> Any:
        found = super().resolve(name, tensor)
        return found.clone() if name == "contiguous" and found is tensor else found


class TransposeCopies(TorchAdapter):
    """t() returns a contiguous copy of the transpose: its strides are row-major, not swapped."""

    deviation_kind = "partial"

    def view(self, name: str, tensor: Any, *args: Any) -> Any:
        found = super().view(name, tensor, *args)
        return found.contiguous() if name == "t" else found


CAUGHT_BY: dict[type[TorchAdapter], set[str]] = {
    ContiguousAlwaysCopies: {"aliasing.contiguous.self_or_copy"},
    TransposeCopies: {"aliasing.strides.row_major_and_transposed"},
    DetachedAliasBypassesVersionCounter: {
        "aliasing.detach.inplace_triggers_correctness_check",
        "aliasing.detach.inplace_triggers_correctness_check_saved_by_op",
        "aliasing.inplace_correctness.error_message_saved_leaf",
        "aliasing.version_counter.inplace_and_views",
    },
    DataSharesVersionCounter: {
        "aliasing.data.bypasses_autograd",
        "aliasing.data.bypasses_autograd_no_error",
        "aliasing.data.inplace_is_untracked",
        "aliasing.data.own_version_counter",
    },
    DataKeepsRequiresGrad: {"aliasing.data.does_not_require_grad"},
    DetachOfPlainTensorIsItself: {"aliasing.detach.shares_storage_no_grad"},
    DetachInPlaceReturnsACopy: {"aliasing.detach_.makes_leaf", "aliasing.detach_.views_error",
                                "aliasing.detach_.stops_requiring_grad"},
    DetachInPlaceOfViewAllowed: {"aliasing.detach_.views_error"},
    VersionCounterPerAlias: {"aliasing.version_counter.inplace_and_views"},
    SetitemBypassesVersionCounter: {"aliasing.version_counter.inplace_and_views", "aliasing.inplace.view_of_leaf_error"},
    SliceIsACopy: {
        "aliasing.version_counter.inplace_and_views",
        "aliasing.inplace.view_of_nonleaf_allowed",
        "aliasing.detach_.views_error",
        "aliasing.inplace.view_of_leaf_error",
    },
    InplaceCorrectnessUnchecked: {
        "aliasing.inplace_correctness.no_error_implies_correct_grad",
        "aliasing.inplace_correctness.error_message",
        "aliasing.inplace_correctness.error_message_saved_leaf",
        "aliasing.detach.inplace_triggers_correctness_check",
    },
    InplaceErrorWithoutVersions: {
        "aliasing.inplace_correctness.error_message",
        "aliasing.inplace_correctness.error_message_saved_leaf",
    },
    LeafInplaceAllowed: {"aliasing.inplace.leaf_requiring_grad_error"},
    ViewOfLeafReportsLeafError: {"aliasing.inplace.view_of_leaf_error"},
    ViewInplaceNotRecordedOnBase: {"aliasing.inplace.view_of_nonleaf_allowed"},
    # The tutorial's deviations, also reported by the catalogue specs written here.
    DetachIsUntracked: {
        "aliasing.detach.inplace_triggers_correctness_check",
        "aliasing.detach.inplace_triggers_correctness_check_saved_by_op",
    },
    DataIsACopy: {"aliasing.data.bypasses_autograd"},
}
