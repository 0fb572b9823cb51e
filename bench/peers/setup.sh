#!/usr/bin/env bash
# Creates bench/peers/.venv with the Python baselines the benchmark compares against.
# Usage: bash bench/peers/setup.sh [--with-torch]
#   --with-torch also installs torch (CPU wheel from PyPI), which optuna's GPSampler needs.
set -euo pipefail

peers_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$peers_dir/.venv"
python="${PYTHON:-python3}"

if [[ ! -x "$venv/bin/python" ]]; then
  "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet -r "$peers_dir/requirements.txt"
if [[ "${1:-}" == "--with-torch" ]]; then
  "$venv/bin/python" -m pip install --quiet torch
fi
# The same report the benchmark records in its results.
"$venv/bin/python" -B "$peers_dir/run_peer.py" --versions
