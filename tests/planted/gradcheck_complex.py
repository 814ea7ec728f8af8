"""Planted deviation for gradcheck() on complex outputs (specs/gradcheck/): the check of the
imaginary part as a real-valued function is left out."""

from __future__ import annotations

from typing import Any

from gradspec.adapters.torch_adapter import TorchAdapter


class GradcheckRealPartOnly(TorchAdapter):
    """gradcheck() checks only the real part of a complex output, never the imaginary part."""

    deviation_kind = "partial"

    def gradcheck(self, name: str, function: Any, inputs: Any, **options: Any) -> Any:
        def real_part(*args: Any) -> Any:
            out = function(*args)
            return out.real if getattr(out, "is_complex", lambda: False)() else out

        return super().gradcheck(name, real_part, inputs, **options)


CAUGHT_BY = {
    GradcheckRealPartOnly: {"gradcheck.gradcheck.complex_outputs_both_parts"},
}
