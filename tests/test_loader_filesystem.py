"""A spec folder's file system, as a hostile contributor could shape it: FIFOs, devices,
symlinks out of the folder, dangling links, loops, folders named like specs, names holding
terminal escapes.  Each is refused as one ``path: (file): problem`` of the loader, with the path
printable, never by a traceback, a hang or an unbounded read.

Loading that could hang or exhaust memory before these checks runs in a subprocess with a
timeout and a memory limit, so a regression fails instead of stopping the test run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from gradspec.cli import EXIT_USAGE
from gradspec.errors import SpecErrors
from gradspec.loader import load_specs
from gradspec.render import printable
from tests.conftest import ROOT, VALID_SPEC, write_spec

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="FIFOs and symlinks as POSIX makes them")

#: A spec folder holding one odd entry must be refused within this many seconds.
SECONDS = 20
#: The subprocess's address space: far below what reading /dev/zero to the end would take.
MEMORY_LIMIT = 4 << 30
SUBPROCESS_LOAD = """
import json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
from gradspec.errors import SpecErrors
from gradspec.loader import load_specs
try:
    specs = load_specs(sys.argv[1])
except SpecErrors as errors:
    print(json.dumps({{"errors": [str(error) for error in errors.errors]}}))
else:
    print(json.dumps({{"ids": [spec.id for spec in specs]}}))
