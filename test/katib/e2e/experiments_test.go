//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"math"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	commonv1beta1 "github.com/kubeflow/katib/pkg/apis/controller/common/v1beta1"
	experimentsv1beta1 "github.com/kubeflow/katib/pkg/apis/controller/experiments/v1beta1"
	trialsv1beta1 "github.com/kubeflow/katib/pkg/apis/controller/trials/v1beta1"
	"github.com/kubeflow/katib/pkg/controller.v1beta1/consts"

	"github.com/katib-ts/katib-ts-suggestions/test/katib/internal/repo"
	"github.com/katib-ts/katib-ts-suggestions/test/katib/internal/services"
)

// experimentTimeout bounds one Experiment; at about a second per trial it is far more than needed.
const experimentTimeout = 8 * time.Minute

// loadExperiment reads testdata/<file>, an Experiment manifest like those of deploy/examples.
func loadExperiment(t *testing.T, file string) *experimentsv1beta1.Experiment {
	t.Helper()
	manifest, err := os.ReadFile(filepath.Join(repo.Root(), "test/katib/e2e/testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	exp := &experimentsv1beta1.Experiment{}
	if err := yaml.UnmarshalStrict(manifest, exp); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	exp.Namespace = namespace
	return exp
}

// serve starts our suggestion service for exp on a loopback address of its own and points the Service name
// the controller will dial at it.
func serve(t *testing.T, exp *experimentsv1beta1.Experiment) *services.Process {
	t.Helper()
	host := serviceAddress()
	service := exp.Name + "-" + exp.Spec.Algorithm.AlgorithmName
	if err := katib.Hosts().Set(service+"."+namespace, host); err != nil {
		t.Fatal(err)
	}
	return startService(t, serviceOf[exp.Spec.Algorithm.AlgorithmName], host, suggestionPort, nil)
}

// serveEarlyStopping starts our early-stopping service beside suggestion (same address, Katib's port 6788),
// allowed to mark the suite's Trials early stopped.
func serveEarlyStopping(t *testing.T, exp *experimentsv1beta1.Experiment, suggestion *services.Process) *services.Process {
	t.Helper()
	host, _, _ := net.SplitHostPort(suggestion.Address)
	return startService(t, exp.Spec.EarlyStopping.AlgorithmName, host, earlyStoppingPort,
		map[string]string{"KUBECONFIG": katib.Kubeconfig, "NAMESPACE": namespace})
}

// createExperiment submits exp with trainer deciding how its Trials train; the test's cleanup deletes it
// (the garbage collector removes its Trials, Suggestion, Deployment and Jobs).
func createExperiment(t *testing.T, exp *experimentsv1beta1.Experiment, trainer Trainer, earlyStopping ...*services.Process) {
	t.Helper()
	address := ""
	if len(earlyStopping) > 0 {
		address = earlyStopping[0].Address
	}
	standIn.Train(exp.Name, trainer, address)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := katib.Client.Create(ctx, exp); err != nil {
		t.Fatalf("create Experiment %s: %v", exp.Name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		_ = katib.Client.Delete(ctx, exp, client.PropagationPolicy(metav1.DeletePropagationBackground))
	})
}

// waitCompleted polls exp until Katib marks it completed (or the timeout passes) and returns it with its
// Trials; failing, it shows the Experiment's and Trials' conditions and the end of the controller's log.
func waitCompleted(t *testing.T, name string, processes ...*services.Process) (*experimentsv1beta1.Experiment, []trialsv1beta1.Trial) {
	t.Helper()
	deadline := time.Now().Add(experimentTimeout)
	for {
		exp, trials := getExperiment(t, name)
		if exp.IsCompleted() {
			standIn.Errors(t)
			return exp, trials
		}
		if err := katib.Failed(); err != nil {
			t.Fatalf("Experiment %s: the cluster went down: %v", name, err)
		}
		if time.Now().After(deadline) {
			t.Fatalf("Experiment %s not completed within %s\n%s", name, experimentTimeout, describe(exp, trials, processes))
		}
		time.Sleep(500 * time.Millisecond)
	}
}

func getExperiment(t *testing.T, name string) (*experimentsv1beta1.Experiment, []trialsv1beta1.Trial) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	exp := &experimentsv1beta1.Experiment{}
	if err := katib.Client.Get(ctx, client.ObjectKey{Namespace: namespace, Name: name}, exp); err != nil {
		t.Fatalf("get Experiment %s: %v", name, err)
	}
	var trials trialsv1beta1.TrialList
	if err := katib.Client.List(ctx, &trials, client.InNamespace(namespace), client.MatchingLabels{consts.LabelExperimentName: name}); err != nil {
		t.Fatalf("list Trials of %s: %v", name, err)
	}
	slices.SortFunc(trials.Items, func(a, b trialsv1beta1.Trial) int { return a.CreationTimestamp.Compare(b.CreationTimestamp.Time) })
	return exp, trials.Items
}

func describe(exp *experimentsv1beta1.Experiment, trials []trialsv1beta1.Trial, processes []*services.Process) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Experiment conditions:\n")
	for _, c := range exp.Status.Conditions {
		fmt.Fprintf(&b, "  %s=%s %s: %s\n", c.Type, c.Status, c.Reason, c.Message)
	}
	for _, trial := range trials {
		last := "(no condition)"
		if n := len(trial.Status.Conditions); n > 0 {
			c := trial.Status.Conditions[n-1]
			last = fmt.Sprintf("%s=%s %s: %s", c.Type, c.Status, c.Reason, c.Message)
		}
		fmt.Fprintf(&b, "  trial %s %v: %s\n", trial.Name, trial.Spec.ParameterAssignments, last)
	}
	fmt.Fprintf(&b, "end of the Katib controller's log (%s):\n%s\n", katib.ControllerLog, tail(katib.ControllerLog, 4000))
	for _, s := range processes {
		logs := s.Logs()
		fmt.Fprintf(&b, "end of %s's log:\n%s\n", s.Name, logs[max(0, len(logs)-2000):])
	}
	return b.String()
}

