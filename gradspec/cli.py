"""``python -m gradspec``: replay a counterexample, or list the specs."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from adapters import load_adapter
from gradspec.errors import AdapterError, SpecErrors
from gradspec.loader import DEFAULT_SPECS_DIR, load_specs

EXIT_PASS, EXIT_FAIL, EXIT_ERROR, EXIT_USAGE = 0, 1, 3, 4


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gradspec", description=__doc__)
    parser.add_argument("--specs", default=str(DEFAULT_SPECS_DIR), help="folder of spec files (default: specs/)")
    commands = parser.add_subparsers(dest="command", required=True)
    replay = commands.add_parser("replay", help="run one spec once on an example written in the step language")
    replay.add_argument("spec_id")
    replay.add_argument("--adapter", default="torch", help="adapter name or 'package.module:Class' (default: torch)")
    replay.add_argument("--device", default="cpu", help="device kind (default: cpu)")
    replay.add_argument("--given", action="append", default=[], metavar="LINE",
                        help="one input assignment, e.g. 'a = tensor([0.0], dtype=float32, requires_grad=True)'; repeat per input")
    commands.add_parser("list", help="list every spec: id, kind and title")
    matrix = commands.add_parser("matrix", help="merge run reports into a compatibility matrix (Markdown, HTML, SVG badges)")
    matrix.add_argument("reports", nargs="+", type=Path, help="report JSON files, or folders of them (reports/)")
    matrix.add_argument("--out", type=Path, default=Path("reports"), help="output folder (default: reports/)")
    index = commands.add_parser("index", help="write specs/INDEX.md: every spec and the catalogue's coverage")
    index.add_argument("--check", action="store_true", help="only check that INDEX.md is up to date (exit 1 if not)")
    args = parser.parse_args(argv)
    if args.command == "matrix":
        return _matrix(args.reports, args.out)
    try:
        specs = {spec.id: spec for spec in load_specs(Path(args.specs))}
    except SpecErrors as errors:
        print(errors, file=sys.stderr)
        return EXIT_USAGE
    if args.command == "list":
        for spec in specs.values():
            print(f"{spec.id}\t{spec.kind}\t{spec.title}")
        return EXIT_PASS
    if args.command == "index":
        return _index(list(specs.values()), Path(args.specs), args.check)
    return _replay(specs, args)


def _index(specs: list, specs_dir: Path, check: bool) -> int:
    from gradspec.index import render
    from gradspec.report import write_atomically

    path = specs_dir / "INDEX.md"
    text = render(specs, specs_dir)
    if check:
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current != text:
            print(f"{path} is out of date: run python -m gradspec index", file=sys.stderr)
            return EXIT_FAIL
        return EXIT_PASS
    write_atomically(path, text)
    print(f"wrote {path}")
    return EXIT_PASS


def _replay(specs: dict, args: argparse.Namespace) -> int:
    from gradspec.replay import replay

    spec = specs.get(args.spec_id)
    if spec is None:
        print(f"no spec with id {args.spec_id!r} (see: python -m gradspec list)", file=sys.stderr)
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
    outcome, message = replay(spec, adapter, device, args.given)
    print(f"{outcome}: {message}")
    return {"pass": EXIT_PASS, "fail": EXIT_FAIL}.get(outcome, EXIT_ERROR)


def _matrix(reports: list[Path], out: Path) -> int:
    from gradspec.matrix import write_matrix

    try:
        files = [found for path in reports for found in (sorted(path.glob("*.json")) if path.is_dir() else [path])]
        written = write_matrix([path for path in files if not path.name.endswith(".schema.json")], out)
    except (OSError, ValueError) as error:
        print(f"gradspec matrix: {error}", file=sys.stderr)
        return EXIT_USAGE
    for path in written:
        print(f"wrote {path}")
    return EXIT_PASS
