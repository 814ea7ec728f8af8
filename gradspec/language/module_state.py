"""A module's members and state in the step language (``torch.nn.Module``).

``module()`` is an empty module whose members a spec sets with ``set_member`` (a Parameter, a
tensor, another module, or None) and reads with ``member``; ``register_buffer`` adds a buffer.
``named_parameters``, ``buffers``, ``state_dict`` and ``load_state_dict`` give what the library
keeps of them.  A state dict is written as a list of ``(dotted name, tensor)`` pairs, in the
library's order (``dict(pairs)`` makes a dict of it).  Keywords reach the library only where the spec
writes them.
"""

from __future__ import annotations

from typing import Any

from gradspec.errors import StepError
from gradspec.language.interpreter import RunContext
from gradspec.language.steps import functions
from gradspec.values import OMITTED, written


def _name(name: Any) -> str:
    if not isinstance(name, str) or not name.isidentifier() or name.startswith("_"):
        raise StepError(f"a member name is a public identifier, not {name!r}")
    return name


@functions.register(capability="user_modules")
def module(ctx: RunContext) -> Any:
    """An empty module, whose members a spec sets (``nn.Module()``)."""
    return ctx.adapter.empty_module()


@functions.register(capability="user_modules")
def set_member(ctx: RunContext, module: Any, name: str, value: Any) -> None:
    """Set a module's member ``name`` (``setattr(module, name, value)``): a Parameter registers itself."""
    ctx.adapter.set_member(module, _name(name), value)


@functions.register(capability="user_modules")
def member(ctx: RunContext, module: Any, name: str) -> Any:
    """A module's member ``name`` (``getattr(module, name)``)."""
    return ctx.adapter.member(module, _name(name))


@functions.register(capability="user_modules", keyword_capabilities={"recurse": "user_modules"})
def named_parameters(ctx: RunContext, module: Any, recurse: Any = OMITTED) -> Any:
    """A module's parameters as ``(dotted name, parameter)`` pairs (``Module.named_parameters``)."""
    return ctx.adapter.named_parameters(module, **written(recurse=recurse))


@functions.register(capability="buffers")
def register_buffer(ctx: RunContext, module: Any, name: str, tensor: Any, persistent: Any = OMITTED) -> None:
    """Add a buffer to a module (``Module.register_buffer``); ``persistent=False`` keeps it out of its state dict."""
    ctx.adapter.register_buffer(module, _name(name), tensor, **written(persistent=persistent))


@functions.register(capability="buffers")
def buffers(ctx: RunContext, module: Any) -> Any:
    """A module's buffers, as a list (``Module.buffers``)."""
    return ctx.adapter.buffers(module)


@functions.register(capability="state_dict")
def state_dict(ctx: RunContext, module: Any, keep_vars: Any = OMITTED) -> Any:
    """A module's state: ``(dotted name, tensor)`` pairs of its parameters and persistent buffers (``Module.state_dict``)."""
    return list(ctx.adapter.state_dict(module, **written(keep_vars=keep_vars)).items())


@functions.register(capability="state_dict", keyword_capabilities={"assign": "load_state_dict_assign"})
def load_state_dict(ctx: RunContext, module: Any, state: Any, strict: Any = OMITTED, assign: Any = OMITTED) -> Any:
    """Load ``(name, tensor)`` pairs into a module; ``(missing keys, unexpected keys)`` (``Module.load_state_dict``)."""
    return ctx.adapter.load_state_dict(module, _as_dict(state), **written(strict=strict, assign=assign))


def _as_dict(pairs: Any) -> dict[str, Any]:
    """A state dict from the ``(name, tensor)`` pairs a spec wrote; refuses anything else."""
    if not isinstance(pairs, (list, tuple)) or not all(
        isinstance(pair, tuple) and len(pair) == 2 and isinstance(pair[0], str) for pair in pairs
    ):
        raise StepError("a state dict is a list of (name, tensor) pairs")
    return dict(pairs)
