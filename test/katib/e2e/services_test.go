//go:build e2e

package e2e

import (
	"fmt"
	"strconv"
	"sync"
	"testing"

	"github.com/katib-ts/katib-ts-suggestions/test/katib/internal/services"
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

// startService starts our service services/<program> on host:port; the test's cleanup stops it.
func startService(t *testing.T, program, host string, port int, env map[string]string) *services.Process {
	t.Helper()
	all := map[string]string{"BIND_ADDRESS": host, "PORT": strconv.Itoa(port), "SHUTDOWN_GRACE_SECONDS": "2"}
	for name, value := range env {
		all[name] = value
	}
	return services.Start(t, program, all)
}
