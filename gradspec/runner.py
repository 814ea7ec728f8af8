"""Run one example of a spec against an adapter and explain any non-conformance."""

from __future__ import annotations

import ast
import re
import shlex
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest

from gradspec import render
from gradspec.adapters.protocol import Adapter
from gradspec.errors import (
    AdapterError,
    BackendError,
    Finding,
    FindingSettled,
    KnownFailureFound,
    NoneValue,
    ShrinkBudgetSpent,
    SpecFailure,
    SpecStopped,
    StepError,
)
from gradspec.language.interpreter import Frame, Interpreter, RunContext
from gradspec.language.steps import STEP_VOCABULARY, tensor, variable
from gradspec.limits import OutOfMemory, TimeLimitExceeded, deadline, is_out_of_memory
from gradspec.origin import raised_by_own_code
from gradspec.spec import Check, Spec
from gradspec.state import begin_example, end_example
from gradspec.strategies import GIVEN_VOCABULARY as _GIVEN  # noqa: F401  (registers the operator table's names)
from gradspec.values import DrawnTensor, fresh

_OWN_ERRORS = (SpecFailure, BackendError, StepError, AdapterError, NoneValue)
#: What ends a pytest test or the process from inside adapter or library code: a verdict of
#: the run, never of the spec (pytest.skip, xfail, fail, exit, importorskip; sys.exit).
ENDING_OUTCOMES = (pytest.skip.Exception, pytest.xfail.Exception, pytest.fail.Exception, pytest.exit.Exception, SystemExit)
#: Seconds a ``raises.match`` pattern may take on one message.
MATCH_SECONDS = 1.0

#: Parameter initialisation seed used before every example, so runs are reproducible.
EXAMPLE_SEED = 0


@dataclass
class Case:
    """One spec on one device of one adapter, and what running it has observed."""

    spec: Spec
    adapter: Adapter
    device_kind: str
    device: str | None
    #: The ``--specs``/``--no-builtin-specs`` arguments that find this spec (for the replay command).
    specs_args: tuple[str, ...] = ()
    examples: int = 0
    shrink_runs: int = 0
    #: The baseline's reason when this case is a recorded, known non-conformance.
    known_reason: str | None = None
    #: The recorded failure's signature (``None``: any failure is the known one).
    known_signature: str | None = None
    #: Whether the recorded failure is intermittent: found on some draws only.
    known_intermittent: bool = False
    #: The latest failing example's finding (while shrinking, the smallest so far).
    finding: Finding | None = None
    #: How many test cases shrinking a failure may run (``None``: as many as Hypothesis likes);
    #: the budget spent, the smallest failing example so far is the outcome.
    shrink_budget: int | None = None

    def is_known(self, signature: str | None) -> bool:
        """Whether a failure with ``signature`` is the recorded one."""
        return self.known_reason is not None and (self.known_signature is None or signature == self.known_signature)

    @property
    def id(self) -> str:
        return f"{self.spec.id}-{self.device_kind}"

    def __repr__(self) -> str:
        # Short: pytest and Hypothesis show it with every failure (the spec's repr is long).
        return f"Case({self.id!r}, adapter={self.adapter.name!r})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """Hypothesis's pretty-printer shows dataclasses field by field, unless told so."""
        printer.text(repr(self))

    def context(self) -> RunContext:
        assert self.device is not None, "a case without a device is never run"
        return run_context(self.spec, self.adapter, self.device)

    def run(self, drawn: dict[str, Any]) -> None:
        """Run one drawn example; raises :class:`SpecFailure` or :class:`BackendError`."""
        if self.finding is not None:  # a failure was found: Hypothesis is shrinking it
            if self.shrink_budget is not None and self.shrink_runs >= self.shrink_budget:
                self.finding.add_note(
                    f"(shrinking stopped after {self.shrink_budget} test cases, the budget of this case: "
                    "the counterexample is the smallest found by then)"
                )
                raise ShrinkBudgetSpent(self.finding)
            self.shrink_runs += 1
        else:
            self.examples += 1
        try:
            run_example(self.spec, self.context(), fresh(drawn))
        except (SpecFailure, BackendError) as finding:
            counterexample = render.example(drawn)
            replay = self.replay_command(counterexample)
            finding.locate(counterexample, replay, self._footer(counterexample, replay))
            self.finding = finding
            if self.is_known(finding.signature):
                raise KnownFailureFound(finding) from None  # confirmed: no need to shrink it again
            raise

    def _footer(self, counterexample: str, replay: str) -> str:
        lines = [f"[{self.spec.id}, {self.adapter.name}, {self.device_kind}]"]
        if counterexample:
            lines += ["", "Counterexample (in the spec's own terms):"]
            lines += [f"  {line}" for line in counterexample.splitlines()]
        lines += ["", "Replay it on any adapter:", "  " + replay]
        return "\n".join(lines)

    def replay_command(self, counterexample: str) -> str:
        """The shell command that replays ``counterexample`` with ``python -m gradspec replay``."""
        parts = ["python", "-m", "gradspec", *self.specs_args]
        parts += ["replay", self.spec.id, "--adapter", self.adapter.name, "--device", self.device_kind]
        for line in counterexample.splitlines():
            parts += ["--given", line]
        return shlex.join(parts)


