package main

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	commonv1beta1 "github.com/kubeflow/katib/pkg/apis/controller/common/v1beta1"
	experimentsv1beta1 "github.com/kubeflow/katib/pkg/apis/controller/experiments/v1beta1"
	trialsv1beta1 "github.com/kubeflow/katib/pkg/apis/controller/trials/v1beta1"

	"github.com/katib-ts/katib-ts-suggestions/test/katib/internal/controller"
)

// readExample decodes one of Katib's example Experiments strictly and defaults it with Katib's own SetDefault,
// as Katib's admission webhook does before the controller ever sees it (the conformance suite's decoding).
func readExample(katibDir, relativePath string) (*experimentsv1beta1.Experiment, error) {
	text, err := os.ReadFile(filepath.Join(katibDir, relativePath))
	if err != nil {
		return nil, err
	}
	experiment, err := controller.DecodeExperiment(text)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", relativePath, err)
	}
	return experiment, nil
}

// trialState is where one of the five trials stands when the request is made.
type trialState int

const (
	succeeded trialState = iota
	running
	failed
	earlyStopped
)

// trialPlan describes one trial: its position in each parameter's range, its state and, when it has one, its
// objective metric as Katib's metrics collector records it (min, max and latest over the run).
type trialPlan struct {
	suffix   string
	fraction float64
	state    trialState
	metric   *commonv1beta1.Metric
}

// The five trials of every request: two succeeded, one running, one failed, one early stopped with an observation.
// Suffixes are in the alphabet Katib draws trial names from; fractions place each trial in the parameter ranges.
var trialPlans = []trialPlan{
	{suffix: "q7xk2m9c", fraction: 0.37, state: succeeded, metric: &commonv1beta1.Metric{Min: "0.5", Max: "0.9", Latest: "0.55"}},
	{suffix: "z4wbt8rn", fraction: 0.74, state: succeeded, metric: &commonv1beta1.Metric{Min: "0.25", Max: "0.6", Latest: "0.3"}},
	{suffix: "h6pdv2fs", fraction: 0.11, state: running},
	{suffix: "c9mlx5tj", fraction: 0.48, state: failed},
	{suffix: "w2rkn7gb", fraction: 0.85, state: earlyStopped, metric: &commonv1beta1.Metric{Min: "0.1", Max: "0.4", Latest: "0.1"}},
}

// The trials started a minute apart from this instant; the completed ones ran for an hour.
var firstStart = time.Date(2026, time.November, 20, 10, 0, 0, 0, time.UTC)

// exampleTrials builds the five Trials as Katib's experiment controller creates them for `experiment` (the
// experiment's objective, the assignment), with conditions set by Katib's own MarkTrialStatus helpers.
func exampleTrials(experiment *experimentsv1beta1.Experiment) ([]trialsv1beta1.Trial, error) {
	trials := make([]trialsv1beta1.Trial, 0, len(trialPlans))
	for index, plan := range trialPlans {
		trial := trialsv1beta1.Trial{}
		trial.Name = experiment.Name + "-" + plan.suffix
		trial.Namespace = experiment.Namespace
		trial.Spec.Objective = experiment.Spec.Objective
		for _, parameter := range experiment.Spec.Parameters {
			value, err := valueAt(parameter, plan.fraction)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", experiment.Name, err)
			}
			trial.Spec.ParameterAssignments = append(trial.Spec.ParameterAssignments, commonv1beta1.ParameterAssignment{Name: parameter.Name, Value: value})
		}
		start := metav1.NewTime(firstStart.Add(time.Duration(index) * time.Minute))
		trial.Status.StartTime = &start
		trial.MarkTrialStatusCreated("TrialCreated", "Trial is created")
		trial.MarkTrialStatusRunning("TrialRunning", "Trial is running")
		switch plan.state {
		case succeeded:
			trial.MarkTrialStatusSucceeded(corev1.ConditionTrue, "TrialSucceeded", "Trial has succeeded")
		case failed:
			trial.MarkTrialStatusFailed("TrialFailed", "Trial has failed")
		case earlyStopped:
			// Katib has no helper for this one: the early-stopping service appends the condition itself.
			trial.Status.Conditions = append(trial.Status.Conditions, trialsv1beta1.TrialCondition{
				Type:    trialsv1beta1.TrialEarlyStopped,
				Status:  corev1.ConditionTrue,
				Reason:  "TrialEarlyStopped",
				Message: "Trial is early stopped",
			})
		}
		if plan.state != running {
			completion := metav1.NewTime(start.Add(time.Hour))
			trial.Status.CompletionTime = &completion
		}
		if plan.metric != nil {
			metric := *plan.metric
			metric.Name = experiment.Spec.Objective.ObjectiveMetricName
			trial.Status.Observation = &commonv1beta1.Observation{Metrics: []commonv1beta1.Metric{metric}}
		}
		trials = append(trials, trial)
	}
	return trials, nil
}

// valueAt is the value a fraction of the way through a parameter's feasible space, written as a suggestion
// service writes it: a lattice point when the parameter has a step, an integer for INT, a list element otherwise.
func valueAt(parameter experimentsv1beta1.ParameterSpec, fraction float64) (string, error) {
	space := parameter.FeasibleSpace
	switch parameter.ParameterType {
	case experimentsv1beta1.ParameterTypeCategorical, experimentsv1beta1.ParameterTypeDiscrete:
		if len(space.List) == 0 {
			return "", fmt.Errorf("parameter %s has an empty list", parameter.Name)
		}
		return space.List[int(fraction*float64(len(space.List)))], nil
	}
	low, errLow := strconv.ParseFloat(space.Min, 64)
	high, errHigh := strconv.ParseFloat(space.Max, 64)
	if errLow != nil || errHigh != nil {
		return "", fmt.Errorf("parameter %s has min %q and max %q", parameter.Name, space.Min, space.Max)
	}
	if parameter.ParameterType == experimentsv1beta1.ParameterTypeInt {
		return strconv.FormatInt(int64(low+math.Round(fraction*(high-low))), 10), nil
	}
	if space.Step == "" {
		return strconv.FormatFloat(low+fraction*(high-low), 'f', -1, 64), nil
	}
	step, err := strconv.ParseFloat(space.Step, 64)
	if err != nil || step <= 0 {
		return "", fmt.Errorf("parameter %s has step %q", parameter.Name, space.Step)
	}
	point := low + math.Round(fraction*(high-low)/step)*step
	// Twelve significant digits drop the floating-point noise of the sum, as our grid writes lattice points.
	rounded, _ := strconv.ParseFloat(strconv.FormatFloat(point, 'g', 12, 64), 64)
	return strconv.FormatFloat(rounded, 'f', -1, 64), nil
}
