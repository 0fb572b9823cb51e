// Package controller plays the parts of Katib's experiment, suggestion and trial controllers that talk to a
// suggestion service, with Katib's own code wherever Katib exports it: Experiments decoded into Katib's types
// and defaulted by SetDefault, the Suggestion created by Katib's experiment-side suggestion code, every call made
// by Katib's real suggestion client (so ConvertTrials shapes each request exactly as in a cluster), and trial
// conditions set with Katib's MarkTrialStatus* helpers. Kubernetes itself is a controller-runtime fake client.
package controller

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/yaml"

	configv1beta1 "github.com/kubeflow/katib/pkg/apis/config/v1beta1"
	commonv1beta1 "github.com/kubeflow/katib/pkg/apis/controller/common/v1beta1"
	experimentsv1beta1 "github.com/kubeflow/katib/pkg/apis/controller/experiments/v1beta1"
	suggestionsv1beta1 "github.com/kubeflow/katib/pkg/apis/controller/suggestions/v1beta1"
	trialsv1beta1 "github.com/kubeflow/katib/pkg/apis/controller/trials/v1beta1"
	experimentsuggestion "github.com/kubeflow/katib/pkg/controller.v1beta1/experiment/suggestion"
	"github.com/kubeflow/katib/pkg/controller.v1beta1/suggestion/suggestionclient"
	"github.com/kubeflow/katib/pkg/controller.v1beta1/util"
)

// Scheme holds Kubernetes' built-in types and Katib's.
func Scheme() *runtime.Scheme {
	scheme := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{
		clientgoscheme.AddToScheme,
		experimentsv1beta1.AddToScheme,
		suggestionsv1beta1.AddToScheme,
		trialsv1beta1.AddToScheme,
		configv1beta1.AddToScheme,
	} {
		if err := add(scheme); err != nil {
			panic(err)
		}
	}
	return scheme
}

// DecodeExperiment reads an Experiment manifest strictly (a field Katib's type lacks is an error, as the API
// server's schema would refuse it) and applies Katib's own defaults, as its mutating webhook does.
func DecodeExperiment(manifest []byte) (*experimentsv1beta1.Experiment, error) {
	experiment := &experimentsv1beta1.Experiment{}
	if err := yaml.UnmarshalStrict(bytes.TrimSpace(manifest), experiment); err != nil {
		return nil, err
	}
	if experiment.Namespace == "" {
		experiment.Namespace = "default"
	}
	experiment.SetDefault()
	return experiment, nil
}

// Run is one Experiment driven against a suggestion service.
type Run struct {
	t          testing.TB
	scheme     *runtime.Scheme
	kube       client.Client
	Experiment *experimentsv1beta1.Experiment
	Suggestion *suggestionsv1beta1.Suggestion
	// Trials in creation order, as Katib lists them for the suggestion client.
	Trials []trialsv1beta1.Trial
	client suggestionclient.SuggestionClient
}

// Start creates the Experiment's Suggestion with Katib's experiment-side code (the name, algorithm, early
// stopping and resume policy it copies from the Experiment), holding zero requests.
func Start(t testing.TB, experiment *experimentsv1beta1.Experiment) *Run {
	t.Helper()
	scheme := Scheme()
	experiment.UID = types.UID("uid-" + experiment.Name)
	kube := fake.NewClientBuilder().WithScheme(scheme).
		WithStatusSubresource(&suggestionsv1beta1.Suggestion{}).
		WithObjects(experiment.DeepCopy()).Build()
	suggestions := experimentsuggestion.New(scheme, kube)
	if _, err := suggestions.GetOrCreateSuggestion(experiment, 0); err != nil {
		t.Fatalf("creating the Suggestion: %v", err)
	}
	suggestion := &suggestionsv1beta1.Suggestion{}
	if err := kube.Get(context.Background(), client.ObjectKeyFromObject(experiment), suggestion); err != nil {
		t.Fatalf("reading the Suggestion back: %v", err)
	}
	return &Run{t: t, scheme: scheme, kube: kube, Experiment: experiment, Suggestion: suggestion, client: suggestionclient.New()}
}

// SuggestionEndpoint is the host:port Katib dials for GetSuggestions and ValidateAlgorithmSettings.
func (r *Run) SuggestionEndpoint() string { return util.GetAlgorithmEndpoint(r.Suggestion) }

// EarlyStoppingEndpoint is the host:port Katib dials for the early-stopping service.
func (r *Run) EarlyStoppingEndpoint() string { return util.GetEarlyStoppingEndpoint(r.Suggestion) }

// Validate makes the calls the suggestion controller makes before the first assignments:
// ValidateAlgorithmSettings, then ValidateEarlyStoppingSettings when the Experiment stops early; a refusal
// marks the Suggestion failed, as the controller does.
func (r *Run) Validate() error {
	if err := r.client.ValidateAlgorithmSettings(r.Suggestion, r.Experiment); err != nil {
		r.Suggestion.MarkSuggestionStatusFailed("SuggestionFailed", err.Error())
		return err
	}
	if r.Suggestion.Spec.EarlyStopping != nil {
		if err := r.client.ValidateEarlyStoppingSettings(r.Suggestion, r.Experiment); err != nil {
			r.Suggestion.MarkSuggestionStatusFailed("SuggestionFailed", err.Error())
			return err
		}
	}
	r.Suggestion.MarkSuggestionStatusRunning(corev1.ConditionTrue, "SuggestionRunning", "Suggestion is running")
	return nil
}

