"""Adaptive optimizers and parameter groups in the step language (``torch.optim``).

``adam(params, lr)``, ``adamw(params, lr)`` and ``rmsprop(params, lr)`` build the library's
Adam, AdamW and RMSprop optimizers over a list of parameters; ``step()`` and ``zero_grad()``
work on them as on ``sgd()``.  Hyper-parameters other than ``lr`` reach the library only where
the spec writes them, so an omitted one keeps the library's default.

``optimizer.add_param_group(params=[...], lr=...)`` adds a group of parameters to any optimizer
(``Optimizer.add_param_group``); the language has no dict literals, so the group's entries are
keyword arguments, and those omitted take the optimizer's defaults.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from gradspec.language.interpreter import RunContext
from gradspec.language.steps import functions, methods
from gradspec.values import OMITTED, written

_CAPABILITY = "adaptive_optimizers"


@functions.register(capability=_CAPABILITY)
def adam(ctx: RunContext, params: Iterable[Any], lr: float, weight_decay: Any = OMITTED) -> Any:
    """An Adam optimizer over parameters (``optim.Adam``); weight decay adds ``weight_decay * p`` to the gradient."""
    return ctx.adapter.adaptive_optimizer("adam", list(params), lr=lr, **written(weight_decay=weight_decay))


@functions.register(capability=_CAPABILITY)
def adamw(ctx: RunContext, params: Iterable[Any], lr: float, weight_decay: Any = OMITTED) -> Any:
    """An AdamW optimizer over parameters (``optim.AdamW``); weight decay shrinks the parameter itself."""
    return ctx.adapter.adaptive_optimizer("adamw", list(params), lr=lr, **written(weight_decay=weight_decay))


@functions.register(capability=_CAPABILITY)
def rmsprop(ctx: RunContext, params: Iterable[Any], lr: float, momentum: Any = OMITTED, weight_decay: Any = OMITTED) -> Any:
    """An RMSprop optimizer over parameters (``optim.RMSprop``)."""
    options = written(momentum=momentum, weight_decay=weight_decay)
    return ctx.adapter.adaptive_optimizer("rmsprop", list(params), lr=lr, **options)


def _add_param_group(
    ctx: RunContext, optimizer: Any, params: Any, lr: Any = OMITTED, momentum: Any = OMITTED, weight_decay: Any = OMITTED
) -> None:
    ctx.adapter.add_param_group(optimizer, list(params), **written(lr=lr, momentum=momentum, weight_decay=weight_decay))


methods.add(
    "add_param_group",
    _add_param_group,
    doc="add a group of parameters (params=[...], lr=..., momentum=..., weight_decay=...) to an optimizer",
    capability="add_param_group",
    mutates=True,
)
