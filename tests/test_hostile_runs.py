"""Specs and adapters that load fine but try to change other specs' verdicts or take the run
down, without ``--isolate``: every example starts from the library's default state, drawn values
are never shared, limits hold, and neither the gate nor ``gradspec run`` ends green on a broken
run.  ``test_hostile_specs.py`` covers what the loader refuses before anything runs."""
from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import Phase, settings

from gradspec import limits, state
from gradspec.errors import BackendError, SpecError
from gradspec.language import steps
from gradspec.language.interpreter import RunContext
from gradspec.loader import load_spec
from gradspec.runner import Case, _matches, check_case
from gradspec.spec import Spec
from tests.conftest import CI_LIKE, NOT_OPERATORS, ROOT, run_suite, write_spec

torch = pytest.importorskip("torch")
from gradspec.adapters.torch_adapter import TorchAdapter  # noqa: E402
from tests.planted.crashing import HANG_MARKER  # noqa: E402
from tests.planted.misbehaving import ENDING_THE_TEST, ResetLeavesGradOff  # noqa: E402

pytestmark = pytest.mark.torch

SOURCE = "source:\n  - tutorial: T1 Tensors\n"


def spec_text(spec_id: str, requires: str, given: str, steps_text: str, then: str) -> str:
    indented = "".join(f"  {line}\n" for line in steps_text.strip().splitlines())
    return (
        f"id: {spec_id}\ntitle: {spec_id}\n{SOURCE}requires: [{requires}]\ngiven:\n{given}\n"
        f"steps: |\n{indented}then:\n  - '{then}'\n"
    )


#: The state-leaking spec: the drawn list is the same object in every example (``just``), and
#: the context stack kept in it holds inference mode on after the example.  Its id sorts first.
LEAKING = spec_text(
    "aliasing.aaa.leaks_inference_mode",
    "inference_mode",
    "  box: just([0])",
    "stack = context_stack()\nstack.enter(inference_mode())\nbox[0] = stack",
    "is_inference_mode_enabled()",
)
#: True only when an earlier example leaked inference mode: a false claim about PyTorch.
FALSE_CLAIM = spec_text(
    "aliasing.aab.inference_mode_is_on_by_default",
    "inference_mode",
    "  x: tensors()",
    "on = is_inference_mode_enabled()",
    "on",
)


def load(tmp_path: Path, text: str) -> Spec:
    spec_id = text.split("\n", 1)[0].removeprefix("id: ")
    area, name = spec_id.split(".", 1)
    return load_spec(write_spec(tmp_path / "specs", f"{area}/{name}.yaml", text), root=tmp_path / "specs")


def verdict(spec: Spec, adapter: Any, hypothesis_settings: Any = CI_LIKE) -> Any:
    return check_case(Case(spec, adapter, "cpu", "cpu"), hypothesis_settings)


# -- 1. state between examples ----------------------------------------------------------------


def test_a_spec_leaving_inference_mode_on_changes_no_later_verdict(tmp_path: Path) -> None:
    adapter = TorchAdapter()
    real = load_spec(ROOT / "specs/grad_mode/nesting_innermost_wins_and_restores.yaml", root=ROOT / "specs")
    assert verdict(load(tmp_path, LEAKING), adapter).outcome == "pass"
    assert not torch.is_inference_mode_enabled()
    false_claim = verdict(load(tmp_path, FALSE_CLAIM), adapter)
    assert false_claim.outcome == "fail", false_claim.error
    assert verdict(real, adapter).outcome == "pass"


def outcomes(report: Path) -> dict[str, str]:
    return {result["id"]: result["outcome"] for result in json.loads(report.read_text())["results"]}


@pytest.mark.e2e
@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["serial", "two-workers"])
def test_with_the_leaking_spec_among_the_real_ones_every_verdict_is_unchanged(tmp_path: Path, workers: list[str]) -> None:
    """The leaking spec's id sorts before every real spec; without --isolate, each real spec's
    outcome is the one of the committed PyTorch report, and the false claim fails."""
    pack = tmp_path / "pack"
    write_spec(pack, "aliasing/aaa_leaks_inference_mode.yaml", LEAKING)
    write_spec(pack, "aliasing/aab_inference_mode_is_on_by_default.yaml", FALSE_CLAIM)
    run = run_suite("--device=cpu", f"--specs={pack}", f"--report-dir={tmp_path}", *NOT_OPERATORS, *workers)
    assert run.returncode == 1, run.stdout[-3000:]
    seen = outcomes(tmp_path / "torch-cpu.json")
    assert seen.pop("aliasing.aaa.leaks_inference_mode") == "pass"
    assert seen.pop("aliasing.aab.inference_mode_is_on_by_default") == "fail"
    committed = outcomes(ROOT / "reports" / "torch-cpu.json")
    assert seen == {spec_id: outcome for spec_id, outcome in committed.items() if not spec_id.startswith("operators.")}


