"""The step-language functions of the operator properties: call an operator on a sample, draw
directions and cotangents, and compute finite differences of the adapter's own forward.

Finite differences are taken the way ``torch.autograd.gradcheck``'s fast mode takes them: the
whole Jacobian is never built.  A random direction ``d`` (one per differentiable argument) and
a random cotangent ``c`` (one per output) reduce ``J`` to one number, ``c . J d``, which one
backward pass gives as ``sum(grad_i . d_i)`` and two forward calls give as
``(c . f(x + eps d) - c . f(x - eps d)) / (2 eps)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from gradspec.errors import StepError
from gradspec.language.interpreter import RunContext
from gradspec.language.steps import functions
from gradspec.operators.samples import Sample, dtype_name
from gradspec.operators.table import OperatorEntry, entry
from gradspec.values import OMITTED

#: The step of the central differences, in float64.
EPSILON = 1e-6


@functions.register("operator")
def operator_(ctx: RunContext, name: str) -> OperatorEntry:
    """The operator ``name`` of the operator table (``operator("exp")``), as a counterexample writes it."""
    return entry(name)


@functions.register()
def operator_sample(
    ctx: RunContext, op: OperatorEntry, dtype: str, point: int | None = None, device: str | None = None, **values: Any
) -> Sample:
    """An operator's arguments, by name, as a counterexample writes them."""
    expected = [name for name, _ in op.args]
    if sorted(values) != sorted(expected):
        raise StepError(f"operator_sample({op.id}): expected the arguments {', '.join(expected)}, got {', '.join(values)}")
    return Sample(op, dtype_name(dtype), {name: values[name] for name in expected}, point, device)


@functions.register()
def on_device(ctx: RunContext, sample: Sample, device: str) -> Sample:
    """The same sample, its tensors made on ``device`` (``"cpu"``) rather than the device under test."""
    return replace(sample, device=device)


def _on(ctx: RunContext, sample: Sample) -> RunContext:
    """The context that makes the sample's tensors on its own device, if it has one."""
    return ctx if sample.device is None else replace(ctx, device=sample.device)


def _is_array_list(value: Any) -> bool:
    """Whether an argument value is a list (or tuple) of floating arrays: one argument holding
    several tensors (``torch.cat``'s ``tensors``), each element its own differentiable tensor."""
    return (
        isinstance(value, (list, tuple)) and bool(value) and all(isinstance(v, np.ndarray) and v.dtype.kind == "f" for v in value)
    )


def _flat(sample: Sample, values: dict[str, Any] | None = None) -> list[tuple[str, Any]]:
    """The differentiable argument values (the sample's, or ``values``), one per tensor, each with
    its argument's name: a list-of-arrays argument gives one per element, in order."""
    values = sample.values if values is None else values
    found: list[tuple[str, Any]] = []
    for name in sample.op.differentiable:
        if _is_array_list(sample.values[name]):
            found.extend((name, v) for v in values[name])
        else:
            found.append((name, values[name]))
    return found


def _grouped(sample: Sample, flat: Sequence[Any]) -> dict[str, Any]:
    """``flat`` (one per tensor, ordered as :func:`_flat`) by differentiable argument again: a
    list-of-arrays argument gets a list."""
    grouped: dict[str, Any] = {}
    at = 0
    for name in sample.op.differentiable:
        value = sample.values[name]
        count = len(value) if _is_array_list(value) else 1
        grouped[name] = list(flat[at : at + count]) if _is_array_list(value) else flat[at]
        at += count
    return grouped


def _make(ctx: RunContext, value: Any, dtype: str, differentiable: bool) -> Any:
    """The tensor for one argument value: floating arrays in the sample's dtype, index arrays as
    they are, a list of floating arrays as a list of tensors."""
    if isinstance(value, np.generic):  # NumPy arithmetic on a 0-d array gives a scalar: it stands for the array
        value = np.asarray(value)
    if _is_array_list(value):
        return [_make(ctx, v, dtype, differentiable) for v in value]
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, np.ndarray) and v.dtype.kind in "biu" for v in value):
        return type(value)(_make(ctx, v, dtype, False) for v in value)  # index_put's indices: a tuple of index tensors
    if not isinstance(value, np.ndarray):
        return value
    if value.dtype.kind != "f":
        return ctx.adapter.tensor(value, requires_grad=OMITTED, device=ctx.device)
    return ctx.adapter.operand(value, dtype, differentiable=differentiable, device=ctx.device)


