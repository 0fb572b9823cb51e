package conformance

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/spf13/viper"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/manager"

	configv1beta1 "github.com/kubeflow/katib/pkg/apis/config/v1beta1"
	commonv1beta1 "github.com/kubeflow/katib/pkg/apis/controller/common/v1beta1"
	suggestionsv1beta1 "github.com/kubeflow/katib/pkg/apis/controller/suggestions/v1beta1"
	"github.com/kubeflow/katib/pkg/controller.v1beta1/consts"
	"github.com/kubeflow/katib/pkg/controller.v1beta1/suggestion/composer"
	"github.com/kubeflow/katib/pkg/util/v1beta1/katibconfig"

	"github.com/katib-ts/katib-ts-suggestions/test/katib/internal/controller"
	"github.com/katib-ts/katib-ts-suggestions/test/katib/internal/deploy"
	"github.com/katib-ts/katib-ts-suggestions/test/katib/internal/repo"
)

// builtImage is one line of `make list-images`: what the Makefile builds for a service.
type builtImage struct {
	image       string
	port        int32
	metricsPort int32
}

func builtImages(t *testing.T) map[string]builtImage {
	t.Helper()
	cmd := exec.Command("make", "-s", "list-images")
	cmd.Dir = repo.Root()
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("make list-images: %v", err)
	}
	images := map[string]builtImage{}
	scanner := bufio.NewScanner(bytes.NewReader(out))
	for scanner.Scan() {
		fields := strings.Fields(scanner.Text())
		if len(fields) != 4 {
			t.Fatalf("make list-images printed %q: want service, image, port, metrics port", scanner.Text())
		}
		port, _ := strconv.Atoi(fields[2])
		metricsPort, _ := strconv.Atoi(fields[3])
		images[fields[0]] = builtImage{image: fields[1], port: int32(port), metricsPort: int32(metricsPort)}
	}
	return images
}

// renderedKatibConfig is deploy/katib-config as kustomize renders it: the ConfigMap and its KatibConfig, decoded
// strictly into Katib's types.
func renderedKatibConfig(t *testing.T) (*corev1.ConfigMap, *configv1beta1.KatibConfig) {
	t.Helper()
	configMap, err := deploy.KatibConfigMap()
	if err != nil {
		t.Fatal(err)
	}
	if configMap.Name != consts.KatibConfigMapName || configMap.Namespace != consts.DefaultKatibNamespace {
		t.Fatalf("the ConfigMap is %s/%s; Katib reads %s/%s", configMap.Namespace, configMap.Name, consts.DefaultKatibNamespace, consts.KatibConfigMapName)
	}
	text, ok := configMap.Data[consts.LabelKatibConfigTag]
	if !ok {
		t.Fatalf("the ConfigMap has no %s key: %v", consts.LabelKatibConfigTag, configMap.Data)
	}
	config, err := deploy.DecodeKatibConfig([]byte(text))
	if err != nil {
		t.Fatalf("Katib's KatibConfig type does not hold what deploy/katib-config sets (Katib would silently drop it): %v", err)
	}
	return configMap, config
}

