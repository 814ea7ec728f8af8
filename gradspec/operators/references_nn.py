"""NumPy references of the nn.functional layer operators (family ``nn``): convolutions,
normalizations, pooling, attention, padding, interpolation, shuffles and distances, each taking
the operator's arguments as the torch.nn.functional page names them, in float64."""

from __future__ import annotations

import itertools
import math
from typing import Any, Literal

import numpy as np

Array = np.ndarray


def _ntuple(value: Any, n: int) -> tuple[int, ...]:
    if isinstance(value, (list, tuple)):
        return tuple(int(v) for v in value) if len(value) == n else tuple(int(value[0]) for _ in range(n))
    return tuple(int(value) for _ in range(n))


def _batched(x: Array, spatial: int) -> tuple[Array, bool]:
    return (x[None], True) if x.ndim == spatial + 1 else (x, False)


# -- linear layers ------------------------------------------------------------------------


def linear(input: Array, weight: Array, bias: Array | None = None) -> Array:
    out = input @ weight.T
    return out + bias if bias is not None else out


def bilinear(input1: Array, input2: Array, weight: Array, bias: Array | None = None) -> Array:
    out = np.einsum("...i,oij,...j->...o", input1, weight, input2)
    return out + bias if bias is not None else out


# -- convolutions -------------------------------------------------------------------------


