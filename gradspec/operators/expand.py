"""``over: operators(<flag>)``: one spec per entry of the operator table, each its own verdict."""

from __future__ import annotations

from dataclasses import replace
from functools import cache

from gradspec.language.checker import Expression, check_expression
from gradspec.operators.table import builtin_table
from gradspec.spec import Spec
from gradspec.strategies import GIVEN_VOCABULARY, given_strategy


def first_operator() -> str:
    """An operator the loader binds ``op`` to while it checks an ``over`` spec's text."""
    return next(iter(builtin_table()))


def operator_spec_id(spec_id: str, operator_id: str) -> str:
    """``operators.vjp`` run on ``exp``: ``operators.vjp[exp]``."""
    return f"{spec_id}[{operator_id}]"


@cache
def _operator_input(operator_id: str) -> Expression:
    """The input ``op`` of an operator's specs: one checked expression, shared by its specs."""
    return check_expression(f'operator("{operator_id}")', vocabulary=GIVEN_VOCABULARY, bound=())


def expand(spec: Spec) -> list[Spec]:
    """The spec itself, or for an ``over`` spec one spec per selected operator: its id is
    ``<id>[<operator>]``, its input ``op`` is the operator, and an entry's own float64
    tolerance replaces the spec's."""
    if spec.over is None:
        return [spec]
    found = []
    for entry in builtin_table().values():
        if not entry.has(spec.over):
            continue
        given = {**spec.given, "op": _operator_input(entry.id)}  # the loader put "op" first
        tolerance = spec.tolerance if entry.tolerance is None else {**spec.tolerance, "float64": entry.tolerance}
        found.append(
            replace(
                spec,
                id=operator_spec_id(spec.id, entry.id),
                given=given,
                strategy=given_strategy(given),
                tolerance=tolerance,
                operator=entry.name,
            )
        )
    return found
