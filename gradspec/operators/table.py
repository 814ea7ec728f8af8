"""Read and check the operator table (``specs/_operators/*.yaml``).

Every problem is a :class:`~gradspec.errors.SpecError` (``path:line: key: problem``), and all of
them are gathered before :func:`load_table` raises, as for specs.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from gradspec.errors import SpecError, SpecErrors
from gradspec.language.checker import Expression, LanguageError, check_expression
from gradspec.resources import BUILTIN_SPECS
from gradspec.schema import Validator, format_path, load_schema
from gradspec.yamldoc import Document, YamlProblem, read_document

#: Where the built-in table lies, and its schema.
TABLE_FOLDER = BUILTIN_SPECS / "_operators"
TABLE_SCHEMA = BUILTIN_SPECS / "operator-table.schema.json"
#: Dtypes whose gradients are compared against a float32 computation, not finite differences.
LOW_PRECISION = ("float16", "bfloat16")
#: Modules a ``reference`` may name a function of: NumPy's, or gradspec's (``references`` and each ``references_<family>``).
REFERENCE_MODULES = {"numpy": "numpy", "": "gradspec.operators.references"}
RULE_MODULES = {"": "gradspec.operators.rules"}


@dataclass(frozen=True)
class Point:
    """A documented non-differentiable point: how to draw inputs there, and the rule there."""

    point: str
    args: tuple[tuple[str, Expression], ...]
    rule: Callable[..., Any]
    rule_name: str
    doc: str


@dataclass(frozen=True, eq=False)
class OperatorEntry:
    """One operator of the table (see ``specs/operator-table.schema.json`` for each field)."""

    name: str
    variant: str
    family: str
    doc: str
    path: str
    line: int
    args: tuple[tuple[str, Expression], ...]
    keywords: frozenset[str]
    dtypes: tuple[str, ...]
    differentiable: tuple[str, ...]
    outputs: tuple[str, ...] | None
    #: Arguments whose directions are drawn inside a subspace: ``{"input": "symmetric"}``.
    tangents: dict[str, str]
    second_order: bool
    forward_mode: bool
    reference: Callable[..., Any] | None
    reference_name: str | None
    tolerance: tuple[float, float] | None
    nondifferentiable: tuple[Point, ...] = ()
    notes: str = ""
    _strategies: dict[Any, Any] = field(default_factory=dict, repr=False)

    @property
    def id(self) -> str:
        """``name``, or ``name.variant``: the operator's part of a spec id (``operators.vjp[max.reduction_with_dim]``)."""
        return f"{self.name}.{self.variant}" if self.variant else self.name

    @property
    def floating_dtypes(self) -> tuple[str, ...]:
        """The documented real floating dtypes."""
        return tuple(d for d in self.dtypes if d.startswith(("float", "bfloat")))

    @property
    def low_precision(self) -> tuple[str, ...]:
        return tuple(d for d in self.dtypes if d in LOW_PRECISION)

    def has(self, flag: str) -> bool:
        """Whether the entry has ``flag``: one of :data:`FLAGS`."""
        return FLAGS[flag](self)

    def given_code(self) -> str:
        """How a counterexample writes it: ``operator("exp")``."""
        return f'operator("{self.id}")'

    def __repr__(self) -> str:
        return self.given_code()

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(self.given_code())


#: What ``over: operators(<flag>)`` selects by.
FLAGS: dict[str, Callable[[OperatorEntry], bool]] = {
    "all": lambda entry: True,
    "differentiable": lambda entry: bool(entry.differentiable),
    "second_order": lambda entry: bool(entry.differentiable) and entry.second_order,
    "forward_mode": lambda entry: bool(entry.differentiable) and entry.forward_mode,
    "reference": lambda entry: entry.reference is not None,
    "float16": lambda entry: bool(entry.differentiable) and "float16" in entry.dtypes,
    "bfloat16": lambda entry: bool(entry.differentiable) and "bfloat16" in entry.dtypes,
    "nondifferentiable": lambda entry: bool(entry.nondifferentiable),
}


@cache
def _validator() -> Validator:
    return Validator(load_schema(TABLE_SCHEMA))


def table_files(folder: Path = TABLE_FOLDER) -> list[Path]:
    """The table's files, in name order."""
    return sorted(path for path in folder.glob("*.yaml") if path.is_file())


@cache
def builtin_table() -> dict[str, OperatorEntry]:
    """The built-in table, by operator id (read once per process)."""
    return load_table(table_files())


def load_table(paths: Iterable[Path]) -> dict[str, OperatorEntry]:
    """Every entry of the files ``paths``, by id; raises :class:`SpecErrors` with every problem."""
    entries: dict[str, OperatorEntry] = {}
    errors: list[SpecError] = []
    for path in paths:
        try:
            found = _read_file(path)
        except SpecError as error:
            errors.append(error)
            continue
        for entry in found:
            if isinstance(entry, SpecError):
                errors.append(entry)
            elif entry.id in entries:
                first = entries[entry.id]
                errors.append(
                    SpecError(
                        entry.path, entry.line, "name", f"duplicate operator {entry.id!r} (also in {first.path}:{first.line})"
                    )
                )
            else:
                entries[entry.id] = entry
    if errors:
        raise SpecErrors(errors)
    return dict(sorted(entries.items()))


