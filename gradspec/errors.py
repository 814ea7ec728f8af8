"""The exceptions gradspec raises, all derived from :class:`GradspecError`."""

from __future__ import annotations


class GradspecError(Exception):
    """The base of every exception gradspec raises for a reason of its own."""


class SpecError(GradspecError, ValueError):
    """A spec file is malformed or refused; the message reads ``path:line: key: problem``."""

    def __init__(self, path: str, line: int | None, key: str, problem: str) -> None:
        self.path = path
        self.line = line
        self.key = key
        self.problem = problem
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {key}: {problem}")


class SpecErrors(GradspecError, ValueError):
    """Several spec errors found in one load, reported together."""

    def __init__(self, errors: list[SpecError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(error) for error in errors))


class AdapterError(GradspecError, TypeError):
    """An adapter was asked for something it cannot do, or could not be loaded."""


class StepError(GradspecError, RuntimeError):
    """A step could not be evaluated for a reason that is the spec's fault at run time
    (a tensor used as a bool, a loop over a huge range...)."""


class NoneValue(GradspecError):
    """A step used an attribute or method of ``None`` (``x.grad.dtype`` when ``x.grad`` is
    ``None``): the library gave no value where the spec, checked against PyTorch, expects one."""


class Finding(GradspecError):
    """What running a spec found: ``problem`` says what, and once the example is known,
    ``counterexample`` (in the spec's own language) and ``replay`` (a shell command) say where.

    The counterexample and the replay command are also added as a note (PEP 678), which pytest
    and Python print below the problem."""

    def __init__(
        self, problem: str, *, counterexample: str | None = None, replay: str | None = None, signature: str | None = None
    ) -> None:
        super().__init__(problem)
        self.problem = problem
        self.counterexample = counterexample
        self.replay = replay
        #: What failed and how, without the example (``step `y.backward()`: raised TypeError``):
        #: a baseline records it, so that a known spec failing in another way is new.
        self.signature = signature or problem
        #: The exception this finding stands for (the library's, or the adapter's own), for
        #: ``gradspec replay --traceback``; a run drops it with the example (see ``run_example``).
        self.raised: BaseException | None = None

    def locate(self, counterexample: str, replay: str, footer: str) -> None:
        """Record the example this was found on, with the ``footer`` note that shows it."""
        self.counterexample = counterexample
        self.replay = replay
        self.add_note(footer)

    def __reduce__(self) -> tuple[object, ...]:  # pickled by --isolate: keep the fields and notes
        fields = (self.problem, self.counterexample, self.replay, self.signature, getattr(self, "__notes__", []))
        return (_rebuild, (type(self), *fields))


def _rebuild(
    cls: type[Finding], problem: str, counterexample: str | None, replay: str | None, signature: str, notes: list[str]
) -> Finding:
    finding = cls(problem, counterexample=counterexample, replay=replay, signature=signature)
    for note in notes:
        finding.add_note(note)
    return finding


class SpecFailure(Finding, AssertionError):
    """The library does not conform: a ``then`` property is false or ``raises`` was not met."""


class BackendError(Finding, RuntimeError):
    """No verdict: gradspec's or the adapter's own fault (a step that could not run, an
    adapter error, an exception their own code raised)."""


class SpecStopped(BaseException):
    """A spec's test ends at once, as an ``error`` with this message: a limit was hit, or the
    library's state could not be restored.  A ``BaseException``, so that Hypothesis neither
    replays nor shrinks the example (each replay would only hit the limit again, at its cost)
    and no spec's own error handling takes it for the library's failure."""


class FindingSettled(BaseException):
    """A spec's test ends at once with the finding it holds as its outcome (pytest sees
    :attr:`finding`).  A ``BaseException``, so that Hypothesis does not take it for a failure
    of its own to shrink."""

    def __init__(self, finding: Finding) -> None:
        super().__init__(finding.problem)
        self.finding = finding


class KnownFailureFound(FindingSettled):
    """A failure the baseline records was found again.  One counterexample confirms it, so the
    test ends at once instead of shrinking it anew on every run."""


class ShrinkBudgetSpent(FindingSettled):
    """A failure was shrunk for as many test cases as its case may run while shrinking: the
    verdict stands; the counterexample is the smallest found by then."""
