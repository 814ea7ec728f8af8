"""The nodes of the backward graph in the step language (``torch.autograd.graph.Node``).

A tensor's ``grad_fn`` is a node (``is_graph_node(v)`` says whether a value is one); ``node_name(node)`` is its name and ``next_functions(node)``
links it to the nodes of its inputs, as ``(node or None, index)`` pairs.  Hooks on a node
(``node_register_hook``, ``node_register_prehook``) are step functions and return a handle with
``remove()``.  ``saved_value(node, name)`` reads a tensor the node saved for backward (torch:
``grad_fn._saved_<name>``), ``register_saved_hooks(node, name, pack, unpack)`` puts hooks on that
one saved tensor, and ``shares_storage(a, b)`` says whether two tensors use the same memory.
"""

from __future__ import annotations

from typing import Any

from gradspec.errors import StepError
from gradspec.language.functional import as_callable
from gradspec.language.interpreter import RunContext
from gradspec.language.steps import functions


def _saved_name(name: Any) -> str:
    """A saved tensor's name as a spec writes it (``self``, ``result``), refused unless an identifier."""
    if not isinstance(name, str) or not name.isidentifier() or name.startswith("_"):
        raise StepError(f"a saved tensor's name is an identifier such as 'self' or 'result', not {name!r}")
    return name


@functions.register(capability="graph_nodes")
def node_name(ctx: RunContext, node: Any) -> str:
    """The name of a graph node (``Node.name()``)."""
    return str(ctx.adapter.node_name(node))


@functions.register(capability="graph_nodes")
def next_functions(ctx: RunContext, node: Any) -> list[tuple[Any, int]]:
    """The nodes of a graph node's inputs, as ``(node or None, index)`` pairs (``Node.next_functions``)."""
    return [(next_node, int(index)) for next_node, index in ctx.adapter.next_functions(node)]


@functions.register(capability="graph_nodes")
def is_graph_node(ctx: RunContext, value: Any) -> bool:
    """Whether ``value`` is a node of the backward graph (torch: an instance of
    ``torch.autograd.graph.Node``); anything else, ``None`` included, is not."""
    return bool(ctx.adapter.is_graph_node(value))


@functions.register(capability="node_hooks", mutates=True)
def node_register_hook(ctx: RunContext, node: Any, hook: Any) -> Any:
    """Call ``hook(grad_inputs, grad_outputs)`` after the node runs; a tuple it returns replaces
    ``grad_inputs``.  Returns a handle (``Node.register_hook``)."""
    return ctx.adapter.register_node_hook(node, as_callable(ctx, hook), when="post")


@functions.register(capability="node_hooks", mutates=True)
def node_register_prehook(ctx: RunContext, node: Any, hook: Any) -> Any:
    """Call ``hook(grad_outputs)`` before the node runs; a tuple it returns replaces
    ``grad_outputs``.  Returns a handle (``Node.register_prehook``)."""
    return ctx.adapter.register_node_hook(node, as_callable(ctx, hook), when="pre")


@functions.register(capability="saved_tensor_attributes")
def saved_value(ctx: RunContext, node: Any, name: str) -> Any:
    """The tensor a graph node saved for backward under ``name`` (torch: ``grad_fn._saved_<name>``)."""
    return ctx.adapter.saved_tensor(node, _saved_name(name))


@functions.register(capability="saved_tensor_register_hooks", mutates=True)
def register_saved_hooks(ctx: RunContext, node: Any, name: str, pack: Any, unpack: Any) -> None:
    """Hooks on the one tensor a node saved under ``name``: ``pack(t)`` and ``unpack(stored)``
    (torch: ``grad_fn._raw_saved_<name>.register_hooks``)."""
    ctx.adapter.register_saved_tensor_hooks(node, _saved_name(name), as_callable(ctx, pack), as_callable(ctx, unpack))


@functions.register(capability="shares_storage")
def shares_storage(ctx: RunContext, a: Any, b: Any) -> bool:
    """Whether two tensors use the same memory (torch: the same untyped storage)."""
    for value in (a, b):
        if not ctx.adapter.is_tensor(value):
            raise StepError(f"shares_storage() takes two tensors, not {type(value).__name__}")
    return bool(ctx.adapter.shares_storage(a, b))
