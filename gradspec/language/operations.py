"""The tensor operations of the step language, each declared once.

An :class:`Operation` record holds everything gradspec knows about one operation: how a spec
calls it (a function ``exp(x)``, a Python operator ``a ** b``, or both), whether it has an
in-place method form (``exp_``), its one-line doc, and its NumPy reference: the value in
float64 and the vector-Jacobian product, with PyTorch's documented convention where the
function is not differentiable.  The step functions, the in-place methods, the ``unary_ops()``
family of strategies, the NumPy references, the adapter protocol's lists and the language
reference are all made from :data:`OPERATIONS`.

Adding an operation is one record here plus one line in each adapter's table of operations.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np

Array = np.ndarray
Arity = Literal["unary", "binary", "reduction"]
#: ``vjp(upstream, *inputs)``: the gradient of ``sum(op(*inputs) * upstream)`` for each input,
#: before broadcasting is undone.
VJP = Callable[..., tuple[Array, ...]]


@dataclass(frozen=True)
class Operation:
    """One tensor operation and what gradspec knows about it."""

    name: str
    arity: Arity
    doc: str
    #: The value in float64, computed by NumPy (``None``: no reference).
    forward: Callable[..., Array] | None = None
    vjp: VJP | None = None
    #: Callable by name in steps (``exp(x)``); otherwise only through ``operator``.
    named: bool = True
    #: The Python operator that applies it to a tensor (``ast.Pow`` for ``**``).
    operator: type[ast.AST] | None = None
    #: Has an in-place method form ``<name>_``.
    inplace: bool = False
    #: Elementwise and differentiable everywhere except at documented points: drawn by the
    #: ``unary_ops()``/``binary_ops()`` strategies.
    drawn: bool = True


def _sigmoid(x: Array) -> Array:
    return np.asarray(1.0 / (1.0 + np.exp(-x)))


def unary(name: str, doc: str, forward: Callable[[Array], Array], derivative: Callable[[Array], Array]) -> Operation:
    """An elementwise unary operation with an in-place form, from its derivative."""
    return Operation(name, "unary", doc, forward, lambda g, x: (g * derivative(x),), inplace=True)


def _matmul_vjp(g: Array, a: Array, b: Array) -> tuple[Array, Array]:
    return g @ np.swapaxes(b, -1, -2), np.swapaxes(a, -1, -2) @ g


def _mean_vjp(g: Array, x: Array) -> tuple[Array]:
    return (np.broadcast_to(g / max(x.size, 1), x.shape).copy(),)


OPERATIONS: tuple[Operation, ...] = (
    unary("neg", "negation, -x", np.negative, lambda x: -np.ones_like(x)),
    unary("exp", "exponential, e**x", np.exp, np.exp),
    unary("sin", "sine", np.sin, np.cos),
    unary("cos", "cosine", np.cos, lambda x: -np.sin(x)),
    unary("tanh", "hyperbolic tangent", np.tanh, lambda x: 1.0 - np.tanh(x) ** 2),
    unary("sigmoid", "logistic sigmoid, 1 / (1 + e**-x)", _sigmoid, lambda x: _sigmoid(x) * (1.0 - _sigmoid(x))),
    unary("relu", "max(x, 0); its derivative at 0 is 0", lambda x: np.maximum(x, 0.0), lambda x: (x > 0).astype(np.float64)),
    unary("abs", "absolute value; its derivative at 0 is 0", np.abs, np.sign),
    unary("square", "x * x", np.square, lambda x: 2.0 * x),
    Operation("add", "binary", "a + b, broadcasting", np.add, lambda g, a, b: (g, g), operator=ast.Add),
    Operation("sub", "binary", "a - b, broadcasting", np.subtract, lambda g, a, b: (g, -g), operator=ast.Sub),
    Operation("mul", "binary", "a * b, broadcasting", np.multiply, lambda g, a, b: (g * b, g * a), operator=ast.Mult),
    Operation("div", "binary", "a / b, broadcasting", np.divide, lambda g, a, b: (g / b, -g * a / (b * b)), operator=ast.Div),
    Operation("matmul", "binary", "a @ b, the matrix product", np.matmul, _matmul_vjp, operator=ast.MatMult, drawn=False),
    Operation("pow", "binary", "a ** b", np.power, named=False, operator=ast.Pow, drawn=False),
    Operation("floor_divide", "binary", "a // b", np.floor_divide, named=False, operator=ast.FloorDiv, drawn=False),
    Operation("remainder", "binary", "a % b", np.remainder, named=False, operator=ast.Mod, drawn=False),
    Operation("eq", "binary", "a == b, elementwise", np.equal, named=False, operator=ast.Eq, drawn=False),
    Operation("ne", "binary", "a != b, elementwise", np.not_equal, named=False, operator=ast.NotEq, drawn=False),
    Operation("lt", "binary", "a < b, elementwise", np.less, named=False, operator=ast.Lt, drawn=False),
    Operation("le", "binary", "a <= b, elementwise", np.less_equal, named=False, operator=ast.LtE, drawn=False),
    Operation("gt", "binary", "a > b, elementwise", np.greater, named=False, operator=ast.Gt, drawn=False),
    Operation("ge", "binary", "a >= b, elementwise", np.greater_equal, named=False, operator=ast.GtE, drawn=False),
    Operation(
        "sum",
        "reduction",
        "the sum of all elements, or over one dim",
        lambda x: np.asarray(np.sum(x)),
        lambda g, x: (np.broadcast_to(g, x.shape).copy(),),
    ),
    Operation("mean", "reduction", "the mean of all elements, or over one dim", lambda x: np.asarray(np.mean(x)), _mean_vjp),
)

BY_NAME: dict[str, Operation] = {operation.name: operation for operation in OPERATIONS}


def names(arity: Arity, *, drawn: bool | None = None) -> tuple[str, ...]:
    """The names of the operations of one arity (only those the strategies draw, if asked)."""
    return tuple(op.name for op in OPERATIONS if op.arity == arity and (drawn is None or op.drawn == drawn))


#: What the ``unary_ops()``, ``binary_ops()`` and ``reductions()`` strategies draw.
UNARY_OPS = names("unary", drawn=True)
BINARY_OPS = names("binary", drawn=True)
REDUCTIONS = names("reduction", drawn=True)
#: The in-place method forms of the operations that have one (``exp_``).
INPLACE_FORMS = tuple(f"{op.name}_" for op in OPERATIONS if op.inplace)
#: Python operator -> the binary operation it applies to tensors.
BY_OPERATOR: dict[type[ast.AST], str] = {op.operator: op.name for op in OPERATIONS if op.operator is not None}
