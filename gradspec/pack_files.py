"""Finding and reading the files of a spec pack, whatever its file system holds.

A pack is written by others: it may hold FIFOs, devices, symlinks leading anywhere or in a loop,
folders named like specs.  Each such entry is one loader problem naming its path, never a
traceback, a hang or an unbounded read.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from pathlib import Path

from gradspec.errors import SpecError

#: The largest spec file read, in bytes.
MAX_FILE_BYTES = 256 * 1024


def spec_files(root: Path, label: Callable[[Path], str]) -> tuple[list[Path], list[SpecError]]:
    """The paths named like specs under ``root`` (sorted, read or refused by :func:`load_spec`),
    and a problem for each symlink to a folder and each folder that cannot be listed."""
    found: list[Path] = []
    problems: list[SpecError] = []
    real_root = Path(os.path.realpath(root))

    def unlisted(error: OSError) -> None:
        where = Path(error.filename) if error.filename else root
        problems.append(SpecError(label(where), None, "(folder)", f"cannot list the folder: {error.strerror}"))

    for folder, subfolders, files in os.walk(root, onerror=unlisted, followlinks=False):
        subfolders.sort()
        for name in [name for name in subfolders if os.path.islink(os.path.join(folder, name))]:
            subfolders.remove(name)  # never walked: a linked folder may lead anywhere, or loop
            problems.append(SpecError(label(Path(folder, name)), None, "(file)", _linked_folder(Path(folder, name), real_root)))
        # A folder named like a spec is listed too: load_spec refuses it.
        found += [Path(folder, name) for name in subfolders + files if _is_spec_name(name)]
        subfolders[:] = [name for name in subfolders if not name.startswith("_")]  # notes and the operator table
    return sorted(found), problems


def _is_spec_name(name: str) -> bool:
    return name.endswith((".yaml", ".yml")) and not name.startswith("_")


def _linked_folder(path: Path, real_root: Path) -> str:
    if not Path(os.path.realpath(path)).is_relative_to(real_root):
        return "is a symlink leading outside the spec folder"
    return "is a symlink to a folder (folders are not followed through symlinks)"


def read_spec_file(path: Path, label: str, root: Path | None) -> bytes:
    """The bytes of the spec file at ``path``, or a :class:`SpecError` saying why it is refused."""
    try:
        real = os.path.realpath(path, strict=True)
    except OSError as error:
        raise SpecError(label, None, "(file)", _unresolved(path, error)) from None
    if root is not None and not Path(real).is_relative_to(os.path.realpath(root)):
        where = "is a symlink leading" if os.path.islink(path) else "lies"
        raise SpecError(label, None, "(file)", f"{where} outside the spec folder")
    try:
        mode = os.stat(real).st_mode
        if not stat.S_ISREG(mode):  # refused unopened: opening a FIFO or a device may block or act
            raise SpecError(label, None, "(file)", _not_regular(mode))
        descriptor = os.open(real, _OPEN_FLAGS)
        try:
            return _read_regular(descriptor, label)
        finally:
            os.close(descriptor)
    except OSError as error:
        raise SpecError(label, None, "(file)", f"cannot read the file: {error.strerror}") from None


#: Non-blocking, and no symlink left to follow once the path is resolved (where the system has them).
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)


def _read_regular(descriptor: int, label: str) -> bytes:
    """The bytes of an open regular file, reading at most :data:`MAX_FILE_BYTES` + 1 of them."""
    status = os.fstat(descriptor)
    if not stat.S_ISREG(status.st_mode):  # replaced since it was looked at
        raise SpecError(label, None, "(file)", _not_regular(status.st_mode))
    chunks: list[bytes] = []
    left = MAX_FILE_BYTES + 1 if status.st_size <= MAX_FILE_BYTES else 0
    while left > 0 and (chunk := os.read(descriptor, min(left, 1 << 16))):
        chunks.append(chunk)
        left -= len(chunk)
    raw = b"".join(chunks)
    size = max(status.st_size, len(raw))  # the file may grow while it is read
    if size > MAX_FILE_BYTES:
        raise SpecError(label, None, "(file)", f"file too large ({size} > {MAX_FILE_BYTES} bytes)")
    return raw


def _unresolved(path: Path, error: OSError) -> str:
    """Why ``path`` leads to no file."""
    if error.errno == errno.ELOOP:
        return "is a symlink loop"
    if error.errno == errno.ENOENT:
        return "is a dangling symlink (its target does not exist)" if os.path.islink(path) else "does not exist"
    return f"cannot read the file: {error.strerror}"


_FILE_KINDS = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _not_regular(mode: int) -> str:
    """Why a file of ``mode`` is not read as a spec."""
    if stat.S_ISDIR(mode):
        return "is a directory, not a file"
    kind = next((name for test, name in _FILE_KINDS if test(mode)), "an unusual kind of file")
    return f"not a regular file ({kind})"


def place(path: Path) -> Path:
    """Where ``path`` lies (its folder resolved, its own name kept even when it is a symlink)."""
    return Path(os.path.realpath(path.parent)) / path.name
