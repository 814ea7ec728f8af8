"""gradspec's speed against its own limits, measured side by side in one run on one machine.

    python scripts/benchmark.py [--quick]

Prints
(1) the cost per Hypothesis example of specs run as the suite runs them (loader, strategies,
    interpreter, the body of ``suites/test_specs.py``), against a hand-written ``@given`` test of
    the same property calling torch directly and against the bare generation of the same inputs,
    every variant drawing the same examples;
(2) collection time for the real specs and for 1,000 generated specs;
(3) examples per second for the whole suite, per area, and the slowest ten specs;
(4) the full suite's wall time, serial and with ``-n 2``, in the default (dev) and ci profiles,
    and in the dev profile as two ``--shard`` processes at once (no pytest-xdist), the reference
    for what ``-n 2`` costs beyond two processes;
(5) the finite-difference check of one operator example (``operators.vjp[<op>]``, steps and
    checks, inputs already drawn) against ``torch.autograd.gradcheck(fast_mode=True)`` on the
    same operator and inputs, for operators of different kinds.
Timings are medians of interleaved repetitions, ratios the median of per-repetition ratios;
nothing here asserts a time (machines are shared and noisy).  ``--quick`` takes about a third of
the time with fewer examples and repetitions.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import hypothesis  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from hypothesis import HealthCheck, Phase, given, seed, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402

from gradspec.adapters.torch_adapter import TorchAdapter  # noqa: E402
from gradspec.loader import load_spec, load_specs  # noqa: E402
from gradspec.pytest_plugin.distributed import THREAD_VARIABLES  # noqa: E402
from gradspec.report import report_stem_of  # noqa: E402
from gradspec.runner import Case  # noqa: E402
from gradspec.running_case import case_inputs, running  # noqa: E402
from suites.test_specs import test_spec  # noqa: E402

suite_test_body = test_spec.hypothesis.inner_test  # type: ignore[attr-defined]

SETTINGS = dict(database=None, deadline=None, phases=[Phase.generate], suppress_health_check=list(HealthCheck))
#: Every variant of one property draws from the same seed, so each sees the same examples
#: (derandomize would seed each test function by its own source).
SAME_EXAMPLES = seed(20261127)


def per_example(run: Callable[[], None], examples: int) -> float:
    gc.collect()  # a collection left over from the last variant is not charged to this one
    start = time.perf_counter()
    run()
    return (time.perf_counter() - start) / examples


# -- (1) one spec, four ways --------------------------------------------------------------------

def _float_arrays(shape: Any = hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4)) -> st.SearchStrategy:
    dtypes = st.sampled_from([np.dtype("float32"), np.dtype("float64")])
    return dtypes.flatmap(lambda dtype: hnp.arrays(dtype, shape, elements=st.floats(
        -100, 100, width=dtype.itemsize * 8, allow_nan=False, allow_infinity=False, allow_subnormal=False)))


def data_inplace_hand_written(examples: int) -> tuple[Callable[[], None], Callable[[], None]]:
    """aliasing.data.inplace_is_untracked, written by hand against torch."""

    @SAME_EXAMPLES
    @settings(max_examples=examples, **SETTINGS)
    @given(_float_arrays())
    def property_(array: np.ndarray) -> None:
        a = torch.tensor(array, requires_grad=True)
        b = a + 2
        loss = torch.mean(b * b)
        b.data.zero_()
        loss.backward()
        assert torch.equal(a.grad, torch.zeros_like(a))
        assert torch.equal(b, torch.zeros_like(b))

    @SAME_EXAMPLES
    @settings(max_examples=examples, **SETTINGS)
    @given(_float_arrays())
    def generation(array: np.ndarray) -> None:
        pass

    return property_, generation


def binary_ops_hand_written(examples: int) -> tuple[Callable[[], None], Callable[[], None]]:
    """requires_grad.propagation.binary_ops, written by hand against torch."""
    ops = [torch.add, torch.sub, torch.mul, torch.div]

    @st.composite
    def inputs(draw: Any) -> tuple:
        op = draw(st.sampled_from(ops))
        rg_a, rg_b = draw(st.booleans()), draw(st.booleans())
        a = draw(_float_arrays(hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=4)))
        shape = draw(hnp.broadcastable_shapes(a.shape, min_side=1, max_side=4))
        b = draw(hnp.arrays(a.dtype, shape, elements=st.floats(-100, 100, width=a.dtype.itemsize * 8, allow_nan=False,
                                                                 allow_infinity=False, allow_subnormal=False)))
        return op, rg_a, rg_b, a, b

    @SAME_EXAMPLES
    @settings(max_examples=examples, **SETTINGS)
    @given(inputs())
    def property_(drawn: tuple) -> None:
        op, rg_a, rg_b, a, b = drawn
        ta, tb = torch.tensor(a, requires_grad=rg_a), torch.tensor(b, requires_grad=rg_b)
        assert op(ta, tb).requires_grad == (rg_a or rg_b)
        assert op(tb, ta).requires_grad == (rg_a or rg_b)
        assert op(ta, 2.0).requires_grad == rg_a

    @SAME_EXAMPLES
    @settings(max_examples=examples, **SETTINGS)
    @given(inputs())
    def generation(drawn: tuple) -> None:
        pass

    return property_, generation


def through_gradspec(spec_path: str, examples: int) -> tuple[Callable[[], None], Callable[[], None]]:
    """The spec as the suite runs it: the body of ``suites/test_specs.py::test_spec`` on a case."""
    spec = load_spec(ROOT / spec_path, root=ROOT / "specs")
    case = Case(spec, TorchAdapter(), "cpu", "cpu")

    @SAME_EXAMPLES
    @settings(max_examples=examples, **SETTINGS)
    @given(drawn=case_inputs())
    def run(drawn: dict[str, Any]) -> None:
        suite_test_body(case, drawn)

    @SAME_EXAMPLES
    @settings(max_examples=examples, **SETTINGS)
    @given(drawn=case_inputs())
    def generation(drawn: dict[str, Any]) -> None:
        pass

    def as_the_plugin_runs(test: Callable[[], None]) -> Callable[[], None]:
        def call() -> None:
            with running(case):
                test()

        return call

    return as_the_plugin_runs(run), as_the_plugin_runs(generation)


VARIANTS = ("gradspec", "hand-written", "generation", "gradspec generation")


def compare_one_spec(spec_path: str, hand_written: Callable, examples: int, repeats: int) -> None:
    """Per-example cost of a spec through gradspec, of the same property written by hand, and of
    the bare generation of its inputs, all on the same examples."""
    hand, hand_generation = hand_written(examples)
    ours, our_generation = through_gradspec(spec_path, examples)
    runs = dict(zip(VARIANTS, (ours, hand, hand_generation, our_generation)))
    for run in runs.values():  # warm-up: imports, strategy caches, torch's first calls
        run()
    timings: dict[str, list[float]] = defaultdict(list)
    for _ in range(repeats):  # interleaved, so drifts of the machine hit every variant alike
        for name, run in runs.items():
            timings[name].append(per_example(run, examples))
    median = {name: statistics.median(values) for name, values in timings.items()}

    def ratio(numerator: str, denominator: str) -> str:
        paired = [a / b for a, b in zip(timings[numerator], timings[denominator])]
        return f"{statistics.median(paired):.3f}x  (repetitions {min(paired):.2f}-{max(paired):.2f})"

    print(f"\n{spec_path} ({examples} examples x {repeats} repetitions, the same examples for every variant; "
          "median ms per example)")
    for name in VARIANTS:
        print(f"  {name:<22} {1000 * median[name]:8.3f} ms")
    print(f"  gradspec / hand-written          {ratio('gradspec', 'hand-written')}  goal <= 1.05x")
    print(f"  gradspec / bare generation       {ratio('gradspec', 'generation')}  goal <= 1.25x")
    print(f"  gradspec generation / generation {ratio('gradspec generation', 'generation')}")


# -- (3) and (4) the whole suite ---------------------------------------------------------------

@dataclass
class SuiteRun:
    wall: float
    cpu: float  # user + system time of the pytest process and its workers


def _suite_command(report_dir: Path, profile: str, *extra: str) -> tuple[list[str], dict[str, str]]:
    """The README's ``gradspec run`` on torch CPU (pytest in a child process, with the options
    gradspec gives every run), and its environment."""
    command = [sys.executable, "-m", "gradspec", "run", "-q",
               "--device=cpu", f"--report-dir={report_dir}", f"--hypothesis-profile={profile}",
               f"--baseline={ROOT / 'baselines' / 'torch.yaml'}", *extra]
    # The dev profile keeps an example database: a fresh one per run, outside the checkout.
    env = {**os.environ, "HYPOTHESIS_STORAGE_DIRECTORY": str(report_dir / "hypothesis")}
    env.pop("CI", None)  # the profile is named on the command line
    return command, env


def _check_finished(returncode: int, output: str, report: Path) -> None:
    # Timed whatever the verdicts: the dev profile draws afresh, so torch's recorded deviations
    # that need a particular input (pow's exponent 0) may go unfound, which the gate reports.
    if returncode not in (0, 1) or not report.exists():
        raise RuntimeError(f"the suite did not run to its report (exit {returncode}):\n{output[-2000:]}")


def _suite_timed(run: Callable[[], None]) -> SuiteRun:
    """Wall time of ``run`` and the CPU time of the processes it waited for."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = _timed(run)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return SuiteRun(wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)


