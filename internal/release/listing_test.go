package release

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/z2jhtest"
)

// requestLog records the requests a Client sends.
type requestLog struct {
	mu    sync.Mutex
	lines []string // "GET /apis/rbac.authorization.k8s.io/v1/clusterroles"
}

func (l *requestLog) count(method, pathPrefix string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, line := range l.lines {
		if strings.HasPrefix(line, method+" "+pathPrefix) {
			n++
		}
	}
	return n
}

func (l *requestLog) reset() {
	l.mu.Lock()
	l.lines = nil
	l.mu.Unlock()
}

type loggingTransport struct {
	next http.RoundTripper
	log  *requestLog
}

func (t loggingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.log.mu.Lock()
	t.log.lines = append(t.log.lines, req.Method+" "+req.URL.Path)
	t.log.mu.Unlock()
	return t.next.RoundTrip(req)
}

// newCountedClient is a Client on the test bed whose every request is logged.
func newCountedClient(t *testing.T) (*Client, kubernetes.Interface, *requestLog, string) {
	t.Helper()
	_, cs, cp := newClient(t)
	log := &requestLog{}
	cfg := cp.RESTConfig()
	cfg.Wrap(func(rt http.RoundTripper) http.RoundTripper { return loggingTransport{next: rt, log: log} })
	counted, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(cfg, counted)
	if err != nil {
		t.Fatal(err)
	}
	return c, cs, log, cp.Namespace(t)
}

// hubObjects are the cluster-scoped objects the real chart names after a release.
func hubObjects(name string) []Object {
	return []Object{
		{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "ClusterRole", Name: name + "-user-scheduler"},
		{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "ClusterRoleBinding", Name: name + "-user-scheduler"},
		{APIVersion: "scheduling.k8s.io/v1", Kind: "PriorityClass", Name: name + "-default-priority"},
	}
}

// TestCollisionsShareOneListing: checking the cluster-wide names of many
// hubs in one plan lists each kind once, not one read per object per hub,
// and still finds the one name taken by another release.
func TestCollisionsShareOneListing(t *testing.T) {
	c, cs, log, ns := newCountedClient(t)
	ctx := ctxFor(t)
	taken := fmt.Sprintf("taken-%d", time.Now().UnixNano())
	role := &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: taken + "-user-scheduler", Annotations: map[string]string{
		"meta.helm.sh/release-namespace": "elsewhere", "meta.helm.sh/release-name": taken}}}
	if _, err := cs.RbacV1().ClusterRoles().Create(ctx, role, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cs.RbacV1().ClusterRoles().Delete(ctx, role.Name, metav1.DeleteOptions{}) })

	var found []Collision
	for i := range 10 {
		name := fmt.Sprintf("free-%d", i)
		if i == 7 {
			name = taken
		}
		got, err := c.Collisions(ctx, ns, name, hubObjects(name))
		if err != nil {
			t.Fatal(err)
		}
		found = append(found, got...)
	}
	if len(found) != 1 || found[0].Object.Name != role.Name || found[0].OwnerNamespace != "elsewhere" || found[0].OwnerRelease != taken {
		t.Errorf("collisions of 10 hubs: %v, want only %s owned by elsewhere/%s", found, role.Name, taken)
	}
	if got := log.count("GET", "/apis/"); got != 3 {
		t.Errorf("10 hubs' collision checks sent %d requests, want 3 (one listing per kind): %v", got, log.lines)
	}
	// The release's own objects are not collisions.
	if got, err := c.Collisions(ctx, "elsewhere", taken, hubObjects(taken)); err != nil || len(got) != 0 {
		t.Errorf("own objects: %v %v", got, err)
	}
}

// TestNodesShareOneListing: the profile fit checks of many hubs read the
// nodes once.
func TestNodesShareOneListing(t *testing.T) {
	c, _, log, _ := newCountedClient(t)
	ctx := ctxFor(t)
	for range 10 {
		nodes, err := c.Nodes(ctx)
		if err != nil || len(nodes) == 0 {
			t.Fatalf("nodes: %d %v", len(nodes), err)
		}
	}
	if got := log.count("GET", "/api/v1/nodes"); got != 1 {
		t.Errorf("10 hubs' node checks sent %d requests, want 1", got)
	}
}

// TestCollisionSeenAfterApply (real chart): a hub installed by this process is seen by
// the next hub's collision check at once, although the listing was made
// before (Terraform plans each hub again just before applying it, in the
// process that applied the others).
func TestCollisionSeenAfterApply(t *testing.T) {
	c, _, _, ns := newCountedClient(t)
	ctx := ctxFor(t)
	name := fmt.Sprintf("twin-%d", time.Now().UnixNano()%100000)
	objects := hubObjects(name)[:2]
	if got, err := c.Collisions(ctx, "other-namespace", name, objects); err != nil || len(got) != 0 {
		t.Fatalf("before the install: %v %v", got, err)
	}
	if _, err := c.Apply(ctx, ApplyRequest{Namespace: ns, Name: name, Chart: z2jhtest.Chart(t), Values: keepDB, Timeout: 2 * time.Minute}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Uninstall(ctxFor(t), ns, name, time.Minute) })
	got, err := c.Collisions(ctx, "other-namespace", name, objects)
	if err != nil || len(got) != 2 || got[0].OwnerNamespace != ns || got[0].OwnerRelease != name {
		t.Errorf("after installing %s/%s: collisions %v %v, want its ClusterRole and ClusterRoleBinding", ns, name, got, err)
	}
}

// TestLatestUnlessSkipsAnUnchangedRecord: a refresh that knows the revision
// and status reads only the revisions' labels; a change made with Helm (a new
// revision) is read whole, so drift is still seen.
func TestLatestUnlessSkipsAnUnchangedRecord(t *testing.T) {
	c, _, log, ns := newCountedClient(t)
	ctx := ctxFor(t)
	ch := testChart(t)
	if _, err := c.Apply(ctx, ApplyRequest{Namespace: ns, Name: "hub", Chart: ch, Values: keepDB, Timeout: time.Minute}); err != nil {
		t.Fatal(err)
	}
	log.reset()
	info, head, err := c.LatestUnless(ctx, ns, "hub", 1, "deployed")
	if err != nil || info != nil || head == nil || head.Revision != 1 || head.Status != "deployed" {
		t.Fatalf("unchanged: %+v %+v %v", info, head, err)
	}
	if got := log.count("GET", "/api/v1/namespaces/"+ns+"/secrets/"); got != 0 {
		t.Errorf("an unchanged release's record was fetched (%d requests)", got)
	}
	values := map[string]any{"cull": map[string]any{"timeout": 60}}
	if _, err := c.Apply(ctx, ApplyRequest{Namespace: ns, Name: "hub", Chart: ch, Values: values, Timeout: time.Minute}); err != nil {
		t.Fatal(err)
	}
	info, _, err = c.LatestUnless(ctx, ns, "hub", 1, "deployed")
	if err != nil || info == nil || info.Revision != 2 || info.Config["cull"] == nil {
		t.Fatalf("after an upgrade: %+v %v, want revision 2 read whole", info, err)
	}
}
