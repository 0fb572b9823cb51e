// Package deploy renders the repository's deploy/ kustomizations as an operator's `kubectl apply -k` would,
// and decodes what they produce into Katib's and Kubernetes' own types.
package deploy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	configv1beta1 "github.com/kubeflow/katib/pkg/apis/config/v1beta1"

	"github.com/katib-ts/katib-ts-suggestions/test/katib/internal/repo"
)

// kustomizeCommand is a standalone kustomize (on PATH or where `go install` puts it), else kubectl's embedded one.
func kustomizeCommand(dir string) (*exec.Cmd, error) {
	if path, err := exec.LookPath("kustomize"); err == nil {
		return exec.Command(path, "build", dir), nil
	}
	if gopath, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
		path := filepath.Join(strings.TrimSpace(string(gopath)), "bin", "kustomize")
		if _, err := os.Stat(path); err == nil {
			return exec.Command(path, "build", dir), nil
		}
	}
	if path, err := exec.LookPath("kubectl"); err == nil {
		return exec.Command(path, "kustomize", dir), nil
	}
	return nil, fmt.Errorf("neither kustomize nor kubectl is installed: `GOTOOLCHAIN=local go install sigs.k8s.io/kustomize/kustomize/v5@v5.8.0` installs kustomize")
}

// Render builds the kustomization in deploy/<name> and returns its output, a stream of YAML documents.
func Render(name string) ([]byte, error) {
	dir := filepath.Join(repo.Root(), "deploy", name)
	cmd, err := kustomizeCommand(dir)
	if err != nil {
		return nil, err
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%s: %v: %s", strings.Join(cmd.Args, " "), err, stderr.String())
	}
	return out, nil
}

// Documents splits a YAML stream into its documents.
func Documents(stream []byte) [][]byte {
	var documents [][]byte
	for _, part := range bytes.Split(append([]byte("\n"), stream...), []byte("\n---")) {
		if len(bytes.TrimSpace(part)) > 0 {
			documents = append(documents, part)
		}
	}
	return documents
}

// KatibConfigMap renders deploy/katib-config and decodes its one object, the katib-config ConfigMap, strictly.
func KatibConfigMap() (*corev1.ConfigMap, error) {
	rendered, err := Render("katib-config")
	if err != nil {
		return nil, err
	}
	documents := Documents(rendered)
	if len(documents) != 1 {
		return nil, fmt.Errorf("deploy/katib-config renders %d objects, want only the ConfigMap:\n%s", len(documents), rendered)
	}
	configMap := &corev1.ConfigMap{}
	if err := yaml.UnmarshalStrict(documents[0], configMap); err != nil {
		return nil, fmt.Errorf("deploy/katib-config's output is not a ConfigMap: %w", err)
	}
	return configMap, nil
}

// KatibConfigKey is the ConfigMap key Katib reads its configuration from.
const KatibConfigKey = "katib-config.yaml"

// DecodeKatibConfig decodes a KatibConfig document into Katib's own type strictly: a field Katib's type does
// not have, which Katib would silently drop, is an error.
func DecodeKatibConfig(text []byte) (*configv1beta1.KatibConfig, error) {
	config := &configv1beta1.KatibConfig{}
	if err := yaml.UnmarshalStrict(text, config); err != nil {
		if entries := entriesKatibDrops(text); len(entries) > 0 {
			return nil, fmt.Errorf("%w (%s)", err, strings.Join(entries, "; "))
		}
		return nil, err
	}
	return config, nil
}

// entriesKatibDrops names the entries of runtime's lists that hold a field Katib's type for them lacks: the
// strict decoder's own message names the field, not where it is.
func entriesKatibDrops(text []byte) []string {
	var generic struct {
		Runtime map[string][]json.RawMessage `json:"runtime"`
	}
	if yaml.Unmarshal(text, &generic) != nil {
		return nil
	}
	types := map[string]func() any{
		"suggestions":       func() any { return &configv1beta1.SuggestionConfig{} },
		"earlyStoppings":    func() any { return &configv1beta1.EarlyStoppingConfig{} },
		"metricsCollectors": func() any { return &configv1beta1.MetricsCollectorConfig{} },
	}
	var found []string
	for _, list := range []string{"suggestions", "earlyStoppings", "metricsCollectors"} {
		for index, raw := range generic.Runtime[list] {
			decoder := json.NewDecoder(bytes.NewReader(raw))
			decoder.DisallowUnknownFields()
			if err := decoder.Decode(types[list]()); err != nil {
				found = append(found, fmt.Sprintf("runtime.%s[%d]: %v", list, index, err))
			}
		}
	}
	return found
}
