package testbed

import (
	"context"
	"fmt"
	"log"
	"os"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// EnvRun asks for the control plane in unit-test runs; acceptance runs
// (TF_ACC set) always get it.
const EnvRun = "TWOI2CHUB_TESTBED"

// EnvTimeout overrides how long the control plane may take to start, e.g. "5m".
const EnvTimeout = "TWOI2CHUB_TESTBED_TIMEOUT"

var shared *ControlPlane

// Wanted reports whether this test run should start a control plane.
func Wanted() bool { return os.Getenv("TF_ACC") != "" || os.Getenv(EnvRun) != "" }

// RunMain is for a test binary's TestMain: when Wanted, it starts one control
// plane for all the binary's tests, runs them, and stops it. A control plane
// that is wanted but cannot start fails the run rather than skipping tests.
func RunMain(m *testing.M) int {
	if !Wanted() {
		return m.Run()
	}
	opts := Options{Logf: log.Printf}
	// A loaded machine (several runs on two cores) may need longer to start.
	if d, err := time.ParseDuration(os.Getenv(EnvTimeout)); err == nil {
		opts.Timeout = d
	}
	cp, err := Start(context.Background(), opts)
	if err != nil {
		fmt.Fprintf(os.Stderr, "testbed: cannot start the local control plane: %v\n", err)
		return 1
	}
	defer cp.Stop()
	shared = cp
	return m.Run()
}

// Get returns the binary's control plane, or skips the test when this run did
// not ask for one (see Wanted).
func Get(t testing.TB) *ControlPlane {
	t.Helper()
	if shared == nil {
		t.Skipf("no local control plane in this run: set %s=1 or TF_ACC=1 (make test does)", EnvRun)
	}
	return shared
}

// Namespace creates a namespace for one test, named after it, and deletes it
// when the test ends. Its default ServiceAccount exists when this returns.
func (cp *ControlPlane) Namespace(t testing.TB) string {
	t.Helper()
	client, err := cp.Client()
	if err != nil {
		t.Fatal(err)
	}
	name := strings.ToLower(strings.NewReplacer("/", "-", "_", "-").Replace(t.Name()))
	if len(name) > 50 {
		name = name[:50]
	}
	name = strings.Trim(name, "-") + "-" + randomToken()[:6]
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}
	if _, err := client.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil {
		t.Fatalf("creating namespace %s: %v", name, err)
	}
	t.Cleanup(func() {
		_ = client.CoreV1().Namespaces().Delete(context.Background(), name, metav1.DeleteOptions{})
	})
	for {
		if _, err := client.CoreV1().ServiceAccounts(name).Get(ctx, "default", metav1.GetOptions{}); err == nil {
			return name
		}
		select {
		case <-ctx.Done():
			t.Fatalf("namespace %s: default ServiceAccount never appeared", name)
		case <-time.After(50 * time.Millisecond):
		}
	}
}
