package cluster

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"
)

// Process is one program the suite started, with its output in a log file.
type Process struct {
	Name    string
	LogPath string
	cmd     *exec.Cmd
	exited  chan struct{}
	err     error
}

// ProcessSpec says how to start a program: its binary, arguments and extra environment.
type ProcessSpec struct {
	Name   string
	Binary string
	Args   []string
	Env    []string
}

// StartProcess starts spec in its own process group, with stdout and stderr appended to <logDir>/<name>.log.
// The kernel kills it if the test binary dies first, so nothing outlives an interrupted run.
func StartProcess(logDir string, spec ProcessSpec) (*Process, error) {
	logPath := filepath.Join(logDir, spec.Name+".log")
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(spec.Binary, spec.Args...)
	cmd.Env = append(os.Environ(), spec.Env...)
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("start %s: %w", spec.Name, err)
	}
	p := &Process{Name: spec.Name, LogPath: logPath, cmd: cmd, exited: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		logFile.Close()
		close(p.exited)
	}()
	return p, nil
}

// Exited is closed once the process has ended.
func (p *Process) Exited() <-chan struct{} { return p.exited }

// Pid is the process id (and process group id).
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// ExitError describes how the process ended; call it only after Exited is closed.
func (p *Process) ExitError() error { return p.err }

// Stop sends SIGTERM to the process group, then SIGKILL if it has not ended within grace; it returns once the
// process has been reaped. Stopping an ended process does nothing.
func (p *Process) Stop(grace time.Duration) {
	select {
	case <-p.exited:
		return
	default:
	}
	_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(grace):
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		<-p.exited
	}
}

// Tail returns the last n bytes of the process log, for error messages.
func (p *Process) Tail(n int64) string {
	return tailFile(p.LogPath, n)
}

func tailFile(path string, n int64) string {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Sprintf("(cannot read %s: %v)", path, err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err.Error()
	}
	start := info.Size() - n
	if start < 0 {
		start = 0
	}
	buf := make([]byte, info.Size()-start)
	_, err = f.ReadAt(buf, start)
	if err != nil && !errors.Is(err, os.ErrClosed) && len(buf) == 0 {
		return err.Error()
	}
	return string(buf)
}

// waitFor polls ready every 100 ms until it returns nil, the process exits or timeout passes.
func waitFor(p *Process, timeout time.Duration, what string, ready func() error) error {
	deadline := time.Now().Add(timeout)
	for {
		err := ready()
		if err == nil {
			return nil
		}
		select {
		case <-p.exited:
			return fmt.Errorf("%s exited (%v) before %s; end of %s:\n%s", p.Name, p.err, what, p.LogPath, p.Tail(3000))
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s: no %s within %s (last: %v); end of %s:\n%s", p.Name, what, timeout, err, p.LogPath, p.Tail(3000))
		}
	}
}

// runWithTimeout runs cmd to its end, killing it after timeout, and returns its combined output.
func runWithTimeout(cmd *exec.Cmd, timeout time.Duration) ([]byte, error) {
	timer := time.AfterFunc(timeout, func() {
		if cmd.Process != nil {
			_ = cmd.Process.Kill()
		}
	})
	defer timer.Stop()
	return cmd.CombinedOutput()
}
