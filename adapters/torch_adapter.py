"""The reference adapter: PyTorch, on CPU and CUDA."""
from __future__ import annotations

import operator
import re
from typing import Any, Callable, Sequence

import numpy as np

from gradspec.errors import AdapterError
from gradspec.values import DTYPES, OMITTED, DType

_BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "add": operator.add, "sub": operator.sub, "mul": operator.mul, "div": operator.truediv,
    "pow": operator.pow, "matmul": operator.matmul, "floor_divide": operator.floordiv,
    "remainder": operator.mod, "eq": operator.eq, "ne": operator.ne, "lt": operator.lt,
    "le": operator.le, "gt": operator.gt, "ge": operator.ge,
}
_UNARY = ("neg", "exp", "sin", "cos", "tanh", "sigmoid", "relu", "abs")
_INPLACE = ("zero_", "fill_", "add_", "mul_", "copy_")

#: Stable prefixes of torch's messages for each canonical error kind (the hint text that
#: follows them changes between releases and is never matched).
_ERROR_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE)) for kind, pattern in (
        ("requires_grad_dtype", r"only Tensors of floating point (and complex )?dtype can require gradients"),
        ("no_grad_fn", r"element \d+ of tensors does not require grad and does not have a grad_fn"),
        ("inplace_modified", r"one of the variables needed for gradient computation has been modified by an inplace operation"),
        ("leaf_inplace", r"a leaf Variable that requires grad (is being|has been) used in an in-place operation"),
        ("item_not_single", r"a Tensor with \d+ elements cannot be converted to Scalar"),
        ("backward_non_scalar", r"grad can be implicitly created only for scalar outputs"),
        ("numpy_requires_grad", r"Can't call numpy\(\) on Tensor that requires grad"),
        ("numpy_device", r"can't convert \S+ device type tensor to numpy"),
        ("device_mismatch", r"Expected all tensors to be on the same device"),
        ("graph_freed", r"Trying to backward through the graph a second time"),
    )
)


