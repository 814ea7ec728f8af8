"""Hostile and broken spec files: refused at load time with ``path:line: key: problem``, quickly,
and without running anything; and a fuzzer: whatever bytes a spec file holds, loading it
returns a :class:`~gradspec.spec.Spec` or raises :class:`~gradspec.errors.SpecError`, never
anything else, and never hangs; and whatever a spec folder's file system holds (FIFOs, symlinks
in and out of it, folders named like specs, dangling links, loops), loading the folder returns
specs or raises :class:`~gradspec.errors.SpecErrors` naming each odd path.

The tables here add to ``test_bad_specs.py`` (one key broken at a time) and
``test_language_refusals.py`` (step text alone): complete files that try to escape the step
language, to exhaust memory or time, or to smuggle YAML features past the reader.
"""
from __future__ import annotations

import codecs
import contextlib
import os
import signal
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gradspec import strategies, yamldoc
from gradspec.errors import SpecError, SpecErrors, StepError
from gradspec.language.checker import MAX_DEPTH, MAX_ELEMENTS, check_program
from gradspec.language.interpreter import Frame, Interpreter, RunContext
from gradspec.language.steps import STEP_VOCABULARY
from gradspec.loader import MAX_INPUTS, MAX_PROPERTIES, load_spec, load_specs
from gradspec.pack_files import MAX_FILE_BYTES
from gradspec.render import printable
from gradspec.spec import Spec
from tests.conftest import ROOT, VALID_REQUIRES, VALID_SPEC, raising, write_spec


# Line numbers of BASE: see VALID_SPEC in tests/conftest.py.
BASE = VALID_SPEC
SPEC = "specs/area/spec.yaml"
ATTRIBUTES = ", ".join(sorted(STEP_VOCABULARY.properties))
METHODS = ", ".join(sorted(STEP_VOCABULARY.methods))
TOP_LEVEL_KEYS = "id, title, source, catalogue, statements, requires, over, devices, given, steps, then, raises, tolerance, notes"
TOO_DEEP = f"nested too deeply (more than {MAX_DEPTH} levels)"
YAML_TOO_DEEP = f"(file): YAML nested too deeply (more than {yamldoc.MAX_DEPTH} levels)"
REBOUND = "cannot be rebound: f() uses it, and could then call itself (no recursion)"
STRING_INDEX = "is not allowed (dict keys are strings not starting with '_'; lists, tuples and tensors take integers and slices)"
NOT_UTF8_NUL = "(file): not UTF-8 text (a NUL byte: binary data, or UTF-16/UTF-32 text)"
BIG_INT = "too large (more than 64 bits; quote it if it is text)"
#: A hostile file must be refused well within this many seconds.
SECONDS = 2.0


def edit(old: str, new: str, base: str = BASE) -> str:
    """``base`` with its one occurrence of ``old`` replaced by ``new``."""
    assert base.count(old) == 1, f"{old!r} must occur exactly once in the base spec"
    return base.replace(old, new)


def with_steps(text: str) -> str:
    """BASE whose steps are ``b = a * 2`` (line 9) followed by ``text`` (from line 10)."""
    lines = ("b = a * 2\n" + text).splitlines()
    return edit("  b = a * 2\n  c = b.detach()\n", "".join(f"  {line}\n" if line else "\n" for line in lines))


def with_given(value: str) -> str:
    """BASE whose input ``a`` (line 7) is the YAML value ``value``."""
    return edit("  a: tensors()", f"  a: {value}")


def with_then(value: str) -> str:
    """BASE whose one property (line 12) is the YAML value ``value``."""
    return edit("  - c.requires_grad == False", f"  - {value}")


def with_raises(at: str, match: str | None = None) -> str:
    """BASE with ``raises`` (lines 11-13, ``match`` on 14) instead of ``then``."""
    text = raising(BASE).replace("  at: c = b.detach()\n", f"  at: {at}\n")
    return text + (f"  match: {match}\n" if match is not None else "")


def with_requires(text: str, *capabilities: str) -> str:
    """``text`` (BASE or an edit of it) requiring ``capabilities`` instead of BASE's."""
    return edit(VALID_REQUIRES, f"requires: [{', '.join(capabilities)}]", text)


def hostile(case_id: str, text: str | bytes, expected: str, *, builds_inputs: bool = False) -> Any:
    """One row: a whole spec file and its exact message. ``builds_inputs``: the refusal comes
    from building ``given``'s strategies (which loading does, drawing nothing); otherwise the
    loader refuses before evaluating any expression at all."""
    return pytest.param(text, expected, builds_inputs, id=case_id)


def billion_laughs() -> str:
    """The classic: nine anchors, each a list of nine aliases of the one before."""
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]")
    return "\n".join(lines) + "\n"


