"""The root conftest of a gradspec checkout.

Installed (``pip install -e .``), gradspec registers its pytest plugin through the ``pytest11``
entry point; a checkout used without installing it (on a machine without network, say) loads
the plugin from here instead.
"""

from __future__ import annotations

import importlib.metadata


def _plugin_installed() -> bool:
    return any(entry.value == "gradspec.pytest_plugin" for entry in importlib.metadata.entry_points(group="pytest11"))


pytest_plugins = [] if _plugin_installed() else ["gradspec.pytest_plugin"]
