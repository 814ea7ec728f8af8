"""The step language's whitelist: what the checker refuses, with which message and line,
and what it accepts.  Checking only reads the text: nothing is ever run."""
from __future__ import annotations

import builtins
from pathlib import Path
from typing import Any

import pytest

from gradspec.errors import StepError
from gradspec.language.checker import (
    MAX_DEPTH, MAX_SOURCE_CHARS, MAX_STATEMENTS, LanguageError, Program, check_expression, check_program,
    check_property,
)
from gradspec.language.vocabulary import Registry, Vocabulary
from gradspec.language.interpreter import Frame, Interpreter, RunContext
from gradspec.language.steps import STEP_VOCABULARY

METHODS = ", ".join(sorted(STEP_VOCABULARY.methods))
ATTRIBUTES = ", ".join(sorted(STEP_VOCABULARY.properties))
SETTABLE = ", ".join(sorted(STEP_VOCABULARY.settable))
TOO_DEEP = f"nested too deeply (more than {MAX_DEPTH} levels)"
_FUNCTION_PARAMETERS = (
    "forward, backward, setup_context=<omitted>, jvp=<omitted>, once_differentiable=<omitted>, vjp=<omitted>, "
    "clear_saved_tensors_on_access=<omitted>, boxed_grads_call=<omitted>"
)


def check(text: str) -> Program:
    """Check ``text`` as steps over one input, ``x``."""
    return check_program(text, vocabulary=STEP_VOCABULARY, bound={"x"})


def refusal(text: str) -> LanguageError:
    """The error the checker refuses ``text`` with."""
    with pytest.raises(LanguageError) as info:
        check(text)
    return info.value


def refused(case_id: str, text: str, lineno: int, message: str) -> object:
    """One row of the table: step text, and the line and message it is refused with."""
    return pytest.param(text, lineno, message, id=case_id)


