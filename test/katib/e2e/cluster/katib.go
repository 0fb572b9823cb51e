package cluster

import (
	"context"
	"encoding/base64"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"sigs.k8s.io/yaml"
)

// katibCertDir is where Katib's webhook server reads tls.crt and tls.key; Katib hard-codes it.
const katibCertDir = "/tmp/cert"

// startKatibController runs Katib's controller outside the cluster, in a mount namespace of its own where
// /etc/hosts is the suite's hosts file (the controller dials each suggestion service by its Service name)
// and /tmp/cert holds the suite's webhook certificate. Then it registers the webhooks by URL.
func (c *Cluster) startKatibController(ctx context.Context, ca *certificateAuthority) error {
	certDir := c.path("webhook-cert")
	if err := os.MkdirAll(certDir, 0o755); err != nil {
		return err
	}
	if err := ca.writeServingPair(filepath.Join(certDir, "tls.crt"), filepath.Join(certDir, "tls.key")); err != nil {
		return err
	}
	if err := c.ensureMountPoint(katibCertDir); err != nil {
		return err
	}
	hosts, err := newHostsFile(c.path("hosts"))
	if err != nil {
		return err
	}
	c.hosts = hosts
	ports, err := freePorts(3)
	if err != nil {
		return err
	}
	webhookPort, healthz := ports[0], fmt.Sprintf("127.0.0.1:%d", ports[1])
	configFile := c.path("katib-config.yaml")
	if err := c.writeControllerConfig(configFile, webhookPort, healthz, fmt.Sprintf("127.0.0.1:%d", ports[2])); err != nil {
		return err
	}
	dbHost, dbPort, err := net.SplitHostPort(c.DBManagerAddress)
	if err != nil {
		return fmt.Errorf("DB manager address: %w", err)
	}
	controller := []string{c.binary("katib-controller"), "--katib-config=" + configFile}
	binary, args := inOwnMountNamespace(map[string]string{hosts.Path: "/etc/hosts", certDir: katibCertDir}, controller)
	p, err := c.start(ProcessSpec{Name: "katib-controller", Binary: binary, Args: args, Env: []string{
		"KUBECONFIG=" + c.Kubeconfig,
		"KATIB_CORE_NAMESPACE=" + katibNamespace,
		"KATIB_DB_MANAGER_SERVICE_IP=" + dbHost,
		"KATIB_DB_MANAGER_SERVICE_PORT=" + dbPort,
		// Set and empty: the controller then dials IP:PORT instead of IP.NAMESPACE:PORT.
		"KATIB_DB_MANAGER_SERVICE_NAMESPACE=",
	}})
	if err != nil {
		return err
	}
	c.ControllerLog = p.LogPath
	if err := waitFor(p, time.Minute, "webhook server (/readyz)", httpOK("http://"+healthz+"/readyz")); err != nil {
		return err
	}
	return c.registerWebhooks(ctx, ca, webhookPort)
}

// writeControllerConfig writes the file given to --katib-config: the KatibConfig of the katib-config
// ConfigMap, with the init section an out-of-cluster controller needs. The runtime section, which the
// controller reads from the ConfigMap for every Experiment, is the ConfigMap's.
func (c *Cluster) writeControllerConfig(path string, webhookPort int, healthz, metrics string) error {
	objects, err := DecodeManifest(c.KatibConfigMap)
	if err != nil || len(objects) != 1 {
		return fmt.Errorf("katib-config manifest: want one ConfigMap (err %v, %d objects)", err, len(objects))
	}
	text, _, _ := unstructuredString(objects[0].Object, "data", "katib-config.yaml")
	var config map[string]any
	if err := yaml.Unmarshal([]byte(text), &config); err != nil {
		return fmt.Errorf("katib-config.yaml: %w", err)
	}
	config["init"] = map[string]any{
		"certGenerator": map[string]any{"enable": false},
		"controller": map[string]any{
			"webhookPort":          webhookPort,
			"healthzAddr":          healthz,
			"metricsAddr":          metrics,
			"enableLeaderElection": false,
			// Only Jobs: the other kinds we ship (TFJob, PyTorchJob, ...) are the Kubeflow training operator's,
			// whose CRDs this cluster does not have.
			"trialResources": []string{"Job.v1.batch"},
		},
	}
	out, err := yaml.Marshal(config)
	if err != nil {
		return err
	}
	return os.WriteFile(path, out, 0o644)
}

