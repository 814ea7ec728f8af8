"""Planted deviations for the functional API specs (specs/functional/): each adapter wraps
PyTorch's ``torch.autograd.functional`` and breaks one documented behaviour of it."""
from __future__ import annotations

from typing import Any

from gradspec.adapters.torch_adapter import TorchAdapter


def _mapped(result: Any, change: Any) -> Any:
    """``result`` with ``change`` applied to every tensor in it (tuples kept)."""
    if isinstance(result, tuple):
        return tuple(_mapped(item, change) for item in result)
    return change(result)


class JacobianTransposed(TorchAdapter):
    """jacobian() lays out a matrix Jacobian input-first (its transpose)."""

    deviation_kind = "inverted"

    def functional(self, name: str, function: Any, inputs: Any, **options: Any) -> Any:
        found = super().functional(name, function, inputs, **options)
        if name != "jacobian":
            return found
        return _mapped(found, lambda block: block.transpose(0, 1) if block.dim() == 2 else block)


class IndependentInputGetsNone(TorchAdapter):
    """jacobian() gives None, not zeros, for an input the output does not depend on."""

    deviation_kind = "missing"

    def functional(self, name: str, function: Any, inputs: Any, **options: Any) -> Any:
        found = super().functional(name, function, inputs, **options)
        if name == "jacobian" and isinstance(found, tuple):
            return tuple(None if bool((block == 0).all()) else block for block in found)
        return found


class StrictIgnored(TorchAdapter):
    """strict=True is accepted and ignored: no error for an independent input."""

    deviation_kind = "missing"

    def functional(self, name: str, function: Any, inputs: Any, **options: Any) -> Any:
        return super().functional(name, function, inputs, **{**options, "strict": False})


class HessianLowerTriangle(TorchAdapter):
    """hessian() fills only the lower triangle and the diagonal of the matrix."""

    deviation_kind = "partial"

    def functional(self, name: str, function: Any, inputs: Any, **options: Any) -> Any:
        found = super().functional(name, function, inputs, **options)
        return found.tril() if name == "hessian" and not isinstance(found, tuple) else found


class VjpIgnoresV(TorchAdapter):
    """vjp() computes 1^T J, whatever v is."""

    deviation_kind = "inverted"

    def functional(self, name: str, function: Any, inputs: Any, **options: Any) -> Any:
        if name == "vjp" and options.get("v") is not None:
            options = {**options, "v": self.torch.ones_like(options["v"])}
        return super().functional(name, function, inputs, **options)


class JvpReturnsTangentAsOutput(TorchAdapter):
    """jvp() returns (J v, J v): the function's output is replaced by the product."""

    deviation_kind = "inverted"

    def functional(self, name: str, function: Any, inputs: Any, **options: Any) -> Any:
        found = super().functional(name, function, inputs, **options)
        return (found[1], found[1]) if name == "jvp" else found


class HvpHalved(TorchAdapter):
    """hvp() and vhp() lose a factor of two: (A + A^T) v / 2 for the quadratic form v . A v."""

    deviation_kind = "numeric"

    def functional(self, name: str, function: Any, inputs: Any, **options: Any) -> Any:
        found = super().functional(name, function, inputs, **options)
        return (found[0], _mapped(found[1], lambda t: t / 2)) if name in ("hvp", "vhp") else found


class VhpOffByATerm(TorchAdapter):
    """vhp() adds a spurious term to v^T H, so it no longer equals hvp()."""

    deviation_kind = "numeric"

    def functional(self, name: str, function: Any, inputs: Any, **options: Any) -> Any:
        if name != "vhp":
            return super().functional(name, function, inputs, **options)
        output, product = super().functional(name, function, inputs, **options)
        return output, product + 0.5 * self.torch.sin(product)


class ResultsAlwaysKeepGraph(TorchAdapter):
    """The functional API always builds the graph of its results, as if create_graph=True."""

    deviation_kind = "leaking"

    def functional(self, name: str, function: Any, inputs: Any, **options: Any) -> Any:
        return super().functional(name, function, inputs, **{**options, "create_graph": True})


class FunctionalCreateGraphIgnored(TorchAdapter):
    """create_graph=True is accepted and ignored: the results are constants."""

    deviation_kind = "missing"

    def functional(self, name: str, function: Any, inputs: Any, **options: Any) -> Any:
        return super().functional(name, function, inputs, **{**options, "create_graph": False})


class ForwardStrategyTransposes(TorchAdapter):
    """jacobian(strategy="forward-mode") returns a matrix Jacobian with its rows in reverse order."""

    deviation_kind = "inverted"

    def functional(self, name: str, function: Any, inputs: Any, **options: Any) -> Any:
        found = super().functional(name, function, inputs, **options)
        if name == "jacobian" and options.get("strategy") == "forward-mode":
            return found.flip(0) if found.dim() == 2 else found
        return found


CAUGHT_BY = {
    JacobianTransposed: {"functional.jacobian.shape_and_values"},
    IndependentInputGetsNone: {"functional.jacobian.strict_false_gives_zeros"},
    StrictIgnored: {"functional.jacobian.strict_raises"},
    HessianLowerTriangle: {"functional.hessian.symmetric_second_derivatives"},
    VjpIgnoresV: {"functional.vjp.output_and_product"},
    JvpReturnsTangentAsOutput: {"functional.jvp.output_and_product"},
    HvpHalved: {"functional.hvp_vhp.products"},
    VhpOffByATerm: {"functional.hvp_vhp.products"},
    ResultsAlwaysKeepGraph: {"functional.create_graph.differentiable_results"},
    FunctionalCreateGraphIgnored: {"functional.create_graph.differentiable_results"},
    ForwardStrategyTransposes: {"functional.jacobian.vectorize_same"},
}
