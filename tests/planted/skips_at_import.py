"""An adapter module that calls pytest.importorskip when imported: the run must refuse it, not
skip every spec and end green."""
from __future__ import annotations

import pytest

pytest.importorskip("gradspec_no_such_module")

from gradspec.adapters.torch_adapter import TorchAdapter as Adapter

__all__ = ["Adapter"]
