"""Backend-neutral values: dtypes, drawn tensors, and the omitted-argument marker."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

import numpy as np


@dataclass(frozen=True)
class DType:
    """A dtype named the way NumPy names it (``float32``, ``int64``, ``bool``)."""

    name: str

    @property
    def numpy(self) -> np.dtype:
        return np.dtype(self.name)

    @property
    def is_floating(self) -> bool:
        return self.numpy.kind == "f"

    def __repr__(self) -> str:
        return self.name


DTYPE_NAMES: Final = (
    "bool",
    "uint8",
    "int8",
    "int16",
    "int32",
    "int64",
    # torch's "shell" unsigned dtypes: few operations, no autograd (in no DTYPE_GROUPS group).
    "uint16",
    "uint32",
    "uint64",
    "float16",
    "float32",
    "float64",
    "complex64",
    "complex128",
)
DTYPES: Final[dict[str, DType]] = {name: DType(name) for name in DTYPE_NAMES}

#: Groups a strategy can draw a dtype from (``tensors(dtype=floating)``).
DTYPE_GROUPS: Final[dict[str, tuple[DType, ...]]] = {
    "floating": (DTYPES["float32"], DTYPES["float64"]),
    "integral": tuple(DTYPES[n] for n in ("uint8", "int8", "int16", "int32", "int64")),
    "any_dtype": tuple(DTYPES[n] for n in ("bool", "uint8", "int8", "int16", "int32", "int64", "float32", "float64")),
}


def dtype_of(array: np.ndarray) -> DType:
    """The neutral dtype of a NumPy array."""
    return DTYPES[array.dtype.name]


class _Omitted:
    """Marks a keyword the spec did not pass, so the library's own default is used."""

    _instance: _Omitted | None = None

    def __new__(cls) -> _Omitted:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "<omitted>"

    def __bool__(self) -> bool:
        return False


OMITTED: Final = _Omitted()


def written(**options: Any) -> dict[str, Any]:
    """The keyword arguments a spec wrote: those not ``OMITTED``, which keep the library's default."""
    return {name: value for name, value in options.items() if value is not OMITTED}


@dataclass(frozen=True, eq=False)
class DrawnTensor:
    """A tensor drawn by Hypothesis before any backend sees it: its values and whether
    ``requires_grad`` is passed at creation (``OMITTED`` keeps the library default)."""

    array: np.ndarray
    requires_grad: bool | _Omitted = OMITTED

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.array.shape)

    @property
    def dtype(self) -> DType:
        return dtype_of(self.array)


def fresh(value: Any) -> Any:
    """A copy of a drawn value that shares nothing mutable with it: Hypothesis may hand the same
    object to several examples (``just([0])``), and no example may see another's changes."""
    if isinstance(value, list):
        return [fresh(item) for item in value]
    if isinstance(value, tuple):
        return tuple(fresh(item) for item in value)
    if isinstance(value, dict):
        return {key: fresh(item) for key, item in value.items()}
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, DrawnTensor):
        return DrawnTensor(value.array.copy(), value.requires_grad)
    return value