@functions.register()
def operands(ctx: RunContext, sample: Sample) -> list[Any]:
    """One tensor per differentiable argument of the sample, in the sample's dtype, that
    gradients are taken with respect to (made the library's own way, as ``variable()``)."""
    ctx = _on(ctx, sample)
    return [_make(ctx, value, sample.dtype, True) for _, value in _flat(sample)]


def _call(ctx: RunContext, sample: Sample, replaced: dict[str, Any]) -> Any:
    """Call the operator with the sample's arguments, ``replaced`` ones given as tensors already."""
    ctx = _on(ctx, sample)
    positional: list[Any] = []
    keywords: dict[str, Any] = {}
    for name, value in sample.values.items():
        made = replaced[name] if name in replaced else _make(ctx, value, sample.dtype, False)
        if name in sample.op.keywords:
            keywords[name] = made
        else:
            positional.append(made)
    return ctx.adapter.call_operator(sample.op.name, *positional, **keywords)


def _outputs(ctx: RunContext, op: OperatorEntry, result: Any) -> list[Any]:
    """The differentiable outputs of a call, as the entry's ``outputs`` says to compare them."""
    results = list(result) if isinstance(result, (tuple, list)) else [result]
    kinds = op.outputs or ["value"] * len(results)
    if len(kinds) != len(results):
        raise StepError(f"{op.id} returned {len(results)} outputs; the operator table lists {len(kinds)}")
    chosen = []
    for kind, value in zip(kinds, results):
        if kind == "abs":
            chosen.append(ctx.adapter.unary("abs", value))
        elif kind == "value":
            chosen.append(value)
    return chosen


@functions.register()
def apply(ctx: RunContext, op: OperatorEntry, sample: Sample, inputs: Sequence[Any]) -> list[Any]:
    """The operator's outputs on the sample, with ``inputs`` as its differentiable arguments (in
    the entry's order): a list of the outputs gradients flow through (an output the entry marks
    ``abs`` is given by its absolute value, one marked ``none`` is left out)."""
    _same_operator(op, sample)
    if len(inputs) != len(_flat(sample)):
        raise StepError(f"apply({op.id}): {len(inputs)} inputs for {len(_flat(sample))} differentiable tensors")
    return _outputs(ctx, op, _call(ctx, sample, _grouped(sample, inputs)))


def _same_operator(op: OperatorEntry, sample: Sample) -> None:
    if sample.op is not op:
        raise StepError(f"a sample of {sample.op.id} given to {op.id}")


def _normal(ctx: RunContext, like: Any, seed: int, salt: int) -> np.ndarray:
    shape = tuple(ctx.adapter.shape(like))
    return np.random.default_rng([seed, salt]).standard_normal(shape)


@functions.register()
def random_like(ctx: RunContext, tensors: Sequence[Any], seed: int, differentiable: bool = False) -> list[Any]:
    """Standard-normal tensors shaped like ``tensors``, of their dtypes, from a NumPy generator
    seeded with ``seed``; ``differentiable=True`` makes them variables."""
    made = []
    for index, like in enumerate(tensors):
        values = _normal(ctx, like, seed, index)
        made.append(ctx.adapter.operand(values, ctx.adapter.dtype(like).name, differentiable=differentiable, device=ctx.device))
    return made


@functions.register()
def directions(ctx: RunContext, op: OperatorEntry, sample: Sample, seed: int) -> list[np.ndarray]:
    """One random float64 direction per differentiable argument, inside the argument's domain
    (a symmetric matrix for an entry whose ``tangents`` say so)."""
    _same_operator(op, sample)
    found = []
    for index, (name, drawn) in enumerate(_flat(sample)):
        value = np.random.default_rng([seed, 1000 + index]).standard_normal(np.shape(drawn))
        if op.tangents.get(name) == "symmetric":
            value = (value + np.swapaxes(value, -1, -2)) / 2.0
        found.append(value)
    return found


@functions.register()
def tensors_of(ctx: RunContext, arrays: Sequence[np.ndarray], like: Sequence[Any], differentiable: bool = False) -> list[Any]:
    """Tensors holding ``arrays``, each of the dtype of the tensor in ``like`` at its place."""
    return [
        ctx.adapter.operand(
            np.asarray(array, dtype=np.float64), ctx.adapter.dtype(t).name, differentiable=differentiable, device=ctx.device
        )
        for array, t in zip(arrays, like)
    ]


