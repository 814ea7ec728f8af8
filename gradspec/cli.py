"""``gradspec`` (or ``python -m gradspec``): run the suite, replay a counterexample, list the
specs, merge shard reports, build the compatibility matrix, regenerate the references."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

EXIT_PASS, EXIT_FAIL, EXIT_ERROR, EXIT_USAGE = 0, 1, 3, 4


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gradspec", description=__doc__)
    parser.add_argument(
        "--specs",
        action="append",
        default=[],
        metavar="DIR",
        help="a folder of extra spec files, read with the built-in ones; repeat for several",
    )
    parser.add_argument("--no-builtin-specs", action="store_true", help="read only the --specs folders")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser(
        "run",
        help="run the conformance suite: 'gradspec run [pytest options]' (e.g. --adapter=torch --device=cpu)",
        add_help=False,
    )
    replay = commands.add_parser("replay", help="run one spec once on an example written in the step language")
    replay.add_argument("spec_id")
    replay.add_argument("--adapter", default="torch", help="adapter name or 'package.module:Class' (default: torch)")
    replay.add_argument("--device", default="cpu", help="device kind (default: cpu)")
    replay.add_argument(
        "--given",
        action="append",
        default=[],
        metavar="LINE",
        help="one input assignment, e.g. 'a = tensor([0.0], dtype=float32, requires_grad=True)'; repeat per input",
    )
    replay.add_argument(
        "--traceback", action="store_true", help="print the traceback of the exception behind a failure or an error"
    )
    commands.add_parser("list", help="list every spec: id, kind and title")
    matrix = commands.add_parser("matrix", help="merge run reports into a compatibility matrix (Markdown, HTML, SVG badges)")
    matrix.add_argument("reports", nargs="+", type=Path, help="report JSON files, or folders of them (reports/)")
    matrix.add_argument("--out", type=Path, default=Path("reports"), help="output folder (default: reports/)")
    merge = commands.add_parser("merge", help="merge the reports of the shards of one run (--shard=I/N) into its report")
    merge.add_argument("reports", nargs="+", type=Path, help="shard report JSON files, or folders holding them")
    merge.add_argument("--out", type=Path, default=Path("reports"), help="output folder (default: reports/)")
    index = commands.add_parser("index", help="write specs/INDEX.md: every spec and the catalogue's coverage")
    index.add_argument("--check", action="store_true", help="only check that INDEX.md is up to date (exit 1 if not)")
    covered = commands.add_parser(
        "coverage", help="how many of PyTorch's OpInfo differentiable operators the operator table covers"
    )
    covered.add_argument("--missing", action="store_true", help="also list the OpInfo names not covered")
    covered.add_argument(
        "--check", type=int, metavar="N", help="exit 1 unless at least N names are covered and every required operator is"
    )
    docs = commands.add_parser("docs", help="write the generated references (docs/*.md, specs/spec.schema.json)")
    docs.add_argument("--out", type=Path, default=Path("docs"), help="folder of the Markdown references (default: docs/)")
    docs.add_argument("--check", action="store_true", help="only check that they are up to date (exit 1 if not)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["run"]:
        return _run(arguments[1:])
    args = _parser().parse_args(arguments)
    commands: dict[str, Callable[[argparse.Namespace], int]] = {
        "list": _list,
        "replay": _replay,
        "matrix": _matrix,
        "merge": _merge,
        "index": _index,
        "docs": _docs,
        "coverage": _coverage,
    }
    try:
        return commands[args.command](args)
    except BrokenPipeError:  # the reader stopped early (| head): leave quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_PASS


def _run(pytest_args: list[str]) -> int:
    """The conformance suite through pytest, from any folder; reports go to ./reports."""
    from gradspec.supervisor import run_suite

    return run_suite(pytest_args)


def _specs(args: argparse.Namespace) -> list | None:
    from gradspec.errors import SpecErrors
    from gradspec.loader import load_specs
    from gradspec.resources import BUILTIN_SPECS

    folders = ([] if args.no_builtin_specs else [BUILTIN_SPECS]) + [Path(folder) for folder in args.specs]
    try:
        return load_specs(folders)
    except SpecErrors as errors:
        print(errors, file=sys.stderr)
        return None


def _list(args: argparse.Namespace) -> int:
    specs = _specs(args)
    if specs is None:
        return EXIT_USAGE
    for spec in specs:
        print(f"{spec.id}\t{spec.kind}\t{spec.title}")
    sys.stdout.flush()
    return EXIT_PASS


def _coverage(args: argparse.Namespace) -> int:
    from gradspec.errors import SpecErrors
    from gradspec.operators.coverage import coverage, render
    from gradspec.operators.table import builtin_table

    try:
        found = coverage(builtin_table())
    except SpecErrors as errors:
        print(errors, file=sys.stderr)
        return EXIT_USAGE
    print(render(found, list_missing=args.missing))
    if args.check is not None and (len(found.covered) < args.check or found.required_missing):
        print(f"coverage check failed: {len(found.covered)} covered (at least {args.check} wanted)", file=sys.stderr)
        return EXIT_FAIL
    return EXIT_PASS


def _index(args: argparse.Namespace) -> int:
    from gradspec.index import render, statement_coverage
    from gradspec.report import write_atomically
    from gradspec.resources import BUILTIN_SPECS

    specs = _specs(args)
    if specs is None:
        return EXIT_USAGE
    path = BUILTIN_SPECS / "INDEX.md"
    text = render(specs, BUILTIN_SPECS)
    if args.check:
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current != text:
            print(f"{path} is out of date: run gradspec index", file=sys.stderr)
            return EXIT_FAIL
        return EXIT_PASS
    write_atomically(path, text)
    print(f"wrote {path}")
    print(statement_coverage(specs, BUILTIN_SPECS).summary())
    return EXIT_PASS


def _docs(args: argparse.Namespace) -> int:
    from gradspec.references import generated_files, stale
    from gradspec.report import write_atomically

    files = generated_files(args.out)
    if args.check:
        outdated = stale(files)
        for path in outdated:
            print(f"{path} is out of date: run gradspec docs", file=sys.stderr)
        return EXIT_FAIL if outdated else EXIT_PASS
    for path, text in files.items():
        write_atomically(path, text)
        print(f"wrote {path}")
    return EXIT_PASS


def _replay(args: argparse.Namespace) -> int:
    import traceback

    from gradspec.adapters import load_adapter
    from gradspec.errors import AdapterError
    from gradspec.replay import replay

    specs = _specs(args)
    if specs is None:
        return EXIT_USAGE
    spec = next((spec for spec in specs if spec.id == args.spec_id), None)
    if spec is None:
        print(f"no spec with id {args.spec_id!r} (see: gradspec list)", file=sys.stderr)
        return EXIT_USAGE
    try:
        adapter = load_adapter(args.adapter)
    except AdapterError as error:
        print(error, file=sys.stderr)
        return EXIT_USAGE
    device = next((name for name in adapter.devices() if name.split(":")[0] == args.device), None)
    if device is None:
        print(f"{adapter.name} has no {args.device} device here", file=sys.stderr)
        return EXIT_USAGE
    outcome, message, raised = replay(spec, adapter, device, args.given)
    print(f"{outcome}: {message}")
    if args.traceback and raised is not None:
        traceback.print_exception(getattr(raised, "raised", None) or raised)
    return {"pass": EXIT_PASS, "fail": EXIT_FAIL}.get(outcome, EXIT_ERROR)


def _matrix(args: argparse.Namespace) -> int:
    from gradspec.matrix import write_matrix

    try:
        files = [found for path in args.reports for found in (sorted(path.glob("*.json")) if path.is_dir() else [path])]
        written = write_matrix([path for path in files if not path.name.endswith(".schema.json")], args.out)
    except (OSError, ValueError) as error:
        print(f"gradspec matrix: {error}", file=sys.stderr)
        return EXIT_USAGE
    for path in written:
        print(f"wrote {path}")
    return EXIT_PASS


def _merge(args: argparse.Namespace) -> int:
    from gradspec.merge import MergeError, merge_reports, read_reports
    from gradspec.report import markdown, report_stem, write_atomically

    try:
        reports, labels = read_reports(args.reports)
        merged = merge_reports(reports, labels)
    except MergeError as error:
        print(f"gradspec merge: {error}", file=sys.stderr)
        return EXIT_USAGE
    try:
        stem = args.out / report_stem(merged)
    except ValueError as error:
        print(f"gradspec merge: {error}", file=sys.stderr)
        return EXIT_USAGE
    write_atomically(stem.with_suffix(".json"), json.dumps(merged, indent=2) + "\n")
    write_atomically(stem.with_suffix(".md"), markdown(merged))
    print(f"gradspec merge: {len(reports)} shard(s) -> {stem}.json, {stem}.md")
    return EXIT_PASS
