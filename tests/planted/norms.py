"""Planted deviations of norm(): results that do not overflow where PyTorch's float32 norm does."""

from __future__ import annotations

from typing import Any

from gradspec.adapters.torch_adapter import TorchAdapter


class NormWithoutOverflow(TorchAdapter):
    """norm() computes in float64 and rounds back, so a float32 norm whose squares overflow stays finite."""

    deviation_kind = "numeric"

    def norm(self, tensor: Any) -> Any:
        return tensor.double().norm().to(tensor.dtype)


class NormScaledByLargest(TorchAdapter):
    """norm() divides by the largest magnitude first (as BLAS nrm2 does), so squares never overflow."""

    deviation_kind = "inverted"

    def norm(self, tensor: Any) -> Any:
        largest = tensor.abs().max()
        return largest * (tensor / largest).norm()


CAUGHT_BY = {
    NormWithoutOverflow: {"numerics.norm.intermediate_overflow"},
    NormScaledByLargest: {"numerics.norm.intermediate_overflow"},
}
