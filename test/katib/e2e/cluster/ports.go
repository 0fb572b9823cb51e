package cluster

import (
	"fmt"
	"net"
	"time"
)

// freePort asks the kernel for a free port on 127.0.0.1. Another process could take it before ours binds it;
// on this loopback-only machine that race has not been seen, and a clash fails loudly at start-up.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func freePorts(n int) ([]int, error) {
	// Held open together so the kernel hands out n different ports.
	listeners := make([]net.Listener, 0, n)
	defer func() {
		for _, l := range listeners {
			l.Close()
		}
	}()
	ports := make([]int, 0, n)
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		listeners = append(listeners, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// tcpReady reports whether something accepts connections on address.
func tcpReady(address string) func() error {
	return func() error {
		conn, err := net.DialTimeout("tcp", address, time.Second)
		if err != nil {
			return fmt.Errorf("dial %s: %w", address, err)
		}
		return conn.Close()
	}
}
