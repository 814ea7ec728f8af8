"""Parameter initialisation in the step language (``torch.nn.init``).

``init_uniform_(t, a, b)``, ``init_constant_(t, val)`` and ``init_normal_(t, mean, std)`` fill a
tensor (typically a Parameter) in place and return it.  Keywords with defaults reach the library
only where the spec writes them.
"""

from __future__ import annotations

from typing import Any

from gradspec.errors import StepError
from gradspec.language.interpreter import RunContext
from gradspec.language.steps import functions
from gradspec.values import OMITTED, written

_CAPABILITY = "nn_init"


def _init(ctx: RunContext, name: str, tensor: Any, **options: Any) -> Any:
    if not ctx.adapter.is_tensor(tensor):
        raise StepError(f"init_{name}() takes a tensor, not {type(tensor).__name__}")
    return ctx.adapter.nn_init(name, tensor, **written(**options))


@functions.register("init_uniform_", capability=_CAPABILITY, mutates=True)
def init_uniform_(ctx: RunContext, tensor: Any, a: Any = OMITTED, b: Any = OMITTED) -> Any:
    """Fill ``tensor`` with values drawn uniformly from ``[a, b]`` (``torch.nn.init.uniform_``)."""
    return _init(ctx, "uniform_", tensor, a=a, b=b)


@functions.register("init_constant_", capability=_CAPABILITY, mutates=True)
def init_constant_(ctx: RunContext, tensor: Any, val: Any) -> Any:
    """Fill ``tensor`` with ``val`` (``torch.nn.init.constant_``)."""
    return _init(ctx, "constant_", tensor, val=val)


@functions.register("init_normal_", capability=_CAPABILITY, mutates=True)
def init_normal_(ctx: RunContext, tensor: Any, mean: Any = OMITTED, std: Any = OMITTED) -> Any:
    """Fill ``tensor`` with values drawn from a normal distribution (``torch.nn.init.normal_``)."""
    return _init(ctx, "normal_", tensor, mean=mean, std=std)
