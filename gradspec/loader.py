"""Load spec files: plain YAML, a closed schema, and checked step-language text.

Every problem is a :class:`~gradspec.errors.SpecError` reading ``path:line: key: problem``;
:func:`load_specs` gathers all of them before raising.  Loading runs no step: it parses and
checks the text, and builds (without drawing) the Hypothesis strategies of ``given``.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import warnings
from collections.abc import Iterable
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from hypothesis.errors import HypothesisException, HypothesisSideeffectWarning

from gradspec.errors import SpecError, SpecErrors, StepError
from gradspec.language.checker import Expression, LanguageError, Program, check_expression, check_program, check_property
from gradspec.language.requirements import SpecUse, spec_uses
from gradspec.language.steps import STEP_VOCABULARY
from gradspec.operators.expand import expand, first_operator
from gradspec.pack_files import place, read_spec_file, spec_files
from gradspec.render import printable
from gradspec.resources import BUILTIN_SPECS, SPEC_SCHEMA
from gradspec.schema import SHOWN_CHARS, Validator, format_path, load_schema
from gradspec.spec import Check, ExpectedError, Source, Spec, StatementRef
from gradspec.strategies import GIVEN_VOCABULARY, given_strategy, input_strategy
from gradspec.yamldoc import Document, YamlProblem, read_document

#: Inputs and ``then`` properties one spec may have (each costs time at load and per example).
MAX_INPUTS = 64
MAX_PROPERTIES = 100
#: What building an input's strategy may raise for a spec's own mistake (not a bug of gradspec).
_STRATEGY_ERRORS = (HypothesisException, StepError, TypeError, ValueError, AttributeError, LookupError, ArithmeticError)


@lru_cache(maxsize=1)
def spec_validator() -> Validator:
    return Validator(load_schema(SPEC_SCHEMA))


def load_specs(directories: Iterable[Path | str] | Path | str = (BUILTIN_SPECS,)) -> list[Spec]:
    """Every ``*.yaml`` spec under the ``directories`` (one or several), sorted by id; raises
    :class:`SpecErrors` with every problem found.  Files whose name starts with ``_`` are not
    specs (notes such as ``_unexpressed.yaml``); a folder given twice is read once.

    A folder is walked without following links to folders: each symlink to a folder inside it is
    a problem (one leading outside the folder, or one that stays inside and is not followed).  Each
    spec file must be a regular file, or a symlink to one inside the folder; see :func:`load_spec`."""
    roots = [Path(directories)] if isinstance(directories, (str, Path)) else [Path(d) for d in directories]
    roots = list({os.path.realpath(root): root for root in roots}.values())
    specs: list[Spec] = []
    errors: list[SpecError] = []
    for root in roots:
        if not root.is_dir():
            errors.append(SpecError(_label(root), None, "specs", "not a directory"))
            continue
        found, problems = spec_files(root, _label)
        if not found and not problems:
            errors.append(SpecError(_label(root), None, "specs", "no spec files (*.yaml, *.yml) found"))
        errors += problems
        for path in found:
            try:
                specs.extend(expand(load_spec(path, root=root)))
            except SpecError as error:
                errors.append(error)
    seen: dict[str, Spec] = {}
    for spec in specs:
        if spec.id in seen:
            errors.append(SpecError(spec.path, spec.id_line, "id", f"duplicate id {spec.id!r} (also in {seen[spec.id].path})"))
        seen[spec.id] = spec
    if errors:
        raise SpecErrors(errors)
    return sorted(specs, key=lambda spec: spec.id)


def load_spec(path: Path, *, root: Path | None = None) -> Spec:
    """Load and check one spec file; ``root`` is the specs folder (for the area check).

    The file is read without ever blocking and at most :data:`~gradspec.pack_files.MAX_FILE_BYTES` + 1 bytes of it: it
    must be a regular file, or a symlink to one (inside ``root`` when it is given); a FIFO, a
    device, a folder, a dangling symlink or a symlink loop is refused as a ``(file)`` problem."""
    label = _label(path)
    raw = read_spec_file(path, label, root)
    try:
        document = read_document(raw)
    except YamlProblem as problem:
        raise SpecError(label, problem.line, "(file)", problem.problem) from None
    return replace(_SpecBuilder(label, document, path, root).build(), digest=hashlib.sha256(raw).hexdigest())


def _statement_ref(item: str | dict[str, str]) -> StatementRef:
    """A ``statements`` item: an id, or ``{id, partly}`` for a statement checked in part."""
    return StatementRef(item) if isinstance(item, str) else StatementRef(item["id"], item["partly"])


def _label(path: Path) -> str:
    """``path`` for messages: relative to the working directory when below it, control characters escaped."""
    try:
        return printable(str(place(path).relative_to(Path.cwd())))
    except ValueError:
        return printable(str(path))


class _SpecBuilder:
    def __init__(self, label: str, document: Document, path: Path, root: Path | None) -> None:
        self.label = label
        self.document = document
        self.path = path
        self.root = root

    def error(self, key: tuple[str | int, ...], problem: str, line: int | None = None) -> SpecError:
        return SpecError(self.label, line if line is not None else self.document.line(key), format_path(key), problem)

    def build(self) -> Spec:
        data = self.document.value
        if data is None:
            raise self.error((), "empty document (expected one YAML mapping describing a behaviour)")
        if not isinstance(data, dict):
            raise self.error((), f"expected a mapping of spec keys but got {_a(type(data).__name__)}")
        first = spec_validator().first_problem(data)
        if first is not None:
            raise self.error(first.path, first.message)
        for key, limit, what in (("given", MAX_INPUTS, "inputs"), ("then", MAX_PROPERTIES, "properties")):
            if len(data.get(key, ())) > limit:
                raise self.error((key,), f"too many {what} ({len(data[key])} > {limit})")
        self._check_title(data["title"])
        self._check_tolerance(data.get("tolerance", {}))
        self._check_area(data["id"])
        over = data.get("over")
        raw_given = data.get("given", {})
        if over is not None:
            if "op" in raw_given:
                raise self.error(("given", "op"), "'op' is the operator an 'over' spec runs on: name the input otherwise")
            raw_given = {"op": f'operator("{first_operator()}")', **raw_given}
        given = self._given(raw_given)
        if self.document.block_styles.get(("steps",)) == ">":
            raise self.error(("steps",), "a folded block ('steps: >') joins the lines: use a literal block, 'steps: |'")
        steps, step_lines = self._steps(data["steps"], set(given))
        then = tuple(self._then(index, text, steps) for index, text in enumerate(data.get("then", [])))
        raises = self._raises(data.get("raises"), steps)
        requires = frozenset(data["requires"])
        self._check_requires(requires, given, steps, then, raises)
        return Spec(
            id=data["id"],
            id_line=self.document.line(("id",)),
            title=data["title"],
            path=self.label,
            sources=tuple(self._source(item) for item in data["source"]),
            requires=requires,
            devices=frozenset(data["devices"]) if "devices" in data else None,
            given=given,
            steps=steps,
            step_lines=step_lines,
            then=then,
            raises=raises,
            strategy=given_strategy(given),
            notes=data.get("notes", ""),
            tolerance={dtype: (pair["rtol"], pair["atol"]) for dtype, pair in data.get("tolerance", {}).items()},
            catalogue=tuple(data.get("catalogue", ())),
            statements=tuple(_statement_ref(item) for item in data.get("statements", ())),
            over=None if over is None else (over[len("operators(") : -1] if "(" in over else "all"),
        )

    def _check_requires(
        self,
        requires: frozenset[str],
        given: dict[str, Expression],
        steps: Program,
        then: tuple[Check, ...],
        raises: ExpectedError | None,
    ) -> None:
        """``requires`` must list exactly the capabilities of the names the spec uses."""
        needed: dict[str, tuple[str, int]] = {}  # capability -> (what needs it, file line)
        found = spec_uses(
            {name: expression.node for name, expression in given.items()},
            steps.statements,
            [check.expression.node for check in then],
            raises is not None,
        )
        for found_use in found:
            needed.setdefault(found_use.use.capability, (found_use.use.name, self._line_of(found_use, then)))
        # By line, and on one line in the order the names are met: the same message on every run.
        missing = sorted((c for c in needed if c not in requires), key=lambda capability: needed[capability][1])
        if missing:
            name, line = needed[missing[0]]
            others = f" (also missing: {', '.join(missing[1:])})" if missing[1:] else ""
            raise self.error(("requires",), f"{name} on line {line} needs the capability {missing[0]!r}: add it{others}")
        extra = sorted(requires - set(needed))
        if extra:
            raise self.error(
                ("requires",),
                f"no step needs {', '.join(map(repr, extra))}: remove it (a spec requires "
                "only the capabilities of the names it uses)",
            )

    def _line_of(self, found: SpecUse, then: tuple[Check, ...]) -> int:
        """The file line of a use of a name in one of the spec's parts."""
        if found.part == "given":
            return self.document.value_lines.get(("given", str(found.key)), 0)
        if found.part == "steps":
            return self._text_line(("steps",), found.use.line)
        if found.part == "then":
            assert isinstance(found.key, int)
            return then[found.key].line
        return self.document.line(("raises",))

    def _check_title(self, title: str) -> None:
        """A title is one line of printable text (it is shown on terminals and in reports)."""
        bad = next((char for char in title if printable(char) != char), None)
        if bad is not None:
            raise self.error(
                ("title",), f"contains '{printable(bad)}' (a line break or control character): a title is one line of text"
            )

    def _check_tolerance(self, tolerance: dict[str, dict[str, float]]) -> None:
        """Each tolerance is a finite number, at least 0 (the schema checks the type and the sign)."""
        for dtype, pair in tolerance.items():
            for name, value in pair.items():
                if isinstance(value, float) and not (math.isfinite(value) and value >= 0):
                    raise self.error(("tolerance", dtype, name), f"expected a finite number, at least 0, but got {value!r}")

    def _check_area(self, spec_id: str) -> None:
        if self.root is None:
            return
        root = Path(os.path.realpath(self.root))
        lies = place(self.path)  # a symlink's own place, not its target's
        relative = (lies if lies.is_relative_to(root) else Path(os.path.realpath(self.path))).relative_to(root)
        folder = relative.parts[0] if len(relative.parts) > 1 else None
        area = spec_id.split(".", 1)[0]
        if folder != area:
            where = f"folder '{folder}'" if folder else "the top of the specs folder"
            raise self.error(("id",), f"the id's area {area!r} does not match its place in {where} (expected specs/{area}/...)")

    @staticmethod
    def _source(item: dict[str, str]) -> Source:
        kind = "tutorial" if "tutorial" in item else "docs"
        return Source(kind=kind, title=item[kind], url=item.get("url"), section=item.get("section"))

    def _given(self, given: dict[str, Any]) -> dict[str, Expression]:
        checked: dict[str, Expression] = {}
        for name, text in given.items():
            key = ("given", name)
            if STEP_VOCABULARY.has_name(name):
                raise self.error(key, f"input name '{name}' hides a built-in name of the language")
            source = text if isinstance(text, str) else repr(text)
            try:
                checked[name] = check_expression(source, vocabulary=GIVEN_VOCABULARY, bound=checked)
            except LanguageError as error:
                raise self.error(key, error.message, self.document.value_lines.get(key)) from None
            try:
                strategy = input_strategy(checked[name], earlier=set(checked) - {name})
                if strategy is not None:
                    # Validated at load time on purpose, so that a bad input is a spec error with
                    # its line; under pytest that is while Hypothesis still counts as starting up,
                    # and its warning for each one would flood the output.
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore", HypothesisSideeffectWarning)
                        strategy.validate()
            except _STRATEGY_ERRORS as error:
                problem = " ".join(str(error).split()) or type(error).__name__
                raise self.error(key, f"cannot draw this input: {problem}", self.document.value_lines.get(key)) from None
        return checked

    def _text_line(self, key: tuple[str | int, ...], lineno: int) -> int:
        """The file line of line ``lineno`` inside the text value at ``key``."""
        first = self.document.value_lines.get(key, self.document.line(key))
        if self.document.block_styles.get(key) in ("|", ">"):
            return first + lineno  # a block's text starts on the line after its indicator
        return first  # a plain or quoted scalar: its lines need not be the file's

    def _steps(self, text: str, inputs: set[str]) -> tuple[Program, tuple[int, ...]]:
        try:
            program = check_program(text, vocabulary=STEP_VOCABULARY, bound=inputs)
        except LanguageError as error:
            raise self.error(("steps",), error.message, self._text_line(("steps",), error.lineno)) from None
        lines = tuple(self._text_line(("steps",), statement.lineno) for statement in program.statements)
        return program, lines

    def _then(self, index: int, text: str, steps: Program) -> Check:
        key = ("then", index)
        try:
            expression = check_property(text, vocabulary=STEP_VOCABULARY, bound=steps.bound)
        except LanguageError as error:
            raise self.error(key, error.message, self._text_line(key, error.lineno)) from None
        return Check(expression, self.document.line(key))

    def _raises(self, raises: dict[str, str] | None, steps: Program) -> ExpectedError | None:
        if raises is None:
            return None
        try:
            found = steps.statements_like(raises["at"])
        except LanguageError as error:
            raise self.error(("raises", "at"), error.message) from None
        if not found:
            raise self.error(("raises", "at"), f"{_shown(raises['at'])} matches no top-level step")
        if len(found) > 1:
            lines = ", ".join(str(self._text_line(("steps",), steps.statements[i].lineno)) for i in found)
            raise self.error(("raises", "at"), f"{_shown(raises['at'])} matches several steps (lines {lines})")
        index = found[0]
        if index != len(steps.statements) - 1:
            raise self.error(("raises", "at"), "steps after the raising step would never run: end the steps there")
        match = raises.get("match")
        if match is not None:
            try:
                re.compile(match)
            except re.error as error:
                raise self.error(("raises", "match"), f"not a regular expression: {error}") from None
            except RecursionError:
                raise self.error(("raises", "match"), "not a regular expression: nested too deeply") from None
            except (OverflowError, ValueError) as error:
                raise self.error(("raises", "match"), f"not a regular expression: {error}") from None
        return ExpectedError(step=index, kind=raises["kind"], match=match)


def _a(noun: str) -> str:
    """``noun`` with its indefinite article."""
    return f"an {noun}" if noun[:1] in "aeiou" else f"a {noun}"


def _shown(text: str) -> str:
    """``text`` quoted for a message, shortened to :data:`SHOWN_CHARS` characters."""
    return repr(text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "...")
