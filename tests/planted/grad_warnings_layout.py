"""Planted deviations of reading .grad and of resetting it to None: no warning for a non-leaf's
.grad, a warning for a leaf's, and a .grad recreated after a reset to None in the wrong layout."""

from __future__ import annotations

import warnings
import weakref
from typing import Any

from gradspec.adapters.torch_adapter import TorchAdapter

_WARNS_SPEC = "grad.nonleaf.grad_read_warns"
_RESET_SPEC = "grad.layout.reset_none_recreates_by_rules"


class NonleafGradReadSilent(TorchAdapter):
    """Reading the .grad of a non-leaf that does not retain it gives None without a warning."""

    deviation_kind = "missing"

    def grad(self, tensor: Any) -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            return tensor.grad


class LeafGradReadWarns(TorchAdapter):
    """Reading the .grad of any tensor, a leaf too, raises the non-leaf UserWarning."""

    deviation_kind = "leaking"

    def grad(self, tensor: Any) -> Any:
        if tensor.is_leaf:
            warnings.warn(
                "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed", UserWarning, stacklevel=2
            )
        return tensor.grad


class GradRecreatedColumnMajor(TorchAdapter):
    """A .grad reset to None is recreated by the next backward in column-major layout (dimensions
    reversed), whatever the leaf's layout."""

    deviation_kind = "partial"

    def __init__(self) -> None:
        super().__init__()
        self._reset: dict[int, weakref.ref[Any]] = {}  # by id(): tensors compare elementwise

    def set_grad(self, tensor: Any, value: Any) -> None:
        super().set_grad(tensor, value)
        if value is None:
            self._reset[id(tensor)] = weakref.ref(tensor)

    def backward(self, tensor: Any, **kwargs: Any) -> None:
        super().backward(tensor, **kwargs)
        for key, ref in list(self._reset.items()):
            leaf = ref()
            if leaf is None:
                del self._reset[key]
            elif leaf.grad is not None:
                reversed_dims = tuple(range(leaf.grad.ndim - 1, -1, -1))
                leaf.grad = leaf.grad.permute(reversed_dims).contiguous().permute(reversed_dims)
                del self._reset[key]


CAUGHT_BY = {
    NonleafGradReadSilent: {_WARNS_SPEC},
    LeafGradReadWarns: {_WARNS_SPEC},
    GradRecreatedColumnMajor: {_RESET_SPEC},
}
