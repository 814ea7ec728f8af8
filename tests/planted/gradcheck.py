"""Planted deviations for the gradient-checking specs (specs/gradcheck/): each adapter wraps
``torch.autograd.gradcheck``/``gradgradcheck`` and breaks one documented behaviour of them."""
from __future__ import annotations

from typing import Any

from gradspec.adapters.torch_adapter import TorchAdapter


class GradcheckAlwaysPasses(TorchAdapter):
    """gradcheck() and gradgradcheck() answer True without comparing anything."""

    deviation_kind = "missing"

    def gradcheck(self, name: str, function: Any, inputs: Any, **options: Any) -> Any:
        return True


class GradcheckInSinglePrecision(TorchAdapter):
    """gradcheck() differentiates in float32, so right gradients fail its float64 tolerances."""

    deviation_kind = "numeric"

    def gradcheck(self, name: str, function: Any, inputs: Any, **options: Any) -> Any:
        tensors = inputs if isinstance(inputs, list) else [inputs]
        single = [t.detach().float().requires_grad_(t.requires_grad) if t.is_floating_point() else t for t in tensors]
        return super().gradcheck(name, function, single if isinstance(inputs, list) else single[0], **options)


class GradcheckNeverRaises(TorchAdapter):
    """gradcheck() answers False instead of raising, whatever raise_exception says."""

    deviation_kind = "partial"

    def gradcheck(self, name: str, function: Any, inputs: Any, **options: Any) -> Any:
        return super().gradcheck(name, function, inputs, **{**options, "raise_exception": False})


class GradcheckChecksEveryFloatingInput(TorchAdapter):
    """gradcheck() checks every floating input, also those that do not require grad."""

    deviation_kind = "leaking"

    def gradcheck(self, name: str, function: Any, inputs: Any, **options: Any) -> Any:
        tensors = inputs if isinstance(inputs, list) else [inputs]
        widened = [t.detach().requires_grad_() if t.is_floating_point() and not t.requires_grad else t for t in tensors]
        return super().gradcheck(name, function, widened if isinstance(inputs, list) else widened[0], **options)


class GradgradcheckChecksFirstOrder(TorchAdapter):
    """gradgradcheck() checks first derivatives only, as gradcheck() does."""

    deviation_kind = "missing"

    def gradcheck(self, name: str, function: Any, inputs: Any, **options: Any) -> Any:
        if name == "gradgradcheck":
            options.pop("grad_outputs", None)
            name = "gradcheck"
        return super().gradcheck(name, function, inputs, **options)


class FastModePasses(TorchAdapter):
    """gradcheck(fast_mode=True) answers True without comparing anything."""

    deviation_kind = "partial"

    def gradcheck(self, name: str, function: Any, inputs: Any, **options: Any) -> Any:
        return True if options.get("fast_mode") else super().gradcheck(name, function, inputs, **options)


CAUGHT_BY = {
    GradcheckAlwaysPasses: {
        "gradcheck.gradcheck.wrong_backward_raises",
        "gradcheck.gradcheck.raise_exception_false",
        "gradcheck.gradgradcheck.second_derivatives",
    },
    GradcheckInSinglePrecision: {"gradcheck.gradcheck.passes_matching_gradients"},
    GradcheckNeverRaises: {"gradcheck.gradcheck.wrong_backward_raises"},
    GradcheckChecksEveryFloatingInput: {"gradcheck.gradcheck.only_inputs_requiring_grad"},
    GradgradcheckChecksFirstOrder: {"gradcheck.gradgradcheck.second_derivatives"},
    FastModePasses: {"gradcheck.gradcheck.fast_mode_same_verdict"},
}
