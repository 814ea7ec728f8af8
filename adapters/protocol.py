"""The contract between gradspec and a library under test.

An adapter is one class, in one module, that is the only place knowing its library's API.
The interpreter calls these methods for every operation a spec performs; tensors, modules,
optimizers and grad-mode objects are the library's own objects, passed through untouched.

Rules every adapter follows:

* Report what the library does, never what torch does: no patching over differences.
* ``tensor``/``create`` called with ``requires_grad=OMITTED`` must not pass the argument,
  so the library's own default is what a spec observes.
* A library exception is left to propagate; ``error_kind`` maps it to a canonical kind
  (:data:`gradspec.errors.ERROR_KINDS`) or returns ``None`` when it is not one of them.
* A method the library cannot express raises :class:`gradspec.errors.AdapterError`;
  declare ``capabilities`` so specs needing it are reported not applicable instead.
"""
from __future__ import annotations

from typing import Any, Callable, ContextManager, Final, Protocol, Sequence, runtime_checkable

import numpy as np

from gradspec.values import DType

#: Capabilities a spec may require and an adapter may declare (the spec schema lists the same).
CAPABILITIES: Final[dict[str, str]] = {
    "backward": "reverse-mode gradients into .grad of leaves via backward()",
    "data_alias": ".data: an alias of the values that autograd does not track",
    "detach": ".detach(): an alias that does not require grad",
    "version_counter": "in-place changes bump a version counter checked by backward",
    "inplace": "in-place methods (zero_, fill_, add_, mul_, copy_)",
    "leaf_inplace_check": "an in-place op on a leaf that requires grad is refused",
    "grad_modes": "no_grad() and enable_grad() as context managers",
    "grad_mode_decorators": "grad-mode objects used as decorators, with and without ()",
    "set_grad_enabled": "set_grad_enabled(mode)",
    "inference_mode": "inference_mode()",
    "modules": "linear layers and sequential models whose parameters require grad",
    "parameters": "a Parameter type distinct from plain tensors",
    "optimizers": "SGD with momentum",
    "device_moves": ".to(device) and .cpu() between devices",
    "to_numpy": ".numpy() conversion",
    "numpy_shares_memory": ".numpy() of a CPU tensor shares its memory",
    "item": ".item() of single-element tensors",
    "tolist": ".tolist() of any tensor",
    "integer_dtypes": "tensors of integer and bool dtypes",
    "float16": "tensors of dtype float16",
    "error_kinds": "the library raises on the situations the canonical error kinds describe",
    "grad_fn": "results of recorded operations expose a grad_fn node",
}