def run_suite(report_dir: Path, profile: str, *extra: str) -> SuiteRun:
    """One run of the whole suite on torch CPU, as a user types it."""
    command, env = _suite_command(report_dir, profile, *extra)

    def run() -> None:
        finished = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        _check_finished(finished.returncode, finished.stdout, report_dir / "torch-cpu.json")

    return _suite_timed(run)


def run_two_shards(report_dir: Path, profile: str) -> SuiteRun:
    """The suite as two ``--shard`` processes at once, each with one math thread: two processes
    with no pytest-xdist controller and no per-item traffic, each paying the whole start-up; the
    reference that ``-n 2`` is measured against."""

    def run() -> None:
        children = []
        for shard in (1, 2):
            command, env = _suite_command(report_dir / str(shard), profile, f"--shard={shard}/2")
            env.update({name: "1" for name in THREAD_VARIABLES})
            child = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            children.append((shard, child))
        for shard, child in children:
            output, _ = child.communicate()
            report = report_dir / str(shard) / f"{report_stem_of('torch', 'cpu', (shard, 2))}.json"
            _check_finished(child.returncode, output, report)

    return _suite_timed(run)


#: Each repetition of the whole-suite figures, in the order it runs them (interleaved).
SUITE_VARIANTS = (("dev", "serial"), ("dev", "-n 2"), ("dev", "two shards"), ("ci", "serial"), ("ci", "-n 2"))