def _read_file(path: Path) -> list[OperatorEntry | SpecError]:
    label = _label(path)
    try:
        document = read_document(path.read_bytes())
    except YamlProblem as yaml_problem:
        raise SpecError(label, yaml_problem.line, "(file)", yaml_problem.problem) from None
    problem = _validator().first_problem(document.value)
    if problem is not None:
        raise SpecError(label, document.line(problem.path), format_path(problem.path), problem.message)
    family = document.value["family"]
    results: list[OperatorEntry | SpecError] = []
    for index, raw in enumerate(document.value["operators"]):
        try:
            results.append(_entry(raw, family, label, document, ("operators", index)))
        except SpecError as error:
            results.append(error)
    return results


def _label(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _entry(raw: dict[str, Any], family: str, label: str, document: Document, key: tuple[str | int, ...]) -> OperatorEntry:
    def error(sub: tuple[str | int, ...], problem: str) -> SpecError:
        return SpecError(label, document.line(key + sub), format_path(key + sub), problem)

    args = _arguments(raw.get("args", {}), raw.get("kwargs", {}), error, ())
    names = [name for name, _ in args]
    differentiable = tuple(raw.get("differentiable", [name for name, e in args if _is_floating_array(e)]))
    for name in [*differentiable, *raw.get("tangents", {})]:
        if name not in names:
            raise error(("differentiable",), f"{name!r} is not an argument (the arguments: {', '.join(names)})")
    points = tuple(
        _point(point, names, error, ("nondifferentiable", i)) for i, point in enumerate(raw.get("nondifferentiable", []))
    )
    reference_name = raw.get("reference")
    tolerance = raw.get("tolerance")
    return OperatorEntry(
        name=raw["name"],
        variant=raw.get("variant", ""),
        family=family,
        doc=raw["doc"],
        path=label,
        line=document.line(key + ("name",)),
        args=args,
        keywords=frozenset(raw.get("kwargs", {})),
        dtypes=tuple(raw["dtypes"]),
        differentiable=differentiable,
        outputs=tuple(raw["outputs"]) if "outputs" in raw else None,
        tangents=dict(raw.get("tangents", {})),
        second_order=raw.get("second_order", True),
        forward_mode=raw.get("forward_mode", True),
        reference=_resolve(reference_name, REFERENCE_MODULES, error, ("reference",)) if reference_name else None,
        reference_name=reference_name,
        tolerance=(tolerance.get("rtol", 0.0), tolerance.get("atol", 0.0)) if tolerance else None,
        nondifferentiable=points,
        notes=raw.get("notes", ""),
    )


def _arguments(
    args: dict[str, str],
    kwargs: dict[str, str],
    error: Callable[..., SpecError],
    prefix: tuple[str | int, ...],
    bound: Iterable[str] = (),
) -> tuple[tuple[str, Expression], ...]:
    """Each argument's expression, checked; an argument may name those before it (and ``bound``)."""
    from gradspec.strategies import GIVEN_VOCABULARY  # the given language imports the table's strategies

    checked: dict[str, Expression] = {}
    for part, mapping in (("args", args), ("kwargs", kwargs)):
        for name, text in mapping.items():
            if name in checked:
                raise error(prefix + (part, name), f"argument {name!r} is given twice")
            try:
                checked[name] = check_expression(text, vocabulary=GIVEN_VOCABULARY, bound=[*checked, *bound])
            except LanguageError as problem:
                raise error(prefix + (part, name), problem.message) from None
    return tuple(checked.items())


def _is_floating_array(expression: Expression) -> bool:
    """Whether an argument draws floating values: a call of a floating-array strategy."""
    from gradspec.operators.domains import FLOATING_STRATEGIES

    node = expression.node
    return getattr(getattr(node, "func", None), "id", None) in FLOATING_STRATEGIES


def _point(raw: dict[str, Any], names: list[str], error: Callable[..., SpecError], key: tuple[str | int, ...]) -> Point:
    for name in [*raw["args"], *raw.get("kwargs", {})]:
        if name not in names:
            raise error(key + ("args", name), f"{name!r} is not an argument of the operator")
    return Point(
        point=raw["point"],
        args=_arguments(raw["args"], raw.get("kwargs", {}), error, key, bound=names),
        rule=_resolve(raw["rule"], RULE_MODULES, error, key + ("rule",)),
        rule_name=raw["rule"],
        doc=raw["doc"],
    )


def _resolve(
    name: str, modules: dict[str, str], error: Callable[..., SpecError], key: tuple[str | int, ...]
) -> Callable[..., Any]:
    prefix, _, attribute = name.rpartition(".")
    module_name = modules.get(prefix)
    if module_name is None:
        allowed = ", ".join(f"{p}.<name>" if p else "<name>" for p in modules)
        raise error(key, f"{name!r}: expected one of {allowed}")
    candidates = [module_name, *(_family_modules(module_name) if not prefix else [])]
    for candidate in candidates:
        function = getattr(importlib.import_module(candidate), attribute, None)
        if callable(function):
            return function
    raise error(key, f"{name!r}: {' or '.join(candidates)} has no function {attribute!r}")


def _family_modules(module_name: str) -> list[str]:
    """``gradspec.operators.references`` -> its family modules (``references_linalg``...)."""
    package, _, stem = module_name.rpartition(".")
    folder = Path(importlib.import_module(package).__file__ or "").parent
    return [f"{package}.{path.stem}" for path in sorted(folder.glob(f"{stem}_*.py"))]


def entry(name: str) -> OperatorEntry:
    """The built-in entry ``name`` (``exp``, ``max.reduction_with_dim``)."""
    table = builtin_table()
    if name not in table:
        raise LookupError(f"no operator {name!r} in the operator table")
    return table[name]
