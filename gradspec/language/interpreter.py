"""Run checked step-language programs.  Every tensor operation goes to the adapter."""

from __future__ import annotations

import ast
import contextlib
import operator
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from types import GeneratorType
from typing import Any

import numpy as np

from gradspec.adapters.protocol import Adapter
from gradspec.errors import NoneValue, StepError
from gradspec.language.checker import MAX_ELEMENTS, MAX_EXPONENT, Expression
from gradspec.language.operations import BY_OPERATOR
from gradspec.language.vocabulary import ContextValue, Function, Vocabulary
from gradspec.state import ExampleScope

#: Items a list, tuple or string built by ``+`` or ``*`` may have.
MAX_SEQUENCE_ITEMS = 10_000
#: Elements all the tensors one example's operations return may have together (each one is
#: also bounded by the checker's ``MAX_ELEMENTS``); counted on what the library returns.
MAX_EXAMPLE_ELEMENTS = 2**26
#: Loop iterations (``for`` and comprehensions) one example may run in all.
MAX_ITERATIONS = 100_000
#: The largest Python integer a power may produce, in bits.
MAX_POWER_BITS = 4096
#: Step functions may call each other, but never more than this deep (no recursion).
MAX_CALL_DEPTH = 20

_PYTHON_OPERATORS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
    ast.MatMult: operator.matmul,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Is: operator.is_,
    ast.IsNot: operator.is_not,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
}
_ITERABLES = (list, tuple, range, zip, GeneratorType, dict)
#: Expressions whose tensor values are new results of the library, whose size is accounted.
_PRODUCING = (ast.Call, ast.BinOp, ast.UnaryOp, ast.Subscript)


@dataclass
class RunContext:
    """What a run is about: the adapter under test and the concrete device name."""

    adapter: Adapter
    device: str
    #: ``allclose`` tolerances by dtype name for this run: the spec's, then the adapter's overrides.
    tolerances: dict[str, tuple[float, float]] = field(default_factory=dict)
    #: What this example starts that must end with it (contexts, threads).
    scope: ExampleScope = field(default_factory=ExampleScope)


class Frame:
    """Variables of one scope, looked up through the enclosing scopes."""

    def __init__(self, values: dict[str, Any] | None = None, parent: Frame | None = None) -> None:
        self.values = values if values is not None else {}
        self.parent = parent

    def lookup(self, name: str) -> Any:
        frame: Frame | None = self
        while frame is not None:
            if name in frame.values:
                return frame.values[name]
            frame = frame.parent
        raise KeyError(name)


class _Return(Exception):
    def __init__(self, value: Any) -> None:
        self.value = value


class UserFunction:
    """A function defined in steps; a plain Python callable so libraries can decorate it."""

    def __init__(self, interpreter: Interpreter, node: ast.FunctionDef, frame: Frame) -> None:
        self._interpreter = interpreter
        self._node = node
        self._frame = frame
        self.__name__ = node.name
        self.__qualname__ = node.name
        self.__doc__ = None

    def __call__(self, *args: Any) -> Any:
        parameters = [arg.arg for arg in self._node.args.args]
        if len(args) != len(parameters):
            raise StepError(f"{self._node.name}() takes {len(parameters)} argument(s) but got {len(args)}")
        frame = Frame(dict(zip(parameters, args)), self._frame)
        interpreter = self._interpreter
        # One count for every thread of the example (run_in_threads): a function recursing
        # through threads is bounded too; the lock keeps concurrent counts exact.
        with interpreter.depth_lock:
            if interpreter.call_depth >= MAX_CALL_DEPTH:
                raise StepError(f"calls nested more than {MAX_CALL_DEPTH} deep in {self._node.name}(): recursion is not allowed")
            interpreter.call_depth += 1
        try:
            for statement in self._node.body:
                interpreter.execute(statement, frame)
        except _Return as returned:
            return returned.value
        finally:
            with interpreter.depth_lock:
                interpreter.call_depth -= 1
        return None

    def __repr__(self) -> str:
        return f"<function {self._node.name}>"


class Decorated:
    """The result of applying a decorator to a step function (e.g. ``@no_grad()``)."""

    def __init__(self, wrapped: Callable[..., Any], name: str) -> None:
        self._wrapped = wrapped
        self.__name__ = name

    def __call__(self, *args: Any) -> Any:
        return self._wrapped(*args)

    def __repr__(self) -> str:
        return f"<decorated function {self.__name__}>"