// Next asks for add more trials as the experiment controller does (requests = existing trials + add, minus
// early-stopped trials still waiting for their observation), lets the suggestion client sync the
// assignments, and creates a running Trial for every new assignment, returning the new Trials.
func (r *Run) Next(add int) ([]*trialsv1beta1.Trial, error) {
	waiting := 0
	for i := range r.Trials {
		if !r.Trials[i].IsObservationAvailable() && r.Trials[i].IsEarlyStopped() {
			waiting++
		}
	}
	r.Suggestion.Spec.Requests = int32(len(r.Trials) + add - waiting)
	before := len(r.Suggestion.Status.Suggestions)
	if err := r.client.SyncAssignments(r.Suggestion, r.Experiment, r.Trials); err != nil {
		return nil, err
	}
	first := len(r.Trials)
	for _, assignment := range r.Suggestion.Status.Suggestions[before:] {
		trial, err := r.trialFor(assignment)
		if err != nil {
			return nil, err
		}
		r.Trials = append(r.Trials, *trial)
	}
	created := make([]*trialsv1beta1.Trial, 0, len(r.Trials)-first)
	for i := first; i < len(r.Trials); i++ {
		created = append(created, &r.Trials[i])
	}
	return created, nil
}

// trialFor builds the Trial the experiment controller creates for an assignment (its labels, owner, objective,
// assignments and early-stopping rules; no job is run), then marks it created and running.
func (r *Run) trialFor(assignment suggestionsv1beta1.TrialAssignment) (*trialsv1beta1.Trial, error) {
	trial := &trialsv1beta1.Trial{}
	trial.Name = assignment.Name
	trial.Namespace = r.Experiment.Namespace
	trial.Labels = util.TrialLabels(r.Experiment)
	for key, value := range assignment.Labels {
		trial.Labels[key] = value
	}
	if err := controllerutil.SetControllerReference(r.Experiment, trial, r.scheme); err != nil {
		return nil, err
	}
	trial.Spec.Objective = r.Experiment.Spec.Objective
	trial.Spec.ParameterAssignments = assignment.ParameterAssignments
	if r.Experiment.Spec.EarlyStopping != nil {
		trial.Spec.EarlyStoppingRules = assignment.EarlyStoppingRules
	}
	if r.Experiment.Spec.MetricsCollectorSpec != nil {
		trial.Spec.MetricsCollector = *r.Experiment.Spec.MetricsCollectorSpec
	}
	now := metav1.Now()
	trial.CreationTimestamp = now
	trial.Status.StartTime = &now
	trial.MarkTrialStatusCreated("TrialCreated", "Trial is created")
	trial.MarkTrialStatusRunning("TrialRunning", "Trial is running")
	return trial, nil
}

// Observe sets the Trial's observation as Katib's trial controller derives it from the DB manager's log: for
// every metric its min, max and latest of the reported values.
func Observe(trial *trialsv1beta1.Trial, reported map[string][]float64) {
	observation := &commonv1beta1.Observation{}
	for name, values := range reported {
		if len(values) == 0 {
			continue
		}
		low, high := values[0], values[0]
		for _, value := range values {
			low, high = min(low, value), max(high, value)
		}
		observation.Metrics = append(observation.Metrics, commonv1beta1.Metric{
			Name:   name,
			Min:    format(low),
			Max:    format(high),
			Latest: format(values[len(values)-1]),
		})
	}
	trial.Status.Observation = observation
}

func format(value float64) string { return strconv.FormatFloat(value, 'f', -1, 64) }

func complete(trial *trialsv1beta1.Trial) {
	now := metav1.NewTime(time.Now())
	trial.Status.CompletionTime = &now
}

// Succeed finishes a Trial with its observation, as the trial controller does when the job succeeded.
func Succeed(trial *trialsv1beta1.Trial, reported map[string][]float64) {
	Observe(trial, reported)
	trial.MarkTrialStatusSucceeded(corev1.ConditionTrue, "TrialSucceeded", "Trial has succeeded")
	complete(trial)
}

// MetricsUnavailable finishes a Trial whose job succeeded without reporting its objective.
func MetricsUnavailable(trial *trialsv1beta1.Trial) {
	trial.MarkTrialStatusMetricsUnavailable("MetricsUnavailable", "Metrics are not available")
	complete(trial)
}

// Fail finishes a Trial whose job failed.
func Fail(trial *trialsv1beta1.Trial) {
	trial.MarkTrialStatusFailed("TrialFailed", "Trial has failed")
	complete(trial)
}

// Kill finishes a Trial whose job was killed.
func Kill(trial *trialsv1beta1.Trial) {
	trial.MarkTrialStatusKilled("TrialKilled", "Trial was killed")
	complete(trial)
}

// EarlyStop adds the EarlyStopped condition as an early-stopping service's SetTrialStatus writes it (Katib has
// no helper for it), with the observation reported before the stop, or none when reported is nil (the trial
// controller has not read it yet: Katib then leaves the trial out of requests).
func EarlyStop(trial *trialsv1beta1.Trial, reported map[string][]float64) {
	if reported != nil {
		Observe(trial, reported)
	}
	now := metav1.Now()
	trial.Status.Conditions = append(trial.Status.Conditions, trialsv1beta1.TrialCondition{
		Type:               trialsv1beta1.TrialEarlyStopped,
		Status:             corev1.ConditionTrue,
		Reason:             "TrialEarlyStopped",
		Message:            "Trial is early stopped",
		LastUpdateTime:     now,
		LastTransitionTime: now,
	})
	complete(trial)
}

// Assignment is a Trial's value for one parameter.
func Assignment(trial *trialsv1beta1.Trial, parameter string) (string, error) {
	for _, assignment := range trial.Spec.ParameterAssignments {
		if assignment.Name == parameter {
			return assignment.Value, nil
		}
	}
	return "", fmt.Errorf("trial %s has no assignment for %s: %v", trial.Name, parameter, trial.Spec.ParameterAssignments)
}
