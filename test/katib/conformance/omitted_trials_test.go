package conformance

import (
	"fmt"
	"testing"

	"github.com/katib-ts/katib-ts-suggestions/test/katib/internal/controller"
)

// Katib's ConvertTrials leaves MetricsUnavailable trials out of every request, while the Suggestion's requests
// count every assignment handed out. A walk through the space (grid's order, the GP's initial design) must not
// come back to the point such a trial had: on a 4 x 2 grid of 8 trials, one trial at a time, with the third
// trial MetricsUnavailable, all 8 points run.
func TestOmittedTrialsAreNotProposedAgain(t *testing.T) {
	for _, algorithm := range []string{"grid", "bayesianoptimization", "sobol", "cmaes"} {
		t.Run(algorithm, func(t *testing.T) {
			t.Parallel()
			run := startFor(t, fmt.Sprintf(`
apiVersion: kubeflow.org/v1beta1
kind: Experiment
metadata:
  name: omitted-%s
  namespace: conformance
spec:
  objective: {type: minimize, objectiveMetricName: loss}
  algorithm: {algorithmName: %s}
  parallelTrialCount: 1
  maxTrialCount: 8
  parameters:
    - name: batch
      parameterType: discrete
      feasibleSpace: {list: ["16", "32", "64", "128"]}
    - name: optimizer
      parameterType: categorical
      feasibleSpace: {list: [sgd, adam]}
`, algorithm, algorithm))
			if err := run.Validate(); err != nil {
				t.Fatal(err)
			}
			parameters := run.Experiment.Spec.Parameters
			for len(run.Trials) < 8 {
				created, err := run.Next(1)
				if err != nil {
					t.Fatalf("SyncAssignments with %d trials: %v", len(run.Trials), err)
				}
				for i, trial := range created {
					if len(run.Trials)-len(created)+i == 2 {
						controller.MetricsUnavailable(trial)
					} else {
						controller.Succeed(trial, map[string][]float64{"loss": {lossOf(t, parameters, trial)}})
					}
				}
			}
			seen := map[string]string{}
			for i := range run.Trials {
				point := pointOf(t, parameters, &run.Trials[i])
				if earlier, repeated := seen[point]; repeated {
					t.Errorf("trial %d (%s) repeats %s: %s", i, run.Trials[i].Name, earlier, point)
				}
				seen[point] = run.Trials[i].Name
			}
		})
	}
}
