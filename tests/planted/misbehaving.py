"""Adapters that misbehave as adapter code, not as a library deviating from a documented
behaviour: they end the test or the process from inside an operation, or fail to restore the
library's state.  Not in ``CAUGHT_BY``: the run itself must report them, and never end green."""
from __future__ import annotations

import os
import sys
from typing import Any

import pytest

from gradspec.adapters.torch_adapter import TorchAdapter


class SkipsOnItem(TorchAdapter):
    """item() calls pytest.skip."""

    def item(self, tensor: Any) -> Any:
        pytest.skip("item() is not supported")


class ImportorskipsOnItem(TorchAdapter):
    """item() calls pytest.importorskip on a module that does not exist."""

    def item(self, tensor: Any) -> Any:
        pytest.importorskip("gradspec_no_such_module")


class XfailsOnItem(TorchAdapter):
    """item() calls pytest.xfail."""

    def item(self, tensor: Any) -> Any:
        pytest.xfail("item() is known to differ")


class ExitsOnItem(TorchAdapter):
    """item() calls sys.exit(0)."""

    def item(self, tensor: Any) -> Any:
        sys.exit(0)


class EndsProcessOnItem(TorchAdapter):
    """item() ends the process with status 0, as a native library calling exit(0) does."""

    def item(self, tensor: Any) -> Any:
        os._exit(0)


class ResetLeavesGradOff(TorchAdapter):
    """reset() does nothing, so a spec turning grad mode off leaves it off."""

    def reset(self) -> None:
        pass


class NamedOutsideReports(TorchAdapter):
    """A name that, as a report file name, would leave the report folder."""

    name = "../../outside"


#: Adapter misbehaviours the gate must fail on, by class name.
ENDING_THE_TEST = ("SkipsOnItem", "ImportorskipsOnItem", "XfailsOnItem", "ExitsOnItem", "EndsProcessOnItem")