def test_a_drawn_list_is_never_shared_between_examples(tmp_path: Path) -> None:
    text = spec_text("grad.aaa.drawn_list", "", "  box: just([0])\n  x: tensors()", "box[0] = box[0] + 1", "box[0] == 1")
    result = verdict(load(tmp_path, text), TorchAdapter())
    assert result.outcome == "pass", result.error


def test_grad_mode_turned_off_by_a_call_is_back_on_for_the_next_example(tmp_path: Path) -> None:
    text = spec_text("grad_mode.aaa.off", "grad_modes, set_grad_enabled", "  x: tensors()", "on = is_grad_enabled()\nset_grad_enabled(False)", "on")
    result = verdict(load(tmp_path, text), TorchAdapter())
    assert result.outcome == "pass", result.error
    assert torch.is_grad_enabled()


def test_a_reset_that_restores_nothing_is_an_error_and_stops_later_verdicts(tmp_path: Path) -> None:
    """Planted: an adapter whose reset() leaves grad mode off.  The spec that turned it off is an
    error, and so is the next one: its verdict could not be trusted."""
    adapter = ResetLeavesGradOff()
    text = spec_text("grad_mode.aaa.off", "set_grad_enabled", "  x: tensors()", "set_grad_enabled(False)", "True")
    try:
        first = verdict(load(tmp_path, text), adapter)
        assert first.outcome == "error"
        assert "could not restore" in str(first.error) and "grad_enabled is False, was True" in str(first.error)
        second = verdict(load(tmp_path, FALSE_CLAIM), adapter)
        assert second.outcome == "error"
        assert "not run: spec grad_mode.aaa.off left the library in a state" in str(second.error)
    finally:
        torch.set_grad_enabled(True)


# -- 2. budgets are per evaluation, never per session --------------------------------------------

#: 21 numbers: comprehensions over it three deep run 9261 loop iterations.
NUMBERS = str(list(range(21)))
#: 9261 loop iterations each time the input is built (per example: it depends on ``n``).
BIG_GIVEN = f"  n: integers(0, 3)\n  xs: sampled_from([[a + b + c + n for a in {NUMBERS} for b in {NUMBERS} for c in {NUMBERS}]])"


def test_a_large_comprehension_in_given_never_exhausts_a_session_budget(tmp_path: Path) -> None:
    text = spec_text("grad.aaa.big_given", "", BIG_GIVEN, "m = len(xs)", "m == 9261")
    spec = load(tmp_path, text)
    for _ in range(3):  # 3 x 60 examples x 9000 iterations: far beyond one example's budget
        result = verdict(spec, TorchAdapter())
        assert result.outcome == "pass", result.error


def test_loading_many_specs_with_large_given_comprehensions_blames_none(tmp_path: Path) -> None:
    """Each file's input costs 6 x 9261 loop iterations when loaded: two exceed one example's budget."""
    triples = f"[a + b + c for a in {NUMBERS} for b in {NUMBERS} for c in {NUMBERS}]"
    given = f"  xs: sampled_from([{triples} for d in [0, 1, 2, 3, 4, 5]])"
    text = spec_text("grad.big{}", "", given, "m = len(xs)", "m == 9261")
    for index in range(3):
        load(tmp_path, text.replace("big{}", f"big{index}"))


# -- 3. the adapter ending the test or the process ----------------------------------------------


def gradspec_run(*args: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "gradspec", "run", "--device=cpu", "-q", *args]
    return subprocess.run(command, cwd=ROOT, env={**os.environ, "CI": "true"}, capture_output=True, text=True, timeout=600, **kwargs)


@pytest.mark.e2e
@pytest.mark.parametrize("misbehaviour", ENDING_THE_TEST)
def test_the_gate_fails_when_the_adapter_ends_the_test(tmp_path: Path, misbehaviour: str) -> None:
    baseline = tmp_path / "baseline.yaml"
    baseline.write_text("adapter: torch\nentries: []\n")
    run = gradspec_run(
        f"--adapter=tests.planted.misbehaving:{misbehaviour}", f"--baseline={baseline}", f"--report-dir={tmp_path}", "-k", "item.single_element"
    )
    assert run.returncode != 0, run.stdout[-2000:]
    report = tmp_path / "torch-cpu.json"
    if misbehaviour == "EndsProcessOnItem":
        assert "before gradspec finished it" in run.stderr
        assert not report.exists()
    else:
        results = json.loads(report.read_text())["results"]
        assert [r["outcome"] for r in results] == ["error"]
        assert "tried to end the test" in results[0]["error"]


