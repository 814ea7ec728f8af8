"""Planted deviations of a tensor's grad_dtype, of the refusal of requires_grad by the wide
unsigned dtypes, of jacobian()'s forward-mode strategy without vectorize=True, and of the
gradient of a real input of a real-to-complex function."""

from __future__ import annotations

from typing import Any

import numpy as np

from gradspec.adapters.torch_adapter import TorchAdapter
from gradspec.values import DType

_WIDE_UNSIGNED = frozenset({"uint16", "uint32", "uint64"})


# -- grad_dtype (B22) -------------------------------------------------------------------------


class GradDtypeSetterIgnored(TorchAdapter):
    """Setting grad_dtype does nothing: a .grad is always checked against the tensor's dtype."""

    deviation_kind = "missing"

    def set_grad_dtype(self, tensor: Any, dtype: DType | None) -> None:
        pass


class GradDtypeNoneChecksOwnDtype(TorchAdapter):
    """grad_dtype = None reads back None, but a .grad is still checked against the tensor's own dtype."""

    deviation_kind = "partial"

    def set_grad_dtype(self, tensor: Any, dtype: DType | None) -> None:
        super().set_grad_dtype(tensor, self.dtype(tensor) if dtype is None else dtype)
        tensor._planted_grad_dtype_none = dtype is None

    def grad_dtype(self, tensor: Any) -> DType | None:
        return None if getattr(tensor, "_planted_grad_dtype_none", False) else super().grad_dtype(tensor)


class GradDtypeUnsetReadsNone(TorchAdapter):
    """grad_dtype reads None until it is set to another dtype than the tensor's (no default)."""

    deviation_kind = "missing"

    def grad_dtype(self, tensor: Any) -> DType | None:
        found = super().grad_dtype(tensor)
        return None if found == self.dtype(tensor) else found


class BackwardIgnoresGradDtype(TorchAdapter):
    """backward() accumulates a .grad of the tensor's own dtype whatever its grad_dtype (only an
    assigned .grad is checked against grad_dtype)."""

    deviation_kind = "missing"

    def set_grad(self, tensor: Any, value: Any) -> None:
        super().set_grad(tensor, value)
        tensor._planted_assigned_grad = value

    def grad(self, tensor: Any) -> Any:
        found = super().grad(tensor)
        if found is None or found is getattr(tensor, "_planted_assigned_grad", None) or found.dtype == tensor.dtype:
            return found
        return found.to(tensor.dtype)


# -- the wide unsigned dtypes refuse requires_grad (L12) -------------------------------------


class WideUnsignedRequiresGradIgnored(TorchAdapter):
    """uint16, uint32 and uint64 tensors silently ignore requires_grad=True (only the narrow
    integer dtypes and bool refuse it)."""

    deviation_kind = "missing"

    def _wide(self, tensor: Any) -> bool:
        return self.is_tensor(tensor) and self.dtype(tensor).name in _WIDE_UNSIGNED

    def tensor(self, array: np.ndarray, *, requires_grad: Any, device: str) -> Any:
        if array.dtype.name in _WIDE_UNSIGNED:
            requires_grad = False
        return super().tensor(array, requires_grad=requires_grad, device=device)

    def create(self, factory: str, shape: tuple[int, ...], dtype: DType, *, requires_grad: Any, device: str) -> Any:
        if dtype.name in _WIDE_UNSIGNED:
            requires_grad = False
        return super().create(factory, shape, dtype, requires_grad=requires_grad, device=device)

    def set_requires_grad(self, tensor: Any, value: bool) -> None:
        if not self._wide(tensor):
            super().set_requires_grad(tensor, value)

    def requires_grad_(self, tensor: Any, value: bool) -> Any:
        return tensor if self._wide(tensor) else super().requires_grad_(tensor, value)


# -- jacobian(strategy="forward-mode") needs vectorize=True (D08) ----------------------------


class ForwardModeWithoutVectorizeFallsBack(TorchAdapter):
    """jacobian(strategy="forward-mode") without vectorize=True quietly computes in reverse mode."""

    deviation_kind = "missing"

    def functional(self, name: str, function: Any, inputs: Any, **options: Any) -> Any:
        if name == "jacobian" and options.get("strategy") == "forward-mode" and not options.get("vectorize"):
            options["strategy"] = "reverse-mode"
        return super().functional(name, function, inputs, **options)


# -- the real input of a real-to-complex function (A44) --------------------------------------


class ComplexGradOutputNotConjugated(TorchAdapter):
    """backward() of a complex output uses the cotangent's conjugate, so a real input's gradient
    is Re(grad_output * ds/dx), not Re(conj(grad_output) * ds/dx)."""

    deviation_kind = "inverted"

    def backward(self, tensor: Any, *, gradient: Any, **options: Any) -> None:
        if gradient is not None and self.is_tensor(gradient) and gradient.is_complex():
            gradient = gradient.conj().resolve_conj()
        super().backward(tensor, gradient=gradient, **options)


class RealInputGradientStaysComplex(TorchAdapter):
    """A real leaf differentiated through a complex output reads a complex .grad (its real
    gradient with a zero imaginary part), not one of its own real dtype."""

    deviation_kind = "leaking"

    def backward(self, tensor: Any, **options: Any) -> None:
        super().backward(tensor, **options)
        self._complex_root = self.is_tensor(tensor) and tensor.is_complex()

    def grad(self, tensor: Any) -> Any:
        found = super().grad(tensor)
        if found is not None and getattr(self, "_complex_root", False) and not found.is_complex():
            return self.torch.complex(found, self.torch.zeros_like(found))
        return found


CAUGHT_BY = {
    GradDtypeSetterIgnored: {
        "grad.grad_dtype.set_accepts_that_dtype",
        "grad.grad_dtype.set_refuses_own_dtype",
        "grad.grad_dtype.none_accepts_any",
        "grad.grad_dtype.backward_casts",
    },
    BackwardIgnoresGradDtype: {"grad.grad_dtype.backward_casts"},
    GradDtypeNoneChecksOwnDtype: {"grad.grad_dtype.none_accepts_any"},
    GradDtypeUnsetReadsNone: {"grad.grad_dtype.default_is_dtype"},
    WideUnsignedRequiresGradIgnored: {
        "requires_grad.dtype.integer_factory_error",
        "requires_grad.dtype.integer_factory_error_zeros",
        "requires_grad.dtype.requires_grad_setter_error_attribute",
        "requires_grad.dtype.requires_grad_setter_error_method",
    },
    ForwardModeWithoutVectorizeFallsBack: {"functional.jacobian.forward_mode_needs_vectorize"},
    ComplexGradOutputNotConjugated: {"grad.complex.real_to_complex_gradient"},
    RealInputGradientStaysComplex: {"grad.complex.real_to_complex_gradient"},
}
