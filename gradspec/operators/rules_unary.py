"""The documented gradients of the elementwise unary family at its non-differentiable points."""

from __future__ import annotations

from typing import Any

import numpy as np

from gradspec.operators.references_unary import i0e, i1e

Array = np.ndarray


def i0e_at_zero(cotangents: list[Array], input: Array, **_: Any) -> list[Array]:
    """special.i0e = exp(-|x|) i0(x) has a local peak (a concave kink) at 0: the super-gradient
    of minimum norm there is 0 (autograd notes, "Gradients for non-differentiable functions");
    elsewhere its derivative is i1e(x) - sign(x) i0e(x)."""
    return [cotangents[0] * (i1e(input) - np.sign(input) * i0e(input))]
