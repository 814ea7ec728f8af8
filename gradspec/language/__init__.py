"""The step language: a small PyTorch-flavoured subset of Python, checked and interpreted.

``checker`` parses text with :mod:`ast` and refuses anything outside a whitelist, at load time;
``interpreter`` runs checked programs, sending every tensor operation to the adapter;
``vocabulary`` and ``strategies`` list the names the language knows.
"""

from gradspec.language.checker import Expression, LanguageError, Program, check_expression, check_program
from gradspec.language.interpreter import Frame, Interpreter, RunContext

__all__ = [
    "Expression",
    "Frame",
    "Interpreter",
    "LanguageError",
    "Program",
    "RunContext",
    "check_expression",
    "check_program",
]
