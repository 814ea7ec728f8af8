"""The functional higher-level API in the step language: a function's Jacobian, Hessian and their
vector products at given inputs (``torch.autograd.functional``).

The function is a step-language ``def`` (or a drawn operation); ``inputs`` is one tensor or a
list of tensors, and the results have the library's own structure (PyTorch: a tensor for one
input and one output, tuples otherwise).  Keyword arguments reach the library as the spec wrote
them; the ones beyond the plain call need their own capability.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gradspec.errors import StepError
from gradspec.language.interpreter import RunContext
from gradspec.language.steps import call_value, functions
from gradspec.language.vocabulary import Function

_CAPABILITY = "functional_api"
_KEYWORDS = {"create_graph": "functional_create_graph", "strict": "functional_strict"}
_JACOBIAN_KEYWORDS = {**_KEYWORDS, "vectorize": "functional_vectorize", "strategy": "functional_vectorize"}
_HESSIAN_KEYWORDS = {**_KEYWORDS, "vectorize": "functional_vectorize", "outer_jacobian_strategy": "functional_vectorize"}


def as_callable(ctx: RunContext, function: Any) -> Callable[..., Any]:
    """A plain Python callable for a step function, a module or a drawn operation, refused here
    (not when the library first calls it) if it is none of these."""
    if not isinstance(function, Function) and not callable(function):
        raise StepError(f"expected a function (a step function, a module or an operation), not {type(function).__name__}")
    return lambda *args: call_value(ctx, function, args)


@functions.register(capability=_CAPABILITY, keyword_capabilities=_JACOBIAN_KEYWORDS)
def functional_jacobian(
    ctx: RunContext,
    function: Any,
    inputs: Any,
    create_graph: bool = False,
    strict: bool = False,
    vectorize: bool = False,
    strategy: str = "reverse-mode",
) -> Any:
    """The Jacobian of ``function`` at ``inputs`` (``torch.autograd.functional.jacobian``)."""
    return ctx.adapter.functional(
        "jacobian",
        as_callable(ctx, function),
        inputs,
        create_graph=create_graph,
        strict=strict,
        vectorize=vectorize,
        strategy=strategy,
    )


@functions.register(capability=_CAPABILITY, keyword_capabilities=_HESSIAN_KEYWORDS)
def functional_hessian(
    ctx: RunContext,
    function: Any,
    inputs: Any,
    create_graph: bool = False,
    strict: bool = False,
    vectorize: bool = False,
    outer_jacobian_strategy: str = "reverse-mode",
) -> Any:
    """The Hessian of a scalar ``function`` at ``inputs`` (``torch.autograd.functional.hessian``)."""
    return ctx.adapter.functional(
        "hessian",
        as_callable(ctx, function),
        inputs,
        create_graph=create_graph,
        strict=strict,
        vectorize=vectorize,
        outer_jacobian_strategy=outer_jacobian_strategy,
    )


def _product(name: str, doc: str) -> None:
    """Declare ``functional_<name>(function, inputs, v=None, create_graph=False, strict=False)``."""

    def product(
        ctx: RunContext, function: Any, inputs: Any, v: Any = None, create_graph: bool = False, strict: bool = False
    ) -> Any:
        return ctx.adapter.functional(name, as_callable(ctx, function), inputs, v=v, create_graph=create_graph, strict=strict)

    functions.add(f"functional_{name}", product, doc=doc, capability=_CAPABILITY, keyword_capabilities=_KEYWORDS)


_product("vjp", "``(function(inputs), v^T J)`` (``torch.autograd.functional.vjp``); v may be omitted for one element.")
_product("jvp", "``(function(inputs), J v)`` (``torch.autograd.functional.jvp``); v may be omitted for one element.")
_product("vhp", "``(function(inputs), v^T H)`` of a scalar function (``torch.autograd.functional.vhp``).")
_product("hvp", "``(function(inputs), H v)`` of a scalar function (``torch.autograd.functional.hvp``).")
