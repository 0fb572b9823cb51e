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
	accuracy := make([]float64, len(epochs))
	for i, l := range epochs {
		accuracy[i] = 1 / (1 + l)
	}
	return Training{Lines: epochLines(column{"loss", epochs}, column{"accuracy", accuracy})}
}

// testAlgorithm runs an Experiment with a suggestion algorithm we serve, from testdata/<algorithm>.yaml
// (every parameter type; minimize or maximize; three trials at a time), and checks the suggestion
// Deployment Katib makes for it from our katib-config.
func testAlgorithm(t *testing.T, algorithm string) {
	checkCluster(t)
	t.Parallel()
	exp := loadExperiment(t, algorithm+".yaml")
	if exp.Spec.Algorithm.AlgorithmName != algorithm {
		t.Fatalf("testdata/%s.yaml uses algorithm %s", algorithm, exp.Spec.Algorithm.AlgorithmName)
	}
	service := serve(t, exp)
	createExperiment(t, exp, trainModel)
	checkSuggestionDeployment(t, exp)
	final, trials := waitCompleted(t, exp.Name, service)
	checkSucceeded(t, final, trials)
}
