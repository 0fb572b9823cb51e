package cluster

import (
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"syscall"
	"time"
)

// startPostgreSQL initialises and starts a throwaway PostgreSQL cluster on 127.0.0.1 whose superuser is
// `katib` with trust authentication, and returns its port. PostgreSQL refuses to run as root, so as root it
// runs as the `postgres` user (or `nobody`).
func (c *Cluster) startPostgreSQL() (int, error) {
	bin, err := postgresBinDir()
	if err != nil {
		return 0, err
	}
	dataDir, socketDir := c.path("postgres", "data"), c.path("postgres", "socket")
	for _, dir := range []string{dataDir, socketDir} {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return 0, err
		}
	}
	credential, err := postgresUser()
	if err != nil {
		return 0, err
	}
	if credential != nil {
		// The work directory must be traversable by that user, and the cluster's directories its own.
		if err := os.Chmod(c.WorkDir, 0o755); err != nil {
			return 0, err
		}
		for _, dir := range []string{c.path("postgres"), dataDir, socketDir} {
			if err := os.Chown(dir, int(credential.Uid), int(credential.Gid)); err != nil {
				return 0, err
			}
		}
	}
	initdb := exec.Command(filepath.Join(bin, "initdb"), "-D", dataDir, "-U", "katib", "--auth=trust", "--no-sync", "-E", "UTF8")
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: credential}
	initdb.Dir = c.path("postgres")
	if out, err := runWithTimeout(initdb, 2*time.Minute); err != nil {
		return 0, fmt.Errorf("initdb: %w\n%s", err, out)
	}
	port, err := freePort()
	if err != nil {
		return 0, err
	}
	p, err := c.start(ProcessSpec{Name: "postgres", Binary: filepath.Join(bin, "postgres"), User: credential, Dir: c.path("postgres"), Args: []string{
		"-D", dataDir, "-h", "127.0.0.1", "-p", strconv.Itoa(port), "-k", socketDir,
		// A throwaway database: durability is not wanted, speed is.
		"-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
	}})
	if err != nil {
		return 0, err
	}
	return port, waitFor(p, time.Minute, "connections", tcpReady(fmt.Sprintf("127.0.0.1:%d", port)))
}

// postgresBinDir finds initdb and postgres: on PATH, else in Debian's /usr/lib/postgresql/<version>/bin.
func postgresBinDir() (string, error) {
	if path, err := exec.LookPath("initdb"); err == nil {
		if resolved, err := filepath.EvalSymlinks(path); err == nil {
			return filepath.Dir(resolved), nil
		}
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(matches) == 0 {
		return "", fmt.Errorf("PostgreSQL's initdb is neither on PATH nor in /usr/lib/postgresql/*/bin (apt-get install postgresql)")
	}
	sort.Strings(matches)
	return filepath.Dir(matches[len(matches)-1]), nil
}

func postgresUser() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
	}
	return nil, fmt.Errorf("running as root, and neither user postgres nor nobody exists to run PostgreSQL as")
}

func runWithTimeout(cmd *exec.Cmd, timeout time.Duration) ([]byte, error) {
	timer := time.AfterFunc(timeout, func() {
		if cmd.Process != nil {
			_ = cmd.Process.Kill()
		}
	})
	defer timer.Stop()
	return cmd.CombinedOutput()
}

// startDBManager starts Katib's DB manager on a fresh PostgreSQL and records its address.
func (c *Cluster) startDBManager() error {
	pgPort, err := c.startPostgreSQL()
	if err != nil {
		return err
	}
	port, err := freePort()
	if err != nil {
		return err
	}
	c.DBManagerAddress = fmt.Sprintf("127.0.0.1:%d", port)
	p, err := c.start(ProcessSpec{Name: "katib-db-manager", Binary: c.binary("katib-db-manager"),
		Args: []string{"--listen-address=" + c.DBManagerAddress, "--connect-timeout=60s"},
		Env: []string{
			// Trust authentication ignores the password, but the DB manager's connection string needs one:
			// an empty value would swallow the next keyword.
			"DB_NAME=postgres", "DB_USER=katib", "DB_PASSWORD=unused",
			"KATIB_POSTGRESQL_DB_HOST=127.0.0.1", fmt.Sprintf("KATIB_POSTGRESQL_DB_PORT=%d", pgPort),
			"KATIB_POSTGRESQL_DB_DATABASE=postgres",
		}})
	if err != nil {
		return err
	}
	return waitFor(p, time.Minute, "gRPC port", tcpReady(c.DBManagerAddress))
}