REFUSED = [
    # -- reaching outside the language ------------------------------------------------------
    refused("import", "import os", 1, "import is not allowed in steps"),
    refused("import-from", "from os import path", 1, "import is not allowed in steps"),
    refused("dunder-attribute", "y = x.__class__", 1,
            "attribute '__class__' is not allowed (no private or dunder attributes)"),
    refused("dunder-attribute-of-attribute", "y = x.grad.__dict__", 1,
            "attribute '__dict__' is not allowed (no private or dunder attributes)"),
    refused("dunder-method", "x.__setattr__('grad', 1)", 1,
            "attribute '__setattr__' is not allowed (no private or dunder attributes)"),
    refused("private-attribute", "y = x._version", 1,
            "attribute '_version' is not allowed (no private or dunder attributes)"),
    refused("dunder-name", "__import__('os')", 1, "names starting with '_' are not allowed ('__import__')"),
    refused("underscore-name-assigned", "_ = 1", 1, "names starting with '_' are not allowed ('_')"),
    refused("underscore-loop-name", "for _ in range(3):\n    pass", 1, "names starting with '_' are not allowed ('_')"),
    refused("eval", "eval('1')", 1, "undefined name 'eval'"),
    refused("exec", "exec('1')", 1, "undefined name 'exec'"),
    refused("open", "open('f')", 1, "undefined name 'open'"),
    refused("getattr", "getattr(x, 'grad')", 1, "undefined name 'getattr'"),
    refused("print", "print(x)", 1, "undefined name 'print'"),
    refused("method-outside-whitelist", "x.storage()", 1,
            f"method 'storage' is not in the language (methods: {METHODS})"),
    refused("attribute-outside-whitelist", "y = x.H", 1,
            f"attribute 'H' is not in the language (attributes: {ATTRIBUTES})"),
    refused("property-called-as-method", "y = x.shape()", 1, "'shape' is an attribute, not a method"),
    refused("method-without-call", "y = x.detach", 1, "'detach' is a method: call it as .detach(...)"),
    refused("method-without-call-alone", "x.backward", 1, "'backward' is a method: call it as .backward(...)"),
    refused("assign-read-only-attribute", "x.is_leaf = True", 1,
            f"attribute 'is_leaf' cannot be assigned (settable: {SETTABLE})"),
    refused("assign-unknown-attribute", "x.foo = 1", 1, f"attribute 'foo' cannot be assigned (settable: {SETTABLE})"),
    # -- statements and expressions outside the subset --------------------------------------
    refused("lambda", "f = lambda: x", 1, "lambda is not allowed"),
    refused("while", "while True:\n    pass", 1, "while is not allowed in steps"),
    refused("try", "try:\n    pass\nexcept Exception:\n    pass", 1, "try is not allowed in steps"),
    refused("class", "class A:\n    pass", 1, "class is not allowed in steps"),
    refused("del", "del x", 1, "del is not allowed in steps"),
    refused("global", "global x", 1, "global is not allowed in steps"),
    refused("global-in-function", "def f():\n    global y\n    return 1", 2, "global is not allowed in steps"),
    refused("nonlocal", "def f():\n    nonlocal y", 2, "nonlocal is not allowed in steps"),
    refused("assert", "assert x", 1, "assert is not allowed in steps"),
    refused("raise", "raise ValueError", 1, "raise is not allowed in steps"),
    refused("f-string", "y = f'{x}'", 1, "f-string is not allowed"),
    refused("walrus", "(y := 1)", 1, "':=' (walrus) is not allowed"),
    refused("augmented-assignment", "x += 1", 1, "augmented assignment (+= ...) is not allowed in steps"),
    refused("augmented-attribute", "x.grad *= 2", 1, "augmented assignment (+= ...) is not allowed in steps"),
    refused("dict-comprehension", "y = {k: 1 for k in ['a']}", 1, "dict comprehension is not allowed"),
    refused("set-literal", "y = {1}", 1, "set literal is not allowed"),
    refused("bitwise-operator", "y = x | x", 1, "operator BitOr is not allowed"),
    refused("bytes-constant", "y = b'a'", 1, "constant b'a' of type bytes is not allowed"),
    refused("for-else", "for i in range(3):\n    pass\nelse:\n    pass", 1, "for ... else is not allowed"),
    refused("chained-assignment", "a = b = x", 1, "chained assignment (a = b = ...) is not allowed"),
    refused("return-outside-function", "return x", 1, "return outside a function"),
    refused("starred-argument", "y = add(*[x, x])", 1, "*arguments are not allowed"),
    refused("double-starred-argument", "y = tensor(**{'data': 1})", 1, "**arguments are not allowed"),
    refused("starred-in-list", "y = [*x]", 1, "*unpacking is not allowed"),
    refused("starred-target", "a, *b = x", 1, "only plain names can be unpacked into"),
    refused("nested-unpacking", "(a, (b, c)) = (1, (2, 3))", 1, "only plain names can be unpacked into"),
    # -- functions --------------------------------------------------------------------------
    refused("recursion", "def f(n):\n    return f(n)", 2, "undefined name 'f'"),
    refused("mutual-recursion", "def f(n):\n    return g(n)\ndef g(n):\n    return f(n)", 2, "undefined name 'g'"),
    refused("recursion-from-inner-function", "def f(n):\n    def g(m):\n        return f(m)\n    return g(n)", 3,
            "undefined name 'f'"),
    refused("function-varargs", "def f(*a):\n    pass", 1, "functions take plain positional parameters only"),
    refused("function-defaults", "def f(a=1):\n    pass", 1, "functions take plain positional parameters only"),
    refused("function-annotation", "def f(a: int):\n    pass", 1, "annotations are not allowed"),
    refused("function-named-like-a-builtin", "def tensor():\n    pass", 1, "cannot define a function named 'tensor'"),
    refused("function-private-name", "def _f():\n    pass", 1, "cannot define a function named '_f'"),
    refused("decorator-undefined", "@print\ndef f(a):\n    return a", 1, "undefined name 'print'"),
    # -- built-in names and arity -------------------------------------------------------------
    refused("assign-builtin-function", "tensor = 1", 1, "cannot assign to the built-in name 'tensor'"),
    refused("assign-builtin-dtype", "float32 = 1", 1, "cannot assign to the built-in name 'float32'"),
    refused("assign-builtin-in-loop", "for device in [x]:\n    pass", 1, "cannot assign to the built-in name 'device'"),
    refused("assign-builtin-in-with", "with no_grad() as zeros:\n    pass", 1,
            "cannot assign to the built-in name 'zeros'"),
    refused("method-arity", "y = x.detach(1)", 1, ".detach(): too many positional arguments (signature: detach())"),
    refused("method-unknown-keyword", "x.backward(grad=1)", 1,
            ".backward(): got an unexpected keyword argument 'grad' "
            "(signature: backward(gradient=None, retain_graph=None, inputs=None, create_graph=False))"),
    refused("function-arity", "y = add(x)", 1, "add(): missing a required argument: 'b' (signature: add(a, b, *, out=None))"),
    refused("make-dual-arity", "d = make_dual(x)", 1,
            "make_dual(): missing a required argument: 'tangent' (signature: make_dual(primal, tangent))"),
    refused("checkpoint-unknown-keyword", "def f(v):\n    return v\ny = checkpoint(f, x, preserve_rng_state=False)", 3,
            "checkpoint(): got an unexpected keyword argument 'preserve_rng_state' "
            "(signature: checkpoint(function, *args, use_reentrant=<omitted>, determinism_check=<omitted>))"),
    refused("custom-function-unknown-keyword", "def f(ctx, v):\n    return v\nF = custom_function(f, f, generate_vmap_rule=True)", 3,
            "custom_function(): got an unexpected keyword argument 'generate_vmap_rule' (signature: "
            f"custom_function({_FUNCTION_PARAMETERS}))"),
    refused("custom-function-arity", "def f(ctx, v):\n    return v\nF = custom_function(f)", 3,
            f"custom_function(): missing a required argument: 'backward' (signature: custom_function({_FUNCTION_PARAMETERS}))"),
    refused("gradcheck-unknown-keyword", "def f(v):\n    return v\nok = gradcheck(f, x, eps=0.1)", 3,
            "gradcheck(): got an unexpected keyword argument 'eps' "
            "(signature: gradcheck(function, inputs, raise_exception=<omitted>, fast_mode=<omitted>))"),
    refused("saved-tensors-hooks-arity", "def f(v):\n    return v\nwith saved_tensors_hooks(f):\n    pass", 3,
            "saved_tensors_hooks(): missing a required argument: 'unpack' (signature: saved_tensors_hooks(pack, unpack))"),
    refused("set-member-arity", "m = module()\nset_member(m, 'weight')", 2,
            "set_member(): missing a required argument: 'value' (signature: set_member(module, name, value))"),
    refused("load-state-dict-unknown-keyword", "m = module()\nload_state_dict(m, [], partial=True)", 2,
            "load_state_dict(): got an unexpected keyword argument 'partial' "
            "(signature: load_state_dict(module, state, strict=<omitted>, assign=<omitted>))"),
    refused("set-detect-anomaly-arity", "with set_detect_anomaly():\n    pass", 1,
            "set_detect_anomaly(): missing a required argument: 'mode' (signature: set_detect_anomaly(mode))"),
    refused("autograd-backward-unknown-keyword", "autograd_backward(x, gradient=x)", 1,
            "autograd_backward(): got an unexpected keyword argument 'gradient' "
            "(signature: autograd_backward(tensors, grad_tensors=None))"),
    refused("functional-unknown-keyword", "def f(v):\n    return v\nj = functional_jacobian(f, x, strategies=1)", 3,
            "functional_jacobian(): got an unexpected keyword argument 'strategies' (signature: functional_jacobian(function, "
            "inputs, create_graph=False, strict=False, vectorize=False, strategy='reverse-mode'))"),
    refused("not-callable-constant", "y = float32(1)", 1, "'float32' is not callable"),
    # -- bounds -------------------------------------------------------------------------------
    refused("huge-exponent", "y = 2 ** 100000", 1, "exponent too large (100000 > 64)"),
    refused("exponent-just-over", "y = x ** 65", 1, "exponent too large (65 > 64)"),
    refused("computed-exponent", "y = x ** (2 * 40)", 1, "exponent too large (2 * 40 > 64)"),
    refused("power-of-constants-exponent", "y = x ** (2 ** 7)", 1, "exponent too large (2 ** 7 > 64)"),
    refused("huge-int-constant", "y = 99999999999999999999", 1,
            "integer constant too large (99999999999999999999 > 2**63)"),
    refused("deep-list", "y = " + "[" * 120 + "]" * 120, 1, TOO_DEEP),
    refused("deep-unary-minus", "y = " + "-" * 120 + "1", 1, TOO_DEEP),
    refused("deep-calls", "y = " + "neg(" * 120 + "x" + ")" * 120, 1, TOO_DEEP),
    refused("too-many-parentheses", "y = " + "(" * 250 + "1" + ")" * 250, 1,
            "syntax error: too many nested parentheses"),
    refused("too-many-statements", "y = 1\n" * (MAX_STATEMENTS + 1), 1,
            f"too many statements ({MAX_STATEMENTS + 1} > {MAX_STATEMENTS})"),
    refused("text-too-long", "y = 1" + " " * MAX_SOURCE_CHARS, 1,
            f"text too long ({MAX_SOURCE_CHARS + 5} > {MAX_SOURCE_CHARS} characters)"),
    # -- line numbers -------------------------------------------------------------------------
    refused("syntax-error", "y = x\nz = (", 2, "syntax error: '(' was never closed"),
    refused("undefined-after-blank-lines", "y = 1\n\n\ny = z", 4, "undefined name 'z'"),
    refused("undefined-inside-with", "with no_grad():\n    y = 1\n    z = w", 3, "undefined name 'w'"),
    refused("undefined-in-continued-line", "y = (1 +\n     2 +\n     q)", 3, "undefined name 'q'"),
    refused("name-bound-only-inside-comprehension", "y = [t for t in [x]]\nz = t", 2, "undefined name 't'"),
    refused("parameter-bound-only-inside-function", "def f(a):\n    return a\nz = a", 3, "undefined name 'a'"),
]


