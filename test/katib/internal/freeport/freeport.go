// Package freeport picks TCP ports on 127.0.0.1 for servers that must be told their port before they start.
package freeport

import (
	"net"
	"testing"
)

// Pick returns a port nothing listens on right now. Another process could take it before the server binds it;
// on a test machine that is rare, and the server then fails to start with a clear error.
func Pick(t testing.TB) int {
	t.Helper()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("finding a free port: %v", err)
	}
	defer listener.Close()
	return listener.Addr().(*net.TCPAddr).Port
}
