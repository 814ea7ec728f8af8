"""The distribution users install: a wheel built from this tree holds the specs, the schemas,
the suite and the built-in adapters under the ``gradspec`` package only, and registers the
pytest plugin and the ``gradspec`` command."""
from __future__ import annotations

import importlib.util
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    if importlib.util.find_spec("build.__main__") is None:  # a stray build/ folder is no 'build' package
        pytest.skip("building the wheel needs the 'build' package (the dev extra)")
    out = tmp_path_factory.mktemp("dist")
    # The sdist, then the wheel from it: what users get, with nothing stale from build/.
    build = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)],
                           cwd=out, capture_output=True, text=True, timeout=600)  # not the checkout, whose build/ would shadow 'build'
    assert build.returncode == 0, build.stdout + build.stderr
    (path,) = out.glob("gradspec-*.whl")
    return zipfile.ZipFile(path)


def _names(wheel: zipfile.ZipFile) -> set[str]:
    return set(wheel.namelist())


def test_everything_lies_under_the_gradspec_package(wheel: zipfile.ZipFile) -> None:
    tops = {name.split("/")[0] for name in _names(wheel)}
    assert {top for top in tops if not top.endswith(".dist-info")} == {"gradspec"}


def test_the_specs_schemas_suite_and_adapters_are_in_the_wheel(wheel: zipfile.ZipFile) -> None:
    names = _names(wheel)
    specs = sorted(path.relative_to(ROOT).as_posix() for path in (ROOT / "specs").rglob("*") if path.is_file())
    assert [f"gradspec/{path}" for path in specs if f"gradspec/{path}" not in names] == []
    assert {"gradspec/schemas/report.schema.json", "gradspec/schemas/baseline.schema.json",
            "gradspec/suites/test_specs.py", "gradspec/adapters/base.py", "gradspec/adapters/torch_adapter.py",
            "gradspec/pytest_plugin/session.py"} <= names


def test_the_wheel_registers_the_plugin_and_the_command(wheel: zipfile.ZipFile) -> None:
    (entry_points,) = [name for name in _names(wheel) if name.endswith(".dist-info/entry_points.txt")]
    text = wheel.read(entry_points).decode("utf-8")
    assert "[pytest11]\ngradspec = gradspec.pytest_plugin" in text
    assert "[console_scripts]\ngradspec = gradspec.cli:main" in text