ESCAPES = [
    # -- attribute chains towards internals ----------------------------------------------------
    hostile("grad-fn-next-functions", with_steps("c = b.grad_fn.next_functions"),
            f"{SPEC}:10: steps: attribute 'next_functions' is not in the language (attributes: {ATTRIBUTES})"),
    hostile("grad-fn-chain-to-variable", with_steps("c = b.grad_fn.next_functions[0][0].variable"),
            f"{SPEC}:10: steps: attribute 'variable' is not in the language (attributes: {ATTRIBUTES})"),
    hostile("grad-fn-method", with_steps("c = b.grad_fn.name()"),
            f"{SPEC}:10: steps: method 'name' is not in the language (methods: {METHODS})"),
    hostile("parameters-class", with_steps("model = linear(2, 3)\nc = model.parameters().__class__"),
            f"{SPEC}:11: steps: attribute '__class__' is not allowed (no private or dunder attributes)"),
    hostile("constant-class-to-subclasses", with_steps("c = (1).__class__.__bases__[0].__subclasses__()"),
            f"{SPEC}:10: steps: attribute '__bases__' is not allowed (no private or dunder attributes)"),
    hostile("getattribute", with_steps("c = b.__getattribute__('grad')"),
            f"{SPEC}:10: steps: attribute '__getattribute__' is not allowed (no private or dunder attributes)"),
    # -- Python's built-ins are not names of the language ------------------------------------------
    hostile("vars", with_steps("c = vars(b)"), f"{SPEC}:10: steps: undefined name 'vars'"),
    hostile("globals", with_steps("c = globals()['__builtins__']"), f"{SPEC}:10: steps: undefined name 'globals'"),
    hostile("locals", with_steps("c = locals()"), f"{SPEC}:10: steps: undefined name 'locals'"),
    hostile("type", with_steps("c = type(b)"), f"{SPEC}:10: steps: undefined name 'type'"),
    hostile("open-a-marker-file", with_steps("open('pwned', 'w').write('x')"), f"{SPEC}:10: steps: undefined name 'open'"),
    hostile("builtins-module", with_steps("c = __builtins__"),
            f"{SPEC}:10: steps: names starting with '_' are not allowed ('__builtins__')"),
    hostile("breakpoint", with_steps("breakpoint()"), f"{SPEC}:10: steps: undefined name 'breakpoint'"),
    hostile("compile", with_steps("c = compile('1', 'f', 'eval')"), f"{SPEC}:10: steps: undefined name 'compile' (did you mean 'complex'?)"),
    # -- strings used as names or attributes ---------------------------------------------------
    hostile("string-subscript", with_steps("c = b['__class__']"),
            f"{SPEC}:10: steps: indexing with a string ('__class__') {STRING_INDEX}"),
    hostile("string-in-a-tuple-subscript", with_steps("c = b[0, '__dict__']"),
            f"{SPEC}:10: steps: indexing with a string ('__dict__') {STRING_INDEX}"),
    hostile("string-called", with_steps("c = '__import__'('os')"), f"{SPEC}:10: steps: '__import__' is not callable"),
    hostile("string-called-in-given", with_given("\"'__import__'('os')\""), f"{SPEC}:7: given.a: '__import__' is not callable"),
    hostile("import-in-given", with_given("\"__import__('os')\""),
            f"{SPEC}:7: given.a: names starting with '_' are not allowed ('__import__')"),
    # -- functions smuggled into given -------------------------------------------------------------
    hostile("lambda-in-given", with_given('"lambda: tensors()"'), f"{SPEC}:7: given.a: lambda is not allowed"),
    hostile("lambda-as-argument-in-given", with_given('"just(lambda: 1)"'), f"{SPEC}:7: given.a: lambda is not allowed"),
    hostile("def-in-given", with_given("|\n    def f():\n        return tensors()\n    f()"),
            f"{SPEC}:7: given.a: syntax error: invalid syntax"),
    hostile("walrus-in-given", with_given('"(t := tensors())"'), f"{SPEC}:7: given.a: ':=' (walrus) is not allowed"),
    hostile("comprehension-rebinding-a-strategy", with_given('"[tensors() for tensors in [1]][0]"'),
            f"{SPEC}:7: given.a: cannot assign to the built-in name 'tensors'"),
]

