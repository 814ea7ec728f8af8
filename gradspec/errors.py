"""Exceptions raised by gradspec and the canonical error kinds specs expect."""
from __future__ import annotations

from typing import Final

#: Canonical error kinds a spec may name in ``raises.kind``.  Adapters map their
#: library's exceptions onto these; the text says which documented situation
#: each one stands for.
ERROR_KINDS: Final[dict[str, str]] = {
    "requires_grad_dtype": "a tensor of an integer or bool dtype was asked to require grad",
    "no_grad_fn": "backward() on a tensor that does not require grad and has no grad_fn",
    "inplace_modified": "a tensor saved for backward was modified in place (version counter mismatch)",
    "leaf_inplace": "an in-place operation on a leaf tensor that requires grad",
    "item_not_single": "item() on a tensor that does not hold exactly one element",
    "backward_non_scalar": "backward() without a gradient on a tensor with more than one element",
    "numpy_requires_grad": "numpy() on a tensor that requires grad",
    "numpy_device": "numpy() on a tensor that is not in CPU memory",
    "device_mismatch": "an operation mixed tensors on different devices",
    "graph_freed": "backward through a graph whose saved tensors were already freed",
}


class SpecError(ValueError):
    """A spec file is malformed or refused; the message reads ``path:line: key: problem``."""

    def __init__(self, path: str, line: int | None, key: str, problem: str) -> None:
        self.path = path
        self.line = line
        self.key = key
        self.problem = problem
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {key}: {problem}")


class SpecErrors(ValueError):
    """Several spec errors found in one load, reported together."""

    def __init__(self, errors: list[SpecError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(error) for error in errors))


class AdapterError(TypeError):
    """An adapter was asked for something it cannot do, or could not be loaded."""


class StepError(RuntimeError):
    """A step could not be evaluated for a reason that is the spec's fault at run time
    (a tensor used as a bool, a loop over a huge range...)."""


class SpecFailure(AssertionError):
    """The backend does not conform: a ``then`` property is false or ``raises`` was not met."""


class BackendError(RuntimeError):
    """The backend raised something no canonical error kind accounts for, or the adapter failed."""
