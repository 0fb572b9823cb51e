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
	"github.com/katib-ts/katib-ts-suggestions/test/katib/internal/catalogue"
	"github.com/katib-ts/katib-ts-suggestions/test/katib/internal/dbmanager"
	"github.com/katib-ts/katib-ts-suggestions/test/katib/internal/deploy"
	"github.com/katib-ts/katib-ts-suggestions/test/katib/internal/postgres"
	"github.com/katib-ts/katib-ts-suggestions/test/katib/internal/repo"
)

// requiredVariable, when 1 (CI sets it), turns every reason to skip the suite into a failure.
const requiredVariable = "KATIB_E2E_REQUIRED"

const namespace = "katib-e2e"

var (
	katib     *cluster.Cluster
	dbManager *dbmanager.Manager
	standIn   *kubelet
	// serviceOf is the folder under services/ (and dist/services/) that serves a suggestion algorithm, from
	// services/catalogue.ts.
	serviceOf = map[string]string{}
)

// TestEndToEnd brings the cluster up once and runs every Experiment of the suite on it, in parallel.
func TestEndToEnd(t *testing.T) {
	if reason := unavailable(); reason != "" {
		if os.Getenv(requiredVariable) == "1" {
			t.Fatalf("the e2e suite cannot run here, and %s=1: %s", requiredVariable, reason)
		}
		t.Skipf("the e2e suite cannot run here: %s", reason)
	}
	if err := prerequisites(); err != nil {
		t.Fatal(err)
	}
	algorithms, err := catalogue.Suggestions()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range algorithms {
		serviceOf[a.Algorithm] = a.Service
	}
	startCluster(t)
	t.Run("experiments", func(t *testing.T) {
		// Every suggestion algorithm of services/catalogue.ts: its own test where it has one, else the plain
		// Experiment of testdata/<algorithm>.yaml.
		for _, a := range algorithms {
			test, own := ownTests[a.Algorithm]
			if !own {
				test = func(t *testing.T) { testAlgorithm(t, a.Algorithm) }
			}
			t.Run(a.Algorithm, test)
		}
		t.Run("medianstop", testMedianStop)
		t.Run("validation-failure", testValidationFailureReachesTheUser)
		t.Run("service-restart", testServiceRestartChangesNothing)
		t.Run("metrics-unavailable", testMetricsUnavailableTrialIsNotRepeated)
	})
}

// ownTests are the suggestion algorithms whose Experiment needs a test of its own instead of testAlgorithm's.
var ownTests = map[string]func(*testing.T){
	"hyperband": testHyperband,
}

// startCluster starts PostgreSQL, Katib's DB manager, the cluster and the kubelet stand-in, all stopped when
// the test ends; on a failure it keeps the work directory with every program's log and prints its path.
func startCluster(t *testing.T) {
	workDir, err := os.MkdirTemp("", "katib-e2e-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("logs of every program are kept in %s/logs", workDir)
		} else {
			_ = os.RemoveAll(workDir)
		}
	})
	configMap, err := deploy.Render("katib-config")
	if err != nil {
		t.Fatal(err)
	}
	katibDir, err := repo.KatibModuleDir()
	if err != nil {
		t.Fatal(err)
	}
	started := time.Now()
	dbManager = dbmanager.Start(t, postgres.Start(t))
	katib, err = cluster.Start(context.Background(), cluster.Options{
		BinDir:           binDir(),
		KatibDir:         katibDir,
		KatibConfigMap:   configMap,
		Namespace:        namespace,
		WorkDir:          workDir,
		DBManagerAddress: dbManager.Address,
	})
	if err != nil {
		t.Fatalf("cluster start: %v", err)
	}
	t.Cleanup(katib.Stop)
	t.Logf("cluster with Katib up in %s (work directory %s)", time.Since(started).Round(time.Second), workDir)
	var stop func()
	standIn, stop, err = startKubelet(context.Background(), katib.Client, namespace, dbManager.Client, filepath.Join(workDir, "collector"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
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
	for _, name := range []string{"kube-apiserver", "kube-controller-manager", "katib-controller"} {
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

// checkCluster fails a test at once if a program of the cluster has died.
func checkCluster(t *testing.T) {
	t.Helper()
	if err := katib.Failed(); err != nil {
		t.Fatalf("the cluster is down: %v", err)
	}
}