BOUNDS = [
    # -- allocations whose constant sizes are huge -------------------------------------------------
    hostile("zeros-of-a-billion", with_steps("c = zeros((10**9,))"),
            f"{SPEC}:10: steps: zeros(): asks for 1000000000 elements (more than {MAX_ELEMENTS})"),
    hostile("ones-a-terabyte", with_steps("c = ones((2**20, 2**20), requires_grad=True)"),
            f"{SPEC}:10: steps: ones(): asks for 1099511627776 elements (more than {MAX_ELEMENTS})"),
    hostile("linear-huge", with_steps("model = linear(10**6, 10**6)"),
            f"{SPEC}:10: steps: linear(): asks for 1000001000000 elements (more than {MAX_ELEMENTS})"),
    hostile("mlp-huge", with_steps("model = mlp([2, 10**5, 10**5, 1])"),
            f"{SPEC}:10: steps: mlp(): asks for 10000500001 elements (more than {MAX_ELEMENTS})"),
    hostile("batch-norm-huge", with_steps("model = batch_norm(10**9)"),
            f"{SPEC}:10: steps: batch_norm(): asks for 1000000000 elements (more than {MAX_ELEMENTS})"),
    hostile("given-shape-huge", with_given('"tensors(shape=(10**9,))"'),
            f"{SPEC}:7: given.a: tensors(): asks for 1000000000 elements (more than {MAX_ELEMENTS})"),
    hostile("given-side-huge", with_given('"arrays(max_side=10**6)"'),
            f"{SPEC}:7: given.a: arrays(): asks for 1000000000000000000 elements (more than {MAX_ELEMENTS})"),
    hostile("given-dims-huge", with_given('"tensors(max_side=1000, max_dims=8)"'),
            f"{SPEC}:7: given.a: tensors(): asks for more than 2**63 elements (more than {MAX_ELEMENTS})"),
    # -- huge exponents and integers -------------------------------------------------------------
    hostile("exponent-in-given", with_given('"just(2 ** 100000)"'), f"{SPEC}:7: given.a: exponent too large (100000 > 64)"),
    hostile("power-tower-in-given", with_given('"integers(0, 9 ** 9 ** 9)"'),
            f"{SPEC}:7: given.a: exponent too large (9 ** 9 > 64)"),
    hostile("power-tower-in-then", with_then("c.requires_grad == (2 ** 2 ** 100 > 0)"),
            f"{SPEC}:12: then[0]: exponent too large (100 > 64)"),
    hostile("hex-constant-in-then", with_then("c.requires_grad == 0x" + "f" * 5000),
            f"{SPEC}:12: then[0]: integer constant too large (a 20000-bit number > 2**63)"),
    hostile("hex-exponent-in-steps", with_steps("c = b ** 0x" + "f" * 5000),
            f"{SPEC}:10: steps: integer constant too large (a 20000-bit number > 2**63)"),
    # -- deep nesting ---------------------------------------------------------------------------
    hostile("deep-list-in-given", with_given('"just(' + "[" * 150 + "]" * 150 + ')"'), f"{SPEC}:7: given.a: {TOO_DEEP}"),
    hostile("deep-minus-in-given", with_given('"just(' + "-" * 5000 + '1)"'), f"{SPEC}:7: given.a: {TOO_DEEP}"),
    hostile("deep-not-in-then", with_then("not " * 3000 + "c.is_leaf"), f"{SPEC}:12: then[0]: {TOO_DEEP}"),
    hostile("deep-ifs-in-steps", with_steps("".join(" " * i + "if True:\n" for i in range(120)) + " " * 120 + "pass"),
            f"{SPEC}:110: steps: syntax error: too many levels of indentation"),
    hostile("deep-minus-in-raises-at", with_raises('"c = ' + "-" * 10000 + '1"'),
            f"{SPEC}:12: raises.at: 'c = " + "-" * 56 + f"...' is not a statement ({TOO_DEEP})"),
    hostile("nul-in-raises-at", with_raises('"c = b.detach()\\0"'),
            f"{SPEC}:12: raises.at: 'c = b.detach()\\x00' is not a statement (source code string cannot contain null bytes)"),
    hostile("deep-groups-in-raises-match", with_raises("c = b.detach()", '"' + "(" * 5000 + ")" * 5000 + '"'),
            f"{SPEC}:14: raises.match: not a regular expression: nested too deeply"),
    hostile("huge-repeat-in-raises-match", with_raises("c = b.detach()", '"a{99999999999999999999}"'),
            f"{SPEC}:14: raises.match: not a regular expression: the repetition number is too large"),
    hostile("too-many-inputs", edit("  a: tensors()\n", "".join(f"  n{i}: booleans()\n" for i in range(MAX_INPUTS)) + "  a: tensors()\n"),
            f"{SPEC}:6: given: too many inputs ({MAX_INPUTS + 1} > {MAX_INPUTS})"),
    hostile("too-many-properties", BASE + "  - c.is_leaf\n" * MAX_PROPERTIES,
            f"{SPEC}:11: then: too many properties ({MAX_PROPERTIES + 1} > {MAX_PROPERTIES})"),
    # -- given values that only fail when their strategy is built ---------------------------------
    hostile("given-index-out-of-range", with_given('"just((1, 2)[5])"'),
            f"{SPEC}:7: given.a: cannot draw this input: indexing tuple: tuple index out of range", builds_inputs=True),
    hostile("given-division-by-zero", with_given('"just(1 / 0)"'),
            f"{SPEC}:7: given.a: cannot draw this input: ZeroDivisionError: division by zero", builds_inputs=True),
    hostile("given-float-bound-overflows", with_given('"floats(0, ' + " * ".join(["2 ** 60"] * 20) + ')"'),
            f"{SPEC}:7: given.a: cannot draw this input: int too large to convert to float", builds_inputs=True),
    hostile("given-power-of-powers", with_given('"just(((2 ** 63) ** 64) ** 64)"'),
            f"{SPEC}:7: given.a: cannot draw this input: power too large (more than 4096 bits)", builds_inputs=True),
    hostile("given-repetition", with_given('"just([0] * 100000)"'),
            f"{SPEC}:7: given.a: cannot draw this input: sequence repetition too large (more than 10000 items)",
            builds_inputs=True),
]

RECURSION = [
    hostile("name-rebound-to-its-user", with_steps("def g(t):\n    return t\ndef f(t):\n    return g(t)\ng = f\nc = f(b)"),
            f"{SPEC}:14: steps: 'g' {REBOUND}"),
    hostile("redefinition-calling-itself", with_steps("def f(t):\n    return t\ndef f(t):\n    return f(t)\nc = f(b)"),
            f"{SPEC}:12: steps: 'f' {REBOUND}"),
    hostile("rebound-by-a-loop", with_steps("def g(t):\n    return t\ndef f(t):\n    return g(t)\nfor g in [f]:\n    pass\nc = f(b)"),
            f"{SPEC}:14: steps: 'g' {REBOUND}"),
    hostile("rebound-by-with-as", with_steps("def g(t):\n    return t\ndef f(t):\n    return g(t)\nwith no_grad() as g:\n    pass"),
            f"{SPEC}:14: steps: 'g' {REBOUND}"),
    hostile("rebound-on-the-next-iteration",
            with_steps("def f(t):\n    return t\nfor i in range(2):\n    g = f\n    def f(t):\n        return g(t)\nc = f(b)"),
            f"{SPEC}:13: steps: 'g' {REBOUND}"),
    hostile("rebound-in-an-enclosing-function",
            with_steps("def h(t):\n    return t\ndef outer(t):\n    def f(u):\n        return h(u)\n    h = f\n    return f(t)\nc = outer(b)"),
            f"{SPEC}:15: steps: 'h' {REBOUND}"),
    hostile("decorated-function-rebinding", with_steps("def g(t):\n    return t\n@no_grad()\ndef f(t):\n    return g(t)\ng = f"),
            f"{SPEC}:15: steps: 'g' {REBOUND}"),
]