def suite_figures(repeats: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        runs: dict[tuple[str, str], list[SuiteRun]] = defaultdict(list)
        for index in range(repeats):  # interleaved, like the per-example figures
            for profile, mode in SUITE_VARIANTS:
                report_dir = Path(folder) / f"{profile}-{mode.replace(' ', '')}-{index}"
                if mode == "two shards":
                    runs[profile, mode].append(run_two_shards(report_dir, profile))
                else:
                    runs[profile, mode].append(run_suite(report_dir, profile, *(("-n", "2") if mode == "-n 2" else ())))
        report = json.loads((Path(folder) / "ci-serial-0" / "torch-cpu.json").read_text())
    _examples_per_second(report)
    print(f"\nWhole suite against torch CPU, wall time of `gradspec run` (median of {repeats} interleaved "
          "repetitions; CPU = user + system time of all its processes; speed-up = median of the "
          "repetitions' serial / parallel ratios, their range in brackets)")
    for profile, meaning in (("dev", "the default profile, 30 examples"), ("ci", "CI=true, 60 examples, derandomized")):
        serial = runs[profile, "serial"]
        line = f"  {profile} ({meaning}): serial {_median_wall(serial)}"
        for mode in ("-n 2", "two shards"):
            if (profile, mode) in runs:
                line += f", {mode} {_median_wall(runs[profile, mode])} speed-up {_speed_up(serial, runs[profile, mode])}"
        print(line + "  (goals: serial < 60 s, -n 2 speed-up >= 1.6x)")
    print("  two shards: two `--shard` processes at once with one math thread each, no pytest-xdist "
          "(no controller, no per-item traffic; each pays the whole start-up)")


def _median_wall(runs: list[SuiteRun]) -> str:
    return (f"{statistics.median(run.wall for run in runs):.1f} s "
            f"(CPU {statistics.median(run.cpu for run in runs):.1f} s)")


def _speed_up(serial: list[SuiteRun], parallel: list[SuiteRun]) -> str:
    ratios = [s.wall / p.wall for s, p in zip(serial, parallel)]
    return f"{statistics.median(ratios):.2f}x [{min(ratios):.2f}-{max(ratios):.2f}]"


def _examples_per_second(report: dict[str, Any]) -> None:
    rows = [row for row in report["results"] if row["outcome"] == "pass"]
    by_area: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_area[row["area"]].append(row)
    print("\nWhole suite, ci profile, torch CPU, serial: examples per second (in the tests themselves)")
    total_examples, total_time = sum(r["examples"] for r in rows), sum(r["duration"] for r in rows)
    print(f"  all {len(rows)} specs: {total_examples / total_time:8.0f} examples/s ({total_examples} examples in {total_time:.1f} s)")
    for area, area_rows in sorted(by_area.items()):
        examples, seconds = sum(r["examples"] for r in area_rows), sum(r["duration"] for r in area_rows)
        print(f"  {area:<14} {examples / seconds:8.0f} examples/s  ({len(area_rows)} specs, {seconds:.1f} s)")
    print("  slowest ten specs:")
    for row in sorted(rows, key=lambda r: -r["duration"])[:10]:
        print(f"    {row['duration']:6.2f} s  {row['examples']:4d} examples  {row['id']}")


# -- (2) collection ----------------------------------------------------------------------------

def collection_figures(repeats: int) -> None:
    real = statistics.median(_timed(_cold_load_specs) for _ in range(repeats))
    template = (ROOT / "specs/requires_grad/propagation_binary_ops.yaml").read_text()
    with tempfile.TemporaryDirectory() as folder:
        area = Path(folder) / "generated"
        area.mkdir()
        for index in range(1000):
            text = template.replace("id: requires_grad.propagation.binary_ops", f"id: generated.spec_{index:04d}")
            (area / f"spec_{index:04d}.yaml").write_text(text)
        generated = statistics.median(_timed(lambda: load_specs(folder)) for _ in range(repeats))
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "pytest", str(ROOT / "suites"), "--collect-only", "-q", "-p", "no:cacheprovider",
                        f"--specs={folder}", "--no-builtin-specs", "--no-report"], cwd=ROOT, check=True, capture_output=True)
        pytest_generated = time.perf_counter() - start
    count = len(load_specs())
    print(f"\nCollection: load and check the {count} real specs {real:.2f} s; 1,000 generated specs {generated:.2f} s "
          f"(goal < 2 s); pytest --collect-only of the 1,000 (process start included) {pytest_generated:.2f} s")


