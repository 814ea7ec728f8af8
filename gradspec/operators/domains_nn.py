"""``given`` strategies for the nn.functional layer operators (convolutions, normalizations,
pooling, attention, padding, interpolation...): shapes of one argument drawn from the shapes
of the arguments drawn before it, so a whole call is consistent (a convolution's weight has
the input's channels), and inputs without ties or with a spread (max pooling, normalization).

Every strategy here returns shapes, integers or float64 arrays; floating arrays drawn by
``nn_distinct_reals`` or ``nn_grid_points`` are not differentiable by default (the table only knows
``reals``, ``reals_from`` and ``matrices``): an entry using them names its ``differentiable``
arguments.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from gradspec.operators.domains import _floats, _register, floating


def _tuple(shape: Any) -> tuple[int, ...]:
    return tuple(int(s) for s in shape)


@_register
def nn_shapes(
    ctx: Any,
    spatial: int,
    min_batch: int = 1,
    max_batch: int = 2,
    min_channels: int = 1,
    max_channels: int = 3,
    min_side: int = 3,
    max_side: int = 5,
    channels_multiple_of: int = 1,
    sides_multiple_of: int = 1,
) -> st.SearchStrategy[tuple[int, ...]]:
    """Shapes ``(N, C, *spatial)`` of a layer's input: ``spatial`` (a number, or a strategy of one) sides each in
    ``[min_side, max_side]`` (multiples of ``sides_multiple_of``), channels a multiple of
    ``channels_multiple_of``; ``min_batch=0`` also draws the unbatched ``(C, *spatial)``."""
    sides = [s for s in range(min_side, max_side + 1) if s % sides_multiple_of == 0] or [sides_multiple_of]
    channels = [c * channels_multiple_of for c in range(min_channels, max_channels + 1)]

    @st.composite
    def draw(draw: Any) -> tuple[int, ...]:
        count = draw(spatial) if isinstance(spatial, st.SearchStrategy) else spatial
        n = draw(st.integers(min_batch, max_batch))
        c = draw(st.sampled_from(channels))
        rest = tuple(draw(st.sampled_from(sides)) for _ in range(count))
        return (c, *rest) if n == 0 else (n, c, *rest)

    return draw()


@_register
def nn_divisors(ctx: Any, n: int) -> st.SearchStrategy[int]:
    """A positive divisor of ``n`` (groups of a convolution or a group norm)."""
    return st.sampled_from([d for d in range(1, int(n) + 1) if n % d == 0])


@_register
def conv_weight_shapes(
    ctx: Any, input_shape: Any, spatial: int, max_out: int = 3, max_kernel: int = 3
) -> st.SearchStrategy[tuple[int, ...]]:
    """Weights ``(out, C / groups, *kernel)`` of a convolution of an input of ``input_shape``,
    for groups a divisor of ``C`` (recovered as ``input.shape[-spatial-1] // weight.shape[1]``)
    and ``out`` a multiple of groups; each kernel side is at most the input's side."""
    shape = _tuple(input_shape)
    c, sides = shape[-spatial - 1], shape[-spatial:]

    @st.composite
    def draw(draw: Any) -> tuple[int, ...]:
        groups = draw(st.sampled_from([d for d in range(1, c + 1) if c % d == 0]))
        out = groups * draw(st.integers(1, max(1, max_out // groups)))
        kernel = tuple(draw(st.integers(1, min(max_kernel, side))) for side in sides)
        return (out, c // groups, *kernel)

    return draw()


@_register
def conv_transpose_weight_shapes(
    ctx: Any, input_shape: Any, spatial: int, max_out_per_group: int = 2, max_kernel: int = 3
) -> st.SearchStrategy[tuple[int, ...]]:
    """Weights ``(C, out / groups, *kernel)`` of a transposed convolution (any divisor of ``C``
    is then a valid ``groups``)."""
    shape = _tuple(input_shape)
    c = shape[-spatial - 1]
    return st.tuples(st.just(c), st.integers(1, max_out_per_group), *[st.integers(1, max_kernel) for _ in range(spatial)])


@_register
def conv_dilations(ctx: Any, input_shape: Any, weight_shape: Any, padding: int, max_dilation: int = 2) -> st.SearchStrategy[int]:
    """A dilation ``d`` for which every dilated kernel side ``d (k - 1) + 1`` fits the padded input."""
    shape, weight = _tuple(input_shape), _tuple(weight_shape)
    spatial = len(weight) - 2
    limit = max_dilation
    for side, k in zip(shape[-spatial:], weight[2:]):
        if k > 1:
            limit = min(limit, (side + 2 * padding - 1) // (k - 1))
    return st.integers(1, max(1, limit))


@_register
def output_paddings(ctx: Any, stride: int, dilation: int) -> st.SearchStrategy[int]:
    """An ``output_padding`` of a transposed convolution: smaller than the stride or the dilation."""
    return st.integers(0, max(stride, dilation) - 1)


@st.composite
def _distinct(draw: Any, shape: Any, spacing: float | None, scale: float) -> np.ndarray:
    chosen = _tuple(draw(shape) if isinstance(shape, st.SearchStrategy) else shape)
    n = int(np.prod(chosen, dtype=np.int64))
    step = spacing if spacing is not None else min(0.5, scale / max(n, 1))
    order = np.asarray(draw(st.permutations(list(range(n)))), dtype=np.float64)
    jitter = draw(hnp.arrays(np.float64, (n,), elements=_floats(-0.25, 0.25, 0.0)))
    return ((order - (n - 1) / 2.0 + jitter) * step).reshape(chosen)


@floating
def spread_reals(ctx: Any, shape: Any, spacing: float | None = None, scale: float = 6.0) -> st.SearchStrategy[np.ndarray]:
    """float64 arrays of ``shape`` whose elements are all distinct, at least half a step apart
    (the step: ``spacing``, or ``scale / size`` up to 0.5, so the values stay within about
    ``[-scale/2, scale/2]``): no ties for max pooling, a spread for normalizations."""
    return _distinct(shape, spacing, float(scale))


@_register
def nn_trailing_shapes(ctx: Any, shape: Any, min_dims: int = 1) -> st.SearchStrategy[tuple[int, ...]]:
    """The last ``k`` sides of ``shape`` for some ``k >= min_dims`` (a layer norm's ``normalized_shape``)."""
    shape = _tuple(shape)
    return st.integers(min(min_dims, len(shape)), len(shape)).map(lambda k: shape[len(shape) - k :])


@_register
def nn_pad_widths(
    ctx: Any, shape: Any, dims: int | None = None, max_pad: int = 2, fits: bool = False, negative: int = 0
) -> st.SearchStrategy[tuple[int, ...]]:
    """A ``pad`` tuple for the last ``dims`` dimensions of ``shape`` (last dimension first, as
    ``torch.nn.functional.pad`` reads it; ``dims=None``: any number of them; a negative
    ``dims``: all but that many, at least one): each width in ``[-negative, max_pad]``, below
    the side when ``fits`` (reflect) and leaving every side at least 1."""
    shape = _tuple(shape)

    @st.composite
    def draw(draw: Any) -> tuple[int, ...]:
        count = draw(st.integers(1, len(shape))) if dims is None else (max(1, len(shape) + dims) if dims < 0 else dims)
        sides = list(reversed(shape[len(shape) - count :]))
        widths: list[int] = []
        for side in sides:
            top = min(max_pad, side - 1) if fits else max_pad
            low = -min(negative, (side - 1) // 2)
            widths += [draw(st.integers(low, top)), draw(st.integers(low, top))]
        return tuple(widths)

    return draw()


@_register
def nn_output_sizes(ctx: Any, shape: Any, dims: int, min_side: int = 1, max_side: int = 6) -> st.SearchStrategy[tuple[int, ...]]:
    """An output ``size`` for the last ``dims`` dimensions (a negative ``dims``: all but that
    many) of an input of ``shape`` (interpolation, adaptive pooling)."""
    dims = len(_tuple(shape)) + dims if dims < 0 else dims
    return st.tuples(*[st.integers(min_side, max_side) for _ in range(dims)])


@st.composite
def _grid(draw: Any, input_shape: tuple[int, ...], out: tuple[int, ...], align_corners: bool, nearest: bool) -> np.ndarray:
    spatial = len(input_shape) - 2
    sides = list(reversed(input_shape[2:]))  # grid's last axis is (x, y[, z]): W first
    coords = []
    for side in sides:
        whole = draw(hnp.arrays(np.int64, (input_shape[0], *out), elements=st.integers(0, max(side - 2, 0))))
        frac_range = (0.1, 0.4) if nearest else (0.1, 0.9)
        frac = draw(hnp.arrays(np.float64, (input_shape[0], *out), elements=_floats(*frac_range, 0.0)))
        pixel = whole + frac if side > 1 else frac - 0.5  # a side of 1: positions within (-0.4, 0.4)
        if align_corners:
            g = 2.0 * pixel / (side - 1) - 1.0 if side > 1 else pixel
        else:
            g = (2.0 * pixel + 1.0) / side - 1.0
        coords.append(g)
    return np.stack(coords, axis=-1).reshape((input_shape[0], *out, spatial))


@_register
def nn_grid_points(
    ctx: Any, input_shape: Any, align_corners: bool, nearest: bool = False, max_out: int = 3
) -> st.SearchStrategy[np.ndarray]:
    """A sampling grid ``(N, *out, spatial)`` for ``grid_sample`` whose points fall inside the
    input, a fraction 0.1 to 0.9 of a pixel past a pixel centre (0.1 to 0.4 for nearest), never
    on one: the interpolation's kinks at pixel centres are never within a finite-difference step."""
    shape = _tuple(input_shape)
    spatial = len(shape) - 2
    return st.tuples(*[st.integers(1, max_out) for _ in range(spatial)]).flatmap(
        lambda out: _grid(shape, out, bool(align_corners), bool(nearest))
    )


@_register
def sdpa_shapes(
    ctx: Any, query_shape: Any, same_length: bool = False, value_dim: bool = False, max_length: int = 4, max_dim: int = 4
) -> st.SearchStrategy[tuple[int, ...]]:
    """The key (or, ``value_dim=True`` given the key's shape, the value) shape of scaled dot
    product attention: the batch dims of the query, a length ``S`` and the query's ``E``."""
    shape = _tuple(query_shape)
    batch = shape[:-2]
    if value_dim:
        return st.integers(1, max_dim).map(lambda ev: (*batch, shape[-2], ev))
    lengths = st.just(shape[-2]) if same_length else st.integers(1, max_length)
    return lengths.map(lambda s: (*batch, s, shape[-1]))


@_register
def nn_concat_shapes(ctx: Any, parts: Any) -> st.SearchStrategy[tuple[int, ...]]:
    """A shape joined from ``parts``: each a shape (a tuple), a side, or a strategy of sides
    (``nn_concat_shapes([input.shape[:-1], integers(1, 3)])``)."""
    strategies: list[st.SearchStrategy[tuple[int, ...]]] = []
    for part in parts:
        if isinstance(part, st.SearchStrategy):
            strategies.append(part.map(lambda side: (int(side),)))
        elif isinstance(part, (tuple, list)):
            strategies.append(st.just(_tuple(part)))
        else:
            strategies.append(st.just((int(part),)))
    return st.tuples(*strategies).map(lambda pieces: tuple(side for piece in pieces for side in piece))


@_register
def grid_sample_modes(ctx: Any, input_shape: Any) -> st.SearchStrategy[str]:
    """A ``mode`` of grid_sample for an input of ``input_shape``: bicubic only for 4-D inputs."""
    return st.sampled_from(["bilinear", "nearest", "bicubic"] if len(_tuple(input_shape)) == 4 else ["bilinear", "nearest"])


@_register
def embedding_weight_shapes(ctx: Any, indices: Any, max_rows: int = 5, max_dim: int = 3) -> st.SearchStrategy[tuple[int, ...]]:
    """An embedding table's shape ``(rows, dim)`` with a row for every index in ``indices``."""
    needed = int(np.max(indices)) + 1 if np.size(indices) else 1
    return st.tuples(st.integers(needed, max(needed, max_rows)), st.integers(1, max_dim))


@st.composite
def _apart(draw: Any, values: np.ndarray, shape: tuple[int, ...], gap: float) -> np.ndarray:
    drawn = draw(hnp.arrays(np.float64, shape, elements=_floats(-4.0, 4.0, 0.0)))
    taken = np.unique(np.asarray(values, dtype=np.float64))
    flat = drawn.reshape(-1)
    for i, v in enumerate(flat):
        while np.any(np.abs(taken - v) < gap):
            v += gap
        flat[i] = v
    return flat.reshape(shape)


@floating
def nn_reals_apart(ctx: Any, values: Any, shape: Any, gap: float = 0.1) -> st.SearchStrategy[np.ndarray]:
    """float64 arrays of ``shape`` none of whose elements is within ``gap`` of any element of
    ``values``: the differences of two distance arguments are never near 0 (``|x|``'s kink)."""
    chosen = shape if isinstance(shape, st.SearchStrategy) else st.just(_tuple(shape))
    return chosen.flatmap(lambda s: _apart(np.asarray(values), _tuple(s), float(gap)))
