"""The ``gradspec`` group of pytest options, and whether a run asks for conformance at all."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

#: Every option of the group stores under a name with this prefix, as None (or False) unless
#: given, so a given one is visible.
_DEST_PREFIX = "gradspec_"
DEFAULT_ADAPTER = "torch"
#: Per-spec limits, with or without --isolate (see gradspec.limits).
DEFAULT_SPEC_TIMEOUT = 300.0
DEFAULT_SPEC_MEMORY_MB = 4096
_SHARD = re.compile(r"^(\d+)/(\d+)$")


def add_options(parser: pytest.Parser) -> None:
    group = parser.getgroup("gradspec", "gradspec conformance suite (active when an option is given or its suite is collected)")
    group.addoption(
        "--adapter",
        dest="gradspec_adapter",
        default=None,
        metavar="NAME",
        help="adapter to test: a built-in name (torch, mygrad, paddle, jax), an entry-point name, "
        "or 'package.module:Class' (default: torch)",
    )
    group.addoption(
        "--device",
        action="append",
        dest="gradspec_devices",
        metavar="KIND",
        help="device kind to run on (cpu, cuda); repeat for several (default: every kind the adapter knows)",
    )
    group.addoption(
        "--specs",
        action="append",
        dest="gradspec_specs",
        metavar="DIR",
        help="a folder of extra spec files, run with the built-in ones; repeat for several",
    )
    group.addoption(
        "--no-builtin-specs",
        action="store_true",
        dest="gradspec_no_builtin_specs",
        default=False,
        help="run only the specs of --specs folders, not gradspec's own",
    )
    group.addoption(
        "--report-dir",
        dest="gradspec_report_dir",
        default=None,
        metavar="DIR",
        help="folder the reports are written to (default: reports/ in the current directory)",
    )
    group.addoption("--no-report", action="store_true", dest="gradspec_no_report", default=False, help="write no report files")
    group.addoption(
        "--baseline",
        dest="gradspec_baseline",
        default=None,
        metavar="FILE",
        help="known non-conformances (YAML): the run fails only on new ones, fixed ones, stale or expired entries",
    )
    group.addoption(
        "--update-baseline",
        action="store_true",
        dest="gradspec_update_baseline",
        default=False,
        help="rewrite the --baseline file from this run's failures instead of gating on it",
    )
    group.addoption(
        "--isolate",
        action="store_true",
        dest="gradspec_isolate",
        default=False,
        help="run each spec in a forked child process: a crashing, aborting or hanging backend costs one spec an error (CPU runs)",
    )
    group.addoption(
        "--spec-timeout",
        type=float,
        dest="gradspec_spec_timeout",
        default=None,
        metavar="SECONDS",
        help=f"seconds a spec may run before it is stopped and reported as an error; 0 for no limit "
        f"(default: {DEFAULT_SPEC_TIMEOUT:g})",
    )
    group.addoption(
        "--spec-memory",
        type=int,
        dest="gradspec_spec_memory",
        default=None,
        metavar="MB",
        help="memory a spec may map beyond what its process maps when it starts, in MiB; 0 for no limit "
        f"(default: {DEFAULT_SPEC_MEMORY_MB}; applied where the adapter has no device but the CPU)",
    )
    group.addoption(
        "--shard",
        dest="gradspec_shard",
        default=None,
        metavar="I/N",
        help="run only the I-th of N deterministic shares of the specs (1 <= I <= N); merge the shards' "
        "reports with 'gradspec merge'",
    )


@dataclass(frozen=True)
class RunOptions:
    """The options of one conformance run, defaults applied."""

    adapter: str
    device_kinds: tuple[str, ...] | None
    extra_specs: tuple[Path, ...]
    builtin_specs: bool
    report_dir: Path | None
    baseline: Path | None
    update_baseline: bool
    isolate: bool
    #: Seconds and MiB each spec may use; ``None`` for no limit.
    spec_timeout: float | None
    spec_memory_mb: int | None
    shard: tuple[int, int] | None

    @classmethod
    def from_config(cls, config: pytest.Config) -> RunOptions:
        option = config.option
        report_dir = None
        if not option.gradspec_no_report and not option.collectonly:  # a run that runs nothing reports nothing
            report_dir = (
                Path(option.gradspec_report_dir) if option.gradspec_report_dir else config.invocation_params.dir / "reports"
            )
        extra = tuple(Path(path) for path in option.gradspec_specs or ())
        if option.gradspec_no_builtin_specs and not extra:
            raise pytest.UsageError("gradspec: --no-builtin-specs needs at least one --specs DIR")
        if option.gradspec_update_baseline and not option.gradspec_baseline:
            raise pytest.UsageError("gradspec: --update-baseline needs --baseline FILE")
        timeout = _limit(option.gradspec_spec_timeout, DEFAULT_SPEC_TIMEOUT, "--spec-timeout")
        memory = _limit(option.gradspec_spec_memory, DEFAULT_SPEC_MEMORY_MB, "--spec-memory")
        return cls(
            adapter=option.gradspec_adapter or DEFAULT_ADAPTER,
            device_kinds=tuple(option.gradspec_devices) if option.gradspec_devices else None,
            extra_specs=extra,
            builtin_specs=not option.gradspec_no_builtin_specs,
            report_dir=report_dir,
            baseline=Path(option.gradspec_baseline) if option.gradspec_baseline else None,
            update_baseline=bool(option.gradspec_update_baseline),
            isolate=bool(option.gradspec_isolate),
            spec_timeout=timeout,
            spec_memory_mb=None if memory is None else int(memory),
            shard=parse_shard(option.gradspec_shard),
        )


def _limit(given: float | None, default: float, flag: str) -> float | None:
    """A limit's value: the default when not given, ``None`` (no limit) for 0."""
    if given is None:
        return default
    if not given >= 0 or given == float("inf"):
        raise pytest.UsageError(f"gradspec: {flag}={given:g}: expected a positive number, or 0 for no limit")
    return given or None


def parse_shard(text: str | None) -> tuple[int, int] | None:
    """``"2/3"`` -> ``(2, 3)``; refuses anything but ``I/N`` with ``1 <= I <= N``."""
    if text is None:
        return None
    match = _SHARD.match(text.strip())
    if match is None or not 1 <= int(match.group(1)) <= int(match.group(2)):
        raise pytest.UsageError(f"gradspec: --shard={text}: expected I/N with 1 <= I <= N, e.g. --shard=1/3")
    return int(match.group(1)), int(match.group(2))


def conformance_requested(config: pytest.Config) -> bool:
    """Whether this pytest run is a gradspec conformance run: a gradspec option was given, or
    the paths to collect name gradspec's suite (or the folder holding it)."""
    if any(value for dest, value in vars(config.option).items() if dest.startswith(_DEST_PREFIX)):
        return True
    from gradspec.resources import SUITES

    base = config.rootpath if config.args_source == pytest.Config.ArgsSource.TESTPATHS else config.invocation_params.dir
    for arg in config.args:
        target = str(arg).split("::")[0]
        if config.option.pyargs and (target == "gradspec" or target.startswith("gradspec.suites")):
            return True
        path = (base / target).resolve()
        if path == SUITES or path == SUITES.parent or SUITES in path.parents:
            return True
    return False
