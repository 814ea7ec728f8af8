"""The operator table (``specs/_operators``) mapped onto JAX's own functions.

Each entry is JAX's analogue of the PyTorch operator: a dotted path in ``jax.numpy`` (the
adapter's module), a JAX function, or a one-line callable that only translates the table's
argument names and conventions (``dim`` -> ``axis``, ``keepdim`` -> ``keepdims``, a list of
dims -> a tuple) into those of the same JAX function.  Nothing here composes JAX calls to imitate
an operator JAX lacks: such operators are simply absent (their specs are not applicable).
Where JAX's function refuses an argument PyTorch's takes (``alpha`` of ``jnp.add``, ``beta`` of
``jax.nn.softplus``), it is passed on and JAX's refusal is what the specs report.

Left out, for want of an analogue under JAX's own API: torch's ``(values, indices)`` reductions
(``max``/``min`` with ``dim``, ``sort``, ``median``, ``mode``, ``kthvalue``, ``cummax``: JAX's
functions return the values only), the ``*_ex`` linalg functions, the ``masked.*`` operators,
losses, pooling, normalisation layers and convolutions (Flax/Optax, not JAX), scatters with
``dim``, views and strides, and ``torch.split`` (``jnp.split`` takes sections, as
``torch.tensor_split`` does: it is mapped there).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import jax.scipy.linalg as jsl
import jax.scipy.special as jss


def _axis(dim: Any) -> Any:
    """A dimension, or a list of them as the tuple JAX takes."""
    return tuple(dim) if isinstance(dim, list) else dim


def _widths(pad: Any, ndim: int) -> list[tuple[int, int]]:
    """torch's flat pad sizes (last dimension first, ``(left, right)`` pairs) as NumPy's per-axis pairs."""
    pairs = [(int(pad[i]), int(pad[i + 1])) for i in range(0, len(pad), 2)]
    return [(0, 0)] * (ndim - len(pairs)) + pairs[::-1]


#: F.pad's modes by their NumPy names.
_PAD_MODES = {"constant": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"}


def _pad(input: Any, pad: Any, mode: str = "constant", value: Any = None) -> Any:
    extra = {} if value is None else {"constant_values": value}
    return jnp.pad(input, _widths(pad, input.ndim), mode=_PAD_MODES.get(mode, mode), **extra)


def _meshgrid(*tensors: Any, indexing: str = "ij") -> Any:
    """``torch.meshgrid(a, b)`` or ``torch.meshgrid([a, b])``: ``jnp.meshgrid(a, b)``."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    return jnp.meshgrid(*tensors, indexing=indexing)