YAML = [
    # -- expansion and nesting ------------------------------------------------------------------
    hostile("billion-laughs", billion_laughs(), f"{SPEC}:1: (file): YAML anchor '&a' is not allowed"),
    hostile("anchor-in-a-spec", BASE + "notes: &lol [lol, lol]\n", f"{SPEC}:13: (file): YAML anchor '&lol' is not allowed"),
    hostile("ten-thousand-brackets", edit(VALID_REQUIRES, "requires: " + "[" * 10_000 + "detach" + "]" * 10_000),
            f"{SPEC}:5: {YAML_TOO_DEEP}"),
    hostile("ten-thousand-braces", with_given("tensors()\n  b: " + "{a: " * 10_000 + "1" + "}" * 10_000),
            f"{SPEC}:8: {YAML_TOO_DEEP}"),
    hostile("deep-block-mappings", BASE + "notes:\n" + "".join("  " * (i + 1) + f"k{i}:\n" for i in range(30)) + "  " * 31 + "x\n",
            f"{SPEC}:33: {YAML_TOO_DEEP}"),
    hostile("deep-compact-sequences", "- " * 10_000 + "x\n", f"{SPEC}:1: {YAML_TOO_DEEP}"),
    hostile("too-many-values", BASE + "notes: [" + ", ".join(["x"] * yamldoc.MAX_NODES) + "]\n",
            f"{SPEC}:13: (file): too many YAML values (more than {yamldoc.MAX_NODES})"),
    hostile("ten-megabyte-line", BASE + "notes: " + "x" * (10 * 1024 * 1024) + "\n",
            f"{SPEC}: (file): file too large ({len(BASE) + 7 + 10 * 1024 * 1024 + 1} > {MAX_FILE_BYTES} bytes)"),
    # -- tags -----------------------------------------------------------------------------------
    hostile("python-name-tag", with_given("!!python/name:os.system"), f"{SPEC}:7: (file): YAML tag '!!python/name:os.system' is not allowed"),
    hostile("python-apply-tag", BASE + "notes: !!python/object/apply:os.system [touch pwned]\n",
            f"{SPEC}:13: (file): YAML tag '!!python/object/apply:os.system' is not allowed"),
    hostile("tag-directive", "%TAG !e! tag:evil.example,2000:\n---\n" + edit(VALID_REQUIRES, "requires: !e!caps [detach, requires_grad]"),
            f"{SPEC}:7: (file): YAML tag 'tag:evil.example,2000:caps' is not allowed"),
    hostile("even-a-harmless-tag", edit("title: A", "title: !!str A"), f"{SPEC}:2: (file): YAML tag '!!str' is not allowed"),
    # -- bytes and encodings --------------------------------------------------------------------
    hostile("nul-byte", edit("T1 Tensors", "T1\0Tensors"), f"{SPEC}:4: {NOT_UTF8_NUL}"),
    hostile("control-character", edit("T1 Tensors", "T1\aTensors"),
            f"{SPEC}:4: (file): invalid YAML: unacceptable character #x0007: special characters are not allowed"),
    hostile("utf-16-le", BASE.encode("utf-16"),
            f"{SPEC}:1: (file): not UTF-8 text (a UTF-16 byte order mark: save the file as UTF-8)"),
    hostile("utf-16-be", codecs.BOM_UTF16_BE + BASE.encode("utf-16-be"),
            f"{SPEC}:1: (file): not UTF-8 text (a UTF-16 byte order mark: save the file as UTF-8)"),
    hostile("utf-32", BASE.encode("utf-32"), f"{SPEC}:1: (file): not UTF-8 text (a UTF-32 byte order mark: save the file as UTF-8)"),
    hostile("utf-16-without-bom", BASE.encode("utf-16-le"), f"{SPEC}:1: {NOT_UTF8_NUL}"),
    hostile("nul-escape-in-a-quoted-title", edit("title: A valid spec the bad ones are made from", 'title: "A hostile\\0 spec title"'),
            f"{SPEC}:2: title: contains '\\x00' (a line break or control character): a title is one line of text"),
    hostile("terminal-escape-in-a-quoted-title", edit("title: A valid spec the bad ones are made from", 'title: "\\e[2JA hostile spec title"'),
            f"{SPEC}:2: title: contains '\\x1b' (a line break or control character): a title is one line of text"),
    hostile("latin-1-behind-a-utf-8-bom", codecs.BOM_UTF8 + edit("T1 Tensors", "T1 Tens\xf6rs").encode("latin-1"),
            f"{SPEC}:4: (file): not UTF-8 text (byte 0xf6)"),
    # -- a spec that is not a mapping -----------------------------------------------------------
    hostile("document-is-an-int", "42\n", f"{SPEC}:1: (document): expected a mapping of spec keys but got an int"),
    hostile("document-is-a-float", "4.2\n", f"{SPEC}:1: (document): expected a mapping of spec keys but got a float"),
    hostile("document-is-a-bool", "yes\n", f"{SPEC}:1: (document): expected a mapping of spec keys but got a bool"),
    hostile("document-is-a-date", "2024-01-01\n", f"{SPEC}:1: (document): expected a mapping of spec keys but got a date"),
    hostile("document-is-null", "~\n", f"{SPEC}:1: (document): empty document (expected one YAML mapping describing a behaviour)"),
    hostile("document-is-a-block-string", "|\n  id: area.thing.works\n",
            f"{SPEC}:1: (document): expected a mapping of spec keys but got a str"),
    hostile("document-is-a-flow-list", "[id, title]\n", f"{SPEC}:1: (document): expected a mapping of spec keys but got a list"),
    hostile("document-end-only", "...\n", f"{SPEC}:1: (file): invalid YAML: expected the node content, but found '<document end>'"),
    # -- plain values YAML cannot read, or reads as something huge ---------------------------------
    hostile("impossible-date", BASE + "notes: 2024-13-45\n",
            f"{SPEC}:13: (file): '2024-13-45' is not a valid timestamp: month must be in 1..12 (quote it if it is text)"),
    hostile("value-indicator", BASE + "notes: =\n", f"{SPEC}:13: (file): '=' is not a plain YAML value (quote it if it is text)"),
    hostile("merge-indicator-as-a-value", with_given("<<"), f"{SPEC}:7: (file): '<<' is not a plain YAML value (quote it if it is text)"),
    hostile("five-thousand-digits", with_given("9" * 5000), f"{SPEC}:7: (file): integer '{'9' * 40}...' {BIG_INT}"),
    hostile("hex-integer", BASE + "tolerance: {float32: {rtol: 0x" + "f" * 100 + ", atol: 1}}\n",
            f"{SPEC}:13: (file): integer '0x{'f' * 38}...' {BIG_INT}"),
    hostile("sexagesimal-integer", with_given("1" + ":59" * 60_000), f"{SPEC}:7: (file): integer '1{':59' * 13}...' {BIG_INT}"),
    # -- wrong types and odd keys ---------------------------------------------------------------
    hostile("given-is-a-list", edit("  a: tensors()", "  - tensors()"),
            f"{SPEC}:6: given: expected a mapping of input names to strategy expressions but got ['tensors()'] (type=list)"),
    hostile("given-value-is-a-mapping", with_given("{strategy: tensors()}"),
            f"{SPEC}:7: given.a: expected a strategy expression, or a constant number or boolean "
            "but got {'strategy': 'tensors()'} (type=dict)"),
    hostile("then-is-a-string", edit("then:\n  - c.requires_grad == False", "then: c.requires_grad == False"),
            f"{SPEC}:11: then: expected a list of step-language expressions that must all be true "
            "but got 'c.requires_grad == False' (type=str)"),
    hostile("raises-is-a-string", BASE.split("then:")[0] + "raises: no_grad_fn\n",
            f"{SPEC}:11: raises: expected the canonical error kind expected at one named step but got 'no_grad_fn' (type=str)"),
    hostile("steps-is-an-int", edit("steps: |\n  b = a * 2\n  c = b.detach()\n", "steps: 42\n"),
            f"{SPEC}:8: steps: expected step-language statements, as a YAML block ('steps: |') but got 42 (type=int)"),
    hostile("id-is-a-list", edit("id: area.thing.works", "id: [area, thing]"),
            f"{SPEC}:1: id: expected a dotted id of two or more lower_snake_case parts, the first being the spec's "
            "area and folder (area.behaviour) but got ['area', 'thing'] (type=list)"),
    hostile("huge-value-shown-shortened", edit(VALID_REQUIRES, "requires: " + "x" * 100_000),
            f"{SPEC}:5: requires: expected a list of capability names but got '{'x' * 76}... (type=str)"),
    hostile("empty-key", BASE + '"": 1\n', f"{SPEC}:13: '': unknown key (expected one of: {TOP_LEVEL_KEYS})"),
    hostile("key-with-a-line-break", BASE + '"a\\nb": 1\n', f"{SPEC}:13: 'a\\nb': unknown key (expected one of: {TOP_LEVEL_KEYS})"),
    hostile("dotted-input-name", with_given('tensors()\n  "b.c": booleans()'),
            f"{SPEC}:8: given.'b.c': 'b.c' is not a valid name (expected lower_snake_case)"),
]


