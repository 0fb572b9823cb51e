// Package services starts our suggestion and early-stopping services as processes, exactly as their images
// start them (`node dist/services/<name>/main.js`), and stops them when the test that started them ends.
package services

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/katib-ts/katib-ts-suggestions/test/katib/internal/repo"
)

// startTimeout bounds the wait for the "listening" line: a hang guard, not a performance check.
const startTimeout = 60 * time.Second

// stopTimeout is how long a stopped service may drain before it is killed.
const stopTimeout = 30 * time.Second

// Process is one running service.
type Process struct {
	Name string
	// Port is the gRPC port, learnt from the service's "listening" log line.
	Port int
	// Address is host:Port, where host is 127.0.0.1 or the BIND_ADDRESS given in env.
	Address string

	cmd    *exec.Cmd
	output *lockedBuffer
	exited chan struct{}
}

// Start runs the service named by its folder under services/ (random, grid, tpe, bayesianoptimization,
// medianstop) on free ports bound to 127.0.0.1 (env may set PORT and BIND_ADDRESS), waits until it reports
// listening, and registers its stop with t.Cleanup, so it ends with the test whether the test passed or not.
// env adds to the environment.
func Start(t testing.TB, service string, env map[string]string) *Process {
	t.Helper()
	entry, err := repo.ServiceEntryPoint(service)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("node", entry)
	cmd.Env = append(os.Environ(), "PORT=0", "METRICS_PORT=0", "BIND_ADDRESS=127.0.0.1", "LOG_LEVEL=info", "WORKER_THREADS=1")
	for name, value := range env {
		cmd.Env = append(cmd.Env, name+"="+value)
	}
	// Should the test binary itself die, the kernel ends the service too.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	output := &lockedBuffer{}
	cmd.Stderr = output
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", service, err)
	}
	process := &Process{Name: service, cmd: cmd, output: output, exited: make(chan struct{})}
	listening := make(chan int, 1)
	go process.readLogs(stdout, listening)
	go func() {
		_ = cmd.Wait()
		close(process.exited)
	}()
	t.Cleanup(process.Stop)
	host := "127.0.0.1"
	if bind, ok := env["BIND_ADDRESS"]; ok {
		host = bind
	}

	select {
	case port := <-listening:
		process.Port = port
		process.Address = fmt.Sprintf("%s:%d", host, port)
		return process
	case <-process.exited:
		t.Fatalf("%s exited before it was listening: %s; output:\n%s", service, cmd.ProcessState, output.String())
	case <-time.After(startTimeout):
		t.Fatalf("%s did not report listening within %s; output:\n%s", service, startTimeout, output.String())
	}
	return nil
}

// Logs is everything the service has printed so far (JSON log lines and anything on stderr).
func (p *Process) Logs() string { return p.output.String() }

// readLogs copies the service's JSON log lines into the output and reports the port of its "listening" line.
func (p *Process) readLogs(stdout io.Reader, listening chan<- int) {
	scanner := bufio.NewScanner(stdout)
	scanner.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	reported := false
	for scanner.Scan() {
		line := scanner.Text()
		p.output.WriteString(line + "\n")
		if reported {
			continue
		}
		var entry struct {
			Msg  string `json:"msg"`
			Port int    `json:"port"`
		}
		if json.Unmarshal([]byte(line), &entry) == nil && entry.Msg == "listening" && entry.Port > 0 {
			reported = true
			listening <- entry.Port
		}
	}
}

// Stop sends SIGTERM (the service drains and exits 0) and kills the process if it has not ended in time.
// The test's cleanup calls it; a test may call it earlier (a restart), after which it does nothing.
func (p *Process) Stop() {
	select {
	case <-p.exited:
		return
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(stopTimeout):
		_ = p.cmd.Process.Kill()
		<-p.exited
	}
}

// lockedBuffer collects output written from several goroutines.
type lockedBuffer struct {
	mu     sync.Mutex
	buffer bytes.Buffer
}

func (b *lockedBuffer) Write(data []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buffer.Write(data)
}

func (b *lockedBuffer) WriteString(text string) {
	_, _ = b.Write([]byte(text))
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return strings.Clone(b.buffer.String())
}
