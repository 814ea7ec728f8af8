"""Backend adapters.  ``load_adapter("torch")`` or ``load_adapter("package.module:Class")``."""

from __future__ import annotations

import importlib
import importlib.metadata
from typing import Any

from gradspec.adapters.protocol import CAPABILITIES, Adapter
from gradspec.errors import AdapterError

#: Adapters shipped with gradspec, by the name ``--adapter`` takes.
BUILTIN_ADAPTERS: dict[str, str] = {
    "torch": "gradspec.adapters.torch_adapter:TorchAdapter",
    "mygrad": "gradspec.adapters.mygrad_adapter:MyGradAdapter",
    "paddle": "gradspec.adapters.paddle_adapter:PaddleAdapter",
    "tinygrad": "gradspec.adapters.tinygrad_adapter:TinygradAdapter",
    "jax": "gradspec.adapters.jax_adapter:JaxAdapter",
    "jax-x64": "gradspec.adapters.jax_adapter:JaxX64Adapter",
    "mlx": "gradspec.adapters.mlx_adapter:MlxAdapter",
}


#: The packaging entry-point group through which other packages provide adapters.
ENTRY_POINT_GROUP = "gradspec.adapters"


def _installed_adapters() -> dict[str, str]:
    """Adapters other packages declare under the ``gradspec.adapters`` entry-point group."""
    return {entry.name: entry.value for entry in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)}


def adapter_class(spec: str) -> type:
    """The adapter class ``spec`` names (a built-in name, an entry-point name, or
    ``package.module:Class``), imported but not instantiated."""
    target = BUILTIN_ADAPTERS.get(spec) or _installed_adapters().get(spec) or spec
    module_name, _, class_name = target.partition(":")
    if not class_name:
        known = ", ".join(sorted({*BUILTIN_ADAPTERS, *_installed_adapters()}))
        raise AdapterError(f"unknown adapter {spec!r}: use one of {known} or 'package.module:Class'")
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise AdapterError(f"cannot import adapter module {module_name!r}: {error}") from error
    cls: Any = getattr(module, class_name, None)
    if cls is None:
        raise AdapterError(f"module {module_name!r} has no adapter class {class_name!r}")
    return cls


def load_adapter(spec: str) -> Adapter:
    """Instantiate an adapter (see :func:`adapter_class` for what ``spec`` may name)."""
    cls = adapter_class(spec)
    try:
        adapter = cls()
    except Exception as error:  # the library is missing or broken: say so, not with a traceback
        raise AdapterError(f"cannot create adapter {spec!r}: {type(error).__name__}: {error}") from error
    check_capabilities(spec, adapter.capabilities)
    _check_names(spec, adapter)
    return adapter


def _check_names(spec: str, adapter: Adapter) -> None:
    """Refuse a name or device kind that could not name a report file."""
    from gradspec.report import SAFE_NAME

    for name in (adapter.name, *adapter.device_kinds):
        if not isinstance(name, str) or not SAFE_NAME.fullmatch(name):
            raise AdapterError(f"adapter {spec!r}: {name!r} cannot name a report file (letters, digits and . _ + - only)")


def check_capabilities(spec: str, capabilities: Any) -> None:
    """Refuse capabilities that :data:`CAPABILITIES` does not name."""
    unknown = set(capabilities) - set(CAPABILITIES)
    if unknown:
        raise AdapterError(f"adapter {spec!r} declares unknown capabilities: {', '.join(sorted(unknown))}")


__all__ = [
    "BUILTIN_ADAPTERS",
    "CAPABILITIES",
    "ENTRY_POINT_GROUP",
    "Adapter",
    "adapter_class",
    "check_capabilities",
    "load_adapter",
]