@pytest.mark.parametrize(("text", "lineno", "message"), REFUSED)
def test_refused(text: str, lineno: int, message: str) -> None:
    error = refusal(text)
    assert (error.lineno, error.message) == (lineno, message)
    assert str(error) == f"line {lineno}: {message}"


ACCEPTED = {
    "with": "with no_grad():\n    y = x * 2",
    "with-as": "with no_grad() as mode:\n    y = x * 2",
    "nested-with": "with no_grad():\n    with enable_grad():\n        y = x * 2\nz = y.requires_grad",
    "with-several-items": "with no_grad(), enable_grad():\n    y = x * 2",
    "with-set-grad-enabled": "with set_grad_enabled(False):\n    y = x * 2\nwith inference_mode():\n    z = x + 1",
    "for-with-attribute-assignment": "for t in [x, x]:\n    t.requires_grad = True\n    t.grad = None",
    "for-over-range-and-zip": "for i, t in zip(range(2), [x, x]):\n    t.data = t * i",
    "decorator-called": "@no_grad()\ndef double(a):\n    return a * 2\ny = double(x)",
    "decorator-bare": "@no_grad\ndef double(a):\n    return a * 2\ny = double(x)",
    "function-calls-earlier-function": "def f(a):\n    return a + 1\ndef g(a):\n    return f(a) * 2\ny = g(x)",
    "function-without-return-value": "def f(a):\n    a.grad = None\n    return\nf(x)",
    "list-comprehension": "ys = [t * 2 for t in [x, x] if t.requires_grad]",
    "nested-comprehension": "ys = [a + b for a in [x] for b in [x, x]]",
    "generator-in-call": "ok = all(t.is_leaf for t in [x, x])",
    "tuple-unpacking": "a, b = x, x * 2",
    "list-unpacking": "[a, b] = [x, x]",
    "unpacking-in-for": "for a, b in [(x, x)]:\n    c = a + b",
    "subscripts-and-slices": "y = x[0]\nz = x[1:, ::2]\nw = x[0, 1:3]\nv = x.shape[-1]\nx[0] = 1.0",
    "keyword-arguments": ("y = tensor([1.0, 2.0], dtype=float32, requires_grad=True)\n"
                          "z = zeros((2, 3), requires_grad=False)\n"
                          "y.backward(gradient=ones_like(y), retain_graph=True)"),
    "model-and-optimizer": ("model = mlp([2, 3, 1])\nopt = sgd(model.parameters(), lr=0.1)\n"
                            "loss = sum(model(x))\nloss.backward()\nopt.step()\nopt.zero_grad()"),
    "operators": "y = -x ** 2 @ x / 3 - x // 2 % 5\nz = not (1 < 2 <= 3) or x is None and x is not None",
    "conditional-expression": "y = x if x.requires_grad else x.detach()",
    "membership": "y = 2 in [1, 2] and 3 not in (1, 2)",
    "constants": "y = [None, True, 1.5, 'text', -3, 2 ** 64, 2 ** -64, 9223372036854775807]",
    "small-exponents": "y = x ** (1 + 1)\nz = x ** (8 * 8)\nw = x ** -(2)\nv = 2 ** -100",
    "device-constant": "y = x.to(device)\nz = y.cpu()",
    "pass-and-comments": "# nothing to do\npass",
    "redundant-parentheses": "y = " + "(" * 60 + "x" + ")" * 60,
    "just-under-the-depth-limit": "y = " + "[" * 30 + "]" * 30,
}