@pytest.mark.e2e
def test_an_adapter_skipping_at_import_is_refused(tmp_path: Path) -> None:
    run = gradspec_run("--adapter=tests.planted.skips_at_import:Adapter", "--no-report")
    assert run.returncode == 4, run.stdout[-2000:] + run.stderr[-2000:]
    assert "could not be created: it called pytest's Skipped" in run.stderr


@pytest.mark.e2e
def test_an_adapter_name_that_would_leave_the_report_folder_is_refused(tmp_path: Path) -> None:
    run = gradspec_run("--adapter=tests.planted.misbehaving:NamedOutsideReports", f"--report-dir={tmp_path / 'reports'}")
    assert run.returncode == 4 and "'../../outside' cannot name a report file" in run.stderr, run.stderr[-2000:]
    assert list(tmp_path.rglob("*.json")) == []


# -- 4. threads ----------------------------------------------------------------------------------


def test_a_thread_outliving_its_example_stops_later_verdicts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(steps, "THREAD_TIMEOUT", 0.05)
    monkeypatch.setattr(state, "THREAD_GRACE", 0.05)
    work = "def spin():\n    for i in range(200):\n        for j in range(100):\n            y = ones((64,)) * 2\nrun_in_thread(spin)"
    text = spec_text("grad_mode.aaa.slow_thread", "", "  x: tensors()", work, "True")
    adapter = TorchAdapter()
    try:
        first = verdict(load(tmp_path, text), adapter, settings(CI_LIKE, max_examples=1))
        assert first.outcome == "error" and "is still running" in str(first.error), first.error
        assert all(thread.daemon for thread in threading.enumerate() if thread.name == "gradspec-step")
        second = verdict(load(tmp_path, FALSE_CLAIM), adapter)
        assert second.outcome == "error" and "not run" in str(second.error)
    finally:
        for thread in threading.enumerate():
            if thread.name == "gradspec-step":
                thread.join(60)


# -- 5. resource bombs ---------------------------------------------------------------------------

BOMBS = {
    "many_large_tensors": ("xs = [ones((4096, 4096)) for i in range(10000)]", "more than 67108864 tensor elements in all"),
    "huge_expand": ("y = ones((1,)).expand(2**31) + 0", "a tensor of 2147483648 elements"),
    "string_doubling": ("s = 'ab'\nfor i in range(40):\n    s = s + s", "sequence too long"),
    "list_doubling": ("s = [0]\nfor i in range(40):\n    s = s + s", "sequence too long"),
    "percent_format": ("s = '%0999999999d' % 1", "string formatting with % is not part"),
    "int_squaring": ("v = 3\nfor i in range(26):\n    v = v * v", "integer product too large"),
    "layer_sizes_at_run_time": ("n = 2**31\nm = linear(0, n)", "weights and biases of a 0 -> 2147483648 layer"),
    "mlp_sizes_at_run_time": ("n = 2**31\nm = mlp([0, n, 0])", "more than"),
}


@pytest.mark.parametrize("bomb", BOMBS, ids=list(BOMBS))
def test_a_resource_bomb_is_an_error_of_its_spec(tmp_path: Path, bomb: str) -> None:
    code, message = BOMBS[bomb]
    requires = "modules" if "linear" in code or "mlp" in code else "views" if "expand" in code else ""
    text = spec_text(f"grad.aaa.{bomb}", requires, "  x: tensors()", code, "True")
    result = verdict(load(tmp_path, text), TorchAdapter(), settings(CI_LIKE, max_examples=2, phases=[Phase.generate]))
    assert result.outcome == "error" and message in str(result.error), result.error


@pytest.mark.parametrize("layer", ["m = linear(0, 2**31)", "m = mlp([0, 2**31, 0])"])
def test_constant_layer_sizes_count_the_bias(tmp_path: Path, layer: str) -> None:
    with pytest.raises(SpecError, match="elements"):
        load(tmp_path, spec_text("grad.aaa.layer", "modules", "  x: tensors()", layer, "True"))


def test_the_memory_allowance_stops_an_allocation_and_is_lifted_after() -> None:
    before = resource.getrlimit(resource.RLIMIT_AS)
    with pytest.raises(MemoryError), limits.memory_allowance(256):
        bytearray(1 << 30)
    assert resource.getrlimit(resource.RLIMIT_AS) == before
    assert len(bytearray(1 << 29)) == 1 << 29