"""
#: The subprocesses import the gradspec under test.
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}


@pytest.fixture
def specs(specs_dir: Path) -> Path:
    """A ``specs`` folder (the working directory its parent) holding one good spec, ``area/good.yaml``."""
    write_spec(specs_dir, "area/good.yaml", VALID_SPEC)
    return specs_dir


def load_errors(folder: Path) -> list[str]:
    """The messages of the :class:`SpecErrors` loading ``folder`` raises."""
    with pytest.raises(SpecErrors) as info:
        load_specs(folder)
    return [str(error) for error in info.value.errors]


def load_in_subprocess(folder: Path) -> dict[str, list[str]]:
    """What loading ``folder`` gives in a subprocess (``errors`` or ``ids``); a hang or a crash fails."""
    command = [sys.executable, "-c", SUBPROCESS_LOAD.format(limit=MEMORY_LIMIT), str(folder)]
    result = subprocess.run(command, cwd=folder.parent, capture_output=True, text=True, timeout=SECONDS, env=ENV)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout)


# -- entries that are no regular file ----------------------------------------------------------


def test_a_fifo_is_refused_without_blocking(specs: Path) -> None:
    os.mkfifo(specs / "area" / "x.yaml")
    assert load_in_subprocess(specs) == {"errors": ["specs/area/x.yaml: (file): not a regular file (a FIFO)"]}


def test_a_symlink_to_dev_zero_is_refused_without_reading(specs: Path) -> None:
    os.symlink("/dev/zero", specs / "area" / "x.yaml")
    assert load_in_subprocess(specs) == {"errors": ["specs/area/x.yaml: (file): is a symlink leading outside the spec folder"]}


def test_a_folder_named_like_a_spec_is_refused(specs: Path) -> None:
    (specs / "area" / "x.yaml").mkdir()
    assert load_errors(specs) == ["specs/area/x.yaml: (file): is a directory, not a file"]


# -- symlinks ----------------------------------------------------------------------------------


def test_a_symlink_to_a_file_outside_is_refused(specs: Path) -> None:
    os.symlink("/etc/passwd", specs / "area" / "x.yaml")
    assert load_errors(specs) == ["specs/area/x.yaml: (file): is a symlink leading outside the spec folder"]


def test_a_symlink_to_a_spec_outside_is_refused(specs: Path) -> None:
    """Even a valid spec is not read through a link leading outside the folder."""
    outside = write_spec(specs.parent, "outside/x.yaml", VALID_SPEC.replace("area.thing.works", "area.thing.outside"))
    os.symlink(outside, specs / "area" / "x.yaml")
    assert load_errors(specs) == ["specs/area/x.yaml: (file): is a symlink leading outside the spec folder"]


def test_a_symlinked_folder_leading_outside_is_refused(specs: Path) -> None:
    write_spec(specs.parent, "outside/x.yaml", VALID_SPEC.replace("area.thing.works", "area.thing.outside"))
    os.symlink(specs.parent / "outside", specs / "area" / "linked")
    assert load_errors(specs) == ["specs/area/linked: (file): is a symlink leading outside the spec folder"]


def test_a_symlinked_folder_inside_is_refused_not_followed(specs: Path) -> None:
    """A link back up the folder would loop; every linked folder is refused, not walked."""
    os.symlink("..", specs / "area" / "up")
    assert load_errors(specs) == ["specs/area/up: (file): is a symlink to a folder (folders are not followed through symlinks)"]


def test_a_dangling_symlink_is_refused(specs: Path) -> None:
    os.symlink(specs / "area" / "gone.yaml", specs / "area" / "x.yaml")
    assert load_errors(specs) == ["specs/area/x.yaml: (file): is a dangling symlink (its target does not exist)"]


@pytest.mark.parametrize("pair", [False, True], ids=["to-itself", "pair"])
def test_a_symlink_loop_is_refused(specs: Path, pair: bool) -> None:
    link = specs / "area" / "x.yaml"
    os.symlink("y.yaml" if pair else "x.yaml", link)
    if pair:
        os.symlink("x.yaml", specs / "area" / "y.yaml")
    expected = ["specs/area/x.yaml: (file): is a symlink loop"] + (
        ["specs/area/y.yaml: (file): is a symlink loop"] if pair else []
    )
    assert load_errors(specs) == expected


def test_a_symlink_to_a_spec_inside_loads_where_it_lies(specs: Path) -> None:
    """A link to a file inside the folder is read; it is named, and its area checked, where the link lies."""
    (specs / "area" / "good.yaml").rename(specs / "elsewhere.txt")
    os.symlink("../elsewhere.txt", specs / "area" / "x.yaml")
    [spec] = load_specs(specs)
    assert spec.path == "specs/area/x.yaml"


# -- names and titles for terminals ------------------------------------------------------------


@pytest.mark.parametrize("name", ["\x1b[2Jx.yaml", "x\ny.yaml", "x\ry\x07.yaml"], ids=["escape", "newline", "return-bell"])
def test_a_file_name_is_escaped_in_messages(specs: Path, name: str) -> None:
    write_spec(specs, f"area/{name}", "id: [")
    [message] = load_errors(specs)
    assert message.startswith(f"specs/area/{printable(name)}:1: (file): invalid YAML")
    assert printable(message) == message


def test_a_spec_folder_name_is_escaped_in_messages(specs_dir: Path) -> None:
    folder = specs_dir / "\x1b]0;owned\x07"
    folder.mkdir()
    assert load_errors(folder) == ["specs/\\x1b]0;owned\\x07: specs: no spec files (*.yaml, *.yml) found"]


def test_printable_escapes_control_characters_only() -> None:
    assert printable("a\x1b[2Jb\nc\td\x7f\x9b\u2028é \\x") == "a\\x1b[2Jb\\nc\\td\\x7f\\x9b\\u2028é \\x"


@pytest.mark.parametrize(
    ("title", "shown"),
    [
        ('"A title\\non two lines"', "\\n"),
        ('"\\e[2JA title that clears the screen"', "\\x1b"),
        ('"A title\\u2028 split"', "\\u2028"),
    ],
    ids=["newline", "escape", "line-separator"],
)
def test_a_title_with_control_characters_is_refused(specs_dir: Path, title: str, shown: str) -> None:
    write_spec(specs_dir, "area/x.yaml", VALID_SPEC.replace("title: A valid spec the bad ones are made from", f"title: {title}"))
    assert load_errors(specs_dir) == [
        f"specs/area/x.yaml:2: title: contains '{shown}' (a line break or control character): a title is one line of text"
    ]


def test_a_block_title_with_a_line_break_is_refused(specs_dir: Path) -> None:
    text = VALID_SPEC.replace("title: A valid spec the bad ones are made from", "title: |\n  A title\n  on two lines")
    write_spec(specs_dir, "area/x.yaml", text)
    assert load_errors(specs_dir) == [
        "specs/area/x.yaml:2: title: contains '\\n' (a line break or control character): a title is one line of text"
    ]


# -- tolerances --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (".inf", "expected a finite number, at least 0, but got inf"),
        (".nan", "expected a finite number, at least 0, but got nan"),
        ("-.inf", "expected a relative tolerance (at least 0) but got -inf"),
        ("-1", "expected a relative tolerance (at least 0) but got -1"),
    ],
    ids=["infinity", "nan", "minus-infinity", "negative"],
)
def test_a_tolerance_that_is_not_a_finite_non_negative_number_is_refused(specs_dir: Path, value: str, problem: str) -> None:
    write_spec(specs_dir, "area/x.yaml", VALID_SPEC + f"tolerance:\n  float32:\n    atol: 1.0e-6\n    rtol: {value}\n")
    assert load_errors(specs_dir) == [f"specs/area/x.yaml:16: tolerance.float32.rtol: {problem}"]


# -- the command line --------------------------------------------------------------------------


def test_the_command_line_refuses_an_odd_folder_with_spec_problems(specs: Path) -> None:
    """``gradspec list`` prints the problems, escaped, and exits with the usage status (in a
    subprocess: a FIFO could block it)."""
    os.mkfifo(specs / "area" / "\x1b[2Jx.yaml")
    os.symlink("/etc/passwd", specs / "area" / "y.yaml")
    command = [sys.executable, "-m", "gradspec", "--no-builtin-specs", "--specs", "specs", "list"]
    result = subprocess.run(command, cwd=specs.parent, capture_output=True, text=True, timeout=SECONDS, env=ENV)
    assert (result.returncode, result.stdout) == (EXIT_USAGE, "")
    assert result.stderr.splitlines() == [
        "specs/area/\\x1b[2Jx.yaml: (file): not a regular file (a FIFO)",
        "specs/area/y.yaml: (file): is a symlink leading outside the spec folder",
    ]
