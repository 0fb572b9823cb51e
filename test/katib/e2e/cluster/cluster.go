// Package cluster brings up, on this machine and without containers, what an Experiment needs from a
// Kubernetes cluster with Katib installed: etcd, kube-apiserver, a kube-controller-manager running only the
// garbage-collector and namespace controllers, and Katib's CRDs, webhooks and controller, which uses the DB
// manager it is given. There is no kubelet: the suite stands in for it (see package e2e).
package cluster

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// Options says where the programs and Katib's manifests are and what to install.
type Options struct {
	// BinDir holds kube-apiserver, kube-controller-manager and katib-controller (build.sh).
	BinDir string
	// KatibDir is Katib v0.19.0's source: its CRDs and webhook manifests are installed from there.
	KatibDir string
	// KatibConfigMap is the katib-config ConfigMap manifest to install (deploy/katib-config, rendered).
	KatibConfigMap []byte
	// Namespace is created for the Experiments, labelled as Katib's validator requires.
	Namespace string
	// WorkDir receives data directories, certificates and one log file per program.
	WorkDir string
	// DBManagerAddress is host:port of Katib's DB manager, for the controller.
	DBManagerAddress string
}

// Cluster is a running control plane with Katib. Stop ends every process it started.
type Cluster struct {
	Options
	Config     *rest.Config
	Client     client.Client
	Kubeconfig string
	// ControllerLog is the Katib controller's log file.
	ControllerLog string

	processes []*Process
	hosts     *HostsFile
	cleanups  []func()
}

const startTimeout = 3 * time.Minute

// Start brings the cluster up; on failure it stops what it had started and says which step failed, with the
// end of that program's log.
func Start(ctx context.Context, opts Options) (_ *Cluster, err error) {
	c := &Cluster{Options: opts}
	defer func() {
		if err != nil {
			c.Stop()
		}
	}()
	ctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	for _, dir := range []string{c.path("logs"), c.path("pki")} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
	}
	ca, err := newCertificateAuthority()
	if err != nil {
		return nil, err
	}
	etcdAddress, err := c.startEtcd()
	if err != nil {
		return nil, err
	}
	if err := c.startAPIServer(ctx, ca, etcdAddress); err != nil {
		return nil, err
	}
	if err := c.installCRDs(ctx); err != nil {
		return nil, err
	}
	if err := c.startControllerManager(); err != nil {
		return nil, err
	}
	if err := c.createNamespaces(ctx); err != nil {
		return nil, err
	}
	if err := c.applyManifest(ctx, opts.KatibConfigMap); err != nil {
		return nil, fmt.Errorf("katib-config ConfigMap: %w", err)
	}
	if err := c.startKatibController(ctx, ca); err != nil {
		return nil, err
	}
	return c, nil
}

// Stop ends every process in reverse order of start and undoes what Start changed outside WorkDir.
// Stopping a stopped cluster does nothing.
func (c *Cluster) Stop() {
	for i := len(c.processes) - 1; i >= 0; i-- {
		c.processes[i].Stop(10 * time.Second)
	}
	c.processes = nil
	for i := len(c.cleanups) - 1; i >= 0; i-- {
		c.cleanups[i]()
	}
	c.cleanups = nil
}

// Hosts is the hosts file the Katib controller resolves names with (its own, not the machine's).
func (c *Cluster) Hosts() *HostsFile { return c.hosts }

// Failed returns a description of every process of the cluster that has ended, or nil if all still run.
func (c *Cluster) Failed() error {
	var errs []error
	for _, p := range c.processes {
		select {
		case <-p.Exited():
			errs = append(errs, fmt.Errorf("%s exited (%v); end of %s:\n%s", p.Name, p.ExitError(), p.LogPath, p.Tail(2000)))
		default:
		}
	}
	return errors.Join(errs...)
}

func (c *Cluster) path(parts ...string) string {
	return filepath.Join(append([]string{c.WorkDir}, parts...)...)
}

func (c *Cluster) start(spec ProcessSpec) (*Process, error) {
	p, err := StartProcess(c.path("logs"), spec)
	if err != nil {
		return nil, err
	}
	c.processes = append(c.processes, p)
	return p, nil
}

func (c *Cluster) binary(name string) string { return filepath.Join(c.BinDir, name) }

