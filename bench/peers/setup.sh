#!/usr/bin/env bash
# Creates the virtual environments of the Python baselines the benchmark compares against:
#   bench/peers/.venv            the current libraries, pinned in requirements.txt (optuna-*, hyperopt-tpe, skopt-gp)
#   bench/peers/.venv-optuna3.3  optuna 3.3.0, Katib's stock pin (requirements-optuna3.3.txt; the optuna3.3-* peers)
# Usage: bash bench/peers/setup.sh [--with-torch]
#   --with-torch also installs torch (CPU wheel from PyPI) into .venv, which optuna's GPSampler needs.
set -euo pipefail

peers_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
python="${PYTHON:-python3}"
# torch's version with the libraries of requirements.txt.
torch="torch==2.15.0"

install() {
  local venv="$1" requirements="$2"
  [[ -x "$venv/bin/python" ]] || "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --upgrade pip
  "$venv/bin/python" -m pip install --quiet -r "$requirements"
}

install "$peers_dir/.venv" "$peers_dir/requirements.txt"
if [[ "${1:-}" == "--with-torch" ]]; then
  "$peers_dir/.venv/bin/python" -m pip install --quiet "$torch"
fi
install "$peers_dir/.venv-optuna3.3" "$peers_dir/requirements-optuna3.3.txt"
# The same report the benchmark records in its results.
"$peers_dir/.venv/bin/python" -B "$peers_dir/run_peer.py" --versions
"$peers_dir/.venv-optuna3.3/bin/python" -B "$peers_dir/run_peer.py" --versions
