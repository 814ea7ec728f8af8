"""The operator table (``specs/_operators``) mapped onto PaddlePaddle's own functions.

Each entry is paddle's analogue of the PyTorch operator: a dotted path in ``paddle`` (the
adapter's module: ``exp``, ``linalg.solve``, ``nn.functional.relu``), or a one-line callable that
only translates the table's argument names and conventions (``input`` -> ``x``, ``dim`` ->
``axis``, ``target`` -> ``label``, a variadic pair of tensors -> paddle's list) into those of the
same paddle function.  Where torch's and paddle's function differ in a default or a data layout
(``F.linear``'s weight is ``[in, out]`` in paddle, ``F.grid_sample`` aligns corners by default,
``linalg.cross`` takes the first axis of size 3), the arguments are passed by meaning and the
difference is what the specs report.  Where paddle's function refuses an argument PyTorch's
takes (``dilation`` of ``F.max_pool2d``, ``correction=2`` of ``paddle.std``), it is passed on and
paddle's refusal is what the specs report.

``paddle.compat`` is paddle's own PyTorch-compatible namespace: its ``max``/``min``/``median``/
``nanmedian``/``sort`` return ``(values, indices)`` as torch's do, ``split`` takes torch's split
sizes and ``slogdet`` returns ``(sign, logabsdet)`` (``paddle.linalg.slogdet`` stacks them).

Left out, for want of an analogue under paddle's API: ``erfc``, ``exp2``, ``fmod``, ``logaddexp2``,
``float_power``, ``xlogy`` and most of ``torch.special``; ``addbmm``/``addmv``/``addr``/
``addcmul``/``addcdiv``; the ``*_copy`` and ``unsafe_*`` variants, ``select``, ``sum_to_size``,
``fliplr``/``flipud``, ``reshape_as``, ``put``, ``index_copy``, ``index_reduce``; the
``linalg.*_ex`` functions, ``linalg.lu`` (paddle's ``lu`` is the packed ``lu_factor``),
``linalg.tensorinv``/``tensorsolve``, ``logdet``, ``svd`` (paddle's returns ``Vh``, as
``linalg.svd``) and ``triangular_solve`` (paddle's returns the solution alone, as
``linalg.solve_triangular``); ``aminmax``, ``std_mean``/``var_mean``; the ``masked.*`` operators;
``softmin``, ``embedding_bag`` and ``linear_cross_entropy``.

Left out although paddle has the analogue, because paddle 3.3 (CPU) crashes the process on
inputs PyTorch's docs allow (a segmentation fault or an abort, no exception), which would take
the whole run down rather than fail one spec:

* ``cholesky_solve``: ``paddle.linalg.cholesky_solve(B, L)`` segfaults in the forward whenever
  ``B`` requires grad (with ``stop_gradient=True`` it runs);
* ``slice_scatter``: ``paddle.slice_scatter`` segfaults or aborts on a negative axis (``dim=-1``
  of a 2-d input);
* ``norm`` and ``linalg.vector_norm``: the backward of ``paddle.norm`` /
  ``paddle.linalg.vector_norm`` of a 0-d tensor with ``axis=-1`` segfaults / aborts;
* ``__rdiv__``: ``paddle.incubate.autograd.jvp`` of ``x.__rtruediv__(c)`` segfaults (any shape).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import paddle
import paddle.nn.functional as F


def _axis(dim: Any) -> Any:
    """A dimension or a list of them, as paddle's ``axis`` takes them."""
    return list(dim) if isinstance(dim, tuple) else dim


def _all_if_empty(dim: Any) -> Any:
    """torch's ``dim=()`` (every dimension) as paddle's ``axis=None``."""
    return None if isinstance(dim, (tuple, list)) and not dim else _axis(dim)


def _unbiased(correction: Any) -> dict[str, Any]:
    """torch's ``correction`` as paddle's boolean ``unbiased`` (0 or 1); any other correction is
    passed on by its own name, for paddle to refuse."""
    return {"unbiased": bool(correction)} if correction in (0, 1) else {"correction": correction}


