"""Parse step-language text with :mod:`ast` and refuse anything outside the whitelist.

Everything is decided here, before any spec runs: which statements and expressions exist,
which names are bound, which attributes may be read or set, which methods may be called and
with how many arguments.  A spec can therefore never import, reach a dunder, call ``eval``,
recurse, or allocate without bound.

What only a run can know is bounded when the steps run (the interpreter's call depth, loop
iterations, powers and repetitions); what constants already show is refused here: a huge
exponent or integer, a creation call whose constant sizes ask for more than
:data:`MAX_ELEMENTS` elements, a name rebound after a function uses it (recursion through
names).
"""

from __future__ import annotations

import ast
import difflib
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from gradspec.language.vocabulary import Function, Vocabulary

MAX_SOURCE_CHARS = 20_000
MAX_STATEMENTS = 400
MAX_DEPTH = 100
MAX_EXPONENT = 64
MAX_INT = 2**63
#: Elements one creation call with constant sizes may ask for (a shape, a layer's weights).
MAX_ELEMENTS = 2**24
TOO_DEEP = f"nested too deeply (more than {MAX_DEPTH} levels)"

_BINARY_OPS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow, ast.MatMult)
_UNARY_OPS = (ast.USub, ast.UAdd, ast.Not)
_COMPARE_OPS = (ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.Is, ast.IsNot, ast.In, ast.NotIn)


class LanguageError(Exception):
    """Refused text: ``lineno`` is 1-based within the checked source."""

    def __init__(self, lineno: int, message: str) -> None:
        self.lineno = lineno
        self.message = message
        super().__init__(f"line {lineno}: {message}")


@dataclass(frozen=True)
class Program:
    """A checked sequence of statements."""

    source: str
    statements: tuple[ast.stmt, ...]
    bound: frozenset[str]

    def statements_like(self, text: str) -> list[int]:
        """The indices of the top-level statements whose code is ``text`` (layout aside)."""
        try:
            wanted = ast.unparse(_parse(text.strip(), "exec"))
        except LanguageError as error:
            problem = error.message.removeprefix("syntax error: ")
            raise LanguageError(1, f"{_excerpt(text)} is not a statement ({problem})") from None
        except RecursionError:
            raise LanguageError(1, f"{_excerpt(text)} is not a statement ({TOO_DEEP})") from None
        return [i for i, stmt in enumerate(self.statements) if ast.unparse(stmt) == wanted]


@dataclass(frozen=True)
class Expression:
    """A checked expression."""

    source: str
    node: ast.expr

    @cached_property
    def names(self) -> frozenset[str]:
        """Every name the expression reads (computed once: the operator table's specs share
        their templates' expressions)."""
        return frozenset(node.id for node in ast.walk(self.node) if isinstance(node, ast.Name))


def check_program(source: str, *, vocabulary: Vocabulary, bound: Iterable[str]) -> Program:
    """Parse and check statements; ``bound`` are the names already defined (the inputs)."""
    tree = _parse(source, "exec")
    assert isinstance(tree, ast.Module)
    checker = _Checker(vocabulary, set(bound))
    if len(tree.body) > MAX_STATEMENTS:
        raise LanguageError(1, f"too many statements ({len(tree.body)} > {MAX_STATEMENTS})")
    for statement in tree.body:
        checker.statement(statement, 0)
    return Program(source, tuple(tree.body), frozenset(checker.scopes[0]))


def check_expression(source: str, *, vocabulary: Vocabulary, bound: Iterable[str]) -> Expression:
    """Parse and check one expression over the ``bound`` names."""
    tree = _parse(source, "eval")
    assert isinstance(tree, ast.Expression)
    _Checker(vocabulary, set(bound)).expression(tree.body, 0)
    return Expression(source, tree.body)