def run_context(spec: Spec, adapter: Adapter, device: str) -> RunContext:
    """What running ``spec`` on ``device`` needs: the adapter, and the ``allclose`` tolerances
    (the spec's, then the adapter's overrides for it)."""
    overrides = getattr(adapter, "tolerances", {}).get(spec.id, {})
    return RunContext(adapter=adapter, device=device, tolerances={**spec.tolerance, **overrides})


def materialize(context: RunContext, drawn: dict[str, Any]) -> dict[str, Any]:
    """Turn drawn inputs into runtime values: drawn tensors become backend tensors."""
    values: dict[str, Any] = {}
    for name, value in drawn.items():
        if isinstance(value, DrawnTensor) and value.requires_grad is True:
            value = variable(context, value.array)
        elif isinstance(value, DrawnTensor):
            value = tensor(context, value.array, requires_grad=value.requires_grad)
        values[name] = value
    return values


def run_example(spec: Spec, context: RunContext, drawn: dict[str, Any], *, keep_raised: bool = False) -> None:
    """Run the steps on ``drawn`` inputs, then check ``raises`` and ``then``, from the library's
    default state and back to it (:mod:`gradspec.state`).  A finding keeps the exception it
    stands for only with ``keep_raised`` (a replay prints its traceback)."""
    begin_example(context.adapter)
    try:
        _run_steps(spec, context, drawn)
    except Finding as finding:
        # Not kept with the finding, which Hypothesis holds on to: the library's exception it
        # replaces, and the frames that exception references (with every tensor they hold).
        finding.__context__ = None
        if not keep_raised:
            finding.raised = None
        raise
    except ENDING_OUTCOMES as outcome:
        raise BackendError(f"the adapter or the library tried to end the test: {_describe_ending(outcome)}") from None
    finally:
        end_example(context.adapter, context.scope, spec.id)


def _describe_ending(outcome: BaseException) -> str:
    if isinstance(outcome, SystemExit):
        return f"sys.exit({outcome.code!r}) was called"
    name = type(outcome).__name__
    return f"pytest raised {name} ({getattr(outcome, 'msg', None) or outcome})"