func unstructuredString(obj map[string]any, fields ...string) (string, bool, error) {
	var current any = obj
	for _, field := range fields {
		m, ok := current.(map[string]any)
		if !ok {
			return "", false, nil
		}
		current = m[field]
	}
	s, ok := current.(string)
	return s, ok, nil
}

// ensureMountPoint creates dir if it is missing (and removes it again at Stop), so that it can be mounted on.
func (c *Cluster) ensureMountPoint(dir string) error {
	if _, err := os.Stat(dir); err == nil {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create %s to mount the webhook certificate on: %w", dir, err)
	}
	c.cleanups = append(c.cleanups, func() { _ = os.Remove(dir) })
	return nil
}

// inOwnMountNamespace returns a command line that runs command with each source bind-mounted on its target,
// visible to that process alone. As root, a mount namespace suffices; otherwise a user namespace maps the
// user to root inside it.
func inOwnMountNamespace(mounts map[string]string, command []string) (string, []string) {
	script := ""
	args := []string{}
	i := 1
	for source, target := range mounts {
		script += fmt.Sprintf(`mount --bind "$%d" "$%d" && `, i, i+1)
		args = append(args, source, target)
		i += 2
	}
	script += fmt.Sprintf(`shift %d && exec "$@"`, len(args))
	unshare := []string{"--mount"}
	if os.Geteuid() != 0 {
		unshare = []string{"--user", "--map-root-user", "--mount"}
	}
	full := append(unshare, "--", "/bin/sh", "-c", script, "sh")
	return "unshare", append(append(full, args...), command...)
}

// CanUseMountNamespace reports why the controller cannot get a mount namespace of its own here, or nil.
func CanUseMountNamespace() error {
	binary, args := inOwnMountNamespace(map[string]string{"/etc/hosts": "/etc/hosts"}, []string{"true"})
	cmd := exec.Command(binary, args...)
	if out, err := runWithTimeout(cmd, 30*time.Second); err != nil {
		return fmt.Errorf("%s %v: %v: %s", binary, args, err, out)
	}
	return nil
}

func httpOK(url string) func() error {
	httpClient := &http.Client{Timeout: 2 * time.Second}
	return func() error {
		resp, err := httpClient.Get(url)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("GET %s: %s", url, resp.Status)
		}
		return nil
	}
}

// registerWebhooks installs Katib's webhook configurations as its manifests ship them, except that each
// webhook is reached by URL on 127.0.0.1 instead of through the katib-controller Service.
func (c *Cluster) registerWebhooks(ctx context.Context, ca *certificateAuthority, port int) error {
	manifest, err := os.ReadFile(filepath.Join(c.KatibDir, "manifests/v1beta1/components/webhook/webhooks.yaml"))
	if err != nil {
		return err
	}
	objects, err := DecodeManifest(manifest)
	if err != nil {
		return err
	}
	caBundle := base64.StdEncoding.EncodeToString(ca.certPEM)
	for _, obj := range objects {
		webhooks, _ := obj.Object["webhooks"].([]any)
		for _, w := range webhooks {
			webhook := w.(map[string]any)
			clientConfig := webhook["clientConfig"].(map[string]any)
			service := clientConfig["service"].(map[string]any)
			webhook["clientConfig"] = map[string]any{
				"url":      fmt.Sprintf("https://127.0.0.1:%d%s", port, service["path"]),
				"caBundle": caBundle,
			}
		}
		if err := c.Client.Create(ctx, obj); err != nil {
			return fmt.Errorf("%s: %w", obj.GetKind(), err)
		}
	}
	return nil
}
