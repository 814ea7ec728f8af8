"""Planted deviation for checkpoint()'s determinism_check (specs/checkpoint/): the check is skipped."""

from __future__ import annotations

from typing import Any

from gradspec.adapters.torch_adapter import TorchAdapter


class DeterminismCheckSkipped(TorchAdapter):
    """checkpoint() never compares the recomputed tensors' metadata with the saved ones."""

    deviation_kind = "missing"

    def checkpoint(self, function: Any, args: list[Any], **options: Any) -> Any:
        if "determinism_check" in options:
            options["determinism_check"] = "none"
        return super().checkpoint(function, args, **options)


CAUGHT_BY = {
    DeterminismCheckSkipped: {"checkpoint.non_reentrant.determinism_check_raises"},
}
