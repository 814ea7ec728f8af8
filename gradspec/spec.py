"""Specs as frozen values, produced by :mod:`gradspec.loader`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st

from gradspec.language.checker import Expression, Program


@dataclass(frozen=True)
class Source:
    """Where a behaviour is documented: a tutorial section or a documentation page."""

    kind: str  # "tutorial" or "docs"
    title: str
    url: str | None = None
    section: str | None = None

    def as_dict(self) -> dict[str, str]:
        result = {self.kind: self.title}
        if self.section:
            result["section"] = self.section
        if self.url:
            result["url"] = self.url
        return result


@dataclass(frozen=True)
class ExpectedError:
    """``raises``: the canonical error ``kind`` the step at index ``step`` must raise."""

    step: int
    kind: str
    match: str | None = None


@dataclass(frozen=True)
class Check:
    """One ``then`` property and the line it is written on."""

    expression: Expression
    line: int


@dataclass(frozen=True)
class StatementRef:
    """A documented statement a spec checks (an id of ``specs/_statements.yaml``); ``partly``
    says what the spec leaves out when it checks only part of the statement."""

    id: str
    partly: str | None = None


@dataclass(frozen=True, eq=False)
class Spec:
    """One behaviour: inputs, steps, and what must hold."""

    id: str
    id_line: int
    title: str
    path: str
    sources: tuple[Source, ...]
    requires: frozenset[str]
    devices: frozenset[str] | None
    given: dict[str, Expression]
    steps: Program
    step_lines: tuple[int, ...]
    then: tuple[Check, ...]
    raises: ExpectedError | None
    strategy: st.SearchStrategy[dict[str, Any]] = field(repr=False)
    tolerance: dict[str, tuple[float, float]] = field(default_factory=dict)
    catalogue: tuple[str, ...] = ()
    #: The documented statements it checks, wholly or in part.
    statements: tuple[StatementRef, ...] = ()
    notes: str = ""
    #: The SHA-256 of the spec file's bytes: runs of different spec texts are never merged.
    digest: str = ""
    #: ``over: operators(<flag>)``: the flag selecting the operator-table entries it runs on.
    over: str | None = None
    #: For one run of an ``over`` spec: the operator's name (``linalg.solve``), which the adapter must have.
    operator: str | None = None

    @property
    def area(self) -> str:
        """The first part of the id, also the spec's folder under ``specs/``."""
        return self.id.split(".", 1)[0]

    @property
    def kind(self) -> str:
        """``property`` when inputs are generated, ``example`` when the spec is a fixed case."""
        return "property" if self.given else "example"

    def __repr__(self) -> str:
        return f"Spec({self.id!r})"