func tail(path string, n int64) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	if int64(len(data)) > n {
		data = data[int64(len(data))-n:]
	}
	return string(data)
}

// objectiveValue is a Trial's objective as Katib recorded it (its latest reported value).
func objectiveValue(t *testing.T, trial *trialsv1beta1.Trial) (float64, bool) {
	t.Helper()
	if trial.Status.Observation == nil {
		return 0, false
	}
	for _, m := range trial.Status.Observation.Metrics {
		if m.Name == trial.Spec.Objective.ObjectiveMetricName {
			v, err := strconv.ParseFloat(m.Latest, 64)
			return v, err == nil
		}
	}
	return 0, false
}

// checkSucceeded asserts what every plain Experiment must end with: Succeeded, maxTrialCount Trials, all
// succeeded, each assignment inside the search space and none twice, and the best Trial in the status.
func checkSucceeded(t *testing.T, exp *experimentsv1beta1.Experiment, trials []trialsv1beta1.Trial) {
	t.Helper()
	if !exp.IsSucceeded() {
		t.Fatalf("Experiment %s did not succeed\n%s", exp.Name, describe(exp, trials, nil))
	}
	if want := int(*exp.Spec.MaxTrialCount); len(trials) != want {
		t.Errorf("%d Trials, want maxTrialCount %d", len(trials), want)
	}
	if exp.Status.TrialsSucceeded != *exp.Spec.MaxTrialCount {
		t.Errorf("status.trialsSucceeded %d, want %d", exp.Status.TrialsSucceeded, *exp.Spec.MaxTrialCount)
	}
	checkAssignments(t, exp, trials)
	checkBestTrial(t, exp, trials)
}