def check_property(source: str, *, vocabulary: Vocabulary, bound: Iterable[str]) -> Expression:
    """Check a ``then`` property: one expression that observes (calls no mutating method)."""
    if not source.strip():
        raise LanguageError(1, "empty property (expected one expression that is true or false)")
    expression = check_expression(source, vocabulary=vocabulary, bound=bound)
    node = expression.node
    if isinstance(node, ast.Tuple):
        raise LanguageError(node.lineno, "a property is one expression, not a tuple (a trailing comma makes a tuple)")
    if isinstance(node, ast.GeneratorExp):
        raise LanguageError(node.lineno, "a generator is not true or false: wrap it in all(...) or any(...)")
    mutating_methods, mutating_functions = vocabulary.mutating, vocabulary.mutating_functions
    for part in ast.walk(node):
        if not isinstance(part, ast.Call):
            continue
        if isinstance(part.func, ast.Attribute) and part.func.attr in mutating_methods:
            raise LanguageError(part.lineno, f"a property only observes: move the call to .{part.func.attr}() into steps")
        if isinstance(part.func, ast.Name) and part.func.id in mutating_functions:
            raise LanguageError(part.lineno, f"a property only observes: move the call to {part.func.id}() into steps")
        if any(keyword.arg == "out" for keyword in part.keywords):  # writes its result into a tensor
            raise LanguageError(part.lineno, "a property only observes: move the call with out= into steps")
    return expression


def _parse(source: str, mode: str) -> ast.AST:
    if len(source) > MAX_SOURCE_CHARS:
        raise LanguageError(1, f"text too long ({len(source)} > {MAX_SOURCE_CHARS} characters)")
    # An expression is parsed inside parentheses: leading blank lines and indentation are
    # then allowed and line numbers stay those of the text.
    text = f"({source}\n)" if mode == "eval" else source
    try:
        with warnings.catch_warnings():  # e.g. "invalid decimal literal" for '1if': not the spec's problem
            warnings.simplefilter("ignore")
            return ast.parse(text, mode=mode)
    except SyntaxError as error:
        lines = source.count("\n") + 1
        raise LanguageError(min(error.lineno or 1, lines), f"syntax error: {error.msg}") from None
    except (RecursionError, MemoryError):  # the parser's own stack: far deeper than MAX_DEPTH
        raise LanguageError(1, TOO_DEEP) from None
    except ValueError as error:  # e.g. a lone surrogate, which cannot be encoded
        raise LanguageError(1, f"cannot parse: {error}") from None