@pytest.mark.parametrize("text", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_accepted(text: str) -> None:
    program = check(text)
    assert program.source == text
    assert "x" in program.bound


def test_program_binds_top_level_names_only() -> None:
    """Names assigned at the top level are bound; loop, parameter and comprehension names
    of inner scopes are not."""
    program = check(
        "a, b = x, x\n"
        "for c in [a]:\n    d = c\n"
        "def f(p):\n    q = p\n    return q\n"
        "e = [r for r in [b]]\n"
        "with no_grad() as g:\n    h = 1\n"
    )
    assert program.bound == {"x", "a", "b", "c", "d", "f", "e", "g", "h"}
    assert [statement.lineno for statement in program.statements] == [1, 2, 4, 7, 8]


def test_statements_like_ignores_layout() -> None:
    """``raises.at`` finds its step by code, whatever the spacing."""
    program = check("y = x * 2\nloss = sum(y)\nloss.backward()\nloss.backward()")
    assert program.statements_like("loss.backward( )") == [2, 3]
    assert program.statements_like("y=x*2") == [0]
    assert program.statements_like("y = x * 3") == []


# -- then-style expressions ----------------------------------------------------------------

def expression_refusal(text: str) -> LanguageError:
    with pytest.raises(LanguageError) as info:
        check_expression(text, vocabulary=STEP_VOCABULARY, bound={"x"})
    return info.value


@pytest.mark.parametrize("text", [
    "x.grad is None",
    "  x.requires_grad == False  \n",
    "allclose(x.grad, 2 * x)",
    "all([t.is_leaf for t in [x, x]])",
    "x.shape == (2, 3) and x.grad.shape[0] == 1",
    "type_name(x.item()) == 'float'",
    "identical(x.tolist(), [1.0, 2.0])",
    "(x.grad is None\n or x.is_leaf)",
])
def test_expression_accepted(text: str) -> None:
    expression = check_expression(text, vocabulary=STEP_VOCABULARY, bound={"x"})
    assert expression.source == text


@pytest.mark.parametrize(("text", "lineno", "message"), [
    pytest.param("y.grad is None", 1, "undefined name 'y'", id="undefined-name"),
    pytest.param("(x.is_leaf and\n y.is_leaf)", 2, "undefined name 'y'", id="undefined-name-line-2"),
    pytest.param("import os", 1, "syntax error: invalid syntax", id="statement"),
    pytest.param("x.grad\nx.grad", 1, "syntax error: invalid syntax. Perhaps you forgot a comma?",
                 id="two-expressions"),
    pytest.param("x.grad = None", 1,
                 "syntax error: cannot assign to attribute here. Maybe you meant '==' instead of '='?", id="assignment"),
    pytest.param("\n\ny.grad", 3, "undefined name 'y'", id="undefined-name-after-blank-lines"),
    pytest.param("(x.grad", 1, "syntax error: '(' was never closed", id="unclosed"),
    pytest.param("lambda: x", 1, "lambda is not allowed", id="lambda"),
    pytest.param("x.__dict__", 1, "attribute '__dict__' is not allowed (no private or dunder attributes)", id="dunder"),
    pytest.param("(y := 1)", 1, "':=' (walrus) is not allowed", id="walrus"),
    pytest.param("print('hi')", 1, "undefined name 'print'", id="print"),
    pytest.param("x.grad.H", 1, f"attribute 'H' is not in the language (attributes: {ATTRIBUTES})", id="attribute"),
    pytest.param("x ** 1000", 1, "exponent too large (1000 > 64)", id="exponent"),
])
def test_expression_refused(text: str, lineno: int, message: str) -> None:
    error = expression_refusal(text)
    assert (error.lineno, error.message) == (lineno, message)


# -- checking never runs anything ----------------------------------------------------------

def test_checking_does_not_call_functions() -> None:
    """A vocabulary function is only looked up by the checker, never called."""
    calls: list[Any] = []
    functions = Registry()
    functions.add("boom", lambda ctx: calls.append("boom"))
    vocabulary = Vocabulary(functions=functions)
    check_program("boom()\ny = [boom() for i in [1, 2]]", vocabulary=vocabulary, bound=())
    check_expression("boom()", vocabulary=vocabulary, bound=())
    assert calls == []


def test_refused_text_has_no_side_effects(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    """Text that would print, write a file or import is refused without doing any of it."""
    monkeypatch.chdir(tmp_path)
    real_import = builtins.__import__
    imported: list[str] = []

    def spy_import(name: str, *args: Any, **kwargs: Any) -> Any:
        imported.append(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", spy_import)
    for text in ("print('side effect')", "open('written', 'w').write('x')", "import antigravity",
                 "y = 1\nprint('late side effect')", "__import__('antigravity')"):
        with pytest.raises(LanguageError):
            check(text)
    monkeypatch.undo()
    assert capsys.readouterr() == ("", "")
    assert list(tmp_path.iterdir()) == []
    assert "antigravity" not in imported


# -- recursion the checker cannot see is stopped when the steps run ---------------------------

class _NoBackend:
    """An adapter stand-in for running plain-Python steps."""

    @staticmethod
    def is_tensor(value: Any) -> bool:
        return False


def run_steps(text: str) -> None:
    """Check and run ``text`` with no backend, as a spec's steps would run."""
    program = check(text)
    interpreter = Interpreter(RunContext(adapter=_NoBackend(), device="cpu"), STEP_VOCABULARY)
    frame = Frame({"x": 1})
    for statement in program.statements:
        interpreter.execute(statement, frame)


def test_recursion_through_redefinition_is_refused() -> None:
    """A redefined function would see its new self: refused before anything runs."""
    error = refusal("def f(a):\n    return a\ndef f(a):\n    return f(a)\ny = f(1)")
    assert (error.lineno, error.message) == (3, "'f' cannot be rebound: f() uses it, and could then call itself (no recursion)")


def test_recursion_through_self_application_stops() -> None:
    with pytest.raises(StepError, match="recursion is not allowed"):
        run_steps("def f(g, n):\n    return g(g, n)\ny = f(f, 1)")


def test_functions_may_call_each_other() -> None:
    run_steps("def f(a):\n    return a + 1\ndef g(a):\n    return f(f(a))\ny = g(g(1))")


# -- known problems: what these give today is wrong (see the notes) ----------------------------

def test_small_power_exponent_is_accepted() -> None:
    check("y = x ** (2 ** 3)")


def test_unmatched_parenthesis_line() -> None:
    assert expression_refusal("x.grad)").lineno == 1


PROPERTY_REFUSALS = {
    "blank": ("   ", "empty property (expected one expression that is true or false)"),
    "tuple": ("x.is_leaf, x.requires_grad", "a property is one expression, not a tuple (a trailing comma makes a tuple)"),
    "trailing-comma": ("x.is_leaf,", "a property is one expression, not a tuple (a trailing comma makes a tuple)"),
    "bare-generator": ("t.is_leaf for t in [x]", "a generator is not true or false: wrap it in all(...) or any(...)"),
    "mutating-call": ("x.zero_().is_leaf", "a property only observes: move the call to .zero_() into steps"),
    "backward-in-then": ("x.backward() is None", "a property only observes: move the call to .backward() into steps"),
    "mutating-function": (
        "autograd_backward([x]) is None",
        "a property only observes: move the call to autograd_backward() into steps",
    ),
    "mutating-function-nested": (
        "len([increment_version(x)]) == 1",
        "a property only observes: move the call to increment_version() into steps",
    ),
}


@pytest.mark.parametrize("text, message", PROPERTY_REFUSALS.values(), ids=PROPERTY_REFUSALS.keys())
def test_a_then_property_must_be_one_observing_expression(text: str, message: str) -> None:
    with pytest.raises(LanguageError) as refused:
        check_property(text, vocabulary=STEP_VOCABULARY, bound={"x"})
    assert refused.value.message == message


def test_a_then_property_may_read_and_compare() -> None:
    check_property("all(p.grad is None for p in [x]) and equal(x.detach(), x)", vocabulary=STEP_VOCABULARY, bound={"x"})


# -- growth and calls bounded at run time or refused at load time ------------------------------

@pytest.mark.parametrize("text", [
    "y = ((((2 ** 64) ** 64) ** 64) ** 64) ** 64",
    "y = [[0 for i in range(10000)] for j in range(10000)]",
    "y = [0] * 100000",
], ids=["chained-powers", "nested-comprehension", "repetition"])
def test_unbounded_growth_stops_at_run_time(text: str) -> None:
    with pytest.raises(StepError):
        run_steps(text)


def test_a_step_function_call_is_checked_against_its_parameters() -> None:
    assert refusal("def f():\n    return 1\ny = f(1)").message == "f() takes 0 positional argument(s) but the call gives 1"
    assert refusal("def f(a):\n    return a\ny = f(a=1)").message == "f() takes 1 positional argument(s) but the call gives 0 and keywords"


def test_rebinding_a_function_name_drops_its_signature() -> None:
    check("def f():\n    return 1\nf = neg\ny = f(x)")
