"""Planted deviations: adapters that each break one documented behaviour of PyTorch.

Every module here defines deviation classes (subclasses of the PyTorch adapter) and a
``CAUGHT_BY`` mapping from each class to the spec ids that must report it as a failure.  Each
class says how it deviates with ``deviation_kind`` (one of ``tests.planted.table.KINDS``:
missing, inverted, leaking, partial, numeric); its area is that of most of its listed specs, or
``deviation_area`` when they span areas equally.

``python -m tests.planted`` runs every deviation against every spec and prints the mutation
table (see ``tests/planted/table.py``).
"""
from __future__ import annotations

import importlib
import pkgutil

from hypothesis import HealthCheck, Phase, settings

from gradspec.adapters.torch_adapter import TorchAdapter

#: How the own tests and the mutation table search for a failure: derandomized, up to 200
#: examples, no shrinking (the first failing example is reported as it was drawn).
SEARCH = settings(max_examples=200, derandomize=True, database=None, deadline=None,
                  phases=[Phase.explicit, Phase.generate], report_multiple_bugs=False,
                  suppress_health_check=[HealthCheck.too_slow])


#: Modules of this package that cannot be imported here: the mutation table and its command,
#: and an adapter module that skips when imported.
_NOT_DEVIATIONS = frozenset({"__main__", "table", "skips_at_import", "library"})


def _collect() -> dict[type[TorchAdapter], set[str]]:
    merged: dict[type[TorchAdapter], set[str]] = {}
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda info: info.name):
        if module_info.name in _NOT_DEVIATIONS:
            continue
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        for deviation, spec_ids in getattr(module, "CAUGHT_BY", {}).items():
            merged.setdefault(deviation, set()).update(spec_ids)
    return merged


#: Every planted deviation and the specs that must catch it.
CAUGHT_BY = _collect()
