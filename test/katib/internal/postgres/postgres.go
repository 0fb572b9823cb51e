// Package postgres runs a throwaway PostgreSQL server for Katib's DB manager: a new cluster in a temporary
// directory, listening on 127.0.0.1 only, stopped and deleted when the test ends. It uses Debian's `postgresql`
// package (`apt-get install -y postgresql`); PostgreSQL refuses to run as root, so under root it runs as the
// package's `postgres` user.
package postgres

import (
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/katib-ts/katib-ts-suggestions/test/katib/internal/freeport"
)

// readyTimeout bounds the wait for the server to accept connections: a hang guard.
const readyTimeout = 60 * time.Second

// Server is a running PostgreSQL with a database and a user for Katib.
type Server struct {
	Host     string
	Port     int
	User     string
	Database string
}

// binDir is where Debian puts initdb, postgres and friends: /usr/lib/postgresql/<major>/bin, newest first.
func binDir() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool {
		major := func(dir string) int {
			n, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
			return n
		}
		return major(dirs[i]) > major(dirs[j])
	})
	for _, dir := range dirs {
		if _, err := os.Stat(filepath.Join(dir, "initdb")); err == nil {
			return dir, nil
		}
	}
	return "", fmt.Errorf("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): `apt-get install -y postgresql` (.ci/run does it)")
}

// Start initialises a cluster and runs its server until the test ends. The database `katib` belongs to the
// user `katib`; connections from 127.0.0.1 are trusted, so any password is accepted.
func Start(t testing.TB) *Server {
	t.Helper()
	bin, err := binDir()
	if err != nil {
		t.Fatal(err)
	}
	credential, err := serverCredential()
	if err != nil {
		t.Fatal(err)
	}
	// Not t.TempDir: the server's user must be able to reach it, and t.TempDir's parents are private to root.
	dir, err := os.MkdirTemp("", "katib-postgres-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if credential != nil {
		if err := os.Chown(dir, int(credential.Uid), int(credential.Gid)); err != nil {
			t.Fatal(err)
		}
	}
	data := filepath.Join(dir, "data")
	server := &Server{Host: "127.0.0.1", Port: freeport.Pick(t), User: "katib", Database: "katib"}

	run := func(name string, args ...string) {
		t.Helper()
		cmd := exec.Command(filepath.Join(bin, name), args...)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: credential}
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s %v: %v\n%s", name, args, err, out)
		}
	}
	run("initdb", "--pgdata", data, "--username", server.User, "--auth", "trust", "--encoding", "UTF8", "--no-sync")

	// The postmaster runs in the foreground as this process's child, so the kernel ends it with the test binary
	// even if the binary dies before its cleanup runs.
	postmaster := exec.Command(filepath.Join(bin, "postgres"), "-D", data,
		"-c", "listen_addresses=127.0.0.1", "-c", "port="+strconv.Itoa(server.Port),
		"-c", "unix_socket_directories="+dir, "-c", "fsync=off", "-c", "full_page_writes=off")
	postmaster.SysProcAttr = &syscall.SysProcAttr{Credential: credential, Pdeathsig: syscall.SIGKILL}
	logFile, err := os.Create(filepath.Join(dir, "server.log"))
	if err != nil {
		t.Fatal(err)
	}
	postmaster.Stdout, postmaster.Stderr = logFile, logFile
	if err := postmaster.Start(); err != nil {
		t.Fatalf("starting postgres: %v", err)
	}
	exited := make(chan struct{})
	go func() {
		_ = postmaster.Wait()
		_ = logFile.Close()
		close(exited)
	}()
	t.Cleanup(func() {
		// SIGINT is PostgreSQL's fast shutdown: sessions are ended, nothing is kept.
		_ = postmaster.Process.Signal(syscall.SIGINT)
		select {
		case <-exited:
		case <-time.After(30 * time.Second):
			_ = postmaster.Process.Kill()
			<-exited
		}
	})

	deadline := time.Now().Add(readyTimeout)
	for {
		ready := exec.Command(filepath.Join(bin, "pg_isready"), "-h", server.Host, "-p", strconv.Itoa(server.Port), "-U", server.User, "-d", "postgres")
		if ready.Run() == nil {
			break
		}
		select {
		case <-exited:
			log, _ := os.ReadFile(filepath.Join(dir, "server.log"))
			t.Fatalf("postgres exited before accepting connections:\n%s", log)
		default:
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "server.log"))
			t.Fatalf("postgres did not accept connections within %s:\n%s", readyTimeout, log)
		}
		time.Sleep(100 * time.Millisecond)
	}
	run("createdb", "-h", server.Host, "-p", strconv.Itoa(server.Port), "-U", server.User, server.Database)
	return server
}

// serverCredential is the user PostgreSQL runs as: `postgres` when this process is root, else this process's own.
func serverCredential() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	account, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root, and PostgreSQL refuses root: no `postgres` user to run it as (%v)", err)
	}
	uid, _ := strconv.Atoi(account.Uid)
	gid, _ := strconv.Atoi(account.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}
