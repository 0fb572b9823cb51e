package conformance

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	commonv1beta1 "github.com/kubeflow/katib/pkg/apis/controller/common/v1beta1"
	trialsv1beta1 "github.com/kubeflow/katib/pkg/apis/controller/trials/v1beta1"
	managerapi "github.com/kubeflow/katib/pkg/apis/manager/v1beta1"
	"github.com/kubeflow/katib/pkg/controller.v1beta1/consts"
	"github.com/kubeflow/katib/pkg/controller.v1beta1/experiment/manifest"
	"github.com/kubeflow/katib/pkg/webhook/v1beta1/experiment/validator"

	"github.com/katib-ts/katib-ts-suggestions/test/katib/internal/collector"
	"github.com/katib-ts/katib-ts-suggestions/test/katib/internal/controller"
	"github.com/katib-ts/katib-ts-suggestions/test/katib/internal/dbmanager"
	"github.com/katib-ts/katib-ts-suggestions/test/katib/internal/katibdns"
	"github.com/katib-ts/katib-ts-suggestions/test/katib/internal/kubeapi"
	"github.com/katib-ts/katib-ts-suggestions/test/katib/internal/postgres"
	"github.com/katib-ts/katib-ts-suggestions/test/katib/internal/repo"
	"github.com/katib-ts/katib-ts-suggestions/test/katib/internal/services"
)

// pointKatibAtDBManager sets the DB manager address the suggestion client sends in GetEarlyStoppingRules, as the
// KATIB_DB_MANAGER_SERVICE_IP, _NAMESPACE and _PORT variables set it on Katib's controller (read once, when
// Katib's consts package loads, hence the assignment). The address reaches our medianstop process, which dials
// it itself: so it is 127.0.0.1:port, not a cluster name.
func pointKatibAtDBManager(t *testing.T, address string) {
	host, port, found := strings.Cut(address, ":")
	if !found {
		t.Fatalf("DB manager address %q is not host:port", address)
	}
	ip, namespace, oldPort := consts.DefaultKatibDBManagerServiceIP, consts.DefaultKatibDBManagerServiceNamespace, consts.DefaultKatibDBManagerServicePort
	consts.DefaultKatibDBManagerServiceIP, consts.DefaultKatibDBManagerServiceNamespace, consts.DefaultKatibDBManagerServicePort = host, "", port
	t.Cleanup(func() {
		consts.DefaultKatibDBManagerServiceIP, consts.DefaultKatibDBManagerServiceNamespace, consts.DefaultKatibDBManagerServicePort = ip, namespace, oldPort
	})
}

// trainingLog is what a trial prints over its epochs, each line prefixed with its time as `kubectl logs
// --timestamps` gives it to Katib's collector: a loss that falls towards a level set by the trial's
// assignments, so some trials are clearly worse than others early on.
func trainingLog(t *testing.T, run *controller.Run, trial *trialsv1beta1.Trial, epochs int) []string {
	level := 3 * lossOf(t, run.Experiment.Spec.Parameters, trial)
	start := trial.CreationTimestamp.UTC()
	lines := make([]string, 0, epochs+1)
	lines = append(lines, start.Format(time.RFC3339Nano)+" training starts")
	for epoch := 1; epoch <= epochs; epoch++ {
		stamp := start.Add(time.Duration(epoch) * time.Second).Format(time.RFC3339Nano)
		lines = append(lines, fmt.Sprintf("%s epoch %d: loss=%.6f", stamp, epoch, level+1/float64(epoch)))
	}
	return lines
}

// observationFromDB reads a trial's log back from the DB manager and reduces it as Katib's trial controller does.
func observationFromDB(t *testing.T, db *dbmanager.Manager, trial *trialsv1beta1.Trial) map[string][]float64 {
	ctx, cancel := context.WithTimeout(context.Background(), dbmanager.CallTimeout)
	defer cancel()
	reply, err := db.Client.GetObservationLog(ctx, &managerapi.GetObservationLogRequest{TrialName: trial.Name})
	if err != nil {
		t.Fatalf("GetObservationLog %s: %v", trial.Name, err)
	}
	values := map[string][]float64{}
	for _, entry := range reply.ObservationLog.MetricLogs {
		value, err := strconv.ParseFloat(entry.Metric.Value, 64)
		if err != nil {
			t.Fatalf("the DB holds %q for %s", entry.Metric.Value, trial.Name)
		}
		values[entry.Metric.Name] = append(values[entry.Metric.Name], value)
	}
	return values
}

