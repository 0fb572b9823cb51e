#!/usr/bin/env bash
# Prepares Katib's stock Python services to run from a Katib source checkout, for the benchmark and its tests:
#   - the Python gRPC classes of Katib's api.proto and health.proto, generated with grpcio-tools into
#     bench/stock/.generated (the checkout's own copies are left alone);
#   - one virtual environment per service in bench/stock/.venvs/<service>, with exactly the requirements.txt the
#     service's image installs (cmd/suggestion/<service>/v1beta1 or cmd/earlystopping/<service>/v1beta1).
# Usage: bash bench/stock/setup.sh --katib-source DIR [SERVICE ...]
#   SERVICE: hyperopt, optuna, skopt, medianstop (default: all four).
# A checkout of Katib v0.19.0: `go mod download -json github.com/kubeflow/katib@v0.19.0` prints its "Dir", or
# `git clone --branch v0.19.0 https://github.com/kubeflow/katib`.
set -euo pipefail

stock_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
python="${PYTHON:-python3}"
# The last grpcio-tools whose generated code runs on protobuf 4, which every stock service pins (protobuf<5).
grpcio_tools="grpcio-tools==1.62.3"

source_dir=""
services=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --katib-source) source_dir="${2:?--katib-source needs a directory}"; shift 2 ;;
    --katib-source=*) source_dir="${1#*=}"; shift ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) services+=("$1"); shift ;;
  esac
done
if [[ -z "$source_dir" ]]; then
  echo "--katib-source DIR is required (a Katib v0.19.0 checkout; see bench/README.md)" >&2
  exit 2
fi
source_dir="$(cd "$source_dir" && pwd)"
if [[ ! -f "$source_dir/pkg/apis/manager/v1beta1/api.proto" ]]; then
  echo "$source_dir is not a Katib checkout: no pkg/apis/manager/v1beta1/api.proto" >&2
  exit 2
fi
[[ ${#services[@]} -gt 0 ]] || services=(hyperopt optuna skopt medianstop)

requirements_of() {
  local service="$1"
  for kind in suggestion earlystopping; do
    local file="$source_dir/cmd/$kind/$service/v1beta1/requirements.txt"
    if [[ -f "$file" ]]; then echo "$file"; return; fi
  done
  echo "no cmd/suggestion/$service/v1beta1/requirements.txt or cmd/earlystopping/$service/v1beta1/requirements.txt in $source_dir" >&2
  exit 2
}

make_venv() {
  local venv="$1"
  [[ -x "$venv/bin/python" ]] || "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --upgrade pip
}

# The generated classes: written to a fresh folder, then moved into place, so a failed run leaves the old ones.
codegen="$stock_dir/.venvs/codegen"
make_venv "$codegen"
"$codegen/bin/python" -m pip install --quiet "$grpcio_tools"
generated="$stock_dir/.generated"
staging="$(mktemp -d "$stock_dir/.generated-XXXXXX")"
trap 'rm -rf "$staging"' EXIT
for api in v1beta1 health; do
  mkdir -p "$staging/pkg/apis/manager/$api/python"
  proto="$(basename "$source_dir"/pkg/apis/manager/$api/*.proto)"
  "$codegen/bin/python" -m grpc_tools.protoc -I "$source_dir/pkg/apis/manager/$api" \
    --python_out="$staging/pkg/apis/manager/$api/python" --grpc_python_out="$staging/pkg/apis/manager/$api/python" "$proto"
done
# The launcher runs the services from this checkout.
printf '%s\n' "$source_dir" >"$staging/katib-source"
# Replaced only when something changed, so that services already running from it (a benchmark) are undisturbed.
if ! diff -r -q "$staging" "$generated" >/dev/null 2>&1; then
  rm -rf "$generated"
  mv "$staging" "$generated"
fi

for service in "${services[@]}"; do
  requirements="$(requirements_of "$service")"
  venv="$stock_dir/.venvs/$service"
  echo "$service: $requirements -> $venv"
  make_venv "$venv"
  "$venv/bin/python" -m pip install --quiet --prefer-binary -r "$requirements"
done
