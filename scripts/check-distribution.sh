#!/usr/bin/env bash
# The distribution as users get it: a wheel built from this tree, installed into fresh virtual
# environments outside the checkout.
#   1. `pip install <wheel>[torch]`, then `gradspec run --device=cpu` (the specs outside the operator
#      table, gated on torch's baseline of deviations from its own docs) and
#      `pytest --pyargs gradspec --device=cpu` (the requires_grad specs) from an empty folder: each
#      selected spec passes on torch but those its baseline records, the report lands in that
#      folder's reports/, and the wheel holds exactly the checkout's spec files (the reports' spec set;
#      the checkout's own run, the README's first command, runs every spec).
#   2. `pip install <wheel>` beside an unrelated project: that project's pytest run shows nothing
#      of gradspec, and `gradspec list | head -1` ends quietly.
# Usage: scripts/check-distribution.sh [WORKDIR]   (default: a temporary folder, removed after)
set -euo pipefail
checkout="$(cd "$(dirname "$0")/.." && pwd)"
work="${1:-$(mktemp -d)}"
[ -n "${1:-}" ] || trap 'rm -rf "$work"' EXIT
python="${PYTHON:-python3}"

say() { printf 'check-distribution: %s\n' "$*"; }
fail() { say "FAILED: $*" >&2; exit 1; }

say "building the sdist, and the wheel from it (so nothing stale in build/ slips in)"
"$python" -m venv "$work/builder"
"$work/builder/bin/pip" install -q build
"$work/builder/bin/python" -m build -q --outdir "$work/dist" "$checkout" >/dev/null
wheel="$(ls "$work"/dist/gradspec-*.whl)"

say "1. $wheel[torch] in a fresh environment"
"$python" -m venv "$work/with-torch"
"$work/with-torch/bin/pip" install -q "$wheel[torch]"
mkdir -p "$work/run" "$work/pyargs"
baseline="$checkout/baselines/torch.yaml"
(cd "$work/run" && CI=true "$work/with-torch/bin/gradspec" run --device=cpu --baseline="$baseline" -q -k "not operators") \
    || fail "gradspec run --device=cpu"
(cd "$work/pyargs" && CI=true "$work/with-torch/bin/python" -m pytest -p no:cacheprovider --pyargs gradspec --device=cpu \
    --baseline="$baseline" -q -k "requires_grad") || fail "pytest --pyargs gradspec --device=cpu"
for folder in run pyargs; do
    "$work/with-torch/bin/python" - "$work/$folder/reports/torch-cpu.json" "$checkout/specs" <<'PY' || fail "the report of the $folder run"
import json, sys
from gradspec.loader import load_specs
from gradspec.report import SpecSet
report = json.load(open(sys.argv[1]))
outcomes = {row["outcome"] for row in report["results"] if row.get("baseline") != "known"}
assert report["selection"], "the report does not say it covers a selection"
assert outcomes <= {"pass", "not_applicable"}, f"outcomes {outcomes}"
checkout = SpecSet({spec.id: spec.digest for spec in load_specs(sys.argv[2])}).as_dict()
assert report["spec_set"] == checkout, f"the wheel's specs {report['spec_set']} are not the checkout's {checkout}"
print(f"check-distribution: {sys.argv[1]}: {report['summary']['pass']} pass of {report['summary']['total']}, "
      f"of the wheel's {checkout['count']} specs (the checkout's)")
PY
done

say "2. $wheel beside an unrelated project"
"$python" -m venv "$work/plain"
"$work/plain/bin/pip" install -q "$wheel"
mkdir -p "$work/project"
cat > "$work/project/test_project.py" <<'PY'
import sys
from hypothesis import given, settings, strategies as st

def test_nothing_is_loaded_or_configured():
    assert settings.get_current_profile_name() == "default"
    assert not any(name.startswith(("gradspec.pytest_plugin.session", "gradspec.adapters.")) for name in sys.modules)

@given(st.integers())
def test_a_property(value):
    assert isinstance(value, int)
PY
# Without CI in the environment: Hypothesis itself loads a 'ci' profile of its own when CI is set.
output="$(cd "$work/project" && env -u CI "$work/plain/bin/python" -m pytest -p no:cacheprovider -v 2>&1)" \
    || fail "the project's own pytest run: $output"
if printf '%s\n' "$output" | grep -v '^plugins:' | grep -qi gradspec; then
    fail "gradspec shows in the project's pytest run: $output"
fi
[ ! -e "$work/project/reports" ] || fail "the project's pytest run wrote reports/"
errors="$(cd "$work/project" && { "$work/plain/bin/gradspec" list | head -1 >/dev/null; } 2>&1)"
[ -z "$errors" ] || fail "gradspec list | head printed: $errors"
say "passed"