// expectedMedian is the median stopping rule's threshold worked out independently from the DB: the median,
// over the succeeded trials, of the mean of each one's first startStep objective values.
func expectedMedian(t *testing.T, db *dbmanager.Manager, trials []trialsv1beta1.Trial, startStep int) float64 {
	var averages []float64
	for i := range trials {
		if !trials[i].IsSucceeded() {
			continue
		}
		values := observationFromDB(t, db, &trials[i])["loss"]
		count := min(startStep, len(values))
		sum := 0.0
		for _, value := range values[:count] {
			sum += value
		}
		averages = append(averages, sum/float64(count))
	}
	sort.Float64s(averages)
	middle := len(averages) / 2
	if len(averages)%2 == 1 {
		return averages[middle]
	}
	return (averages[middle-1] + averages[middle]) / 2
}

// Katib's median-stop example, end to end with Katib's own parts wherever they run outside a cluster: the
// suggestion client asks our random and medianstop services for assignments and rules; each trial's log is
// parsed by Katib's metrics-collector code and stored by Katib's real DB manager on PostgreSQL; the rule is
// applied as Katib's collector applies it; a stopped trial is marked through SetTrialStatus, which our service
// writes to the API-server stand-in, and the written Trial is read back as Katib's Trial type.
func TestMedianStopWithKatibsDBManager(t *testing.T) {
	dir, err := repo.KatibModuleDir()
	if err != nil {
		t.Fatal(err)
	}
	text, err := os.ReadFile(filepath.Join(dir, "examples", "v1beta1", "early-stopping", "median-stop.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	experiment, err := controller.DecodeExperiment(text)
	if err != nil {
		t.Fatal(err)
	}
	configMap, _ := renderedKatibConfig(t)
	admission := validator.New(manifest.New(fake.NewClientBuilder().WithScheme(controller.Scheme()).WithObjects(configMap).Build()))
	if errs := admission.ValidateExperiment(experiment, nil); len(errs) > 0 {
		t.Fatalf("Katib's webhook refuses the example: %v", errs.ToAggregate())
	}

	db := dbmanager.Start(t, postgres.Start(t))
	pointKatibAtDBManager(t, db.Address)
	api := kubeapi.Start(t, experiment.Namespace)
	run := controller.Start(t, experiment)
	suggestion := services.Start(t, serviceOf[experiment.Spec.Algorithm.AlgorithmName], nil)
	medianstop := services.Start(t, "medianstop", map[string]string{"KUBECONFIG": api.Kubeconfig, "NAMESPACE": api.Namespace})
	katibdns.Map(t, run.SuggestionEndpoint(), suggestion.Address)
	katibdns.Map(t, run.EarlyStoppingEndpoint(), medianstop.Address)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("medianstop's log:\n%s", medianstop.Logs())
		}
	})
	// The collector reaches the early-stopping service by the name Katib's pod webhook gives it (-s-earlystop).
	earlyStopping, err := grpc.NewClient(run.EarlyStoppingEndpoint(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = earlyStopping.Close() })
	setTrialStatus := managerapi.NewEarlyStoppingClient(earlyStopping)

	if err := run.Validate(); err != nil {
		t.Fatalf("validation: %v", err)
	}
	objective := run.Experiment.Spec.Objective
	metricNames := append([]string{objective.ObjectiveMetricName}, objective.AdditionalMetricNames...)
	var filters []string
	if source := run.Experiment.Spec.MetricsCollectorSpec.Source; source != nil && source.Filter != nil {
		filters = source.Filter.MetricsFormat
	}
	settings := map[string]string{}
	for _, setting := range run.Experiment.Spec.EarlyStopping.AlgorithmSettings {
		settings[setting.Name] = setting.Value
	}
	startStep, _ := strconv.Atoi(settings["start_step"])
	minTrials, _ := strconv.Atoi(settings["min_trials_required"])
	logs := t.TempDir()
	maxTrials := int(*run.Experiment.Spec.MaxTrialCount)
	parallel := int(*run.Experiment.Spec.ParallelTrialCount)
	stopped, succeededWithRule := 0, 0

	for len(run.Trials) < maxTrials {
		succeeded := 0
		for i := range run.Trials {
			if run.Trials[i].IsSucceeded() {
				succeeded++
			}
		}
		want := 0.0
		if succeeded >= minTrials {
			want = expectedMedian(t, db, run.Trials, startStep)
		}
		created, err := run.Next(min(parallel, maxTrials-len(run.Trials)))
		if err != nil {
			t.Fatalf("SyncAssignments with %d trials: %v", len(run.Trials), err)
		}
		for _, trial := range created {
			api.Put(trial) // the experiment controller creates the Trial in the cluster
			rules := trial.Spec.EarlyStoppingRules
			if succeeded < minTrials {
				if len(rules) != 0 {
					t.Errorf("%s got rules %v with %d succeeded trials, fewer than min_trials_required %d", trial.Name, rules, succeeded, minTrials)
				}
			} else {
				if len(rules) != 1 {
					t.Fatalf("%s got rules %v with %d succeeded trials: want one rule", trial.Name, rules, succeeded)
				}
				rule := rules[0]
				if rule.Name != "loss" || rule.Comparison != commonv1beta1.ComparisonTypeGreater || rule.StartStep != startStep {
					t.Errorf("rule %+v: want loss, greater (the objective is minimised), start step %d", rule, startStep)
				}
				value, err := strconv.ParseFloat(rule.Value, 64)
				if err != nil || math.Abs(value-want) > 1e-9*math.Max(1, math.Abs(want)) {
					t.Errorf("rule value %q, want the median of the succeeded trials' early averages, %v", rule.Value, want)
				}
			}

			lines := trainingLog(t, run, trial, 8)
			printed, stop := collector.StopLine(lines, rules, objective, filters)
			ctx, cancel := context.WithTimeout(context.Background(), dbmanager.CallTimeout)
			_, err := collector.Report(ctx, db.Client, logs, trial.Name, lines[:printed], metricNames, filters)
			cancel()
			if err != nil {
				t.Fatalf("reporting %s's metrics: %v", trial.Name, err)
			}
			if !stop {
				controller.Succeed(trial, observationFromDB(t, db, trial))
				if len(rules) > 0 {
					succeededWithRule++
				}
				api.Put(trial)
				continue
			}

			ctx, cancel = context.WithTimeout(context.Background(), 60*time.Second)
			_, err = setTrialStatus.SetTrialStatus(ctx, &managerapi.SetTrialStatusRequest{TrialName: trial.Name})
			cancel()
			if err != nil {
				t.Fatalf("SetTrialStatus %s: %v", trial.Name, err)
			}
			written := api.Get(trial.Name)
			if !written.IsEarlyStopped() {
				t.Fatalf("after SetTrialStatus, %s's conditions are %+v", trial.Name, written.Status.Conditions)
			}
			last, _ := written.GetLastConditionType()
			if last != trialsv1beta1.TrialEarlyStopped || !written.IsCreated() || len(written.Status.Conditions) != len(trial.Status.Conditions)+1 {
				t.Errorf("%s's conditions after SetTrialStatus: %+v; want the earlier ones kept and EarlyStopped added last", trial.Name, written.Status.Conditions)
			}
			// Katib's trial controller then reads the observation the collector reported before the stop.
			trial.Status = written.Status
			controller.Observe(trial, observationFromDB(t, db, trial))
			api.Put(trial)
			stopped++
		}
	}
	if len(api.Writes()) != stopped {
		t.Errorf("%d status writes for %d stopped trials: %v", len(api.Writes()), stopped, api.Writes())
	}
	if stopped == 0 || succeededWithRule == 0 {
		t.Errorf("%d trials stopped early and %d ran to the end under a rule: the run should show both", stopped, succeededWithRule)
	}
	t.Logf("%d trials: %d stopped early, %d ran to the end under a rule", len(run.Trials), stopped, succeededWithRule)
}

