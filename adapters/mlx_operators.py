"""The operator table (``specs/_operators``) mapped onto MLX's own functions.

Each entry is MLX's analogue of the PyTorch operator: a dotted path in ``mlx`` (the adapter's
module: ``core.exp``, ``nn.relu``, ``core.linalg.inv``, ``nn.losses.mse_loss``), or a one-line
callable that only translates the table's arguments (PyTorch's names and conventions: ``dim``
-> ``axis``, ``keepdim`` -> ``keepdims``, ``correction`` -> ``ddof``, a class dimension of 1,
PyTorch's defaults such as ``reduction="mean"``, flat pad sizes -> per-axis pairs) into those of
the same MLX function.  Nothing here composes MLX calls to imitate an operator MLX lacks: such
operators are absent, and their specs are not applicable.  Where MLX's function has no analogue
of one of PyTorch's arguments (``alpha`` of ``add``, ``beta`` of ``softplus``, a per-class
``weight`` of ``cross_entropy``, ``log_target`` of ``kl_div``, ``full_matrices`` of
``linalg.svd``), the argument is passed on under PyTorch's name and MLX's refusal (a
``TypeError``) is what the specs report.

Left out, for want of an analogue under MLX's own API: PyTorch's ``(values, indices)``
reductions (``max``/``min``, ``sort``, ``topk``, ``median``, ``cummax``...: MLX's return the
values only; ``mx.topk`` does not even sort them), functional linear/bilinear layers,
normalisations other than layer and RMS norm, pooling, interpolation and embeddings (MLX has
them as ``mlx.nn`` modules only), convolutions (``mx.conv*d`` take channels-last arrays and
weights: calling them on PyTorch's layout would take transposes around them), ``torch.split``
and ``chunk`` (``mx.split`` takes sections or split points, as ``tensor_split`` does: it is
mapped there), scatters along a dimension other than ``scatter`` itself, the special functions
MLX lacks (``digamma``, ``lgamma``, ``erfc``, ``i0``...), the ``*_ex`` and ``masked.*``
operators, and ``index_put`` without ``accumulate`` (``ArrayAt`` has ``add`` but no
out-of-place ``set``).  ``narrow`` is left out although ``mx.slice`` is its analogue: MLX 0.32
reads out of bounds and crashes the process (a segmentation fault, no exception) on the negative
``start`` PyTorch's docs allow, which would take the whole run down rather than fail one spec.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import mlx.core as mx
import mlx.nn as nn

from gradspec.errors import AdapterError


def _axis(dim: Any) -> Any:
    """A dimension, or a tuple of them as the list MLX takes."""
    return list(dim) if isinstance(dim, tuple) else dim


def _reduced(dim: Any) -> Any:
    """``amax``/``amin``'s dimensions: an empty tuple (PyTorch's default) means all, MLX's ``None``."""
    return None if isinstance(dim, (tuple, list)) and not dim else _axis(dim)


def _widths(pad: Any, ndim: int) -> list[tuple[int, int]]:
    """torch's flat pad sizes (last dimension first, ``(left, right)`` pairs) as MLX's per-axis pairs."""
    pairs = [(int(pad[i]), int(pad[i + 1])) for i in range(0, len(pad), 2)]
    return [(0, 0)] * (ndim - len(pairs)) + pairs[::-1]


#: F.pad's modes by MLX's names (MLX has no circular mode: the name is passed on, and refused).
_PAD_MODES = {"constant": "constant", "reflect": "reflect", "replicate": "edge"}


def _pad(input: Any, pad: Any, mode: str = "constant", value: Any = None) -> Any:
    extra = {} if value is None else {"constant_values": value}
    named: Any = _PAD_MODES.get(mode, mode)  # a mode MLX lacks is passed on as it is, for MLX to refuse
    return mx.pad(input, _widths(pad, input.ndim), mode=named, **extra)


def _expanded(shape: tuple[int, ...], sizes: Any) -> list[int]:
    """``expand``'s sizes with each -1 replaced by the size it keeps (``broadcast_to`` takes none)."""
    sizes = [int(side) for side in sizes]
    offset = len(sizes) - len(shape)
    return [shape[i - offset] if size == -1 and i >= offset else size for i, size in enumerate(sizes)]