def _given(**values: Any) -> dict[str, Any]:
    """The keywords whose value is given (not ``None``: torch's "use the default")."""
    return {name: value for name, value in values.items() if value is not None}


OPERATORS: dict[str, str | Callable[..., Any]] = {
    # -- elementwise, one argument ---------------------------------------------------------
    "abs": "abs",
    "acos": "acos",
    "acosh": "acosh",
    "asin": "asin",
    "asinh": "asinh",
    "atan": "atan",
    "atanh": "atanh",
    "ceil": "ceil",
    "cos": "cos",
    "cosh": "cosh",
    "deg2rad": "deg2rad",
    "digamma": "digamma",
    "erf": "erf",
    "erfinv": "erfinv",
    "exp": "exp",
    "expm1": "expm1",
    "floor": "floor",
    "frac": "frac",
    "i0": "i0",
    "lgamma": "lgamma",
    "log": "log",
    "log10": "log10",
    "log1p": "log1p",
    "log2": "log2",
    "logit": "logit",
    "neg": "neg",
    "positive": "positive",
    "rad2deg": "rad2deg",
    "reciprocal": "reciprocal",
    "round": "round",
    "rsqrt": "rsqrt",
    "sgn": "sgn",
    "sign": "sign",
    "sigmoid": "sigmoid",
    "sin": "sin",
    "sinc": "sinc",
    "sinh": "sinh",
    "sqrt": "sqrt",
    "square": "square",
    "tan": "tan",
    "tanh": "tanh",
    "trunc": "trunc",
    "nan_to_num": "nan_to_num",
    "mvlgamma": lambda input, p: paddle.multigammaln(input, p),
    "polygamma": lambda n, input: paddle.polygamma(input, n),
    "special.polygamma": lambda n, input: paddle.polygamma(input, n),
    "special.i0e": "i0e",
    "special.i1": "i1",
    "special.i1e": "i1e",
    "angle": "angle",
    "clone": "clone",
    "conj": "conj",
    "real": "real",
    "contiguous": lambda input: input.contiguous(),
    # -- elementwise, two or more arguments -----------------------------------------------
    "add": lambda input, other, alpha=1: paddle.add(input, other, alpha=alpha),
    "sub": lambda input, other, alpha=1: paddle.subtract(input, other, alpha=alpha),
    "mul": "multiply",
    "div": "divide",
    "true_divide": "true_divide",
    "pow": "pow",
    "atan2": "atan2",
    "hypot": "hypot",
    "copysign": "copysign",
    "remainder": "remainder",
    "maximum": "maximum",
    "minimum": "minimum",
    "fmax": "fmax",
    "fmin": "fmin",
    "logaddexp": "logaddexp",
    "ldexp": "ldexp",
    "lerp": "lerp",
    "where": "where",
    "clamp": lambda input, min=None, max=None: paddle.clip(input, min=min, max=max),
    "clamp_min": lambda input, min: paddle.clip(input, min=min),
    "clamp_max": lambda input, max: paddle.clip(input, max=max),
    "dist": lambda input, other, p=2: paddle.dist(input, other, p=p),
    "__radd__": lambda input, other: input.__radd__(other),
    "__rsub__": lambda input, other: input.__rsub__(other),
    "__rmul__": lambda input, other: input.__rmul__(other),
    "__rpow__": lambda input, other: input.__rpow__(other),
    # -- activations -----------------------------------------------------------------------
    "nn.functional.relu": "nn.functional.relu",
    "nn.functional.relu6": "nn.functional.relu6",
    "nn.functional.elu": lambda input, alpha=1.0: F.elu(input, alpha=alpha),
    "nn.functional.celu": lambda input, alpha=1.0: F.celu(input, alpha=alpha),
    "nn.functional.selu": "nn.functional.selu",
    "nn.functional.silu": "nn.functional.silu",
    "nn.functional.mish": "nn.functional.mish",
    "nn.functional.gelu": lambda input, approximate="none": F.gelu(input, approximate=approximate),
    "nn.functional.hardsigmoid": "nn.functional.hardsigmoid",
    "nn.functional.hardswish": "nn.functional.hardswish",
    "nn.functional.hardtanh": "nn.functional.hardtanh",
    "nn.functional.hardshrink": "nn.functional.hardshrink",
    "nn.functional.softshrink": "nn.functional.softshrink",
    "nn.functional.tanhshrink": "nn.functional.tanhshrink",
    "nn.functional.leaky_relu": lambda input, negative_slope=0.01: F.leaky_relu(input, negative_slope=negative_slope),
    "nn.functional.logsigmoid": "nn.functional.log_sigmoid",
    "nn.functional.softplus": lambda input, beta=1.0: F.softplus(input, beta=beta),
    "nn.functional.softsign": "nn.functional.softsign",
    "nn.functional.threshold": lambda input, threshold, value: F.thresholded_relu(input, threshold, value),
    "nn.functional.glu": lambda input, dim=-1: F.glu(input, axis=dim),
    "nn.functional.prelu": lambda input, weight: F.prelu(input, weight),
    "nn.functional.rrelu": lambda input, lower=1.0 / 8, upper=1.0 / 3, training=False: F.rrelu(
        input, lower=lower, upper=upper, training=training
    ),
    "softmax": lambda input, dim: F.softmax(input, axis=dim),
    "log_softmax": lambda input, dim: F.log_softmax(input, axis=dim),
    # -- reductions and scans --------------------------------------------------------------
    "sum": lambda input, dim=None, keepdim=False: paddle.sum(input, axis=_axis(dim), keepdim=keepdim),
    "mean": lambda input, dim=None, keepdim=False: paddle.mean(input, axis=_axis(dim), keepdim=keepdim),
    "prod": lambda input, dim=None, keepdim=False: paddle.prod(input, axis=_axis(dim), keepdim=keepdim),
    "nansum": lambda input, dim=None, keepdim=False: paddle.nansum(input, axis=_axis(dim), keepdim=keepdim),
    "nanmean": lambda input, dim=None, keepdim=False: paddle.nanmean(input, axis=_axis(dim), keepdim=keepdim),
    "amax": lambda input, dim=(), keepdim=False: paddle.amax(input, axis=_all_if_empty(dim), keepdim=keepdim),
    "amin": lambda input, dim=(), keepdim=False: paddle.amin(input, axis=_all_if_empty(dim), keepdim=keepdim),
    "max": "compat.max",
    "min": "compat.min",
    "median": lambda input, dim=None, keepdim=False: paddle.compat.median(input, dim, keepdim),
    "nanmedian": lambda input, dim=None, keepdim=False: paddle.compat.nanmedian(input, dim, keepdim),
    "mode": lambda input, dim=-1, keepdim=False: paddle.mode(input, axis=dim, keepdim=keepdim),
    "kthvalue": lambda input, k, dim=-1, keepdim=False: paddle.kthvalue(input, k, axis=dim, keepdim=keepdim),
    "var": lambda input, dim=None, correction=1, keepdim=False: paddle.var(
        input, axis=_axis(dim), correction=correction, keepdim=keepdim
    ),
    "std": lambda input, dim=None, correction=1, keepdim=False: paddle.std(
        input, axis=_axis(dim), keepdim=keepdim, **_unbiased(correction)
    ),
    "logsumexp": lambda input, dim, keepdim=False: paddle.logsumexp(input, axis=_axis(dim), keepdim=keepdim),
    "quantile": lambda input, q, dim=None, keepdim=False, interpolation="linear": paddle.quantile(
        input, q, axis=dim, keepdim=keepdim, interpolation=interpolation
    ),
    "nanquantile": lambda input, q, dim=None, keepdim=False, interpolation="linear": paddle.nanquantile(
        input, q, axis=dim, keepdim=keepdim, interpolation=interpolation
    ),
    "topk": lambda input, k, dim=-1, largest=True: paddle.topk(input, k, axis=dim, largest=largest),
    "sort": lambda input, dim=-1, descending=False: paddle.compat.sort(input, dim=dim, descending=descending),
    "msort": "msort",
    "cumsum": lambda input, dim: paddle.cumsum(input, axis=dim),
    "cumprod": lambda input, dim: paddle.cumprod(input, dim=dim),
    "cummax": lambda input, dim: paddle.cummax(input, axis=dim),
    "cummin": lambda input, dim: paddle.cummin(input, axis=dim),
    "logcumsumexp": lambda input, dim: paddle.logcumsumexp(input, axis=dim),
    "trace": "trace",
    "diff": lambda input, n=1, dim=-1: paddle.diff(input, n, axis=dim),
    "cov": lambda input, correction=1: paddle.linalg.cov(
        input, **({"ddof": bool(correction)} if correction in (0, 1) else {"correction": correction})
    ),
    "corrcoef": "linalg.corrcoef",
    # -- linear algebra --------------------------------------------------------------------
    "matmul": "matmul",
    "mm": "mm",
    "bmm": "bmm",
    "mv": "mv",
    "dot": "dot",
    "inner": "inner",
    "outer": "outer",
    "kron": "kron",
    "addmm": lambda input, mat1, mat2, beta=1, alpha=1: paddle.addmm(input, mat1, mat2, beta=beta, alpha=alpha),
    "baddbmm": lambda input, batch1, batch2, beta=1, alpha=1: paddle.baddbmm(input, batch1, batch2, beta=beta, alpha=alpha),
    "einsum": "einsum",
    "tensordot": lambda a, b, dims=2: paddle.tensordot(a, b, axes=dims),
    "cross": lambda input, other, dim=None: paddle.cross(input, other, **_given(axis=dim)),
    "linalg.cross": "linalg.cross",
    "linalg.vecdot": lambda x, y, dim=-1: paddle.linalg.vecdot(x, y, axis=dim),
    "cdist": lambda x1, x2, p=2.0: paddle.cdist(x1, x2, p=p),
    "linalg.solve": "linalg.solve",
    "linalg.solve_triangular": lambda A, B, upper: paddle.linalg.triangular_solve(A, B, upper=upper),
    "linalg.inv": "linalg.inv",
    "linalg.det": "linalg.det",
    "linalg.slogdet": "compat.slogdet",
    "linalg.cholesky": "linalg.cholesky",
    "cholesky": "cholesky",
    "linalg.eigh": "linalg.eigh",
    "linalg.eigvalsh": "linalg.eigvalsh",
    "linalg.svd": lambda A, full_matrices=True: paddle.linalg.svd(A, full_matrices=full_matrices),
    "linalg.svdvals": "linalg.svdvals",
    "linalg.qr": "linalg.qr",
    "qr": "linalg.qr",
    "linalg.lstsq": "linalg.lstsq",
    "linalg.lu_factor": "linalg.lu",
    "lu": "linalg.lu",
    "linalg.lu_factor_ex": lambda A: paddle.linalg.lu(A, get_infos=True),
    "linalg.matrix_exp": "linalg.matrix_exp",
    "matrix_exp": "linalg.matrix_exp",
    "linalg.matrix_norm": lambda A, ord="fro": paddle.linalg.matrix_norm(A, p=ord),
    "linalg.matrix_power": lambda A, n: paddle.linalg.matrix_power(A, n),
    "linalg.multi_dot": "linalg.multi_dot",
    "linalg.norm": "linalg.norm",
    "linalg.pinv": "linalg.pinv",
    "pinverse": "linalg.pinv",
    "linalg.cond": "linalg.cond",
    "linalg.householder_product": "linalg.householder_product",
    "linalg.vander": lambda x: paddle.vander(x, increasing=True),
    "linalg.diagonal": lambda A, offset=0, dim1=-2, dim2=-1: paddle.linalg.diagonal(A, offset=offset, axis1=dim1, axis2=dim2),
    # -- shapes ----------------------------------------------------------------------------
    "cat": lambda tensors, dim=0: paddle.concat(tensors, axis=dim),
    "stack": lambda tensors, dim=0: paddle.stack(tensors, axis=dim),
    "hstack": "hstack",
    "vstack": "vstack",
    "dstack": "dstack",
    "column_stack": "column_stack",
    "split": "compat.split",
    "split_with_sizes": lambda input, split_sizes, dim=0: paddle.split(input, split_sizes, axis=dim),
    "tensor_split": lambda input, indices_or_sections, dim=0: paddle.tensor_split(input, indices_or_sections, axis=dim),
    "hsplit": "hsplit",
    "vsplit": "vsplit",
    "dsplit": "dsplit",
    "chunk": lambda input, chunks, dim=0: paddle.chunk(input, chunks, axis=dim),
    "unbind": lambda input, dim=0: paddle.unbind(input, axis=dim),
    "permute": lambda input, dims: paddle.permute(input, list(dims)),
    "movedim": "moveaxis",
    "reshape": lambda input, shape: paddle.reshape(input, list(shape)),
    "view": lambda input, shape: paddle.view(input, list(shape)),
    "view_as": "view_as",
    "ravel": "ravel",
    "flatten": lambda input, start_dim=0, end_dim=-1: paddle.flatten(input, start_axis=start_dim, stop_axis=end_dim),
    "unflatten": lambda input, dim, sizes: paddle.unflatten(input, dim, list(sizes)),
    "broadcast_to": lambda input, shape: paddle.broadcast_to(input, list(shape)),
    "broadcast_tensors": lambda first, second: paddle.broadcast_tensors([first, second]),
    "expand": lambda input, size: paddle.expand(input, list(size)),
    "expand_as": "expand_as",
    "squeeze": lambda input, dim=None: paddle.squeeze(input, axis=_axis(dim)),
    "unsqueeze": lambda input, dim: paddle.unsqueeze(input, dim),
    "flip": lambda input, dims: paddle.flip(input, axis=_axis(dims)),
    "roll": lambda input, shifts, dims=None: paddle.roll(input, shifts, axis=_axis(dims)),
    "rot90": lambda input, k=1, dims=(0, 1): paddle.rot90(input, k, axes=list(dims)),
    "tile": lambda input, dims: paddle.tile(input, list(dims)),
    "repeat": lambda input, repeats: input.repeat(list(repeats)),
    "repeat_interleave": lambda input, repeats, dim=None: paddle.repeat_interleave(input, repeats, axis=dim),
    "transpose": lambda input, dim0, dim1: paddle.swapdims(input, dim0, dim1),
    "t": "t",
    "T": lambda input: input.T,
    "mT": lambda input: input.mT,
    "diagonal": lambda input, offset=0, dim1=0, dim2=1: paddle.diagonal(input, offset, axis1=dim1, axis2=dim2),
    "diag": lambda input, diagonal=0: paddle.diag(input, offset=diagonal),
    "diag_embed": lambda input, offset=0, dim1=-2, dim2=-1: paddle.diag_embed(input, offset, dim1, dim2),
    "diagflat": lambda input, offset=0: paddle.diagflat(input, offset),
    "tril": lambda input, diagonal=0: paddle.tril(input, diagonal),
    "triu": lambda input, diagonal=0: paddle.triu(input, diagonal),
    "atleast_1d": "atleast_1d",
    "atleast_2d": "atleast_2d",
    "atleast_3d": "atleast_3d",
    "block_diag": lambda first, second, third: paddle.block_diag([first, second, third]),
    "cartesian_prod": lambda first, second: paddle.cartesian_prod([first, second]),
    "combinations": lambda input, r=2, with_replacement=False: paddle.combinations(input, r, with_replacement),
    "meshgrid": lambda *tensors, indexing="ij": paddle.meshgrid(*tensors, indexing=indexing),
    "narrow": lambda input, dim, start, length: paddle.narrow(input, dim, start, length),
    "unfold": lambda input, dimension, size, step: paddle.unfold(input, dimension, size, step),
    "as_strided": lambda input, size, stride, storage_offset=0: paddle.as_strided(
        input, list(size), list(stride), storage_offset
    ),
    "nn.functional.pad": lambda input, pad, mode="constant", value=None: F.pad(
        input, list(pad), mode=mode, value=0.0 if value is None else value, pad_from_left_axis=False
    ),
    "constant_pad_nd": lambda input, pad, value=0: F.pad(
        input, list(pad), mode="constant", value=value, pad_from_left_axis=False
    ),
    "nn.functional.channel_shuffle": lambda input, groups: F.channel_shuffle(input, groups),
    "nn.functional.pixel_shuffle": lambda input, upscale_factor: F.pixel_shuffle(input, upscale_factor),
    "nn.functional.pixel_unshuffle": lambda input, downscale_factor: F.pixel_unshuffle(input, downscale_factor),
    # -- indexing --------------------------------------------------------------------------
    "__getitem__": lambda input, index: input[index],
    "index_select": lambda input, dim, index: paddle.index_select(input, index, axis=dim),
    "gather": lambda input, dim, index: paddle.take_along_axis(input, index, axis=dim, broadcast=False),
    "take_along_dim": lambda input, indices, dim=None: paddle.take_along_dim(input, indices, axis=dim),
    "take": "take",
    "index_put": lambda input, indices, values, accumulate=False: paddle.index_put(input, indices, values, accumulate=accumulate),
    "index_add": lambda input, dim, index, source, alpha=1: paddle.index_add(input, index, dim, source, alpha=alpha),
    "index_fill": lambda input, dim, index, value: paddle.index_fill(input, index, dim, value),
    "masked_fill": "masked_fill",
    "masked_scatter": "masked_scatter",
    "masked_select": "masked_select",
    "scatter": lambda input, dim, index, src: paddle.put_along_axis(input, index, src, dim, broadcast=False),
    "scatter_add": lambda input, dim, index, src: paddle.scatter_add(input, dim, index, src),
    "scatter_reduce": lambda input, dim, index, src, reduce, include_self=True: paddle.scatter_reduce(
        input, dim, index, src, reduce, include_self=include_self
    ),
    "select_scatter": lambda input, src, dim, index: paddle.select_scatter(input, src, dim, index),
    "diagonal_scatter": lambda input, src, offset=0, dim1=0, dim2=1: paddle.diagonal_scatter(
        input, src, offset=offset, axis1=dim1, axis2=dim2
    ),
    # -- losses ----------------------------------------------------------------------------
    "nn.functional.binary_cross_entropy": lambda input, target, weight=None, reduction="mean": F.binary_cross_entropy(
        input, target, weight=weight, reduction=reduction
    ),
    "nn.functional.binary_cross_entropy_with_logits": lambda input, target, weight=None, reduction="mean", pos_weight=None: (
        F.binary_cross_entropy_with_logits(input, target, weight=weight, reduction=reduction, pos_weight=pos_weight)
    ),
    "nn.functional.cosine_embedding_loss": lambda input1, input2, target, margin=0.0, reduction="mean": F.cosine_embedding_loss(
        input1, input2, target, margin=margin, reduction=reduction
    ),
    # torch's class dimension is 1 (0 for an unbatched input); a floating target holds probabilities.
    "nn.functional.cross_entropy": lambda input, target, weight=None, reduction="mean", label_smoothing=0.0: F.cross_entropy(
        input,
        target,
        weight=weight,
        reduction=reduction,
        soft_label=paddle.is_floating_point(target),
        axis=min(1, input.ndim - 1),
        label_smoothing=label_smoothing,
    ),
    "nn.functional.gaussian_nll_loss": lambda input, target, var, full=False, reduction="mean": F.gaussian_nll_loss(
        input, target, var, full=full, reduction=reduction
    ),
    "nn.functional.hinge_embedding_loss": lambda input, target, margin=1.0, reduction="mean": F.hinge_embedding_loss(
        input, target, margin=margin, reduction=reduction
    ),
    "nn.functional.huber_loss": lambda input, target, reduction="mean", delta=1.0: F.smooth_l1_loss(
        input, target, reduction=reduction, delta=delta, is_huber=True
    ),
    "nn.functional.smooth_l1_loss": lambda input, target, reduction="mean", beta=1.0: F.smooth_l1_loss(
        input, target, reduction=reduction, delta=beta, is_huber=False
    ),
    "nn.functional.kl_div": lambda input, target, reduction="mean", log_target=False: F.kl_div(
        input, target, reduction=reduction, log_target=log_target
    ),
    "nn.functional.l1_loss": lambda input, target, reduction="mean": F.l1_loss(input, target, reduction=reduction),
    "nn.functional.mse_loss": lambda input, target, reduction="mean": F.mse_loss(input, target, reduction=reduction),
    "nn.functional.margin_ranking_loss": lambda input1, input2, target, margin=0.0, reduction="mean": F.margin_ranking_loss(
        input1, input2, target, margin=margin, reduction=reduction
    ),
    "nn.functional.multi_margin_loss": lambda input, target, p=1, margin=1.0, weight=None, reduction="mean": F.multi_margin_loss(
        input, target, p=p, margin=margin, weight=weight, reduction=reduction
    ),
    "nn.functional.multilabel_margin_loss": lambda input, target, reduction="mean": F.multi_label_margin_loss(
        input, target, reduction=reduction
    ),
    "nn.functional.multilabel_soft_margin_loss": lambda input, target, weight=None, reduction="mean": (
        F.multi_label_soft_margin_loss(input, target, weight=weight, reduction=reduction)
    ),
    "nn.functional.nll_loss": lambda input, target, weight=None, reduction="mean": F.nll_loss(
        input, target, weight=weight, reduction=reduction
    ),
    "nn.functional.poisson_nll_loss": lambda input, target, log_input=True, full=False, reduction="mean": F.poisson_nll_loss(
        input, target, log_input=log_input, full=full, reduction=reduction
    ),
    "nn.functional.soft_margin_loss": lambda input, target, reduction="mean": F.soft_margin_loss(
        input, target, reduction=reduction
    ),
    "nn.functional.triplet_margin_loss": lambda anchor, positive, negative, margin=1.0, p=2, swap=False, reduction="mean": (
        F.triplet_margin_loss(anchor, positive, negative, margin=margin, p=p, swap=swap, reduction=reduction)
    ),
    "nn.functional.triplet_margin_with_distance_loss": lambda anchor, positive, negative, margin=1.0, swap=False, reduction="mean": (
        F.triplet_margin_with_distance_loss(anchor, positive, negative, margin=margin, swap=swap, reduction=reduction)
    ),
    # -- nn --------------------------------------------------------------------------------
    "nn.functional.linear": lambda input, weight, bias=None: F.linear(input, weight, bias),
    "nn.functional.bilinear": lambda input1, input2, weight, bias=None: F.bilinear(input1, input2, weight, bias),
    "nn.functional.embedding": lambda input, weight: F.embedding(input, weight),
    "nn.functional.cosine_similarity": lambda x1, x2, dim=1: F.cosine_similarity(x1, x2, axis=dim),
    "nn.functional.pairwise_distance": lambda x1, x2, p=2.0, keepdim=False: F.pairwise_distance(x1, x2, p=p, keepdim=keepdim),
    "nn.functional.pdist": lambda input, p=2.0: F.pdist(input, p=p),
    "nn.functional.normalize": lambda input, p=2.0, dim=1: F.normalize(input, p=p, axis=dim),
    "nn.functional.layer_norm": lambda input, normalized_shape, weight=None, bias=None: F.layer_norm(
        input, list(normalized_shape), weight, bias
    ),
    "nn.functional.rms_norm": lambda input, normalized_shape, weight=None: F.rms_norm(input, list(normalized_shape), weight),
    "nn.functional.group_norm": lambda input, num_groups, weight=None, bias=None: F.group_norm(
        input, num_groups, weight=weight, bias=bias
    ),
    "nn.functional.instance_norm": lambda input, weight=None, bias=None: F.instance_norm(input, weight=weight, bias=bias),
    "nn.functional.batch_norm": lambda input, running_mean, running_var, weight=None, bias=None, training=False: F.batch_norm(
        input, running_mean, running_var, weight, bias, training=training
    ),
    "nn.functional.local_response_norm": lambda input, size, alpha=1e-4, beta=0.75, k=1.0: F.local_response_norm(
        input, size, alpha=alpha, beta=beta, k=k
    ),
    "nn.functional.conv1d": lambda input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1: F.conv1d(
        input, weight, bias, stride=stride, padding=padding, dilation=dilation, groups=groups
    ),
    "nn.functional.conv2d": lambda input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1: F.conv2d(
        input, weight, bias, stride=stride, padding=padding, dilation=dilation, groups=groups
    ),
    "nn.functional.conv3d": lambda input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1: F.conv3d(
        input, weight, bias, stride=stride, padding=padding, dilation=dilation, groups=groups
    ),
    "nn.functional.conv_transpose1d": lambda input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1: (
        F.conv1d_transpose(
            input, weight, bias, stride=stride, padding=padding, output_padding=output_padding, groups=groups, dilation=dilation
        )
    ),
    "nn.functional.conv_transpose2d": lambda input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1: (
        F.conv2d_transpose(
            input, weight, bias, stride=stride, padding=padding, output_padding=output_padding, groups=groups, dilation=dilation
        )
    ),
    "nn.functional.conv_transpose3d": lambda input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1: (
        F.conv3d_transpose(
            input, weight, bias, stride=stride, padding=padding, output_padding=output_padding, groups=groups, dilation=dilation
        )
    ),
    "nn.functional.adaptive_avg_pool1d": lambda input, output_size: F.adaptive_avg_pool1d(input, output_size),
    "nn.functional.adaptive_avg_pool2d": lambda input, output_size: F.adaptive_avg_pool2d(input, output_size),
    "nn.functional.adaptive_avg_pool3d": lambda input, output_size: F.adaptive_avg_pool3d(input, output_size),
    "nn.functional.adaptive_max_pool1d": lambda input, output_size: F.adaptive_max_pool1d(input, output_size),
    "nn.functional.adaptive_max_pool2d": lambda input, output_size: F.adaptive_max_pool2d(input, output_size),
    "nn.functional.adaptive_max_pool3d": lambda input, output_size: F.adaptive_max_pool3d(input, output_size),
    # paddle's ``exclusive`` is the negation of torch's ``count_include_pad``.
    "nn.functional.avg_pool1d": lambda input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True: (
        F.avg_pool1d(input, kernel_size, stride, padding, exclusive=not count_include_pad, ceil_mode=ceil_mode)
    ),
    "nn.functional.avg_pool2d": lambda input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None: (
        F.avg_pool2d(
            input,
            kernel_size,
            stride,
            padding,
            ceil_mode=ceil_mode,
            exclusive=not count_include_pad,
            divisor_override=divisor_override,
        )
    ),
    "nn.functional.avg_pool3d": lambda input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None: (
        F.avg_pool3d(
            input,
            kernel_size,
            stride,
            padding,
            ceil_mode=ceil_mode,
            exclusive=not count_include_pad,
            divisor_override=divisor_override,
        )
    ),
    "nn.functional.max_pool1d": lambda input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False: F.max_pool1d(
        input, kernel_size, stride, padding, dilation=dilation, ceil_mode=ceil_mode
    ),
    "nn.functional.max_pool2d": lambda input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False: F.max_pool2d(
        input, kernel_size, stride, padding, dilation=dilation, ceil_mode=ceil_mode
    ),
    "nn.functional.max_pool3d": lambda input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False: F.max_pool3d(
        input, kernel_size, stride, padding, dilation=dilation, ceil_mode=ceil_mode
    ),
    "nn.functional.interpolate": lambda input, size=None, mode="nearest", align_corners=None: F.interpolate(
        input, size, mode=mode, **_given(align_corners=align_corners)
    ),
    "nn.functional.upsample_bilinear": lambda input, size: F.upsample(input, size, mode="bilinear", align_corners=True),
    "nn.functional.upsample_nearest": lambda input, size: F.upsample(input, size, mode="nearest"),
    "nn.functional.grid_sample": lambda input, grid, mode="bilinear", padding_mode="zeros", align_corners=None: F.grid_sample(
        input, grid, mode=mode, padding_mode=padding_mode, **_given(align_corners=align_corners)
    ),
    "nn.functional.unfold": lambda input, kernel_size, dilation=1, padding=0, stride=1: F.unfold(
        input, kernel_size, strides=stride, paddings=padding, dilations=dilation
    ),
    "nn.functional.scaled_dot_product_attention": lambda query, key, value, is_causal=False, scale=None: (
        F.scaled_dot_product_attention(query, key, value, is_causal=is_causal, scale=scale)
    ),
}
