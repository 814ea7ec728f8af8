"""Planted deviations: adapters that each break one documented behaviour of PyTorch.

Every module here defines deviation classes (subclasses of the PyTorch adapter) and a
``CAUGHT_BY`` mapping from each class to the spec ids that must report it as a failure.
"""
from __future__ import annotations

import importlib
import pkgutil

from adapters.torch_adapter import TorchAdapter


def _collect() -> dict[type[TorchAdapter], set[str]]:
    merged: dict[type[TorchAdapter], set[str]] = {}
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda info: info.name):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        for deviation, spec_ids in getattr(module, "CAUGHT_BY", {}).items():
            merged.setdefault(deviation, set()).update(spec_ids)
    return merged


#: Every planted deviation and the specs that must catch it.
CAUGHT_BY = _collect()
