package cluster

import (
	"fmt"
	"os"
	"sync"
)

// HostsFile is the /etc/hosts the Katib controller sees: the machine's, plus a line per suggestion Service
// the suite serves. It is rewritten in place (never replaced), because it is bind-mounted by inode.
type HostsFile struct {
	Path  string
	mu    sync.Mutex
	base  []byte
	names map[string]string
}

func newHostsFile(path string) (*HostsFile, error) {
	base, err := os.ReadFile("/etc/hosts")
	if err != nil {
		return nil, err
	}
	h := &HostsFile{Path: path, base: base, names: map[string]string{}}
	return h, h.write()
}

// Set makes name resolve to ip for the controller. Go's resolver notices the change within 5 seconds.
func (h *HostsFile) Set(name, ip string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.names[name] = ip
	return h.write()
}

func (h *HostsFile) write() error {
	text := append([]byte{}, h.base...)
	text = append(text, "\n# katib-ts e2e: suggestion Services, served on loopback addresses\n"...)
	for name, ip := range h.names {
		text = append(text, fmt.Sprintf("%s %s\n", ip, name)...)
	}
	f, err := os.OpenFile(h.Path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(text); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
