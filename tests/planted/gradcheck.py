"""Planted deviations for the gradient-checking specs (specs/gradcheck/): each adapter wraps
``torch.autograd.gradcheck``/``gradgradcheck`` and breaks one documented behaviour of them."""
from __future__ import annotations

from typing import Any

from gradspec.adapters.torch_adapter import TorchAdapter


def _each_input(inputs: Any, change: Any) -> Any:
    """gradcheck()'s inputs (one tensor or a list) with ``change`` applied to each floating tensor."""
    tensors = [change(t) if t.is_floating_point() else t for t in (inputs if isinstance(inputs, list) else [inputs])]
    return tensors if isinstance(inputs, list) else tensors[0]


class GradcheckAlwaysPasses(TorchAdapter):
    """gradcheck() and gradgradcheck() answer True without comparing anything."""

    deviation_kind = "missing"

    def gradcheck(self, name: str, function: Any, inputs: Any, **options: Any) -> Any:
        return True


class GradcheckInSinglePrecision(TorchAdapter):
    """gradcheck() differentiates in float32, so right gradients fail its float64 tolerances."""

    deviation_kind = "numeric"

    def gradcheck(self, name: str, function: Any, inputs: Any, **options: Any) -> Any:
        single = _each_input(inputs, lambda t: t.detach().float().requires_grad_(t.requires_grad))
        return super().gradcheck(name, function, single, **options)


class GradcheckNeverRaises(TorchAdapter):
    """gradcheck() answers False instead of raising, whatever raise_exception says."""

    deviation_kind = "partial"

    def gradcheck(self, name: str, function: Any, inputs: Any, **options: Any) -> Any:
        return super().gradcheck(name, function, inputs, **{**options, "raise_exception": False})


class GradcheckChecksEveryFloatingInput(TorchAdapter):
    """gradcheck() checks every floating input, also those that do not require grad."""

    deviation_kind = "leaking"

    def gradcheck(self, name: str, function: Any, inputs: Any, **options: Any) -> Any:
        widened = _each_input(inputs, lambda t: t if t.requires_grad else t.detach().requires_grad_())
        return super().gradcheck(name, function, widened, **options)


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