def test_the_time_limit_stops_a_spec_in_the_process() -> None:
    started = time.monotonic()
    with pytest.raises(BackendError, match=r"ran past its time limit of 0\.2 s"):
        limits.run_limited(lambda: time.sleep(30), seconds=0.2, megabytes=None, what="spec x")
    assert time.monotonic() - started < 5
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("planted", "limit", "message"),
    [("HangsOnItem", "--spec-timeout=3", "ran past its time limit of 3 s"), ("LeaksOnItem", "--spec-memory=512", "ran out of memory (MemoryError")],
)
def test_a_hanging_or_leaking_library_costs_one_error_without_isolation(tmp_path: Path, planted: str, limit: str, message: str) -> None:
    run = gradspec_run(f"--adapter=tests.planted.crashing:{planted}", limit, f"--report-dir={tmp_path}", "-k", "item.single_element or tolist.matches_numpy")
    assert run.returncode == 1, run.stdout[-2000:]
    results = {r["id"]: r for r in json.loads((tmp_path / "torch-cpu.json").read_text())["results"]}
    assert results["item.single_element"]["outcome"] == "error" and message in results["item.single_element"]["error"]
    assert results["tolist.matches_numpy"]["outcome"] == "pass"


@pytest.mark.e2e
def test_a_failure_found_before_the_time_limit_stays_a_failure(tmp_path: Path) -> None:
    """The limit stops the shrinking, not the verdict: the smallest failing example found by then
    is the counterexample, and the outcome is the failure it showed."""
    run = gradspec_run(
        "--adapter=tests.planted.crashing:SlowAndWrongItem", "--spec-timeout=4", f"--report-dir={tmp_path}", "-k", "item.single_element"
    )
    assert run.returncode == 1, run.stdout[-2000:]
    [result] = json.loads((tmp_path / "torch-cpu.json").read_text())["results"]
    assert result["outcome"] == "fail", result
    assert result["signature"] == "then `identical(value, x.item())`: false" and result["counterexample"].startswith("x = array(")
    assert "the time limit of 4 s stopped shrinking" in run.stdout


# -- 9. interrupted runs and report folders ------------------------------------------------------


def _wait_for(predicate: Any, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.2)


@pytest.mark.e2e
@pytest.mark.parametrize("ending", ["SIGTERM", "SIGHUP"])
def test_a_terminated_run_writes_its_report_marked_interrupted(tmp_path: Path, ending: str) -> None:
    stale = tmp_path / "torch-cpu.json"
    stale.write_text('{"stale": true}')
    command = [sys.executable, "-m", "gradspec", "run", "--device=cpu", "--adapter=tests.planted.crashing:HangsOnItem"]
    command += [f"--report-dir={tmp_path}", "-k", "tolist.matches_numpy or item.single_element", "-p", "no:randomly"]
    log = tmp_path / "output.txt"
    hanging = tmp_path / "hanging"
    env = {**os.environ, "CI": "true", HANG_MARKER: str(hanging)}
    with log.open("w") as out:  # a file, not a pipe: a run never blocks on a full pipe nobody reads yet
        run = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, text=True)
        try:
            _wait_for(hanging.exists, 120)  # item.single_element is hanging now
            run.send_signal(getattr(signal, ending))
            run.wait(timeout=60)
        finally:
            run.kill()
    output = log.read_text()
    assert run.returncode not in (0, None), output[-2000:]
    report = json.loads(stale.read_text())
    assert report["interrupted"] == ending and report["complete"] is False
    assert report["lost"] == 0  # the cases left unrun are not counted as crashed
    assert "Partial run (interrupted: " + ending in (tmp_path / "torch-cpu.md").read_text()


@pytest.mark.e2e
def test_killing_gradspec_run_still_writes_the_report_marked_interrupted(tmp_path: Path) -> None:
    """The pytest process is sent SIGTERM when ``gradspec run`` is killed outright (Linux)."""
    report = tmp_path / "torch-cpu.json"
    report.write_text('{"stale": true}')
    command = [sys.executable, "-m", "gradspec", "run", "--device=cpu", "--adapter=tests.planted.crashing:HangsOnItem"]
    command += [f"--report-dir={tmp_path}", "-k", "item.single_element"]
    hanging = tmp_path / "hanging"
    env = {**os.environ, "CI": "true", HANG_MARKER: str(hanging)}
    run = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for(hanging.exists, 120)  # item.single_element is hanging now
        run.kill()
        _wait_for(report.exists, 60)
    finally:
        run.kill()
        run.wait()
    assert json.loads(report.read_text())["interrupted"] == "SIGTERM"