def _run_steps(spec: Spec, context: RunContext, drawn: dict[str, Any]) -> None:
    adapter = context.adapter
    adapter.seed(EXAMPLE_SEED)
    interpreter = Interpreter(context, STEP_VOCABULARY)
    try:
        frame = Frame(materialize(context, drawn))
    except Exception as error:
        raise classify(CREATING_INPUTS, error, adapter) from None
    for index, statement in enumerate(spec.steps.statements):
        expected = spec.raises if spec.raises is not None and spec.raises.step == index else None
        try:
            interpreter.execute(statement, frame)
        except Exception as error:
            if expected is None or isinstance(error, _OWN_ERRORS):
                raise classify(_step(spec, index), error, adapter) from None
            _check_expected(spec, _step(spec, index), error, adapter)
        else:
            if expected is not None:
                place = _step(spec, index)
                raise SpecFailure(
                    f"{place} raised nothing, but should raise {expected.kind}", signature=place.signature("raised nothing")
                )
    for check in spec.then:
        _check_then(check, interpreter, frame)


@dataclass(frozen=True)
class Place:
    """Where in a spec something happened: ``label`` for messages (with its line), ``key`` for a
    failure's signature (without it, so that editing the spec elsewhere keeps signatures)."""

    label: str
    key: str

    def __str__(self) -> str:
        return self.label

    def signature(self, what: str) -> str:
        return f"{self.key}: {what}"


#: Where the drawn inputs are made into the library's tensors, before the first step.
CREATING_INPUTS = Place("creating the inputs", "creating the inputs")


def _step(spec: Spec, index: int) -> Place:
    """How a failure names a step: its code and its line in the spec file."""
    first_line = ast.unparse(spec.steps.statements[index]).splitlines()[0]
    return Place(f"step `{first_line}` (line {spec.step_lines[index]})", f"step `{first_line}`")


