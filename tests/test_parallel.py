"""Runs with pytest-xdist: the controller leaves the library to the workers, an adapter that
cannot be created is reported cleanly, and workers steal work unless ``--dist`` says otherwise."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")  # without torch, the module is skipped, not a collection error
pytestmark = [pytest.mark.torch, pytest.mark.e2e]

from gradspec.adapters.torch_adapter import TorchAdapter  # noqa: E402
from tests.conftest import run_suite  # noqa: E402

#: The file :class:`RecordingAdapter` appends to: one line per instance, naming the process.
RECORD = "GRADSPEC_TEST_ADAPTER_RECORD"
SELECTION = ("-k", "item or tolist")


class RecordingAdapter(TorchAdapter):
    """PyTorch, noting which process created it (a pytest-xdist worker's id, or ``controller``)."""

    def __init__(self) -> None:
        super().__init__()
        with open(os.environ[RECORD], "a", encoding="utf-8") as record:
            record.write(os.environ.get("PYTEST_XDIST_WORKER", "controller") + "\n")


class BoastingAdapter(TorchAdapter):
    """An adapter that declares a capability gradspec does not know."""

    capabilities = TorchAdapter.capabilities | {"time_travel"}


class UncreatableAdapter(TorchAdapter):
    """An adapter whose library is missing: importing the class works, creating it does not."""

    def __init__(self) -> None:
        raise ImportError("No module named 'fancylib'")


def test_the_controller_never_creates_the_adapter_and_reports_what_the_workers_tell(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    record = tmp_path / "instances.txt"
    monkeypatch.setenv(RECORD, str(record))
    result = run_suite(f"--adapter={__name__}:RecordingAdapter", "--device=cpu", f"--report-dir={tmp_path}",
                       *SELECTION, "-n", "2")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert sorted(record.read_text().split()) == ["gw0", "gw1"]
    report = json.loads((tmp_path / "torch-cpu.json").read_text())
    adapter = TorchAdapter
    assert report["library"] == {
        "adapter": "torch", "name": "torch", "version": str(torch.__version__), "capabilities": sorted(adapter.capabilities), "lacks": {}
    }
    assert report["device"] == {"kind": "cpu", "name": "cpu"}
    assert report["summary"]["pass"] > 0 and report["complete"] is False  # -k: a selection, not the whole suite


def test_an_adapter_that_cannot_be_created_is_a_usage_error_serially_and_a_collection_error_in_workers() -> None:
    adapter = f"--adapter={__name__}:UncreatableAdapter"
    message = f"gradspec: cannot create adapter '{__name__}:UncreatableAdapter': ImportError: No module named 'fancylib'"
    serial = run_suite(adapter, "--no-report")
    assert serial.returncode == 4 and message in serial.stderr, serial.stderr[-3000:]
    parallel = run_suite(adapter, "--no-report", "-n", "2")
    assert parallel.returncode == 1, parallel.stdout[-3000:]
    assert parallel.stdout.count(f"ERROR suites/test_specs.py - Failed: {message}") == 2
    assert "Traceback" not in parallel.stdout and "crashed" not in parallel.stdout


def test_a_bad_adapter_class_is_refused_by_the_controller_before_any_worker_runs() -> None:
    result = run_suite(f"--adapter={__name__}:BoastingAdapter", "--no-report", "-n", "2")
    assert result.returncode == 4
    assert "declares unknown capabilities: time_travel" in result.stderr


def test_workers_steal_work_unless_dist_is_given() -> None:
    default = run_suite("--device=cpu", "--no-report", *SELECTION, "-n", "2", "-vv")
    assert "scheduling tests via WorkStealingScheduling" in default.stdout, default.stdout[-2000:]
    chosen = run_suite("--device=cpu", "--no-report", *SELECTION, "-n", "2", "-vv", "--dist=load")
    assert "scheduling tests via LoadScheduling" in chosen.stdout, chosen.stdout[-2000:]