def _set_items(input: Any, indices: Any, values: Any) -> Any:
    raise AdapterError("MLX has no out-of-place item assignment: ArrayAt has add() but no set()")


def _keyword(name: str, value: Any) -> dict[str, Any]:
    """An argument MLX's function has no analogue of, passed on under PyTorch's name only when
    given (so MLX refuses it), else nothing."""
    return {} if value is None else {name: value}


OPERATORS: dict[str, str | Callable[..., Any]] = {
    # -- elementwise, one argument ---------------------------------------------------------
    "abs": "core.abs",
    "acos": "core.arccos",
    "acosh": "core.arccosh",
    "asin": "core.arcsin",
    "asinh": "core.arcsinh",
    "atan": "core.arctan",
    "atanh": "core.arctanh",
    "ceil": "core.ceil",
    "cos": "core.cos",
    "cosh": "core.cosh",
    "deg2rad": "core.radians",
    "erf": "core.erf",
    "erfinv": "core.erfinv",
    "exp": "core.exp",
    "expm1": "core.expm1",
    "floor": "core.floor",
    "log": "core.log",
    "log10": "core.log10",
    "log1p": "core.log1p",
    "log2": "core.log2",
    "neg": "core.negative",
    "positive": "core.positive",
    "rad2deg": "core.degrees",
    "reciprocal": "core.reciprocal",
    "round": "core.round",
    "rsqrt": "core.rsqrt",
    "sgn": "core.sign",
    "sign": "core.sign",
    "sigmoid": "core.sigmoid",
    "sin": "core.sin",
    "sinh": "core.sinh",
    "sqrt": "core.sqrt",
    "square": "core.square",
    "tan": "core.tan",
    "tanh": "core.tanh",
    "trunc": "core.trunc",
    "nan_to_num": "core.nan_to_num",
    "clone": "core.array",
    "contiguous": "core.contiguous",
    "conj": "core.conj",
    "conj_physical": "core.conjugate",
    "real": "core.real",
    # -- elementwise, two or more arguments -----------------------------------------------
    "add": "core.add",
    "sub": "core.subtract",
    "mul": "core.multiply",
    "div": "core.divide",
    "true_divide": "core.divide",
    "pow": "core.power",
    "atan2": "core.arctan2",
    "remainder": "core.remainder",
    "maximum": "core.maximum",
    "minimum": "core.minimum",
    "logaddexp": "core.logaddexp",
    "where": "core.where",
    "clamp": lambda input, min=None, max=None: mx.clip(input, min, max),
    "clamp_min": lambda input, min: mx.clip(input, min, None),
    "clamp_max": lambda input, max: mx.clip(input, None, max),
    "__radd__": lambda input, other: input.__radd__(other),
    "__rsub__": lambda input, other: input.__rsub__(other),
    "__rmul__": lambda input, other: input.__rmul__(other),
    "__rdiv__": lambda input, other: input.__rtruediv__(other),
    "__rpow__": lambda input, other: input.__rpow__(other),
    # -- activations -----------------------------------------------------------------------
    "nn.functional.relu": "nn.relu",
    "nn.functional.relu6": "nn.relu6",
    "nn.functional.elu": lambda input, alpha=1.0: nn.elu(input, alpha),
    "nn.functional.celu": lambda input, alpha=1.0: nn.celu(input, alpha),
    "nn.functional.selu": "nn.selu",
    "nn.functional.silu": "nn.silu",
    "nn.functional.mish": "nn.mish",
    "nn.functional.gelu": lambda input, approximate="none": (nn.gelu_approx if approximate == "tanh" else nn.gelu)(input),
    "nn.functional.hardshrink": lambda input, lambd=0.5: nn.hard_shrink(input, lambd),
    "nn.functional.hardswish": "nn.hardswish",
    "nn.functional.hardtanh": lambda input, min_val=-1.0, max_val=1.0: nn.hard_tanh(input, min_val, max_val),
    "nn.functional.leaky_relu": lambda input, negative_slope=0.01: nn.leaky_relu(input, negative_slope),
    "nn.functional.logsigmoid": "nn.log_sigmoid",
    "nn.functional.softplus": "nn.softplus",
    "nn.functional.softshrink": lambda input, lambd=0.5: nn.softshrink(input, lambd),
    "nn.functional.softsign": "nn.softsign",
    "nn.functional.prelu": lambda input, weight: nn.prelu(input, weight),
    "nn.functional.glu": lambda input, dim=-1: nn.glu(input, axis=dim),
    "softmax": lambda input, dim: mx.softmax(input, axis=dim),
    "log_softmax": lambda input, dim: nn.log_softmax(input, axis=dim),
    "nn.functional.softmin": lambda input, dim: nn.softmin(input, axis=dim),
    # -- reductions and scans --------------------------------------------------------------
    "sum": lambda input, dim=None, keepdim=False: mx.sum(input, axis=_axis(dim), keepdims=keepdim),
    "mean": lambda input, dim=None, keepdim=False: mx.mean(input, axis=_axis(dim), keepdims=keepdim),
    "prod": lambda input, dim=None, keepdim=False: mx.prod(input, axis=_axis(dim), keepdims=keepdim),
    "amax": lambda input, dim=(), keepdim=False: mx.max(input, axis=_reduced(dim), keepdims=keepdim),
    "amin": lambda input, dim=(), keepdim=False: mx.min(input, axis=_reduced(dim), keepdims=keepdim),
    "aminmax": lambda input, dim=None, keepdim=False: mx.minmax(input, axis=dim, keepdims=keepdim),
    "msort": lambda input: mx.sort(input, axis=0),
    "var": lambda input, dim=None, correction=1, keepdim=False: mx.var(input, axis=_axis(dim), keepdims=keepdim, ddof=correction),
    "std": lambda input, dim=None, correction=1, keepdim=False: mx.std(input, axis=_axis(dim), keepdims=keepdim, ddof=correction),
    "norm": lambda input, p="fro", dim=None, keepdim=False: mx.linalg.norm(input, ord=p, axis=_axis(dim), keepdims=keepdim),
    "logsumexp": lambda input, dim, keepdim=False: mx.logsumexp(input, axis=_axis(dim), keepdims=keepdim),
    "cumsum": lambda input, dim: mx.cumsum(input, axis=dim),
    "cumprod": lambda input, dim: mx.cumprod(input, axis=dim),
    "logcumsumexp": lambda input, dim: mx.logcumsumexp(input, axis=dim),
    "trace": "core.trace",
    "diff": lambda input, n=1, dim=-1: mx.diff(input, n, axis=dim),
    # -- linear algebra --------------------------------------------------------------------
    "mm": "core.matmul",
    "bmm": "core.matmul",
    "matmul": "core.matmul",
    "mv": "core.matmul",
    "addmm": lambda input, mat1, mat2, beta=1, alpha=1: mx.addmm(input, mat1, mat2, alpha=alpha, beta=beta),
    "baddbmm": lambda input, batch1, batch2, beta=1, alpha=1: mx.addmm(input, batch1, batch2, alpha=alpha, beta=beta),
    "einsum": "core.einsum",
    "dot": "core.inner",
    "inner": "core.inner",
    "outer": "core.outer",
    "tensordot": lambda a, b, dims=2: mx.tensordot(a, b, axes=dims),
    "kron": "core.kron",
    "linalg.vecdot": lambda x, y, dim=-1: mx.vecdot(x, y, axis=dim),
    "linalg.cross": lambda input, other, dim=-1: mx.linalg.cross(input, other, axis=dim),
    "cross": lambda input, other, dim=None: mx.linalg.cross(input, other, **({} if dim is None else {"axis": dim})),
    "linalg.solve": "core.linalg.solve",
    "linalg.inv": "core.linalg.inv",
    "linalg.det": "core.linalg.det",
    "linalg.slogdet": "core.linalg.slogdet",
    "linalg.cholesky": "core.linalg.cholesky",
    "cholesky": "core.linalg.cholesky",
    "linalg.eigh": "core.linalg.eigh",
    "linalg.eigvalsh": "core.linalg.eigvalsh",
    "linalg.svd": lambda A, full_matrices=None: mx.linalg.svd(A, **_keyword("full_matrices", full_matrices)),
    "linalg.svdvals": lambda A: mx.linalg.svd(A, compute_uv=False),
    "linalg.qr": "core.linalg.qr",
    "qr": "core.linalg.qr",
    "linalg.lu_factor": "core.linalg.lu_factor",
    "linalg.lu": "core.linalg.lu",
    "lu": "core.linalg.lu_factor",
    "linalg.solve_triangular": lambda A, B, upper: mx.linalg.solve_triangular(A, B, upper=upper),
    "linalg.pinv": "core.linalg.pinv",
    "pinverse": "core.linalg.pinv",
    "linalg.matrix_norm": lambda A, ord="fro", dim=(-2, -1), keepdim=False: mx.linalg.norm(
        A, ord=ord, axis=list(dim), keepdims=keepdim
    ),
    "linalg.norm": lambda A, ord=None, dim=None, keepdim=False: mx.linalg.norm(A, ord=ord, axis=_axis(dim), keepdims=keepdim),
    # -- losses (PyTorch's class dimension 1 and default reduction "mean", by meaning) ------
    "nn.functional.cross_entropy": lambda input, target, weight=None, reduction="mean", label_smoothing=0.0: (
        nn.losses.cross_entropy(
            input,
            target,
            axis=1 if input.ndim > 1 else 0,
            label_smoothing=label_smoothing,
            reduction=reduction,
            **_keyword("weight", weight),
        )
    ),
    "nn.functional.nll_loss": lambda input, target, weight=None, reduction="mean": nn.losses.nll_loss(
        input, target, axis=1 if input.ndim > 1 else 0, reduction=reduction, **_keyword("weight", weight)
    ),
    "nn.functional.mse_loss": lambda input, target, reduction="mean": nn.losses.mse_loss(input, target, reduction=reduction),
    "nn.functional.l1_loss": lambda input, target, reduction="mean": nn.losses.l1_loss(input, target, reduction=reduction),
    "nn.functional.smooth_l1_loss": lambda input, target, reduction="mean", beta=1.0: nn.losses.smooth_l1_loss(
        input, target, beta=beta, reduction=reduction
    ),
    "nn.functional.huber_loss": lambda input, target, reduction="mean", delta=1.0: nn.losses.huber_loss(
        input, target, delta=delta, reduction=reduction
    ),
    "nn.functional.binary_cross_entropy": lambda input, target, weight=None, reduction="mean": nn.losses.binary_cross_entropy(
        input, target, weights=weight, with_logits=False, reduction=reduction
    ),
    "nn.functional.binary_cross_entropy_with_logits": lambda input, target, weight=None, reduction="mean", pos_weight=None: (
        nn.losses.binary_cross_entropy(
            input, target, weights=weight, with_logits=True, reduction=reduction, **_keyword("pos_weight", pos_weight)
        )
    ),
    "nn.functional.kl_div": lambda input, target, reduction="mean", log_target=None: nn.losses.kl_div_loss(
        input, target, reduction=reduction, **_keyword("log_target", log_target)
    ),
    "nn.functional.gaussian_nll_loss": lambda input, target, var, full=False, eps=1e-6, reduction="mean": (
        nn.losses.gaussian_nll_loss(input, target, var, full=full, eps=eps, reduction=reduction)
    ),
    "nn.functional.margin_ranking_loss": lambda input1, input2, target, margin=0.0, reduction="mean": (
        nn.losses.margin_ranking_loss(input1, input2, target, margin=margin, reduction=reduction)
    ),
    "nn.functional.triplet_margin_loss": lambda anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=None, reduction="mean": (
        nn.losses.triplet_loss(
            anchor, positive, negative, p=p, margin=margin, eps=eps, reduction=reduction, **_keyword("swap", swap)
        )
    ),
    # -- nn functions MLX has as functions (mx.fast) ---------------------------------------
    "nn.functional.layer_norm": lambda input, normalized_shape, weight=None, bias=None, eps=1e-5: mx.fast.layer_norm(
        input, weight, bias, eps
    ),
    "nn.functional.rms_norm": lambda input, normalized_shape, weight=None, eps=None: mx.fast.rms_norm(
        input, weight, mx.finfo(input.dtype).eps if eps is None else eps
    ),
    "nn.functional.scaled_dot_product_attention": lambda query, key, value, is_causal=False, scale=None: (
        mx.fast.scaled_dot_product_attention(
            query,
            key,
            value,
            scale=1.0 / math.sqrt(query.shape[-1]) if scale is None else scale,
            mask="causal" if is_causal else None,
        )
    ),
    "nn.functional.pad": _pad,
    "constant_pad_nd": lambda input, pad, value=0: mx.pad(input, _widths(pad, input.ndim), constant_values=value),
    # -- shapes ----------------------------------------------------------------------------
    "cat": lambda tensors, dim=0: mx.concatenate(tensors, axis=dim),
    "stack": lambda tensors, dim=0: mx.stack(tensors, axis=dim),
    "tensor_split": lambda input, indices_or_sections, dim=0: mx.split(input, indices_or_sections, axis=dim),
    "unbind": lambda input, dim=0: mx.unstack(input, axis=dim),
    "permute": lambda input, dims: mx.transpose(input, list(dims)),
    "movedim": lambda input, source, destination: mx.moveaxis(input, source, destination),
    "reshape": lambda input, shape: mx.reshape(input, list(shape)),
    "flatten": lambda input, start_dim=0, end_dim=-1: mx.flatten(input, start_dim, end_dim),
    "unflatten": lambda input, dim, sizes: mx.unflatten(input, dim, list(sizes)),
    "ravel": "core.flatten",
    "expand": lambda input, size: mx.broadcast_to(input, _expanded(tuple(input.shape), size)),
    "broadcast_to": lambda input, shape: mx.broadcast_to(input, list(shape)),
    "broadcast_tensors": "core.broadcast_arrays",
    "squeeze": lambda input, dim=None: mx.squeeze(input, axis=_axis(dim)),
    "unsqueeze": lambda input, dim: mx.expand_dims(input, dim),
    "flip": lambda input, dims: mx.flip(input, axis=_axis(dims)),
    "roll": lambda input, shifts, dims=None: mx.roll(input, shifts, dims),
    "repeat": lambda input, repeats: mx.tile(input, list(repeats)),
    "tile": lambda input, dims: mx.tile(input, list(dims)),
    "repeat_interleave": lambda input, repeats, dim=None: mx.repeat(input, repeats, axis=dim),
    "transpose": lambda input, dim0, dim1: mx.swapaxes(input, dim0, dim1),
    "t": "core.transpose",
    "T": lambda input: input.T,
    "mT": "core.matrix_transpose",
    "select": lambda input, dim, index: mx.take(input, index, axis=dim),
    "as_strided": lambda input, size, stride, storage_offset=0: mx.as_strided(input, list(size), list(stride), storage_offset),
    "diagonal": lambda input, offset=0, dim1=0, dim2=1: mx.diagonal(input, offset, dim1, dim2),
    "atleast_1d": "core.atleast_1d",
    "atleast_2d": "core.atleast_2d",
    "atleast_3d": "core.atleast_3d",
    "meshgrid": lambda *tensors, indexing="ij": mx.meshgrid(
        *(tensors[0] if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)) else tensors), indexing=indexing
    ),
    # -- indexing --------------------------------------------------------------------------
    "__getitem__": lambda input, index: input[index],
    "index_select": lambda input, dim, index: mx.take(input, index, axis=dim),
    "gather": lambda input, dim, index: mx.take_along_axis(input, index, axis=dim),
    "take_along_dim": lambda input, indices, dim=None: mx.take_along_axis(input, indices, axis=dim),
    "take": "core.take",
    "scatter": lambda input, dim, index, src: mx.put_along_axis(input, index, src, axis=dim),
    "index_put": lambda input, indices, values, accumulate=False: (
        input.at[tuple(indices)].add(values) if accumulate else _set_items(input, indices, values)
    ),
    "tril": lambda input, diagonal=0: mx.tril(input, diagonal),
    "triu": lambda input, diagonal=0: mx.triu(input, diagonal),
    "diag": lambda input, diagonal=0: mx.diag(input, diagonal),
    "linalg.diagonal": lambda A, offset=0, dim1=-2, dim2=-1: mx.diagonal(A, offset, dim1, dim2),
}
