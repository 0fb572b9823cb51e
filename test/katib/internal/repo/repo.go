// Package repo locates the repository this Go module lives in, so tests can reach the built services, deploy/
// and the Katib module's files wherever `go test` runs them from.
package repo

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
)

var (
	rootOnce sync.Once
	root     string
)

// Root is the repository's top directory: the nearest directory, from the one the test runs in upwards, that
// holds test/katib/go.mod. (`go test` runs each package's tests in the package's own directory.)
func Root() string {
	rootOnce.Do(func() {
		dir, err := os.Getwd()
		if err != nil {
			panic(fmt.Sprintf("repo: %v", err))
		}
		for {
			if _, err := os.Stat(filepath.Join(dir, "test", "katib", "go.mod")); err == nil {
				root = dir
				return
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				panic("repo: no directory above the working directory holds test/katib/go.mod")
			}
			dir = parent
		}
	})
	return root
}

// ServiceEntryPoint is the compiled entry point of a service, as its image runs it. It fails with the command
// that builds it when it is missing, rather than letting a process fail later with a less useful message.
func ServiceEntryPoint(service string) (string, error) {
	path := filepath.Join(Root(), "dist", "services", service, "main.js")
	if _, err := os.Stat(path); err != nil {
		return "", fmt.Errorf("%s is missing (%v): run `npm run build` in %s first", path, err, Root())
	}
	return path, nil
}

// KatibModuleDir is the directory of the Katib module this module requires, in the Go module cache: its
// examples, manifests and commands are read from there, at exactly the version go.mod pins.
func KatibModuleDir() (string, error) {
	cmd := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/kubeflow/katib")
	cmd.Dir = filepath.Join(Root(), "test", "katib")
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go list -m github.com/kubeflow/katib: %w", err)
	}
	dir := strings.TrimSpace(string(out))
	if dir == "" {
		return "", fmt.Errorf("go list -m github.com/kubeflow/katib printed no directory: run `go mod download` in test/katib")
	}
	return dir, nil
}
