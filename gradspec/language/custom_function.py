"""Custom autograd Functions written in the step language (``torch.autograd.Function``).

``custom_function(forward, backward)`` makes a Function of two step functions; calling the
result applies it (``Function.apply``).  ``forward(ctx, *args)`` computes the outputs and
``backward(ctx, *grads)`` returns one gradient per input.  Their ``ctx`` is the library's own
context object, reached through the methods and properties declared here
(``ctx.save_for_backward(x)``, ``ctx.saved_tensors``, ``ctx.needs_input_grad``...).  Keywords
reach the library only where the spec writes them, each with its own capability.
"""

from __future__ import annotations

from typing import Any

from gradspec.errors import StepError
from gradspec.language.functional import as_callable
from gradspec.language.interpreter import Decorated, RunContext
from gradspec.language.steps import PROPERTIES, functions, methods
from gradspec.language.vocabulary import Property
from gradspec.values import OMITTED

_CAPABILITY = "custom_function"
_KEYWORDS = {
    "setup_context": "custom_function_setup_context",
    "jvp": "custom_function_jvp",
    "once_differentiable": "once_differentiable",
    "vjp": "custom_function_vjp",
    "clear_saved_tensors_on_access": "custom_function_clear_saved_tensors_on_access",
    "boxed_grads_call": "custom_function_boxed_grads_call",
}
#: Keywords whose value is a step function; the others are flags passed on as written.
_STEP_FUNCTIONS = ("setup_context", "jvp", "vjp")


@functions.register(capability=_CAPABILITY, keyword_capabilities=_KEYWORDS)
def custom_function(
    ctx: RunContext,
    forward: Any,
    backward: Any,
    setup_context: Any = OMITTED,
    jvp: Any = OMITTED,
    once_differentiable: Any = OMITTED,
    vjp: Any = OMITTED,
    clear_saved_tensors_on_access: Any = OMITTED,
    boxed_grads_call: Any = OMITTED,
) -> Any:
    """A Function of the step functions ``forward`` and ``backward``; call it to apply it (``torch.autograd.Function``).

    ``backward`` may be None where ``vjp`` (its alias) is given instead; the flags
    ``clear_saved_tensors_on_access`` and ``boxed_grads_call`` become the Function's class flags."""
    written = {
        "setup_context": setup_context,
        "jvp": jvp,
        "once_differentiable": once_differentiable,
        "vjp": vjp,
        "clear_saved_tensors_on_access": clear_saved_tensors_on_access,
        "boxed_grads_call": boxed_grads_call,
    }
    given = {
        name: as_callable(ctx, value) if name in _STEP_FUNCTIONS else value
        for name, value in written.items()
        if value is not OMITTED
    }
    if backward is None and "vjp" not in given:
        raise StepError("custom_function() needs a backward step function, or backward=None with vjp=")
    backward_function = None if backward is None else as_callable(ctx, backward)
    apply = ctx.adapter.custom_function(as_callable(ctx, forward), backward_function, **given)
    return Decorated(apply, f"custom_function({getattr(forward, '__name__', 'forward')})")


def _context_method(name: str, doc: str) -> None:
    methods.add(
        name,
        lambda ctx, function_ctx, *args: ctx.adapter.function_context(function_ctx, name, *args),
        doc=doc,
        capability=_CAPABILITY,
        mutates=True,
    )


_context_method("save_for_backward", "keep tensors for backward, where ctx.saved_tensors gives them back")
_context_method("mark_dirty", "declare the inputs forward modified in place")
_context_method("mark_non_differentiable", "declare outputs that have no gradient")
_context_method("set_materialize_grads", "whether backward gets zeros (True, the default) or None for outputs without a gradient")


def _context_property(name: str, doc: str) -> None:
    PROPERTIES[name] = Property(
        name, lambda ctx, function_ctx: ctx.adapter.function_context(function_ctx, name), doc, _CAPABILITY, None, None
    )


_context_property("saved_tensors", "a Function context's tensors kept with save_for_backward")
_context_property("needs_input_grad", "a Function context's flags: whether each input of forward requires grad")
