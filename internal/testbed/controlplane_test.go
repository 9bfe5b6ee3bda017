package testbed

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

func TestMain(m *testing.M) { os.Exit(RunMain(m)) }

func TestControlPlaneNodes(t *testing.T) {
	cp := Get(t)
	t.Logf("control plane was ready after %s", cp.ReadyAfter.Round(time.Millisecond))
	client, err := cp.Client()
	if err != nil {
		t.Fatal(err)
	}
	v, err := client.Discovery().ServerVersion()
	if err != nil {
		t.Fatal(err)
	}
	if v.GitVersion != "v1.37.2" {
		t.Errorf("server version %q; the z2jh chart checks kubeVersion, so the build must stamp it", v.GitVersion)
	}
	nodes, err := client.CoreV1().Nodes().List(context.Background(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]corev1.Node{}
	for _, n := range nodes.Items {
		byName[n.Name] = n
	}
	for _, want := range DefaultNodes() {
		n, ok := byName[want.Name]
		if !ok {
			t.Errorf("node %s missing", want.Name)
			continue
		}
		if n.Labels[NodePurposeLabel] != want.Purpose {
			t.Errorf("node %s purpose %q, want %q", n.Name, n.Labels[NodePurposeLabel], want.Purpose)
		}
		// kwok must keep the capacity we registered, not its own 1k CPU default.
		cpu := n.Status.Allocatable[corev1.ResourceCPU]
		if cpu.String() != want.CPU {
			t.Errorf("node %s allocatable cpu %s, want %s", n.Name, cpu.String(), want.CPU)
		}
		gpus := n.Status.Allocatable[GPUResource]
		if gpus.Value() != want.GPUs {
			t.Errorf("node %s GPUs %d, want %d", n.Name, gpus.Value(), want.GPUs)
		}
	}
}

// TestDeploymentBecomesAvailable shows the scheduler, the controller manager
// and kwok working together: a Deployment's pods are scheduled, run and turn
// Ready, and the Deployment reports them available.
func TestDeploymentBecomesAvailable(t *testing.T) {
	cp := Get(t)
	ns := cp.Namespace(t)
	client, err := cp.Client()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	labels := map[string]string{"app": "web"}
	dep := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "web"},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr.To[int32](2),
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{
					NodeSelector: map[string]string{NodePurposeLabel: "core"},
					Containers: []corev1.Container{{Name: "web", Image: "registry.example/web:1",
						Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: resourceQ("500m")}}}},
				},
			},
		},
	}
	if _, err := client.AppsV1().Deployments(ns).Create(ctx, dep, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	for {
		d, err := client.AppsV1().Deployments(ns).Get(ctx, "web", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if d.Status.AvailableReplicas == 2 {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("deployment never became available: %+v", d.Status)
		case <-time.After(100 * time.Millisecond):
		}
	}
	t.Logf("deployment available after %s", time.Since(start).Round(time.Millisecond))
	pods, err := client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pods.Items {
		if p.Spec.NodeName != "core-0" || p.Status.Phase != corev1.PodRunning {
			t.Errorf("pod %s on %q in phase %s; want Running on core-0", p.Name, p.Spec.NodeName, p.Status.Phase)
		}
	}
}

// TestNamespaceDeletionCompletes shows namespaces really go away (with only an
// API server they would stay Terminating forever).
func TestNamespaceDeletionCompletes(t *testing.T) {
	cp := Get(t)
	client, err := cp.Client()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	ns := cp.Namespace(t)
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "data"}, Data: map[string]string{"k": "v"}}
	if _, err := client.CoreV1().ConfigMaps(ns).Create(ctx, cm, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := client.CoreV1().Namespaces().Delete(ctx, ns, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	for {
		_, err := client.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("namespace %s still present: %v", ns, err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

const (
	helperModeEnv = "TESTBED_HELPER_MODE"
	helperPIDFile = "TESTBED_HELPER_PIDFILE"
)

// TestHelperProcess is not a test: TestNoLeakedProcesses runs the test binary
// again with this test selected, to start a control plane and then die.
func TestHelperProcess(t *testing.T) {
	mode := os.Getenv(helperModeEnv)
	if mode == "" {
		t.Skip("helper for TestNoLeakedProcesses")
	}
	cp, err := Start(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cp.Stop)
	var pids []string
	for _, pid := range cp.PIDs() {
		pids = append(pids, strconv.Itoa(pid))
	}
	pidFile := os.Getenv(helperPIDFile)
	if err := os.WriteFile(pidFile, []byte(cp.Dir+"\n"+strings.Join(pids, " ")), 0o600); err != nil {
		t.Fatal(err)
	}
	// Die only once the parent has seen the processes running.
	for {
		if _, err := os.Stat(pidFile + ".go"); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	switch mode {
	case "fail":
		t.Fatal("failing on purpose; cleanup runs")
	case "panic":
		panic("panicking on purpose")
	case "exit":
		os.Exit(3) // no cleanup at all
	case "timeout", "sigkill":
		time.Sleep(time.Hour) // ended by -test.timeout or by the parent
	}
}

// TestNoLeakedProcesses starts a control plane in a child test process, ends
// that process in each way a test can end, and checks that no etcd, API
// server, controller manager, scheduler or kwok outlives it.
func TestNoLeakedProcesses(t *testing.T) {
	if ok, why := Available(); !ok {
		if Wanted() {
			t.Fatal(why)
		}
		t.Skip(why)
	}
	for _, mode := range []string{"fail", "panic", "exit", "timeout", "sigkill"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			pidFile := filepath.Join(t.TempDir(), "pids")
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestHelperProcess$", "-test.timeout=30s")
			cmd.Env = append(withoutEnv(os.Environ(), "TF_ACC", EnvRun), helperModeEnv+"="+mode, helperPIDFile+"="+pidFile)
			out := &strings.Builder{}
			cmd.Stdout, cmd.Stderr = out, out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			var dir string
			var pids []int
			for dir == "" {
				if data, err := os.ReadFile(pidFile); err == nil && strings.Contains(string(data), "\n") {
					lines := strings.SplitN(string(data), "\n", 2)
					dir = lines[0]
					for _, f := range strings.Fields(lines[1]) {
						pid, _ := strconv.Atoi(f)
						pids = append(pids, pid)
					}
				}
				select {
				case <-ctx.Done():
					t.Fatalf("helper never started its control plane:\n%s", out)
				case <-time.After(100 * time.Millisecond):
				}
			}
			t.Cleanup(func() { os.RemoveAll(dir) })
			if len(pids) != len(Binaries) {
				t.Fatalf("helper reported %d processes, want %d", len(pids), len(Binaries))
			}
			for _, pid := range pids {
				if !alive(pid) {
					t.Fatalf("process %d was not running while the helper lived", pid)
				}
			}
			if err := os.WriteFile(pidFile+".go", nil, 0o600); err != nil {
				t.Fatal(err)
			}
			if mode == "sigkill" {
				_ = cmd.Process.Signal(syscall.SIGKILL)
			}
			err := cmd.Wait()
			if err == nil {
				t.Fatalf("helper in mode %s exited successfully:\n%s", mode, out)
			}
			deadline := time.Now().Add(10 * time.Second)
			for _, pid := range pids {
				for alive(pid) {
					if time.Now().After(deadline) {
						t.Fatalf("process %d (%s) outlived the test process ended by %s", pid, procName(pid), mode)
					}
					time.Sleep(50 * time.Millisecond)
				}
			}
		})
	}
}

// alive reports whether pid runs; a zombie waiting to be reaped counts as dead.
func alive(pid int) bool {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	s := string(data)
	if i := strings.LastIndexByte(s, ')'); i >= 0 && i+2 < len(s) {
		return s[i+2] != 'Z' && s[i+2] != 'X'
	}
	return true
}

func procName(pid int) string {
	data, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
	return strings.TrimSpace(string(data))
}

func withoutEnv(env []string, names ...string) []string {
	out := env[:0:0]
next:
	for _, kv := range env {
		for _, n := range names {
			if strings.HasPrefix(kv, n+"=") {
				continue next
			}
		}
		out = append(out, kv)
	}
	return out
}

func resourceQ(s string) resource.Quantity { return resource.MustParse(s) }

// TestVolumesAreProvisioned: a claim of the default class gets a volume and
// the controller manager binds them, as on a cloud cluster.
func TestVolumesAreProvisioned(t *testing.T) {
	cp := Get(t)
	ns := cp.Namespace(t)
	client, err := cp.Client()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	pvc := &corev1.PersistentVolumeClaim{
		ObjectMeta: metav1.ObjectMeta{Name: "claim-ada"},
		Spec: corev1.PersistentVolumeClaimSpec{
			AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
			Resources:   corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resourceQ("10Gi")}},
		},
	}
	if _, err := client.CoreV1().PersistentVolumeClaims(ns).Create(ctx, pvc, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	for {
		got, err := client.CoreV1().PersistentVolumeClaims(ns).Get(ctx, "claim-ada", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if got.Status.Phase == corev1.ClaimBound {
			if got.Spec.StorageClassName == nil || *got.Spec.StorageClassName != StorageClassName {
				t.Errorf("claim class %v, want the default %q", got.Spec.StorageClassName, StorageClassName)
			}
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("claim never bound: %+v", got.Status)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func TestNamespacedWatchesParsing(t *testing.T) {
	metrics := `# TYPE apiserver_longrunning_requests gauge
apiserver_longrunning_requests{component="apiserver",group="apps",resource="deployments",scope="cluster",subresource="",verb="WATCH",version="v1"} 3
apiserver_longrunning_requests{component="apiserver",group="apps",resource="deployments",scope="namespace",subresource="",verb="WATCH",version="v1"} 2
apiserver_longrunning_requests{component="apiserver",group="apps",resource="statefulsets",scope="namespace",subresource="",verb="WATCH",version="v1"} 5
apiserver_longrunning_requests{component="apiserver",group="",resource="pods",scope="namespace",subresource="log",verb="CONNECT",version="v1"} 1
apiserver_request_total{resource="deployments",scope="namespace",verb="WATCH"} 40
`
	if got := namespacedWatches(metrics, "deployments"); got != 2 {
		t.Errorf("deployments: %d, want 2", got)
	}
	if got := namespacedWatches(metrics, "pods"); got != 0 {
		t.Errorf("pods: %d, want 0 (a CONNECT is not a watch)", got)
	}
}