func (c *Cluster) startEtcd() (string, error) {
	ports, err := freePorts(2)
	if err != nil {
		return "", err
	}
	client := fmt.Sprintf("http://127.0.0.1:%d", ports[0])
	peer := fmt.Sprintf("http://127.0.0.1:%d", ports[1])
	p, err := c.start(ProcessSpec{Name: "etcd", Binary: "etcd", Args: []string{
		"--name=e2e", "--data-dir=" + c.path("etcd"),
		"--listen-client-urls=" + client, "--advertise-client-urls=" + client,
		"--listen-peer-urls=" + peer, "--initial-advertise-peer-urls=" + peer,
		"--initial-cluster=e2e=" + peer,
	}})
	if err != nil {
		return "", err
	}
	address := strings.TrimPrefix(client, "http://")
	return client, waitFor(p, time.Minute, "client port", tcpReady(address))
}

// tokensFile grants the one static token group system:masters: every client of the suite is cluster admin.
const adminToken = "katib-ts-e2e-admin"

func (c *Cluster) startAPIServer(ctx context.Context, ca *certificateAuthority, etcd string) error {
	pki := c.path("pki")
	certFile, keyFile := filepath.Join(pki, "apiserver.crt"), filepath.Join(pki, "apiserver.key")
	if err := ca.writeServingPair(certFile, keyFile); err != nil {
		return err
	}
	caFile := filepath.Join(pki, "ca.crt")
	if err := os.WriteFile(caFile, ca.certPEM, 0o644); err != nil {
		return err
	}
	saKey, saPub, err := writeServiceAccountKeys(pki)
	if err != nil {
		return err
	}
	tokens := filepath.Join(pki, "tokens.csv")
	if err := os.WriteFile(tokens, []byte(adminToken+`,e2e-admin,e2e-admin,"system:masters"`+"\n"), 0o600); err != nil {
		return err
	}
	port, err := freePort()
	if err != nil {
		return err
	}
	p, err := c.start(ProcessSpec{Name: "kube-apiserver", Binary: c.binary("kube-apiserver"), Args: []string{
		"--etcd-servers=" + etcd,
		"--bind-address=127.0.0.1", "--advertise-address=127.0.0.1", fmt.Sprintf("--secure-port=%d", port),
		"--tls-cert-file=" + certFile, "--tls-private-key-file=" + keyFile,
		"--token-auth-file=" + tokens, "--authorization-mode=RBAC",
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file=" + saPub, "--service-account-signing-key-file=" + saKey,
		"--service-cluster-ip-range=10.96.0.0/16", "--allow-privileged=true",
		// The webhooks are reached by URL on 127.0.0.1, and no pods are ever created.
		"--disable-admission-plugins=ServiceAccount",
	}})
	if err != nil {
		return err
	}
	c.Config = &rest.Config{
		Host:            fmt.Sprintf("https://127.0.0.1:%d", port),
		BearerToken:     adminToken,
		TLSClientConfig: rest.TLSClientConfig{CAData: ca.certPEM},
		QPS:             100,
		Burst:           200,
		Timeout:         30 * time.Second,
	}
	c.Kubeconfig = c.path("kubeconfig")
	if err := os.WriteFile(c.Kubeconfig, []byte(kubeconfig(c.Config.Host, caFile)), 0o600); err != nil {
		return err
	}
	if c.Client, err = newClient(c.Config); err != nil {
		return err
	}
	return waitFor(p, 2*time.Minute, "/readyz", func() error { return apiReady(ctx, c.Config) })
}

func kubeconfig(server, caFile string) string {
	return fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: e2e
  cluster:
    server: %s
    certificate-authority: %s
users:
- name: e2e-admin
  user:
    token: %s
contexts:
- name: e2e
  context:
    cluster: e2e
    user: e2e-admin
current-context: e2e
`, server, caFile, adminToken)
}

func (c *Cluster) startControllerManager() error {
	port, err := freePort()
	if err != nil {
		return err
	}
	p, err := c.start(ProcessSpec{Name: "kube-controller-manager", Binary: c.binary("kube-controller-manager"), Args: []string{
		"--kubeconfig=" + c.Kubeconfig,
		"--authentication-kubeconfig=" + c.Kubeconfig, "--authorization-kubeconfig=" + c.Kubeconfig,
		"--bind-address=127.0.0.1", fmt.Sprintf("--secure-port=%d", port),
		"--leader-elect=false",
		// Deleting an Experiment cascades to its Trials, Suggestion, Deployment and Jobs through these two.
		"--controllers=garbage-collector-controller,namespace-controller",
	}})
	if err != nil {
		return err
	}
	return waitFor(p, time.Minute, "secure port", tcpReady(fmt.Sprintf("127.0.0.1:%d", port)))
}
