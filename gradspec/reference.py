"""NumPy references for the operations of the step language: values and gradients computed in
float64 without any backend, so a backend's gradients can be checked against something
independent.

The formulas are the operations' own records (:mod:`gradspec.language.operations`), with
PyTorch's documented convention at points where a function is not differentiable (the
minimum-norm subgradient: 0 for ``relu`` and ``abs`` at 0); ``numeric_gradients`` gives central
differences to check the formulas themselves.
"""

from __future__ import annotations

import numpy as np

from gradspec.language.operations import BY_NAME, Operation

Array = np.ndarray


def has_forward(name: str) -> bool:
    """Whether the operation ``name`` has a NumPy reference value."""
    operation = BY_NAME.get(name)
    return operation is not None and operation.forward is not None


def _operation(name: str) -> Operation:
    operation = BY_NAME.get(name)
    if operation is None or operation.forward is None:
        raise KeyError(f"no NumPy reference for {name!r}")
    return operation


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
    function = _operation(name).forward
    assert function is not None
    return np.asarray(function(*(np.asarray(x, dtype=np.float64) for x in inputs)))


def gradients(name: str, inputs: list[Array], upstream: Array) -> list[Array]:
    """The gradient of ``sum(op(*inputs) * upstream)`` with respect to each input, in float64."""
    vjp = _operation(name).vjp
    if vjp is None:
        raise KeyError(f"no NumPy reference gradient for {name!r}")
    xs = [np.asarray(x, dtype=np.float64) for x in inputs]
    g = np.asarray(upstream, dtype=np.float64)
    parts = vjp(g, *xs)
    if len(xs) == 1:
        return [np.broadcast_to(parts[0], xs[0].shape).copy()]
    if name == "matmul":
        return [np.asarray(part) for part in parts]
    full = np.broadcast_shapes(*(x.shape for x in xs))
    return [unbroadcast(np.broadcast_to(part, full), x.shape) for part, x in zip(parts, xs)]


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
