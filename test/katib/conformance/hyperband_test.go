package conformance

import (
	"strconv"
	"strings"
	"testing"

	trialsv1beta1 "github.com/kubeflow/katib/pkg/apis/controller/trials/v1beta1"

	"github.com/katib-ts/katib-ts-suggestions/test/katib/internal/controller"
	"github.com/katib-ts/katib-ts-suggestions/test/katib/internal/katibdns"
	"github.com/katib-ts/katib-ts-suggestions/test/katib/internal/services"
)

// hyperbandManifest is Katib's hyperband example with a budget of up to 9 epochs (r_l 9, eta 3): brackets
// 9 at 1 epoch, 3 at 3, 1 at 9; 5 at 3, 1 at 9; 3 at 9. One run is 22 trials.
const hyperbandManifest = `
apiVersion: kubeflow.org/v1beta1
kind: Experiment
metadata:
  name: hyperband-brackets
  namespace: conformance
spec:
  objective: {type: minimize, objectiveMetricName: loss}
  algorithm:
    algorithmName: hyperband
    algorithmSettings:
      - {name: resource_name, value: num-epochs}
      - {name: r_l, value: "9"}
      - {name: eta, value: "3"}
  parallelTrialCount: 4
  maxTrialCount: 22
  parameters:
    - {name: lr, parameterType: double, feasibleSpace: {min: "0.01", max: "0.05"}}
    - {name: momentum, parameterType: double, feasibleSpace: {min: "0.5", max: "0.9"}}
    - {name: num-epochs, parameterType: int, feasibleSpace: {min: "1", max: "1"}}
`

// Hyperband through Katib's suggestion client, four trials at a time, trials ending one by one, oldest first:
// the position each reply writes into the Suggestion's status (hyperband_progress) is merged into the next
// request by Katib's own code; the service is restarted in the middle of the first bracket; one trial ends
// MetricsUnavailable (left out of every later request) and one fails. A call that must wait for a rung is
// refused and retried, as the controller's requeue retries it. Every trial is a planned rung member, no
// assignment repeats, and the brackets fill the 22 trials of one run.
func TestHyperbandBracketsThroughKatibClient(t *testing.T) {
	experiment, err := controller.DecodeExperiment([]byte(hyperbandManifest))
	if err != nil {
		t.Fatal(err)
	}
	run := controller.Start(t, experiment)
	process := services.Start(t, "hyperband", nil)
	katibdns.Map(t, run.SuggestionEndpoint(), process.Address)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("hyperband's log:\n%s", process.Logs())
		}
	})
	if err := run.Validate(); err != nil {
		t.Fatalf("ValidateAlgorithmSettings: %v", err)
	}
	parameters := valueSpace(run.Experiment)
	const maxTrials, parallel = 22, 4
	var running []*trialsv1beta1.Trial
	completed, refused := 0, 0
	restarted := false
	for step := 0; completed < maxTrials; step++ {
		if step > 10*maxTrials {
			t.Fatalf("no progress: %d trials, %d completed", len(run.Trials), completed)
		}
		if add := min(parallel, maxTrials-completed) - len(running); add > 0 {
			if !restarted && len(run.Trials) >= 6 {
				// A new process on the same port, as after a pod restart: all it knows is in the requests.
				port := process.Port
				process.Stop()
				process = services.Start(t, "hyperband", map[string]string{"PORT": strconv.Itoa(port)})
				restarted = true
			}
			created, err := run.Next(add)
			switch {
			case err != nil && strings.Contains(err.Error(), "hyperband waits for"):
				refused++
			case err != nil:
				t.Fatalf("SyncAssignments with %d trials: %v", len(run.Trials), err)
			default:
				running = append(running, created...)
			}
		}
		if len(running) == 0 {
			t.Fatalf("nothing running and nothing handed out after %d trials", len(run.Trials))
		}
		// run.Trials holds the Trials; running points into it only until it grows, so find the oldest by name.
		trial := trialNamed(run, running[0].Name)
		running = running[1:]
		switch index := indexOf(run, trial.Name); index {
		case 2:
			controller.MetricsUnavailable(trial)
		case 5:
			controller.Fail(trial)
		default:
			epochs, _ := controller.Assignment(trial, "num-epochs")
			budget, _ := strconv.ParseFloat(epochs, 64)
			controller.Succeed(trial, map[string][]float64{"loss": {lossOf(t, parameters, trial) + 1/budget}})
		}
		completed++
		for i := range running {
			running[i] = trialNamed(run, running[i].Name)
		}
	}
	t.Logf("%d trials, %d calls refused while a rung reported", len(run.Trials), refused)
	budgets := map[string]int{}
	seen := map[string]string{}
	for i := range run.Trials {
		checkInSpace(t, parameters, &run.Trials[i])
		epochs, _ := controller.Assignment(&run.Trials[i], "num-epochs")
		budgets[epochs]++
		point := pointOf(t, parameters, &run.Trials[i])
		if earlier, repeated := seen[point]; repeated {
			t.Errorf("trial %s repeats %s: %s", run.Trials[i].Name, earlier, point)
		}
		seen[point] = run.Trials[i].Name
	}
	if len(run.Trials) != maxTrials {
		t.Errorf("%d trials, want %d", len(run.Trials), maxTrials)
	}
	// Budgets of the plan: 9 at 1 epoch; 3 + 5 at 3; 1 + 1 + 3 at 9 (a failed first-rung member still leaves
	// eight to pick the best three from).
	if budgets["1"] != 9 || budgets["3"] != 8 || budgets["9"] != 5 {
		t.Errorf("trials per budget %v, want 1: 9, 3: 8, 9: 5", budgets)
	}
	progress := ""
	for _, setting := range run.Suggestion.Status.AlgorithmSettings {
		if setting.Name == "hyperband_progress" {
			progress = setting.Value
		}
	}
	if progress == "" {
		t.Errorf("the Suggestion's status has no hyperband_progress: %v", run.Suggestion.Status.AlgorithmSettings)
	}
	t.Logf("hyperband_progress in the Suggestion's status: %s", progress)
}

func trialNamed(run *controller.Run, name string) *trialsv1beta1.Trial {
	return &run.Trials[indexOf(run, name)]
}

func indexOf(run *controller.Run, name string) int {
	for i := range run.Trials {
		if run.Trials[i].Name == name {
			return i
		}
	}
	return -1
}