// Bad median-stop settings fail ValidateEarlyStoppingSettings through Katib's client, which is final for the
// Experiment: the message Katib shows must name the setting.
func TestValidateEarlyStoppingSettingsRefusesBadSettings(t *testing.T) {
	for name, setting := range map[string]string{
		"start_step":          `{name: start_step, value: "0"}`,
		"min_trials_required": `{name: min_trials_required, value: "many"}`,
		"no_such_setting":     `{name: no_such_setting, value: "1"}`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			experiment, err := controller.DecodeExperiment([]byte(fmt.Sprintf(`
apiVersion: kubeflow.org/v1beta1
kind: Experiment
metadata: {name: refused-es-%s, namespace: conformance}
spec:
  objective: {type: minimize, objectiveMetricName: loss}
  algorithm: {algorithmName: random}
  earlyStopping:
    algorithmName: medianstop
    algorithmSettings: [%s]
  parameters:
    - {name: lr, parameterType: double, feasibleSpace: {min: "0.01", max: "0.05"}}
`, strings.ReplaceAll(name, "_", "-"), setting)))
			if err != nil {
				t.Fatal(err)
			}
			run := controller.Start(t, experiment)
			katibdns.Map(t, run.SuggestionEndpoint(), services.Start(t, "random", nil).Address)
			katibdns.Map(t, run.EarlyStoppingEndpoint(), services.Start(t, "medianstop", map[string]string{"NAMESPACE": "conformance"}).Address)
			err = run.Validate()
			if err == nil {
				t.Fatalf("ValidateEarlyStoppingSettings accepted %s", setting)
			}
			if !strings.HasPrefix(err.Error(), "ValidateEarlyStoppingSettings Error: ") || !strings.Contains(err.Error(), name) {
				t.Errorf("Katib would show the user %q: it should be a validation error naming %s", err, name)
			}
		})
	}
}