@pytest.fixture
def interpreter_spy(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[Any]]:
    """What interpreters run: statements executed (``execute``), expressions evaluated by the
    interpreter that builds ``given``'s strategies (``given``) and by any other (``evaluate``)."""
    calls: dict[str, list[Any]] = {"execute": [], "evaluate": [], "given": []}
    for name in ("execute", "evaluate"):
        original = getattr(Interpreter, name)

        def spy(self: Interpreter, node: Any, frame: Frame, _original: Any = original, _name: str = name) -> Any:
            building_inputs = _name == "evaluate" and isinstance(self.adapter, strategies._NoBackend)
            calls["given" if building_inputs else _name].append(node)
            return _original(self, node, frame)

        monkeypatch.setattr(Interpreter, name, spy)
    return calls


@pytest.mark.parametrize(("text", "expected", "builds_inputs"), ESCAPES + BOUNDS + RECURSION + YAML)
def test_hostile_spec_is_refused_before_anything_runs(
    specs_dir: Path, interpreter_spy: dict[str, list[Any]], capsys: pytest.CaptureFixture[str],
    text: str | bytes, expected: str, builds_inputs: bool,
) -> None:
    """Each file is refused quickly with its exact message; no step or property runs (only
    ``given``'s strategies are built, drawing nothing), no file is written, nothing is printed."""
    path = write_spec(specs_dir, "area/spec.yaml", text)
    start = time.perf_counter()
    with pytest.raises(SpecError) as info:
        load_spec(path, root=specs_dir)
    elapsed = time.perf_counter() - start
    assert str(info.value) == expected
    assert elapsed < SECONDS, f"took {elapsed:.2f} s"
    assert interpreter_spy["execute"] == interpreter_spy["evaluate"] == []
    if builds_inputs:
        assert interpreter_spy["given"], "the refusal was expected from building the inputs"
    assert sorted(p.name for p in specs_dir.parent.iterdir()) == ["specs"]  # no 'pwned' marker file
    assert capsys.readouterr() == ("", "")


# -- odd but harmless files load as usual ------------------------------------------------------

