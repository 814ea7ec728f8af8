"""Running specs: verdicts, failure messages, shrunk counterexamples, replay, and the pytest run."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("torch")  # without torch, the module is skipped, not a collection error
pytestmark = pytest.mark.torch

from gradspec.adapters.torch_adapter import TorchAdapter  # noqa: E402
from gradspec.loader import load_spec, load_specs  # noqa: E402
from gradspec.runner import Case, Verdict, check_case  # noqa: E402
from gradspec.spec import Spec  # noqa: E402
from tests.conftest import CI_LIKE, NOT_OPERATORS, ROOT, run_suite  # noqa: E402
from tests.planted.library import raise_from_library  # noqa: E402
from tests.planted.tutorial import DetachIsUntracked, ItemAlwaysFloat  # noqa: E402


def _edited_spec(specs_copy: Path, relative: str, old: str, new: str) -> Any:
    path = specs_copy / relative
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))
    return load_spec(path, root=specs_copy)


def _line(spec: Any, text: str) -> int:
    """The line of the spec's file where ``text`` first starts a line (steps move as specs gain keys)."""
    lines = Path(spec.path).read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if line.strip().lstrip("- ").startswith(text))


def _check(spec: Any, adapter: Any = None) -> Verdict:
    return check_case(Case(spec, adapter or TorchAdapter(), "cpu", "cpu"), CI_LIKE)


def test_a_false_then_fails_with_the_minimal_counterexample_in_spec_terms(specs_copy: Path) -> None:
    spec = _edited_spec(specs_copy, "aliasing/data_inplace_is_untracked.yaml",
                        "equal(a.grad, zeros_like(a))", "equal(a.grad, ones_like(a))")
    verdict = _check(spec)
    assert verdict.outcome == "fail"
    assert verdict.counterexample == "a = variable([0.0], dtype=float32)"
    assert verdict.error.problem == (
        f"then `equal(a.grad, ones_like(a))` (line {_line(spec, 'equal(a.grad, ones_like(a))')}): equal(a.grad, ones_like(a)) is False, but should be true, "
        "where a.grad = tensor([0.0], dtype=float32); ones_like(a) = tensor([1.0], dtype=float32)")
    assert verdict.error.counterexample == verdict.counterexample
    assert verdict.error.replay.startswith(
        "python -m gradspec replay aliasing.data.inplace_is_untracked --adapter torch --device cpu --given ")
    assert str(verdict.error) == verdict.error.problem  # where it was found is a note below the message (PEP 678)
    footer = "\n".join(verdict.error.__notes__)
    assert footer.startswith("[aliasing.data.inplace_is_untracked, torch, cpu]")
    assert f"  {verdict.counterexample}" in footer and f"  {verdict.error.replay}" in footer


def test_shrinking_reaches_the_simplest_inputs_that_break_a_comparison(specs_copy: Path) -> None:
    spec = _edited_spec(specs_copy, "requires_grad/propagation_binary_ops.yaml",
                        "ab.requires_grad == (rg_a or rg_b)", "ab.requires_grad == rg_a")
    verdict = _check(spec)
    assert verdict.outcome == "fail"
    assert verdict.counterexample == "\n".join([
        "op = add",
        "rg_a = False",
        "rg_b = True",
        "a = tensor(0.0, dtype=float32, requires_grad=False)",
        "b = variable(0.0, dtype=float32)",
    ])
    assert verdict.error.problem.endswith("ab.requires_grad is True, but should be False")


def test_a_missing_error_is_a_failure_at_the_named_step() -> None:
    spec = load_spec(ROOT / "specs/aliasing/detach_inplace_is_detected.yaml", root=ROOT / "specs")
    verdict = _check(spec, DetachIsUntracked())
    assert verdict.outcome == "fail"
    assert verdict.error.problem == (
        f"step `loss.backward()` (line {_line(spec, 'loss.backward()')}) raised nothing, but should raise inplace_modified")


def test_a_wrong_python_type_is_a_failure_found_only_for_integer_dtypes() -> None:
    spec = load_spec(ROOT / "specs/item/single_element.yaml", root=ROOT / "specs")
    verdict = _check(spec, ItemAlwaysFloat())
    assert verdict.outcome == "fail"
    assert verdict.counterexample == "x = array(False, dtype=bool)"


class _LibraryRaisesUnknownError(TorchAdapter):
    def detach(self, tensor: Any) -> Any:
        raise_from_library(RuntimeError("something no canonical kind describes"))


class _LibraryRaisesKnownError(TorchAdapter):
    def detach(self, tensor: Any) -> Any:
        raise_from_library(RuntimeError("a Tensor with 2 elements cannot be converted to Scalar"))


class _AdapterRaises(TorchAdapter):
    def detach(self, tensor: Any) -> Any:
        raise RuntimeError("the adapter's own mistake")


