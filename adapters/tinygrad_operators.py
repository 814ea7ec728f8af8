"""The operator table (``specs/_operators``) mapped onto tinygrad's own functions.

Each entry is tinygrad's analogue of the PyTorch operator: a dotted path in ``tinygrad`` (the
adapter's module), almost always a ``Tensor`` method called with the input first
(``"Tensor.exp"``), or a one-line callable that only translates the table's argument names and
conventions (``dim`` -> ``axis``, ``keepdim`` stays ``keepdim``, ``negative_slope`` ->
``neg_slope``, ``torch.cat``'s list -> ``first.cat(*rest)``, an int ``kernel_size`` -> the
per-dimension tuple tinygrad's N-d ``max_pool2d`` takes, ``normalized_shape`` -> the trailing
axes) into those of the same tinygrad function.  Nothing here composes tinygrad calls to imitate
an operator tinygrad lacks: such operators are simply absent (their specs are not applicable).

tinygrad's ``conv2d``, ``conv_transpose2d``, ``max_pool2d`` and ``avg_pool2d`` are documented as
N-dimensional ("not limited to only 2d"): they are mapped for the 1-d and 3-d operators too.
Where PyTorch's operator takes an argument tinygrad's function has no parameter for (``alpha`` of
``add``, ``weight`` of ``cross_entropy``, ``scale`` of ``scaled_dot_product_attention``, ``weight``
and ``bias`` of ``layer_norm``, ``diagonal`` of ``diag``), it is passed on whenever it is not
PyTorch's default, and tinygrad's refusal is what the specs report; at PyTorch's default it is
left out, which is the same call.

Left out, for want of an analogue under tinygrad's API: ``max``/``min`` (``Tensor.max`` returns
the values only, not torch's ``(values, indices)``; ``amax``/``amin`` are mapped), the special
functions tinygrad has no method for (``expm1``, ``log1p``, ``erfc``, ``lgamma``...), ``linalg.*``
but ``qr`` and ``svd``, ``batch_norm`` (``Tensor.batchnorm`` takes ``invstd``, not
``running_var``, and no ``training`` flag), ``scatter_add`` (``Tensor.scatter(reduce="add")``
takes a scalar ``src`` only; ``scatter_reduce`` is mapped), modules-only layers
(``nn.Embedding``...), and views and strides beyond tinygrad's movement operations.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def _axis(dim: Any) -> Any:
    """A dimension, or a list of them as the tuple tinygrad takes."""
    return tuple(dim) if isinstance(dim, list) else dim


def _given(**pairs: tuple[Any, Any]) -> dict[str, Any]:
    """The keywords (``name=(value, PyTorch's default)``) given something other than PyTorch's default."""
    return {k: v for k, (v, d) in pairs.items() if v is not d and not (isinstance(v, (int, float, str)) and v == d)}


def _sizes(size: Any, n: int) -> tuple[int, ...]:
    """torch's int-or-tuple size as the per-dimension tuple tinygrad's N-d pooling takes."""
    return tuple(size) if isinstance(size, (list, tuple)) else (size,) * n


def _max_pool(n: int) -> Callable[..., Any]:
    """``F.max_pool{n}d`` as tinygrad's N-d ``Tensor.max_pool2d``."""
    return lambda input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False: input.max_pool2d(
        _sizes(kernel_size, n), stride=stride, dilation=dilation, padding=padding, ceil_mode=ceil_mode
    )


def _avg_pool(n: int) -> Callable[..., Any]:
    """``F.avg_pool{n}d`` as tinygrad's N-d ``Tensor.avg_pool2d`` (no ``divisor_override``)."""
    return lambda input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None: (
        input.avg_pool2d(
            _sizes(kernel_size, n),
            stride=stride,
            padding=padding,
            ceil_mode=ceil_mode,
            count_include_pad=count_include_pad,
            **_given(divisor_override=(divisor_override, None)),
        )
    )


def _conv(
    input: Any, weight: Any, bias: Any = None, stride: Any = 1, padding: Any = 0, dilation: Any = 1, groups: int = 1
) -> Any:
    """``F.conv{1,2,3}d`` as tinygrad's N-d ``Tensor.conv2d``."""
    return input.conv2d(weight, bias, groups=groups, stride=stride, dilation=dilation, padding=padding)


def _conv_transpose(
    input: Any,
    weight: Any,
    bias: Any = None,
    stride: Any = 1,
    padding: Any = 0,
    output_padding: Any = 0,
    groups: int = 1,
    dilation: Any = 1,
) -> Any:
    """``F.conv_transpose{1,2,3}d`` as tinygrad's N-d ``Tensor.conv_transpose2d``."""
    return input.conv_transpose2d(
        weight, bias, groups=groups, stride=stride, dilation=dilation, padding=padding, output_padding=output_padding
    )


def _meshgrid(*tensors: Any, indexing: str = "ij") -> Any:
    """``torch.meshgrid(a, b)`` or ``torch.meshgrid([a, b])``: ``a.meshgrid(b)``."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    return tensors[0].meshgrid(*tensors[1:], indexing=indexing)


OPERATORS: dict[str, str | Callable[..., Any]] = {
    # -- elementwise, one argument ---------------------------------------------------------
    "abs": "Tensor.abs",
    "acos": "Tensor.acos",
    "acosh": "Tensor.acosh",
    "asin": "Tensor.asin",
    "asinh": "Tensor.asinh",
    "atan": "Tensor.atan",
    "atanh": "Tensor.atanh",
    "ceil": "Tensor.ceil",
    "cos": "Tensor.cos",
    "cosh": "Tensor.cosh",
    "erf": "Tensor.erf",
    "exp": "Tensor.exp",
    "exp2": "Tensor.exp2",
    "floor": "Tensor.floor",
    "log": "Tensor.log",
    "log10": "Tensor.log10",
    "log2": "Tensor.log2",
    "neg": "Tensor.neg",
    "reciprocal": "Tensor.reciprocal",
    "round": "Tensor.round",
    "rsqrt": "Tensor.rsqrt",
    "sgn": "Tensor.sign",
    "sign": "Tensor.sign",
    "sigmoid": "Tensor.sigmoid",
    "sin": "Tensor.sin",
    "sinh": "Tensor.sinh",
    "sqrt": "Tensor.sqrt",
    "square": "Tensor.square",
    "tan": "Tensor.tan",
    "tanh": "Tensor.tanh",
    "trunc": "Tensor.trunc",
    "clone": "Tensor.clone",
    "contiguous": "Tensor.contiguous",
    # -- elementwise, two or more arguments -----------------------------------------------
    "add": lambda input, other, alpha=1: input.add(other, **_given(alpha=(alpha, 1))),
    "sub": lambda input, other, alpha=1: input.sub(other, **_given(alpha=(alpha, 1))),
    "mul": "Tensor.mul",
    "div": "Tensor.div",
    "true_divide": "Tensor.div",
    "pow": "Tensor.pow",
    "copysign": "Tensor.copysign",
    "fmod": "Tensor.fmod",
    "remainder": "Tensor.mod",
    "maximum": "Tensor.maximum",
    "minimum": "Tensor.minimum",
    "logaddexp": "Tensor.logaddexp",
    "lerp": "Tensor.lerp",
    "where": "Tensor.where",
    "masked_fill": "Tensor.masked_fill",
    "clamp": lambda input, min=None, max=None: input.clip(min, max),
    "clamp_min": lambda input, min: input.clip(min_=min),
    "clamp_max": lambda input, max: input.clip(max_=max),
    "__radd__": lambda input, other: input.__radd__(other),
    "__rsub__": lambda input, other: input.__rsub__(other),
    "__rmul__": lambda input, other: input.__rmul__(other),
    "__rdiv__": lambda input, other: input.__rtruediv__(other),
    "__rpow__": lambda input, other: input.__rpow__(other),
    # -- activations -----------------------------------------------------------------------
    "nn.functional.relu": "Tensor.relu",
    "nn.functional.relu6": "Tensor.relu6",
    "nn.functional.elu": lambda input, alpha=1.0: input.elu(alpha),
    "nn.functional.celu": lambda input, alpha=1.0: input.celu(alpha),
    "nn.functional.selu": "Tensor.selu",
    "nn.functional.silu": "Tensor.silu",
    "nn.functional.mish": "Tensor.mish",
    "nn.functional.gelu": lambda input, approximate="none": input.gelu(approximate=approximate),
    "nn.functional.hardsigmoid": "Tensor.hardsigmoid",
    "nn.functional.hardswish": "Tensor.hardswish",
    "nn.functional.hardtanh": lambda input, min_val=-1.0, max_val=1.0: input.hardtanh(min_val, max_val),
    "nn.functional.leaky_relu": lambda input, negative_slope=0.01: input.leaky_relu(negative_slope),
    "nn.functional.logsigmoid": "Tensor.logsigmoid",
    "nn.functional.softplus": lambda input, beta=1.0: input.softplus(beta),
    "nn.functional.softsign": "Tensor.softsign",
    "softmax": lambda input, dim: input.softmax(dim),
    "log_softmax": lambda input, dim: input.log_softmax(dim),
    "nn.functional.softmin": lambda input, dim: input.softmin(dim),
    # -- reductions and scans --------------------------------------------------------------
    "sum": lambda input, dim=None, keepdim=False: input.sum(_axis(dim), keepdim=keepdim),
    "mean": lambda input, dim=None, keepdim=False: input.mean(_axis(dim), keepdim=keepdim),
    "prod": lambda input, dim=None, keepdim=False: input.prod(_axis(dim), keepdim=keepdim),
    "amax": lambda input, dim=(), keepdim=False: input.max(_axis(dim), keepdim=keepdim),
    "amin": lambda input, dim=(), keepdim=False: input.min(_axis(dim), keepdim=keepdim),
    "var": lambda input, dim=None, correction=1, keepdim=False: input.var(_axis(dim), keepdim=keepdim, correction=correction),
    "std": lambda input, dim=None, correction=1, keepdim=False: input.std(_axis(dim), keepdim=keepdim, correction=correction),
    "var_mean": lambda input, dim=None, correction=1, keepdim=False: input.var_mean(
        _axis(dim), keepdim=keepdim, correction=correction
    ),
    "std_mean": lambda input, dim=None, correction=1, keepdim=False: input.std_mean(
        _axis(dim), keepdim=keepdim, correction=correction
    ),
    "logsumexp": lambda input, dim, keepdim=False: input.logsumexp(_axis(dim), keepdim=keepdim),
    "cumsum": lambda input, dim: input.cumsum(dim),
    "cumprod": lambda input, dim: input.cumprod(dim),
    "logcumsumexp": lambda input, dim: input.logcumsumexp(dim),
    "cummax": lambda input, dim: input.cummax(dim),
    "cummin": lambda input, dim: input.cummin(dim),
    "sort": lambda input, dim=-1, descending=False: input.sort(dim, descending=descending),
    "topk": lambda input, k, dim=-1, largest=True: input.topk(k, dim, largest=largest),
    # -- linear algebra --------------------------------------------------------------------
    "mm": "Tensor.matmul",
    "bmm": "Tensor.matmul",
    "mv": "Tensor.matmul",
    "matmul": "Tensor.matmul",
    "dot": "Tensor.dot",
    "einsum": "Tensor.einsum",
    "linalg.qr": "Tensor.qr",
    "qr": "Tensor.qr",
    "linalg.svd": lambda A, full_matrices=True: A.svd(full_matrices=full_matrices),
    # -- shapes ----------------------------------------------------------------------------
    "cat": lambda tensors, dim=0: tensors[0].cat(*tensors[1:], dim=dim),
    "stack": lambda tensors, dim=0: tensors[0].stack(*tensors[1:], dim=dim),
    "split": lambda tensor, split_size_or_sections, dim=0: tensor.split(split_size_or_sections, dim),
    "chunk": lambda input, chunks, dim=0: input.chunk(chunks, dim),
    "permute": lambda input, dims: input.permute(tuple(dims)),
    "reshape": lambda input, shape: input.reshape(tuple(shape)),
    "view": lambda input, shape: input.view(tuple(shape)),
    "flatten": lambda input, start_dim=0, end_dim=-1: input.flatten(start_dim, end_dim),
    "unflatten": lambda input, dim, sizes: input.unflatten(dim, tuple(sizes)),
    "expand": lambda input, size: input.expand(tuple(size)),
    "squeeze": lambda input, dim=None: input.squeeze(_axis(dim)),
    "unsqueeze": lambda input, dim: input.unsqueeze(dim),
    "flip": lambda input, dims: input.flip(_axis(dims)),
    "roll": lambda input, shifts, dims=None: input.roll(_axis(shifts), _axis(dims)),
    "repeat": lambda input, repeats: input.repeat(tuple(repeats)),
    "repeat_interleave": lambda input, repeats, dim=None: input.repeat_interleave(repeats, dim),
    "transpose": lambda input, dim0, dim1: input.transpose(dim0, dim1),
    "T": lambda input: input.T,
    "unfold": lambda input, dimension, size, step: input.unfold(dimension, size, step),
    "diagonal": lambda input, offset=0, dim1=0, dim2=1: input.diagonal(offset, dim1, dim2),
    "meshgrid": _meshgrid,
    "tril": lambda input, diagonal=0: input.tril(diagonal),
    "triu": lambda input, diagonal=0: input.triu(diagonal),
    "diag": lambda input, diagonal=0: input.diag(**_given(diagonal=(diagonal, 0))),
    "nn.functional.pad": lambda input, pad, mode="constant", value=None: input.pad(
        tuple(pad), mode=mode, **({} if value is None else {"value": value})
    ),
    "constant_pad_nd": lambda input, pad, value=0: input.pad(tuple(pad), value=value),
    # -- indexing --------------------------------------------------------------------------
    "__getitem__": lambda input, index: input[index],
    "gather": "Tensor.gather",
    "scatter": "Tensor.scatter",
    "scatter_reduce": lambda input, dim, index, src, reduce, include_self=True: input.scatter_reduce(
        dim, index, src, reduce, include_self=include_self
    ),
    "masked_select": "Tensor.masked_select",
    # -- neural-network layers and losses --------------------------------------------------
    "nn.functional.linear": lambda input, weight, bias=None: input.linear(weight, bias),
    "nn.functional.conv1d": _conv,
    "nn.functional.conv2d": _conv,
    "nn.functional.conv3d": _conv,
    "nn.functional.conv_transpose1d": _conv_transpose,
    "nn.functional.conv_transpose2d": _conv_transpose,
    "nn.functional.conv_transpose3d": _conv_transpose,
    "nn.functional.layer_norm": lambda input, normalized_shape, weight=None, bias=None, eps=1e-5: input.layernorm(
        tuple(range(-len(normalized_shape), 0)), eps=eps, **_given(weight=(weight, None), bias=(bias, None))
    ),
    "nn.functional.max_pool1d": _max_pool(1),
    "nn.functional.max_pool2d": _max_pool(2),
    "nn.functional.max_pool3d": _max_pool(3),
    "nn.functional.avg_pool1d": _avg_pool(1),
    "nn.functional.avg_pool2d": _avg_pool(2),
    "nn.functional.avg_pool3d": _avg_pool(3),
    "nn.functional.scaled_dot_product_attention": lambda query, key, value, is_causal=False, scale=None: (
        query.scaled_dot_product_attention(key, value, is_causal=is_causal, **_given(scale=(scale, None)))
    ),
    "nn.functional.interpolate": lambda input, size, mode="nearest", align_corners=None: input.interpolate(
        tuple(size) if isinstance(size, (list, tuple)) else size,
        mode=mode,
        **({} if align_corners is None else {"align_corners": align_corners}),
    ),
    "nn.functional.normalize": lambda input, p=2.0, dim=1: input.normalize(p, dim),
    "nn.functional.cross_entropy": lambda input, target, weight=None, reduction="mean", label_smoothing=0.0: input.cross_entropy(
        target, reduction=reduction, label_smoothing=label_smoothing, **_given(weight=(weight, None))
    ),
    "nn.functional.nll_loss": lambda input, target, weight=None, reduction="mean": input.nll_loss(
        target, weight, reduction=reduction
    ),
    "nn.functional.binary_cross_entropy": lambda input, target, weight=None, reduction="mean": input.binary_crossentropy(
        target, reduction=reduction, **_given(weight=(weight, None))
    ),
    "nn.functional.binary_cross_entropy_with_logits": lambda input, target, weight=None, reduction="mean", pos_weight=None: (
        input.binary_crossentropy_logits(target, reduction=reduction, pos_weight=pos_weight, **_given(weight=(weight, None)))
    ),
}
