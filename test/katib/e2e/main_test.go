//go:build e2e

// Package e2e runs Experiments end to end: Katib v0.19.0's own controller, with its webhooks, on a real
// kube-apiserver, drives them from YAML to Succeeded against our services, started as processes. Run it with
// `npm run test:e2e` (which builds the Kubernetes and Katib programs first); see README.md.
package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/katib-ts/katib-ts-suggestions/test/katib/e2e/cluster"
)

// requiredVariable, when 1 (CI sets it), turns every reason to skip the suite into a failure.
const requiredVariable = "KATIB_E2E_REQUIRED"

const namespace = "katib-e2e"

var (
	repoRoot   = mustAbs("../../..")
	katib      *cluster.Cluster
	standIn    *kubelet
	skipReason string
)

func TestMain(m *testing.M) { os.Exit(run(m)) }

func run(m *testing.M) int {
	if reason := unavailable(); reason != "" {
		if os.Getenv(requiredVariable) == "1" {
			fmt.Fprintf(os.Stderr, "FAIL: the e2e suite cannot run here, and %s=1: %s\n", requiredVariable, reason)
			return 1
		}
		fmt.Fprintf(os.Stderr, "SKIP: the e2e suite cannot run here: %s\n", reason)
		skipReason = reason
		return m.Run()
	}
	if err := prerequisites(); err != nil {
		fmt.Fprintf(os.Stderr, "FAIL: %v\n", err)
		return 1
	}
	workDir, err := os.MkdirTemp("", "katib-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	code := runWithCluster(m, workDir)
	if code == 0 {
		os.RemoveAll(workDir)
	} else {
		fmt.Fprintf(os.Stderr, "e2e: logs of every process are kept in %s/logs\n", workDir)
	}
	return code
}

func runWithCluster(m *testing.M, workDir string) int {
	configMap, err := renderKatibConfig()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	started := time.Now()
	ctx := context.Background()
	katib, err = cluster.Start(ctx, cluster.Options{
		BinDir:         binDir(),
		KatibDir:       katibSourceDir(),
		KatibConfigMap: configMap,
		Namespace:      namespace,
		WorkDir:        workDir,
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "FAIL: cluster start: %v\n", err)
		return 1
	}
	defer katib.Stop()
	fmt.Fprintf(os.Stderr, "e2e: cluster with Katib up in %s (work directory %s)\n", time.Since(started).Round(time.Second), workDir)
	var stopKubelet func()
	standIn, stopKubelet, err = startKubelet(ctx, katib.Client, namespace, katib.DBManagerAddress)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer stopKubelet()
	return m.Run()
}

// unavailable says why this machine cannot run the suite at all: the only accepted reasons are a missing Go
// toolchain (checked by the npm script, which builds with it) and neither root nor user namespaces, without
// which the Katib controller cannot get its own /etc/hosts and /tmp/cert.
func unavailable() string {
	if err := cluster.CanUseMountNamespace(); err != nil {
		return fmt.Sprintf("not root, and no user namespace for the controller's own /etc/hosts (%v)", err)
	}
	return ""
}

// prerequisites checks the programs the suite needs besides those it builds, saying how to get each.
func prerequisites() error {
	var missing []string
	for _, name := range []string{"kube-apiserver", "kube-controller-manager", "katib-controller", "katib-db-manager"} {
		if _, err := os.Stat(filepath.Join(binDir(), name)); err != nil {
			missing = append(missing, fmt.Sprintf("%s (run test/katib/e2e/build.sh)", name))
		}
	}
	for _, name := range []string{"etcd", "kustomize", "node", "unshare"} {
		if _, err := lookPath(name); err != nil {
			missing = append(missing, name+" on PATH (etcd: apt-get install etcd-server)")
		}
	}
	if _, err := os.Stat(filepath.Join(repoRoot, "dist/services/random/main.js")); err != nil {
		missing = append(missing, "dist/ (npm run build)")
	}
	if len(missing) > 0 {
		return fmt.Errorf("the e2e suite needs: %s", strings.Join(missing, "; "))
	}
	return nil
}

func lookPath(name string) (string, error) {
	if name == "kustomize" {
		if gopath, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
			candidate := filepath.Join(strings.TrimSpace(string(gopath)), "bin", "kustomize")
			if _, err := os.Stat(candidate); err == nil {
				return candidate, nil
			}
		}
	}
	return exec.LookPath(name)
}

// renderKatibConfig is `kustomize build deploy/katib-config`: the ConfigMap exactly as we ship it.
func renderKatibConfig() ([]byte, error) {
	kustomize, err := lookPath("kustomize")
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(kustomize, "build", filepath.Join(repoRoot, "deploy/katib-config"))
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("kustomize build deploy/katib-config: %w", err)
	}
	return out, nil
}

func binDir() string {
	if dir := os.Getenv("KATIB_E2E_BIN_DIR"); dir != "" {
		return dir
	}
	return mustAbs(".bin")
}

// katibSourceDir is Katib v0.19.0's module in the Go module cache (the version go.mod requires).
func katibSourceDir() string {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/kubeflow/katib").Output()
	if err != nil {
		panic(fmt.Sprintf("go list -m github.com/kubeflow/katib: %v", err))
	}
	return strings.TrimSpace(string(out))
}

func mustAbs(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		panic(err)
	}
	return abs
}

// needCluster skips a test only where the whole suite cannot run (see unavailable).
func needCluster(t *testing.T) {
	t.Helper()
	if skipReason != "" {
		t.Skip(skipReason)
	}
	if err := katib.Failed(); err != nil {
		t.Fatalf("the cluster is down: %v", err)
	}
}
