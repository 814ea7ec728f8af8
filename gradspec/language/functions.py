"""Named functions, methods and attributes the language exposes, with their signatures."""
from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping


@dataclass(frozen=True, eq=False)
class Function:
    """A function the language knows by name.  ``impl(context, *args, **kwargs)`` runs it;
    ``signature`` (without the context) is checked against every call at load time."""

    name: str
    impl: Callable[..., Any]
    signature: inspect.Signature

    def __repr__(self) -> str:
        return self.name


@dataclass(frozen=True)
class ContextValue:
    """A constant whose value depends on the run (e.g. ``device``, the device under test)."""

    name: str
    resolve: Callable[[Any], Any]


@dataclass(frozen=True)
class Vocabulary:
    """Everything a piece of language text may name.

    ``functions`` and ``constants`` are plain names; ``properties`` are readable attributes,
    ``settable`` the attributes a step may assign, ``methods`` the callable attributes
    (implementations take the run context and the receiver before the call's arguments).
    """

    functions: Mapping[str, Function]
    constants: Mapping[str, Any] = field(default_factory=dict)
    properties: Mapping[str, Callable[..., Any]] = field(default_factory=dict)
    settable: Mapping[str, Callable[..., Any]] = field(default_factory=dict)
    methods: Mapping[str, Function] = field(default_factory=dict)
    #: Methods that change state, which a ``then`` property may not call.
    mutating: frozenset[str] = frozenset()

    def names(self) -> set[str]:
        return set(self.functions) | set(self.constants)


class Registry(dict[str, Function]):
    """A dict of :class:`Function` filled by decorating implementations."""

    def __init__(self, skip: int = 1) -> None:
        super().__init__()
        self._skip = skip  # leading implementation parameters that are not call arguments

    def register(self, name: str | None = None) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        def decorate(impl: Callable[..., Any]) -> Callable[..., Any]:
            self.add(name or impl.__name__.rstrip("_"), impl)
            return impl

        return decorate

    def add(self, name: str, impl: Callable[..., Any]) -> None:
        signature = inspect.signature(impl)
        parameters = [parameter.replace(annotation=inspect.Parameter.empty)
                      for parameter in list(signature.parameters.values())[self._skip:]]
        self[name] = Function(name, impl, signature.replace(parameters=parameters, return_annotation=inspect.Signature.empty))
