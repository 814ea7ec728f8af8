"""The operator table (``specs/_operators``) mapped onto MyGrad's own functions.

Each entry is MyGrad's analogue of the PyTorch operator: a dotted path in ``mygrad`` (the
adapter's module), or a one-line callable that only translates the table's argument names and
conventions (``dim`` -> ``axis``, ``keepdim`` -> ``keepdims``, ``correction`` -> ``ddof``, a list
of dims -> a tuple, an int ``kernel_size`` -> MyGrad's per-dimension tuple) into those of the same
MyGrad function.  Nothing here composes MyGrad calls to imitate an operator MyGrad lacks: such
operators are simply absent (their specs are not applicable).

Where PyTorch's operator takes an argument MyGrad's function has no parameter for (``alpha`` of
``add``, ``bias``/``groups`` of a convolution, ``padding`` of a pooling, ``weight``/``reduction``/
``label_smoothing`` of a loss), it is passed on whenever it is not PyTorch's default, and MyGrad's
refusal (a ``TypeError``) is what the specs report; at PyTorch's default it is left out, which is
the same call.

MyGrad's rounding, sign and modulo functions (``ceil``, ``floor``, ``trunc``, ``rint``, ``sign``,
``fmod``, ``remainder``) are its non-differentiable ones: they refuse non-constant tensors.
``Tensor.copy`` (for ``clone``) is documented as a copy outside the graph.

Left out, for want of an analogue under MyGrad's public API: ``max``/``min`` (``mygrad.max``
returns the values only, not torch's ``(values, indices)``; ``amax``/``amin`` are mapped),
``logsumexp`` (only in the private ``mygrad.math._special``), ``linalg.vector_norm``
(``mygrad.linalg.norm`` is NumPy's ``norm``, mapped as ``norm`` and ``linalg.norm``), batch norm
(``mygrad.nnet.batchnorm`` has no running statistics or training flag), and everything else
MyGrad has no function for (``flip``, ``tile``, ``gather``, ``pad``, ``linalg.*`` but ``norm``...).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import mygrad as mg
import mygrad.nnet.activations as act
import mygrad.nnet.layers as layers
import mygrad.nnet.losses as losses


def _axis(dim: Any) -> Any:
    """A dimension, or a list of them as the tuple MyGrad takes."""
    return tuple(dim) if isinstance(dim, list) else dim


def _given(**pairs: tuple[Any, Any]) -> dict[str, Any]:
    """The keywords (``name=(value, PyTorch's default)``) given something other than PyTorch's default."""
    return {k: v for k, (v, d) in pairs.items() if v is not d and not (isinstance(v, (int, float, str)) and v == d)}


def _sizes(size: Any, n: int) -> tuple[int, ...]:
    """torch's int-or-tuple size as the per-dimension tuple MyGrad takes."""
    return tuple(size) if isinstance(size, (list, tuple)) else (size,) * n


def _conv(n: int) -> Callable[..., Any]:
    """``F.conv{n}d`` as ``mygrad.nnet.conv_nd`` (no ``bias``, no ``groups``)."""
    return lambda input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1: layers.conv_nd(
        input, weight, stride=stride, padding=padding, dilation=dilation, **_given(bias=(bias, None), groups=(groups, 1))
    )


def _max_pool(n: int) -> Callable[..., Any]:
    """``F.max_pool{n}d`` as ``mygrad.nnet.max_pool`` (no ``padding``, ``dilation`` or ``ceil_mode``)."""
    return lambda input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False: layers.max_pool(
        input,
        _sizes(kernel_size, n),
        kernel_size if stride is None else stride,
        **_given(padding=(padding, 0), dilation=(dilation, 1), ceil_mode=(ceil_mode, False)),
    )


OPERATORS: dict[str, str | Callable[..., Any]] = {
    # -- elementwise, one argument ---------------------------------------------------------
    "abs": "absolute",
    "acos": "arccos",
    "acosh": "arccosh",
    "asin": "arcsin",
    "asinh": "arcsinh",
    "atan": "arctan",
    "atanh": "arctanh",
    "ceil": "ceil",
    "cos": "cos",
    "cosh": "cosh",
    "exp": "exp",
    "exp2": "exp2",
    "expm1": "expm1",
    "floor": "floor",
    "log": "log",
    "log10": "log10",
    "log1p": "log1p",
    "log2": "log2",
    "neg": "negative",
    "positive": "positive",
    "reciprocal": "reciprocal",
    "round": "rint",
    "sgn": "sign",
    "sign": "sign",
    "sigmoid": act.sigmoid,
    "sin": "sin",
    "sinc": "sinc",
    "sinh": "sinh",
    "sqrt": "sqrt",
    "square": "square",
    "tan": "tan",
    "tanh": "tanh",
    "trunc": "trunc",
    "clone": lambda input: input.copy(),
    # -- elementwise, two or more arguments -----------------------------------------------
    "add": lambda input, other, alpha=1: mg.add(input, other, **_given(alpha=(alpha, 1))),
    "sub": lambda input, other, alpha=1: mg.subtract(input, other, **_given(alpha=(alpha, 1))),
    "mul": "multiply",
    "div": "divide",
    "true_divide": "true_divide",
    "pow": "power",
    "atan2": "arctan2",
    "fmod": "fmod",
    "remainder": "remainder",
    "maximum": "maximum",
    "minimum": "minimum",
    "logaddexp": "logaddexp",
    "logaddexp2": "logaddexp2",
    "where": "where",
    "clamp": lambda input, min=None, max=None: mg.clip(input, min, max),
    "clamp_min": lambda input, min: mg.clip(input, min, None),
    "clamp_max": lambda input, max: mg.clip(input, None, max),
    "__radd__": lambda input, other: input.__radd__(other),
    "__rsub__": lambda input, other: input.__rsub__(other),
    "__rmul__": lambda input, other: input.__rmul__(other),
    "__rdiv__": lambda input, other: input.__rtruediv__(other),
    "__rpow__": lambda input, other: input.__rpow__(other),
    # -- activations -----------------------------------------------------------------------
    "nn.functional.relu": act.relu,
    "nn.functional.elu": lambda input, alpha=1.0: act.elu(input, alpha),
    "nn.functional.selu": act.selu,
    "nn.functional.hardtanh": lambda input, min_val=-1.0, max_val=1.0: act.hard_tanh(
        input, lower_bound=min_val, upper_bound=max_val
    ),
    "nn.functional.leaky_relu": lambda input, negative_slope=0.01: act.leaky_relu(input, negative_slope),
    "nn.functional.softsign": act.soft_sign,
    "nn.functional.glu": lambda input, dim=-1: act.glu(input, axis=dim),
    "softmax": lambda input, dim: act.softmax(input, axis=dim),
    "log_softmax": lambda input, dim: act.logsoftmax(input, axis=dim),
    # -- reductions and scans --------------------------------------------------------------
    "sum": lambda input, dim=None, keepdim=False: mg.sum(input, axis=_axis(dim), keepdims=keepdim),
    "mean": lambda input, dim=None, keepdim=False: mg.mean(input, axis=_axis(dim), keepdims=keepdim),
    "prod": lambda input, dim=None, keepdim=False: mg.prod(input, axis=_axis(dim), keepdims=keepdim),
    "amax": lambda input, dim=(), keepdim=False: mg.amax(input, axis=_axis(dim), keepdims=keepdim),
    "amin": lambda input, dim=(), keepdim=False: mg.amin(input, axis=_axis(dim), keepdims=keepdim),
    "var": lambda input, dim=None, correction=1, keepdim=False: mg.var(input, axis=_axis(dim), ddof=correction, keepdims=keepdim),
    "std": lambda input, dim=None, correction=1, keepdim=False: mg.std(input, axis=_axis(dim), ddof=correction, keepdims=keepdim),
    "norm": lambda input, p="fro", dim=None, keepdim=False: mg.linalg.norm(input, ord=p, axis=_axis(dim), keepdims=keepdim),
    "linalg.norm": lambda A, ord=None, dim=None, keepdim=False: mg.linalg.norm(A, ord=ord, axis=_axis(dim), keepdims=keepdim),
    "cumsum": lambda input, dim: mg.cumsum(input, axis=dim),
    "cumprod": lambda input, dim: mg.cumprod(input, axis=dim),
    # -- linear algebra --------------------------------------------------------------------
    "mm": "matmul",
    "bmm": "matmul",
    "mv": "matmul",
    "matmul": "matmul",
    "einsum": "einsum",
    "linalg.multi_dot": "multi_matmul",
    # -- shapes ----------------------------------------------------------------------------
    "cat": lambda tensors, dim=0: mg.concatenate(tensors, axis=dim),
    "stack": lambda tensors, dim=0: mg.stack(tensors, axis=dim),
    "permute": lambda input, dims: mg.transpose(input, *dims),
    "movedim": "moveaxis",
    "reshape": lambda input, shape: mg.reshape(input, tuple(shape)),
    "ravel": "ravel",
    "broadcast_to": lambda input, shape: mg.broadcast_to(input, tuple(shape)),
    "squeeze": lambda input, dim=None: mg.squeeze(input, axis=_axis(dim)),
    "unsqueeze": lambda input, dim: mg.expand_dims(input, dim),
    "roll": lambda input, shifts, dims=None: mg.roll(input, _axis(shifts), axis=_axis(dims)),
    "repeat_interleave": lambda input, repeats, dim=None: mg.repeat(input, repeats, axis=dim),
    "transpose": lambda input, dim0, dim1: mg.swapaxes(input, dim0, dim1),
    "T": lambda input: input.T,
    "atleast_1d": "atleast_1d",
    "atleast_2d": "atleast_2d",
    "atleast_3d": "atleast_3d",
    # -- indexing --------------------------------------------------------------------------
    "__getitem__": lambda input, index: input[index],
    # -- neural-network layers and losses --------------------------------------------------
    "nn.functional.conv1d": _conv(1),
    "nn.functional.conv2d": _conv(2),
    "nn.functional.conv3d": _conv(3),
    "nn.functional.max_pool1d": _max_pool(1),
    "nn.functional.max_pool2d": _max_pool(2),
    "nn.functional.max_pool3d": _max_pool(3),
    "nn.functional.cross_entropy": lambda input, target, weight=None, reduction="mean", label_smoothing=0.0: (
        losses.softmax_crossentropy(
            input, target, **_given(weight=(weight, None), reduction=(reduction, "mean"), label_smoothing=(label_smoothing, 0.0))
        )
    ),
    "nn.functional.nll_loss": lambda input, target, weight=None, reduction="mean": losses.negative_log_likelihood(
        input, target, weights=weight, **_given(reduction=(reduction, "mean"))
    ),
    "nn.functional.margin_ranking_loss": lambda input1, input2, target, margin=0.0, reduction="mean": losses.margin_ranking_loss(
        input1, input2, target, margin, **_given(reduction=(reduction, "mean"))
    ),
    "nn.functional.multi_margin_loss": lambda input, target, p=1, margin=1.0, weight=None, reduction="mean": (
        losses.multiclass_hinge(
            input, target, hinge=margin, **_given(p=(p, 1), weight=(weight, None), reduction=(reduction, "mean"))
        )
    ),
}
