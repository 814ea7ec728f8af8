"""Backward hooks on modules in the step language (``Module.register_full_backward_hook`` and
``Module.register_full_backward_pre_hook``).

``m.register_full_backward_hook(hook)`` calls the step function ``hook(module, grad_input,
grad_output)`` when the gradients with respect to the module are computed; a tuple it returns
replaces ``grad_input``.  ``m.register_full_backward_pre_hook(hook)`` calls ``hook(module,
grad_output)`` before, and a tuple it returns replaces ``grad_output``.  Both return a handle with
``remove()``.
"""

from __future__ import annotations

from typing import Any

from gradspec.language.functional import as_callable
from gradspec.language.interpreter import RunContext
from gradspec.language.steps import methods


def _register(ctx: RunContext, module: Any, hook: Any, when: str) -> Any:
    return ctx.adapter.register_module_hook(module, as_callable(ctx, hook), when=when)


methods.add(
    "register_full_backward_hook",
    lambda ctx, module, hook: _register(ctx, module, hook, "full"),
    doc="call hook(module, grad_input, grad_output) when the module's gradients are computed; a tuple it "
    "returns replaces grad_input.  Returns a handle (Module.register_full_backward_hook)",
    capability="module_backward_hooks",
    mutates=True,
)
methods.add(
    "register_full_backward_pre_hook",
    lambda ctx, module, hook: _register(ctx, module, hook, "pre"),
    doc="call hook(module, grad_output) before the module's gradients are computed; a tuple it returns "
    "replaces grad_output.  Returns a handle (Module.register_full_backward_pre_hook)",
    capability="module_backward_pre_hooks",
    mutates=True,
)
