"""The other view operations of PyTorch's Tensor Views list, in the step language.

``view()``, ``transpose()``, ``expand()``, ``unsqueeze()`` and ``t()`` are declared in
:mod:`gradspec.language.steps`; this module declares the rest of the list the docs give
(https://docs.pytorch.org/docs/stable/tensor_view.html): the methods ``as_strided``,
``diagonal``, ``expand_as``, ``movedim``, ``narrow``, ``permute``, ``select``, ``squeeze``,
``unfold``, ``view_as``, ``swapaxes``, the methods returning several views ``unbind``, ``split``
and ``chunk`` (a list of tensors), the properties ``T`` and ``mT`` and the function
``view_as_real(t)``.  Each calls the adapter's ``view_op(name, tensor, *args)`` with PyTorch's
arguments; whether the result shares memory and the version counter with its base is the
specs' to check (``shares_storage()``, ``t.version``).
"""

from __future__ import annotations

from typing import Any

from gradspec.errors import StepError
from gradspec.language.interpreter import RunContext
from gradspec.language.steps import PROPERTIES, functions, methods
from gradspec.language.vocabulary import Property

CAPABILITY = "view_ops"

#: Method -> its doc; each takes PyTorch's positional arguments.
_DOCS = {
    "as_strided": "a view with the given size, strides (in elements) and storage offset",
    "diagonal": "the diagonal of two dimensions (offset, dim1, dim2), a view",
    "expand_as": "the tensor expanded to another tensor's shape, a view",
    "movedim": "dimension(s) moved to other positions, a view",
    "narrow": "length elements of one dimension from start, a view",
    "permute": "the dimensions reordered, a view",
    "select": "one index of one dimension, that dimension removed, a view",
    "squeeze": "dimensions of size 1 removed (all, or the given ones), a view",
    "unfold": "every slice of size elements, step apart, along a dimension, as a new last dimension; a view",
    "view_as": "the values in another tensor's shape, a view",
    "swapaxes": "two dimensions swapped (transpose's alias), a view",
    "unbind": "the slices along a dimension, a list of views",
    "split": "pieces of the given size(s) along a dimension, a list of views",
    "chunk": "the given number of pieces along a dimension, a list of views",
}
#: The view methods, each named as PyTorch's.
VIEW_METHODS = tuple(_DOCS)
#: The methods that return several views.
SEVERAL = ("unbind", "split", "chunk")


def _view_method(name: str) -> Any:
    def impl(ctx: RunContext, tensor: Any, *args: Any) -> Any:
        if not ctx.adapter.is_tensor(tensor):
            raise StepError(f"{name}() is a method of tensors, not of {type(tensor).__name__}")
        result = ctx.adapter.view_op(name, tensor, *args)
        return list(result) if name in SEVERAL else result

    return impl


for _name, _doc in _DOCS.items():
    methods.add(_name, _view_method(_name), doc=_doc, capability=CAPABILITY)


def _view_property(name: str) -> Any:
    def read(ctx: RunContext, tensor: Any) -> Any:
        if not ctx.adapter.is_tensor(tensor):
            raise StepError(f".{name} is an attribute of tensors, not of {type(tensor).__name__}")
        return ctx.adapter.view_op(name, tensor)

    return read


PROPERTIES["T"] = Property("T", _view_property("T"), "the dimensions reversed (of a matrix: its transpose), a view", CAPABILITY)
PROPERTIES["mT"] = Property("mT", _view_property("mT"), "the last two dimensions swapped, a view", CAPABILITY)


@functions.register(capability=CAPABILITY)
def view_as_real(ctx: RunContext, tensor: Any) -> Any:
    """A complex tensor's real and imaginary parts as a new last dimension of size 2, a view (``torch.view_as_real``)."""
    if not ctx.adapter.is_tensor(tensor):
        raise StepError(f"view_as_real() takes a tensor, not {type(tensor).__name__}")
    return ctx.adapter.view_op("view_as_real", tensor)
