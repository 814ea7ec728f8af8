"""NumPy references of the elementwise binary/ternary operators and the activations
(``specs/_operators/elementwise_binary.yaml``, ``specs/_operators/activations.yaml``), each
written from the operator's documented formula, in float64."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

Array = np.ndarray

_erf = np.vectorize(math.erf, otypes=[np.float64])


# -- elementwise binary / ternary ---------------------------------------------------------------
def add_alpha(input: Array, other: Array, alpha: float = 1) -> Array:
    """torch.add: ``input + alpha * other``."""
    return input + alpha * other


def sub_alpha(input: Array, other: Array, alpha: float = 1) -> Array:
    """torch.sub: ``input - alpha * other``."""
    return input - alpha * other


def rsub_alpha(input: Array, other: Array, alpha: float = 1) -> Array:
    """torch.rsub: ``other - alpha * input``."""
    return other - alpha * input


def xlogy(input: Array, other: Array) -> Array:
    """torch.xlogy: ``input * log(other)``, 0 where input is 0."""
    return np.where(input == 0, 0.0, input * np.log(np.where(input == 0, 1.0, other)))


def xlog1py(input: Array, other: Array) -> Array:
    """torch.special.xlog1py: ``input * log1p(other)``, 0 where input is 0."""
    return np.where(input == 0, 0.0, input * np.log1p(np.where(input == 0, 0.0, other)))


def lerp(input: Array, end: Array, weight: Any) -> Array:
    """torch.lerp: ``input + weight * (end - input)``."""
    return input + weight * (end - input)


def addcmul(input: Array, tensor1: Array, tensor2: Array, value: float = 1) -> Array:
    """torch.addcmul: ``input + value * tensor1 * tensor2``."""
    return input + value * tensor1 * tensor2


def addcdiv(input: Array, tensor1: Array, tensor2: Array, value: float = 1) -> Array:
    """torch.addcdiv: ``input + value * tensor1 / tensor2``."""
    return input + value * tensor1 / tensor2


def ldexp(input: Array, other: Array) -> Array:
    """torch.ldexp: ``input * 2 ** other``."""
    return input * np.power(2.0, other)


def where(condition: Array, input: Array, other: Array) -> Array:
    return np.where(condition, input, other)


def masked_fill(input: Array, mask: Array, value: Any) -> Array:
    """Tensor.masked_fill: ``value`` where ``mask`` is True, ``input`` elsewhere (mask broadcast to input)."""
    return np.where(np.broadcast_to(mask, np.shape(input)), value, input)


def clamp(input: Array, min: Any = None, max: Any = None) -> Array:
    """torch.clamp: ``min(max(input, min), max)``."""
    result = input
    if min is not None:
        result = np.maximum(result, min)
    if max is not None:
        result = np.minimum(result, max)
    return result


def clamp_min(input: Array, min: Any) -> Array:
    return np.maximum(input, min)


def clamp_max(input: Array, max: Any) -> Array:
    return np.minimum(input, max)


def radd(input: Array, other: Any) -> Array:
    """Tensor.__radd__(input, other): ``other + input``."""
    return other + input


def rsub_scalar(input: Array, other: Any) -> Array:
    """Tensor.__rsub__(input, other): ``other - input``."""
    return other - input


def rmul(input: Array, other: Any) -> Array:
    return other * input


def rdiv(input: Array, other: Any) -> Array:
    """Tensor.__rdiv__(input, other): ``other / input``."""
    return other / input


def rpow(input: Array, other: Any) -> Array:
    """Tensor.__rpow__(input, other): ``other ** input``."""
    return np.power(other, input)


def dist(input: Array, other: Array, p: float = 2) -> Array:
    """torch.dist: the p-norm of ``input - other`` (broadcast), over all elements."""
    difference = np.abs(np.asarray(input - other, dtype=np.float64)).ravel()
    if p == math.inf:
        return np.asarray(np.max(difference))
    return np.asarray(np.sum(difference**p) ** (1.0 / p))


# -- activations (torch.nn.functional) ----------------------------------------------------------
def relu6(input: Array) -> Array:
    return np.minimum(np.maximum(input, 0.0), 6.0)


def elu(input: Array, alpha: float = 1.0) -> Array:
    return np.where(input > 0, input, alpha * np.expm1(np.minimum(input, 0.0)))


def celu(input: Array, alpha: float = 1.0) -> Array:
    return np.maximum(input, 0.0) + np.minimum(0.0, alpha * np.expm1(np.minimum(input, 0.0) / alpha))


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def selu(input: Array) -> Array:
    return _SELU_SCALE * (np.maximum(input, 0.0) + np.minimum(0.0, _SELU_ALPHA * np.expm1(np.minimum(input, 0.0))))


def _sigmoid(x: Array) -> Array:
    return 1.0 / (1.0 + np.exp(-x))


def silu(input: Array) -> Array:
    return input * _sigmoid(input)


def _softplus(x: Array) -> Array:
    return np.logaddexp(0.0, x)


def mish(input: Array) -> Array:
    return input * np.tanh(_softplus(input))


def gelu(input: Array, approximate: str = "none") -> Array:
    if approximate == "tanh":
        return 0.5 * input * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (input + 0.044715 * input**3)))
    return 0.5 * input * (1.0 + _erf(input / math.sqrt(2.0)))


def hardshrink(input: Array, lambd: float = 0.5) -> Array:
    return np.where(np.abs(input) > lambd, input, 0.0)


def hardsigmoid(input: Array) -> Array:
    return np.clip(input / 6.0 + 0.5, 0.0, 1.0)


def hardswish(input: Array) -> Array:
    return input * np.clip(input + 3.0, 0.0, 6.0) / 6.0


def hardtanh(input: Array, min_val: float = -1.0, max_val: float = 1.0) -> Array:
    return np.clip(input, min_val, max_val)


def leaky_relu(input: Array, negative_slope: float = 0.01) -> Array:
    return np.where(input >= 0, input, negative_slope * input)


def logsigmoid(input: Array) -> Array:
    return -np.logaddexp(0.0, -input)


def softplus(input: Array, beta: float = 1.0, threshold: float = 20.0) -> Array:
    return np.where(input * beta > threshold, input, np.logaddexp(0.0, beta * input) / beta)


def softshrink(input: Array, lambd: float = 0.5) -> Array:
    return np.where(input > lambd, input - lambd, np.where(input < -lambd, input + lambd, 0.0))


def softsign(input: Array) -> Array:
    return input / (1.0 + np.abs(input))


def tanhshrink(input: Array) -> Array:
    return input - np.tanh(input)


def threshold(input: Array, threshold: float, value: float) -> Array:
    return np.where(input > threshold, input, value)


def rrelu_eval(input: Array, lower: float = 1.0 / 8.0, upper: float = 1.0 / 3.0, training: bool = False) -> Array:
    """rrelu with ``training=False``: leaky_relu with the slope ``(lower + upper) / 2``."""
    return np.where(input >= 0, input, (lower + upper) / 2.0 * input)


def prelu(input: Array, weight: Array) -> Array:
    """prelu: ``max(0, x) + weight * min(0, x)``, weight per channel (dim 1) or one for all."""
    w = np.asarray(weight)
    if w.size > 1:
        w = w.reshape((1, w.size) + (1,) * (input.ndim - 2))
    else:
        w = w.reshape(())
    return np.maximum(input, 0.0) + w * np.minimum(input, 0.0)


def glu(input: Array, dim: int = -1) -> Array:
    """glu: ``a * sigmoid(b)`` with ``a, b`` the halves of ``input`` along ``dim``."""
    a, b = np.split(input, 2, axis=dim)
    return a * _sigmoid(b)
