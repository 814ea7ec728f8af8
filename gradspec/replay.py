"""Replay one example, written in the step language, against any adapter and device."""

from __future__ import annotations

from typing import Any

from gradspec.adapters.protocol import Adapter
from gradspec.errors import BackendError, SpecFailure, StepError
from gradspec.language.checker import LanguageError, check_program
from gradspec.language.interpreter import Frame, Interpreter, RunContext
from gradspec.language.steps import STEP_VOCABULARY
from gradspec.runner import CREATING_INPUTS, classify, run_context, run_example
from gradspec.spec import Spec


def inputs_from_text(spec: Spec, lines: list[str], context: RunContext) -> dict[str, Any]:
    """Evaluate ``name = value`` lines (as printed in a counterexample) into the spec's inputs."""
    program = check_program("\n".join(lines), vocabulary=STEP_VOCABULARY, bound=())
    missing = sorted(set(spec.given) - program.bound)
    extra = sorted(program.bound - set(spec.given))
    if missing or extra:
        problems = ([f"missing {', '.join(missing)}"] if missing else []) + ([f"unknown {', '.join(extra)}"] if extra else [])
        raise LanguageError(1, f"the example must assign exactly the spec's inputs ({'; '.join(problems)})")
    frame = Frame()
    interpreter = Interpreter(context, STEP_VOCABULARY)
    for statement in program.statements:
        interpreter.execute(statement, frame)
    return {name: frame.values[name] for name in spec.given}


def replay(spec: Spec, adapter: Adapter, device: str, lines: list[str]) -> tuple[str, str, BaseException | None]:
    """Run ``spec`` once on the example with the run's verdict rules; returns ``(outcome,
    message, exception)``: ``pass``, ``fail`` (the library does not conform, a library exception
    where none is expected included) or ``error`` (no verdict: the example could not be read, or
    the adapter's or gradspec's own code failed)."""
    context = run_context(spec, adapter, device)  # the run's tolerances, as a run checks them
    try:
        inputs = inputs_from_text(spec, lines, context)
    except LanguageError as error:
        return "error", str(error), error
    except Exception as error:  # the library or the adapter failed while the inputs were made
        finding = classify(CREATING_INPUTS, error, adapter)
        return ("fail" if isinstance(finding, SpecFailure) else "error"), str(finding), finding
    try:
        run_example(spec, context, inputs, keep_raised=True)
    except SpecFailure as failure:
        return "fail", failure.problem, failure
    except (BackendError, StepError) as error:
        return "error", str(error), error
    return "pass", f"{spec.id} holds on this example", None