HARMLESS = {
    "crlf-line-endings": BASE.replace("\n", "\r\n"),
    "bom-and-crlf": "\ufeff" + BASE.replace("\n", "\r\n"),
    "cr-line-endings": BASE.replace("\n", "\r"),
    "tab-indented-step-block": with_steps("if True:\n\tc = b.detach()"),
    "yaml-directive": "%YAML 1.1\n---\n" + BASE,
    "quoted-keys-and-values": BASE.replace("id: area.thing.works", '"id": "area.thing.works"'),
    "dunder-names-as-plain-text": with_requires(with_then("type_name(c) != '__import__'"), "detach"),
}


@pytest.mark.parametrize("text", HARMLESS.values(), ids=HARMLESS.keys())
def test_odd_but_harmless_file_loads(specs_dir: Path, text: str) -> None:
    spec = load_spec(write_spec(specs_dir, "area/spec.yaml", text), root=specs_dir)
    assert spec.id == "area.thing.works"
    assert spec.step_lines[0] == (11 if text.startswith("%YAML") else 9)


def test_the_hostile_bases_are_valid(specs_dir: Path) -> None:
    """BASE and its raising form load, so each hostile row fails for its own change only."""
    for text in (BASE, with_raises("c = b.detach()", '"no grad"'), with_steps("c = b.detach()")):
        spec = load_spec(write_spec(specs_dir, "area/spec.yaml", text), root=specs_dir)
        assert spec.step_lines == (9, 10)


# -- what constants do not show is bounded when the steps run ------------------------------------

class _NoBackend:
    """An adapter stand-in for plain-Python steps."""

    @staticmethod
    def is_tensor(value: Any) -> bool:
        return False


def run_steps(text: str) -> Frame:
    """Check and run ``text`` with no backend."""
    program = check_program(text, vocabulary=STEP_VOCABULARY, bound=set())
    machine = Interpreter(RunContext(adapter=_NoBackend(), device="cpu"), STEP_VOCABULARY)
    frame = Frame()
    for statement in program.statements:
        machine.execute(statement, frame)
    return frame


def test_recursion_through_a_list_stops_at_run_time() -> None:
    """A function stored into a list it reads is no rebinding the checker can see: the
    interpreter's call depth limit stops it."""
    with pytest.raises(StepError, match="recursion is not allowed"):
        run_steps("fs = [neg]\ndef f(t):\n    return fs[0](t)\nfs[0] = f\ny = f(1)")


def test_assignments_through_subscripts_and_attributes_rebind_no_name() -> None:
    """Inside a loop, ``fs[0] = f`` and ``t.grad = None`` leave the names a function uses alone."""
    check_program("fs = [neg]\nfor i in range(2):\n    def f(u):\n        return fs[0](u) + t.grad\n"
                  "    fs[0] = f\n    t.grad = None", vocabulary=STEP_VOCABULARY, bound={"t"})


def test_closures_over_a_loop_variable_are_not_recursion() -> None:
    """A function may use its loop's own variable, which the loop rebinds."""
    frame = run_steps("ys = []\nfor k in [1, 2]:\n    def f(t):\n        return t * k\n    ys = ys + [f(10)]")
    assert frame.values["ys"] == [10, 20]


def test_sizes_behind_names_are_left_to_run_time(specs_dir: Path) -> None:
    """Only constant sizes are refused at load time: ``n = 10**9`` then ``zeros((n,))`` loads;
    bounding what only a run knows is the run's business (the adapter's creation calls)."""
    text = with_requires(with_steps("n = 10**9\nc = zeros((n,))"), "requires_grad")
    assert load_spec(write_spec(specs_dir, "area/spec.yaml", text), root=specs_dir)


# -- the fuzzer ----------------------------------------------------------------------------------

def _real_spec(path: Path) -> bytes:
    """A real spec's bytes, its id moved to the area ``area`` (where the fuzzer writes it)."""
    return path.read_bytes().replace(f"id: {path.parent.name}.".encode(), b"id: area.", 1)


REAL_SPECS = [_real_spec(path) for path in sorted((ROOT / "specs").glob("*/[!_]*.yaml"))]
#: YAML syntax and odd bytes.
FRAGMENTS = [
    b"[", b"]", b"{", b"}", b",", b":", b": ", b"- ", b"? ", b"\n", b"  ", b"    ", b"\t", b"#", b"'", b'"', b"|", b"|-",
    b">", b"&a ", b"*a", b"<<: ", b"=", b"~", b"!", b"!x ", b"!!str ", b"!!python/object/apply:os.system [x] ",
    b"---\n", b"...\n", b"%YAML 1.1\n", b"%TAG !e! tag:e,2000:\n", b"\x00", b"\xff", b"\xfe", b"\xef\xbb\xbf", b"\r\n", b"\r",
    b"\xc2\x85", b"\xe2\x80\xa8", b"\\", b"\\x00", b"\\ud800", b"0x" + b"f" * 40, b"1:2:3", b"2024-13-45", b"1e999", b".nan",
    b"9" * 30, b"null", b"yes", b"id: area.x", b"title: ", b"source:\n  - tutorial: T1\n", b"requires: [backward]\n",
    b"given:\n  a: ", b"steps: |\n  ", b"then:\n  - ", b"raises:\n  at: ", b"  kind: no_grad_fn\n", b"  match: ",
]
#: Step-language statements, ``given`` values and ``then`` properties that try to escape or exhaust.
STEP_SNIPPETS = [
    "__import__('os')", "y = a.__class__", "y = (1).__class__.__bases__", "y = a.grad_fn.next_functions", "f = lambda: 1",
    "import os", "def f(t):\n    return f(t)", "def g(t):\n    return t\ndef f(t):\n    return g(t)\ng = f", "y = 2 ** 10 ** 9",
    "y = zeros((10**9,))", "model = linear(10**6, 10**6)", "for i in range(10**9):\n    pass", "open('pwned', 'w')",
    "getattr(a, 'b')", "y = " + "[" * 50 + "]" * 50, "y = a['__dict__']", "y = '__import__'('os')", "y = a ** 0x" + "f" * 50,
    "y = [0] * 10**9", "while True:\n    pass", "y = " + "-" * 300 + "1", "with no_grad() as g:\n    pass", "a.backward()",
]
GIVEN_SNIPPETS = [
    "tensors()", "tensors(shape=(10**9,))", "arrays(max_side=10**6)", "just([0] * 100000)", "integers(3, 0)", "just(1 / 0)",
    "lambda: 1", "just((1, 2)[5])", "sampled_from([])", "floats(0, 2 ** 60 * 2 ** 60 * 2 ** 60 * 2 ** 60 * 2 ** 60)",
    "just(((2 ** 63) ** 64) ** 64)", "integers(0, 1)(3)", "broadcast_result((2,), (3,))", "lists(booleans(), min_size=-1)",
    "tensors(dtype=int64, requires_grad=True)", "just(2 ** 100000)", "one_of()", "tensors().shape", "just(-float32)",
]
THEN_SNIPPETS = STEP_SNIPPETS[:3] + ["a.backward() is None", "x, y", "t for t in [a]", "not " * 200 + "True", "2 ** 2 ** 100 > 0"]
LINE_BREAKS = (b"\n", b"\r", b"\xc2\x85", b"\xe2\x80\xa8", b"\xe2\x80\xa9")
#: Each load must finish within this (Hypothesis's deadline); a hang is cut at HANG_SECONDS.
DEADLINE = timedelta(milliseconds=500)
HANG_SECONDS = 10


