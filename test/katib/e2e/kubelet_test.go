//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	trialsv1beta1 "github.com/kubeflow/katib/pkg/apis/controller/trials/v1beta1"
	api_pb "github.com/kubeflow/katib/pkg/apis/manager/v1beta1"
	"github.com/kubeflow/katib/pkg/controller.v1beta1/consts"

	"github.com/katib-ts/katib-ts-suggestions/test/katib/internal/collector"
)

// Training is what "running" a Trial's Job prints: lines such as "<RFC 3339 time> loss=0.25", which the
// stand-in reads with Katib's own metrics-collector code. Lines naming no metric make a Trial whose
// collector finds none, and so reports its objective "unavailable", as Katib's does.
type Training struct {
	Lines []string
}

// Trainer decides a Trial's Training from the Trial (its assignments, and for a test of early stopping, its
// rules).
type Trainer func(trial *trialsv1beta1.Trial) Training

// kubelet stands in for what a real cluster's kubelet, Job controller and Katib's metrics-collector sidecar
// do: it marks each suggestion Deployment available, and "runs" each Trial's Job: applies the Trial's
// early-stopping rules to what the training prints and reports the metrics to the DB manager, as Katib's file
// metrics collector does (calling the early-stopping service's SetTrialStatus when the rules stop the
// training), then gives the Job the status a finished Job has. It polls rather than watches: simple, and the
// controller requeues anyway.
type kubelet struct {
	client    client.Client
	namespace string
	dbManager api_pb.DBManagerClient
	// collectorDir receives each Trial's printed lines, the file Katib's collector code parses.
	collectorDir string

	mu       sync.Mutex
	trainers map[string]registration // by Experiment name
	done     map[string]bool         // Jobs whose metrics have been reported, by name
	errs     []error
}

func startKubelet(ctx context.Context, c client.Client, namespace string, db api_pb.DBManagerClient, collectorDir string) (*kubelet, func(), error) {
	if err := os.MkdirAll(collectorDir, 0o755); err != nil {
		return nil, nil, err
	}
	k := &kubelet{client: c, namespace: namespace, dbManager: db, collectorDir: collectorDir,
		trainers: map[string]registration{}, done: map[string]bool{}}
	ctx, cancel := context.WithCancel(ctx)
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		for {
			k.tick(ctx)
			select {
			case <-ctx.Done():
				return
			case <-time.After(200 * time.Millisecond):
			}
		}
	}()
	return k, func() { cancel(); <-stopped }, nil
}

type registration struct {
	trainer Trainer
	// earlyStopping is the Experiment's early-stopping service (host:port), if it has one.
	earlyStopping string
}

// Train registers how the Trials of one Experiment train, and where its early-stopping service listens
// ("" for none): the stand-in applies each Trial's early-stopping rules as Katib's metrics collector does.
func (k *kubelet) Train(experiment string, trainer Trainer, earlyStopping string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.trainers[experiment] = registration{trainer, earlyStopping}
}

// Errors fails t with whatever went wrong in the stand-in so far.
func (k *kubelet) Errors(t *testing.T) {
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, err := range k.errs {
		t.Errorf("kubelet stand-in: %v", err)
	}
}

func (k *kubelet) fail(err error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if len(k.errs) < 20 {
		k.errs = append(k.errs, err)
	}
}

func (k *kubelet) tick(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	var deployments appsv1.DeploymentList
	if err := k.client.List(ctx, &deployments, client.InNamespace(k.namespace)); err == nil {
		for i := range deployments.Items {
			if err := k.makeAvailable(ctx, &deployments.Items[i]); err != nil && ctx.Err() == nil {
				k.fail(fmt.Errorf("deployment %s: %w", deployments.Items[i].Name, err))
			}
		}
	}
	var jobs batchv1.JobList
	if err := k.client.List(ctx, &jobs, client.InNamespace(k.namespace)); err == nil {
		for i := range jobs.Items {
			if err := k.run(ctx, &jobs.Items[i]); err != nil && ctx.Err() == nil {
				k.fail(fmt.Errorf("job %s: %w", jobs.Items[i].Name, err))
			}
		}
	}
}

