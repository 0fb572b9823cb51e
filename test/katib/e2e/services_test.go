//go:build e2e

package e2e

import (
	"fmt"
	"net"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/katib-ts/katib-ts-suggestions/test/katib/e2e/cluster"
)

// Katib's ports: a suggestion service on 6789, an early-stopping service on 6788, both behind the Service
// named <experiment>-<suggestion algorithm>.
const (
	suggestionPort    = 6789
	earlyStoppingPort = 6788
)

var (
	addressMu   sync.Mutex
	nextAddress = 2
)

// serviceAddress hands each Experiment a loopback address of its own (127.0.0.2, 127.0.0.3, ...), so that
// several Experiments' services listen on Katib's fixed ports at once, as they would in separate pods.
func serviceAddress() string {
	addressMu.Lock()
	defer addressMu.Unlock()
	nextAddress++
	return fmt.Sprintf("127.0.0.%d", nextAddress-1)
}

// ourService is one of our services, run from dist/ as a process.
type ourService struct {
	*cluster.Process
	address string
}

// startService starts dist/services/<program>/main.js on address:port and waits until it accepts
// connections; the test's cleanup stops it.
func startService(t *testing.T, program, address string, port int, env ...string) *ourService {
	t.Helper()
	spec := cluster.ProcessSpec{
		Name:   fmt.Sprintf("%s-%s-%d", program, address, port),
		Binary: "node",
		Args:   []string{filepath.Join(repoRoot, "dist/services", program, "main.js")},
		Env: append([]string{
			"BIND_ADDRESS=" + address, "PORT=" + strconv.Itoa(port), "METRICS_PORT=0",
			"WORKER_THREADS=1", "LOG_LEVEL=info", "SHUTDOWN_GRACE_SECONDS=2",
		}, env...),
	}
	p, err := cluster.StartProcess(filepath.Join(katib.WorkDir, "logs"), spec)
	if err != nil {
		t.Fatal(err)
	}
	s := &ourService{Process: p, address: net.JoinHostPort(address, strconv.Itoa(port))}
	t.Cleanup(func() { p.Stop(10 * time.Second) })
	deadline := time.Now().Add(time.Minute)
	for {
		conn, err := net.DialTimeout("tcp", s.address, time.Second)
		if err == nil {
			conn.Close()
			return s
		}
		select {
		case <-p.Exited():
			t.Fatalf("%s exited: %v\n%s", spec.Name, p.ExitError(), p.Tail(3000))
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not listening on %s within a minute\n%s", spec.Name, s.address, p.Tail(3000))
		}
	}
}
