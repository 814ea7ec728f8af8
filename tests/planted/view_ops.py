"""Planted deviations of the view operations: copies for views, a view with a version counter of
its own, several views of which one is a copy, and an expand that materializes its copies."""

from __future__ import annotations

from typing import Any

from gradspec.adapters.torch_adapter import TorchAdapter

_VIEW_OPS_SPEC = "aliasing.view_ops.share_storage_and_version"
_EXPAND_SPEC = "aliasing.expand.allocates_no_memory"


class DiagonalPermuteCopies(TorchAdapter):
    """diagonal() and permute() return copies (their values, in memory of their own)."""

    deviation_kind = "inverted"

    def view_op(self, name: str, tensor: Any, *args: Any) -> Any:
        result = super().view_op(name, tensor, *args)
        return result.clone() if name in ("diagonal", "permute") else result


class NarrowOwnVersionCounter(TorchAdapter):
    """narrow() returns a view of the memory (through .data) with a version counter of its own."""

    deviation_kind = "partial"

    def view_op(self, name: str, tensor: Any, *args: Any) -> Any:
        if name == "narrow":
            return tensor.data.narrow(*args)
        return super().view_op(name, tensor, *args)


class LastPartCopied(TorchAdapter):
    """unbind(), split() and chunk() return views, except for the last part: a copy."""

    deviation_kind = "partial"

    def view_op(self, name: str, tensor: Any, *args: Any) -> Any:
        result = super().view_op(name, tensor, *args)
        if name in ("unbind", "split", "chunk"):
            return (*result[:-1], result[-1].clone())
        return result


class ExpandMaterialized(TorchAdapter):
    """expand() copies the input into memory of the expanded size (a contiguous tensor)."""

    deviation_kind = "inverted"

    def view(self, name: str, tensor: Any, *args: Any) -> Any:
        result = super().view(name, tensor, *args)
        return result.contiguous() if name == "expand" else result


CAUGHT_BY = {
    DiagonalPermuteCopies: {_VIEW_OPS_SPEC},
    NarrowOwnVersionCounter: {_VIEW_OPS_SPEC},
    LastPartCopied: {_VIEW_OPS_SPEC},
    ExpandMaterialized: {_EXPAND_SPEC},
}
