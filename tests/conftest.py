"""Helpers shared by gradspec's own tests."""
from __future__ import annotations

import importlib
import os
import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

import gradspec
from gradspec.profiles import register_profiles


def _import_every_gradspec_module() -> None:
    """Hypothesis mixes the literal constants of the modules loaded so far (gradspec's, in a
    checkout) into what it draws, so even derandomized draws would depend on which test files
    ran first: load every module up front, and every selection of own tests draws the same."""
    for module in pkgutil.walk_packages(gradspec.__path__, "gradspec."):
        if module.name.endswith("__main__") or module.name.startswith("gradspec.suites"):
            continue
        try:
            importlib.import_module(module.name)
        except ImportError:  # an adapter whose library is not installed here
            pass


_import_every_gradspec_module()

ROOT = Path(__file__).resolve().parent.parent

# gradspec's plugin registers the Hypothesis profiles only for conformance runs; the own tests
# use them too (``--hypothesis-profile=ci``, and ``ci`` by default when CI is set).
register_profiles()

#: Settings like the ``ci`` profile's, for own tests that check specs in-process.
CI_LIKE = settings(max_examples=60, derandomize=True, database=None, deadline=None,
                   report_multiple_bugs=False, suppress_health_check=[HealthCheck.too_slow])


#: A selection leaving out the operator table's runs (``operators.vjp[exp]``...), for own tests
#: that run the suite to check the run itself, not the operators.
NOT_OPERATORS = ("-k", "not operators")


def run_suite(*args: str, cwd: Path = ROOT, ci: bool = True) -> subprocess.CompletedProcess[str]:
    """Run the conformance suite in a subprocess, as a user would (``python -m pytest suites``).
    Tests that call it are marked ``torch`` and ``e2e``."""
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
#: ``requires`` lists exactly the capabilities of the names it uses: ``.detach()`` and ``.requires_grad``.
VALID_REQUIRES = "requires: [detach, requires_grad]"
VALID_SPEC = """\
id: area.thing.works
title: A valid spec the bad ones are made from
source:
  - tutorial: T1 Tensors
requires: [detach, requires_grad]
given:
  a: tensors()
steps: |
  b = a * 2
  c = b.detach()
then:
  - c.requires_grad == False
"""


def raising(spec: str) -> str:
    """``spec`` (VALID_SPEC or an edit of it) with ``raises`` (lines 11-13) instead of ``then``:
    it expects ``c = b.detach()`` to raise no_grad_fn, so it requires error_kinds, not requires_grad."""
    assert spec.count(VALID_REQUIRES) == 1
    return spec.split("then:")[0].replace(VALID_REQUIRES, "requires: [detach, error_kinds]") + """\
raises:
  at: c = b.detach()
  kind: no_grad_fn
"""


def run_steps_on(adapter: Any, text: str, **inputs: Any) -> dict[str, Any]:
    """Check ``text`` and run it on ``adapter`` (reset first), over ``inputs``; the variables it leaves."""
    from gradspec.language.checker import check_program
    from gradspec.language.interpreter import Frame, Interpreter, RunContext
    from gradspec.language.steps import STEP_VOCABULARY

    adapter.reset()
    program = check_program(text, vocabulary=STEP_VOCABULARY, bound=inputs)
    frame = Frame(dict(inputs))
    interpreter = Interpreter(RunContext(adapter, "cpu"), STEP_VOCABULARY)
    for statement in program.statements:
        interpreter.execute(statement, frame)
    return frame.values


def run_steps(text: str, **inputs: Any) -> dict[str, Any]:
    """:func:`run_steps_on` a fresh PyTorch adapter; the calling test is skipped where torch is not installed."""
    pytest.importorskip("torch")
    from gradspec.adapters.torch_adapter import TorchAdapter

    return run_steps_on(TorchAdapter(), text, **inputs)


def checker_refusal(text: str) -> Exception:
    """The error the checker refuses ``text`` (over one input, ``x``) with."""
    from gradspec.language.checker import LanguageError, check_program
    from gradspec.language.steps import STEP_VOCABULARY

    with pytest.raises(LanguageError) as info:
        check_program(text, vocabulary=STEP_VOCABULARY, bound={"x"})
    return info.value


def tensor_values(tensor: Any) -> list[Any]:
    """A PyTorch tensor's values as a (nested) list."""
    return tensor.detach().tolist()
