// Package katib holds the tests and tools that run Katib's own Go code (v0.19.0, the version deploy/ targets)
// against our services: the wire fixtures written with Katib's generated protobuf types, and the conformance
// suite that drives each service through Katib's real suggestion client, DB manager and config types.
package katib

import (
	// Pinned here so go.mod keeps the Katib version every package of this module builds against.
	_ "github.com/kubeflow/katib/pkg/apis/manager/v1beta1"
)
