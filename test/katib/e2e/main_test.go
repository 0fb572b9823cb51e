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
	"github.com/katib-ts/katib-ts-suggestions/test/katib/internal/deploy"
	"github.com/katib-ts/katib-ts-suggestions/test/katib/internal/repo"
)

// requiredVariable, when 1 (CI sets it), turns every reason to skip the suite into a failure.
const requiredVariable = "KATIB_E2E_REQUIRED"

const namespace = "katib-e2e"

var (
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
	configMap, err := deploy.Render("katib-config")
	if err != nil {
		fmt.Fprintf(os.Stderr, "FAIL: %v\n", err)
		return 1
	}
	katibDir, err := repo.KatibModuleDir()
	if err != nil {
		fmt.Fprintf(os.Stderr, "FAIL: %v\n", err)
		return 1
	}
	started := time.Now()
	ctx := context.Background()
	katib, err = cluster.Start(ctx, cluster.Options{
		BinDir:         binDir(),
		KatibDir:       katibDir,
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
	for _, name := range []string{"etcd", "node", "unshare"} {
		if _, err := exec.LookPath(name); err != nil {
			missing = append(missing, name+" on PATH (etcd: apt-get install etcd-server)")
		}
	}
	if _, err := repo.ServiceEntryPoint("random"); err != nil {
		missing = append(missing, err.Error())
	}
	if len(missing) > 0 {
		return fmt.Errorf("the e2e suite needs: %s", strings.Join(missing, "; "))
	}
	return nil
}

func binDir() string {
	if dir := os.Getenv("KATIB_E2E_BIN_DIR"); dir != "" {
		return dir
	}
	return filepath.Join(repo.Root(), "test/katib/e2e/.bin")
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