class TorchAdapter:
    """PyTorch: the behaviour every spec is written from."""

    name = "torch"
    library = "torch"
    device_kinds = ("cpu", "cuda")
    capabilities = frozenset({
        "backward", "data_alias", "detach", "version_counter", "inplace", "leaf_inplace_check",
        "grad_modes", "grad_mode_decorators", "set_grad_enabled", "inference_mode", "modules",
        "parameters", "optimizers", "device_moves", "to_numpy", "numpy_shares_memory", "item",
        "tolist", "integer_dtypes", "float16", "error_kinds", "grad_fn",
    })

    def __init__(self) -> None:
        import torch

        self.torch = torch
        self.nn = torch.nn
        self._dtypes = {name: getattr(torch, "bool" if name == "bool" else name) for name in DTYPES}
        self._names = {dtype: name for name, dtype in self._dtypes.items()}
        self._grad_modes: dict[str, Any] = {
            "no_grad": torch.no_grad, "enable_grad": torch.enable_grad,
            "set_grad_enabled": torch.set_grad_enabled, "inference_mode": torch.inference_mode,
        }
        self._grad_mode_types = tuple(self._grad_modes.values())

    # -- the library and its environment --------------------------------------------------
    def library_version(self) -> str:
        return self.torch.__version__

    def devices(self) -> list[str]:
        found = ["cpu"]
        if self.torch.cuda.is_available():
            found += [f"cuda:{index}" for index in range(self.torch.cuda.device_count())]
        return found

    def seed(self, seed: int) -> None:
        self.torch.manual_seed(seed)

    def reset(self) -> None:
        self.torch.set_grad_enabled(True)

    # -- tensors ---------------------------------------------------------------------------
    def is_tensor(self, value: Any) -> bool:
        return isinstance(value, self.torch.Tensor)

    def tensor(self, array: np.ndarray, *, requires_grad: Any, device: str) -> Any:
        if requires_grad is OMITTED:
            return self.torch.tensor(array, device=device)
        return self.torch.tensor(array, device=device, requires_grad=requires_grad)

    def create(self, factory: str, shape: tuple[int, ...], dtype: DType, *, requires_grad: Any, device: str) -> Any:
        function = {"zeros": self.torch.zeros, "ones": self.torch.ones}[factory]
        if requires_grad is OMITTED:
            return function(shape, dtype=self._dtype(dtype), device=device)
        return function(shape, dtype=self._dtype(dtype), device=device, requires_grad=requires_grad)

    def create_like(self, factory: str, other: Any) -> Any:
        return {"zeros": self.torch.zeros_like, "ones": self.torch.ones_like}[factory](other)

    def values(self, tensor: Any) -> np.ndarray:
        return tensor.detach().cpu().resolve_conj().resolve_neg().numpy().copy()

    def shape(self, tensor: Any) -> tuple[int, ...]:
        return tuple(tensor.shape)

    def dtype(self, tensor: Any) -> DType:
        return DTYPES[self._names[tensor.dtype]]

    def device(self, tensor: Any) -> str:
        return str(tensor.device)

    def numel(self, tensor: Any) -> int:
        return tensor.numel()

    def _dtype(self, dtype: DType) -> Any:
        return self._dtypes[dtype.name]

    # -- operations ------------------------------------------------------------------------
    def unary(self, name: str, x: Any) -> Any:
        if name not in _UNARY:
            raise AdapterError(f"unknown unary operation {name!r}")
        return getattr(self.torch, name)(x)

    def binary(self, name: str, a: Any, b: Any) -> Any:
        try:
            return _BINARY[name](a, b)
        except KeyError:
            raise AdapterError(f"unknown binary operation {name!r}") from None

    def reduce(self, name: str, x: Any, *, dim: int | None) -> Any:
        function = {"sum": self.torch.sum, "mean": self.torch.mean}[name]
        return function(x) if dim is None else function(x, dim=dim)

    def reshape(self, tensor: Any, shape: Sequence[int]) -> Any:
        return tensor.reshape(*shape)

    def getitem(self, obj: Any, index: Any) -> Any:
        return obj[index]

    def setitem(self, obj: Any, index: Any, value: Any) -> None:
        obj[index] = value

    def inplace(self, name: str, tensor: Any, *args: Any) -> Any:
        if name not in _INPLACE:
            raise AdapterError(f"unknown in-place operation {name!r}")
        return getattr(tensor, name)(*args)

    def clone(self, tensor: Any) -> Any:
        return tensor.clone()

    # -- autograd --------------------------------------------------------------------------
    def requires_grad(self, tensor: Any) -> bool:
        return tensor.requires_grad

    def set_requires_grad(self, tensor: Any, value: bool) -> None:
        tensor.requires_grad = value

    def requires_grad_(self, tensor: Any, value: bool) -> Any:
        return tensor.requires_grad_(value)

    def is_leaf(self, tensor: Any) -> bool:
        return tensor.is_leaf

    def grad_fn(self, tensor: Any) -> Any:
        return tensor.grad_fn

    def grad(self, tensor: Any) -> Any:
        return tensor.grad

    def set_grad(self, tensor: Any, value: Any) -> None:
        tensor.grad = value

    def retain_grad(self, tensor: Any) -> None:
        tensor.retain_grad()

    def backward(self, tensor: Any, *, gradient: Any, retain_graph: bool | None) -> None:
        tensor.backward(gradient=gradient, retain_graph=retain_graph)

    def detach(self, tensor: Any) -> Any:
        return tensor.detach()

    def detach_(self, tensor: Any) -> Any:
        return tensor.detach_()

    def data(self, tensor: Any) -> Any:
        return tensor.data

    def set_data(self, tensor: Any, value: Any) -> None:
        tensor.data = value

    def version(self, tensor: Any) -> int:
        return tensor._version

    def grad_mode(self, name: str, *args: Any) -> Any:
        return self._grad_modes[name](*args)

    def is_grad_enabled(self) -> bool:
        return self.torch.is_grad_enabled()

    # -- conversion ------------------------------------------------------------------------
    def to(self, obj: Any, target: DType | str) -> Any:
        return obj.to(self._dtype(target) if isinstance(target, DType) else target)

    def numpy(self, tensor: Any) -> np.ndarray:
        return tensor.numpy()

    def item(self, tensor: Any) -> Any:
        return tensor.item()

    def tolist(self, tensor: Any) -> Any:
        return tensor.tolist()

    # -- modules and optimizers ------------------------------------------------------------
    def linear(self, in_features: int, out_features: int, *, bias: bool, device: str) -> Any:
        return self.nn.Linear(in_features, out_features, bias=bias, device=device)

    def sequential(self, modules: list[Any]) -> Any:
        return self.nn.Sequential(*modules)

    def parameters(self, module: Any) -> list[Any]:
        return list(module.parameters())

    def module_parameter(self, module: Any, name: str) -> Any:
        if not isinstance(module, self.nn.Module):
            raise AdapterError(f".{name} of {type(module).__name__}: not a module")
        return getattr(module, name)

    def is_parameter(self, value: Any) -> bool:
        return isinstance(value, self.nn.Parameter)

    def zero_grad(self, obj: Any) -> None:
        obj.zero_grad()

    def sgd(self, params: list[Any], *, lr: float, momentum: float) -> Any:
        return self.torch.optim.SGD(params, lr=lr, momentum=momentum)

    def step(self, optimizer: Any) -> None:
        optimizer.step()

    def call(self, obj: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(obj, self.nn.Module) or isinstance(obj, self._grad_mode_types):
            return obj(*args, **kwargs)
        raise AdapterError(f"{type(obj).__name__} is not callable in specs")

    # -- errors ----------------------------------------------------------------------------
    def error_kind(self, error: BaseException) -> str | None:
        message = str(error)
        for kind, pattern in _ERROR_PATTERNS:
            if pattern.search(message):
                return kind
        return None
