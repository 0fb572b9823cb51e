//go:build e2e

package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"

	experimentsv1beta1 "github.com/kubeflow/katib/pkg/apis/controller/experiments/v1beta1"
	suggestionsv1beta1 "github.com/kubeflow/katib/pkg/apis/controller/suggestions/v1beta1"
	trialsv1beta1 "github.com/kubeflow/katib/pkg/apis/controller/trials/v1beta1"

	"github.com/katib-ts/katib-ts-suggestions/test/katib/internal/services"
)

// testValidationFailureReachesTheUser: a setting our service refuses in ValidateAlgorithmSettings fails the
// Experiment at once, and our message naming the setting is in the status Katib shows for it: Katib v0.19
// puts it on the Experiment's Suggestion (the Experiment itself says only "Suggestion has failed").
func testValidationFailureReachesTheUser(t *testing.T) {
	checkCluster(t)
	t.Parallel()
	exp := loadExperiment(t, "random.yaml")
	exp.Name = "e2e-invalid-setting"
	exp.Spec.Algorithm.AlgorithmSettings[0].Value = "ten"
	service := serve(t, exp)
	createExperiment(t, exp, trainModel)
	final, trials := waitCompleted(t, exp.Name, service)
	if !final.IsFailed() {
		t.Fatalf("Experiment with random_state=ten did not fail\n%s", describe(final, trials, nil))
	}
	if len(trials) != 0 {
		t.Errorf("%d Trials were created for an Experiment whose settings were refused", len(trials))
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	suggestion := &suggestionsv1beta1.Suggestion{}
	if err := katib.Client.Get(ctx, client.ObjectKey{Namespace: namespace, Name: exp.Name}, suggestion); err != nil {
		t.Fatalf("the Suggestion of %s: %v", exp.Name, err)
	}
	var messages []string
	for _, c := range suggestion.Status.Conditions {
		messages = append(messages, c.Message)
	}
	message := strings.Join(messages, "\n")
	if !suggestion.IsFailed() || !strings.Contains(message, "random_state") || !strings.Contains(message, `"ten"`) {
		t.Errorf("the Suggestion's status says %q; want it failed with our message naming random_state and its value", message)
	}
	t.Logf("the Experiment says %q; its Suggestion says %q", lastCondition(final).Message, message)
}

func lastCondition(exp *experimentsv1beta1.Experiment) experimentsv1beta1.ExperimentCondition {
	if n := len(exp.Status.Conditions); n > 0 {
		return exp.Status.Conditions[n-1]
	}
	return experimentsv1beta1.ExperimentCondition{}
}

// testServiceRestartChangesNothing: two TPE Experiments with the same random_state, one trial at a time; the
// second's service process is stopped and started again after its third trial. Both get the same trials in
// the same order: a reply depends on the request only.
func testServiceRestartChangesNothing(t *testing.T) {
	checkCluster(t)
	t.Parallel()
	sequences := map[string][]string{}
	for _, restart := range []bool{false, true} {
		exp := loadExperiment(t, "tpe.yaml")
		exp.Name = "e2e-restart-no"
		if restart {
			exp.Name = "e2e-restart-yes"
		}
		one := int32(1)
		six := int32(6)
		exp.Spec.ParallelTrialCount, exp.Spec.MaxTrialCount = &one, &six
		service := serve(t, exp)
		createExperiment(t, exp, trainModel)
		if restart {
			waitSucceededTrials(t, exp.Name, 3)
			host := service.Address[:strings.LastIndex(service.Address, ":")]
			service.Stop()
			service = startService(t, serviceOf[exp.Spec.Algorithm.AlgorithmName], host, suggestionPort, nil)
		}
		final, trials := waitCompleted(t, exp.Name, service)
		checkSucceeded(t, final, trials)
		sequences[exp.Name] = assignmentOrder(t, exp.Name)
	}
	a, b := sequences["e2e-restart-no"], sequences["e2e-restart-yes"]
	if strings.Join(a, "\n") != strings.Join(b, "\n") {
		t.Errorf("trials differ after a restart:\nwithout: %v\nwith:    %v", a, b)
	}
}

func waitSucceededTrials(t *testing.T, name string, n int) {
	t.Helper()
	deadline := time.Now().Add(experimentTimeout)
	for time.Now().Before(deadline) {
		_, trials := getExperiment(t, name)
		succeeded := 0
		for i := range trials {
			if trials[i].IsSucceeded() {
				succeeded++
			}
		}
		if succeeded >= n {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("Experiment %s: fewer than %d Trials succeeded within %s", name, n, experimentTimeout)
}

// assignmentOrder lists an Experiment's assignments in the order our service handed them out, as Katib's
// Suggestion records them (creation times of Trials are only to the second).
func assignmentOrder(t *testing.T, experiment string) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	suggestion := &suggestionsv1beta1.Suggestion{}
	if err := katib.Client.Get(ctx, client.ObjectKey{Namespace: namespace, Name: experiment}, suggestion); err != nil {
		t.Fatalf("the Suggestion of %s: %v", experiment, err)
	}
	var order []string
	for _, s := range suggestion.Status.Suggestions {
		parts := make([]string, 0, len(s.ParameterAssignments))
		for _, a := range s.ParameterAssignments {
			parts = append(parts, a.Name+"="+a.Value)
		}
		order = append(order, strings.Join(parts, ","))
	}
	return order
}

// testMetricsUnavailableTrialIsNotRepeated: on a 4 x 2 grid, one trial at a time, the trial at (16, sgd)
// completes without metrics; Katib omits it from later requests, and the Experiment still covers the grid.
func testMetricsUnavailableTrialIsNotRepeated(t *testing.T) {
	checkCluster(t)
	t.Parallel()
	exp := loadExperiment(t, "grid-metrics-unavailable.yaml")
	service := serve(t, exp)
	createExperiment(t, exp, func(trial *trialsv1beta1.Trial) Training {
		if assignment(trial, "batch_size") == "16" && assignment(trial, "optimizer") == "sgd" {
			// The training prints no metric: Katib's collector reports the objective "unavailable".
			return Training{Lines: []string{time.Now().UTC().Format(time.RFC3339) + " training ended without a metric"}}
		}
		return trainModel(trial)
	})
	final, trials := waitCompleted(t, exp.Name, service)
	if !final.IsSucceeded() {
		t.Errorf("Experiment did not succeed\n%s", describe(final, trials, []*services.Process{service}))
	}
	if len(trials) != 8 {
		t.Errorf("%d Trials, want the 8 points of the grid", len(trials))
	}
	checkAssignments(t, final, trials)
	unavailable := 0
	for i := range trials {
		if trials[i].IsMetricsUnavailable() {
			unavailable++
		}
	}
	if unavailable != 1 {
		t.Errorf("%d Trials ended MetricsUnavailable, want 1\n%s", unavailable, describe(final, trials, nil))
	}
}
