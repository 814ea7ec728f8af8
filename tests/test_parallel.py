"""Runs with pytest-xdist: the controller leaves the library to the workers, each worker's math
runtimes get their share of the cores, an adapter that cannot be created is reported cleanly,
and workers steal work unless ``--dist`` says otherwise."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")  # without torch, the module is skipped, not a collection error
pytestmark = [pytest.mark.torch, pytest.mark.e2e]

from gradspec.adapters.torch_adapter import TorchAdapter  # noqa: E402
from gradspec.pytest_plugin import distributed  # noqa: E402
from tests.conftest import run_suite  # noqa: E402

#: The file :class:`RecordingAdapter` appends to: one line per instance, naming the process.
RECORD = "GRADSPEC_TEST_ADAPTER_RECORD"
SELECTION = ("-k", "item or tolist")


class RecordingAdapter(TorchAdapter):
    """PyTorch, noting which process created it (a pytest-xdist worker's id, or ``controller``)
    and the OpenMP thread count it was started with."""

    def __init__(self) -> None:
        super().__init__()
        with open(os.environ[RECORD], "a", encoding="utf-8") as record:
            worker = os.environ.get("PYTEST_XDIST_WORKER", "controller")
            record.write(f"{worker} threads={os.environ.get('OMP_NUM_THREADS')}\n")


class BoastingAdapter(TorchAdapter):
    """An adapter that declares a capability gradspec does not know."""

    capabilities = TorchAdapter.capabilities | {"time_travel"}


class UncreatableAdapter(TorchAdapter):
    """An adapter whose library is missing: importing the class works, creating it does not."""

    def __init__(self) -> None:
        raise ImportError("No module named 'fancylib'")


def test_the_controller_never_creates_the_adapter_shares_the_cores_and_reports_what_the_workers_tell(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    record = tmp_path / "instances.txt"
    monkeypatch.setenv(RECORD, str(record))
    result = run_suite(f"--adapter={__name__}:RecordingAdapter", "--device=cpu", f"--report-dir={tmp_path}",
                       *SELECTION, "-n", "2")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    threads = os.environ.get("OMP_NUM_THREADS") or str(max(1, len(os.sched_getaffinity(0)) // 2))
    assert sorted(record.read_text().splitlines()) == [f"gw0 threads={threads}", f"gw1 threads={threads}"]
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


class _Config:
    """What share_cores reads of a pytest config: the -n option, and workerinput in a worker."""

    def __init__(self, numprocesses: object, worker: bool = False) -> None:
        self.option = type("Options", (), {"numprocesses": numprocesses})()
        if worker:
            self.workerinput = {"workerid": "gw0"}


@pytest.fixture
def no_thread_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    """None of the thread-count variables set, and each restored after the test (set or not)."""
    for name in distributed.THREAD_VARIABLES:
        monkeypatch.setenv(name, "0")  # records the value before, which undoing restores
        monkeypatch.delenv(name)


@pytest.mark.parametrize("workers", [1, 2, 4])
@pytest.mark.usefixtures("no_thread_variables")
def test_the_controller_gives_each_worker_its_share_of_the_cores(workers: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(distributed.os, "sched_getaffinity", lambda pid: set(range(4)), raising=False)
    chosen = distributed.share_cores(_Config(workers))  # type: ignore[arg-type]
    share = str(max(1, 4 // workers))
    assert chosen == {name: share for name in distributed.THREAD_VARIABLES}
    assert all(os.environ[name] == share for name in distributed.THREAD_VARIABLES)


@pytest.mark.usefixtures("no_thread_variables")
def test_sharing_the_cores_keeps_what_the_user_set_and_leaves_serial_runs_and_workers_alone(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    assert distributed.share_cores(_Config(None)) == {}  # type: ignore[arg-type]
    assert distributed.share_cores(_Config(2, worker=True)) == {}  # type: ignore[arg-type]
    chosen = distributed.share_cores(_Config(2))  # type: ignore[arg-type]
    assert "OMP_NUM_THREADS" not in chosen and os.environ["OMP_NUM_THREADS"] == "3"
    assert set(chosen) == {"MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"}
