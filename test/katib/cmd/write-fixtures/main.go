// Command write-fixtures writes the repository's cross-implementation wire fixtures: the requests Katib v0.19.0's
// controller sends for its own example Experiments, built by Katib's own code (its Experiment types and defaults,
// its Trial condition helpers, its suggestion client's conversions) and encoded with Katib's generated protobuf
// types. Every .bin has a .json twin in protobuf's JSON form with the proto field names. The output is a function
// of the Katib version alone, so CI regenerates it and fails on any difference from the committed files.
//
// Usage, from test/katib: go run ./cmd/write-fixtures <output directory>
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	suggestionapi "github.com/kubeflow/katib/pkg/apis/manager/v1beta1"
	katibmanagerv1beta1 "github.com/kubeflow/katib/pkg/common/v1beta1"
	"github.com/kubeflow/katib/pkg/controller.v1beta1/consts"
	"github.com/kubeflow/katib/pkg/controller.v1beta1/suggestion/suggestionclient"
)

// The examples each fixture comes from, by fixture name, in Katib's examples/v1beta1.
var suggestionExamples = []struct{ name, path string }{
	{"random", "hp-tuning/random.yaml"},
	{"grid", "hp-tuning/grid.yaml"},
	{"tpe", "hp-tuning/tpe.yaml"},
	{"multivariate-tpe", "hp-tuning/multivariate-tpe.yaml"},
	{"bayesian-optimization", "hp-tuning/bayesian-optimization.yaml"},
	{"hyperopt-distribution", "hp-tuning/hyperopt-distribution.yaml"},
	{"median-stop", "early-stopping/median-stop.yaml"},
}

const earlyStoppingExample = "median-stop"

// The controller asks for 8 assignments in all; the experiment's five trials leave 3 to be made by this call.
const (
	totalRequestNumber   = 8
	currentRequestNumber = 3
)

func main() {
	if len(os.Args) != 2 {
		fail(fmt.Errorf("usage: go run ./cmd/write-fixtures <output directory>"))
	}
	if err := writeFixtures(os.Args[1]); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "write-fixtures:", err)
	os.Exit(1)
}

func writeFixtures(outputDir string) error {
	// Katib reads the DB manager's address from these at start-up; the fixture must hold its default.
	for _, name := range []string{consts.DefaultKatibDBManagerServiceNamespaceEnvName, consts.DefaultKatibDBManagerServiceIPEnvName, consts.DefaultKatibDBManagerServicePortEnvName} {
		if _, set := os.LookupEnv(name); set {
			return fmt.Errorf("unset %s: the fixtures hold Katib's default DB manager address", name)
		}
	}
	katibDir, err := katibModuleDir()
	if err != nil {
		return err
	}
	messages := map[string]proto.Message{"reply.get-suggestions": everyReplyField()}
	client := &suggestionclient.General{}
	for _, example := range suggestionExamples {
		experiment, err := readExample(katibDir, filepath.Join("examples", "v1beta1", example.path))
		if err != nil {
			return err
		}
		trials, err := exampleTrials(experiment)
		if err != nil {
			return err
		}
		messages[example.name+".validate-algorithm-settings"] = &suggestionapi.ValidateAlgorithmSettingsRequest{
			Experiment: client.ConvertExperiment(experiment),
		}
		messages[example.name+".get-suggestions"] = &suggestionapi.GetSuggestionsRequest{
			Experiment:           client.ConvertExperiment(experiment),
			Trials:               client.ConvertTrials(trials),
			CurrentRequestNumber: currentRequestNumber,
			TotalRequestNumber:   totalRequestNumber,
		}
		if example.name == earlyStoppingExample {
			messages[example.name+".get-early-stopping-rules"] = &suggestionapi.GetEarlyStoppingRulesRequest{
				Experiment:       client.ConvertExperiment(experiment),
				Trials:           client.ConvertTrials(trials),
				DbManagerAddress: katibmanagerv1beta1.GetDBManagerAddr(),
			}
			messages[example.name+".validate-early-stopping-settings"] = &suggestionapi.ValidateEarlyStoppingSettingsRequest{
				EarlyStopping: client.ConvertExperiment(experiment).Spec.EarlyStopping,
			}
		}
	}
	if err := removeOldFixtures(outputDir); err != nil {
		return err
	}
	for name, message := range messages {
		if err := writeMessage(outputDir, name, message); err != nil {
			return err
		}
	}
	return nil
}

// katibModuleDir is where the Go toolchain keeps the Katib module this program is built against.
func katibModuleDir() (string, error) {
	output, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/kubeflow/katib").Output()
	if err != nil {
		return "", fmt.Errorf("locating the Katib module with go list: %w", err)
	}
	return strings.TrimSpace(string(output)), nil
}

// everyReplyField is a GetSuggestionsReply with every field set, for the direction our services encode.
func everyReplyField() *suggestionapi.GetSuggestionsReply {
	return &suggestionapi.GetSuggestionsReply{
		ParameterAssignments: []*suggestionapi.GetSuggestionsReply_ParameterAssignments{{
			Assignments: []*suggestionapi.ParameterAssignment{{Name: "lr", Value: "0.025"}},
			TrialName:   "random-bx7fdl2k",
			Labels:      map[string]string{"pbt.suggestion.katib.kubeflow.org/generation": "1"},
		}},
		Algorithm: &suggestionapi.AlgorithmSpec{
			AlgorithmName:     "random",
			AlgorithmSettings: []*suggestionapi.AlgorithmSetting{{Name: "random_state", Value: "1"}},
		},
		EarlyStoppingRules: []*suggestionapi.EarlyStoppingRule{{
			Name:       "loss",
			Value:      "0.3",
			Comparison: suggestionapi.ComparisonType_GREATER,
			StartStep:  4,
		}},
	}
}

// removeOldFixtures clears the generated files, so a fixture no longer produced does not linger.
func removeOldFixtures(outputDir string) error {
	if err := os.MkdirAll(outputDir, 0o755); err != nil {
		return err
	}
	for _, pattern := range []string{"*.bin", "*.json"} {
		files, err := filepath.Glob(filepath.Join(outputDir, pattern))
		if err != nil {
			return err
		}
		for _, file := range files {
			if err := os.Remove(file); err != nil {
				return err
			}
		}
	}
	return nil
}

// writeMessage writes name.bin (deterministic wire bytes) and name.json (proto field names, two-space indent).
func writeMessage(outputDir, name string, message proto.Message) error {
	wire, err := proto.MarshalOptions{Deterministic: true}.Marshal(message)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	text, err := protojson.MarshalOptions{UseProtoNames: true}.Marshal(message)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	// protojson varies its whitespace on purpose; compacting and indenting again makes the text reproducible.
	var compact, indented bytes.Buffer
	if err := json.Compact(&compact, text); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if err := json.Indent(&indented, compact.Bytes(), "", "  "); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	indented.WriteByte('\n')
	if err := os.WriteFile(filepath.Join(outputDir, name+".bin"), wire, 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(outputDir, name+".json"), indented.Bytes(), 0o644)
}
