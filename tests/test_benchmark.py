"""The benchmark script still runs, and what it compares is comparable: the spec through gradspec
and its hand-written twin see the same examples (no timing is asserted)."""
from __future__ import annotations

import importlib.util
import sys
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given, settings

from gradspec.loader import load_spec
from tests.conftest import ROOT

pytestmark = pytest.mark.torch  # scripts/benchmark.py compares gradspec with hand-written torch


@pytest.fixture(scope="module")
def benchmark() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gradspec_benchmark", ROOT / "scripts" / "benchmark.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_a_spec_and_its_hand_written_twin_see_the_same_examples(benchmark: ModuleType) -> None:
    spec = load_spec(ROOT / "specs/aliasing/data_inplace_is_untracked.yaml", root=ROOT / "specs")
    seen: dict[str, list[Any]] = {"gradspec": [], "hand-written": []}

    @benchmark.SAME_EXAMPLES
    @settings(max_examples=40, **benchmark.SETTINGS)
    @given(spec.strategy)
    def through_gradspec(drawn: dict[str, Any]) -> None:
        seen["gradspec"].append((drawn["a"].array.dtype, drawn["a"].array.shape))

    @benchmark.SAME_EXAMPLES
    @settings(max_examples=40, **benchmark.SETTINGS)
    @given(benchmark._float_arrays())
    def by_hand(array: Any) -> None:
        seen["hand-written"].append((array.dtype, array.shape))

    through_gradspec()
    by_hand()
    assert len(seen["gradspec"]) == 40 and len({shape for _, shape in seen["gradspec"]}) > 3
    assert seen["gradspec"] == seen["hand-written"]


@pytest.mark.parametrize("spec_path, twin", [
    ("specs/aliasing/data_inplace_is_untracked.yaml", "data_inplace_hand_written"),
    ("specs/requires_grad/propagation_binary_ops.yaml", "binary_ops_hand_written"),
])
def test_the_per_example_comparison_runs_and_prints_its_ratios(benchmark: ModuleType, spec_path: str, twin: str,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert (ROOT / spec_path).exists()
    benchmark.compare_one_spec(spec_path, getattr(benchmark, twin), examples=5, repeats=1)
    printed = capsys.readouterr().out
    for line in ("gradspec / hand-written", "gradspec / bare generation", "gradspec generation / generation"):
        assert line in printed


def test_the_machine_is_described(benchmark: ModuleType) -> None:
    description = benchmark.machine_description()
    assert "CPUs" in description and "torch" in description and "bytecode caching" in description
