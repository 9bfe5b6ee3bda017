package provider

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"k8s.io/client-go/util/retry"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/rest"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/hubactivity"
)

// realHub is a JupyterHub from Debian's jupyterhub package running on
// loopback with the dummy authenticator: the activity service with its
// read-only token, and an admin service the test drives it with.
type realHub struct {
	url, token, admin string
	// hubIP and hubPort are where the hub itself (not its proxy) listens,
	// as z2jh's hub Service reaches it.
	hubIP   string
	hubPort int
}

// realHubOptions say how to start a real hub: on which address its hub
// listens (loopback by default), with which activity token (random by
// default) and which scopes for the activity service (hubactivity.Scopes).
type realHubOptions struct {
	hubIP  string
	port   int // of the hub's public proxy; a free one by default
	token  string
	scopes []string
}

func freePort(t *testing.T) int { return freePortOn(t, "127.0.0.1") }

func freePortOn(t *testing.T, ip string) int {
	t.Helper()
	l, err := net.Listen("tcp", net.JoinHostPort(ip, "0"))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func randomToken(t *testing.T) string {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// singleuserStandIn is the command of users' servers: an HTTP server at the
// address JupyterHub gives it, enough for the hub to see it start.
const singleuserStandIn = `import http.server, os, urllib.parse
u = urllib.parse.urlparse(os.environ["JUPYTERHUB_SERVICE_URL"])
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200); self.end_headers(); self.wfile.write(b"ok")
http.server.HTTPServer((u.hostname, u.port), H).serve_forever()
`

// startRealHub starts JupyterHub, or skips when it is not installed.
func startRealHub(t *testing.T) *realHub { return startRealHubWith(t, realHubOptions{}) }

func startRealHubWith(t *testing.T, o realHubOptions) *realHub {
	t.Helper()
	if o.hubIP == "" {
		o.hubIP = "127.0.0.1"
	}
	if o.token == "" {
		o.token = randomToken(t)
	}
	if o.scopes == nil {
		o.scopes = hubactivity.Scopes
	}
	bin, err := exec.LookPath("jupyterhub")
	if err != nil {
		t.Skip("jupyterhub is not installed: apt-get install jupyterhub node-configurable-http-proxy")
	}
	dir := t.TempDir()
	h := &realHub{token: o.token, admin: randomToken(t), hubIP: o.hubIP, hubPort: freePortOn(t, o.hubIP)}
	port := o.port
	if port == 0 {
		port = freePort(t)
	}
	h.url = fmt.Sprintf("http://127.0.0.1:%d/", port)
	if err := os.WriteFile(filepath.Join(dir, "singleuser.py"), []byte(singleuserStandIn), 0o600); err != nil {
		t.Fatal(err)
	}
	config := fmt.Sprintf(`
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = %d
c.JupyterHub.hub_ip = %q
c.JupyterHub.hub_port = %d
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:%d"
c.JupyterHub.db_url = "sqlite:///%s/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "%s/cookie_secret"
c.ConfigurableHTTPProxy.pid_file = "%s/proxy.pid"
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.admin_users = {"ada"}
c.JupyterHub.spawner_class = "simple"
c.Spawner.cmd = ["python3", "%s/singleuser.py"]
c.JupyterHub.services = [
    {"name": %q, "api_token": %q},
    {"name": "tester", "api_token": %q},
]
c.JupyterHub.load_roles = [
    {"name": "activity-reader", "scopes": %s, "services": [%q]},
    {"name": "tester", "scopes": ["admin:users", "admin:servers", "users:activity"], "services": ["tester"]},
]
`, port, h.hubIP, h.hubPort, freePort(t), dir, dir, dir, dir, hubactivity.ServiceName, h.token, h.admin, pyList(o.scopes), hubactivity.ServiceName)
	if err := os.WriteFile(filepath.Join(dir, "jupyterhub_config.py"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-f", filepath.Join(dir, "jupyterhub_config.py"))
	cmd.Dir = dir
	// Debian's configurable-http-proxy finds its modules there; this Node.js does not look by itself.
	cmd.Env = append(os.Environ(), "NODE_PATH=/usr/share/nodejs")
	log, err := os.Create(filepath.Join(dir, "jupyterhub.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
		}
	})
	deadline := time.Now().Add(90 * time.Second)
	for {
		resp, err := http.Get(h.url + "hub/health")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return h
			}
		}
		if time.Now().After(deadline) {
			data, _ := os.ReadFile(filepath.Join(dir, "jupyterhub.log"))
			t.Fatalf("JupyterHub did not answer /hub/health with 200 in 90s (%v):\n%s", err, data)
		}
		time.Sleep(300 * time.Millisecond)
	}
}

func pyList(s []string) string {
	data, _ := json.Marshal(s)
	return string(data)
}

// call makes an API request as the admin service.
func (h *realHub) call(t *testing.T, method, path string, body any) []byte {
	t.Helper()
	var r *bytes.Reader
	if body != nil {
		data, _ := json.Marshal(body)
		r = bytes.NewReader(data)
	} else {
		r = bytes.NewReader(nil)
	}
	req, err := http.NewRequest(method, h.url+"hub/api/"+path, r)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "token "+h.admin)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out bytes.Buffer
	_, _ = out.ReadFrom(resp.Body)
	if resp.StatusCode >= 300 {
		t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, out.String())
	}
	return out.Bytes()
}

