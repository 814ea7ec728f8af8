"""Planted deviations for the saved-tensor hook specs (specs/saved_tensors/): each adapter wraps
``torch.autograd.graph``'s hooks for saved tensors and breaks one documented behaviour of them."""
from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

from gradspec.adapters.torch_adapter import TorchAdapter


class HooksIgnored(TorchAdapter):
    """saved_tensors_hooks() is accepted and applies no hook."""

    deviation_kind = "missing"

    def saved_tensors_hooks(self, pack: Any, unpack: Any) -> Any:
        return contextlib.nullcontext()


class PackCalledTwice(TorchAdapter):
    """pack is called twice for each saved tensor (its first result is dropped)."""

    deviation_kind = "partial"

    def saved_tensors_hooks(self, pack: Any, unpack: Any) -> Any:
        def twice(t: Any) -> Any:
            pack(t)
            return pack(t)

        return super().saved_tensors_hooks(twice, unpack)


class UnpackGetsTheTensor(TorchAdapter):
    """unpack is called with the saved tensor itself, not with what pack returned."""

    deviation_kind = "inverted"

    def saved_tensors_hooks(self, pack: Any, unpack: Any) -> Any:
        return super().saved_tensors_hooks(lambda t: (pack(t), t), lambda stored: unpack(stored[1]))


class UnpackCalledOnce(TorchAdapter):
    """unpack's result is kept after its first call, which later uses get without calling it."""

    deviation_kind = "partial"

    def saved_tensors_hooks(self, pack: Any, unpack: Any) -> Any:
        def pack_with_cache(t: Any) -> Any:
            return [pack(t), None]

        def unpack_once(box: list[Any]) -> Any:
            if box[1] is None:
                box[1] = unpack(box[0])
            return box[1]

        return super().saved_tensors_hooks(pack_with_cache, unpack_once)


class PackGetsACopy(TorchAdapter):
    """pack is given a copy of the saved tensor, so changing it in place goes unnoticed."""

    deviation_kind = "missing"

    def saved_tensors_hooks(self, pack: Any, unpack: Any) -> Any:
        return super().saved_tensors_hooks(lambda t: pack(t.clone()), unpack)


class HooksInEveryThread(TorchAdapter):
    """saved_tensors_hooks() applies its hooks to forwards run in other threads too."""

    deviation_kind = "leaking"

    @contextlib.contextmanager
    def saved_tensors_hooks(self, pack: Any, unpack: Any) -> Iterator[None]:
        hooks = self.torch.autograd.graph.saved_tensors_hooks
        original = threading.Thread.run

        def run_with_hooks(thread: threading.Thread) -> None:
            with hooks(pack, unpack):
                original(thread)

        threading.Thread.run = run_with_hooks  # type: ignore[method-assign]
        try:
            with hooks(pack, unpack):
                yield
        finally:
            threading.Thread.run = original  # type: ignore[method-assign]


class OutermostHooksApplied(TorchAdapter):
    """With saved_tensors_hooks nested, the outermost pair is applied, not the innermost."""

    deviation_kind = "inverted"

    def __init__(self) -> None:
        super().__init__()
        self._entered: list[tuple[Any, Any]] = []

    @contextlib.contextmanager
    def saved_tensors_hooks(self, pack: Any, unpack: Any) -> Iterator[None]:
        outermost = self._entered[0] if self._entered else (pack, unpack)
        self._entered.append((pack, unpack))
        try:
            with super().saved_tensors_hooks(*outermost):
                yield
        finally:
            self._entered.pop()


class PackRecorded(TorchAdapter):
    """pack runs with gradient recording on."""

    deviation_kind = "leaking"

    def saved_tensors_hooks(self, pack: Any, unpack: Any) -> Any:
        torch = self.torch

        def recorded(t: Any) -> Any:
            with torch.enable_grad():
                return pack(t)

        return super().saved_tensors_hooks(recorded, unpack)


class SaveOnCpuInFloat32(TorchAdapter):
    """save_on_cpu() keeps float32 copies of the saved tensors."""

    deviation_kind = "numeric"

    def save_on_cpu(self) -> Any:
        torch = self.torch
        return torch.autograd.graph.saved_tensors_hooks(
            lambda t: (t.dtype, t.to(torch.float32)), lambda stored: stored[1].to(stored[0])
        )


class DisablingIgnored(TorchAdapter):
    """disable_saved_tensors_hooks() is accepted and disables nothing."""

    deviation_kind = "missing"

    def disable_saved_tensors_hooks(self, message: str) -> Any:
        return contextlib.nullcontext()


CAUGHT_BY = {
    HooksIgnored: {
        "saved_tensors.hooks.pack_once_per_saved_tensor",
        "saved_tensors.hooks.unpack_gets_pack_result",
        "saved_tensors.hooks.unpack_on_every_use",
        "saved_tensors.hooks.pack_inplace_raises",
        "saved_tensors.hooks.nested_innermost_only",
        "saved_tensors.hooks.pack_not_recorded",
    },
    PackCalledTwice: {"saved_tensors.hooks.pack_once_per_saved_tensor", "saved_tensors.hooks.unpack_on_every_use"},
    UnpackGetsTheTensor: {"saved_tensors.hooks.unpack_gets_pack_result"},
    UnpackCalledOnce: {"saved_tensors.hooks.unpack_on_every_use"},
    PackGetsACopy: {"saved_tensors.hooks.pack_inplace_raises"},
    HooksInEveryThread: {"saved_tensors.hooks.thread_local"},
    OutermostHooksApplied: {"saved_tensors.hooks.nested_innermost_only"},
    PackRecorded: {"saved_tensors.hooks.pack_not_recorded"},
    SaveOnCpuInFloat32: {"saved_tensors.save_on_cpu.same_results"},
    DisablingIgnored: {"saved_tensors.hooks.disabled_raises"},
}
