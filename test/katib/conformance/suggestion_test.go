package conformance

import (
	"fmt"
	"strings"
	"testing"

	trialsv1beta1 "github.com/kubeflow/katib/pkg/apis/controller/trials/v1beta1"

	"github.com/katib-ts/katib-ts-suggestions/test/katib/internal/controller"
)

// mixedSpace has every parameter type; the double has a step so grid can walk it too.
const mixedSpace = `
  parameters:
    - name: lr
      parameterType: double
      feasibleSpace: {min: "0.01", max: "0.1", step: "0.01"}
    - name: layers
      parameterType: int
      feasibleSpace: {min: "1", max: "5"}
    - name: optimizer
      parameterType: categorical
      feasibleSpace: {list: [sgd, adam, ftrl]}
    - name: batch
      parameterType: discrete
      feasibleSpace: {list: ["16", "32", "64"]}
`

func experimentManifest(name, algorithm, settings string) string {
	return fmt.Sprintf(`
apiVersion: kubeflow.org/v1beta1
kind: Experiment
metadata:
  name: %s
  namespace: conformance
spec:
  objective:
    type: minimize
    objectiveMetricName: loss
    additionalMetricNames: [accuracy]
  algorithm:
    algorithmName: %s
    algorithmSettings: %s
  parallelTrialCount: 3
  maxTrialCount: 12
  maxFailedTrialCount: 6
%s`, name, algorithm, settings, mixedSpace)
}

// settingsOf are settings each algorithm accepts, written as users write them.
var settingsOf = map[string]string{
	"random":               `[{name: random_state, value: "7"}]`,
	"grid":                 `[]`,
	"tpe":                  `[{name: n_startup_trials, value: "4"}, {name: random_state, value: "7"}]`,
	"multivariate-tpe":     `[{name: n_startup_trials, value: "4"}, {name: random_state, value: "7"}]`,
	"bayesianoptimization": `[{name: n_initial_points, value: "4"}, {name: acq_func, value: gp_hedge}, {name: random_state, value: "7"}]`,
	"sobol":                `[{name: random_state, value: "7"}]`,
	"cmaes":                `[{name: sigma, value: "0.2"}, {name: restart_strategy, value: ipop}, {name: random_state, value: "7"}]`,
	"hyperband":            `[{name: resource_name, value: layers}, {name: r_l, value: "5"}, {name: eta, value: "2"}, {name: random_state, value: "7"}]`,
}

// outcome finishes the i-th trial of a run: most succeed; the others end in each way Katib can end a trial.
// Early-stopped trial 8 has no observation until the round after it stopped, like a trial whose metrics the
// trial controller has not read yet; Katib leaves it (and the MetricsUnavailable one) out of requests.
func outcome(t *testing.T, run *controller.Run, index int, trial *trialsv1beta1.Trial) {
	loss := lossOf(t, run.Experiment.Spec.Parameters, trial)
	metrics := map[string][]float64{"loss": {loss + 0.5, loss + 0.1, loss}, "accuracy": {0.5, 1 - loss/10}}
	switch index {
	case 3:
		controller.MetricsUnavailable(trial)
	case 4:
		controller.Fail(trial)
	case 6:
		controller.Kill(trial)
	case 7:
		controller.EarlyStop(trial, map[string][]float64{"loss": {loss + 0.5}, "accuracy": {0.5}})
	case 8:
		controller.EarlyStop(trial, nil)
	default:
		controller.Succeed(trial, metrics)
	}
}

// Every algorithm, through Katib's suggestion client, over a run with every kind of trial ending: settings
// validated, twelve trials assigned in rounds of parallelTrialCount, each inside the space, none repeating a
// trial Katib showed the service.
func TestSuggestionClientDrivesEveryAlgorithm(t *testing.T) {
	for _, algorithm := range ourAlgorithms() {
		t.Run(algorithm, func(t *testing.T) {
			t.Parallel()
			settings, ok := settingsOf[algorithm]
			if !ok {
				t.Fatalf("settingsOf has no settings for %s", algorithm)
			}
			run := startFor(t, experimentManifest("mixed-"+algorithm, algorithm, settings))
			if err := run.Validate(); err != nil {
				t.Fatalf("ValidateAlgorithmSettings: %v", err)
			}
			parameters := valueSpace(run.Experiment)
			maxTrials := int(*run.Experiment.Spec.MaxTrialCount)
			parallel := int(*run.Experiment.Spec.ParallelTrialCount)
			pendingObservation := map[*trialsv1beta1.Trial]bool{}
			for round := 0; len(run.Trials) < maxTrials; round++ {
				if round > maxTrials {
					t.Fatalf("no progress after %d rounds: %d trials", round, len(run.Trials))
				}
				first := len(run.Trials)
				created, err := run.Next(min(parallel, maxTrials-len(run.Trials)))
				if err != nil {
					t.Fatalf("round %d, SyncAssignments with %d trials: %v", round, first, err)
				}
				// The trial controller catches up with the early-stopped trial's metrics one round later.
				for trial := range pendingObservation {
					controller.Observe(trial, map[string][]float64{"loss": {9}, "accuracy": {0.1}})
					delete(pendingObservation, trial)
				}
				for i, trial := range created {
					checkInSpace(t, parameters, trial)
					outcome(t, run, first+i, trial)
					if first+i == 8 {
						pendingObservation[trial] = true
					}
				}
			}
			if len(run.Trials) != maxTrials {
				t.Fatalf("%d trials, want %d", len(run.Trials), maxTrials)
			}
			if got := int(run.Suggestion.Status.SuggestionCount); got != maxTrials {
				t.Errorf("Suggestion status counts %d assignments, want %d", got, maxTrials)
			}
			// Katib showed the service every trial except the MetricsUnavailable one (index 3) and, while it had
			// no observation, the early-stopped index 8: those two may be proposed again, no other may.
			seen := map[string]string{}
			for i := range run.Trials {
				if i == 3 || i == 8 {
					continue
				}
				point := pointOf(t, parameters, &run.Trials[i])
				if earlier, repeated := seen[point]; repeated {
					t.Errorf("trial %s repeats %s: %s", run.Trials[i].Name, earlier, point)
				}
				seen[point] = run.Trials[i].Name
			}
		})
	}
}

// A setting no algorithm knows fails ValidateAlgorithmSettings through Katib's client, which is final for the
// Experiment: the message Katib shows the user must name the setting.
func TestValidateAlgorithmSettingsRefusesUnknownSettings(t *testing.T) {
	for _, algorithm := range ourAlgorithms() {
		t.Run(algorithm, func(t *testing.T) {
			t.Parallel()
			run := startFor(t, experimentManifest("refused-"+algorithm, algorithm, `[{name: no_such_setting, value: "1"}]`))
			err := run.Validate()
			if err == nil {
				t.Fatal("ValidateAlgorithmSettings accepted no_such_setting")
			}
			if !strings.HasPrefix(err.Error(), "ValidateAlgorithmSettings Error: ") || !strings.Contains(err.Error(), "no_such_setting") {
				t.Errorf("Katib would show the user %q: it should be a validation error naming no_such_setting", err)
			}
			if !run.Suggestion.IsFailed() {
				t.Error("the Suggestion is not marked failed")
			}
		})
	}
}