def _cold_load_specs() -> list:
    """The real specs, loaded as a fresh process loads them: the operator table and the
    strategies of inputs (cached for the rest of a process) are read and built again."""
    from gradspec import strategies
    from gradspec.operators import expand, table
    for cached in (table.builtin_table, expand._operator_input, strategies._fixed_strategy):
        cached.cache_clear()
    return load_specs()


def _timed(action: Callable[[], Any]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def machine_description() -> str:
    """The machine and software the figures belong to."""
    def first(path: str, key: str) -> str:
        try:
            lines = Path(path).read_text().splitlines()
        except OSError:
            return "unknown"
        return next((line.split(":", 1)[1].strip() for line in lines if line.startswith(key)), "unknown")

    bytecode = "off (PYTHONDONTWRITEBYTECODE)" if os.environ.get("PYTHONDONTWRITEBYTECODE") else "on"
    return (f"{first('/proc/cpuinfo', 'model name')}, {os.cpu_count()} CPUs, {first('/proc/meminfo', 'MemTotal')} memory, "
            f"load average {os.getloadavg()[0]:.2f} at the start; {platform.platform()}; Python {platform.python_version()}, "
            f"torch {torch.__version__}, Hypothesis {hypothesis.__version__}, pytest {pytest.__version__}; "
            f"bytecode caching {bytecode}")


# -- (5) the finite-difference check against gradcheck's fast mode ------------------------------

#: Operators of different kinds: elementwise, broadcasting binary, reduction with dim, shape,
#: indexing, convolution, loss, linear algebra.
GRADCHECK_OPERATORS = (
    "exp", "mul", "sum", "cat", "index_select", "nn.functional.conv2d", "nn.functional.cross_entropy", "linalg.solve",
)  # fmt: skip


def _gradcheck_function(sample: Any, context: Any) -> tuple[Callable[..., Any], list[torch.Tensor]]:
    """The operator as gradcheck takes it: a function of the differentiable tensors, returning
    the outputs gradspec differentiates, and those tensors (float64, requiring grad)."""
    from gradspec.operators import checks

    inputs = checks.operands(context, sample)
    flat = [t for t in inputs for t in (t if isinstance(t, list) else [t])]

    def function(*tensors: torch.Tensor) -> tuple[torch.Tensor, ...]:
        grouped = checks._grouped(sample, list(tensors)) if hasattr(checks, "_grouped") else dict(zip(sample.op.differentiable, tensors))
        return tuple(checks._outputs(context, sample.op, checks._call(context, sample, grouped)))

    return function, flat


def gradcheck_figures(examples: int, repeats: int) -> None:
    """Per example: gradspec's VJP check (the spec's steps and checks on drawn inputs) against
    gradcheck's fast mode on the same operator and inputs."""
    import warnings

    from gradspec.language.interpreter import RunContext
    from gradspec.operators.samples import sample_strategy
    from gradspec.operators.table import builtin_table
    from gradspec.runner import run_context, run_example

    adapter = TorchAdapter()
    specs = {spec.id: spec for spec in load_specs() if spec.id.startswith("operators.vjp[")}
    table = builtin_table()
    print(f"\n(5) finite differences per example: operators.vjp[<op>] against gradcheck(fast_mode=True) "
          f"({examples} samples x {repeats} repetitions, the same samples for both; median ms per example)")
    for operator in GRADCHECK_OPERATORS:
        spec_id = f"operators.vjp[{operator}]"
        if spec_id not in specs or operator not in table:
            print(f"  {operator:<32} not in the operator table")
            continue
        spec, entry = specs[spec_id], table[operator]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            drawn = [sample_strategy(entry, "float64", None).example() for _ in range(examples)]
        context = run_context(spec, adapter, "cpu")
        plain = RunContext(adapter=adapter, device="cpu")
        checks = [(_gradcheck_function(sample, plain)) for sample in drawn]

        def ours() -> None:
            for index, sample in enumerate(drawn):
                run_example(spec, context, {"op": entry, "sample": sample, "seed": index})

        def theirs() -> None:
            for function, inputs in checks:
                torch.autograd.gradcheck(function, inputs, fast_mode=True)

        ours(), theirs()  # warm-up
        timings: dict[str, list[float]] = defaultdict(list)
        for _ in range(repeats):
            for name, run in (("gradspec", ours), ("gradcheck", theirs)):
                started = time.perf_counter()
                run()
                timings[name].append((time.perf_counter() - started) / examples)
        paired = [a / b for a, b in zip(timings["gradspec"], timings["gradcheck"])]
        print(f"  {operator:<32} gradspec {1000 * statistics.median(timings['gradspec']):7.3f} ms   "
              f"gradcheck {1000 * statistics.median(timings['gradcheck']):7.3f} ms   "
              f"ratio {statistics.median(paired):.3f}x (repetitions {min(paired):.2f}-{max(paired):.2f})  goal <= 1.0x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer examples and repetitions")
    parser.add_argument("--only-gradcheck", action="store_true", help="only (5), the comparison with gradcheck")
    parser.add_argument("--only-suite", action="store_true", help="only (3) and (4), the whole suite's wall time")
    parser.add_argument("--suite-repeats", type=int, default=None, metavar="N",
                        help="repetitions of (3) and (4) (default 3, 1 with --quick): on a shared machine a "
                             "pair of runs moves by 15%% or more, so the speed-up needs several")
    args = parser.parse_args()
    if args.only_gradcheck:
        gradcheck_figures(20 if args.quick else 50, 3 if args.quick else 5)
        return
    if args.only_suite:
        print(f"gradspec benchmark: {machine_description()}")
        suite_figures(args.suite_repeats or (1 if args.quick else 3))
        return
    examples, repeats = (100, 3) if args.quick else (300, 5)
    print(f"gradspec benchmark: {machine_description()}")
    compare_one_spec("specs/aliasing/data_inplace_is_untracked.yaml", data_inplace_hand_written, examples, repeats)
    compare_one_spec("specs/requires_grad/propagation_binary_ops.yaml", binary_ops_hand_written, examples, repeats)
    collection_figures(3)
    suite_figures(args.suite_repeats or (1 if args.quick else 3))
    gradcheck_figures(20 if args.quick else 50, repeats)


if __name__ == "__main__":
    main()