class _AdapterHasABug(TorchAdapter):
    def detach(self, tensor: Any) -> Any:
        return undefined_name  # type: ignore[name-defined]  # noqa: F821


class _LibraryRaisesInNativeCode(TorchAdapter):
    def detach(self, tensor: Any) -> Any:
        return self.torch.empty(-1)  # torch's C++ refuses a negative size


def _detach_spec() -> Spec:
    return load_spec(ROOT / "specs/aliasing/detach_shares_storage.yaml", root=ROOT / "specs")


def test_a_library_exception_where_pytorch_raises_none_is_a_failure_even_without_a_canonical_kind() -> None:
    verdict = _check(_detach_spec(), _LibraryRaisesUnknownError())
    assert verdict.outcome == "fail"
    assert "raised RuntimeError: something no canonical kind describes (no canonical error kind), but should not raise" in str(
        verdict.error
    )
    assert verdict.error.signature == "step `d = t.detach()`: raised RuntimeError"


def test_an_exception_from_native_library_code_called_by_the_adapter_is_the_librarys() -> None:
    assert _check(_detach_spec(), _LibraryRaisesInNativeCode()).outcome == "fail"


@pytest.mark.parametrize("adapter", [_AdapterRaises(), _AdapterHasABug()], ids=["raise", "NameError"])
def test_an_exception_raised_by_the_adapters_own_code_is_an_error(adapter: TorchAdapter) -> None:
    verdict = _check(_detach_spec(), adapter)
    assert verdict.outcome == "error"
    assert "the adapter or gradspec raised" in str(verdict.error) and "in its own code" in str(verdict.error)


def test_a_known_error_where_none_is_expected_is_a_failure() -> None:
    spec = _detach_spec()
    verdict = _check(spec, _LibraryRaisesKnownError())
    assert verdict.outcome == "fail"
    assert verdict.error.problem.startswith(f"step `d = t.detach()` (line {_line(spec, 'd = t.detach()')}) raised item_not_single (RuntimeError:")


def test_the_same_counterexample_twice_under_the_ci_profile(specs_copy: Path) -> None:
    spec = _edited_spec(specs_copy, "requires_grad/propagation_unary_ops.yaml", "y.requires_grad == rg", "y.requires_grad == False")
    first, second = _check(spec), _check(spec)
    assert first.outcome == second.outcome == "fail"
    assert first.counterexample == second.counterexample


