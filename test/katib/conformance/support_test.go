package conformance

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"testing"

	experimentsv1beta1 "github.com/kubeflow/katib/pkg/apis/controller/experiments/v1beta1"
	trialsv1beta1 "github.com/kubeflow/katib/pkg/apis/controller/trials/v1beta1"

	"github.com/katib-ts/katib-ts-suggestions/test/katib/internal/controller"
	"github.com/katib-ts/katib-ts-suggestions/test/katib/internal/katibdns"
	"github.com/katib-ts/katib-ts-suggestions/test/katib/internal/services"
)

// serviceOf is the folder under services/ that serves a Katib algorithm name: services/catalogue.ts's
// suggestion algorithms, read in TestMain.
var serviceOf map[string]string

// ourAlgorithms are serviceOf's algorithm names, in a fixed order.
func ourAlgorithms() []string {
	names := make([]string, 0, len(serviceOf))
	for name := range serviceOf {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// startFor decodes and defaults the Experiment, starts the service for its algorithm, and points the name Katib
// dials for it at that process.
func startFor(t *testing.T, manifest string) *controller.Run {
	t.Helper()
	experiment, err := controller.DecodeExperiment([]byte(manifest))
	if err != nil {
		t.Fatalf("decoding the Experiment: %v", err)
	}
	service, ok := serviceOf[experiment.Spec.Algorithm.AlgorithmName]
	if !ok {
		t.Fatalf("no service of ours runs %q", experiment.Spec.Algorithm.AlgorithmName)
	}
	run := controller.Start(t, experiment)
	process := services.Start(t, service, nil)
	katibdns.Map(t, run.SuggestionEndpoint(), process.Address)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("%s's log:\n%s", service, process.Logs())
		}
	})
	return run
}

// checkInSpace fails unless every parameter has exactly one assignment and it lies in its feasible space, as
// the trial template will receive it.
func checkInSpace(t *testing.T, parameters []experimentsv1beta1.ParameterSpec, trial *trialsv1beta1.Trial) {
	t.Helper()
	if len(trial.Spec.ParameterAssignments) != len(parameters) {
		t.Errorf("trial %s: %d assignments for %d parameters: %v", trial.Name, len(trial.Spec.ParameterAssignments), len(parameters), trial.Spec.ParameterAssignments)
	}
	for _, parameter := range parameters {
		value, err := controller.Assignment(trial, parameter.Name)
		if err != nil {
			t.Error(err)
			continue
		}
		if err := inSpace(parameter, value); err != nil {
			t.Errorf("trial %s: %s = %q: %v", trial.Name, parameter.Name, value, err)
		}
	}
}

// valueSpace is the space each parameter's trial values must lie in: the declared one, except hyperband's
// resource parameter, whose values are the budgets hyperband gives it, from 1 up to r_l, whatever its declared
// range (as the stock service does: Katib's own example declares num-epochs in [1, 1] and runs it at 2).
func valueSpace(experiment *experimentsv1beta1.Experiment) []experimentsv1beta1.ParameterSpec {
	parameters := append([]experimentsv1beta1.ParameterSpec{}, experiment.Spec.Parameters...)
	if experiment.Spec.Algorithm.AlgorithmName != "hyperband" {
		return parameters
	}
	settings := map[string]string{}
	for _, setting := range experiment.Spec.Algorithm.AlgorithmSettings {
		settings[setting.Name] = setting.Value
	}
	for i := range parameters {
		if parameters[i].Name == settings["resource_name"] {
			parameters[i].FeasibleSpace = experimentsv1beta1.FeasibleSpace{Min: "1", Max: settings["r_l"]}
		}
	}
	return parameters
}

func inSpace(parameter experimentsv1beta1.ParameterSpec, value string) error {
	space := parameter.FeasibleSpace
	switch parameter.ParameterType {
	case experimentsv1beta1.ParameterTypeCategorical, experimentsv1beta1.ParameterTypeDiscrete:
		for _, choice := range space.List {
			if choice == value {
				return nil
			}
		}
		return fmt.Errorf("not one of %v", space.List)
	case experimentsv1beta1.ParameterTypeInt:
		number, err := strconv.ParseInt(value, 10, 64)
		if err != nil {
			return fmt.Errorf("not an integer: %v", err)
		}
		low, _ := strconv.ParseInt(space.Min, 10, 64)
		high, _ := strconv.ParseInt(space.Max, 10, 64)
		step := int64(1)
		if space.Step != "" {
			step, _ = strconv.ParseInt(space.Step, 10, 64)
		}
		if number < low || number > high || (number-low)%step != 0 {
			return fmt.Errorf("not in %d..%d by %d", low, high, step)
		}
		return nil
	case experimentsv1beta1.ParameterTypeDouble:
		number, err := strconv.ParseFloat(value, 64)
		if err != nil {
			return fmt.Errorf("not a number: %v", err)
		}
		low, _ := strconv.ParseFloat(space.Min, 64)
		high, _ := strconv.ParseFloat(space.Max, 64)
		if number < low || number > high {
			return fmt.Errorf("outside [%g, %g]", low, high)
		}
		if space.Step != "" {
			step, _ := strconv.ParseFloat(space.Step, 64)
			steps := (number - low) / step
			if math.Abs(steps-math.Round(steps)) > 1e-6 {
				return fmt.Errorf("not on the lattice %g + k * %g", low, step)
			}
		}
		return nil
	}
	return fmt.Errorf("unknown parameter type %q", parameter.ParameterType)
}

// pointOf is a Trial's assignments as one comparable value, in the order of the Experiment's parameters.
func pointOf(t *testing.T, parameters []experimentsv1beta1.ParameterSpec, trial *trialsv1beta1.Trial) string {
	t.Helper()
	point := ""
	for _, parameter := range parameters {
		value, err := controller.Assignment(trial, parameter.Name)
		if err != nil {
			t.Fatal(err)
		}
		if parameter.ParameterType == experimentsv1beta1.ParameterTypeDouble || parameter.ParameterType == experimentsv1beta1.ParameterTypeInt {
			number, _ := strconv.ParseFloat(value, 64)
			value = strconv.FormatFloat(number, 'g', 12, 64)
		}
		point += parameter.Name + "=" + value + " "
	}
	return point
}

// lossOf is a smooth, deterministic loss of a Trial's assignments: numbers count by value, list choices by
// their position in the list.
func lossOf(t *testing.T, parameters []experimentsv1beta1.ParameterSpec, trial *trialsv1beta1.Trial) float64 {
	t.Helper()
	loss := 0.0
	for i, parameter := range parameters {
		value, err := controller.Assignment(trial, parameter.Name)
		if err != nil {
			t.Fatal(err)
		}
		number, err := strconv.ParseFloat(value, 64)
		if parameter.ParameterType == experimentsv1beta1.ParameterTypeCategorical || err != nil {
			for position, choice := range parameter.FeasibleSpace.List {
				if choice == value {
					number = float64(position)
				}
			}
		}
		low, _ := strconv.ParseFloat(parameter.FeasibleSpace.Min, 64)
		high, _ := strconv.ParseFloat(parameter.FeasibleSpace.Max, 64)
		if high > low {
			number = (number - low) / (high - low)
		}
		loss += float64(i+1) * (number - 0.3) * (number - 0.3)
	}
	return loss
}
