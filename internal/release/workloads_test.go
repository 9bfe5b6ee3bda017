package release

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"helm.sh/helm/v3/pkg/chart"
	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

func TestWorkloadReadiness(t *testing.T) {
	sts := func(gen, observed int64, want, ready, updated int32, cur, upd string, strategy appsv1.StatefulSetUpdateStrategy) *appsv1.StatefulSet {
		return &appsv1.StatefulSet{ObjectMeta: metav1.ObjectMeta{Generation: gen},
			Spec:   appsv1.StatefulSetSpec{Replicas: ptr.To(want), UpdateStrategy: strategy},
			Status: appsv1.StatefulSetStatus{ObservedGeneration: observed, ReadyReplicas: ready, UpdatedReplicas: updated, CurrentRevision: cur, UpdateRevision: upd}}
	}
	rolling := appsv1.StatefulSetUpdateStrategy{Type: appsv1.RollingUpdateStatefulSetStrategyType}
	onDelete := appsv1.StatefulSetUpdateStrategy{Type: appsv1.OnDeleteStatefulSetStrategyType}
	partitioned := appsv1.StatefulSetUpdateStrategy{Type: appsv1.RollingUpdateStatefulSetStrategyType,
		RollingUpdate: &appsv1.RollingUpdateStatefulSetStrategy{Partition: ptr.To(int32(2))}}
	for _, c := range []struct {
		name string
		s    *appsv1.StatefulSet
		want bool
	}{
		{"rolled out", sts(2, 2, 3, 3, 3, "r2", "r2", rolling), true},
		{"spec not seen yet", sts(3, 2, 3, 3, 3, "r2", "r2", rolling), false},
		{"a replica not ready", sts(2, 2, 3, 2, 3, "r2", "r2", rolling), false},
		{"old revision still current", sts(2, 2, 3, 3, 1, "r1", "r2", rolling), false},
		{"OnDelete: ready is enough", sts(2, 2, 3, 3, 0, "r1", "r2", onDelete), true},
		{"partition 2 of 3: one updated is enough", sts(2, 2, 3, 3, 1, "r1", "r2", partitioned), true},
	} {
		if got := StatefulSetReady(c.s); got != c.want {
			t.Errorf("StatefulSet %s: ready %v, want %v", c.name, got, c.want)
		}
	}

	ds := func(gen, observed int64, desired, ready, available, updated int32, strategy appsv1.DaemonSetUpdateStrategyType) *appsv1.DaemonSet {
		return &appsv1.DaemonSet{ObjectMeta: metav1.ObjectMeta{Generation: gen},
			Spec: appsv1.DaemonSetSpec{UpdateStrategy: appsv1.DaemonSetUpdateStrategy{Type: strategy}},
			Status: appsv1.DaemonSetStatus{ObservedGeneration: observed, DesiredNumberScheduled: desired, NumberReady: ready,
				NumberAvailable: available, UpdatedNumberScheduled: updated}}
	}
	for _, c := range []struct {
		name string
		d    *appsv1.DaemonSet
		want bool
	}{
		{"a pod on every node", ds(1, 1, 3, 3, 3, 3, appsv1.RollingUpdateDaemonSetStrategyType), true},
		{"no node to run on", ds(1, 1, 0, 0, 0, 0, appsv1.RollingUpdateDaemonSetStrategyType), true},
		{"spec not seen yet", ds(2, 1, 3, 3, 3, 3, appsv1.RollingUpdateDaemonSetStrategyType), false},
		{"one node without an available pod", ds(1, 1, 3, 3, 2, 3, appsv1.RollingUpdateDaemonSetStrategyType), false},
		{"rolling update under way", ds(2, 2, 3, 3, 3, 1, appsv1.RollingUpdateDaemonSetStrategyType), false},
		{"OnDelete: old pods count", ds(2, 2, 3, 3, 3, 0, appsv1.OnDeleteDaemonSetStrategyType), true},
	} {
		if got := DaemonSetReady(c.d); got != c.want {
			t.Errorf("DaemonSet %s: ready %v, want %v", c.name, got, c.want)
		}
	}
}