class Interpreter:
    """Executes statements and evaluates expressions against one run context."""

    def __init__(self, context: RunContext, vocabulary: Vocabulary) -> None:
        self.context = context
        self.adapter = context.adapter
        self.vocabulary = vocabulary
        self.call_depth = 0
        self.depth_lock = threading.Lock()
        self.iterations = 0
        self.elements = 0

    # -- statements -----------------------------------------------------------------------
    def execute(self, node: ast.stmt, frame: Frame) -> None:
        """Run one checked statement in ``frame``."""
        if isinstance(node, ast.Expr):
            self.evaluate(node.value, frame)
        elif isinstance(node, ast.Assign):
            self._assign(node.targets[0], self.evaluate(node.value, frame), frame)
        elif isinstance(node, ast.With):
            with contextlib.ExitStack() as stack:
                for item in node.items:
                    entered = stack.enter_context(self.evaluate(item.context_expr, frame))
                    if item.optional_vars is not None:
                        self._assign(item.optional_vars, entered, frame)
                for statement in node.body:
                    self.execute(statement, frame)
        elif isinstance(node, ast.For):
            for item in self._iterable(self.evaluate(node.iter, frame)):
                self._assign(node.target, item, frame)
                for statement in node.body:
                    self.execute(statement, frame)
        elif isinstance(node, ast.If):
            for statement in node.body if self.truth(self.evaluate(node.test, frame)) else node.orelse:
                self.execute(statement, frame)
        elif isinstance(node, ast.FunctionDef):
            function: Any = UserFunction(self, node, frame)
            for decorator in reversed(node.decorator_list):
                decorated = self.call(self.evaluate(decorator, frame), [function], {})
                if not callable(decorated):
                    raise StepError(f"decorating {node.name} gave {decorated!r}, which is not callable")
                function = decorated if isinstance(decorated, UserFunction) else Decorated(decorated, node.name)
            frame.values[node.name] = function
        elif isinstance(node, ast.Return):
            raise _Return(None if node.value is None else self.evaluate(node.value, frame))
        elif isinstance(node, ast.Pass):
            pass
        else:  # pragma: no cover - the checker refuses every other statement
            raise StepError(f"unsupported statement {type(node).__name__}")

    def _assign(self, target: ast.expr, value: Any, frame: Frame) -> None:
        if isinstance(target, ast.Name):
            frame.values[target.id] = value
        elif isinstance(target, (ast.Tuple, ast.List)):
            items = list(self._iterable(value))
            if len(items) != len(target.elts):
                raise StepError(f"cannot unpack {len(items)} value(s) into {len(target.elts)} name(s)")
            for element, item in zip(target.elts, items):
                self._assign(element, item, frame)
        elif isinstance(target, ast.Attribute):
            write = self.vocabulary.properties[target.attr].write
            assert write is not None  # the checker allows settable attributes only
            write(self.context, self.evaluate(target.value, frame), value)
        elif isinstance(target, ast.Subscript):
            container = self.evaluate(target.value, frame)
            index = self._index(target.slice, frame)
            if isinstance(container, dict):
                container[dict_key(index)] = value
                return
            _no_string_index(container, index)
            if isinstance(container, (list, np.ndarray)):
                container[index] = value
            else:
                self.adapter.setitem(container, index, value)

    def _iterable(self, value: Any) -> Any:
        if not isinstance(value, _ITERABLES):
            raise StepError(f"cannot iterate over {type(value).__name__} (lists, tuples, dicts, range() and zip() only)")
        return self._counted(value)

    def _counted(self, items: Any) -> Any:
        for item in items:
            self.iterations += 1
            if self.iterations > MAX_ITERATIONS:
                raise StepError(f"more than {MAX_ITERATIONS} loop iterations in one example")
            yield item

    # -- expressions ----------------------------------------------------------------------
    def evaluate(self, node: ast.expr, frame: Frame) -> Any:
        """The value of one checked expression in ``frame``."""
        value = getattr(self, f"_eval_{type(node).__name__}")(node, frame)
        if isinstance(node, _PRODUCING) and self.adapter.is_tensor(value):
            self._account(value)
        return value

    def _account(self, tensor: Any) -> None:
        """Bound the size of a tensor an operation returned, and of all of them together."""
        count = self.adapter.numel(tensor)
        if count > MAX_ELEMENTS:
            raise StepError(f"an operation returned a tensor of {count} elements (more than {MAX_ELEMENTS})")
        self.elements += count
        if self.elements > MAX_EXAMPLE_ELEMENTS:
            raise StepError(f"the example's operations returned more than {MAX_EXAMPLE_ELEMENTS} tensor elements in all")

    def evaluate_expression(self, expression: Expression, frame: Frame) -> Any:
        return self.evaluate(expression.node, frame)

    def call(self, function: Any, args: list[Any], kwargs: dict[str, Any]) -> Any:
        """Call a language value: a known function, a step function, or a library object."""
        if isinstance(function, Function):
            _check_call_shape(function, len(args), tuple(kwargs))
            return function.impl(self.context, *args, **kwargs)
        if isinstance(function, (UserFunction, Decorated)):
            if kwargs:
                raise StepError(f"{function!r} takes positional arguments only")
            return function(*args)
        return self.adapter.call(function, *args, **kwargs)

    def truth(self, value: Any) -> bool:
        """Python truthiness, refused for tensors and arrays (whose truth is ambiguous)."""
        if isinstance(value, np.ndarray) or self.adapter.is_tensor(value):
            raise StepError("the truth value of a tensor or array is ambiguous: use all(), any(), equal() or allclose()")
        return bool(value)

    def _eval_Constant(self, node: ast.Constant, frame: Frame) -> Any:
        return node.value

    def _eval_Name(self, node: ast.Name, frame: Frame) -> Any:
        try:
            return frame.lookup(node.id)
        except KeyError:
            pass
        if node.id in self.vocabulary.constants:
            value = self.vocabulary.constants[node.id].value
            return value.resolve(self.context) if isinstance(value, ContextValue) else value
        if node.id in self.vocabulary.functions:
            return self.vocabulary.functions[node.id]
        raise StepError(f"name '{node.id}' is not bound at this point")

    def _eval_Attribute(self, node: ast.Attribute, frame: Frame) -> Any:
        return self.vocabulary.properties[node.attr].read(self.context, self._not_none(node.value, node.attr, frame))

    def _not_none(self, node: ast.expr, attribute: str, frame: Frame) -> Any:
        value = self.evaluate(node, frame)
        if value is None:
            raise NoneValue(f"{ast.unparse(node)} is None, which has no .{attribute}")
        return value

    def _eval_Call(self, node: ast.Call, frame: Frame) -> Any:
        args = [self.evaluate(argument, frame) for argument in node.args]
        kwargs = {str(keyword.arg): self.evaluate(keyword.value, frame) for keyword in node.keywords}  # the checker refuses **
        if isinstance(node.func, ast.Attribute):
            receiver = self._not_none(node.func.value, f"{node.func.attr}()", frame)
            return self.vocabulary.methods[node.func.attr].impl(self.context, receiver, *args, **kwargs)
        return self.call(self.evaluate(node.func, frame), args, kwargs)

    def _eval_BinOp(self, node: ast.BinOp, frame: Frame) -> Any:
        left, right = self.evaluate(node.left, frame), self.evaluate(node.right, frame)
        for side, value in ((node.left, left), (node.right, right)):
            if value is None:
                raise NoneValue(f"{ast.unparse(side)} is None, an operand of `{ast.unparse(node)}`")
        return self.binary(type(node.op), left, right)

    def binary(self, op: type, left: Any, right: Any) -> Any:
        """Apply a binary or comparison operator: on the backend when a tensor is involved."""
        left_tensor, right_tensor = self.adapter.is_tensor(left), self.adapter.is_tensor(right)
        if left_tensor or right_tensor:
            if isinstance(left, np.ndarray) or isinstance(right, np.ndarray):
                raise StepError("cannot mix a NumPy array and a tensor in one operation: use tensor(array)")
            if op in BY_OPERATOR:
                return self.adapter.binary(BY_OPERATOR[op], left, right)
        return _python_binary(op, left, right)

    def _eval_UnaryOp(self, node: ast.UnaryOp, frame: Frame) -> Any:
        operand = self.evaluate(node.operand, frame)
        if isinstance(node.op, ast.Not):
            return not self.truth(operand)
        if isinstance(node.op, ast.UAdd):
            return operand
        return self.adapter.unary("neg", operand) if self.adapter.is_tensor(operand) else -operand

    def _eval_BoolOp(self, node: ast.BoolOp, frame: Frame) -> Any:
        is_and = isinstance(node.op, ast.And)
        value: Any = None
        for part in node.values:
            value = self.evaluate(part, frame)
            if self.truth(value) != is_and:
                return value
        return value

    def _eval_Compare(self, node: ast.Compare, frame: Frame) -> Any:
        left = self.evaluate(node.left, frame)
        result: Any = True
        for op, comparator in zip(node.ops, node.comparators):
            right = self.evaluate(comparator, frame)
            result = self.binary(type(op), left, right)
            if len(node.ops) > 1 and not self.truth(result):
                return False
            left = right
        return result

    def _eval_IfExp(self, node: ast.IfExp, frame: Frame) -> Any:
        branch = node.body if self.truth(self.evaluate(node.test, frame)) else node.orelse
        return self.evaluate(branch, frame)

    def _eval_Subscript(self, node: ast.Subscript, frame: Frame) -> Any:
        container = self.evaluate(node.value, frame)
        index = self._index(node.slice, frame)
        if isinstance(container, dict):
            key = dict_key(index)
            if key not in container:
                raise StepError(f"no key {key!r} in the dict (keys: {', '.join(map(repr, container))})")
            return container[key]
        _no_string_index(container, index)
        if isinstance(container, (list, tuple, np.ndarray, str)):
            try:
                return container[index]
            except (IndexError, TypeError) as error:
                raise StepError(f"indexing {type(container).__name__}: {error}") from None
        return self.adapter.getitem(container, index)

    def _index(self, node: ast.expr, frame: Frame) -> Any:
        if isinstance(node, ast.Slice):
            parts = (node.lower, node.upper, node.step)
            return slice(*(None if part is None else self.evaluate(part, frame) for part in parts))
        if isinstance(node, ast.Tuple):
            return tuple(self._index(element, frame) for element in node.elts)
        return self.evaluate(node, frame)

    def _eval_List(self, node: ast.List, frame: Frame) -> list[Any]:
        return [self.evaluate(element, frame) for element in node.elts]

    def _eval_Tuple(self, node: ast.Tuple, frame: Frame) -> tuple[Any, ...]:
        return tuple(self.evaluate(element, frame) for element in node.elts)

    def _eval_Dict(self, node: ast.Dict, frame: Frame) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in zip(node.keys, node.values):
            assert key is not None  # the checker refuses **unpacking
            result[dict_key(self.evaluate(key, frame))] = self.evaluate(value, frame)
        return result

    def _eval_ListComp(self, node: ast.ListComp | ast.GeneratorExp, frame: Frame) -> list[Any]:
        results: list[Any] = []
        self._comprehend(node, list(node.generators), Frame({}, frame), results)
        return results

    _eval_GeneratorExp = _eval_ListComp

    def _comprehend(self, node: Any, generators: list[ast.comprehension], frame: Frame, out: list[Any]) -> None:
        if not generators:
            out.append(self.evaluate(node.elt, frame))
            return
        first, rest = generators[0], generators[1:]
        for item in self._iterable(self.evaluate(first.iter, frame)):
            self._assign(first.target, item, frame)
            if all(self.truth(self.evaluate(condition, frame)) for condition in first.ifs):
                self._comprehend(node, rest, frame, out)