// populate makes four users: ada (admin, active now, her server running),
// bob (active 2 days ago), cy (10 days ago), dee (40 days ago).
func (h *realHub) populate(t *testing.T) {
	t.Helper()
	h.call(t, "POST", "users", map[string]any{"usernames": []string{"ada", "bob", "cy", "dee"}})
	h.call(t, "POST", "users/ada/server", nil)
	deadline := time.Now().Add(60 * time.Second)
	for {
		var u hubactivity.User
		_ = json.Unmarshal(h.call(t, "GET", "users/ada", nil), &u)
		if s, ok := u.Servers[""]; ok && s.Ready {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("ada's server did not start in 60s")
		}
		time.Sleep(300 * time.Millisecond)
	}
	now := time.Now().UTC()
	for name, ago := range map[string]time.Duration{"ada": 0, "bob": 48 * time.Hour, "cy": 240 * time.Hour, "dee": 960 * time.Hour} {
		h.call(t, "POST", "users/"+name+"/activity", map[string]any{"last_activity": now.Add(-ago).Format("2006-01-02T15:04:05.000000Z")})
	}
}

// TestAccHubActivityRealJupyterHub reads a real JupyterHub's users with the
// read-only service token kept in a Kubernetes Secret.
func TestAccHubActivityRealJupyterHub(t *testing.T) {
	cp := testAccPreCheck(t)
	h := startRealHub(t)
	h.populate(t)
	cs, err := cp.Client()
	if err != nil {
		t.Fatal(err)
	}
	ns := cp.Namespace(t)
	secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "hub", Namespace: ns}, Data: map[string][]byte{hubactivity.TokenKey: []byte(h.token)}}
	if _, err := cs.CoreV1().Secrets(ns).Create(context.Background(), secret, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	// Servers are seconds old: a max_age of one second makes ada's past it.
	time.Sleep(1100 * time.Millisecond)
	config := func(body string) string {
		return providerKubeconfig(cp) + fmt.Sprintf(`
data "twoi2chub_hub_activity" "test" {
  namespace = %q
  hub_url   = %q
%s
}
`, ns, h.url, body)
	}
	addr := "data.twoi2chub_hub_activity.test"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config(`  max_age = "1s"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("users"), knownvalue.Int64Exact(4)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("admins"), knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("ada")})),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("active_users_24h"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("active_users_7d"), knownvalue.Int64Exact(2)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("active_users_30d"), knownvalue.Int64Exact(3)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("running_servers"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("servers_past_max_age").AtSliceIndex(0).AtMapKey("name"), knownvalue.StringExact("ada")),
					noneInState{"the hub's API token", func() []string { return []string{h.token} }},
				},
			},
			{
				Config: config(``),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("servers_past_max_age"), knownvalue.ListSizeExact(0)),
				},
			},
			{
				Config:      config(`  token_key = "missing"`),
				ExpectError: regexp.MustCompile(`No API token in the Secret`),
			},
		},
	})
	// The token reads and lists, nothing more: it cannot stop a server.
	req, _ := http.NewRequest("DELETE", h.url+"hub/api/users/ada/server", nil)
	req.Header.Set("Authorization", "token "+h.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusNotFound {
		t.Errorf("the activity token stopped a server: %d", resp.StatusCode)
	}
}

// TestAccHubActivityService: the hub resource declares the activity service
// and its read-only role in the real chart's values; the chart generates the
// service's token into its Secret "hub" (never in values or state) and keeps
// it across an upgrade. A real JupyterHub given that token and the deployed
// role's scopes answers the data source, which finds the token from the
// hub's namespace alone.
func TestAccHubActivityService(t *testing.T) {
	e := newHubEnv(t)
	if _, err := exec.LookPath("jupyterhub"); err != nil {
		t.Skip("jupyterhub is not installed: apt-get install jupyterhub node-configurable-http-proxy")
	}
	hubPort := freePort(t)
	var token string
	var deployedScopes []string
	tokens := func() []string { return []string{token} }
	chartToken := func() string {
		s, err := e.client.CoreV1().Secrets(e.ns).Get(e.ctx, "hub", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return string(s.Data[hubactivity.TokenKey])
	}
	withActivity := func(body string) string {
		return hubConfig(e, body) + fmt.Sprintf(`
data "twoi2chub_hub_activity" "test" {
  namespace = twoi2chub_hub.test.namespace
  hub_url   = "http://127.0.0.1:%d/"
}
`, hubPort)
	}
	addr := "data.twoi2chub_hub_activity.test"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: hubConfig(e, ""),
				Check: func(*terraform.State) error {
					hub, _ := e.latest(t).Config["hub"].(map[string]any)
					services, _ := hub["services"].(map[string]any)
					svc, ok := services[hubactivity.ServiceName].(map[string]any)
					if !ok {
						return fmt.Errorf("deployed hub.services lack %s: %v", hubactivity.ServiceName, services)
					}
					if _, ok := svc["apiToken"]; ok {
						return fmt.Errorf("the deployed values hold the service's token")
					}
					roles, _ := hub["loadRoles"].(map[string]any)
					role, _ := roles[hubactivity.ServiceName].(map[string]any)
					deployedScopes = nil
					for _, s := range role["scopes"].([]any) {
						deployedScopes = append(deployedScopes, fmt.Sprint(s))
					}
					if fmt.Sprint(deployedScopes) != "[list:users read:users read:servers]" || fmt.Sprint(role["services"]) != "["+hubactivity.ServiceName+"]" {
						return fmt.Errorf("deployed role %v", role)
					}
					token = chartToken()
					if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(token) {
						return fmt.Errorf("Secret hub holds %s = %q, want 64 random hex digits", hubactivity.TokenKey, token)
					}
					return nil
				},
				ConfigStateChecks: []statecheck.StateCheck{noneInState{"the activity token", tokens}},
			},
			{
				PreConfig: func() {
					h := startRealHubWith(t, realHubOptions{port: hubPort, token: token, scopes: deployedScopes})
					h.populate(t)
				},
				Config: withActivity(""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("users"), knownvalue.Int64Exact(4)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("running_servers"), knownvalue.Int64Exact(1)),
					noneInState{"the activity token", tokens},
				},
			},
			{
				Config: withActivity(`  culling = { enabled = true, timeout = 3600 }`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(hubAddr, tfjsonpath.New("release_revision"), knownvalue.Int64Exact(2)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("users"), knownvalue.Int64Exact(4)),
					noneInState{"the activity token", tokens},
				},
				Check: func(*terraform.State) error {
					if got := chartToken(); got != token {
						return fmt.Errorf("the upgrade changed the activity token")
					}
					return nil
				},
			},
		},
	})
}

// localIP is an address of this machine that is not loopback: the API
// server refuses Endpoints on loopback (and would proxy to itself).
func localIP(t *testing.T) string {
	t.Helper()
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && n.IP.To4() != nil && !n.IP.IsLoopback() && !n.IP.IsLinkLocalUnicast() {
			return n.IP.String()
		}
	}
	t.Skip("this machine has no IPv4 address besides loopback for the hub Service's endpoint")
	return ""
}

// TestAccHubServiceProxyDropsTheHubToken shows why twoi2chub_hub_activity
// needs hub_url instead of the API server's service proxy. The test bed runs
// no pods, so the hub Service has no selector and an EndpointSlice points at
// a real JupyterHub's hub port on this machine (the API server proxies only
// to endpoints that are a pod of the namespace with that IP, never loopback).
// The real kube-apiserver's proxy reaches the hub, but the token cannot go
// with it: JupyterHub takes tokens from the Authorization header only, and
// that header carries the caller's credentials for the API server, which
// removes it once it has authenticated them. The hub refuses through the
// proxy the token it accepts directly.
func TestAccHubServiceProxyDropsTheHubToken(t *testing.T) {
	cp := testAccPreCheck(t)
	ip := localIP(t)
	h := startRealHubWith(t, realHubOptions{hubIP: ip})
	h.populate(t)
	cs, err := cp.Client()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	ns := cp.Namespace(t)
	secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "hub"}, Data: map[string][]byte{hubactivity.TokenKey: []byte(h.token)}}
	svc := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "hub"}, Spec: corev1.ServiceSpec{
		Ports: []corev1.ServicePort{{Name: "hub", Port: 8081, TargetPort: intstr.FromInt32(int32(h.hubPort))}}}}
	if _, err := cs.CoreV1().Secrets(ns).Create(ctx, secret, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := cs.CoreV1().Services(ns).Create(ctx, svc, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	// The API server proxies only to endpoints that are a pod of the
	// namespace with that IP. The pod stands for z2jh's hub pod: it never
	// schedules (no node has its label), so no kubelet or kwok rewrites the
	// address the test gives it.
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "hub-0", Labels: map[string]string{"component": "hub"}}, Spec: corev1.PodSpec{
		NodeSelector: map[string]string{"twoi2chub.test/no-such-node": "true"},
		Containers:   []corev1.Container{{Name: "hub", Image: "hub.invalid/hub:0"}}}}
	pod, err = cs.CoreV1().Pods(ns).Create(ctx, pod, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// The scheduler writes the pod's status too (Unschedulable): retry on
	// its concurrent updates.
	err = retry.RetryOnConflict(retry.DefaultRetry, func() error {
		latest, err := cs.CoreV1().Pods(ns).Get(ctx, pod.Name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		latest.Status.PodIP, latest.Status.PodIPs = ip, []corev1.PodIP{{IP: ip}}
		_, err = cs.CoreV1().Pods(ns).UpdateStatus(ctx, latest, metav1.UpdateOptions{})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	ready, port, portName := true, int32(h.hubPort), "hub"
	slice := &discoveryv1.EndpointSlice{
		ObjectMeta: metav1.ObjectMeta{Name: "hub-manual", Labels: map[string]string{
			discoveryv1.LabelServiceName: "hub", discoveryv1.LabelManagedBy: "twoi2chub-test"}},
		AddressType: discoveryv1.AddressTypeIPv4,
		Endpoints: []discoveryv1.Endpoint{{Addresses: []string{ip}, Conditions: discoveryv1.EndpointConditions{Ready: &ready},
			TargetRef: &corev1.ObjectReference{Kind: "Pod", Namespace: ns, Name: pod.Name}}},
		Ports: []discoveryv1.EndpointPort{{Name: &portName, Port: &port}},
	}
	if _, err := cs.DiscoveryV1().EndpointSlices(ns).Create(ctx, slice, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	// The API server reads EndpointSlices from its informer cache: wait
	// until it has this one before the data source asks.
	deadline := time.Now().Add(30 * time.Second)
	for {
		var code int
		body, _ := cs.CoreV1().RESTClient().Get().AbsPath("/api/v1/namespaces", ns, "services", "hub:8081", "proxy", "hub", "api").Do(ctx).StatusCode(&code).Raw()
		if code == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the API server's proxy to Service hub answers %d: %s", code, body)
		}
		time.Sleep(300 * time.Millisecond)
	}
	proxied := func(withToken func(*rest.Request) *rest.Request) (int, []byte) {
		var code int
		body, _ := withToken(cs.CoreV1().RESTClient().Get().AbsPath("/api/v1/namespaces", ns, "services", "hub:8081", "proxy", "hub", "api", "users")).
			Do(ctx).StatusCode(&code).Raw()
		return code, body
	}
	// In the URL the token passes the API server, but JupyterHub does not read it there.
	code, body := proxied(func(r *rest.Request) *rest.Request { return r.Param("token", h.token) })
	if code != http.StatusForbidden || !regexp.MustCompile(`requires any of \[list:users\]`).Match(body) {
		t.Fatalf("with the token in the URL, through the service proxy the hub answered %d: %s; if it now takes the token, make hub_url optional again", code, body)
	}
	// In the Authorization header it replaces the caller's own credentials
	// for the API server, which would remove it anyway.
	code, body = proxied(func(r *rest.Request) *rest.Request { return r.SetHeader("Authorization", "token "+h.token) })
	if code != http.StatusForbidden && code != http.StatusUnauthorized {
		t.Fatalf("with the token in the Authorization header, the service proxy answered %d: %s", code, body)
	}
	req, _ := http.NewRequest("GET", fmt.Sprintf("http://%s/hub/api/users", net.JoinHostPort(ip, fmt.Sprint(h.hubPort))), nil)
	req.Header.Set("Authorization", "token "+h.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("directly the hub answered %d to the same token", resp.StatusCode)
	}
	// The data source at the hub's own address reads the users.
	addr := "data.twoi2chub_hub_activity.test"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerKubeconfig(cp) + fmt.Sprintf(`
data "twoi2chub_hub_activity" "test" {
  namespace = %q
  hub_url   = "http://%s/"
}
`, ns, net.JoinHostPort(ip, fmt.Sprint(h.hubPort))),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("users"), knownvalue.Int64Exact(4)),
				noneInState{"the hub's API token", func() []string { return []string{h.token} }},
			},
		}},
	})
}
