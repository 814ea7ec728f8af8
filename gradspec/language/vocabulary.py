"""The records every name of the step language is declared with, and the registries holding them.

Each name is declared once, with what the rest of gradspec needs of it: its kind (function,
method, property, constant), its signature (so calls are checked at load time), the capability a
library needs for it, whether it changes state, and a one-line doc.  The interpreter dispatches
through these records, the loader computes a spec's required capabilities from them, and
``gradspec docs`` writes the language reference from them.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


def first_line(text: str | None) -> str:
    """The first line of a docstring, or ``""``."""
    return " ".join((text or "").strip().split("\n\n")[0].split())


@dataclass(frozen=True, eq=False)
class Function:
    """A function or method the language knows by name.

    ``impl(context, *args, **kwargs)`` runs it (a method's receiver comes right after the
    context); ``signature`` (without the context and receiver) is checked against every call
    at load time.
    """

    name: str
    impl: Callable[..., Any]
    signature: inspect.Signature
    doc: str = ""
    #: The capability a library needs to run it (``None``: gradspec's own, or every library's).
    capability: str | None = None
    #: Changes state, so a ``then`` property may not call it.
    mutates: bool = False
    #: Capabilities that keyword arguments add when a call gives them (``retain_graph=``).
    keyword_capabilities: Mapping[str, str] = field(default_factory=dict)
    #: Capabilities that an argument adds when the text shows it is a dict (``inputs=`` of
    #: ``autograd_grad``): a dict literal, a ``dict(...)`` call, or a variable assigned one.
    dict_capabilities: Mapping[str, str] = field(default_factory=dict)
    #: Literal keyword values that add no capability (``tensors(requires_grad=True)``: an input
    #: gradients are taken with respect to, which every library with gradients can make).
    free_keyword_values: Mapping[str, object] = field(default_factory=dict)
    #: The capability needed to use it as a decorator (``@no_grad``).
    decorator_capability: str | None = None
    #: For ``.to(target)``: the capability when the target is a device, and when it is a dtype.
    target_capabilities: tuple[str, str] | None = None
    #: Forms of a call that need a capability of their own, by the form (``.to(other)``: ``to_other``).
    form_capabilities: Mapping[str, str] = field(default_factory=dict)

    @property
    def capabilities(self) -> tuple[str, ...]:
        """Every capability a use may need: its own, a keyword argument's, as a decorator, of a target."""
        named = (
            self.capability,
            self.decorator_capability,
            *self.keyword_capabilities.values(),
            *self.dict_capabilities.values(),
            *(self.target_capabilities or ()),
            *self.form_capabilities.values(),
        )
        return tuple(capability for capability in named if capability is not None)

    def __repr__(self) -> str:
        return self.name

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:  # how Hypothesis prints a drawn operation
        printer.text(self.name)


@dataclass(frozen=True, eq=False)
class Property:
    """A readable attribute (``x.grad``); ``write`` is set for the attributes a step may assign."""

    name: str
    read: Callable[[Any, Any], Any]
    doc: str
    capability: str | None = None
    write: Callable[[Any, Any, Any], None] | None = None
    #: The capability an assignment needs (``x.grad = g``), if it differs from reading's.
    write_capability: str | None = None

    @property
    def capabilities(self) -> tuple[str, ...]:
        """The capabilities a use may need: reading's, and assigning's."""
        return tuple(capability for capability in (self.capability, self.write_capability) if capability is not None)


@dataclass(frozen=True)
class ContextValue:
    """A constant whose value depends on the run (e.g. ``device``, the device under test)."""

    name: str
    resolve: Callable[[Any], Any]


@dataclass(frozen=True, eq=False)
class Constant:
    """A name bound in every text: a dtype, a dtype group, the device under test."""

    name: str
    value: Any
    doc: str
    capability: str | None = None

    @property
    def capabilities(self) -> tuple[str, ...]:
        """The capability a use needs, if any."""
        return () if self.capability is None else (self.capability,)


@dataclass(frozen=True)
class Vocabulary:
    """Everything a piece of language text may name."""

    functions: Mapping[str, Function]
    constants: Mapping[str, Constant] = field(default_factory=dict)
    properties: Mapping[str, Property] = field(default_factory=dict)
    methods: Mapping[str, Function] = field(default_factory=dict)

    def names(self) -> set[str]:
        """The plain names: functions and constants."""
        return set(self.functions) | set(self.constants)

    def has_name(self, name: str) -> bool:
        """Whether ``name`` is a plain name (without building :meth:`names`, as a check of
        every name in every spec would)."""
        return name in self.functions or name in self.constants

    @property
    def settable(self) -> dict[str, Property]:
        """The attributes a step may assign."""
        return {name: prop for name, prop in self.properties.items() if prop.write is not None}

    @property
    def mutating(self) -> frozenset[str]:
        """Methods that change state, which a ``then`` property may not call."""
        return frozenset(name for name, method in self.methods.items() if method.mutates)

    @property
    def mutating_functions(self) -> frozenset[str]:
        """Functions that change state (register a hook, run a backward...), which a ``then``
        property may not call either."""
        return frozenset(name for name, function in self.functions.items() if function.mutates)


class Registry(dict[str, Function]):
    """A dict of :class:`Function` records, filled by decorating implementations."""

    def __init__(self, skip: int = 1) -> None:
        super().__init__()
        self._skip = skip  # leading implementation parameters that are not call arguments

    def register(self, name: str | None = None, **declared: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Declare the decorated implementation under ``name`` (default: its own name); the
        keywords are :class:`Function` fields, the doc defaults to the docstring's first line."""

        def decorate(impl: Callable[..., Any]) -> Callable[..., Any]:
            self.add(name or impl.__name__.rstrip("_"), impl, **declared)
            return impl

        return decorate

    def add(self, name: str, impl: Callable[..., Any], *, doc: str | None = None, **declared: Any) -> Function:
        """Declare ``impl`` under ``name``; refuses a name declared twice."""
        if name in self:
            raise ValueError(f"{name!r} is declared twice")
        signature = inspect.signature(impl)
        parameters = [
            parameter.replace(annotation=inspect.Parameter.empty)
            for parameter in list(signature.parameters.values())[self._skip :]
        ]
        function = Function(
            name,
            impl,
            signature.replace(parameters=parameters, return_annotation=inspect.Signature.empty),
            doc=doc if doc is not None else first_line(impl.__doc__),
            **declared,
        )
        self[name] = function
        return function