OPERATORS: dict[str, str | Callable[..., Any]] = {
    # -- elementwise, one argument ---------------------------------------------------------
    "abs": "abs",
    "acos": "arccos",
    "acosh": "arccosh",
    "asin": "arcsin",
    "asinh": "arcsinh",
    "atan": "arctan",
    "atanh": "arctanh",
    "ceil": "ceil",
    "cos": "cos",
    "cosh": "cosh",
    "deg2rad": "deg2rad",
    "digamma": jss.digamma,
    "erf": jss.erf,
    "erfc": jss.erfc,
    "erfinv": jss.erfinv,
    "exp": "exp",
    "exp2": "exp2",
    "expm1": "expm1",
    "floor": "floor",
    "i0": "i0",
    "lgamma": jss.gammaln,
    "log": "log",
    "log10": "log10",
    "log1p": "log1p",
    "log2": "log2",
    "logit": jss.logit,
    "neg": "negative",
    "positive": "positive",
    "rad2deg": "rad2deg",
    "reciprocal": "reciprocal",
    "round": "round",
    "rsqrt": jax.lax.rsqrt,
    "sgn": "sign",
    "sign": "sign",
    "sigmoid": jax.nn.sigmoid,
    "sin": "sin",
    "sinc": "sinc",
    "sinh": "sinh",
    "sqrt": "sqrt",
    "square": "square",
    "tan": "tan",
    "tanh": "tanh",
    "trunc": "trunc",
    "nan_to_num": "nan_to_num",
    "mvlgamma": lambda input, p: jss.multigammaln(input, p),
    "polygamma": lambda n, input: jss.polygamma(n, input),
    "special.polygamma": lambda n, input: jss.polygamma(n, input),
    "special.entr": jss.entr,
    "special.erfcx": jss.erfcx,
    "special.i0e": jss.i0e,
    "special.i1": jss.i1,
    "special.i1e": jss.i1e,
    "special.log_ndtr": jss.log_ndtr,
    "special.ndtr": jss.ndtr,
    "special.ndtri": jss.ndtri,
    "angle": "angle",
    "clone": "copy",
    "conj": "conj",
    "conj_physical": "conjugate",
    "real": "real",
    # -- elementwise, two or more arguments -----------------------------------------------
    "add": "add",
    "sub": "subtract",
    "mul": "multiply",
    "div": "divide",
    "true_divide": "true_divide",
    "pow": "power",
    "float_power": "float_power",
    "atan2": "arctan2",
    "hypot": "hypot",
    "copysign": "copysign",
    "fmod": "fmod",
    "remainder": "remainder",
    "maximum": "maximum",
    "minimum": "minimum",
    "fmax": "fmax",
    "fmin": "fmin",
    "logaddexp": "logaddexp",
    "logaddexp2": "logaddexp2",
    "xlogy": jss.xlogy,
    "special.xlog1py": jss.xlog1py,
    "ldexp": "ldexp",
    "where": "where",
    "clamp": lambda input, min=None, max=None: jnp.clip(input, min=min, max=max),
    "clamp_min": lambda input, min: jnp.clip(input, min=min),
    "clamp_max": lambda input, max: jnp.clip(input, max=max),
    "__radd__": lambda input, other: input.__radd__(other),
    "__rsub__": lambda input, other: input.__rsub__(other),
    "__rmul__": lambda input, other: input.__rmul__(other),
    "__rdiv__": lambda input, other: input.__rtruediv__(other),
    "__rpow__": lambda input, other: input.__rpow__(other),
    # -- activations -----------------------------------------------------------------------
    "nn.functional.relu": jax.nn.relu,
    "nn.functional.relu6": jax.nn.relu6,
    "nn.functional.elu": jax.nn.elu,
    "nn.functional.celu": jax.nn.celu,
    "nn.functional.selu": jax.nn.selu,
    "nn.functional.silu": jax.nn.silu,
    "nn.functional.mish": jax.nn.mish,
    "nn.functional.gelu": lambda input, approximate="none": jax.nn.gelu(input, approximate=approximate == "tanh"),
    "nn.functional.hardsigmoid": jax.nn.hard_sigmoid,
    "nn.functional.hardswish": jax.nn.hard_swish,
    "nn.functional.hardtanh": jax.nn.hard_tanh,
    "nn.functional.leaky_relu": jax.nn.leaky_relu,
    "nn.functional.logsigmoid": jax.nn.log_sigmoid,
    "nn.functional.softplus": jax.nn.softplus,
    "nn.functional.softsign": jax.nn.soft_sign,
    "nn.functional.glu": lambda input, dim=-1: jax.nn.glu(input, axis=dim),
    "softmax": lambda input, dim: jax.nn.softmax(input, axis=dim),
    "log_softmax": lambda input, dim: jax.nn.log_softmax(input, axis=dim),
    # -- reductions and scans --------------------------------------------------------------
    "sum": lambda input, dim=None, keepdim=False: jnp.sum(input, axis=_axis(dim), keepdims=keepdim),
    "mean": lambda input, dim=None, keepdim=False: jnp.mean(input, axis=_axis(dim), keepdims=keepdim),
    "prod": lambda input, dim=None, keepdim=False: jnp.prod(input, axis=_axis(dim), keepdims=keepdim),
    "nansum": lambda input, dim=None, keepdim=False: jnp.nansum(input, axis=_axis(dim), keepdims=keepdim),
    "nanmean": lambda input, dim=None, keepdim=False: jnp.nanmean(input, axis=_axis(dim), keepdims=keepdim),
    "amax": lambda input, dim=(), keepdim=False: jnp.amax(input, axis=_axis(dim), keepdims=keepdim),
    "amin": lambda input, dim=(), keepdim=False: jnp.amin(input, axis=_axis(dim), keepdims=keepdim),
    "var": lambda input, dim=None, correction=1, keepdim=False: jnp.var(
        input, axis=_axis(dim), correction=correction, keepdims=keepdim
    ),
    "std": lambda input, dim=None, correction=1, keepdim=False: jnp.std(
        input, axis=_axis(dim), correction=correction, keepdims=keepdim
    ),
    "norm": lambda input, p="fro", dim=None, keepdim=False: jnp.linalg.norm(input, ord=p, axis=_axis(dim), keepdims=keepdim),
    "linalg.vector_norm": lambda input, ord=2, dim=None, keepdim=False: jnp.linalg.vector_norm(
        input, ord=ord, axis=_axis(dim), keepdims=keepdim
    ),
    "logsumexp": lambda input, dim, keepdim=False: jss.logsumexp(input, axis=_axis(dim), keepdims=keepdim),
    "quantile": lambda input, q, dim=None, keepdim=False, interpolation="linear": jnp.quantile(
        input, q, axis=dim, keepdims=keepdim, method=interpolation
    ),
    "nanquantile": lambda input, q, dim=None, keepdim=False, interpolation="linear": jnp.nanquantile(
        input, q, axis=dim, keepdims=keepdim, method=interpolation
    ),
    "topk": lambda input, k, dim=-1, largest=True: jax.lax.top_k(input, k, axis=dim, **({} if largest else {"largest": largest})),
    "msort": lambda input: jnp.sort(input, axis=0),
    "cumsum": lambda input, dim: jnp.cumsum(input, axis=dim),
    "cumprod": lambda input, dim: jnp.cumprod(input, axis=dim),
    "logcumsumexp": lambda input, dim: jax.lax.cumlogsumexp(input, axis=dim),
    "trace": "trace",
    "diff": lambda input, n=1, dim=-1: jnp.diff(input, n, axis=dim),
    "cov": lambda input, correction=1: jnp.cov(input, ddof=correction),
    "corrcoef": "corrcoef",
    # -- linear algebra --------------------------------------------------------------------
    "mm": "matmul",
    "bmm": "matmul",
    "einsum": "einsum",
    "linalg.solve": "linalg.solve",
    "linalg.inv": "linalg.inv",
    "linalg.det": "linalg.det",
    "linalg.slogdet": "linalg.slogdet",
    "linalg.cholesky": "linalg.cholesky",
    "cholesky": "linalg.cholesky",
    "linalg.eigh": "linalg.eigh",
    "linalg.eigvalsh": "linalg.eigvalsh",
    "linalg.svd": lambda A, full_matrices=True: jnp.linalg.svd(A, full_matrices=full_matrices),
    "linalg.svdvals": "linalg.svdvals",
    "linalg.qr": "linalg.qr",
    "qr": "linalg.qr",
    "linalg.diagonal": lambda A, offset=0, dim1=-2, dim2=-1: jnp.linalg.diagonal(A, offset=offset, axis1=dim1, axis2=dim2),
    "kron": "kron",
    # -- shapes ----------------------------------------------------------------------------
    "cat": lambda tensors, dim=0: jnp.concatenate(tensors, axis=dim),
    "stack": lambda tensors, dim=0: jnp.stack(tensors, axis=dim),
    "hstack": "hstack",
    "vstack": "vstack",
    "dstack": "dstack",
    "column_stack": "column_stack",
    "tensor_split": lambda input, indices_or_sections, dim=0: jnp.array_split(input, indices_or_sections, axis=dim),
    "hsplit": "hsplit",
    "vsplit": "vsplit",
    "dsplit": "dsplit",
    "unbind": lambda input, dim=0: jnp.unstack(input, axis=dim),
    "permute": lambda input, dims: jnp.permute_dims(input, tuple(dims)),
    "movedim": "moveaxis",
    "reshape": lambda input, shape: jnp.reshape(input, tuple(shape)),
    "ravel": "ravel",
    "broadcast_to": lambda input, shape: jnp.broadcast_to(input, tuple(shape)),
    "broadcast_tensors": "broadcast_arrays",
    "squeeze": lambda input, dim=None: jnp.squeeze(input, axis=_axis(dim)),
    "unsqueeze": lambda input, dim: jnp.expand_dims(input, dim),
    "flip": lambda input, dims: jnp.flip(input, axis=_axis(dims)),
    "fliplr": "fliplr",
    "flipud": "flipud",
    "roll": lambda input, shifts, dims=None: jnp.roll(input, shifts, axis=_axis(dims)),
    "rot90": lambda input, k=1, dims=(0, 1): jnp.rot90(input, k, axes=tuple(dims)),
    "tile": lambda input, dims: jnp.tile(input, tuple(dims)),
    "repeat_interleave": lambda input, repeats, dim=None: jnp.repeat(input, repeats, axis=dim),
    "transpose": lambda input, dim0, dim1: jnp.swapaxes(input, dim0, dim1),
    "T": lambda input: input.T,
    "mT": lambda input: input.mT,
    "diagonal": lambda input, offset=0, dim1=0, dim2=1: jnp.diagonal(input, offset, dim1, dim2),
    "atleast_1d": "atleast_1d",
    "atleast_2d": "atleast_2d",
    "atleast_3d": "atleast_3d",
    "block_diag": jsl.block_diag,
    "meshgrid": _meshgrid,
    "tril": lambda input, diagonal=0: jnp.tril(input, diagonal),
    "triu": lambda input, diagonal=0: jnp.triu(input, diagonal),
    "diag": lambda input, diagonal=0: jnp.diag(input, diagonal),
    "diagflat": lambda input, offset=0: jnp.diagflat(input, offset),
    "nn.functional.pad": _pad,
    "constant_pad_nd": lambda input, pad, value=0: jax.lax.pad(
        input, jnp.asarray(value, input.dtype), [(lo, hi, 0) for lo, hi in _widths(pad, input.ndim)]
    ),
    # -- indexing --------------------------------------------------------------------------
    "__getitem__": lambda input, index: input[index],
    "index_select": lambda input, dim, index: jnp.take(input, index, axis=dim),
    "gather": lambda input, dim, index: jnp.take_along_axis(input, index, axis=dim),
    "take_along_dim": lambda input, indices, dim=None: jnp.take_along_axis(input, indices, axis=dim),
    "take": "take",
    "index_put": lambda input, indices, values, accumulate=False: (
        input.at[tuple(indices)].add(values) if accumulate else input.at[tuple(indices)].set(values)
    ),
}
