"""NumPy references for the operation vocabulary: values and gradients computed in float64
without any backend, so a backend's gradients can be checked against something independent.

Gradients are the analytic formulas, with PyTorch's documented convention at points where a
function is not differentiable (the minimum-norm subgradient: 0 for ``relu`` and ``abs`` at 0);
``numeric_gradients`` gives central differences to check the formulas themselves.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

Array = np.ndarray


def _sigmoid(x: Array) -> Array:
    return 1.0 / (1.0 + np.exp(-x))


FORWARD: dict[str, Callable[..., Array]] = {
    "neg": np.negative, "exp": np.exp, "sin": np.sin, "cos": np.cos, "tanh": np.tanh,
    "sigmoid": _sigmoid, "relu": lambda x: np.maximum(x, 0.0), "abs": np.abs,
    "add": np.add, "sub": np.subtract, "mul": np.multiply, "div": np.divide, "matmul": np.matmul,
    "sum": lambda x: np.sum(x), "mean": lambda x: np.mean(x),
}

_UNARY_DERIVATIVES: dict[str, Callable[[Array], Array]] = {
    "neg": lambda x: -np.ones_like(x),
    "exp": np.exp,
    "sin": np.cos,
    "cos": lambda x: -np.sin(x),
    "tanh": lambda x: 1.0 - np.tanh(x) ** 2,
    "sigmoid": lambda x: _sigmoid(x) * (1.0 - _sigmoid(x)),
    "relu": lambda x: (x > 0).astype(np.float64),
    "abs": np.sign,
}


_BINARY_PARTIALS: dict[str, Callable[[Array, Array, Array], tuple[Array, Array]]] = {
    "add": lambda g, a, b: (g, g),
    "sub": lambda g, a, b: (g, -g),
    "mul": lambda g, a, b: (g * b, g * a),
    "div": lambda g, a, b: (g / b, -g * a / (b * b)),
}


def unbroadcast(gradient: Array, shape: tuple[int, ...]) -> Array:
    """Sum a broadcast gradient back to an input's ``shape``."""
    while gradient.ndim > len(shape):
        gradient = gradient.sum(axis=0)
    for axis, size in enumerate(shape):
        if size == 1 and gradient.shape[axis] != 1:
            gradient = gradient.sum(axis=axis, keepdims=True)
    return gradient


def forward(name: str, *inputs: Array) -> Array:
    """The operation's value in float64."""
    return np.asarray(FORWARD[name](*(np.asarray(x, dtype=np.float64) for x in inputs)))


def gradients(name: str, inputs: list[Array], upstream: Array) -> list[Array]:
    """The gradient of ``sum(op(*inputs) * upstream)`` with respect to each input, in float64."""
    xs = [np.asarray(x, dtype=np.float64) for x in inputs]
    g = np.asarray(upstream, dtype=np.float64)
    if name in _UNARY_DERIVATIVES:
        return [g * _UNARY_DERIVATIVES[name](xs[0])]
    if name in ("sum", "mean"):
        scale = 1.0 if name == "sum" else 1.0 / max(xs[0].size, 1)
        return [np.broadcast_to(g * scale, xs[0].shape).copy()]
    if name == "matmul":
        a, b = xs
        return [g @ b.T, a.T @ g]
    a, b = xs
    full = _BINARY_PARTIALS[name](g, a, b)
    return [unbroadcast(np.broadcast_to(part, np.broadcast_shapes(a.shape, b.shape)), x.shape) for part, x in zip(full, xs)]


def numeric_gradients(name: str, inputs: list[Array], upstream: Array, eps: float = 1e-6) -> list[Array]:
    """Central finite differences of ``sum(op(*inputs) * upstream)`` in float64."""
    xs = [np.array(x, dtype=np.float64) for x in inputs]
    g = np.asarray(upstream, dtype=np.float64)
    results = []
    for x in xs:
        result = np.zeros_like(x)
        for index in np.ndindex(x.shape):
            original = x[index]
            x[index] = original + eps
            above = np.sum(forward(name, *xs) * g)
            x[index] = original - eps
            below = np.sum(forward(name, *xs) * g)
            x[index] = original
            result[index] = (above - below) / (2 * eps)
        results.append(result)
    return results