def dict_key(key: Any) -> str:
    """A dict key of the language: a string not starting with '_'."""
    if not isinstance(key, str) or key.startswith("_"):
        raise StepError(f"dict keys are strings not starting with '_', not {key!r}")
    return key


def _no_string_index(container: Any, index: Any) -> None:
    """Refuse a string index of anything but a dict (it would reach the library as a name)."""
    parts = index if isinstance(index, tuple) else (index,)
    if any(isinstance(part, str) for part in parts):
        raise StepError(f"only dicts take string keys, not {type(container).__name__}")


@lru_cache(maxsize=4096)
def _check_call_shape(function: Function, positional: int, keywords: tuple[str, ...]) -> None:
    """Refuse a call whose arguments do not fit the function (checked once per call shape)."""
    try:
        function.signature.bind(*([None] * positional), **dict.fromkeys(keywords))
    except TypeError as error:
        raise StepError(f"{function.name}(): {error}") from None


def _python_binary(op: type, left: Any, right: Any) -> Any:
    _check_python_size(op, left, right)
    try:
        return _PYTHON_OPERATORS[op](left, right)
    except (TypeError, ZeroDivisionError, OverflowError, ValueError) as error:
        raise StepError(f"{type(error).__name__}: {error}") from None


def _check_python_size(op: type, left: Any, right: Any) -> None:
    """Refuse Python arithmetic whose result would be too large to build: long sequences,
    huge powers and integers, and ``%`` formatting (a width can ask for any length)."""
    sequences = (list, tuple, str)
    if op is ast.Pow and isinstance(right, (int, float)) and right > MAX_EXPONENT:
        raise StepError(f"exponent too large ({right} > {MAX_EXPONENT})")
    if (
        op is ast.Pow
        and isinstance(left, int)
        and isinstance(right, int)
        and right > 0
        and left.bit_length() * right > MAX_POWER_BITS
    ):
        raise StepError(f"power too large (more than {MAX_POWER_BITS} bits)")
    if op is ast.Mod and isinstance(left, (str, bytes)):
        raise StepError("string formatting with % is not part of the step language")
    if (
        op is ast.Add
        and isinstance(left, sequences)
        and isinstance(right, sequences)
        and len(left) + len(right) > MAX_SEQUENCE_ITEMS
    ):
        raise StepError(f"sequence too long (more than {MAX_SEQUENCE_ITEMS} items)")
    if op is ast.Mult:
        for sequence, count in ((left, right), (right, left)):
            if isinstance(sequence, sequences) and isinstance(count, int) and count * max(len(sequence), 1) > MAX_SEQUENCE_ITEMS:
                raise StepError(f"sequence repetition too large (more than {MAX_SEQUENCE_ITEMS} items)")
        if _is_int(left) and _is_int(right) and left.bit_length() + right.bit_length() > MAX_POWER_BITS:
            raise StepError(f"integer product too large (more than {MAX_POWER_BITS} bits)")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
