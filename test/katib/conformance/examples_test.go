package conformance

import (
	"os"
	"path/filepath"
	"testing"

	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/kubeflow/katib/pkg/controller.v1beta1/experiment/manifest"
	"github.com/kubeflow/katib/pkg/webhook/v1beta1/experiment/validator"

	"github.com/katib-ts/katib-ts-suggestions/test/katib/internal/controller"
	"github.com/katib-ts/katib-ts-suggestions/test/katib/internal/repo"
)

// dozen is how many trials each example runs at least.
const dozen = 12

// Katib's own example Experiments for the algorithms we serve (examples/v1beta1/hp-tuning at the pinned version)
// are admitted by Katib's webhook validator with our katib-config in place, pass our ValidateAlgorithmSettings,
// and run to their maxTrialCount through Katib's suggestion client.
func TestKatibExamplesRun(t *testing.T) {
	dir, err := repo.KatibModuleDir()
	if err != nil {
		t.Fatal(err)
	}
	configMap, _ := renderedKatibConfig(t)
	admission := validator.New(manifest.New(fake.NewClientBuilder().WithScheme(controller.Scheme()).WithObjects(configMap).Build()))
	files, err := filepath.Glob(filepath.Join(dir, "examples", "v1beta1", "hp-tuning", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	ran := map[string]bool{}
	for _, file := range files {
		text, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		experiment, err := controller.DecodeExperiment(text)
		if err != nil {
			t.Fatalf("%s: %v", filepath.Base(file), err)
		}
		algorithm := experiment.Spec.Algorithm.AlgorithmName
		if _, ours := serviceOf[algorithm]; !ours {
			continue
		}
		ran[algorithm] = true
		t.Run(filepath.Base(file), func(t *testing.T) {
			t.Parallel()
			if errs := admission.ValidateExperiment(experiment, nil); len(errs) > 0 {
				t.Fatalf("Katib's webhook refuses the example: %v", errs.ToAggregate())
			}
			run := startFor(t, string(text))
			if err := run.Validate(); err != nil {
				t.Fatalf("ValidateAlgorithmSettings: %v", err)
			}
			parameters := valueSpace(run.Experiment)
			objective := run.Experiment.Spec.Objective
			maxTrials := int(*run.Experiment.Spec.MaxTrialCount)
			parallel := int(*run.Experiment.Spec.ParallelTrialCount)
			if maxTrials < dozen {
				// Katib's hyperband example stops after 2 trials, before its first bracket is done: run it on.
				maxTrials = dozen
			}
			for len(run.Trials) < maxTrials {
				created, err := run.Next(min(parallel, maxTrials-len(run.Trials)))
				if err != nil {
					t.Fatalf("SyncAssignments with %d trials: %v", len(run.Trials), err)
				}
				for _, trial := range created {
					checkInSpace(t, parameters, trial)
					loss := lossOf(t, parameters, trial)
					metrics := map[string][]float64{objective.ObjectiveMetricName: {loss}}
					for _, name := range objective.AdditionalMetricNames {
						metrics[name] = []float64{1 - loss}
					}
					controller.Succeed(trial, metrics)
				}
			}
			t.Logf("%d trials, the last %v", len(run.Trials), run.Trials[len(run.Trials)-1].Spec.ParameterAssignments)
			seen := map[string]string{}
			for i := range run.Trials {
				point := pointOf(t, parameters, &run.Trials[i])
				if earlier, repeated := seen[point]; repeated {
					t.Errorf("trial %s repeats %s: %s", run.Trials[i].Name, earlier, point)
				}
				seen[point] = run.Trials[i].Name
			}
		})
	}
	for algorithm := range serviceOf {
		if !ran[algorithm] {
			t.Errorf("Katib's examples have no Experiment for %s", algorithm)
		}
	}
}
