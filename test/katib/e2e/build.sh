#!/usr/bin/env bash
# Builds the programs the end-to-end suite runs, into test/katib/e2e/.bin (or $1):
#   kube-apiserver, kube-controller-manager  Kubernetes v1.34.4, from the nested module ./kube
#   katib-controller                         Katib v0.19.0, built in Katib's own module with its own pins
# (Katib's DB manager is built by the suite, as the conformance suite builds it: internal/dbmanager.)
# Only the standard Go caches are used; a warm rebuild relinks nothing that has not changed.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here/.bin}"
mkdir -p "$out"
export GOTOOLCHAIN=local GOFLAGS="${GOFLAGS:--buildvcs=false}"

k8s_version=v1.34.4
# The version client-go reports for the server; without it `kubectl version` and discovery cannot parse it.
pkg=k8s.io/component-base/version
ldflags="-s -w -X $pkg.gitVersion=$k8s_version -X $pkg.gitMajor=1 -X $pkg.gitMinor=34 -X $pkg.gitTreeState=clean"
ldflags="$ldflags -X $pkg.buildDate=1970-01-01T00:00:00Z"
(cd "$here/kube" && go build -ldflags "$ldflags" -o "$out/" ./kube-apiserver ./kube-controller-manager)

katib_version=v0.19.0
katib_dir="$(cd "$here/.." && go mod download -json "github.com/kubeflow/katib@$katib_version" |
  sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')"
(cd "$katib_dir" && go build -ldflags "-s -w" -o "$out/katib-controller" ./cmd/katib-controller/v1beta1)
echo "built into $out: $(ls "$out" | tr '\n' ' ')"
