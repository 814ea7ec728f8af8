"""The plugin is inert in other projects' pytest runs, and active for a conformance run asked
for by a gradspec option, gradspec's suite, ``pytest --pyargs gradspec`` or ``gradspec run``."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

UNRELATED_TEST = '''
import sys
from hypothesis import given, settings, strategies as st

def test_nothing_else_is_loaded_or_configured():
    assert settings.get_current_profile_name() == "default"
    assert settings.default.max_examples == 100
    assert not any(name == "torch" or name.startswith(("torch.", "gradspec.pytest_plugin.session", "gradspec.adapters."))
                   for name in sys.modules)

@given(st.integers())
def test_a_property(value):
    assert isinstance(value, int)
'''


def _pytest(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key not in ("CI", "PYTEST_ADDOPTS")}
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)


@pytest.mark.e2e
def test_another_projects_pytest_run_is_unchanged(tmp_path: Path) -> None:
    (tmp_path / "test_unrelated.py").write_text(UNRELATED_TEST, encoding="utf-8")
    run = _pytest("-v", cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    # pytest's header lists every installed plugin distribution ("plugins: gradspec-0.1.0, ..."); nothing else may
    output = [line for line in (run.stdout + run.stderr).lower().splitlines() if not line.startswith("plugins:")]
    assert [line for line in output if "gradspec" in line] == []
    assert not (tmp_path / "reports").exists()


@pytest.mark.e2e
def test_a_gradspec_option_in_another_project_is_a_conformance_run_only_when_given(tmp_path: Path) -> None:
    (tmp_path / "test_unrelated.py").write_text(UNRELATED_TEST, encoding="utf-8")
    run = _pytest("--adapter=no.such.module:Adapter", cwd=tmp_path)
    assert run.returncode == 4
    assert "gradspec: cannot import adapter module 'no.such.module'" in run.stderr


@pytest.mark.torch
@pytest.mark.e2e
@pytest.mark.parametrize("command", [
    ["-m", "pytest", "-p", "no:cacheprovider", "--pyargs", "gradspec", "--device=cpu", "-k", "item.single"],
    ["-m", "gradspec", "run", "--device=cpu", "-k", "item.single"],
], ids=["pytest --pyargs gradspec", "gradspec run"])
def test_the_suite_runs_from_any_folder_and_reports_there(tmp_path: Path, command: list[str]) -> None:
    env = {**os.environ, "CI": "true"}
    run = subprocess.run([sys.executable, *command], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    report = json.loads((tmp_path / "reports" / "torch-cpu.json").read_text(encoding="utf-8"))
    assert report["selection"] == "-k item.single" and not report["complete"]
    assert {row["outcome"] for row in report["results"]} == {"pass"}
    assert "gradspec: torch" in run.stdout