def _read(ctx: RunContext, value: Any) -> np.ndarray | None:
    if value is None:
        return None
    if isinstance(value, np.ndarray):
        return value.astype(np.float64) if value.dtype.kind != "c" else value
    read = ctx.adapter.values(value)
    return read.astype(np.float64) if read.dtype.kind != "c" else read


@functions.register()
def inner_product(ctx: RunContext, first: Sequence[Any], second: Sequence[Any]) -> float:
    """``sum(a_i * b_i)`` over the pairs, in float64; a missing gradient (``None``) counts as zero."""
    if len(first) != len(second):
        raise StepError(f"inner_product(): {len(first)} values against {len(second)}")
    total = 0.0
    for a, b in zip(first, second):
        x, y = _read(ctx, a), _read(ctx, b)
        if x is None or y is None:
            continue
        if x.shape != y.shape:
            raise StepError(f"inner_product(): shapes {x.shape} and {y.shape} differ")
        total += float(np.sum(x * y))
    return total


def _perturbed(sample: Sample, moves: Sequence[np.ndarray], scale: float) -> dict[str, Any]:
    flat = _flat(sample)
    if len(moves) != len(flat):
        raise StepError(f"{sample.op.id}: {len(moves)} directions for {len(flat)} differentiable tensors")
    return _grouped(
        sample,
        [np.asarray(np.asarray(value, dtype=np.float64) + scale * np.asarray(move)) for (_, value), move in zip(flat, moves)],
    )


def _projected(ctx: RunContext, sample: Sample, at: dict[str, np.ndarray], cotangents: Sequence[Any]) -> float:
    made = {name: _make(ctx, value, sample.dtype, False) for name, value in at.items()}
    return inner_product(ctx, _outputs(ctx, sample.op, _call(ctx, sample, made)), cotangents)


@functions.register()
def finite_difference(ctx: RunContext, sample: Sample, moves: Sequence[np.ndarray], cotangents: Sequence[Any]) -> float:
    """``cotangents . J moves`` by central differences of the adapter's own forward at the
    sample: two calls of the operator, each argument moved by ``EPSILON`` times its direction."""
    above = _projected(ctx, sample, _perturbed(sample, moves, EPSILON), cotangents)
    below = _projected(ctx, sample, _perturbed(sample, moves, -EPSILON), cotangents)
    return (above - below) / (2.0 * EPSILON)


def _vjp_projection(
    ctx: RunContext, sample: Sample, at: dict[str, np.ndarray], cotangents: Sequence[np.ndarray], weights: Sequence[Any]
) -> float:
    inputs = [_make(ctx, value, sample.dtype, True) for _, value in _flat(sample, at)]
    outputs = _outputs(ctx, sample.op, _call(ctx, sample, _grouped(sample, inputs)))
    grad_outputs = tensors_of(ctx, cotangents, outputs)
    grads = ctx.adapter.autograd_grad(
        outputs,
        inputs,
        grad_outputs=grad_outputs,
        retain_graph=None,
        create_graph=False,
        allow_unused=None,
        materialize_grads=False,
    )
    return inner_product(ctx, list(grads), weights)


@functions.register(capability="autograd_grad")
def vjp_finite_difference(
    ctx: RunContext,
    sample: Sample,
    moves: Sequence[np.ndarray],
    cotangents: Sequence[Any],
    cotangent_moves: Sequence[np.ndarray],
    weights: Sequence[Any],
) -> float:
    """The derivative of ``weights . vjp(x, c)`` along ``(moves, cotangent_moves)`` by central
    differences, each VJP taken by the adapter's ``autograd_grad`` (the second order of
    ``gradgradcheck``: the gradient is differentiated with respect to the inputs and the cotangents)."""
    base = [_read(ctx, c) for c in cotangents]
    totals = []
    for sign in (1.0, -1.0):
        at = _perturbed(sample, moves, sign * EPSILON)
        moved = [np.asarray(np.asarray(c) + sign * EPSILON * np.asarray(m)) for c, m in zip(base, cotangent_moves)]
        totals.append(_vjp_projection(ctx, sample, at, moved, weights))
    return (totals[0] - totals[1]) / (2.0 * EPSILON)


