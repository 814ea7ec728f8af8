"""Loading adapters: built-in names, ``module:Class``, packaging entry points, and the contract.

Tests that create the PyTorch adapter (or a planted deviation of it) are marked ``torch`` and
import it inside the test; the others run without torch."""
from __future__ import annotations

import inspect
import sys
from pathlib import Path

import pytest

from gradspec.adapters import BUILTIN_ADAPTERS, load_adapter
from gradspec.adapters.protocol import CAPABILITIES, Adapter
from gradspec.errors import AdapterError
from gradspec.loader import load_specs
from gradspec.schema import load_schema
from gradspec.resources import SPEC_SCHEMA as SPEC_SCHEMA_PATH


@pytest.mark.torch
def test_builtin_and_module_class_adapters_load() -> None:
    from gradspec.adapters.torch_adapter import TorchAdapter

    assert isinstance(load_adapter("torch"), TorchAdapter)
    assert type(load_adapter("tests.planted.tutorial:ItemAlwaysFloat")).__name__ == "ItemAlwaysFloat"


@pytest.mark.torch
def test_an_adapter_declared_by_an_installed_package_loads_by_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dist = tmp_path / "mylib_gradspec-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: mylib-gradspec\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[gradspec.adapters]\nmylib = tests.planted.tutorial:ItemAlwaysFloat\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert type(load_adapter("mylib")).__name__ == "ItemAlwaysFloat"


@pytest.mark.parametrize("name, message", [
    ("nosuchlib", "unknown adapter 'nosuchlib'"),
    ("nosuch.module:Adapter", "cannot import adapter module 'nosuch.module'"),
    pytest.param("gradspec.adapters.torch_adapter:Missing", "module 'gradspec.adapters.torch_adapter' has no adapter class 'Missing'",
                 marks=pytest.mark.torch),
])
def test_bad_adapter_names_are_explained(name: str, message: str) -> None:
    with pytest.raises(AdapterError, match=message):
        load_adapter(name)


@pytest.mark.torch
def test_an_unknown_capability_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from gradspec.adapters.torch_adapter import TorchAdapter

    class _Boasting(TorchAdapter):
        capabilities = TorchAdapter.capabilities | {"time_travel"}

    monkeypatch.setattr(sys.modules[__name__], "_Boasting", _Boasting, raising=False)
    with pytest.raises(AdapterError, match="declares unknown capabilities: time_travel"):
        load_adapter(f"{__name__}:_Boasting")


@pytest.mark.torch
def test_the_torch_adapter_implements_the_whole_protocol() -> None:
    from gradspec.adapters.torch_adapter import TorchAdapter

    adapter = TorchAdapter()
    assert isinstance(adapter, Adapter)
    for name, member in inspect.getmembers(Adapter, inspect.isfunction):
        if not name.startswith("_"):
            assert callable(getattr(adapter, name)), name
    assert adapter.capabilities == set(CAPABILITIES), "torch, the reference, has every capability"


def test_capabilities_and_error_kinds_agree_with_the_spec_schema() -> None:
    from gradspec.error_kinds import ERROR_KINDS

    schema = load_schema(SPEC_SCHEMA_PATH)
    assert schema["$defs"]["capability"]["enum"] == list(CAPABILITIES)
    assert schema["$defs"]["error_kind"]["enum"] == list(ERROR_KINDS)


def test_every_builtin_adapter_is_registered_as_module_and_class() -> None:
    for name, target in BUILTIN_ADAPTERS.items():
        module, _, cls = target.partition(":")
        assert module == f"gradspec.adapters.{name.split('-')[0]}_adapter" and cls.endswith("Adapter")  # jax-x64: a configuration


def test_every_capability_is_required_by_some_spec() -> None:
    required = set().union(*(spec.requires for spec in load_specs()))
    assert set(CAPABILITIES) - required == set()
