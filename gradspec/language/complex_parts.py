"""Complex values from their real and imaginary parts in the step language (``torch.complex``).

The language writes no complex constants; ``complex(re, im)`` builds them: of two real tensors,
the library's complex tensor (differentiable in both parts); of two NumPy arrays (or numbers),
NumPy's ``re + 1j * im``, for expected values computed in NumPy.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gradspec.errors import StepError
from gradspec.language.interpreter import RunContext
from gradspec.language.steps import functions

#: The complex dtype NumPy gives parts of each real dtype.
_COMPLEX_OF = {np.dtype("float32"): np.complex64, np.dtype("float64"): np.complex128}


def _numpy_complex(real: Any, imag: Any) -> np.ndarray:
    parts = [np.asarray(part) for part in (real, imag)]
    for part in parts:
        if part.dtype.kind not in "iuf":
            raise StepError(f"complex() takes real parts, not values of dtype {part.dtype}")
    dtype = _COMPLEX_OF.get(np.result_type(*parts), np.complex128)
    return np.asarray(parts[0] + 1j * parts[1], dtype=dtype)


@functions.register("complex", capability="complex_from_parts")
def complex_(ctx: RunContext, real: Any, imag: Any) -> Any:
    """The complex tensor ``real + i * imag`` of two real tensors of one dtype (``torch.complex``);
    of NumPy arrays or numbers, NumPy's ``real + 1j * imag`` (complex64 of float32 parts)."""
    tensors = [ctx.adapter.is_tensor(part) for part in (real, imag)]
    if all(tensors):
        return ctx.adapter.complex_from_parts(real, imag)
    if any(tensors):
        raise StepError("complex() takes two tensors or two NumPy arrays, not one of each")
    for part in (real, imag):
        if isinstance(part, bool) or not isinstance(part, (np.ndarray, int, float, np.number)):
            raise StepError(f"complex() takes tensors, NumPy arrays or real numbers, not {type(part).__name__}")
    return _numpy_complex(real, imag)
