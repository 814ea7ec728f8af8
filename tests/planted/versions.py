"""Planted deviations for the increment_version specs (specs/aliasing/increment_version_*): each
adapter wraps ``torch.autograd.graph.increment_version`` and breaks one documented behaviour of it."""

from __future__ import annotations

from typing import Any

from gradspec.adapters.torch_adapter import TorchAdapter


class IncrementVersionIgnored(TorchAdapter):
    """increment_version() is accepted and changes nothing."""

    deviation_kind = "missing"

    def increment_version(self, tensor: Any) -> None:
        pass


class IncrementVersionOnlyReported(TorchAdapter):
    """increment_version() raises the version a spec reads, but not the counter autograd checks
    saved tensors against."""

    deviation_kind = "partial"

    def __init__(self) -> None:
        super().__init__()
        self._added: dict[int, tuple[Any, int]] = {}

    def increment_version(self, tensor: Any) -> None:
        kept = self._added.get(id(tensor))
        count = kept[1] if kept is not None and kept[0] is tensor else 0
        self._added[id(tensor)] = (tensor, count + 1)  # the tensor too, so its id is not reused

    def version(self, tensor: Any) -> int:
        kept = self._added.get(id(tensor))
        return super().version(tensor) + (kept[1] if kept is not None and kept[0] is tensor else 0)


CAUGHT_BY = {
    IncrementVersionIgnored: {
        "aliasing.increment_version.increases_version",
        "aliasing.increment_version.saved_tensor_raises",
    },
    IncrementVersionOnlyReported: {"aliasing.increment_version.saved_tensor_raises"},
}