class _Checker:
    def __init__(self, vocabulary: Vocabulary, bound: set[str]) -> None:
        self.vocabulary = vocabulary
        self.scopes: list[set[str]] = [bound]
        self.arities: list[dict[str, int]] = [{}]  # step functions bound in each scope
        self.used: list[dict[str, str]] = [{}]  # names of each scope a step function uses -> that function
        self.functions: list[tuple[str, int]] = []  # functions being checked: (name, index of their scope)
        self.function_depth = 0

    # -- scopes ---------------------------------------------------------------------------
    def _is_bound(self, name: str) -> bool:
        return any(name in scope for scope in self.scopes) or self.vocabulary.has_name(name)

    def _push(self, names: set[str]) -> None:
        self.scopes.append(names)
        self.arities.append({})
        self.used.append({})

    def _pop(self) -> None:
        self.scopes.pop()
        self.arities.pop()
        self.used.pop()

    def _note_use(self, name: str) -> None:
        """Remember that the function being checked uses ``name`` from an enclosing scope: those
        scopes may no longer rebind it (the function could otherwise end up calling itself)."""
        if not self.functions:
            return
        function, own_scope = self.functions[-1]
        found = next((index for index in reversed(range(len(self.scopes))) if name in self.scopes[index]), None)
        if found is not None and found < own_scope:
            for index in range(found, own_scope):
                self.used[index].setdefault(name, function)

    def _check_rebinding(self, name: str, lineno: int) -> None:
        function = self.used[-1].get(name)
        if function is not None:
            raise LanguageError(
                lineno, f"'{name}' cannot be rebound: {function}() uses it, and could then call itself (no recursion)"
            )

    def _arity(self, name: str) -> int | None:
        for scope, arities in zip(reversed(self.scopes), reversed(self.arities)):
            if name in scope:
                return arities.get(name)
        return None

    def _bind(self, target: ast.expr, depth: int) -> None:
        if isinstance(target, ast.Name):
            self._check_name(target)
            if self.vocabulary.has_name(target.id):
                raise LanguageError(target.lineno, f"cannot assign to the built-in name '{target.id}'")
            self._check_rebinding(target.id, target.lineno)
            self.scopes[-1].add(target.id)
            self.arities[-1].pop(target.id, None)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                if not isinstance(element, ast.Name):
                    raise LanguageError(target.lineno, "only plain names can be unpacked into")
                self._bind(element, depth)
        elif isinstance(target, ast.Attribute):
            self._check_attribute_name(target)
            if target.attr not in self.vocabulary.settable:
                settable = ", ".join(sorted(self.vocabulary.settable))
                raise LanguageError(target.lineno, f"attribute '{target.attr}' cannot be assigned (settable: {settable})")
            self.expression(target.value, depth + 1)
        elif isinstance(target, ast.Subscript):
            self.expression(target.value, depth + 1)
            self._slice(target.slice, depth + 1)
        else:
            raise LanguageError(target.lineno, f"cannot assign to {type(target).__name__}")

    @staticmethod
    def _check_name(node: ast.Name) -> None:
        if node.id.startswith("_"):
            raise LanguageError(node.lineno, f"names starting with '_' are not allowed ('{node.id}')")

    @staticmethod
    def _check_attribute_name(node: ast.Attribute) -> None:
        if node.attr.startswith("_"):
            raise LanguageError(node.lineno, f"attribute '{node.attr}' is not allowed (no private or dunder attributes)")

    # -- statements -----------------------------------------------------------------------
    def statement(self, node: ast.stmt, depth: int) -> None:
        if depth > MAX_DEPTH:
            raise LanguageError(node.lineno, TOO_DEEP)
        if isinstance(node, ast.Expr):
            self.expression(node.value, depth + 1)
        elif isinstance(node, ast.Assign):
            if len(node.targets) != 1:
                raise LanguageError(node.lineno, "chained assignment (a = b = ...) is not allowed")
            self.expression(node.value, depth + 1)
            self._bind(node.targets[0], depth + 1)
        elif isinstance(node, ast.With):
            for item in node.items:
                self.expression(item.context_expr, depth + 1)
                if item.optional_vars is not None:
                    self._bind(item.optional_vars, depth + 1)
            self._block(node.body, depth)
        elif isinstance(node, ast.For):
            if node.orelse:
                raise LanguageError(node.lineno, "for ... else is not allowed")
            self.expression(node.iter, depth + 1)
            self._bind(node.target, depth + 1)
            self._block(node.body, depth)
            # The body runs again: a name it binds before a function it defines uses that name
            # is rebound after the function exists.
            for name, lineno in _bindings(node.body):
                self._check_rebinding(name, lineno)
        elif isinstance(node, ast.If):
            self.expression(node.test, depth + 1)
            self._block(node.body, depth)
            self._block(node.orelse, depth)
        elif isinstance(node, ast.FunctionDef):
            self._function(node, depth)
        elif isinstance(node, ast.Return):
            if self.function_depth == 0:
                raise LanguageError(node.lineno, "return outside a function")
            if node.value is not None:
                self.expression(node.value, depth + 1)
        elif isinstance(node, ast.Pass):
            pass
        else:
            raise LanguageError(node.lineno, f"{_describe(node)} is not allowed in steps")

    def _block(self, body: list[ast.stmt], depth: int) -> None:
        for statement in body:
            self.statement(statement, depth + 1)

    def _function(self, node: ast.FunctionDef, depth: int) -> None:
        arguments = node.args
        if (
            arguments.vararg
            or arguments.kwarg
            or arguments.kwonlyargs
            or arguments.defaults
            or arguments.kw_defaults
            or arguments.posonlyargs
        ):
            raise LanguageError(node.lineno, "functions take plain positional parameters only")
        if node.returns is not None or any(a.annotation for a in arguments.args):
            raise LanguageError(node.lineno, "annotations are not allowed")
        if node.name.startswith("_") or self.vocabulary.has_name(node.name):
            raise LanguageError(node.lineno, f"cannot define a function named '{node.name}'")
        for decorator in node.decorator_list:
            self.expression(decorator, depth + 1)
        # The function's own name is bound only after its body, so its body cannot call it, and
        # names its body uses cannot be rebound (to it) later; the interpreter also bounds the
        # call depth (a function passed to itself, or stored in a list it reads).
        self._push({arg.arg for arg in arguments.args})
        self.functions.append((node.name, len(self.scopes) - 1))
        self.function_depth += 1
        try:
            self._block(node.body, depth)
        finally:
            self.function_depth -= 1
            self.functions.pop()
            self._pop()
        self._check_rebinding(node.name, node.lineno)
        self.scopes[-1].add(node.name)
        self.arities[-1][node.name] = len(arguments.args)

    # -- expressions ----------------------------------------------------------------------
    def expression(self, node: ast.expr, depth: int) -> None:
        if depth > MAX_DEPTH:
            raise LanguageError(getattr(node, "lineno", 1), TOO_DEEP)
        handler = getattr(self, f"_expr_{type(node).__name__}", None)
        if handler is None:
            raise LanguageError(getattr(node, "lineno", 1), f"{_describe(node)} is not allowed")
        handler(node, depth + 1)

    def _expr_Constant(self, node: ast.Constant, depth: int) -> None:
        value = node.value
        if isinstance(value, bool) or value is None or isinstance(value, (float, complex, str)):
            return
        if isinstance(value, int):
            if abs(value) > MAX_INT:
                raise LanguageError(node.lineno, f"integer constant too large ({_shown_int(abs(value))} > 2**63)")
            return
        raise LanguageError(node.lineno, f"constant {value!r} of type {type(value).__name__} is not allowed")

    def _expr_Name(self, node: ast.Name, depth: int) -> None:
        self._check_name(node)
        if not self._is_bound(node.id):
            known = set(self.vocabulary.names()).union(*self.scopes)
            close = difflib.get_close_matches(node.id, sorted(known), n=1, cutoff=0.8)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise LanguageError(node.lineno, f"undefined name '{node.id}'{hint}")
        self._note_use(node.id)

    def _expr_Attribute(self, node: ast.Attribute, depth: int) -> None:
        self._check_attribute_name(node)
        vocabulary = self.vocabulary
        if node.attr in vocabulary.methods and node.attr not in vocabulary.properties:
            raise LanguageError(node.lineno, f"'{node.attr}' is a method: call it as .{node.attr}(...)")
        if node.attr not in vocabulary.properties:
            raise LanguageError(
                node.lineno, f"attribute '{node.attr}' is not in the language (attributes: {_names(vocabulary.properties)})"
            )
        self.expression(node.value, depth)

    def _expr_Call(self, node: ast.Call, depth: int) -> None:
        for argument in node.args:
            if isinstance(argument, ast.Starred):
                raise LanguageError(node.lineno, "*arguments are not allowed")
            self.expression(argument, depth)
        for keyword in node.keywords:
            if keyword.arg is None:
                raise LanguageError(node.lineno, "**arguments are not allowed")
            self.expression(keyword.value, depth)
        func = node.func
        if isinstance(func, ast.Constant):
            raise LanguageError(node.lineno, f"{_excerpt(func.value)} is not callable")
        if isinstance(func, ast.Attribute):
            self.expression(func.value, depth)
            self._check_attribute_name(func)
            method = self.vocabulary.methods.get(func.attr)
            if method is None:
                if func.attr in self.vocabulary.properties:
                    raise LanguageError(node.lineno, f"'{func.attr}' is an attribute, not a method")
                raise LanguageError(
                    node.lineno, f"method '{func.attr}' is not in the language (methods: {_names(self.vocabulary.methods)})"
                )
            self._check_arity(method, node, f".{func.attr}()")
            return
        self.expression(func, depth)
        if not isinstance(func, ast.Name):
            return
        if any(func.id in scope for scope in self.scopes):
            arity = self._arity(func.id)
            if arity is not None and (len(node.args) != arity or node.keywords):
                raise LanguageError(
                    node.lineno,
                    f"{func.id}() takes {arity} positional argument(s) but the call gives "
                    f"{len(node.args)}{' and keywords' if node.keywords else ''}",
                )
            return
        function = self.vocabulary.functions.get(func.id)
        if function is None:
            raise LanguageError(node.lineno, f"'{func.id}' is not callable")
        self._check_arity(function, node, f"{func.id}()")
        self._check_size(function, node, f"{func.id}()")

    @staticmethod
    def _check_arity(function: Function, node: ast.Call, label: str) -> None:
        placeholders = [None] * len(node.args)
        keywords = {keyword.arg: None for keyword in node.keywords if keyword.arg}
        try:
            function.signature.bind(*placeholders, **keywords)
        except TypeError as error:
            raise LanguageError(node.lineno, f"{label}: {error} (signature: {function.name}{function.signature})") from None

    @staticmethod
    def _check_size(function: Function, node: ast.Call, label: str) -> None:
        """Refuse a creation call whose constant sizes ask for more than MAX_ELEMENTS elements
        (sizes only known when the steps run are the adapter's and the interpreter's to bound)."""
        arguments = function.signature.bind(
            *node.args, **{keyword.arg: keyword.value for keyword in node.keywords if keyword.arg}
        )
        arguments.apply_defaults()
        elements = _elements({name: _folded(value) for name, value in arguments.arguments.items()})
        if elements is not None and elements > MAX_ELEMENTS:
            count = str(int(elements)) if elements <= MAX_INT else "more than 2**63"
            raise LanguageError(node.lineno, f"{label}: asks for {count} elements (more than {MAX_ELEMENTS})")

    def _expr_BinOp(self, node: ast.BinOp, depth: int) -> None:
        if not isinstance(node.op, _BINARY_OPS):
            raise LanguageError(node.lineno, f"operator {type(node.op).__name__} is not allowed")
        self.expression(node.left, depth)
        self.expression(node.right, depth)
        if isinstance(node.op, ast.Pow):
            exponent = _constant_number(node.right)
            if exponent is not None and exponent > MAX_EXPONENT:
                raise LanguageError(node.lineno, f"exponent too large ({_code(node.right)} > {MAX_EXPONENT})")

    def _expr_UnaryOp(self, node: ast.UnaryOp, depth: int) -> None:
        if not isinstance(node.op, _UNARY_OPS):
            raise LanguageError(node.lineno, f"operator {type(node.op).__name__} is not allowed")
        self.expression(node.operand, depth)

    def _expr_BoolOp(self, node: ast.BoolOp, depth: int) -> None:
        for value in node.values:
            self.expression(value, depth)

    def _expr_Compare(self, node: ast.Compare, depth: int) -> None:
        for op in node.ops:
            if not isinstance(op, _COMPARE_OPS):
                raise LanguageError(node.lineno, f"comparison {type(op).__name__} is not allowed")
        self.expression(node.left, depth)
        for comparator in node.comparators:
            self.expression(comparator, depth)

    def _expr_IfExp(self, node: ast.IfExp, depth: int) -> None:
        for part in (node.test, node.body, node.orelse):
            self.expression(part, depth)

    def _expr_Subscript(self, node: ast.Subscript, depth: int) -> None:
        self.expression(node.value, depth)
        self._slice(node.slice, depth)

    def _slice(self, node: ast.expr, depth: int) -> None:
        if isinstance(node, ast.Slice):
            for part in (node.lower, node.upper, node.step):
                if part is not None:
                    self.expression(part, depth)
        elif isinstance(node, ast.Tuple):
            for element in node.elts:
                self._slice(element, depth)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and not _is_key(node.value):
            raise LanguageError(
                node.lineno,
                f"indexing with a string ({_excerpt(node.value)}) is not allowed "
                "(dict keys are strings not starting with '_'; lists, tuples and tensors take integers and slices)",
            )
        else:
            self.expression(node, depth)

    def _expr_List(self, node: ast.List | ast.Tuple, depth: int) -> None:
        for element in node.elts:
            if isinstance(element, ast.Starred):
                raise LanguageError(node.lineno, "*unpacking is not allowed")
            self.expression(element, depth)

    _expr_Tuple = _expr_List

    def _expr_Dict(self, node: ast.Dict, depth: int) -> None:
        """A dict literal: string keys (a constant one not starting with '_', each once)."""
        constants: set[str] = set()
        for key, value in zip(node.keys, node.values):
            if key is None:
                raise LanguageError(node.lineno, "**unpacking is not allowed")
            if isinstance(key, ast.Constant):
                if not isinstance(key.value, str) or not _is_key(key.value):
                    raise LanguageError(
                        node.lineno, f"dict key {_excerpt(key.value)} is not allowed (keys are strings not starting with '_')"
                    )
                if key.value in constants:
                    raise LanguageError(node.lineno, f"dict key {_excerpt(key.value)} is given twice")
                constants.add(key.value)
            self.expression(key, depth)
            self.expression(value, depth)

    def _expr_ListComp(self, node: ast.ListComp | ast.GeneratorExp, depth: int) -> None:
        self._push(set())
        try:
            for generator in node.generators:
                if generator.is_async:
                    raise LanguageError(node.lineno, "async comprehensions are not allowed")
                self.expression(generator.iter, depth)
                self._bind(generator.target, depth)
                for condition in generator.ifs:
                    self.expression(condition, depth)
            self.expression(node.elt, depth)
        finally:
            self._pop()

    _expr_GeneratorExp = _expr_ListComp