// workloadChart is a chart of a StatefulSet (with a volume claim template)
// and a DaemonSet, as monitoring charts have (alertmanager, node-exporter).
func workloadChart(image string) *chart.Chart {
	tmpl := fmt.Sprintf(`apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: store
spec:
  replicas: 2
  serviceName: store
  selector:
    matchLabels: {app: store}
  template:
    metadata:
      labels: {app: store}
    spec:
      containers:
      - name: store
        image: registry.example.org/store:1
  volumeClaimTemplates:
  - metadata:
      name: data
    spec:
      accessModes: [ReadWriteOnce]
      resources:
        requests:
          storage: 1Gi
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector:
    matchLabels: {app: agent}
  template:
    metadata:
      labels: {app: agent}
    spec:
      tolerations:
      - operator: Exists
      containers:
      - name: agent
        image: %s
`, image)
	return &chart.Chart{
		Metadata:  &chart.Metadata{APIVersion: "v2", Name: "workloads", Version: "1.0.0"},
		Templates: []*chart.File{{Name: "templates/workloads.yaml", Data: []byte(tmpl)}},
	}
}

// TestApplyWaitsForStatefulSetsAndDaemonSets installs a StatefulSet and a
// DaemonSet, waited for until ready; then an upgrade whose DaemonSet image
// does not pull fails naming the DaemonSet, its pods per node and the image,
// and is rolled back.
func TestApplyWaitsForStatefulSetsAndDaemonSets(t *testing.T) {
	c, cs, cp := newClient(t)
	ns := cp.Namespace(t)
	ctx := ctxFor(t)

	res, err := c.Apply(ctx, ApplyRequest{Namespace: ns, Name: "monitoring", Chart: workloadChart("registry.example.org/agent:1"), Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Info.Deployed() {
		t.Fatalf("install: %+v", res.Info)
	}
	s, err := cs.AppsV1().StatefulSets(ns).Get(ctx, "store", metav1.GetOptions{})
	if err != nil || !StatefulSetReady(s) {
		t.Fatalf("Apply returned before the StatefulSet was ready: %+v, %v", s.Status, err)
	}
	d, err := cs.AppsV1().DaemonSets(ns).Get(ctx, "agent", metav1.GetOptions{})
	if err != nil || !DaemonSetReady(d) || d.Status.DesiredNumberScheduled != 3 {
		t.Fatalf("Apply returned before the DaemonSet had a pod on each of the 3 nodes: %+v, %v", d.Status, err)
	}

	_, err = c.Apply(ctx, ApplyRequest{Namespace: ns, Name: "monitoring", Chart: workloadChart("registry.invalid/agent:2"), Timeout: 15 * time.Second})
	var ae *ApplyError
	var nr *NotReadyError
	if !errors.As(err, &ae) || !errors.As(err, &nr) {
		t.Fatalf("want a NotReadyError, got %v", err)
	}
	msg := err.Error()
	for _, want := range []string{"DaemonSets not ready", "DaemonSet " + ns + "/agent:", "of 3 pods available",
		"Image registry.invalid/agent:2 does not pull (ErrImagePull) on nodes", "rolled back to revision 1"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error does not say %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "StatefulSet "+ns+"/store:") {
		t.Errorf("error blames the StatefulSet, which was ready:\n%s", msg)
	}
}

// TestLatestOfReadsManyReleasesInOneRequest installs three releases, upgrades
// one, and reads each one's latest revision with one LIST.
func TestLatestOfReadsManyReleasesInOneRequest(t *testing.T) {
	c, _, cp := newClient(t)
	ns := cp.Namespace(t)
	ctx := ctxFor(t)
	small := func(v string) *chart.Chart {
		return &chart.Chart{Metadata: &chart.Metadata{APIVersion: "v2", Name: "small", Version: v},
			Templates: []*chart.File{{Name: "templates/cm.yaml", Data: []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n")}}}
	}
	for _, name := range []string{"a", "b", "c"} {
		if _, err := c.Apply(ctx, ApplyRequest{Namespace: ns, Name: name, Chart: small("1.0.0"), Timeout: time.Minute}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.Apply(ctx, ApplyRequest{Namespace: ns, Name: "b", Chart: small("1.1.0"), Timeout: time.Minute}); err != nil {
		t.Fatal(err)
	}
	got, err := c.LatestOf(ctx, ns, []string{"a", "b", "c", "missing"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got["b"].Revision != 2 || got["b"].ChartVersion != "1.1.0" || got["a"].Revision != 1 || !got["c"].Deployed() {
		t.Fatalf("LatestOf: %+v", got)
	}
}
