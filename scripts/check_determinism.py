"""Run the conformance suite several times with the CI profile and check that every run gives
the same outcomes and the same counterexamples.

    python scripts/check_determinism.py [--runs 3] [--adapter torch] [--device cpu] [--xdist N] [-- PYTEST ARGS]

Each run is ``python -m pytest suites --adapter=A --device=D`` with ``CI=true`` (the ``ci``
Hypothesis profile: derandomized, no example database) writing its report to a folder of its
own; arguments after ``--`` go to every run (``-- -k grad_mode``); ``--xdist N`` adds one more
run in N pytest-xdist workers (``-n N``), which must agree with the serial ones.  Per spec the
runs must agree on the outcome, the counterexample, the examples run, the shrink runs, the error
text and the replay command.  Prints each run's counts and wall time, then whether the runs were
identical (and the specs where they were not); exit status 0 when identical, 1 when not, 2 when a
run wrote no report.  A planted deviation with many failures makes a sharper check than PyTorch,
which passes everything: ``--adapter=tests.planted.tutorial:SigmoidIsNotRecorded``.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
#: What must be identical from run to run, per spec and device.
FIELDS = ("outcome", "counterexample", "examples", "shrink_runs", "error", "replay")


def run_once(adapter: str, device: str, report_dir: Path, extra: list[str]) -> tuple[dict[tuple[str, str], dict[str, Any]], float]:
    command = [sys.executable, "-m", "pytest", str(ROOT / "suites"), "-p", "no:cacheprovider", "-q",
               f"--adapter={adapter}", f"--device={device}", f"--report-dir={report_dir}", *extra]
    started = time.perf_counter()
    completed = subprocess.run(command, cwd=ROOT, env={**os.environ, "CI": "true"}, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    reports = sorted(report_dir.glob("*.json"))
    if not reports:
        print(completed.stdout[-3000:] + completed.stderr[-3000:], file=sys.stderr)
        raise SystemExit(f"check_determinism: the run wrote no report (pytest exit status {completed.returncode})")
    results = {}
    for path in reports:
        report = json.loads(path.read_text())
        if report["hypothesis_profile"] != "ci":
            raise SystemExit(f"check_determinism: {path} ran with profile {report['hypothesis_profile']}, not ci")
        for row in report["results"]:
            results[(row["id"], row["device"])] = {name: row[name] for name in FIELDS}
    return results, seconds


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    extra: list[str] = []
    if "--" in argv:
        extra = argv[argv.index("--") + 1:]
        argv = argv[:argv.index("--")]
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="how many runs to compare (default 3)")
    parser.add_argument("--adapter", default="torch", help="the adapter, as for pytest --adapter (default torch)")
    parser.add_argument("--device", default="cpu", help="the device kind (default cpu)")
    parser.add_argument("--xdist", type=int, metavar="N", help="also one run with pytest-xdist, -n N")
    args = parser.parse_args(argv)
    if args.runs < 2:
        parser.error("--runs must be at least 2")

    variants = [extra] * args.runs + ([[*extra, "-n", str(args.xdist)]] if args.xdist else [])
    runs = []
    with tempfile.TemporaryDirectory(prefix="gradspec-determinism-") as folder:
        for index, arguments in enumerate(variants):
            results, seconds = run_once(args.adapter, args.device, Path(folder) / f"run{index + 1}", arguments)
            counts = Counter(result["outcome"] for result in results.values())
            with_counterexample = sum(1 for result in results.values() if result["counterexample"])
            print(f"run {index + 1}: {len(results)} specs, "
                  + ", ".join(f"{counts[outcome]} {outcome.replace('_', ' ')}" for outcome in ("pass", "fail", "error", "not_applicable", "skipped"))
                  + f"; {with_counterexample} counterexamples; {seconds:.1f} s"
                  + (f" (-n {args.xdist})" if arguments is not extra else ""), flush=True)
            runs.append(results)

    first = runs[0]
    differing: dict[tuple[str, str], list[str]] = {}
    for index, other in enumerate(runs[1:], start=2):
        for key in sorted(set(first) | set(other)):
            if key not in first or key not in other:
                differing.setdefault(key, []).append(f"run {index}: present in one run only")
                continue
            fields = [name for name in FIELDS if first[key][name] != other[key][name]]
            if fields:
                differing.setdefault(key, []).append(f"run {index}: {', '.join(fields)} differ from run 1")
    outcomes_same = all([(key, r[key]["outcome"]) for key in sorted(r)] == [(key, first[key]["outcome"]) for key in sorted(first)]
                        for r in runs[1:])
    counterexamples_same = all({key: r[key]["counterexample"] for key in r} == {key: first[key]["counterexample"] for key in first}
                               for r in runs[1:])
    print(f"outcomes identical across {len(runs)} runs: {'yes' if outcomes_same else 'NO'}")
    print(f"counterexamples identical across {len(runs)} runs: {'yes' if counterexamples_same else 'NO'}")
    print(f"every compared field ({', '.join(FIELDS)}) identical: {'yes' if not differing else 'NO'}")
    for (spec_id, device), problems in differing.items():
        print(f"  {spec_id} [{device}]: {'; '.join(problems)}")
    return 0 if not differing else 1


if __name__ == "__main__":
    sys.exit(main())