// checkAssignments: every Trial assigns every parameter a value of its feasible space, and no two Trials
// assign the same point.
func checkAssignments(t *testing.T, exp *experimentsv1beta1.Experiment, trials []trialsv1beta1.Trial) {
	t.Helper()
	seen := map[string]string{}
	for _, trial := range trials {
		values := map[string]string{}
		for _, a := range trial.Spec.ParameterAssignments {
			values[a.Name] = a.Value
		}
		keys := make([]string, 0, len(exp.Spec.Parameters))
		for _, p := range exp.Spec.Parameters {
			value, ok := values[p.Name]
			if !ok {
				t.Errorf("trial %s: no value for parameter %s", trial.Name, p.Name)
				continue
			}
			if err := inFeasibleSpace(p, value); err != nil {
				t.Errorf("trial %s: %v", trial.Name, err)
			}
			keys = append(keys, p.Name+"="+value)
		}
		key := strings.Join(keys, ",")
		if other, dup := seen[key]; dup {
			t.Errorf("trials %s and %s have the same assignments %s", other, trial.Name, key)
		}
		seen[key] = trial.Name
	}
}

func inFeasibleSpace(p experimentsv1beta1.ParameterSpec, value string) error {
	space := p.FeasibleSpace
	switch p.ParameterType {
	case experimentsv1beta1.ParameterTypeDiscrete, experimentsv1beta1.ParameterTypeCategorical:
		if !slices.Contains(space.List, value) {
			return fmt.Errorf("%s=%q is not in %v", p.Name, value, space.List)
		}
		return nil
	case experimentsv1beta1.ParameterTypeInt:
		if _, err := strconv.ParseInt(value, 10, 64); err != nil {
			return fmt.Errorf("%s=%q is not an integer", p.Name, value)
		}
	}
	v, err := strconv.ParseFloat(value, 64)
	lo, _ := strconv.ParseFloat(space.Min, 64)
	hi, _ := strconv.ParseFloat(space.Max, 64)
	if err != nil || v < lo || v > hi {
		return fmt.Errorf("%s=%q is not a number in [%s, %s]", p.Name, value, space.Min, space.Max)
	}
	return nil
}

// checkBestTrial: the status names a Trial whose objective is the best of all Trials' objectives.
func checkBestTrial(t *testing.T, exp *experimentsv1beta1.Experiment, trials []trialsv1beta1.Trial) {
	t.Helper()
	best := exp.Status.CurrentOptimalTrial
	if best.BestTrialName == "" {
		t.Fatalf("status.currentOptimalTrial names no Trial")
	}
	want := math.Inf(1)
	sign := 1.0
	if exp.Spec.Objective.Type == commonv1beta1.ObjectiveTypeMaximize {
		want, sign = math.Inf(-1), -1
	}
	var bestValue float64
	for i := range trials {
		v, ok := objectiveValue(t, &trials[i])
		if !ok {
			continue
		}
		if sign*v < sign*want {
			want = v
		}
		if trials[i].Name == best.BestTrialName {
			bestValue = v
		}
	}
	if bestValue != want {
		t.Errorf("currentOptimalTrial %s has objective %v; the best Trial's is %v", best.BestTrialName, bestValue, want)
	}
}

// column is one metric's value at each epoch of a training.
type column struct {
	metric string
	values []float64
}

// epochLines is what a training prints: a line per epoch, starting with its time (RFC 3339, a second apart,
// the last one now), then each metric as name=value, e.g. "2026-01-02T03:04:05Z epoch 2: loss=0.5".
func epochLines(columns ...column) []string {
	epochs := len(columns[0].values)
	start := time.Now().UTC().Add(-time.Duration(epochs-1) * time.Second)
	lines := make([]string, epochs)
	for i := range epochs {
		var b strings.Builder
		fmt.Fprintf(&b, "%s epoch %d:", start.Add(time.Duration(i)*time.Second).Format(time.RFC3339Nano), i+1)
		for _, c := range columns {
			fmt.Fprintf(&b, " %s=%s", c.metric, strconv.FormatFloat(c.values[i], 'g', -1, 64))
		}
		lines[i] = b.String()
	}
	return lines
}

// assignment returns the value a Trial assigns to a parameter.
func assignment(trial *trialsv1beta1.Trial, name string) string {
	for _, a := range trial.Spec.ParameterAssignments {
		if a.Name == name {
			return a.Value
		}
	}
	return ""
}