def _conv(input: Array, weight: Array, bias: Any, stride: Any, padding: Any, dilation: Any, groups: int) -> Array:
    spatial = weight.ndim - 2
    x, unbatched = _batched(input, spatial)
    s, p, d = _ntuple(stride, spatial), _ntuple(padding, spatial), _ntuple(dilation, spatial)
    k = weight.shape[2:]
    xp = np.pad(x, [(0, 0), (0, 0)] + [(pi, pi) for pi in p])
    out_sides = [(xp.shape[2 + i] - d[i] * (k[i] - 1) - 1) // s[i] + 1 for i in range(spatial)]
    n, c = x.shape[:2]
    o = weight.shape[0]
    g = groups
    result = np.zeros((n, o, *out_sides))
    xg = xp.reshape(n, g, c // g, *xp.shape[2:])
    wg = weight.reshape(g, o // g, c // g, *k)
    for offset in itertools.product(*[range(ki) for ki in k]):
        index = tuple(slice(offset[i] * d[i], offset[i] * d[i] + s[i] * (out_sides[i] - 1) + 1, s[i]) for i in range(spatial))
        patch = xg[(slice(None), slice(None), slice(None), *index)]  # (n, g, c/g, *out)
        w = wg[(slice(None), slice(None), slice(None)) + offset]  # (g, o/g, c/g)
        result += np.einsum("ngc...,goc->ngo...", patch, w).reshape(n, o, *out_sides)
    if bias is not None:
        result += np.reshape(bias, (1, o) + (1,) * spatial)
    return result[0] if unbatched else result


def conv(
    input: Array, weight: Array, bias: Any = None, stride: Any = 1, padding: Any = 0, dilation: Any = 1, groups: int = 1
) -> Array:
    """conv1d, conv2d and conv3d (the dimension is the weight's)."""
    return _conv(input, weight, bias, stride, padding, dilation, groups)


def conv_transpose(
    input: Array,
    weight: Array,
    bias: Any = None,
    stride: Any = 1,
    padding: Any = 0,
    output_padding: Any = 0,
    groups: int = 1,
    dilation: Any = 1,
) -> Array:
    """conv_transpose1d/2d/3d: every input element scatters the kernel times its value."""
    spatial = weight.ndim - 2
    x, unbatched = _batched(input, spatial)
    s, p, op, d = (
        _ntuple(stride, spatial),
        _ntuple(padding, spatial),
        _ntuple(output_padding, spatial),
        _ntuple(dilation, spatial),
    )
    n, c = x.shape[:2]
    g = groups
    og = weight.shape[1]
    k = weight.shape[2:]
    sides = x.shape[2:]
    full = [(sides[i] - 1) * s[i] + d[i] * (k[i] - 1) + 1 + op[i] for i in range(spatial)]
    buffer = np.zeros((n, g, og, *full))
    xg = x.reshape(n, g, c // g, *sides)
    wg = weight.reshape(g, c // g, og, *k)
    for offset in itertools.product(*[range(ki) for ki in k]):
        index = tuple(slice(offset[i] * d[i], offset[i] * d[i] + s[i] * (sides[i] - 1) + 1, s[i]) for i in range(spatial))
        w = wg[(slice(None), slice(None), slice(None)) + offset]  # (g, c/g, og)
        buffer[(slice(None), slice(None), slice(None), *index)] += np.einsum("ngc...,gco->ngo...", xg, w)
    crop = tuple(slice(p[i], full[i] - p[i]) for i in range(spatial))
    result = buffer.reshape(n, g * og, *full)[(slice(None), slice(None), *crop)]
    if bias is not None:
        result = result + np.reshape(bias, (1, g * og) + (1,) * spatial)
    return result[0] if unbatched else result


# -- normalizations -----------------------------------------------------------------------


def _affine(y: Array, weight: Any, bias: Any, axis_shape: tuple[int, ...]) -> Array:
    if weight is not None:
        y = y * np.reshape(weight, axis_shape)
    if bias is not None:
        y = y + np.reshape(bias, axis_shape)
    return y


def layer_norm(input: Array, normalized_shape: Any, weight: Any = None, bias: Any = None, eps: float = 1e-5) -> Array:
    axes = tuple(range(input.ndim - len(tuple(normalized_shape)), input.ndim))
    mean = input.mean(axis=axes, keepdims=True)
    var = input.var(axis=axes, keepdims=True)
    y = (input - mean) / np.sqrt(var + eps)
    if weight is not None:
        y = y * weight
    if bias is not None:
        y = y + bias
    return y


def rms_norm(input: Array, normalized_shape: Any, weight: Any = None, eps: Any = None) -> Array:
    axes = tuple(range(input.ndim - len(tuple(normalized_shape)), input.ndim))
    eps = np.finfo(np.float64).eps if eps is None else eps
    y = input / np.sqrt(np.mean(input * input, axis=axes, keepdims=True) + eps)
    return y * weight if weight is not None else y


def batch_norm(
    input: Array,
    running_mean: Any,
    running_var: Any,
    weight: Any = None,
    bias: Any = None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Array:
    shape = (1, input.shape[1]) + (1,) * (input.ndim - 2)
    if training:
        axes = tuple(i for i in range(input.ndim) if i != 1)
        mean, var = input.mean(axis=axes, keepdims=True), input.var(axis=axes, keepdims=True)
    else:
        mean, var = np.reshape(running_mean, shape), np.reshape(running_var, shape)
    return _affine((input - mean) / np.sqrt(var + eps), weight, bias, shape)


def group_norm(input: Array, num_groups: int, weight: Any = None, bias: Any = None, eps: float = 1e-5) -> Array:
    n, c = input.shape[:2]
    x = input.reshape(n, num_groups, -1)
    y = ((x - x.mean(axis=-1, keepdims=True)) / np.sqrt(x.var(axis=-1, keepdims=True) + eps)).reshape(input.shape)
    return _affine(y, weight, bias, (1, c) + (1,) * (input.ndim - 2))


def instance_norm(
    input: Array,
    running_mean: Any = None,
    running_var: Any = None,
    weight: Any = None,
    bias: Any = None,
    use_input_stats: bool = True,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Array:
    axes = tuple(range(2, input.ndim))
    y = (input - input.mean(axis=axes, keepdims=True)) / np.sqrt(input.var(axis=axes, keepdims=True) + eps)
    return _affine(y, weight, bias, (1, input.shape[1]) + (1,) * (input.ndim - 2))


def local_response_norm(input: Array, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0) -> Array:
    c = input.shape[1]
    squared = np.pad(input * input, [(0, 0), (size // 2, (size - 1) // 2)] + [(0, 0)] * (input.ndim - 2))
    window = sum(squared[:, j : j + c] for j in range(size)) / size
    return input / (window * alpha + k) ** beta


# -- embeddings ---------------------------------------------------------------------------


def embedding(input: Array, weight: Array) -> Array:
    return weight[input]


def embedding_bag(input: Array, weight: Array, mode: str = "mean") -> Array:
    rows = weight[input]  # (B, bag, D)
    return {"sum": rows.sum(axis=1), "mean": rows.mean(axis=1), "max": rows.max(axis=1)}[mode]


# -- pooling ------------------------------------------------------------------------------


def _pool_sides(side: int, k: int, s: int, p: int, d: int, ceil_mode: bool) -> int:
    span = side + 2 * p - d * (k - 1) - 1
    out = (-(-span // s) if ceil_mode else span // s) + 1
    if ceil_mode and (out - 1) * s >= side + p:
        out -= 1
    return out


def _max_pool(input: Array, spatial: int, kernel_size: Any, stride: Any, padding: Any, dilation: Any, ceil_mode: bool) -> Array:
    x, unbatched = _batched(input, spatial)
    k = _ntuple(kernel_size, spatial)
    s = _ntuple(stride, spatial) if stride not in (None, [], ()) else k
    p, d = _ntuple(padding, spatial), _ntuple(dilation, spatial)
    sides = x.shape[2:]
    outs = [_pool_sides(sides[i], k[i], s[i], p[i], d[i], ceil_mode) for i in range(spatial)]
    result = np.empty(x.shape[:2] + tuple(outs))
    for o in itertools.product(*[range(v) for v in outs]):
        ranges = [[o[i] * s[i] - p[i] + j * d[i] for j in range(k[i])] for i in range(spatial)]
        ranges = [[r for r in rs if 0 <= r < sides[i]] for i, rs in enumerate(ranges)]
        window = x[(slice(None), slice(None)) + np.ix_(*ranges)]
        result[(slice(None), slice(None)) + o] = window.reshape(x.shape[:2] + (-1,)).max(axis=-1)
    return result[0] if unbatched else result


def max_pool1d(
    input: Array,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    dilation: Any = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
) -> Array:
    return _max_pool(input, 1, kernel_size, stride, padding, dilation, ceil_mode)


def max_pool2d(
    input: Array,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    dilation: Any = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
) -> Array:
    return _max_pool(input, 2, kernel_size, stride, padding, dilation, ceil_mode)


def max_pool3d(
    input: Array,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    dilation: Any = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
) -> Array:
    return _max_pool(input, 3, kernel_size, stride, padding, dilation, ceil_mode)


def _avg_pool(
    input: Array,
    spatial: int,
    kernel_size: Any,
    stride: Any,
    padding: Any,
    ceil_mode: bool,
    count_include_pad: bool,
    divisor_override: Any,
) -> Array:
    x, unbatched = _batched(input, spatial)
    k = _ntuple(kernel_size, spatial)
    s = _ntuple(stride, spatial) if stride not in (None, [], ()) else k
    p = _ntuple(padding, spatial)
    sides = x.shape[2:]
    outs = [_pool_sides(sides[i], k[i], s[i], p[i], 1, ceil_mode) for i in range(spatial)]
    result = np.empty(x.shape[:2] + tuple(outs))
    for o in itertools.product(*[range(v) for v in outs]):
        starts = [o[i] * s[i] - p[i] for i in range(spatial)]
        ends = [min(starts[i] + k[i], sides[i] + p[i]) for i in range(spatial)]
        pool_size = math.prod(e - b for b, e in zip(starts, ends))
        lo = [max(b, 0) for b in starts]
        hi = [min(e, side) for e, side in zip(ends, sides)]
        window = x[(slice(None), slice(None), *[slice(a, b) for a, b in zip(lo, hi)])]
        total = window.reshape(x.shape[:2] + (-1,)).sum(axis=-1)
        if divisor_override:
            divisor = divisor_override
        elif count_include_pad:
            divisor = pool_size
        else:
            divisor = math.prod(b - a for a, b in zip(lo, hi))
        result[(slice(None), slice(None)) + o] = total / divisor
    return result[0] if unbatched else result


def avg_pool1d(
    input: Array, kernel_size: Any, stride: Any = None, padding: Any = 0, ceil_mode: bool = False, count_include_pad: bool = True
) -> Array:
    return _avg_pool(input, 1, kernel_size, stride, padding, ceil_mode, count_include_pad, None)


def avg_pool2d(
    input: Array,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: Any = None,
) -> Array:
    return _avg_pool(input, 2, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)


def avg_pool3d(
    input: Array,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: Any = None,
) -> Array:
    return _avg_pool(input, 3, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)


def _adaptive_windows(side: int, out: int) -> list[tuple[int, int]]:
    return [((i * side) // out, -((-(i + 1) * side) // out)) for i in range(out)]


def _adaptive(input: Array, output_size: Any, spatial: int, reduce: Any) -> Array:
    x, unbatched = _batched(input, spatial)
    sides = x.shape[2:]
    outs = _ntuple(output_size, spatial)
    outs = tuple(sides[i] if outs[i] is None else outs[i] for i in range(spatial))
    windows = [_adaptive_windows(sides[i], outs[i]) for i in range(spatial)]
    result = np.empty(x.shape[:2] + outs)
    for o in itertools.product(*[range(v) for v in outs]):
        window = x[(slice(None), slice(None), *[slice(*windows[i][o[i]]) for i in range(spatial)])]
        result[(slice(None), slice(None)) + o] = reduce(window.reshape(x.shape[:2] + (-1,)), axis=-1)
    return result[0] if unbatched else result


def adaptive_avg_pool1d(input: Array, output_size: Any) -> Array:
    return _adaptive(input, output_size, 1, np.mean)


def adaptive_avg_pool2d(input: Array, output_size: Any) -> Array:
    return _adaptive(input, output_size, 2, np.mean)


def adaptive_avg_pool3d(input: Array, output_size: Any) -> Array:
    return _adaptive(input, output_size, 3, np.mean)


def adaptive_max_pool1d(input: Array, output_size: Any, return_indices: bool = False) -> Array:
    return _adaptive(input, output_size, 1, np.max)


def adaptive_max_pool2d(input: Array, output_size: Any, return_indices: bool = False) -> Array:
    return _adaptive(input, output_size, 2, np.max)


def adaptive_max_pool3d(input: Array, output_size: Any, return_indices: bool = False) -> Array:
    return _adaptive(input, output_size, 3, np.max)


# -- attention ----------------------------------------------------------------------------


def scaled_dot_product_attention(
    query: Array,
    key: Array,
    value: Array,
    attn_mask: Any = None,
    dropout_p: float = 0.0,
    is_causal: bool = False,
    scale: Any = None,
) -> Array:
    factor = 1.0 / math.sqrt(query.shape[-1]) if scale is None else scale
    scores = query @ np.swapaxes(key, -1, -2) * factor
    if is_causal:
        length, source = scores.shape[-2:]
        scores = np.where(np.tril(np.ones((length, source), dtype=bool)), scores, -np.inf)
    if attn_mask is not None:
        scores = scores + attn_mask
    scores = scores - scores.max(axis=-1, keepdims=True)
    weights = np.exp(scores)
    return (weights / weights.sum(axis=-1, keepdims=True)) @ value


# -- padding ------------------------------------------------------------------------------


def _pad(input: Array, pad: Any, mode: str = "constant", value: Any = None) -> Array:
    widths = [(0, 0)] * input.ndim
    pad = list(pad)
    for i in range(len(pad) // 2):
        widths[input.ndim - 1 - i] = (pad[2 * i], pad[2 * i + 1])
    crop = tuple(slice(-min(b, 0), input.shape[i] + min(a, 0) if min(a, 0) else None) for i, (b, a) in enumerate(widths))
    x = input[crop]
    widths = [(max(b, 0), max(a, 0)) for b, a in widths]
    if mode == "constant":
        return np.pad(x, widths, mode="constant", constant_values=0.0 if value is None else value)
    modes: dict[str, Literal["reflect", "edge", "wrap"]] = {"reflect": "reflect", "replicate": "edge", "circular": "wrap"}
    return np.pad(x, widths, mode=modes[mode])


def constant_pad_nd(input: Array, pad: Any, value: float = 0.0) -> Array:
    return _pad(input, pad, "constant", value)


def pad(input: Array, pad: Any, mode: str = "constant", value: Any = None) -> Array:
    return _pad(input, pad, mode, value)


# -- interpolation ------------------------------------------------------------------------


def _source(i: Array, side: int, out: int, align_corners: bool, cubic: bool = False) -> Array:
    if align_corners:
        return i * ((side - 1) / (out - 1)) if out > 1 else np.zeros_like(i)
    src = (i + 0.5) * (side / out) - 0.5
    return src if cubic else np.maximum(src, 0.0)


def _cubic(t: Array, a: float = -0.75) -> list[Array]:
    def near(x: Array) -> Array:
        return ((a + 2) * x - (a + 3)) * x * x + 1

    def far(x: Array) -> Array:
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a

    return [far(t + 1), near(t), near(1 - t), far(2 - t)]


def _interpolation_matrix(side: int, out: int, mode: str, align_corners: bool) -> Array:
    m = np.zeros((out, side))
    i = np.arange(out, dtype=np.float64)
    if mode == "nearest":
        m[np.arange(out), np.minimum(np.floor(i * (side / out)).astype(int), side - 1)] = 1.0
    elif mode == "area":
        for o, (a, b) in enumerate(_adaptive_windows(side, out)):
            m[o, a:b] = 1.0 / (b - a)
    elif mode == "bicubic":
        src = _source(i, side, out, align_corners, cubic=True)
        base = np.floor(src)
        for o, (lo, t) in enumerate(zip(base.astype(int), src - base)):
            for j, w in enumerate(_cubic(np.asarray(t))):
                m[o, min(max(lo - 1 + j, 0), side - 1)] += w
    else:
        src = _source(i, side, out, align_corners)
        lo = np.minimum(np.floor(src).astype(int), side - 1)
        hi = np.minimum(lo + 1, side - 1)
        t = src - lo
        m[np.arange(out), lo] += 1.0 - t
        m[np.arange(out), hi] += t
    return m


def interpolate(
    input: Array, size: Any = None, scale_factor: Any = None, mode: str = "nearest", align_corners: Any = None, **_: Any
) -> Array:
    """interpolate with an output ``size`` (every mode is a separable linear map)."""
    spatial = input.ndim - 2
    outs = _ntuple(size, spatial)
    y = input
    for i in range(spatial):
        axis = 2 + i
        m = _interpolation_matrix(input.shape[axis], outs[i], mode, bool(align_corners))
        y = np.moveaxis(np.tensordot(y, m, axes=([axis], [1])), -1, axis)
    return y


def upsample_bilinear(input: Array, size: Any = None, scale_factor: Any = None) -> Array:
    return interpolate(input, size, mode="bilinear", align_corners=True)


def upsample_nearest(input: Array, size: Any = None, scale_factor: Any = None) -> Array:
    return interpolate(input, size, mode="nearest")


# -- shuffles and patches -----------------------------------------------------------------


def pixel_shuffle(input: Array, upscale_factor: int) -> Array:
    r = upscale_factor
    *batch, c, h, w = input.shape
    x = input.reshape(*batch, c // (r * r), r, r, h, w)
    nb = len(batch)
    x = x.transpose(*range(nb), nb, nb + 3, nb + 1, nb + 4, nb + 2)
    return x.reshape(*batch, c // (r * r), h * r, w * r)


def pixel_unshuffle(input: Array, downscale_factor: int) -> Array:
    r = downscale_factor
    *batch, c, h, w = input.shape
    x = input.reshape(*batch, c, h // r, r, w // r, r)
    nb = len(batch)
    x = x.transpose(*range(nb), nb, nb + 2, nb + 4, nb + 1, nb + 3)
    return x.reshape(*batch, c * r * r, h // r, w // r)


def channel_shuffle(input: Array, groups: int) -> Array:
    n, c = input.shape[:2]
    return input.reshape(n, groups, c // groups, *input.shape[2:]).swapaxes(1, 2).reshape(input.shape)


def unfold(input: Array, kernel_size: Any, dilation: Any = 1, padding: Any = 0, stride: Any = 1) -> Array:
    x, unbatched = _batched(input, 2)
    k, d, p, s = _ntuple(kernel_size, 2), _ntuple(dilation, 2), _ntuple(padding, 2), _ntuple(stride, 2)
    xp = np.pad(x, [(0, 0), (0, 0), (p[0], p[0]), (p[1], p[1])])
    outs = [(xp.shape[2 + i] - d[i] * (k[i] - 1) - 1) // s[i] + 1 for i in range(2)]
    n, c = x.shape[:2]
    columns = np.empty((n, c, k[0], k[1], outs[0], outs[1]))
    for a in range(k[0]):
        for b in range(k[1]):
            columns[:, :, a, b] = xp[
                :, :, a * d[0] : a * d[0] + s[0] * (outs[0] - 1) + 1 : s[0], b * d[1] : b * d[1] + s[1] * (outs[1] - 1) + 1 : s[1]
            ]
    result = columns.reshape(n, c * k[0] * k[1], outs[0] * outs[1])
    return result[0] if unbatched else result


# -- distances ----------------------------------------------------------------------------


def normalize(input: Array, p: float = 2.0, dim: int = 1, eps: float = 1e-12) -> Array:
    norm = np.sum(np.abs(input) ** p, axis=dim, keepdims=True) ** (1.0 / p)
    return input / np.maximum(norm, eps)


def cosine_similarity(x1: Array, x2: Array, dim: int = 1, eps: float = 1e-8) -> Array:
    n1 = np.sqrt(np.sum(x1 * x1, axis=dim))
    n2 = np.sqrt(np.sum(x2 * x2, axis=dim))
    return np.sum(x1 * x2, axis=dim) / np.maximum(n1 * n2, eps)


def pairwise_distance(x1: Array, x2: Array, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> Array:
    return np.sum(np.abs(x1 - x2 + eps) ** p, axis=-1, keepdims=keepdim) ** (1.0 / p)


def pdist(input: Array, p: float = 2.0) -> Array:
    n = input.shape[0]
    return np.asarray([np.sum(np.abs(input[i] - input[j]) ** p) ** (1.0 / p) for i in range(n) for j in range(i + 1, n)])


def cdist(x1: Array, x2: Array, p: float = 2.0) -> Array:
    difference = np.abs(x1[..., :, None, :] - x2[..., None, :, :])
    return np.sum(difference**p, axis=-1) ** (1.0 / p)