def _quoted(text: str) -> bytes:
    return ('"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"').encode()


def _insert_after(data: bytearray, marker: bytes, line: bytes) -> None:
    """Insert ``line`` after the first ``marker`` in ``data`` (or at its end)."""
    where = data.find(marker)
    where = len(data) if where < 0 else where + len(marker)
    data[where:where] = line


@st.composite
def mutated_files(draw: st.DrawFn) -> bytes:
    """The bytes of a real spec, mutated one to six times: truncated, a byte flipped, a YAML
    fragment inserted or put in place of a span, a span deleted or duplicated, or a hostile
    step, input or property added where it belongs."""
    data = bytearray(draw(st.sampled_from(REAL_SPECS)))
    for _ in range(draw(st.integers(1, 6))):
        start = draw(st.integers(0, len(data)))
        end = draw(st.integers(start, min(len(data), start + 64)))
        operation = draw(st.sampled_from(["truncate", "flip", "insert", "replace", "delete", "duplicate", "step", "input", "property"]))
        if operation == "truncate":
            del data[len(data) - draw(st.integers(0, len(data))):]  # mostly a little off the end
        elif operation == "flip" and start < len(data):
            data[start] ^= draw(st.integers(1, 255))
        elif operation == "insert":
            data[start:start] = draw(st.sampled_from(FRAGMENTS))
        elif operation == "replace":
            data[start:end] = draw(st.sampled_from(FRAGMENTS))
        elif operation == "delete":
            del data[start:end]
        elif operation == "duplicate":
            data[end:end] = data[start:end] * draw(st.integers(1, 4))
        elif operation == "step":
            snippet = draw(st.sampled_from(STEP_SNIPPETS))
            _insert_after(data, b"steps: |\n", "".join(f"  {line}\n" for line in snippet.splitlines()).encode())
        elif operation == "input":
            name = b"z%d: " % draw(st.integers(0, 9))
            _insert_after(data, b"given:\n", b"  " + name + _quoted(draw(st.sampled_from(GIVEN_SNIPPETS))) + b"\n")
        elif operation == "property":
            _insert_after(data, b"then:\n", b"  - " + _quoted(draw(st.sampled_from(THEN_SNIPPETS))) + b"\n")
    return bytes(data)


YAMLISH = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=8).map(str.encode), max_size=60).map(b"".join)


