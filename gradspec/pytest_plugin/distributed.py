"""pytest-xdist: which process this is, how workers share the specs, and what they tell the
controller.

The controller never instantiates the adapter: it checks the options against the adapter class,
and each worker sends it the library's identity and the spec ids through ``workeroutput``, so
only the workers pay for importing the library and reading the specs.
"""

from __future__ import annotations

import os
import shlex
from dataclasses import asdict
from typing import Any

import pytest

from gradspec.report import AdapterIdentity

_WORKER_OUTPUT = "gradspec"
#: The thread counts of the OpenMP, MKL and OpenBLAS runtimes that libraries' CPU kernels run on.
THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")


def worker_index(config: pytest.Config) -> int | None:
    """The pytest-xdist worker number (``gw3`` -> 3), or ``None`` outside a worker."""
    workerinput = getattr(config, "workerinput", None)
    return None if workerinput is None else int(str(workerinput["workerid"]).removeprefix("gw") or 0)


def is_controller(config: pytest.Config) -> bool:
    """Whether this process is a pytest-xdist controller (it runs no test itself)."""
    return config.pluginmanager.has_plugin("dsession")


def prefer_work_stealing(config: pytest.Config) -> None:
    """Specs take uneven times (the first to use an optimizer pays for the library's lazy
    imports), so unless ``--dist`` is given, pytest-xdist workers steal work from each other
    instead of keeping the shares they were dealt (``--dist worksteal``)."""
    if getattr(config.option, "dist", None) != "load":
        return
    given = [*config.invocation_params.args, *shlex.split(os.environ.get("PYTEST_ADDOPTS", "")), *config.getini("addopts")]
    if any(str(arg).startswith(("--dist", "-d")) for arg in given):
        return
    config.option.dist = "worksteal"


def share_cores(config: pytest.Config) -> dict[str, str]:
    """On the controller of ``-n N``: give each worker's math runtimes (OpenMP, MKL, OpenBLAS)
    its share of the cores, through the environment the workers start with, unless the user set
    them.  Each runtime otherwise starts a thread per core in every worker: N workers on N cores
    then run N times as many threads as cores, which wait on each other (the whole suite on 2
    cores ran 1.14x faster with -n 2 than serially, 1.6x with the cores shared).  Returns the
    variables it set."""
    workers = getattr(config.option, "numprocesses", None)
    if worker_index(config) is not None or not isinstance(workers, int) or workers < 1:
        return {}
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    share = str(max(1, cores // workers))
    chosen = {name: share for name in THREAD_VARIABLES if name not in os.environ}
    os.environ.update(chosen)
    return chosen


def send_to_controller(config: pytest.Config, identity: AdapterIdentity, spec_digests: dict[str, str]) -> None:
    """On a worker: what the controller needs to write the reports."""
    config.workeroutput[_WORKER_OUTPUT] = {"identity": asdict(identity), "spec_digests": spec_digests}  # type: ignore[attr-defined]


def received_from(node: Any) -> tuple[AdapterIdentity, dict[str, str]] | None:
    """On the controller: the identity and spec set a finished worker sent, if any."""
    output = getattr(node, "workeroutput", {}).get(_WORKER_OUTPUT)
    if output is None:
        return None
    fields = output["identity"]
    identity = AdapterIdentity(
        str(fields["name"]),
        str(fields["library"]),
        str(fields["version"]),
        tuple(fields["device_kinds"]),
        tuple(fields["devices"]),
        dict(fields.get("tolerance_overrides", {})),
        tuple(fields.get("capabilities", ())),
        dict(fields.get("lacks", {})),
        fields.get("configuration"),
    )
    return identity, dict(output["spec_digests"])
