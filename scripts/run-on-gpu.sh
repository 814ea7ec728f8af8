#!/usr/bin/env bash
# Run the whole conformance suite against PyTorch on CPU and CUDA, on a GPU machine that has
# torch (a CUDA build), hypothesis, pytest, pytest-xdist, numpy and pyyaml but no network:
# nothing is installed, the checkout runs as it is.  Leaves the JSON and Markdown reports, the
# pytest log and the compatibility matrix of the two runs in one folder.
#
#   scripts/run-on-gpu.sh [OUTDIR]        (default: $OUT if set, else gpu-reports)
#
# With several GPUs, set WORKERS (e.g. WORKERS=4): pytest-xdist workers then spread over them,
# worker n running on cuda:(n mod the number of GPUs).
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-${OUT:-gpu-reports}}"
mkdir -p "$out"
export CI=true                      # the derandomized 'ci' Hypothesis profile
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"

python3 - <<'PY' | tee "$out/environment.txt"
import platform, sys
import hypothesis, numpy, pytest, torch, yaml  # noqa: F401  (all needed, none installed here)
print(f"python {platform.python_version()}, torch {torch.__version__} (CUDA {torch.version.cuda}), "
      f"hypothesis {hypothesis.__version__}, numpy {numpy.__version__}, pytest {pytest.__version__}")
if not torch.cuda.is_available():
    sys.exit("no CUDA device is visible to torch: nothing to run on cuda")
for index in range(torch.cuda.device_count()):
    print(f"cuda:{index}: {torch.cuda.get_device_name(index)}")
PY

parallel=()
if [ -n "${WORKERS:-}" ]; then parallel=(-n "$WORKERS"); fi
status=0
python3 -m pytest -p no:cacheprovider "${parallel[@]}" --device=cpu --device=cuda \
    --report-dir="$out" -q -rfE 2>&1 | tee "$out/pytest.log" || status=$?
python3 -m gradspec matrix "$out" --out="$out"
echo "reports in $out (pytest exit status $status)"
exit "$status"