def _describe_error(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"


def classify(place: Place, error: BaseException, adapter: Adapter) -> Exception:
    """An unexpected exception as a verdict or an error.

    The library raising where the spec expects none is a *fail*, with its canonical kind when
    the adapter maps it.  gradspec's and the adapter's own faults are *errors*: a step that
    could not run, an :class:`AdapterError`, an exception raised by their own code
    (:func:`~gradspec.origin.raised_by_own_code`).  A failed allocation stops the spec instead
    (:class:`~gradspec.limits.OutOfMemory`)."""
    if isinstance(error, (SpecFailure, BackendError)):
        return error
    if isinstance(error, NoneValue):
        return SpecFailure(f"{place}: {error}", signature=place.signature("None where a value is expected"))
    if isinstance(error, StepError):
        return BackendError(f"{place} could not run: {error}", signature=place.signature("could not run"))
    if isinstance(error, AdapterError):
        return BackendError(f"{place}: the adapter failed: {error}", signature=place.signature("the adapter failed"))
    if is_out_of_memory(error):
        raise OutOfMemory(f"{place} ran out of memory ({_describe_error(error)}); --spec-memory sets the allowance")
    if raised_by_own_code(error, adapter):
        own = BackendError(
            f"{place}: the adapter or gradspec raised {_describe_error(error)} in its own code",
            signature=place.signature(f"own code raised {type(error).__name__}"),
        )
        own.raised = error
        return own
    kind = adapter.error_kind(error)
    raised = kind or type(error).__name__
    described = f"{kind} ({_describe_error(error)})" if kind else f"{_describe_error(error)} (no canonical error kind)"
    failure = SpecFailure(f"{place} raised {described}, but should not raise", signature=place.signature(f"raised {raised}"))
    failure.raised = error
    return failure


def _check_expected(spec: Spec, place: Place, error: BaseException, adapter: Adapter) -> None:
    expected = spec.raises
    assert expected is not None
    kind = adapter.error_kind(error)
    if kind != expected.kind:
        raise SpecFailure(
            f"{place} raised {kind or 'an unknown error'} ({_describe_error(error)}), but should raise {expected.kind}",
            signature=place.signature(f"raised {kind or type(error).__name__}"),
        )
    if expected.match is not None and getattr(adapter, "pytorch_messages", False) and not _matches(expected.match, str(error)):
        raise SpecFailure(
            f"{place} raised {kind} with message {str(error)!r}, but the message should match {expected.match!r}",
            signature=place.signature(f"raised {kind} with another message"),
        )


def _matches(pattern: str, message: str) -> bool:
    """``re.search``, bounded in time: a pattern that backtracks is the spec's fault."""
    with deadline(MATCH_SECONDS, "raises.match") as limit:
        try:
            return re.search(pattern, message) is not None
        except TimeLimitExceeded as exceeded:
            if exceeded.deadline is not limit:
                raise
    raise BackendError(
        f"raises.match {pattern!r} took more than {MATCH_SECONDS:g} s on a message of {len(message)} characters: "
        "the pattern backtracks; write it without nested repetition"
    )


def _check_then(check: Check, interpreter: Interpreter, frame: Frame) -> None:
    adapter = interpreter.adapter
    place = _then(check)
    try:
        result = interpreter.evaluate_expression(check.expression, frame)
    except Exception as error:
        raise classify(place, error, adapter) from None
    if not isinstance(result, (bool, np.bool_)):
        raise BackendError(
            f"{place} gave {render.runtime_value(result, adapter)}, which is not a bool", signature=place.signature("not a bool")
        )
    if not result:
        raise SpecFailure(f"{place}: {explain(check.expression.node, interpreter, frame)}", signature=place.signature("false"))


def _then(check: Check) -> Place:
    source = check.expression.source.strip()
    return Place(f"then `{source}` (line {check.line})", f"then `{source}`")


_COMPARISON_WORDS = {
    ast.Eq: "be",
    ast.NotEq: "not be",
    ast.Is: "be",
    ast.IsNot: "not be",
    ast.Lt: "be <",
    ast.LtE: "be <=",
    ast.Gt: "be >",
    ast.GtE: "be >=",
    ast.In: "be in",
    ast.NotIn: "not be in",
}


def explain(node: ast.expr, interpreter: Interpreter, frame: Frame) -> str:
    """``actual, but should be expected`` for a false property, from its sub-expressions."""

    def shown(part: ast.expr) -> str:
        try:
            return render.runtime_value(interpreter.evaluate(part, frame), interpreter.adapter)
        except Exception as error:
            return f"<{type(error).__name__}: {error}>"

    if isinstance(node, ast.Compare) and len(node.ops) == 1:
        words = _COMPARISON_WORDS[type(node.ops[0])]
        return f"{ast.unparse(node.left)} is {shown(node.left)}, but should {words} {shown(node.comparators[0])}"
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return f"{ast.unparse(node.operand)} is {shown(node.operand)}, but should be false"
    if isinstance(node, ast.Call):
        arguments = [*node.args, *(keyword.value for keyword in node.keywords)]
        where = "; ".join(f"{ast.unparse(arg)} = {shown(arg)}" for arg in arguments if not isinstance(arg, ast.Constant))
        return f"{ast.unparse(node)} is False, but should be true" + (f", where {where}" if where else "")
    return f"{ast.unparse(node)} is {shown(node)}, but should be true"


@dataclass(frozen=True)
class Verdict:
    """The outcome of checking one case outside pytest (``pass``, ``fail`` or ``error``)."""

    outcome: str
    error: BaseException | None = None

    @property
    def counterexample(self) -> str | None:
        return self.error.counterexample if isinstance(self.error, Finding) else None


def check_case(case: Case, hypothesis_settings: Any = None) -> Verdict:
    """Run ``case`` under Hypothesis (the current profile unless settings are given)."""
    from hypothesis import given

    @given(case.spec.strategy)
    def check(drawn: dict[str, Any]) -> None:
        case.run(drawn)

    if hypothesis_settings is not None:
        check = hypothesis_settings(check)
    try:
        check()
    except FindingSettled as settled:
        return Verdict("fail" if isinstance(settled.finding, SpecFailure) else "error", settled.finding)
    except SpecFailure as failure:
        return Verdict("fail", failure)
    except (Exception, SpecStopped) as error:
        return Verdict("error", error)
    return Verdict("pass")