// stockKatibConfig is the KatibConfig of Katib v0.19.0's own katib-standalone install.
func stockKatibConfig(t *testing.T) *configv1beta1.KatibConfig {
	t.Helper()
	dir, err := repo.KatibModuleDir()
	if err != nil {
		t.Fatal(err)
	}
	text, err := os.ReadFile(filepath.Join(dir, "manifests", "v1beta1", "installs", "katib-standalone", "katib-config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	config, err := deploy.DecodeKatibConfig(text)
	if err != nil {
		t.Fatalf("Katib's own katib-config.yaml: %v", err)
	}
	return config
}

// Every field of deploy/katib-config is one Katib reads: decoded strictly into Katib's config types, and read
// back by Katib's own config loader from the ConfigMap, it names our image for each of our algorithms.
func TestKatibConfigHoldsOnlyWhatKatibReads(t *testing.T) {
	configMap, config := renderedKatibConfig(t)
	if config.APIVersion != "config.kubeflow.org/v1beta1" || config.Kind != "KatibConfig" {
		t.Errorf("apiVersion %q, kind %q", config.APIVersion, config.Kind)
	}
	kube := fake.NewClientBuilder().WithScheme(controller.Scheme()).WithObjects(configMap).Build()
	images := builtImages(t)
	for algorithm, service := range serviceOf {
		entry, err := katibconfig.GetSuggestionConfigData(algorithm, kube)
		if err != nil {
			t.Errorf("%s: %v", algorithm, err)
			continue
		}
		if entry.Image != images[service].image {
			t.Errorf("%s: image %s, the Makefile builds %s", algorithm, entry.Image, images[service].image)
		}
	}
	entry, err := katibconfig.GetEarlyStoppingConfigData("medianstop", kube)
	if err != nil {
		t.Fatal(err)
	}
	if entry.Image != images["medianstop"].image {
		t.Errorf("medianstop: image %s, the Makefile builds %s", entry.Image, images["medianstop"].image)
	}
}

// The ConfigMap's key is replaced as a whole, so it must carry Katib v0.19.0's own settings unchanged: its init
// section (read when the controller starts), its metrics collectors, and its entries for every algorithm we do
// not provide.
func TestKatibConfigKeepsKatibsOwnSettings(t *testing.T) {
	configMap, ours := renderedKatibConfig(t)
	stock := stockKatibConfig(t)
	if !reflect.DeepEqual(ours.InitConfig, stock.InitConfig) {
		t.Errorf("init differs from Katib v0.19.0's:\n ours  %+v\n Katib %+v", ours.InitConfig, stock.InitConfig)
	}
	if !reflect.DeepEqual(ours.RuntimeConfig.MetricsCollectorConfigs, stock.RuntimeConfig.MetricsCollectorConfigs) {
		t.Errorf("metricsCollectors differ from Katib v0.19.0's:\n ours  %+v\n Katib %+v", ours.RuntimeConfig.MetricsCollectorConfigs, stock.RuntimeConfig.MetricsCollectorConfigs)
	}
	entries := map[string]configv1beta1.SuggestionConfig{}
	for _, entry := range ours.RuntimeConfig.SuggestionConfigs {
		if _, twice := entries[entry.AlgorithmName]; twice {
			t.Errorf("%s is registered twice", entry.AlgorithmName)
		}
		entries[entry.AlgorithmName] = entry
	}
	for _, entry := range stock.RuntimeConfig.SuggestionConfigs {
		if _, ours := serviceOf[entry.AlgorithmName]; ours {
			continue
		}
		if !reflect.DeepEqual(entries[entry.AlgorithmName], entry) {
			t.Errorf("%s differs from Katib v0.19.0's entry:\n ours  %+v\n Katib %+v", entry.AlgorithmName, entries[entry.AlgorithmName], entry)
		}
	}
	if len(entries) != len(stock.RuntimeConfig.SuggestionConfigs) {
		t.Errorf("%d suggestion entries, Katib v0.19.0 has %d", len(entries), len(stock.RuntimeConfig.SuggestionConfigs))
	}
	if len(ours.RuntimeConfig.EarlyStoppingConfigs) != len(stock.RuntimeConfig.EarlyStoppingConfigs) {
		t.Errorf("%d early-stopping entries, Katib v0.19.0 has %d", len(ours.RuntimeConfig.EarlyStoppingConfigs), len(stock.RuntimeConfig.EarlyStoppingConfigs))
	}
	// What the controller itself reads at start-up, through Katib's own loader (with its defaults applied).
	file := filepath.Join(t.TempDir(), "katib-config.yaml")
	if err := os.WriteFile(file, []byte(configMap.Data[deploy.KatibConfigKey]), 0o600); err != nil {
		t.Fatal(err)
	}
	init, err := katibconfig.GetInitConfigData(controller.Scheme(), file)
	if err != nil {
		t.Fatalf("Katib's controller would not start with this config: %v", err)
	}
	if !containsString(init.ControllerConfig.TrialResources, "TrainJob.v1alpha1.trainer.kubeflow.org") {
		t.Errorf("the controller would stop watching TrainJob trials: trialResources %v", init.ControllerConfig.TrialResources)
	}
}

func containsString(list []string, wanted string) bool {
	for _, item := range list {
		if item == wanted {
			return true
		}
	}
	return false
}

// managerOf hands Katib's composer the scheme and client it takes from a controller-runtime manager; nothing
// else of a manager is used.
type managerOf struct {
	manager.Manager
	scheme *runtime.Scheme
	client client.Client
}

func (m managerOf) GetScheme() *runtime.Scheme { return m.scheme }
func (m managerOf) GetClient() client.Client   { return m.client }

// What Katib creates for a Suggestion of each of our algorithms, built by Katib's own composer from the rendered
// ConfigMap: the suggestion container (and, with median stopping, the early-stopping container) with our image,
// ports, probes, resources and a locked-down security context.
func TestComposerBuildsOurContainers(t *testing.T) {
	configMap, _ := renderedKatibConfig(t)
	scheme := controller.Scheme()
	kube := fake.NewClientBuilder().WithScheme(scheme).WithObjects(configMap).Build()
	// Katib's controller sets this from init.controller.enableGRPCProbeInSuggestion, true by default.
	viper.Set(consts.ConfigEnableGRPCProbeInSuggestion, true)
	general := composer.ComposerRegistry[consts.DefaultComposer].CreateComposer(managerOf{scheme: scheme, client: kube})
	images := builtImages(t)

	for algorithm, service := range serviceOf {
		t.Run(algorithm, func(t *testing.T) {
			suggestion := &suggestionsv1beta1.Suggestion{
				ObjectMeta: metav1.ObjectMeta{Name: "composed", Namespace: "conformance", UID: types.UID("uid-composed")},
				Spec: suggestionsv1beta1.SuggestionSpec{
					Algorithm:     &commonv1beta1.AlgorithmSpec{AlgorithmName: algorithm},
					EarlyStopping: &commonv1beta1.EarlyStoppingSpec{AlgorithmName: "medianstop"},
				},
			}
			deployment, err := general.DesiredDeployment(suggestion)
			if err != nil {
				t.Fatalf("Katib's composer refuses the config: %v", err)
			}
			pod := deployment.Spec.Template.Spec
			if len(pod.Containers) != 2 {
				t.Fatalf("%d containers, want the suggestion and the early-stopping one", len(pod.Containers))
			}
			suggestionContainer, earlyStopping := pod.Containers[0], pod.Containers[1]
			built := images[service]
			if suggestionContainer.Image != built.image || suggestionContainer.ImagePullPolicy != corev1.PullIfNotPresent {
				t.Errorf("suggestion image %s (%s), want %s (IfNotPresent)", suggestionContainer.Image, suggestionContainer.ImagePullPolicy, built.image)
			}
			checkPorts(t, suggestionContainer, map[string]int32{consts.DefaultSuggestionPortName: built.port, "metrics": built.metricsPort})
			env := map[string]string{}
			for _, variable := range suggestionContainer.Env {
				env[variable.Name] = variable.Value
			}
			if env["METRICS_PORT"] != strconv.Itoa(int(built.metricsPort)) || env["WORKER_THREADS"] != "1" {
				t.Errorf("environment %v: want METRICS_PORT=%d and WORKER_THREADS=1", env, built.metricsPort)
			}
			for name, probe := range map[string]*corev1.Probe{"readiness": suggestionContainer.ReadinessProbe, "liveness": suggestionContainer.LivenessProbe} {
				if probe == nil || probe.GRPC == nil || probe.GRPC.Port != built.port || probe.GRPC.Service == nil || *probe.GRPC.Service != "manager.v1beta1.Suggestion" {
					t.Errorf("%s probe %+v: want gRPC on %d for manager.v1beta1.Suggestion", name, probe, built.port)
				}
			}
			checkResources(t, "suggestion", suggestionContainer.Resources)
			checkLockedDown(t, suggestionContainer.SecurityContext)

			if earlyStopping.Image != images["medianstop"].image || earlyStopping.ImagePullPolicy != corev1.PullIfNotPresent {
				t.Errorf("early-stopping image %s (%s), want %s (IfNotPresent)", earlyStopping.Image, earlyStopping.ImagePullPolicy, images["medianstop"].image)
			}
			checkPorts(t, earlyStopping, map[string]int32{consts.DefaultEarlyStoppingPortName: images["medianstop"].port})
			checkResources(t, "early-stopping", earlyStopping.Resources)
			// Katib gives the early-stopping container no security context, whatever the config says: it runs as
			// its image's user (TestMedianstopImageRunsAsNonRoot).
			if earlyStopping.SecurityContext != nil {
				t.Errorf("Katib v0.19.0 sets no security context on the early-stopping container, yet it has %+v", earlyStopping.SecurityContext)
			}
			if images["medianstop"].metricsPort == built.metricsPort {
				t.Errorf("both containers of the pod would serve metrics on %d", built.metricsPort)
			}
		})
	}
}

func checkPorts(t *testing.T, container corev1.Container, want map[string]int32) {
	t.Helper()
	got := map[string]int32{}
	for _, port := range container.Ports {
		got[port.Name] = port.ContainerPort
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s ports %v, want %v", container.Name, got, want)
	}
}

func checkResources(t *testing.T, container string, resources corev1.ResourceRequirements) {
	t.Helper()
	for _, name := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
		request, requested := resources.Requests[name]
		limit, limited := resources.Limits[name]
		if !requested || !limited || limit.Cmp(request) < 0 {
			t.Errorf("%s %s: request %v, limit %v", container, name, resources.Requests, resources.Limits)
		}
	}
}

func checkLockedDown(t *testing.T, context *corev1.SecurityContext) {
	t.Helper()
	if context == nil {
		t.Fatal("the suggestion container has no security context")
	}
	isTrue := func(value *bool) bool { return value != nil && *value }
	isFalse := func(value *bool) bool { return value != nil && !*value }
	if !isTrue(context.RunAsNonRoot) || context.RunAsUser == nil || *context.RunAsUser != 65532 ||
		!isFalse(context.AllowPrivilegeEscalation) || !isTrue(context.ReadOnlyRootFilesystem) ||
		context.Capabilities == nil || !reflect.DeepEqual(context.Capabilities.Drop, []corev1.Capability{"ALL"}) ||
		context.SeccompProfile == nil || context.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
		t.Errorf("security context %+v: want non-root 65532, no privilege escalation, read-only root, all capabilities dropped, RuntimeDefault seccomp", context)
	}
}

// Katib cannot give the early-stopping container a security context, so the medianstop image itself must not
// run as root: the Dockerfile's final stage sets a numeric non-root user, which Kubernetes can verify.
func TestMedianstopImageRunsAsNonRoot(t *testing.T) {
	text, err := os.ReadFile(filepath.Join(repo.Root(), "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	stages := strings.Split(string(text), "\nFROM ")
	user := ""
	for _, line := range strings.Split(stages[len(stages)-1], "\n") {
		if fields := strings.Fields(line); len(fields) == 2 && fields[0] == "USER" {
			user = fields[1]
		}
	}
	if user != "65532:65532" {
		t.Errorf("the final stage's USER is %q, want 65532:65532", user)
	}
}
