//go:build e2e

package e2e

import (
	"context"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"

	suggestionsv1beta1 "github.com/kubeflow/katib/pkg/apis/controller/suggestions/v1beta1"
	trialsv1beta1 "github.com/kubeflow/katib/pkg/apis/controller/trials/v1beta1"
)

// trainForEpochs is a learning curve: one line per epoch the Trial's budget allows, its loss falling with the
// epochs toward a floor set by lr and momentum (least at lr=0.03, momentum=0.7).
func trainForEpochs(trial *trialsv1beta1.Trial) Training {
	lr, _ := strconv.ParseFloat(assignment(trial, "lr"), 64)
	momentum, _ := strconv.ParseFloat(assignment(trial, "momentum"), 64)
	epochs, _ := strconv.Atoi(assignment(trial, "num-epochs"))
	floor := math.Pow((lr-0.03)/0.02, 2) + math.Pow((momentum-0.7)/0.2, 2)
	losses := make([]float64, max(epochs, 1))
	for i := range losses {
		losses[i] = floor + 1/float64(i+1)
	}
	return Training{Lines: epochLines(column{"loss", losses})}
}

// testHyperband runs Katib's hyperband example (testdata/hyperband.yaml: r_l 9, eta 3, three trials at a
// time) under Katib's controller: the position our replies write into the Suggestion's status comes back in
// every request, rungs promote the best of the rung below, and maxTrialCount set to the 22 trials of one run
// ends the Experiment, Succeeded, when the last bracket is done: Katib has no other way to end it.
func testHyperband(t *testing.T) {
	checkCluster(t)
	t.Parallel()
	exp := loadExperiment(t, "hyperband.yaml")
	service := serve(t, exp)
	createExperiment(t, exp, trainForEpochs)
	checkSuggestionDeployment(t, exp)
	final, trials := waitCompleted(t, exp.Name, service)
	if !final.IsSucceeded() || lastCondition(final).Reason != "ExperimentMaxTrialsReached" {
		t.Fatalf("Experiment %s: %+v, want Succeeded with ExperimentMaxTrialsReached\n%s", exp.Name, lastCondition(final), describe(final, trials, nil))
	}
	if len(trials) != 22 {
		t.Errorf("%d Trials, want 22", len(trials))
	}
	checkBestTrial(t, final, trials)

	// The plan, trial by trial: per budget, 9 at 1 epoch; 3 + 5 at 3; 1 + 1 + 3 at 9.
	budgets := map[string]int{}
	seen := map[string]string{}
	byConfiguration := map[string][]*trialsv1beta1.Trial{}
	for i := range trials {
		trial := &trials[i]
		budgets[assignment(trial, "num-epochs")]++
		key := assignment(trial, "lr") + "," + assignment(trial, "momentum") + "," + assignment(trial, "num-epochs")
		if other, dup := seen[key]; dup {
			t.Errorf("trials %s and %s have the same assignments %s", other, trial.Name, key)
		}
		seen[key] = trial.Name
		configuration := assignment(trial, "lr") + "," + assignment(trial, "momentum")
		byConfiguration[configuration] = append(byConfiguration[configuration], trial)
	}
	if budgets["1"] != 9 || budgets["3"] != 8 || budgets["9"] != 5 {
		t.Errorf("Trials per num-epochs %v, want 1: 9, 3: 8, 9: 5", budgets)
	}
	// A configuration trained again was among the best of its rung: with 9 first-rung trials at 1 epoch, the
	// three promoted to 3 epochs have the three lowest losses of the nine.
	var firstRung []float64
	for i := range trials {
		if assignment(&trials[i], "num-epochs") == "1" {
			v, _ := objectiveValue(t, &trials[i])
			firstRung = append(firstRung, v)
		}
	}
	for _, lineage := range byConfiguration {
		if len(lineage) < 2 {
			continue
		}
		for _, trial := range lineage {
			if assignment(trial, "num-epochs") != "1" {
				continue
			}
			v, _ := objectiveValue(t, trial)
			better := 0
			for _, other := range firstRung {
				if other < v {
					better++
				}
			}
			if better >= 3 {
				t.Errorf("trial %s (loss %v at 1 epoch) was trained again, but %d first-rung trials did better", trial.Name, v, better)
			}
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	suggestion := &suggestionsv1beta1.Suggestion{}
	if err := katib.Client.Get(ctx, client.ObjectKey{Namespace: namespace, Name: exp.Name}, suggestion); err != nil {
		t.Fatalf("get Suggestion %s: %v", exp.Name, err)
	}
	progress := ""
	for _, setting := range suggestion.Status.AlgorithmSettings {
		if setting.Name == "hyperband_progress" {
			progress = setting.Value
		}
	}
	if !strings.HasPrefix(progress, `{"brackets":[[9,`) {
		t.Errorf("the Suggestion's status carries hyperband_progress %q; want the record of the brackets", progress)
	}
	t.Logf("Succeeded (%s) after %d Trials; hyperband_progress %s", lastCondition(final).Reason, len(trials), progress)
}
