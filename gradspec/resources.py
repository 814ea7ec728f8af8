"""Where the data gradspec ships lies: the built-in specs, the suite and the schemas.

Found with :mod:`importlib.resources`, so they are the installed distribution's wherever it is
(a wheel in site-packages, or a checkout installed in editable mode).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def package_path(*parts: str) -> Path:
    """A file or folder of the installed ``gradspec`` package, as a real path."""
    root = resources.files("gradspec")
    if not isinstance(root, Path):  # a zip import: gradspec needs its files on disk
        raise RuntimeError("gradspec must be installed as files on disk, not imported from a zip archive")
    return root.joinpath(*parts).resolve()


#: The specs that ship with gradspec.
BUILTIN_SPECS = package_path("specs")
#: The conformance suite: the pytest module that runs every spec.
SUITES = package_path("suites")
SPEC_SCHEMA = BUILTIN_SPECS / "spec.schema.json"
REPORT_SCHEMA = package_path("schemas", "report.schema.json")
BASELINE_SCHEMA = package_path("schemas", "baseline.schema.json")
