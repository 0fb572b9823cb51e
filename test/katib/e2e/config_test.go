//go:build e2e

package e2e

import (
	"context"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	configv1beta1 "github.com/kubeflow/katib/pkg/apis/config/v1beta1"
	experimentsv1beta1 "github.com/kubeflow/katib/pkg/apis/controller/experiments/v1beta1"
	"github.com/kubeflow/katib/pkg/controller.v1beta1/consts"

	"github.com/katib-ts/katib-ts-suggestions/test/katib/internal/deploy"
)

// shippedKatibConfig is the KatibConfig in the katib-config ConfigMap that the cluster holds, after checking
// that this ConfigMap is deploy/katib-config rendered, unchanged.
func shippedKatibConfig(t *testing.T) *configv1beta1.KatibConfig {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	inCluster := &corev1.ConfigMap{}
	if err := katib.Client.Get(ctx, client.ObjectKey{Namespace: "kubeflow", Name: consts.KatibConfigMapName}, inCluster); err != nil {
		t.Fatalf("the katib-config ConfigMap: %v", err)
	}
	shipped, err := deploy.KatibConfigMap()
	if err != nil {
		t.Fatal(err)
	}
	if !equality.Semantic.DeepEqual(inCluster.Data, shipped.Data) {
		t.Fatalf("the katib-config ConfigMap Katib reads differs from deploy/katib-config rendered")
	}
	config, err := deploy.DecodeKatibConfig([]byte(inCluster.Data[deploy.KatibConfigKey]))
	if err != nil {
		t.Fatalf("katib-config.yaml: %v", err)
	}
	return config
}

// checkSuggestionDeployment: the Deployment Katib creates for exp (call it while exp runs) runs our image with the ports, probes,
// resources, environment and security context our katib-config registers for the algorithm (plus the
// suggestion API port Katib adds itself), and, with early stopping, our early-stopping container.
func checkSuggestionDeployment(t *testing.T, exp *experimentsv1beta1.Experiment) {
	t.Helper()
	config := shippedKatibConfig(t)
	var want *configv1beta1.SuggestionConfig
	for i := range config.RuntimeConfig.SuggestionConfigs {
		if config.RuntimeConfig.SuggestionConfigs[i].AlgorithmName == exp.Spec.Algorithm.AlgorithmName {
			want = &config.RuntimeConfig.SuggestionConfigs[i]
		}
	}
	if want == nil {
		t.Fatalf("deploy/katib-config registers no suggestion service for %s", exp.Spec.Algorithm.AlgorithmName)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	// Katib deletes the Deployment once the Experiment completes: look while it runs.
	deployment := &appsv1.Deployment{}
	name := exp.Name + "-" + exp.Spec.Algorithm.AlgorithmName
	for {
		err := katib.Client.Get(ctx, client.ObjectKey{Namespace: namespace, Name: name}, deployment)
		if err == nil {
			break
		}
		if ctx.Err() != nil || !apierrors.IsNotFound(err) {
			t.Fatalf("the suggestion Deployment %s: %v", name, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	containers := deployment.Spec.Template.Spec.Containers
	got := containers[0]
	if got.Image != want.Image || got.ImagePullPolicy != want.ImagePullPolicy {
		t.Errorf("suggestion container runs %s (%s), want %s (%s)", got.Image, got.ImagePullPolicy, want.Image, want.ImagePullPolicy)
	}
	wantPorts := map[string]int32{consts.DefaultSuggestionPortName: consts.DefaultSuggestionPort}
	for _, p := range want.Ports {
		wantPorts[p.Name] = p.ContainerPort
	}
	gotPorts := map[string]int32{}
	for _, p := range got.Ports {
		gotPorts[p.Name] = p.ContainerPort
	}
	if !equality.Semantic.DeepEqual(gotPorts, wantPorts) {
		t.Errorf("suggestion container ports %v, want %v", gotPorts, wantPorts)
	}
	if !equality.Semantic.DeepEqual(got.Resources, want.Resources) {
		t.Errorf("suggestion container resources %+v, want %+v", got.Resources, want.Resources)
	}
	if !equality.Semantic.DeepEqual(got.Env, want.Env) {
		t.Errorf("suggestion container env %+v, want %+v", got.Env, want.Env)
	}
	if !equality.Semantic.DeepEqual(got.SecurityContext, want.SecurityContext) {
		t.Errorf("suggestion container securityContext %+v, want %+v", got.SecurityContext, want.SecurityContext)
	}
	for _, probe := range []struct {
		name      string
		got, want *corev1.Probe
	}{{"readiness", got.ReadinessProbe, want.ReadinessProbe}, {"liveness", got.LivenessProbe, want.LivenessProbe}} {
		if probe.want == nil || probe.got == nil || !equality.Semantic.DeepEqual(probe.got.GRPC, probe.want.GRPC) ||
			probe.got.PeriodSeconds != probe.want.PeriodSeconds || probe.got.TimeoutSeconds != probe.want.TimeoutSeconds ||
			probe.got.FailureThreshold != probe.want.FailureThreshold || probe.got.InitialDelaySeconds != probe.want.InitialDelaySeconds {
			t.Errorf("suggestion container %s probe %+v, want %+v", probe.name, probe.got, probe.want)
		}
	}
	if exp.Spec.EarlyStopping == nil {
		if len(containers) != 1 {
			t.Errorf("%d containers in the suggestion pod, want 1", len(containers))
		}
		return
	}
	var wantStopper *configv1beta1.EarlyStoppingConfig
	for i := range config.RuntimeConfig.EarlyStoppingConfigs {
		if config.RuntimeConfig.EarlyStoppingConfigs[i].AlgorithmName == exp.Spec.EarlyStopping.AlgorithmName {
			wantStopper = &config.RuntimeConfig.EarlyStoppingConfigs[i]
		}
	}
	if wantStopper == nil || len(containers) != 2 {
		t.Fatalf("want a second container from deploy/katib-config's %s entry; have %d containers", exp.Spec.EarlyStopping.AlgorithmName, len(containers))
	}
	stopper := containers[1]
	if stopper.Image != wantStopper.Image || !equality.Semantic.DeepEqual(stopper.Resources, wantStopper.Resource) {
		t.Errorf("early-stopping container %s %+v, want %s %+v", stopper.Image, stopper.Resources, wantStopper.Image, wantStopper.Resource)
	}
}
