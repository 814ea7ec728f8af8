"""Whose fault an exception is: the library's, or gradspec's and the adapter's own code's.

A verdict is a claim about the library, so an exception the library raised where PyTorch
completes the call is a *fail*, while one raised by gradspec or the adapter is an *error*
(no verdict).  The traceback tells them apart: an exception whose innermost frame is outside
gradspec and the adapter's modules was raised by the library (or code it called); one whose
innermost frame is in that code was raised there, by a ``raise`` statement or a programming
error, unless that frame was performing an operation on the library's objects (a call into
native code, an operator, an attribute), whose exception is the library's.
"""

from __future__ import annotations

import dis
import os
import sys
from functools import lru_cache
from pathlib import Path
from types import CodeType, TracebackType

import gradspec

#: Exceptions that only a mistake in the code raising them produces.
PROGRAMMING_ERRORS: tuple[type[BaseException], ...] = (NameError, ImportError, AssertionError, RecursionError, SyntaxError)
_RAISING_OPCODES = frozenset({"RAISE_VARARGS", "RERAISE"})
_GRADSPEC_ROOT = Path(gradspec.__file__).resolve().parent


def raised_by_own_code(error: BaseException, adapter: object) -> bool:
    """Whether ``error`` was raised by gradspec's or ``adapter``'s own code rather than by the library."""
    innermost = _innermost(error.__traceback__)
    if innermost is None:
        return False
    code = innermost.tb_frame.f_code
    if not _own_file(code.co_filename, _adapter_files(type(adapter))):
        return False
    return isinstance(error, PROGRAMMING_ERRORS) or _opcode_at(code, innermost.tb_lasti) in _RAISING_OPCODES


def _innermost(traceback: TracebackType | None) -> TracebackType | None:
    while traceback is not None and traceback.tb_next is not None:
        traceback = traceback.tb_next
    return traceback


def _adapter_files(cls: type) -> frozenset[str]:
    """The source files of an adapter class and its base classes."""
    files = set()
    for klass in cls.__mro__:
        module = sys.modules.get(klass.__module__)
        path = getattr(module, "__file__", None)
        if path:
            files.add(os.path.realpath(path))
    return frozenset(files)


@lru_cache(maxsize=1024)
def _own_file(filename: str, adapter_files: frozenset[str]) -> bool:
    path = os.path.realpath(filename)
    return path in adapter_files or Path(path).is_relative_to(_GRADSPEC_ROOT)


@lru_cache(maxsize=1024)
def _opcodes(code: CodeType) -> dict[int, str]:
    return {instruction.offset: instruction.opname for instruction in dis.get_instructions(code)}


def _opcode_at(code: CodeType, offset: int) -> str | None:
    return _opcodes(code).get(offset)
