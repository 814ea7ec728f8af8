"""Samples of an operator's arguments: drawn by ``samples(op, dtype)`` in ``given``, written back
as ``operator_sample(...)`` in a counterexample, so a failing sample replays on any adapter."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from hypothesis import strategies as st

from gradspec.operators.table import LOW_PRECISION, OperatorEntry, entry
from gradspec.strategies import _cached, given_strategy, strategies
from gradspec.values import DType

#: The dtypes an operator sample may be made in.
SAMPLE_DTYPES = ("float16", "bfloat16", "float32", "float64", "complex64", "complex128")


@dataclass(frozen=True, eq=False)
class Sample:
    """One call's arguments: arrays (float64 values, cast to ``dtype`` when the tensors are made,
    or int64 indices) and plain values, by name in the entry's order; ``point`` is the index of
    the documented non-differentiable point the sample was drawn at, if any."""

    op: OperatorEntry
    dtype: str
    values: dict[str, Any]
    point: int | None = None
    #: The device its tensors are made on (``None``: the device under test).
    device: str | None = None

    def given_code(self) -> str:
        """The step-language expression that makes this sample again."""
        from gradspec.render import given_value

        parts = [self.op.given_code(), f'"{self.dtype}"']
        if self.point is not None:
            parts.append(f"point={self.point}")
        if self.device is not None:
            parts.append(f'device="{self.device}"')
        parts += [f"{name}={given_value(value)}" for name, value in self.values.items()]
        return f"operator_sample({', '.join(parts)})"

    def __repr__(self) -> str:
        return self.given_code()

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(self.given_code())


def dtype_name(dtype: Any) -> str:
    """A sample dtype's name, from a dtype constant or a string; refuses any other dtype."""
    name = dtype.name if isinstance(dtype, DType) else dtype
    if name not in SAMPLE_DTYPES:
        raise ValueError(f"an operator sample's dtype is one of {', '.join(SAMPLE_DTYPES)}, not {dtype!r}")
    return str(name)


def sample_strategy(op: OperatorEntry, dtype: str, point: int | None) -> st.SearchStrategy[Sample]:
    """Samples of ``op`` in ``dtype`` (at its ``point``-th non-differentiable point, if given)."""
    key = (dtype, point)
    if key not in op._strategies:
        args = dict(op.args)
        if point is not None:
            args.update(dict(op.nondifferentiable[point].args))
        # in the arguments' order, whatever order Hypothesis drew them in: positional arguments are passed in it
        op._strategies[key] = given_strategy(args).map(
            lambda values: Sample(op, dtype, {name: values[name] for name in args}, point)
        )
    return op._strategies[key]


@strategies.register("operator")
def operator_(ctx: Any, name: str) -> st.SearchStrategy[OperatorEntry]:
    """The operator ``name`` of the operator table (``operator("linalg.solve")``); a spec with
    ``over: operators`` has it as its first input, ``op``."""
    return st.just(entry(name))


@strategies.register()
def samples(ctx: Any, op: OperatorEntry, dtype: Any, at_point: bool = False) -> st.SearchStrategy[Sample]:
    """Samples of the operator's arguments in ``dtype``; with ``at_point=True``, drawn at one
    of its documented non-differentiable points."""
    name = dtype_name(dtype)
    if not at_point:
        return sample_strategy(op, name, None)
    if not op.nondifferentiable:
        raise ValueError(f"{op.id} has no documented non-differentiable point")
    return st.one_of([sample_strategy(op, name, index) for index in range(len(op.nondifferentiable))])


@strategies.register()
def documented_dtypes(ctx: Any, op: OperatorEntry, kind: str = "floating") -> st.SearchStrategy[str]:
    """One of the dtypes the operator is documented for: ``floating`` (float32, float64) or ``low_precision``."""
    chosen = op.low_precision if kind == "low_precision" else tuple(d for d in op.dtypes if d in ("float32", "float64"))
    if not chosen:
        raise ValueError(f"{op.id} is documented for no {kind} dtype")
    return st.sampled_from(chosen)


for _name in ("operator", "samples", "documented_dtypes"):
    object.__setattr__(strategies[_name], "impl", _cached(strategies[_name].impl))


def is_floating_array(value: Any) -> bool:
    return isinstance(value, np.ndarray) and value.dtype.kind == "f"


__all__ = ["LOW_PRECISION", "Sample", "sample_strategy"]
