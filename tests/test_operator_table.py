"""The operator table: how it is read and checked, how ``over: operators`` specs expand into one
verdict per operator, how a counterexample writes an operator sample and replays it, and the
``gradspec coverage`` command."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gradspec.errors import SpecErrors
from gradspec.loader import load_specs
from gradspec.operators.coverage import REQUIRED, coverage, opinfo_names
from gradspec.operators.domains import matrices, reals_from
from gradspec.operators.domains_binary import reals_tied_with
from gradspec.operators.domains_linalg import householder_scales
from gradspec.operators.domains_reductions import quantile_levels
from gradspec.operators.table import builtin_table, load_table
from tests.conftest import ROOT

ENTRY = """\
family: demo
operators:
  - name: exp
    doc: https://docs.pytorch.org/docs/stable/generated/torch.exp.html
    args:
      input: reals(shape=shapes())
    dtypes: [float32, float64]
    reference: numpy.exp
"""


def table_error(tmp_path: Path, text: str) -> str:
    path = tmp_path / "demo.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SpecErrors) as info:
        load_table([path])
    return str(info.value)


def test_the_builtin_table_loads_and_names_opinfo_operators() -> None:
    table = builtin_table()
    names, _ = opinfo_names()
    assert len(table) >= 2
    assert sorted({entry.name for entry in table.values()} - names) == []


def test_every_entry_has_a_differentiable_argument_and_documented_float_dtypes() -> None:
    for entry in builtin_table().values():
        assert entry.differentiable, entry.id
        assert {"float32", "float64"} & set(entry.dtypes), entry.id


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("    reference: numpy.exp\n", "    reference: nowhere.exp\n", "operators[0].reference: 'nowhere.exp': expected one of numpy.<name>, <name>"),
        ("    reference: numpy.exp\n", "    reference: numpy.no_such_function\n", "numpy has no function 'no_such_function'"),
        ("      input: reals(shape=shapes())\n", "      input: reals(shape=undefined_name)\n", "operators[0].args.input: undefined name 'undefined_name'"),
        ("    dtypes: [float32, float64]\n", "    dtypes: [float32, float64]\n    differentiable: [weight]\n", "'weight' is not an argument"),
        ("    dtypes: [float32, float64]\n", "    dtypes: [int8]\n", "operators[0].dtypes[0]"),
        ("    dtypes: [float32, float64]\n", "    dtypes: [float32, float64]\n    colour: red\n", "operators[0].colour: unknown key"),
    ],
    ids=["reference-module", "reference-function", "argument-name", "differentiable", "dtype", "unknown-key"],
)
def test_a_bad_entry_is_refused_with_its_place(tmp_path: Path, old: str, new: str, expected: str) -> None:
    assert ENTRY.count(old) == 1
    message = table_error(tmp_path, ENTRY.replace(old, new))
    assert message.startswith(str(tmp_path / "demo.yaml")) or "demo.yaml" in message
    assert expected in message, message


def test_an_operator_declared_twice_is_refused(tmp_path: Path) -> None:
    twice = ENTRY + "\n".join(ENTRY.splitlines()[2:]) + "\n"
    assert "duplicate operator 'exp'" in table_error(tmp_path, twice)


def test_every_problem_of_a_file_is_reported_at_once(tmp_path: Path) -> None:
    second = "\n".join(ENTRY.splitlines()[2:]).replace("name: exp", "name: sin").replace("numpy.exp", "numpy.nope")
    text = ENTRY.replace("numpy.exp", "numpy.nope") + second + "\n"
    message = table_error(tmp_path, text)
    assert message.count("has no function 'nope'") == 2


def test_an_over_spec_runs_once_per_selected_operator() -> None:
    specs = {spec.id: spec for spec in load_specs()}
    table = builtin_table()
    vjp = sorted(spec_id for spec_id in specs if spec_id.startswith("operators.vjp["))
    assert vjp == sorted(f"operators.vjp[{entry.id}]" for entry in table.values() if entry.has("differentiable"))
    one = specs[vjp[0]]
    assert one.operator == table[vjp[0][len("operators.vjp[") : -1]].name
    assert list(one.given)[0] == "op"


def test_an_over_spec_may_not_name_an_input_op(tmp_path: Path) -> None:
    folder = tmp_path / "specs" / "pack"
    folder.mkdir(parents=True)
    (folder / "spec.yaml").write_text(
        (ROOT / "specs" / "operators" / "vjp.yaml").read_text(encoding="utf-8").replace("id: operators.vjp", "id: pack.vjp").replace(
            "given:\n", "given:\n  op: integers(0, 1)\n"
        ),
        encoding="utf-8",
    )
    with pytest.raises(SpecErrors) as info:
        load_specs([tmp_path / "specs"])
    assert "given.op: 'op' is the operator an 'over' spec runs on" in str(info.value)


def test_a_counterexample_writes_the_operator_sample_and_replays_it() -> None:
    from gradspec.adapters.torch_adapter import TorchAdapter
    from gradspec.render import example
    from gradspec.replay import inputs_from_text
    from gradspec.runner import run_context

    spec = next(spec for spec in load_specs() if spec.id == "operators.vjp[exp]")
    drawn = {"op": builtin_table()["exp"], "sample": None, "seed": 3}
    from gradspec.operators.samples import Sample

    drawn["sample"] = Sample(drawn["op"], "float64", {"input": np.array([[0.5, -1.25]])})
    text = example(drawn)
    assert 'sample = operator_sample(operator("exp"), "float64", input=array([[0.5, -1.25]], dtype=float64))' in text
    inputs = inputs_from_text(spec, text.splitlines(), run_context(spec, TorchAdapter(), "cpu"))
    assert inputs["op"] is drawn["op"] and inputs["seed"] == 3
    np.testing.assert_array_equal(inputs["sample"].values["input"], drawn["sample"].values["input"])


def test_a_failure_is_shrunk_within_the_case_budget_and_keeps_its_verdict() -> None:
    from hypothesis import Phase, settings

    from gradspec.runner import Case, check_case
    from tests.planted.operators import EveryOperatorValueShifted

    spec = next(spec for spec in load_specs() if spec.id == "operators.forward[exp]")
    search = settings(max_examples=10, derandomize=True, database=None, deadline=None,
                      phases=[Phase.generate, Phase.shrink])
    unlimited = Case(spec, EveryOperatorValueShifted(), "cpu", "cpu")
    assert check_case(unlimited, search).outcome == "fail" and unlimited.shrink_runs > 1
    limited = Case(spec, EveryOperatorValueShifted(), "cpu", "cpu", shrink_budget=1)
    verdict = check_case(limited, search)
    assert verdict.outcome == "fail" and limited.shrink_runs == 1
    assert "shrinking stopped after 1 test cases" in "\n".join(getattr(verdict.error, "__notes__", []))


def test_coverage_counts_opinfo_names_and_the_required_operators() -> None:
    found = coverage(builtin_table())
    assert set(found.covered) <= found.opinfo
    assert len(found.covered) + len(found.missing) == len(found.opinfo)
    assert set(found.required_missing) <= set(REQUIRED)


def test_the_coverage_command_prints_the_figure() -> None:
    result = subprocess.run([sys.executable, "-m", "gradspec", "coverage"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "OpInfo differentiable operators covered:" in result.stdout
    failing = subprocess.run(
        [sys.executable, "-m", "gradspec", "coverage", "--check", "100000"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert failing.returncode == 1 and "coverage check failed" in failing.stderr


@given(q=quantile_levels(None), size=st.integers(1, 2**14 - 1))
def test_a_quantile_level_picks_the_same_element_in_float32_as_in_float64(q: float, size: int) -> None:
    """quantile's lower/higher/nearest interpolations pick an element by ``q * (size - 1)``,
    which the library computes at the input's dtype and the reference in float64: a level such
    as 3e-286 is 0 in float32, and 'higher' then picks another element."""
    position = np.float32(q) * np.float32(size - 1)
    assert float(np.float32(q)) == q
    assert float(position) == q * (size - 1)


@given(data=st.data(), square=st.booleans())
def test_householder_scales_keep_every_reflector_invertible(data: st.DataObject, square: bool) -> None:
    """householder_product's gradient is documented as well-defined only where
    ``tau_i != 1 / ||b_i||^2``. With nothing below the diagonal every ``b_i`` is a unit vector,
    so a plain draw in [-1, 1] hits the singular point at its bound, ``tau_i = 1``."""
    a = np.zeros((4, 4)) if square else data.draw(matrices(None, rows=4, max_batch=0))
    tau = data.draw(householder_scales(None, a))
    squared_norms = 1.0 + np.sum(np.tril(a, -1) ** 2, axis=0)
    assert tau.shape == (a.shape[1],)
    assert np.all(np.abs(tau * squared_norms - 1.0) >= 0.05 - 1e-12)


@given(data=st.data())
def test_reals_from_including_holds_every_included_value(data: st.DataObject) -> None:
    """clamp's non-differentiable point is reached only where an element equals the drawn bound."""
    array = data.draw(reals_from(None, [-2.0, -1.5, 0.0, 0.75, 3.0], including=[-1.5, 0.75]))
    assert -1.5 in array and 0.75 in array


@given(data=st.data())
def test_reals_tied_with_ties_the_first_operand_somewhere(data: st.DataObject) -> None:
    """maximum's non-differentiable point is reached only where the broadcast operands tie."""
    first = data.draw(reals_from(None, [0.0, 1.0]))
    second = data.draw(reals_tied_with(None, first))
    a, b = np.broadcast_arrays(first, second)
    assert np.any(a == b)


def test_reals_from_including_refuses_a_given_shape() -> None:
    with pytest.raises(ValueError, match="draws its own shape"):
        reals_from(None, [0.0, 1.0], shape=(2,), including=[1.0])