@pytest.mark.e2e
def test_a_killed_run_leaves_no_stale_report(tmp_path: Path) -> None:
    stale = tmp_path / "torch-cpu.json"
    stale.write_text('{"stale": true}')
    command = [sys.executable, "-m", "pytest", str(ROOT / "suites"), "-p", "no:cacheprovider", "--device=cpu"]
    command += ["--adapter=tests.planted.crashing:HangsOnItem", f"--report-dir={tmp_path}", "-k", "item.single_element"]
    run = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for(lambda: not stale.exists(), 60)
    finally:
        run.kill()
        run.wait()
    assert not stale.exists() and not (tmp_path / "torch-cpu.md").exists()


@pytest.mark.e2e
def test_an_unwritable_report_folder_is_refused_before_the_run(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    started = time.monotonic()
    run = gradspec_run(f"--report-dir={not_a_folder}", "-k", "item")
    assert run.returncode == 4 and "cannot write reports to" in run.stderr, run.stderr[-2000:]
    assert "passed" not in run.stdout
    assert time.monotonic() - started < 60


@pytest.mark.e2e
def test_a_report_that_cannot_be_written_fails_the_run_with_a_message(tmp_path: Path) -> None:
    """A file-size limit makes writing the report fail as a full disk does (EFBIG)."""

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, resource.RLIM_INFINITY))

    run = gradspec_run(f"--report-dir={tmp_path}", "-k", "item", preexec_fn=small_files)
    assert run.returncode == 3, run.stdout[-2000:] + run.stderr[-2000:]
    assert "could not write the report to" in run.stdout
    assert "Traceback" not in run.stdout + run.stderr


# -- 10. smaller holes ---------------------------------------------------------------------------


def test_a_backtracking_match_pattern_is_stopped_and_blamed_on_the_spec() -> None:
    started = time.monotonic()
    with pytest.raises(BackendError, match="the pattern backtracks"):
        _matches(r"(a+)+$", "a" * 60 + "b")
    assert time.monotonic() - started < 5


def test_equal_compares_dtypes() -> None:
    context = RunContext(adapter=TorchAdapter(), device="cpu")
    assert not steps.equal(context, torch.tensor([1.0]), torch.tensor([True]))
    assert not steps.equal(context, torch.tensor([1.0]), torch.tensor([1.0], dtype=torch.float64))
    assert steps.equal(context, torch.tensor([1.0]), torch.tensor([1.0]))
    assert steps.equal(context, torch.tensor([1.0]), [1.0])  # a Python value has no dtype of its own


@pytest.mark.parametrize("tolerance", ["atol=1e999", "rtol=1e999", "atol=-1.0"])
def test_an_infinite_or_negative_allclose_tolerance_is_an_error_of_the_spec(tmp_path: Path, tolerance: str) -> None:
    text = spec_text("grad.aaa.loose", "", "  x: tensors()", "y = x + 1", f"allclose(x, y, {tolerance})")
    result = verdict(load(tmp_path, text), TorchAdapter(), settings(CI_LIKE, max_examples=2))
    assert result.outcome == "error" and "a tolerance is a finite number, at least 0" in str(result.error), result.error


def test_adapter_tolerance_overrides_are_in_the_report() -> None:
    from gradspec.report import AdapterIdentity, SpecSet, build_report
    from gradspec.resources import REPORT_SCHEMA
    from gradspec.schema import Validator, load_schema

    class Loose(TorchAdapter):
        tolerances = {"grad.some_spec": {"float32": (1e-3, 1e-4)}}

    report = build_report(adapter=AdapterIdentity.of(Loose()), device_kind="cpu", device="cpu", profile="ci", results=[], spec_set=SpecSet({}))
    assert report["library"]["tolerance_overrides"] == {"grad.some_spec": {"float32": [1e-3, 1e-4]}}
    assert Validator(load_schema(REPORT_SCHEMA)).problems(report) == []


def test_every_text_of_a_result_is_clipped() -> None:
    from gradspec.pytest_plugin.reporting import MAX_ERROR_CHARS, clipped_texts

    huge = "x" * (10 * MAX_ERROR_CHARS)
    texts = clipped_texts(error=huge, counterexample=huge, replay=huge)
    assert all(len(text) <= MAX_ERROR_CHARS + 100 for text in texts.values() if text)