func (k *kubelet) makeAvailable(ctx context.Context, d *appsv1.Deployment) error {
	for _, cond := range d.Status.Conditions {
		if cond.Type == appsv1.DeploymentAvailable && cond.Status == corev1.ConditionTrue {
			return nil
		}
	}
	now := metav1.Now()
	d.Status = appsv1.DeploymentStatus{
		ObservedGeneration: d.Generation, Replicas: 1, UpdatedReplicas: 1, ReadyReplicas: 1, AvailableReplicas: 1,
		Conditions: []appsv1.DeploymentCondition{{
			Type: appsv1.DeploymentAvailable, Status: corev1.ConditionTrue, Reason: "MinimumReplicasAvailable",
			Message: "e2e stand-in for the kubelet", LastUpdateTime: now, LastTransitionTime: now,
		}},
	}
	return ignoreConflict(k.client.Status().Update(ctx, d))
}

func (k *kubelet) run(ctx context.Context, job *batchv1.Job) error {
	if finished(job) {
		return nil
	}
	k.mu.Lock()
	reported := k.done[job.Name]
	k.mu.Unlock()
	if !reported {
		// The Job is named after its Trial.
		trial := &trialsv1beta1.Trial{}
		if err := k.client.Get(ctx, client.ObjectKey{Namespace: job.Namespace, Name: job.Name}, trial); err != nil {
			return err
		}
		k.mu.Lock()
		reg, ok := k.trainers[trial.Labels[consts.LabelExperimentName]]
		k.mu.Unlock()
		if !ok {
			return nil // not this suite's Experiment (yet)
		}
		lines := reg.trainer(trial).Lines
		n, stopped := collector.StopLine(lines, trial.Spec.EarlyStoppingRules, trial.Spec.Objective, metricsFilters(trial))
		metrics := append([]string{trial.Spec.Objective.ObjectiveMetricName}, trial.Spec.Objective.AdditionalMetricNames...)
		if _, err := collector.Report(ctx, k.dbManager, k.collectorDir, trial.Name, lines[:n], metrics, metricsFilters(trial)); err != nil {
			return fmt.Errorf("collecting metrics: %w", err)
		}
		if stopped {
			if err := setTrialStatus(ctx, reg.earlyStopping, trial.Name); err != nil {
				return err
			}
		}
		k.mu.Lock()
		k.done[job.Name] = true
		k.mu.Unlock()
	}
	now := metav1.Now()
	start := job.Status.StartTime
	if start == nil {
		start = &now
	}
	job.Status.StartTime = start
	job.Status.CompletionTime = &now
	job.Status.Succeeded = 1
	job.Status.Active = 0
	job.Status.Conditions = append(job.Status.Conditions,
		batchv1.JobCondition{Type: batchv1.JobSuccessCriteriaMet, Status: corev1.ConditionTrue, Reason: "CompletionsReached",
			Message: "Reached expected number of succeeded pods", LastProbeTime: now, LastTransitionTime: now},
		batchv1.JobCondition{Type: batchv1.JobComplete, Status: corev1.ConditionTrue, Reason: "CompletionsReached",
			Message: "Reached expected number of succeeded pods", LastProbeTime: now, LastTransitionTime: now})
	return ignoreConflict(k.client.Status().Update(ctx, job))
}

func finished(job *batchv1.Job) bool {
	for _, cond := range job.Status.Conditions {
		if (cond.Type == batchv1.JobComplete || cond.Type == batchv1.JobFailed) && cond.Status == corev1.ConditionTrue {
			return true
		}
	}
	return false
}

// ignoreConflict: a write that raced the controller is retried on the next tick.
func ignoreConflict(err error) error {
	if apierrors.IsConflict(err) {
		return nil
	}
	return err
}

// metricsFilters are the Experiment's metric filters, if it set any (Katib's default one otherwise).
func metricsFilters(trial *trialsv1beta1.Trial) []string {
	source := trial.Spec.MetricsCollector.Source
	if source == nil || source.Filter == nil {
		return nil
	}
	return source.Filter.MetricsFormat
}

// setTrialStatus asks the early-stopping service to mark the Trial early stopped, as the collector does.
func setTrialStatus(ctx context.Context, address, trial string) error {
	if address == "" {
		return fmt.Errorf("trial %s met its early-stopping rules, but its Experiment registered no early-stopping service", trial)
	}
	conn, err := grpc.NewClient(address, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := api_pb.NewEarlyStoppingClient(conn).SetTrialStatus(ctx, &api_pb.SetTrialStatusRequest{TrialName: trial}); err != nil {
		return fmt.Errorf("SetTrialStatus(%s) at %s: %w", trial, address, err)
	}
	return nil
}
