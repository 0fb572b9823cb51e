// Package dbmanager builds Katib's real DB manager (cmd/db-manager/v1beta1, at the version go.mod pins) and runs
// it against a PostgreSQL server, as Katib's katib-db-manager Deployment does, until the test ends.
package dbmanager

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	healthapi "github.com/kubeflow/katib/pkg/apis/manager/health"
	managerapi "github.com/kubeflow/katib/pkg/apis/manager/v1beta1"
	// The DB manager's storage code: imported so go.mod and go.sum hold everything `go build` of the command needs.
	_ "github.com/kubeflow/katib/pkg/db/v1beta1"

	"github.com/katib-ts/katib-ts-suggestions/test/katib/internal/freeport"
	"github.com/katib-ts/katib-ts-suggestions/test/katib/internal/postgres"
	"github.com/katib-ts/katib-ts-suggestions/test/katib/internal/repo"
)

const command = "github.com/kubeflow/katib/cmd/db-manager/v1beta1"

// readyTimeout bounds the wait for the first SERVING health answer: a hang guard.
const readyTimeout = 90 * time.Second

// CallTimeout bounds every call a test makes to the DB manager.
const CallTimeout = 30 * time.Second

// Manager is a running DB manager.
type Manager struct {
	// Address is 127.0.0.1:port, where it serves Katib's DBManager and health APIs.
	Address string
	Client  managerapi.DBManagerClient
}

// Start builds the DB manager, runs it on a free port with the PostgreSQL settings Katib's manifests give it
// (DB_NAME=postgres and the KATIB_POSTGRESQL_* variables), and waits until its health check says SERVING.
func Start(t testing.TB, database *postgres.Server) *Manager {
	t.Helper()
	binary := filepath.Join(t.TempDir(), "katib-db-manager")
	build := exec.Command("go", "build", "-o", binary, command)
	build.Dir = filepath.Join(repo.Root(), "test", "katib")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", command, err, out)
	}
	address := fmt.Sprintf("127.0.0.1:%d", freeport.Pick(t))
	cmd := exec.Command(binary, "-listen-address", address, "-connect-timeout", "30s")
	cmd.Env = append(os.Environ(),
		"DB_NAME=postgres",
		"DB_USER="+database.User,
		"DB_PASSWORD=unused-with-trust-authentication",
		"KATIB_POSTGRESQL_DB_HOST="+database.Host,
		"KATIB_POSTGRESQL_DB_PORT="+strconv.Itoa(database.Port),
		"KATIB_POSTGRESQL_DB_DATABASE="+database.Database,
	)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	logFile := filepath.Join(t.TempDir(), "db-manager.log")
	out, err := os.Create(logFile)
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting the DB manager: %v", err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		_ = out.Close()
		close(exited)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	})
	log := func() string {
		text, _ := os.ReadFile(logFile)
		return string(text)
	}

	conn, err := grpc.NewClient(address, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	health := healthapi.NewHealthClient(conn)
	deadline := time.Now().Add(readyTimeout)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		reply, err := health.Check(ctx, &healthapi.HealthCheckRequest{})
		cancel()
		if err == nil && reply.Status == healthapi.HealthCheckResponse_SERVING {
			break
		}
		select {
		case <-exited:
			t.Fatalf("the DB manager exited: %s\n%s", cmd.ProcessState, log())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("the DB manager was not SERVING within %s (last: %v, %v):\n%s", readyTimeout, reply, err, log())
		}
		time.Sleep(200 * time.Millisecond)
	}
	return &Manager{Address: address, Client: managerapi.NewDBManagerClient(conn)}
}
