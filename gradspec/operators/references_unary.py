"""NumPy references of the elementwise unary family (``specs/_operators/elementwise_unary.yaml``)
that NumPy has under no name: special functions written from ``math`` and their series, in float64.

Each takes the operator's arguments as the operator table names them and returns float64 values.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

Array = np.ndarray

# Bernoulli numbers B_2, B_4, ..., B_14 for the asymptotic series of digamma and polygamma.
_BERNOULLI = (1.0 / 6.0, -1.0 / 30.0, 1.0 / 42.0, -1.0 / 30.0, 5.0 / 66.0, -691.0 / 2730.0, 7.0 / 6.0)
#: Below this, the recurrence psi(x) = psi(x + 1) - 1/x moves x up before the asymptotic series.
_SHIFT = 20.0


def _elementwise(function: Any, *arrays: Any) -> Array:
    return np.asarray(np.vectorize(function, otypes=[np.float64])(*arrays), dtype=np.float64)


def _digamma_scalar(x: float) -> float:
    if x <= 0.0 and x == math.floor(x):
        return math.nan
    if x < 0.0:  # reflection: psi(1 - x) - psi(x) = pi cot(pi x)
        return _digamma_scalar(1.0 - x) - math.pi / math.tan(math.pi * x)
    total = 0.0
    while x < _SHIFT:
        total -= 1.0 / x
        x += 1.0
    series = sum(b / (2 * k * x ** (2 * k)) for k, b in enumerate(_BERNOULLI, start=1))
    return total + math.log(x) - 0.5 / x - series


def _polygamma_scalar(n: int, x: float) -> float:
    """psi^(n)(x) for n >= 1, x > 0: the recurrence, then the asymptotic series."""
    if n == 0:
        return _digamma_scalar(x)
    sign = (-1.0) ** (n + 1)
    total = 0.0
    while x < _SHIFT:
        total += math.factorial(n) / x ** (n + 1)
        x += 1.0
    series = math.factorial(n - 1) / x**n + math.factorial(n) / (2.0 * x ** (n + 1))
    for k, b in enumerate(_BERNOULLI, start=1):
        series += b * math.factorial(2 * k + n - 1) / (math.factorial(2 * k) * x ** (2 * k + n))
    return sign * (total + series)


def digamma(input: Array) -> Array:
    return _elementwise(_digamma_scalar, input)


def polygamma(n: int, input: Array) -> Array:
    """polygamma(n, input): the n-th derivative of digamma (torch.polygamma's argument order)."""
    return _elementwise(lambda x: _polygamma_scalar(int(n), x), input)


def lgamma(input: Array) -> Array:
    return _elementwise(math.lgamma, input)


def mvlgamma(input: Array, p: int) -> Array:
    """The multivariate log-gamma: p (p - 1) / 4 log(pi) + sum_{i < p} lgamma(input - i / 2)."""
    total = p * (p - 1) / 4.0 * math.log(math.pi)
    return np.asarray(total + sum(lgamma(input - i / 2.0) for i in range(p)))


def erfc(input: Array) -> Array:
    return _elementwise(math.erfc, input)


def _erfinv_scalar(y: float) -> float:
    if abs(y) >= 1.0:
        return math.copysign(math.inf, y) if abs(y) == 1.0 else math.nan
    x = 0.0
    for _ in range(100):  # Newton on the concave (convex) side converges monotonically
        step = (math.erf(x) - y) / (2.0 / math.sqrt(math.pi) * math.exp(-x * x))
        x -= step
        if abs(step) <= 1e-16 * max(1.0, abs(x)):
            break
    return x


def erfinv(input: Array) -> Array:
    return _elementwise(_erfinv_scalar, input)


def erfcx(input: Array) -> Array:
    """exp(x^2) erfc(x)."""
    return _elementwise(lambda x: math.exp(x * x) * math.erfc(x), input)


def ndtr(input: Array) -> Array:
    """The standard normal CDF, 0.5 erfc(-x / sqrt(2))."""
    return _elementwise(lambda x: 0.5 * math.erfc(-x / math.sqrt(2.0)), input)


def log_ndtr(input: Array) -> Array:
    return np.log(ndtr(input))


def ndtri(input: Array) -> Array:
    """The inverse of ndtr: sqrt(2) erfinv(2p - 1)."""
    return math.sqrt(2.0) * erfinv(2.0 * np.asarray(input, dtype=np.float64) - 1.0)


def _i1_scalar(x: float) -> float:
    half, term, total, k = x / 2.0, x / 2.0, 0.0, 0
    while True:  # sum_k (x/2)^(2k+1) / (k! (k+1)!)
        total += term
        k += 1
        term *= half * half / (k * (k + 1))
        if abs(term) <= 1e-17 * abs(total):
            return total


def i1(input: Array) -> Array:
    """The modified Bessel function of the first kind of order 1."""
    return _elementwise(_i1_scalar, input)


def i0e(input: Array) -> Array:
    return np.exp(-np.abs(input)) * np.i0(input)


def i1e(input: Array) -> Array:
    return np.exp(-np.abs(input)) * i1(input)


def entr(input: Array) -> Array:
    """-x ln(x) for x > 0, 0 at 0, -inf below."""
    x = np.asarray(input, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(x > 0, -x * np.log(np.where(x > 0, x, 1.0)), np.where(x == 0, 0.0, -np.inf))


def logit(input: Array) -> Array:
    return np.log(input / (1.0 - input))


def rsqrt(input: Array) -> Array:
    return 1.0 / np.sqrt(input)


def frac(input: Array) -> Array:
    """The fractional part, input - trunc(input) (its sign is the input's)."""
    return input - np.trunc(input)
