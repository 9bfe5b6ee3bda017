// Package testbed starts a real, local Kubernetes control plane for tests and
// the demo: etcd, kube-apiserver, kube-controller-manager and kube-scheduler,
// built from Go modules by `make tools`, plus kwok, which plays the kubelet for
// simulated nodes (no kubelet can run on the machines we test on). Deployments
// really become available, the scheduler really places pods, namespaces really
// finish deleting.
//
// Everything listens on 127.0.0.1 on free ports and lives in a temporary
// directory; Stop removes it, and child processes die with the test binary
// however it ends (see spawner).
package testbed

import (
	"context"
	_ "embed"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

//go:embed kwok-stages.yaml
var kwokStages []byte

// Binaries the harness needs, looked up in Options.BinDir.
var Binaries = []string{"etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok"}

// Options configures Start. The zero value is usable.
type Options struct {
	// BinDir holds the binaries named in Binaries. Default: $TWOI2CHUB_TOOLS_BIN,
	// else tools/bin in the enclosing checkout (where `make tools` links them).
	BinDir string
	// Dir is the working directory; default a new temporary directory, removed by Stop.
	Dir string
	// Nodes to register; default DefaultNodes().
	Nodes []Node
	// Timeout bounds the whole start-up; default 60s.
	Timeout time.Duration
	// Logf receives progress lines (t.Logf in tests); may be nil.
	Logf func(format string, args ...any)
}

// ControlPlane is a running local cluster.
type ControlPlane struct {
	// Host is the API server URL (https://127.0.0.1:<port>).
	Host string
	// CACertPEM is the cluster CA, for cluster_ca_certificate.
	CACertPEM string
	// Token authenticates as a cluster administrator (bearer token).
	Token string
	// ClientCertPEM and ClientKeyPEM authenticate as a cluster administrator.
	ClientCertPEM, ClientKeyPEM string
	// KubeconfigPath is a kubeconfig with context "testbed" using the client certificate.
	KubeconfigPath string
	// Dir is the working directory with every process's log.
	Dir string
	// ReadyAfter is how long Start took until the API and all nodes were ready.
	ReadyAfter time.Duration
	// Nodes are the simulated nodes registered.
	Nodes []Node

	procs   []*process
	cancel  context.CancelFunc // stops in-process helpers (the provisioner)
	mu      sync.Mutex         // guards procs while the API server restarts
	ownDir  bool
	logf    func(string, ...any)
	stopped bool
}

// Start brings up the control plane and returns once the API answers, every
// node is Ready and the controller manager is working. On error everything
// already started is stopped.
func Start(ctx context.Context, opts Options) (cp *ControlPlane, err error) {
	began := time.Now()
	if opts.Timeout == 0 {
		opts.Timeout = 60 * time.Second
	}
	if opts.Nodes == nil {
		opts.Nodes = DefaultNodes()
	}
	if opts.Logf == nil {
		opts.Logf = func(string, ...any) {}
	}
	ctx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()

	binDir, err := findBinDir(opts.BinDir)
	if err != nil {
		return nil, err
	}
	cp = &ControlPlane{Nodes: opts.Nodes, logf: opts.Logf, Dir: opts.Dir}
	if cp.Dir == "" {
		if cp.Dir, err = os.MkdirTemp("", "twoi2chub-testbed-"); err != nil {
			return nil, err
		}
		cp.ownDir = true
	}
	defer func() {
		if err != nil {
			cp.Stop()
			cp = nil
		}
	}()

	certs, err := newPKI(cp.Dir)
	if err != nil {
		return cp, fmt.Errorf("making certificates: %w", err)
	}
	ports, err := freePorts(3)
	if err != nil {
		return cp, err
	}
	etcdClient := fmt.Sprintf("http://127.0.0.1:%d", ports[0])
	etcdPeer := fmt.Sprintf("http://127.0.0.1:%d", ports[1])
	cp.Host = fmt.Sprintf("https://127.0.0.1:%d", ports[2])
	cp.CACertPEM = string(certs.CAPEM)
	cp.ClientCertPEM, cp.ClientKeyPEM = string(certs.AdminCertPEM), string(certs.AdminKeyPEM)
	cp.Token = randomToken()
	tokenFile := filepath.Join(cp.Dir, "tokens.csv")
	if err := os.WriteFile(tokenFile, []byte(cp.Token+",testbed-admin,testbed-admin,\"system:masters\"\n"), 0o600); err != nil {
		return cp, err
	}
	cp.KubeconfigPath = filepath.Join(cp.Dir, "kubeconfig")
	if err := cp.writeKubeconfig(certs); err != nil {
		return cp, err
	}
	stagesFile := filepath.Join(cp.Dir, "kwok-stages.yaml")
	if err := os.WriteFile(stagesFile, kwokStages, 0o600); err != nil {
		return cp, err
	}

	etcd, err := cp.start(binDir, "etcd",
		"--name=testbed",
		"--data-dir="+filepath.Join(cp.Dir, "etcd"),
		"--listen-client-urls="+etcdClient, "--advertise-client-urls="+etcdClient,
		"--listen-peer-urls="+etcdPeer, "--initial-advertise-peer-urls="+etcdPeer,
		"--initial-cluster=testbed="+etcdPeer,
		"--unsafe-no-fsync", // a test bed: durability is not wanted, speed is
		"--log-level=warn",
	)
	if err != nil {
		return cp, err
	}
	apiserver, err := cp.start(binDir, "kube-apiserver",
		"--etcd-servers="+etcdClient,
		"--bind-address=127.0.0.1",
		"--advertise-address=127.0.0.1",
		"--endpoint-reconciler-type=none", // v1.37 refuses a loopback advertise address otherwise
		"--secure-port="+strconv.Itoa(ports[2]),
		"--cert-dir="+cp.Dir,
		"--tls-cert-file="+certs.ServingCert, "--tls-private-key-file="+certs.ServingKey,
		"--client-ca-file="+certs.CAFile,
		"--token-auth-file="+tokenFile,
		"--service-account-key-file="+certs.SAPublicKey,
		"--service-account-signing-key-file="+certs.SAPrivateKey,
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-cluster-ip-range=10.96.0.0/16", // room for the Services of many hubs (make bench)
		"--authorization-mode=RBAC",
		"--allow-privileged=true",
		"--profiling=false",
		"--v=1",
	)
	if err != nil {
		return cp, err
	}

	admin := &rest.Config{
		Host:            cp.Host,
		BearerToken:     cp.Token,
		TLSClientConfig: rest.TLSClientConfig{CAData: certs.CAPEM},
		QPS:             100,
		Burst:           200,
	}
	client, err := kubernetes.NewForConfig(admin)
	if err != nil {
		return cp, err
	}
	if err := waitFor(ctx, "kube-apiserver /readyz", []*process{etcd, apiserver}, func(ctx context.Context) bool {
		body, err := client.Discovery().RESTClient().Get().AbsPath("/readyz").DoRaw(ctx)
		return err == nil && strings.TrimSpace(string(body)) == "ok"
	}); err != nil {
		return cp, err
	}
	cp.logf("testbed: API server ready at %s after %s", cp.Host, time.Since(began).Round(time.Millisecond))

	// Nodes exist, with their capacity, before kwok starts managing them.
	for _, n := range cp.Nodes {
		if err := registerNode(ctx, client, n); err != nil {
			return cp, fmt.Errorf("registering node %s: %w", n.Name, err)
		}
	}

	kubeconfigArg := "--kubeconfig=" + cp.KubeconfigPath
	kcm, err := cp.start(binDir, "kube-controller-manager", kubeconfigArg,
		"--controllers=*",
		"--leader-elect=false",
		"--secure-port=0",
		"--service-account-private-key-file="+certs.SAPrivateKey,
		"--root-ca-file="+certs.CAFile,
		"--use-service-account-credentials=false",
		"--v=1",
	)
	if err != nil {
		return cp, err
	}
	scheduler, err := cp.start(binDir, "kube-scheduler", kubeconfigArg,
		"--leader-elect=false",
		"--secure-port=0",
		"--v=1",
	)
	if err != nil {
		return cp, err
	}
	kwok, err := cp.start(binDir, "kwok", kubeconfigArg,
		"--config="+stagesFile,
		"--manage-nodes-with-annotation-selector="+kwokNodeAnnotation+"=fake",
		"--node-lease-duration-seconds=40",
		"--cidr=10.1.0.0/16",
		"--node-ip=10.2.0.1",
	)
	if err != nil {
		return cp, err
	}
	all := []*process{etcd, apiserver, kcm, scheduler, kwok}

	if err := waitFor(ctx, "nodes Ready", all, func(ctx context.Context) bool {
		return nodesReady(ctx, client, len(cp.Nodes))
	}); err != nil {
		return cp, err
	}
	// The default ServiceAccount appears once the controller manager works;
	// pods cannot be created in a namespace before it exists.
	if err := waitFor(ctx, "kube-controller-manager (default ServiceAccount)", all, func(ctx context.Context) bool {
		_, err := client.CoreV1().ServiceAccounts("default").Get(ctx, "default", metav1.GetOptions{})
		return err == nil
	}); err != nil {
		return cp, err
	}
	helpers, stopHelpers := context.WithCancel(context.Background())
	cp.cancel = stopHelpers
	if err := startProvisioner(helpers, client); err != nil {
		return cp, fmt.Errorf("starting the volume provisioner: %w", err)
	}
	go playImageAwaiters(helpers, client)
	cp.ReadyAfter = time.Since(began)
	cp.logf("testbed: control plane ready in %s (%d nodes), logs in %s", cp.ReadyAfter.Round(time.Millisecond), len(cp.Nodes), cp.Dir)
	return cp, nil
}

func (cp *ControlPlane) start(binDir, name string, args ...string) (*process, error) {
	p, err := startProcess(cp.Dir, name, filepath.Join(binDir, name), args...)
	if err != nil {
		return nil, err
	}
	cp.procs = append(cp.procs, p)
	return p, nil
}

// StopAPIServer kills the API server, as a crashed control plane or a lost
// network would look to clients: connections are refused until StartAPIServer.
// Everything else keeps running and reconnects afterwards.
func (cp *ControlPlane) StopAPIServer() {
	cp.mu.Lock()
	defer cp.mu.Unlock()
	for _, p := range cp.procs {
		if p.name == "kube-apiserver" {
			_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
			<-p.done
		}
	}
}

// StartAPIServer starts the API server again, on the same address and data,
// and returns once it is ready.
func (cp *ControlPlane) StartAPIServer(ctx context.Context) error {
	cp.mu.Lock()
	var restarted *process
	for i, p := range cp.procs {
		if p.name != "kube-apiserver" {
			continue
		}
		if done, _ := p.exited(); !done {
			cp.mu.Unlock()
			return fmt.Errorf("the API server is running")
		}
		np, err := p.restart()
		if err != nil {
			cp.mu.Unlock()
			return err
		}
		cp.procs[i], restarted = np, np
	}
	cp.mu.Unlock()
	if restarted == nil {
		return fmt.Errorf("no API server in this control plane")
	}
	client, err := cp.Client()
	if err != nil {
		return err
	}
	return waitFor(ctx, "kube-apiserver /readyz after restart", []*process{restarted}, func(ctx context.Context) bool {
		body, err := client.Discovery().RESTClient().Get().AbsPath("/readyz").DoRaw(ctx)
		return err == nil && strings.TrimSpace(string(body)) == "ok"
	})
}

// PIDs returns the process IDs of the control plane's processes.
func (cp *ControlPlane) PIDs() []int {
	cp.mu.Lock()
	defer cp.mu.Unlock()
	pids := make([]int, 0, len(cp.procs))
	for _, p := range cp.procs {
		pids = append(pids, p.cmd.Process.Pid)
	}
	return pids
}

// Stop ends every process, newest first, and removes the working directory
// when Start created it. Safe to call more than once.
func (cp *ControlPlane) Stop() {
	if cp == nil || cp.stopped {
		return
	}
	cp.stopped = true
	if cp.cancel != nil {
		cp.cancel()
	}
	for i := len(cp.procs) - 1; i >= 0; i-- {
		cp.procs[i].stop(5 * time.Second)
	}
	if cp.ownDir && os.Getenv("TWOI2CHUB_TESTBED_KEEP") == "" {
		_ = os.RemoveAll(cp.Dir)
	}
}

// RESTConfig returns an administrator's client configuration.
func (cp *ControlPlane) RESTConfig() *rest.Config {
	return &rest.Config{
		Host:            cp.Host,
		BearerToken:     cp.Token,
		TLSClientConfig: rest.TLSClientConfig{CAData: []byte(cp.CACertPEM)},
		QPS:             100,
		Burst:           200,
	}
}

// Client returns an administrator's typed client.
func (cp *ControlPlane) Client() (kubernetes.Interface, error) {
	return kubernetes.NewForConfig(cp.RESTConfig())
}

func (cp *ControlPlane) writeKubeconfig(certs *pki) error {
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["testbed"] = &clientcmdapi.Cluster{Server: cp.Host, CertificateAuthorityData: certs.CAPEM}
	cfg.AuthInfos["testbed-admin"] = &clientcmdapi.AuthInfo{ClientCertificateData: certs.AdminCertPEM, ClientKeyData: certs.AdminKeyPEM}
	cfg.Contexts["testbed"] = &clientcmdapi.Context{Cluster: "testbed", AuthInfo: "testbed-admin"}
	cfg.CurrentContext = "testbed"
	return clientcmd.WriteToFile(*cfg, cp.KubeconfigPath)
}

func nodesReady(ctx context.Context, client kubernetes.Interface, want int) bool {
	nodes, err := client.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil || len(nodes.Items) < want {
		return false
	}
	for _, n := range nodes.Items {
		ready := false
		for _, c := range n.Status.Conditions {
			if c.Type == corev1.NodeReady && c.Status == corev1.ConditionTrue {
				ready = true
			}
		}
		if !ready {
			return false
		}
	}
	return true
}

// findBinDir locates the tool binaries and says how to build them when absent.
func findBinDir(dir string) (string, error) {
	if dir == "" {
		dir = os.Getenv("TWOI2CHUB_TOOLS_BIN")
	}
	if dir == "" {
		wd, err := os.Getwd()
		if err != nil {
			return "", err
		}
		for d := wd; ; d = filepath.Dir(d) {
			if _, err := os.Stat(filepath.Join(d, "tools", "build.sh")); err == nil {
				dir = filepath.Join(d, "tools", "bin")
				break
			}
			if filepath.Dir(d) == d {
				return "", fmt.Errorf("testbed: no tools/build.sh above %s; set TWOI2CHUB_TOOLS_BIN", wd)
			}
		}
	}
	var missing []string
	for _, b := range Binaries {
		if _, err := os.Stat(filepath.Join(dir, b)); err != nil {
			missing = append(missing, b)
		}
	}
	if len(missing) > 0 {
		return "", fmt.Errorf("testbed: %s not found in %s; run `make tools` first", strings.Join(missing, ", "), dir)
	}
	return dir, nil
}

// Available reports whether the binaries are in place, with the reason if not.
func Available() (bool, string) {
	if _, err := findBinDir(""); err != nil {
		return false, err.Error()
	}
	return true, ""
}

func freePorts(n int) ([]int, error) {
	ports := make([]int, 0, n)
	var listeners []net.Listener
	defer func() {
		for _, l := range listeners {
			l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		listeners = append(listeners, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// NamespacedWatches returns how many watches on a resource (for example
// "deployments") are open in a single namespace, from the API server's own
// apiserver_longrunning_requests gauge. The controllers watch cluster-wide,
// so a test can tell from it that a client it runs has started waiting.
func (cp *ControlPlane) NamespacedWatches(ctx context.Context, resource string) (int, error) {
	client, err := cp.Client()
	if err != nil {
		return 0, err
	}
	body, err := client.Discovery().RESTClient().Get().AbsPath("/metrics").DoRaw(ctx)
	if err != nil {
		return 0, err
	}
	return namespacedWatches(string(body), resource), nil
}

// namespacedWatches sums, in Prometheus text format, the gauge's samples for
// WATCH requests on resource at namespace scope.
func namespacedWatches(metrics, resource string) int {
	const gauge = "apiserver_longrunning_requests{"
	total := 0
	for _, line := range strings.Split(metrics, "\n") {
		rest, found := strings.CutPrefix(line, gauge)
		labels, value, ok := strings.Cut(rest, "} ")
		if !found || !ok {
			continue
		}
		labels = "," + labels + ","
		if !strings.Contains(labels, `,resource="`+resource+`",`) ||
			!strings.Contains(labels, `,scope="namespace",`) ||
			!strings.Contains(labels, `,verb="WATCH",`) {
			continue
		}
		if n, err := strconv.ParseFloat(strings.TrimSpace(value), 64); err == nil {
			total += int(n)
		}
	}
	return total
}