@functions.register(capability="forward_ad")
def jvp(ctx: RunContext, op: OperatorEntry, sample: Sample, inputs: Sequence[Any], tangents: Sequence[Any]) -> list[Any]:
    """Forward mode: the Jacobian-vector products of the operator's outputs at ``inputs`` along
    ``tangents``, by the library's forward-mode AD (``torch.func.jvp``, ``jax.jvp``...)."""
    _same_operator(op, sample)

    def function(*primals: Any) -> list[Any]:
        return _outputs(ctx, op, _call(ctx, sample, _grouped(sample, primals)))

    return list(ctx.adapter.jvp(function, list(inputs), list(tangents)))


@functions.register()
def reference_outputs(ctx: RunContext, op: OperatorEntry, sample: Sample) -> list[np.ndarray]:
    """The outputs the operator's NumPy reference computes in float64 from the sample's values
    (cast to the sample's dtype first), compared as the entry's ``outputs`` says."""
    _same_operator(op, sample)
    if op.reference is None:
        raise StepError(f"{op.id} has no NumPy reference")
    positional, keywords = [], {}
    for name, value in sample.values.items():
        if isinstance(value, np.ndarray) and value.dtype.kind == "f" and sample.dtype in ("float32", "float16"):
            value = value.astype(sample.dtype).astype(np.float64)
        elif _is_array_list(value) and sample.dtype in ("float32", "float16"):
            value = [v.astype(sample.dtype).astype(np.float64) for v in value]
        if name in op.keywords:
            keywords[name] = value
        else:
            positional.append(value)
    result = op.reference(*positional, **keywords)
    results = list(result) if isinstance(result, (tuple, list)) else [result]
    kinds = op.outputs or ["value"] * len(results)
    return [
        np.abs(np.asarray(r, dtype=np.float64)) if k == "abs" else np.asarray(r, dtype=np.float64)
        for k, r in zip(kinds, results)
        if k != "none"
    ]


@functions.register()
def documented_gradient(ctx: RunContext, sample: Sample, cotangents: Sequence[Any]) -> list[np.ndarray]:
    """The gradient the docs state at the sample's non-differentiable point, for each
    differentiable argument, from the entry's rule (:mod:`gradspec.operators.rules`)."""
    if sample.point is None:
        raise StepError(f"this sample of {sample.op.id} was not drawn at a non-differentiable point")
    rule = sample.op.nondifferentiable[sample.point].rule
    found = rule([_read(ctx, c) for c in cotangents], **{name: v for name, v in sample.values.items()})
    return [np.asarray(g, dtype=np.float64) for g in found]


def _rounded(values: np.ndarray, dtype: str) -> np.ndarray:
    """``values`` rounded to ``dtype`` (bfloat16: float32 with the low 16 bits rounded to nearest even)."""
    if dtype == "bfloat16":
        bits: np.ndarray = values.astype(np.float32).view(np.uint32).astype(np.uint64)
        bits = ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16) << 16
        return np.asarray(bits.astype(np.uint32).view(np.float32), dtype=np.float64)
    return np.asarray(values.astype(dtype), dtype=np.float64)


@functions.register()
def widened(ctx: RunContext, sample: Sample) -> Sample:
    """The sample in float32, its values rounded to the sample's (narrower) dtype first: the
    same numbers, computed wider."""
    rounded = {
        name: _rounded(v, sample.dtype)
        if isinstance(v, np.ndarray) and v.dtype.kind == "f"
        else [_rounded(e, sample.dtype) for e in v]
        if _is_array_list(v)
        else v
        for name, v in sample.values.items()
    }
    return replace(sample, dtype="float32", values=rounded)


@functions.register()
def float32_valued(ctx: RunContext, tensors: Sequence[Any]) -> bool:
    """Whether every value of ``tensors`` above 1e-6 in size is exactly a float32 value (and one is):
    a float64 gradient computed in float32 and cast back has only such values, while a gradient
    computed in float64 from random float64 cotangents almost surely has none."""
    found = [_read(ctx, t) for t in tensors]
    # Values below 1e-6 are the residue of a zero derivative (rounding, an eps in a formula), not a gradient.
    nonzero = [a[np.abs(a) > 1e-6] for a in found if a is not None and a.dtype.kind == "f"]
    if not any(a.size for a in nonzero):
        return False
    return all(np.array_equal(a, a.astype(np.float32).astype(np.float64)) for a in nonzero)
