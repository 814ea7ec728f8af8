"""Recording for libraries that differentiate functions (JAX, MLX), not tapes.

A spec's steps are imperative (``y = op(x); g = autograd_grad(y, x)``); such a library can only
differentiate a function.  Each array a spec computes is therefore kept as a :class:`Node` that
remembers which library function produced it from which nodes, so that a :class:`Gradient` can
rebuild the computation of its outputs as a function of its inputs and hand it to the library's
own ``vjp``.  Every derivative rule is the library's; this module writes none.  Gradients are
nodes too (:class:`GradientOutput`), so they can be differentiated in turn.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

Array = Any  # the library's array type
#: The library's differentiation: ``(function, primals, cotangents)`` -> one gradient per primal,
#: where ``function(*primals)`` returns the list of outputs and ``cotangents`` is ``None`` when
#: the spec gave none (one scalar output is differentiated).
Differentiate = Callable[[Callable[..., list[Array]], list[Array], list[Array] | None], tuple[Array, ...]]


class Node:
    """One array value and how it was computed: ``rule`` replays it from its ``inputs``' values
    (``None`` for an array made from data), or is a :class:`GradientOutput`."""

    __slots__ = ("inputs", "rule", "value")

    def __init__(
        self, value: Array, rule: Callable[..., Array] | GradientOutput | None = None, inputs: tuple[Node, ...] = ()
    ) -> None:
        self.value = value
        self.rule = rule
        self.inputs = inputs

    def parents(self) -> tuple[Node, ...]:
        """The nodes this one was computed from."""
        if isinstance(self.rule, GradientOutput):
            return self.rule.bundle.parents()
        return self.inputs


def evaluate(node: Node, env: dict[Node, Array], memo: dict[Any, Any]) -> tuple[Array, bool]:
    """The value of ``node`` with the nodes in ``env`` replaced (by the library's tracers), and
    whether it depends on them; what does not is the recorded value itself."""
    if node in env:
        return env[node], True
    if node in memo:
        return memo[node]
    rule = node.rule
    if rule is None:
        result = (node.value, False)
    elif isinstance(rule, GradientOutput):
        traced = rule.bundle.touched(env)
        result = (rule.bundle.evaluate(env, memo)[rule.index] if traced else node.value, traced)
    else:
        inputs = [evaluate(parent, env, memo) for parent in node.inputs]
        traced = any(flag for _, flag in inputs)
        result = (rule(*(value for value, _ in inputs)) if traced else node.value, traced)
    memo[node] = result
    return result


def graph(roots: Iterable[Node]) -> list[Node]:
    """Every node ``roots`` were computed from, the roots included."""
    seen: dict[Node, None] = {}
    stack = list(roots)
    while stack:
        node = stack.pop()
        if node not in seen:
            seen[node] = None
            stack.extend(node.parents())
    return list(seen)


def one_or_all(outputs: list[Array]) -> Any:
    """A function's result as the library's ``grad`` takes it: the output itself when there is
    one, else all of them (which the library refuses as it does)."""
    return outputs[0] if len(outputs) == 1 else tuple(outputs)


class Gradient:
    """Gradients of ``outputs`` with respect to ``wrt`` (distinct nodes), by the library's
    ``differentiate``; replayable, so the gradients can be differentiated in turn."""

    def __init__(
        self, outputs: Sequence[Node], wrt: Sequence[Node], cotangents: Sequence[Node] | None, differentiate: Differentiate
    ) -> None:
        self.outputs = outputs
        self.wrt = wrt
        self.cotangents = cotangents
        self.differentiate = differentiate
        self.support = set(graph(self.parents()))

    def parents(self) -> tuple[Node, ...]:
        return (*self.outputs, *self.wrt, *(self.cotangents or ()))

    def touched(self, env: dict[Node, Array]) -> bool:
        """Whether replacing the nodes in ``env`` changes these gradients."""
        return any(node in self.support for node in env)

    def evaluate(self, env: dict[Node, Array], memo: dict[Any, Any]) -> tuple[Array, ...]:
        """The gradients, one per ``wrt``, with the nodes in ``env`` replaced."""
        if self in memo:
            return memo[self]
        if not self.wrt:
            return ()
        primals = [evaluate(node, env, memo)[0] for node in self.wrt]

        def function(*values: Array) -> list[Array]:
            inner = {**env, **dict(zip(self.wrt, values))}
            inner_memo: dict[Any, Any] = {}
            return [evaluate(output, inner, inner_memo)[0] for output in self.outputs]

        cotangents = None if self.cotangents is None else [evaluate(node, env, memo)[0] for node in self.cotangents]
        memo[self] = tuple(self.differentiate(function, primals, cotangents))
        return memo[self]


class GradientOutput:
    """The rule of a gradient: entry ``index`` of a :class:`Gradient`."""

    __slots__ = ("bundle", "index")

    def __init__(self, bundle: Gradient, index: int) -> None:
        self.bundle = bundle
        self.index = index


class Slot:
    """Where a recorded operand stood among an operation's arguments."""

    __slots__ = ("index",)

    def __init__(self, index: int) -> None:
        self.index = index


def strip(value: Any, operands: list[Any], kind: type) -> Any:
    """``value`` with each tensor of type ``kind`` in it (at any depth of lists, tuples and dicts)
    replaced by a :class:`Slot`, the tensors appended to ``operands``."""
    if isinstance(value, kind):
        operands.append(value)
        return Slot(len(operands) - 1)
    if isinstance(value, dict):
        return {key: strip(item, operands, kind) for key, item in value.items()}
    if type(value) in (list, tuple):
        return type(value)(strip(item, operands, kind) for item in value)
    return value


def fill(value: Any, values: Sequence[Array]) -> Any:
    """``value`` with each :class:`Slot` replaced by its array in ``values``."""
    if isinstance(value, Slot):
        return values[value.index]
    if isinstance(value, dict):
        return {key: fill(item, values) for key, item in value.items()}
    if type(value) in (list, tuple):
        return type(value)(fill(item, values) for item in value)
    return value


def part(rule: Callable[..., Any], index: int) -> Callable[..., Array]:
    """The rule of output ``index`` of an operation returning several arrays."""
    return lambda *values: rule(*values)[index]


def record_call(
    function: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    kind: type,
    node_of: Callable[[Any], Node],
    wrap: Callable[[Array, Callable[..., Any], tuple[Node, ...]], Any],
) -> Any:
    """Call ``function`` on the values of its tensor operands (tensors of type ``kind``, wherever
    they are among its arguments: positional or keyword, inside lists, tuples and dicts) and
    record the result over them: ``wrap(value, rule, inputs)``, where ``rule`` recomputes the value
    from the operands' values and ``inputs`` are the operands' nodes (``node_of``).  A function
    returning several arrays (a tuple or list) gives a tuple or list of recorded arrays."""
    operands: list[Any] = []
    arguments = strip((args, kwargs), operands, kind)

    def rule(*values: Array) -> Any:
        positional, keywords = fill(arguments, values)
        return function(*positional, **keywords)

    inputs = tuple(node_of(tensor) for tensor in operands)
    result = rule(*(node.value for node in inputs))
    if isinstance(result, (tuple, list)):
        parts = [wrap(value, part(rule, index), inputs) for index, value in enumerate(result)]
        return parts if isinstance(result, list) else tuple(parts)
    return wrap(result, rule, inputs)
