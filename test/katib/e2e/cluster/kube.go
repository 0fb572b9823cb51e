package cluster

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/kubernetes"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	katibapis "github.com/kubeflow/katib/pkg/apis/controller"
)

// Scheme knows Kubernetes' built-in types, CRDs and Katib's Experiments, Suggestions and Trials.
var Scheme = runtime.NewScheme()

func init() {
	for _, add := range []func(*runtime.Scheme) error{clientgoscheme.AddToScheme, apiextensionsv1.AddToScheme, katibapis.AddToScheme} {
		if err := add(Scheme); err != nil {
			panic(err)
		}
	}
}

func newClient(config *rest.Config) (client.Client, error) {
	return client.New(config, client.Options{Scheme: Scheme})
}

func apiReady(ctx context.Context, config *rest.Config) error {
	clientset, err := kubernetes.NewForConfig(config)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	_, err = clientset.Discovery().RESTClient().Get().AbsPath("/readyz").DoRaw(ctx)
	return err
}

// installCRDs creates Katib's three CRDs from its manifests and waits until the API serves them.
func (c *Cluster) installCRDs(ctx context.Context) error {
	for _, name := range []string{"experiment", "suggestion", "trial"} {
		manifest, err := os.ReadFile(filepath.Join(c.KatibDir, "manifests/v1beta1/components/crd", name+".yaml"))
		if err != nil {
			return err
		}
		if err := c.applyManifest(ctx, manifest); err != nil {
			return fmt.Errorf("CRD %s: %w", name, err)
		}
	}
	deadline := time.Now().Add(time.Minute)
	for _, name := range []string{"experiments.kubeflow.org", "suggestions.kubeflow.org", "trials.kubeflow.org"} {
		for {
			crd := &apiextensionsv1.CustomResourceDefinition{}
			if err := c.Client.Get(ctx, client.ObjectKey{Name: name}, crd); err != nil {
				return err
			}
			if established(crd) {
				break
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("CRD %s not established within a minute", name)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	return nil
}

func established(crd *apiextensionsv1.CustomResourceDefinition) bool {
	for _, cond := range crd.Status.Conditions {
		if cond.Type == apiextensionsv1.Established && cond.Status == apiextensionsv1.ConditionTrue {
			return true
		}
	}
	return false
}

// katibNamespace is where Katib looks for its ConfigMap (KATIB_CORE_NAMESPACE, default kubeflow).
const katibNamespace = "kubeflow"

// MetricsCollectorInjectionLabel marks a namespace whose Experiments Katib's validator accepts.
const MetricsCollectorInjectionLabel = "katib.kubeflow.org/metrics-collector-injection"

func (c *Cluster) createNamespaces(ctx context.Context) error {
	for _, ns := range []*corev1.Namespace{
		{ObjectMeta: metav1.ObjectMeta{Name: katibNamespace}},
		{ObjectMeta: metav1.ObjectMeta{Name: c.Namespace, Labels: map[string]string{MetricsCollectorInjectionLabel: "enabled"}}},
	} {
		if err := c.Client.Create(ctx, ns); err != nil {
			return fmt.Errorf("namespace %s: %w", ns.Name, err)
		}
	}
	return nil
}

// applyManifest creates each object of a multi-document YAML manifest, or replaces it if it exists.
func (c *Cluster) applyManifest(ctx context.Context, manifest []byte) error {
	objects, err := DecodeManifest(manifest)
	if err != nil {
		return err
	}
	for _, obj := range objects {
		err := c.Client.Create(ctx, obj)
		if apierrors.IsAlreadyExists(err) {
			existing := &unstructured.Unstructured{}
			existing.SetGroupVersionKind(obj.GroupVersionKind())
			if err = c.Client.Get(ctx, client.ObjectKeyFromObject(obj), existing); err == nil {
				obj.SetResourceVersion(existing.GetResourceVersion())
				err = c.Client.Update(ctx, obj)
			}
		}
		if err != nil {
			return fmt.Errorf("%s %s: %w", obj.GetKind(), obj.GetName(), err)
		}
	}
	return nil
}

// DecodeManifest splits a multi-document YAML manifest into objects, skipping empty documents.
func DecodeManifest(manifest []byte) ([]*unstructured.Unstructured, error) {
	decoder := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(manifest), 4096)
	var objects []*unstructured.Unstructured
	for {
		obj := &unstructured.Unstructured{}
		if err := decoder.Decode(&obj.Object); err != nil {
			if err == io.EOF {
				return objects, nil
			}
			return nil, err
		}
		if len(obj.Object) > 0 {
			objects = append(objects, obj)
		}
	}
}
