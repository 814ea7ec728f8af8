"""Which device a process runs a device kind on, serially and as a pytest-xdist worker."""
from __future__ import annotations

import pytest

from gradspec.pytest_plugin.collection import device_for

GPUS = ["cpu", "cuda:0", "cuda:1", "cuda:2"]


@pytest.mark.parametrize("worker, expected", [(None, "cuda:0"), (0, "cuda:0"), (1, "cuda:1"), (2, "cuda:2"), (3, "cuda:0"), (7, "cuda:1")])
def test_xdist_workers_spread_over_the_gpus(worker: int | None, expected: str) -> None:
    assert device_for(GPUS, "cuda", worker) == expected


def test_every_worker_shares_the_single_cpu() -> None:
    assert {device_for(GPUS, "cpu", worker) for worker in (None, 0, 1, 5)} == {"cpu"}


def test_an_absent_kind_has_no_device() -> None:
    assert device_for(["cpu"], "cuda", 3) is None