_CONSTANT_FOLDING = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Pow: lambda a, b: a**b if b <= MAX_EXPONENT else float("inf"),
}


def _constant_number(node: ast.expr) -> float | None:
    """The value of a constant numeric expression (an exponent), as far as it can be known
    without computing anything large; ``inf`` for a power of constants."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        inner = _constant_number(node.operand)
        return None if inner is None else (-inner if isinstance(node.op, ast.USub) else inner)
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return node.value
    if isinstance(node, ast.BinOp):
        left, right = _constant_number(node.left), _constant_number(node.right)
        if left is None or right is None:
            return None
        fold = _CONSTANT_FOLDING.get(type(node.op))
        if fold is None or abs(left) > MAX_INT or abs(right) > MAX_INT:
            return float("inf")
        try:
            return fold(left, right)
        except (ArithmeticError, ValueError):
            return None
    return None


_UNKNOWN: Any = object()


def _folded(value: Any) -> Any:
    """A call argument as a constant: a number or a tuple of numbers, else ``_UNKNOWN``;
    a default (not a node) is already a value."""
    if isinstance(value, (ast.Tuple, ast.List)):
        items = tuple(_folded(element) for element in value.elts)
        return _UNKNOWN if any(item is _UNKNOWN for item in items) else items
    if isinstance(value, ast.expr):
        number = _constant_number(value)
        return _UNKNOWN if number is None else number
    return value


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _product(numbers: Iterable[Any]) -> float | None:
    result: float = 1
    for number in numbers:
        if not _is_number(number):
            return None
        result *= number
    return result


def _elements(arguments: dict[str, Any]) -> float | None:
    """The number of elements a creation call asks for, read from its constant size arguments
    by their names (``shape``; ``max_side ** max_dims`` without a shape; a layer's
    ``in_features * out_features``, ``features`` or ``widths``); ``None`` when unknown."""
    shape = arguments.get("shape", _UNKNOWN)
    if isinstance(shape, tuple):
        return _product(shape)
    if shape is None and _is_number(arguments.get("max_side")) and _is_number(arguments.get("max_dims")):
        side, dims = arguments["max_side"], arguments["max_dims"]
        return float("inf") if dims > MAX_EXPONENT else _product([side] * max(int(dims), 0))
    if "in_features" in arguments:  # the weight and the bias
        return _layer(arguments["in_features"], arguments.get("out_features"))
    if _is_number(arguments.get("features")):
        return arguments["features"]
    widths = arguments.get("widths")
    if isinstance(widths, tuple):
        layers = [_layer(a, b) for a, b in zip(widths, widths[1:])]
        return None if None in layers else sum(layers)  # type: ignore[arg-type]
    return None


def _layer(in_features: Any, out_features: Any) -> float | None:
    """The parameters of a linear layer: ``in * out`` weights and ``out`` biases."""
    weights = _product([in_features, out_features])
    return None if weights is None else weights + out_features


def _bindings(body: list[ast.stmt]) -> Iterator[tuple[str, int]]:
    """The names statements bind in their own scope (not inside the functions they define),
    with their lines; ``x[i] = ...`` and ``x.grad = ...`` bind no name."""
    for statement in body:
        targets: list[ast.expr] = []
        if isinstance(statement, ast.Assign):
            targets = statement.targets
        elif isinstance(statement, ast.For):
            targets = [statement.target]
        elif isinstance(statement, ast.With):
            targets = [item.optional_vars for item in statement.items if item.optional_vars is not None]
        elif isinstance(statement, ast.FunctionDef):
            yield statement.name, statement.lineno
        for target in targets:
            for node in ast.walk(target):
                if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                    yield node.id, node.lineno
        if isinstance(statement, (ast.For, ast.With, ast.If)):
            yield from _bindings(statement.body)
            yield from _bindings(getattr(statement, "orelse", []))


def _shown_int(value: int) -> str:
    """An integer for a message: its digits, or its size when they would be too many."""
    return str(value) if value.bit_length() <= 256 else f"a {value.bit_length()}-bit number"


def _code(node: ast.AST, limit: int = 40) -> str:
    """The code of ``node`` for a message, shortened to ``limit`` characters."""
    try:
        text = ast.unparse(node)
    except (ValueError, RecursionError):  # an integer too long to print, a tree too deep
        return "..."
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _excerpt(value: Any, limit: int = 60) -> str:
    """``value`` quoted for a message, shortened to ``limit`` characters."""
    if isinstance(value, str) and len(value) > limit:
        value = value[:limit] + "..."
    return _code(ast.Constant(value), limit + 10)


def _is_key(text: str) -> bool:
    """Whether a string may be a dict key: not starting with '_' (no name of Python's internals)."""
    return not text.startswith("_")


def _describe(node: ast.AST) -> str:
    names = {
        "Import": "import",
        "ImportFrom": "import",
        "Lambda": "lambda",
        "While": "while",
        "Try": "try",
        "Global": "global",
        "Nonlocal": "nonlocal",
        "ClassDef": "class",
        "Delete": "del",
        "JoinedStr": "f-string",
        "NamedExpr": "':=' (walrus)",
        "Await": "await",
        "Yield": "yield",
        "AugAssign": "augmented assignment (+= ...)",
        "Raise": "raise",
        "Assert": "assert",
        "Dict": "dict literal",
        "Set": "set literal",
        "AsyncFunctionDef": "async def",
        "AsyncFor": "async for",
        "AsyncWith": "async with",
        "AnnAssign": "annotated assignment",
        "Match": "match",
        "DictComp": "dict comprehension",
        "SetComp": "set comprehension",
        "YieldFrom": "yield from",
        "Starred": "*unpacking",
        "Continue": "continue",
        "Break": "break",
    }
    return names.get(type(node).__name__, type(node).__name__)


def _names(names: Iterable[str]) -> str:
    return ", ".join(sorted(names))