def _replay(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "gradspec", "replay", *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


@pytest.mark.e2e
def test_replay_runs_a_printed_counterexample_on_any_adapter() -> None:
    example = ["item.single_element", "--given", "x = array(3, dtype=int64)"]
    assert _replay(*example).returncode == 0
    failing = _replay(*example, "--adapter", "tests.planted.tutorial:ItemAlwaysFloat")
    assert failing.returncode == 1
    assert failing.stdout.startswith("fail: then `identical(value, x.item())`")


class ItemCrashesInTheAdapter(TorchAdapter):
    def item(self, tensor: Any) -> Any:
        raise KeyError("a bug of the adapter's own")


class ItemRaisesInTheLibrary(TorchAdapter):
    def item(self, tensor: Any) -> Any:
        raise_from_library(TypeError("this library's item() refuses integers"))


@pytest.mark.e2e
def test_replay_tells_an_adapter_crash_from_a_library_exception_and_shows_either_traceback() -> None:
    example = ["item.single_element", "--given", "x = array(3, dtype=int64)", "--traceback"]
    line = _line(load_spec(ROOT / "specs/item/single_element.yaml", root=ROOT / "specs"), "value = t.item()")
    crash = _replay(*example, "--adapter", "tests.test_runner:ItemCrashesInTheAdapter")
    assert crash.returncode == 3, crash.stdout + crash.stderr
    assert crash.stdout.startswith(f"error: step `value = t.item()` (line {line}): the adapter or gradspec raised KeyError")
    assert 'raise KeyError("a bug of the adapter\'s own")' in crash.stderr  # the adapter's own frame
    library = _replay(*example, "--adapter", "tests.test_runner:ItemRaisesInTheLibrary")
    assert library.returncode == 1, library.stdout + library.stderr
    assert library.stdout.startswith(f"fail: step `value = t.item()` (line {line}) raised TypeError: this library's item()")
    assert "in raise_from_library" in library.stderr


def test_replay_checks_with_the_specs_own_tolerances(tmp_path: Path) -> None:
    """A replay judges as the run does: with the spec's allclose tolerances, not the defaults."""
    from gradspec.replay import replay

    (tmp_path / "tol").mkdir()
    path = tmp_path / "tol" / "exact.yaml"
    path.write_text(
        "id: tol.exact\n"
        "title: Adding a billionth is seen at zero tolerance\n"
        "source: [{docs: torch.allclose, url: 'https://docs.pytorch.org/docs/stable/generated/torch.allclose.html'}]\n"
        "requires: []\n"
        "tolerance: {float64: {rtol: 0.0, atol: 0.0}}\n"
        "given:\n  x: arrays(dtype=float64, shape=(), min_value=1, max_value=1)\n"
        "steps: y = tensor(x) + 1.0e-9\n"
        "then: ['not allclose(y, x)']\n"
    )
    spec = load_spec(path, root=tmp_path)
    outcome, message, _ = replay(spec, TorchAdapter(), "cpu", ["x = array(1.0, dtype=float64)"])
    assert outcome == "pass", message  # at the default float64 tolerance the two would be close


@pytest.mark.e2e
def test_replay_refuses_an_example_that_does_not_assign_the_inputs() -> None:
    result = _replay("item.single_element", "--given", "y = array(3, dtype=int64)")
    assert result.returncode == 3
    assert "missing x; unknown y" in result.stdout


@pytest.mark.e2e
def test_torch_conforms_to_every_spec_but_its_recorded_deviations_under_the_ci_profile(tmp_path: Path) -> None:
    """Every spec outside the operator table (the conformance run of .ci/run covers the table,
    gated on the same baseline): torch passes all of them but those its baseline records."""
    baseline = ROOT / "baselines" / "torch.yaml"
    result = run_suite("--device", "cpu", "--report-dir", str(tmp_path), f"--baseline={baseline}", *NOT_OPERATORS)
    assert result.returncode == 0, result.stdout[-3000:]
    report = json.loads((tmp_path / "torch-cpu.json").read_text())
    outcomes = {row["id"]: row["outcome"] for row in report["results"]}
    expected = {spec.id for spec in load_specs() if spec.operator is None}
    assert set(outcomes) == expected
    cpu_only_elsewhere = {spec.id for spec in load_specs() if spec.devices is not None and "cpu" not in spec.devices}
    assert {i for i, o in outcomes.items() if o == "not_applicable"} == cpu_only_elsewhere & expected
    known = {row["id"] for row in report["results"] if row.get("baseline") == "known"}
    assert all(outcome == "pass" for i, outcome in outcomes.items() if i not in cpu_only_elsewhere | known)
    assert report["hypothesis_profile"] == "ci"
    assert "gradspec: torch" in result.stdout


@pytest.mark.e2e
def test_selection_by_spec_id_with_k(tmp_path: Path) -> None:
    result = run_suite("--device", "cpu", "--report-dir", str(tmp_path), "-k", "requires_grad.propagation")
    assert result.returncode == 0, result.stdout[-3000:]
    ids = [row["id"] for row in json.loads((tmp_path / "torch-cpu.json").read_text())["results"]]
    assert ids and all(i.startswith("requires_grad.propagation.") for i in ids)


@pytest.mark.e2e
def test_a_bad_spec_is_a_collection_error_without_traceback(specs_copy: Path, tmp_path: Path) -> None:
    bad = specs_copy / "tolist" / "matches_numpy.yaml"
    bad.write_text(bad.read_text().replace("title:", "tittle:"))
    result = run_suite("--specs", str(specs_copy), "--no-builtin-specs", "--no-report", cwd=tmp_path)
    assert result.returncode == 2
    assert "gradspec: 1 spec problem(s):" in result.stdout, result.stdout[-3000:]  # the copy only: no duplicate ids
    assert "specs/tolist/matches_numpy.yaml:3: tittle: unknown key (did you mean 'title'?" in result.stdout
    assert "Traceback" not in result.stdout and "loader.py" not in result.stdout


@pytest.mark.e2e
def test_an_unknown_adapter_is_a_usage_error() -> None:
    result = run_suite("--adapter", "nosuchlib", "--no-report")
    assert result.returncode == 4
    assert "unknown adapter 'nosuchlib'" in result.stderr


@pytest.mark.e2e
@pytest.mark.parametrize("device", ["tpu"])
def test_an_unknown_device_kind_is_a_usage_error(device: str) -> None:
    result = run_suite("--device", device, "--no-report")
    assert result.returncode == 4
    assert "has no device kind tpu" in result.stderr


def test_a_value_shown_in_a_failure_has_no_memory_address() -> None:
    """Two identical runs give identical reports, also where a failure shows a library object."""
    from gradspec.render import runtime_value

    class Node:
        pass

    shown = runtime_value(Node(), TorchAdapter())
    assert shown.endswith(" at 0x...>") and "Node object" in shown


@pytest.mark.e2e
def test_a_failure_shows_the_case_in_one_short_line(tmp_path: Path) -> None:
    """pytest and Hypothesis print the test's arguments with every failure: a case is its id and
    adapter, not the whole spec."""
    result = run_suite("--adapter=tests.planted.tutorial:ItemAlwaysFloat", "--device=cpu", "--no-report", "-k", "item.single_element")
    assert result.returncode == 1
    assert "gradspec_case = Case('item.single_element-cpu', adapter='torch')" in result.stdout
    assert "Spec(" not in result.stdout
