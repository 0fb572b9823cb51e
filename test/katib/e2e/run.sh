#!/usr/bin/env bash
# npm run test:e2e: Katib v0.19.0's own controller drives Experiments against our services (test/katib/e2e).
# Builds dist/, then the Kubernetes and Katib programs (test/katib/e2e/build.sh: about 15 minutes cold on
# 2 cores, under a minute warm), then runs the Go suite. Needs Go, etcd (Debian: etcd-server), PostgreSQL,
# kustomize, and root or user namespaces. Without Go it skips, saying so, unless KATIB_E2E_REQUIRED=1 (CI).
set -euo pipefail
cd "$(dirname "$0")/../../.."

if ! command -v go >/dev/null; then
  if [ "${KATIB_E2E_REQUIRED:-}" = 1 ]; then
    echo "FAIL: test:e2e needs Go (https://go.dev/dl/), and KATIB_E2E_REQUIRED=1" >&2
    exit 1
  fi
  echo "SKIP: test:e2e needs Go (https://go.dev/dl/) to build kube-apiserver and Katib; not run" >&2
  exit 0
fi

npm run build
seconds() { date +%s; }
start=$(seconds)
test/katib/e2e/build.sh
built=$(seconds)
echo "test:e2e: programs built in $((built - start)) s"
(cd test/katib && GOTOOLCHAIN=local go test -tags e2e -count=1 -timeout 40m -v ./e2e/)
echo "test:e2e: suite ran in $(($(seconds) - built)) s"
