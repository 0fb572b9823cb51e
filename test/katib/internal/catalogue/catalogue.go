// Package catalogue reads services/catalogue.ts, the repository's one list of its services and the algorithms
// each serves, from its build in dist/ (`npm run build`), so the Go suites keep no list of their own.
package catalogue

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os/exec"
	"path/filepath"

	"github.com/katib-ts/katib-ts-suggestions/test/katib/internal/repo"
)

// Algorithm is a Katib algorithm name and the service (its folder under services/) that serves it.
type Algorithm struct {
	Algorithm string `json:"algorithm"`
	Service   string `json:"service"`
}

// Suggestions are the suggestion algorithms of the catalogue, in its order, each with its service.
func Suggestions() ([]Algorithm, error) {
	built := filepath.Join(repo.Root(), "dist", "services", "catalogue.js")
	module := (&url.URL{Scheme: "file", Path: built}).String()
	quoted, _ := json.Marshal(module)
	script := fmt.Sprintf("import { catalogueAlgorithms } from %s;\nprocess.stdout.write(JSON.stringify(catalogueAlgorithms('suggestion')));", quoted)
	out, err := exec.Command("node", "--input-type=module", "-e", script).Output()
	if err != nil {
		if exit, ok := err.(*exec.ExitError); ok {
			return nil, fmt.Errorf("reading %s (built by npm run build) with node: %v\n%s", built, err, exit.Stderr)
		}
		return nil, fmt.Errorf("reading %s with node: %v", built, err)
	}
	var algorithms []Algorithm
	if err := json.Unmarshal(out, &algorithms); err != nil {
		return nil, fmt.Errorf("the catalogue's suggestion algorithms: %v", err)
	}
	if len(algorithms) == 0 {
		return nil, fmt.Errorf("%s lists no suggestion algorithm", built)
	}
	return algorithms, nil
}

// SuggestionServices maps each suggestion algorithm of the catalogue to the service that serves it.
func SuggestionServices() (map[string]string, error) {
	algorithms, err := Suggestions()
	if err != nil {
		return nil, err
	}
	services := make(map[string]string, len(algorithms))
	for _, a := range algorithms {
		services[a.Algorithm] = a.Service
	}
	return services, nil
}