@pytest.fixture(scope="module")
def fuzz_specs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A ``specs`` folder for the fuzzer (module-scoped: Hypothesis reruns the test body)."""
    folder = tmp_path_factory.mktemp("fuzz") / "specs"
    (folder / "area").mkdir(parents=True)
    load_spec(write_spec(folder, "area/spec.yaml", BASE), root=folder)  # imports and caches warm before any deadline
    return folder


@contextlib.contextmanager
def hang_guard(seconds: int) -> Iterator[None]:
    """Interrupt the block with TimeoutError after ``seconds`` (where signals can: the main thread)."""
    if not hasattr(signal, "SIGALRM") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: Any) -> None:
        raise TimeoutError(f"loading did not finish within {seconds} s")

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def check_loads_or_refuses(specs: Path, data: bytes) -> None:
    """Loading ``data`` gives a Spec, or a SpecError whose message is one ``path:line: key: problem``
    line pointing inside the file; any other exception fails the test."""
    path = write_spec(specs, "area/spec.yaml", data)
    with hang_guard(HANG_SECONDS):
        try:
            spec = load_spec(path, root=specs)
        except SpecError as error:
            lines = sum(data.count(brk) for brk in LINE_BREAKS) + 1
            assert error.line is not None and 1 <= error.line <= lines, (error.line, lines)
            assert error.key and error.problem
            assert str(error) == f"{error.path}:{error.line}: {error.key}: {error.problem}"
            assert "\n" not in str(error) and "\r" not in str(error)
            return
    assert isinstance(spec, Spec)


FUZZ = settings(max_examples=300, deadline=DEADLINE, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(data=st.binary(max_size=2048))
def test_fuzz_loader_with_bytes(fuzz_specs: Path, data: bytes) -> None:
    check_loads_or_refuses(fuzz_specs, data)


@FUZZ
@given(data=YAMLISH)
def test_fuzz_loader_with_yaml_fragments(fuzz_specs: Path, data: bytes) -> None:
    check_loads_or_refuses(fuzz_specs, data)


@settings(FUZZ, max_examples=500)
@given(data=mutated_files())
def test_fuzz_loader_with_mutated_real_specs(fuzz_specs: Path, data: bytes) -> None:
    check_loads_or_refuses(fuzz_specs, data)


# -- the file-system fuzzer: what a spec folder holds besides spec files ----------------------------

#: What the fuzzer puts in a spec folder: a good spec, or an odd entry (``-out``: leading outside it).
ENTRIES = ("spec", "fifo", "link-in", "link-out", "folder-link-in", "folder-link-out", "yaml-folder", "dangling", "loop",
           "loop-pair")
#: The entries loading must name as problems (whatever their name, for links to folders).
ODD_FILES = {"fifo", "link-out", "yaml-folder", "dangling", "loop", "loop-pair"}
ODD_FOLDERS = {"folder-link-in", "folder-link-out"}
ENTRY_NAMES = ("x", "y", "\x1b[2Jx", "a\nb", "_note", "tab\there")
LAYOUTS = st.lists(st.tuples(st.sampled_from(ENTRIES), st.sampled_from(ENTRY_NAMES), st.sampled_from(["area", "area/sub", "."]),
                             st.sampled_from([".yaml", ".yml", ""])), min_size=1, max_size=8)


def make_entry(specs: Path, outside: Path, where: Path, kind: str, number: int) -> None:
    """Create one entry of ``kind`` at ``where`` inside the folder ``specs``."""
    if kind == "spec":
        where.write_text(BASE.replace("area.thing.works", f"area.fuzz.s{number}"), encoding="utf-8")
    elif kind == "fifo":
        os.mkfifo(where)
    elif kind == "yaml-folder":
        where.mkdir()
    else:
        target = {"link-in": specs / "area" / "good.yaml", "link-out": outside / "good.yaml", "folder-link-in": specs / "area",
                  "folder-link-out": outside, "dangling": specs / "nowhere.yaml", "loop": where,
                  "loop-pair": where.with_name(where.name + ".pair")}[kind]
        os.symlink(target, where)
        if kind == "loop-pair":
            os.symlink(where, target)


def make_pack(base: Path, layout: list[tuple[str, str, str, str]]) -> tuple[Path, list[str]]:
    """A spec folder with one good spec and the ``layout``'s entries; the odd paths loading must name."""
    specs, outside = base / "specs", base / "outside"
    (specs / "area" / "sub").mkdir(parents=True)
    outside.mkdir()
    write_spec(specs, "area/good.yaml", BASE.replace("area.thing.works", "area.fuzz.good"))
    write_spec(outside, "good.yaml", BASE)
    odd = []
    for number, (kind, name, folder, suffix) in enumerate(layout):
        where = specs / folder / (name + suffix)
        if os.path.lexists(where) or os.path.lexists(where.with_name(where.name + ".pair")):
            continue
        make_entry(specs, outside, where, kind, number)
        named_like_a_spec = suffix and not name.startswith("_")
        if kind in ODD_FOLDERS or (kind in ODD_FILES and named_like_a_spec):
            odd.append(str(where.relative_to(specs)))
    return specs, odd


def check_folder_loads_or_refuses(specs: Path, odd: list[str]) -> None:
    """Loading ``specs`` gives specs, or SpecErrors of printable ``path[:line]: key: problem``
    lines that name every odd path; any other exception (or a hang) fails the test."""
    with hang_guard(HANG_SECONDS):
        try:
            loaded = load_specs(specs)
        except SpecErrors as errors:
            for error in errors.errors:
                assert isinstance(error, SpecError) and error.key and error.problem
                assert printable(str(error)) == str(error), str(error)
            for path in odd:
                assert any(error.path.endswith(printable(path)) for error in errors.errors), (path, str(errors))
            return
    assert not odd, f"loaded despite {odd}"
    assert all(isinstance(spec, Spec) for spec in loaded)


@settings(FUZZ, max_examples=150, deadline=timedelta(seconds=2))
@given(layout=LAYOUTS)
def test_fuzz_loader_with_odd_file_systems(fuzz_specs: Path, layout: list[tuple[str, str, str, str]]) -> None:
    with tempfile.TemporaryDirectory() as base:
        check_folder_loads_or_refuses(*make_pack(Path(base), layout))


# -- without LibYAML: PyYAML's own parser (also what reports every YAML error) -------------------

@pytest.fixture
def pure_python_yaml(monkeypatch: pytest.MonkeyPatch) -> None:
    """Read YAML as where PyYAML was built without LibYAML."""
    monkeypatch.setattr(yamldoc, "_FAST_LOADER", None)


@pytest.mark.usefixtures("pure_python_yaml")
@pytest.mark.parametrize(("text", "expected", "builds_inputs"), YAML)
def test_hostile_yaml_is_refused_the_same_without_libyaml(specs_dir: Path, text: str | bytes, expected: str,
                                                          builds_inputs: bool) -> None:
    path = write_spec(specs_dir, "area/spec.yaml", text)
    start = time.perf_counter()
    with pytest.raises(SpecError) as info:
        load_spec(path, root=specs_dir)
    assert str(info.value) == expected
    assert time.perf_counter() - start < SECONDS


@settings(FUZZ, max_examples=200)
@given(data=mutated_files() | YAMLISH)
def test_fuzz_loader_without_libyaml(fuzz_specs: Path, data: bytes) -> None:
    fast, yamldoc._FAST_LOADER = yamldoc._FAST_LOADER, None
    try:
        check_loads_or_refuses(fuzz_specs, data)
    finally:
        yamldoc._FAST_LOADER = fast
