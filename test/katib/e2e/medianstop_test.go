//go:build e2e

package e2e

import (
	"context"
	"math"
	"slices"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	commonv1beta1 "github.com/kubeflow/katib/pkg/apis/controller/common/v1beta1"
	trialsv1beta1 "github.com/kubeflow/katib/pkg/apis/controller/trials/v1beta1"
	api_pb "github.com/kubeflow/katib/pkg/apis/manager/v1beta1"

	"github.com/katib-ts/katib-ts-suggestions/test/katib/internal/dbmanager"
	"github.com/katib-ts/katib-ts-suggestions/test/katib/internal/services"
)

// testMedianStop: trials created once two have succeeded carry the rule our medianstop service computed from
// the DB manager's logs; the first trial with a rule trains badly and is stopped by it through our
// SetTrialStatus; the Experiment goes on (that trial is in every later request) and succeeds.
func testMedianStop(t *testing.T) {
	checkCluster(t)
	t.Parallel()
	exp := loadExperiment(t, "medianstop.yaml")
	suggestion := serve(t, exp)
	stopper := serveEarlyStopping(t, exp, suggestion)
	var mu sync.Mutex
	badTrial := ""
	trainer := func(trial *trialsv1beta1.Trial) Training {
		loss := modelLoss(trial)
		mu.Lock()
		defer mu.Unlock()
		if len(trial.Spec.EarlyStoppingRules) > 0 && (badTrial == "" || badTrial == trial.Name) {
			badTrial = trial.Name
			median, _ := strconv.ParseFloat(trial.Spec.EarlyStoppingRules[0].Value, 64)
			loss = median + 5
		}
		return Training{Lines: epochLines(column{"loss", []float64{loss + 2, loss + 1, loss}})}
	}
	createExperiment(t, exp, trainer, stopper)
	checkSuggestionDeployment(t, exp)
	final, trials := waitCompleted(t, exp.Name, suggestion, stopper)
	if !final.IsSucceeded() {
		t.Fatalf("Experiment did not succeed\n%s", describe(final, trials, []*services.Process{suggestion, stopper}))
	}
	if len(trials) != int(*final.Spec.MaxTrialCount) {
		t.Errorf("%d Trials, want %d", len(trials), *final.Spec.MaxTrialCount)
	}
	checkAssignments(t, final, trials)

	mu.Lock()
	stopped := badTrial
	mu.Unlock()
	if stopped == "" {
		t.Fatalf("no Trial got an early-stopping rule\n%s", describe(final, trials, nil))
	}
	withRules, after := 0, 0
	for i := range trials {
		trial := &trials[i]
		if trial.Name == stopped {
			if !trial.IsEarlyStopped() {
				t.Errorf("trial %s broke its rule %v but is not EarlyStopped: %v", trial.Name, trial.Spec.EarlyStoppingRules, trial.Status.Conditions)
			}
			after = len(trials) - 1 - i
		} else if !trial.IsSucceeded() && !trial.IsEarlyStopped() {
			// Others may break the rule too, by their own loss: they are stopped the same way.
			t.Errorf("trial %s neither succeeded nor was stopped early: %v", trial.Name, trial.Status.Conditions)
		}
		if len(trial.Spec.EarlyStoppingRules) > 0 {
			withRules++
			checkMedianRule(t, trial, trials)
		}
	}
	if after == 0 {
		t.Errorf("no Trial was created after the early-stopped %s: it never came back in a request", stopped)
	}
	if withRules < 2 {
		t.Errorf("only %d Trials got early-stopping rules", withRules)
	}
}

// checkMedianRule: the Trial's rule is the median stopping rule of the README (services/medianstop): loss,
// greater, start step 2, and a value that is the median of the averages of the first two logged values of
// two or more Trials that had succeeded when this Trial was created, as read back from the DB manager.
func checkMedianRule(t *testing.T, trial *trialsv1beta1.Trial, trials []trialsv1beta1.Trial) {
	t.Helper()
	rules := trial.Spec.EarlyStoppingRules
	if len(rules) != 1 || rules[0].Name != "loss" || rules[0].Comparison != commonv1beta1.ComparisonTypeGreater || rules[0].StartStep != 2 {
		t.Errorf("trial %s: rules %+v, want one: loss greater than the median from start step 2", trial.Name, rules)
		return
	}
	value, err := strconv.ParseFloat(rules[0].Value, 64)
	if err != nil {
		t.Errorf("trial %s: rule value %q is not a number", trial.Name, rules[0].Value)
		return
	}
	var averages []float64
	for i := range trials {
		other := &trials[i]
		// Succeeded no later than this Trial's creation (timestamps are to the second).
		if !other.IsSucceeded() || other.Status.CompletionTime == nil ||
			other.Status.CompletionTime.After(trial.CreationTimestamp.Add(time.Second)) {
			continue
		}
		averages = append(averages, firstStepsAverage(t, other.Name, "loss", 2))
	}
	if !medianOfSomeSubset(averages, value) {
		t.Errorf("trial %s: rule value %v is not the median of the averages of 2 or more of %v", trial.Name, value, averages)
	}
}

// firstStepsAverage is the mean of the first n values of a Trial's metric in the DB manager, in time order.
func firstStepsAverage(t *testing.T, trial, metric string, n int) float64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), dbmanager.CallTimeout)
	defer cancel()
	reply, err := dbManager.Client.GetObservationLog(ctx, &api_pb.GetObservationLogRequest{TrialName: trial, MetricName: metric})
	if err != nil {
		t.Fatalf("GetObservationLog(%s): %v", trial, err)
	}
	entries := slices.Clone(reply.ObservationLog.MetricLogs)
	sort.SliceStable(entries, func(i, j int) bool { return entries[i].TimeStamp < entries[j].TimeStamp })
	sum := 0.0
	count := 0
	for _, e := range entries[:min(n, len(entries))] {
		v, err := strconv.ParseFloat(e.Metric.Value, 64)
		if err != nil {
			t.Fatalf("trial %s logged %q", trial, e.Metric.Value)
		}
		sum += v
		count++
	}
	return sum / float64(count)
}

// medianOfSomeSubset reports whether value is, to twelve significant digits, the median of some two or more
// of values (at most 2^9 subsets for this Experiment's ten Trials).
func medianOfSomeSubset(values []float64, value float64) bool {
	n := len(values)
	for mask := 1; mask < 1<<n; mask++ {
		var subset []float64
		for i := range n {
			if mask&(1<<i) != 0 {
				subset = append(subset, values[i])
			}
		}
		if len(subset) < 2 {
			continue
		}
		sort.Float64s(subset)
		m := len(subset)
		median := subset[m/2]
		if m%2 == 0 {
			median = (subset[m/2-1] + subset[m/2]) / 2
		}
		if math.Abs(median-value) <= 1e-11*math.Max(1, math.Abs(median)) {
			return true
		}
	}
	return false
}