@runtime_checkable
class Adapter(Protocol):
    """What gradspec needs from a library.  See the module docstring for the rules."""

    #: Short name used on the command line and in report file names (``torch``).
    name: str
    #: The distribution the adapter drives (``torch``), for the report.
    library: str
    #: Capability names from :data:`CAPABILITIES`.
    capabilities: frozenset[str]
    #: Device kinds the library can run on in principle (``("cpu", "cuda")``).
    device_kinds: tuple[str, ...]

    # -- the library and its environment --------------------------------------------------
    def library_version(self) -> str: ...
    def devices(self) -> list[str]:
        """Concrete devices available now (``["cpu", "cuda:0"]``)."""
    def seed(self, seed: int) -> None:
        """Seed the library's random generators (parameter initialisation)."""
    def reset(self) -> None:
        """Restore default global state (grad mode on) before each example."""

    # -- tensors ---------------------------------------------------------------------------
    def is_tensor(self, value: Any) -> bool: ...
    def tensor(self, array: np.ndarray, *, requires_grad: Any, device: str) -> Any:
        """A tensor with ``array``'s values and dtype; ``requires_grad=OMITTED`` passes nothing."""
    def create(self, factory: str, shape: tuple[int, ...], dtype: DType, *, requires_grad: Any, device: str) -> Any:
        """``zeros``/``ones`` of a shape and dtype."""
    def create_like(self, factory: str, other: Any) -> Any:
        """``zeros_like``/``ones_like``."""
    def values(self, tensor: Any) -> np.ndarray:
        """A trusted read-out of the values (for checks), whatever grad or device state."""
    def shape(self, tensor: Any) -> tuple[int, ...]: ...
    def dtype(self, tensor: Any) -> DType: ...
    def device(self, tensor: Any) -> str: ...
    def numel(self, tensor: Any) -> int: ...

    # -- operations ------------------------------------------------------------------------
    def unary(self, name: str, x: Any) -> Any:
        """``neg exp sin cos tanh sigmoid relu abs``."""
    def binary(self, name: str, a: Any, b: Any) -> Any:
        """``add sub mul div pow matmul floor_divide remainder eq ne lt le gt ge``; an operand may be a Python number."""
    def reduce(self, name: str, x: Any, *, dim: int | None) -> Any:
        """``sum mean`` over all elements or one dimension."""
    def reshape(self, tensor: Any, shape: Sequence[int]) -> Any: ...
    def getitem(self, obj: Any, index: Any) -> Any: ...
    def setitem(self, obj: Any, index: Any, value: Any) -> None: ...
    def inplace(self, name: str, tensor: Any, *args: Any) -> Any:
        """``zero_ fill_ add_ mul_ copy_``, returning the tensor."""
    def clone(self, tensor: Any) -> Any: ...

    # -- autograd --------------------------------------------------------------------------
    def requires_grad(self, tensor: Any) -> bool: ...
    def set_requires_grad(self, tensor: Any, value: bool) -> None: ...
    def requires_grad_(self, tensor: Any, value: bool) -> Any: ...
    def is_leaf(self, tensor: Any) -> bool: ...
    def grad_fn(self, tensor: Any) -> Any:
        """The node that produced the tensor, or ``None``."""
    def grad(self, tensor: Any) -> Any: ...
    def set_grad(self, tensor: Any, value: Any) -> None: ...
    def retain_grad(self, tensor: Any) -> None: ...
    def backward(self, tensor: Any, *, gradient: Any, retain_graph: bool | None) -> None: ...
    def detach(self, tensor: Any) -> Any: ...
    def detach_(self, tensor: Any) -> Any: ...
    def data(self, tensor: Any) -> Any: ...
    def set_data(self, tensor: Any, value: Any) -> None: ...
    def version(self, tensor: Any) -> int: ...
    def grad_mode(self, name: str, *args: Any) -> ContextManager[Any] | Callable[..., Any]:
        """``no_grad enable_grad set_grad_enabled inference_mode``: the library's object, a
        context manager that also decorates; called with a function it decorates that."""
    def is_grad_enabled(self) -> bool: ...

    # -- conversion ------------------------------------------------------------------------
    def to(self, obj: Any, target: DType | str) -> Any:
        """A tensor or module moved to a device (``"cpu"``, ``"cuda:0"``) or cast to a dtype."""
    def numpy(self, tensor: Any) -> np.ndarray: ...
    def item(self, tensor: Any) -> Any: ...
    def tolist(self, tensor: Any) -> Any: ...

    # -- modules and optimizers ------------------------------------------------------------
    def linear(self, in_features: int, out_features: int, *, bias: bool, device: str) -> Any: ...
    def sequential(self, modules: list[Any]) -> Any: ...
    def parameters(self, module: Any) -> list[Any]: ...
    def module_parameter(self, module: Any, name: str) -> Any: ...
    def is_parameter(self, value: Any) -> bool: ...
    def zero_grad(self, obj: Any) -> None: ...
    def sgd(self, params: list[Any], *, lr: float, momentum: float) -> Any: ...
    def step(self, optimizer: Any) -> None: ...
    def call(self, obj: Any, *args: Any, **kwargs: Any) -> Any:
        """Call a library object: a module's forward, or a grad-mode object decorating a function."""

    # -- errors ----------------------------------------------------------------------------
    def error_kind(self, error: BaseException) -> str | None:
        """The canonical kind of a library exception, or ``None``."""
