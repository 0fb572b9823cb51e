// Package katibdns lets Katib's own gRPC clients reach services on 127.0.0.1 under the names Katib dials
// (`<suggestion>-<algorithm>.<namespace>:6789`, `:6788` for early stopping, the DB manager's address), without
// patching Katib or touching /etc/hosts: it replaces grpc-go's resolver for the `dns` scheme, the scheme
// grpc.NewClient gives a target without one, inside the test process only. A target it has been told about
// resolves to its local address; any other target goes to grpc-go's own DNS resolver.
package katibdns

import (
	"sync"
	"testing"

	"google.golang.org/grpc/resolver"
)

var (
	install sync.Once
	mu      sync.Mutex
	hosts   = map[string]string{}
)

// Install registers the resolver. grpc-go requires resolvers to be registered before any client is created
// and not concurrently with one, so call it from TestMain or an init function.
func Install() {
	install.Do(func() {
		resolver.Register(&builder{fallback: resolver.Get("dns")})
	})
}

// Map makes target (host:port, as Katib writes it) resolve to address (127.0.0.1:port) until the test ends.
func Map(t testing.TB, target, address string) {
	t.Helper()
	mu.Lock()
	defer mu.Unlock()
	if existing, taken := hosts[target]; taken {
		t.Fatalf("katibdns: %s already points at %s; give each test its own Experiment name", target, existing)
	}
	hosts[target] = address
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		delete(hosts, target)
	})
}

func lookup(target string) (string, bool) {
	mu.Lock()
	defer mu.Unlock()
	address, ok := hosts[target]
	return address, ok
}

type builder struct {
	fallback resolver.Builder
}

func (b *builder) Scheme() string { return "dns" }

func (b *builder) Build(target resolver.Target, cc resolver.ClientConn, opts resolver.BuildOptions) (resolver.Resolver, error) {
	address, ok := lookup(target.Endpoint())
	if !ok {
		return b.fallback.Build(target, cc, opts)
	}
	if err := cc.UpdateState(resolver.State{Addresses: []resolver.Address{{Addr: address}}}); err != nil {
		return nil, err
	}
	return fixed{}, nil
}

// fixed is the resolver of a mapped target: its one address never changes.
type fixed struct{}

func (fixed) ResolveNow(resolver.ResolveNowOptions) {}
func (fixed) Close()                                {}
