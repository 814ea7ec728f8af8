"""Conversions and device objects in the step language (``Tensor.to``, ``torch.device``).

The method ``to`` (declared in :mod:`gradspec.language.steps`) takes one target, a device or a
dtype (``x.to(device)``, ``x.to(float64)``), both (``x.to(device, float64)``) or another tensor
whose dtype and device are taken (``x.to(other)``), and ``copy=`` (``x.to(float32, copy=True)``).
The one-target form without ``copy=`` needs ``device_moves`` or ``dtype_conversion``; the other
forms each need their own capability (:data:`TWO_TARGETS_CAPABILITY`,
:data:`OTHER_CAPABILITY`, and ``to_copy`` with ``copy=``).  Which form a call is, is read from
its text: two positional targets, or one that names a tensor input (drawn by ``tensors(...)``)
or a variable assigned a new tensor (``tensor(...)``, ``zeros(...)``...).

``device_object(spec, index=None)`` is the library's device object (``torch.device``), built
from ``'type'``, ``'type:index'``, an int ordinal, or a type and an index; ``.type`` and
``.index`` read it, and two of them compare with ``==``.
"""

from __future__ import annotations

import ast
from typing import Any

from gradspec.errors import StepError
from gradspec.language.interpreter import RunContext
from gradspec.language.steps import PROPERTIES, functions
from gradspec.language.vocabulary import Property
from gradspec.values import OMITTED, DType

#: The capability of ``to(device, dtype)``.
TWO_TARGETS_CAPABILITY = "to_device_dtype"
#: The capability of ``to(other_tensor)``.
OTHER_CAPABILITY = "to_other"
#: The capability of ``device_object()`` and of reading ``.type`` and ``.index``.
DEVICE_OBJECTS = "device_objects"
#: Functions of the language whose result is a new tensor: a variable assigned one is a tensor target of ``to``.
TENSOR_MAKERS = frozenset({"tensor", "variable", "zeros", "ones", "zeros_like", "ones_like", "as_tensor", "from_numpy"})


def convert(ctx: RunContext, obj: Any, targets: tuple[Any, ...], copy: Any = OMITTED) -> Any:
    """``obj.to(*targets, copy=copy)``: the adapter method of the form the targets make."""
    if not targets or len(targets) > 2:
        raise StepError(f"to() takes a device, a dtype, a device and a dtype, or a tensor; got {len(targets)} targets")
    if len(targets) == 2:
        device, dtype = targets
        if isinstance(device, DType) or not isinstance(dtype, DType) or ctx.adapter.is_tensor(device):
            raise StepError("to() of two targets takes a device, then a dtype")
        return ctx.adapter.to_device_dtype(obj, device, dtype, copy=copy)
    (target,) = targets
    if ctx.adapter.is_tensor(target):
        return ctx.adapter.to_other(obj, target, copy=copy)
    if copy is OMITTED:
        return ctx.adapter.to(obj, target)
    return ctx.adapter.to_copy(obj, target, copy=bool(copy))


def target_capability(targets: list[ast.expr], device: str, dtype: str, is_dtype: Any, tensor_names: frozenset[str]) -> str:
    """The capability a call ``to(*targets)`` needs, from its text: ``is_dtype(node)`` says
    whether an expression is a dtype; ``tensor_names`` are the names known to hold tensors."""
    if len(targets) > 1:
        return TWO_TARGETS_CAPABILITY
    target = targets[0]
    if isinstance(target, ast.Name) and target.id in tensor_names:
        return OTHER_CAPABILITY
    return dtype if is_dtype(target) else device


def calls(node: ast.expr, names: frozenset[str]) -> bool:
    """Whether ``node`` calls one of the language's functions ``names``."""
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in names


@functions.register(capability=DEVICE_OBJECTS)
def device_object(ctx: RunContext, spec: Any, index: Any = None) -> Any:
    """The library's device object (``torch.device``) of ``'type'``, ``'type:index'``, an int
    ordinal, or a type and an ``index``; it allocates nothing."""
    if not isinstance(spec, (str, int)) or isinstance(spec, bool):
        raise StepError(f"device_object() takes a device string or an int ordinal, not {type(spec).__name__}")
    if index is not None and (not isinstance(index, int) or isinstance(index, bool) or not isinstance(spec, str)):
        raise StepError("device_object(type, index) takes a type string and an int index")
    return ctx.adapter.device_object(spec, index)


def _device(ctx: RunContext, value: Any) -> Any:
    """A device object, refused if a tensor (whose device is ``.device``)."""
    if ctx.adapter.is_tensor(value) or isinstance(value, (str, int)):
        raise StepError(f".type and .index belong to a device_object(), not to {type(value).__name__}")
    return value


PROPERTIES["type"] = Property(
    "type",
    lambda ctx, device: ctx.adapter.device_type(_device(ctx, device)),
    "a device object's type ('cpu', 'cuda')",
    DEVICE_OBJECTS,
)
PROPERTIES["index"] = Property(
    "index",
    lambda ctx, device: ctx.adapter.device_index(_device(ctx, device)),
    "a device object's index, or None where it names none",
    DEVICE_OBJECTS,
)
