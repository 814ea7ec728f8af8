"""Helpers shared by gradspec's own tests."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_suite(*args: str, cwd: Path = ROOT, ci: bool = True) -> subprocess.CompletedProcess[str]:
    """Run the conformance suite in a subprocess, as a user would (``python -m pytest suites``)."""
    env = {**os.environ, "CI": "true" if ci else ""}
    command = [sys.executable, "-m", "pytest", str(ROOT / "suites"), "-p", "no:cacheprovider", "-q", *args]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture
def specs_copy(tmp_path: Path) -> Path:
    """A writable copy of the real specs folder."""
    target = tmp_path / "specs"
    shutil.copytree(ROOT / "specs", target)
    return target


@pytest.fixture
def specs_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty ``specs`` folder; the working directory is its parent, so paths read ``specs/...``."""
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "specs"
    folder.mkdir()
    return folder


def write_spec(specs: Path, where: str, text: str | bytes) -> Path:
    """Write ``text`` (exactly, as UTF-8 when it is a string) to ``specs/where``; return the path."""
    path = specs / where
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


#: The valid spec that the malformed and hostile specs of the own tests are made from, each with
#: one thing broken.  Its line numbers, used by the expected messages:
#:  1 id   2 title   3 source   4 - tutorial   5 requires   6 given   7 a
#:  8 steps   9 b = ...   10 c = ...   11 then   12 - c.requires_grad ...
VALID_SPEC = """\
id: area.thing.works
title: A valid spec the bad ones are made from
source:
  - tutorial: T1 Tensors
requires: [backward]
given:
  a: tensors()
steps: |
  b = a * 2
  c = b.detach()
then:
  - c.requires_grad == False
"""
