// Package conformance runs our services under Katib's own Go code (v0.19.0): the controller's suggestion
// client, its config types and composer, its DB manager and its metrics-collector parsing. Where this suite and
// our own simulated controller disagree, this suite is right. Build the services first (`npm run build`);
// `npm run test:conformance` does both.
package conformance

import (
	"fmt"
	"os"
	"testing"

	"github.com/katib-ts/katib-ts-suggestions/test/katib/internal/catalogue"
	"github.com/katib-ts/katib-ts-suggestions/test/katib/internal/katibdns"
)

func TestMain(m *testing.M) {
	// Before any gRPC client exists: Katib's clients dial cluster names, which this resolver maps to 127.0.0.1.
	katibdns.Install()
	services, err := catalogue.SuggestionServices()
	if err != nil {
		fmt.Fprintf(os.Stderr, "conformance: %v\n", err)
		os.Exit(1)
	}
	serviceOf = services
	os.Exit(m.Run())
}
