package hubvalues

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/z2jhtest"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

func f64(v float64) *float64 { return &v }
func i64(v int64) *int64     { return &v }
func boolp(v bool) *bool     { return &v }

// goldenCases are hubs as communities write them; each renders to
// testdata/golden/<name>.yaml.
var goldenCases = map[string]Hub{
	"minimal": {},
	"letsencrypt-profiles": {
		Domain: "hub.example.org",
		HTTPS:  &HTTPS{Mode: HTTPSLetsEncrypt, ContactEmail: "it@example.org"},
		Image:  "quay.io/jupyter/scipy-notebook:2025-01-06",
		Profiles: []Profile{
			{DisplayName: "Small", Description: "1 CPU, 2 GB", Default: true, CPUGuarantee: f64(0.5), CPULimit: f64(1), MemoryGuarantee: "1G", MemoryLimit: "2G"},
			{DisplayName: "GPU (T4)", Slug: "gpu", Image: "quay.io/jupyter/pytorch-notebook:cuda12-2025-01-06", MemoryLimit: "16Gi",
				GPU: &GPU{Count: 1, NodeSelector: map[string]string{"cloud.google.com/gke-accelerator": "nvidia-tesla-t4"},
					Tolerations: []Toleration{{Key: "nvidia.com/gpu", Value: "present", Effect: "NoSchedule"}}}},
			{DisplayName: "Choose an image", ImageChoices: []ImageChoice{
				{DisplayName: "Pangeo", Image: "quay.io/pangeo/pangeo-notebook:2024.12.10", Default: true},
				{DisplayName: "R", Slug: "rocker", Image: "rocker/binder:4.4.2"},
			}},
		},
		Storage:      &Storage{Type: StorageDynamic, Capacity: "10Gi", StorageClass: "standard-rwo"},
		Culling:      &Culling{Enabled: true, Timeout: i64(3600), Every: i64(300), MaxAge: i64(28800), Users: boolp(false)},
		AdminUsers:   []string{"yuvi", "ada"},
		AllowedUsers: []string{"grace", "ada", "yuvi"},
		NodePurpose:  &NodePurpose{Core: "require", User: "prefer"},
	},
	"secret-shared-storage": {
		Domain:  "jupyter.uni.example",
		HTTPS:   &HTTPS{Mode: HTTPSSecret, SecretName: "jupyter-tls"},
		Image:   "ghcr.io/uni/env@sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae",
		Storage: &Storage{Type: StorageShared, ClaimName: "home-nfs"},
	},
	"ingress-nfs": {
		Domain:           "hackweek.example.org",
		Ingress:          &Ingress{ClassName: "nginx", Annotations: map[string]string{"cert-manager.io/cluster-issuer": "letsencrypt"}, TLSSecretName: "hackweek-tls"},
		ProxyServiceType: "ClusterIP",
		Storage:          &Storage{Type: StorageNFS, NFSServer: "10.0.0.2", NFSPath: "/homes", SubPath: "homes/{username}"},
		Culling:          &Culling{Enabled: false},
		UserServers:      &UserServers{DefaultURL: "/lab", Environment: map[string]string{"HACKWEEK": "2026"}},
		ExtraValues: Values{
			"hub": map[string]any{"config": map[string]any{"JupyterHub": map[string]any{"admin_access": false}}},
		},
	},
	"limits-culling": {
		Limits:       &Limits{ActiveServers: i64(200), ConcurrentSpawns: i64(20)},
		NamedServers: &NamedServers{Enabled: true, LimitPerUser: i64(3)},
		Culling: &Culling{Enabled: true, Timeout: i64(1800), Every: i64(300), MaxAge: i64(0), Concurrency: i64(5),
			Users: boolp(false), AdminUsers: boolp(false), RemoveNamedServers: boolp(true)},
	},
	"user-servers": {
		Image:   "quay.io/jupyter/scipy-notebook:2025-01-06",
		Storage: &Storage{Type: StorageNFS, NFSServer: "10.0.0.2", NFSPath: "/homes"},
		UserServers: &UserServers{
			DefaultURL: "/lab", StartTimeout: i64(600),
			CPUGuarantee: f64(0.5), CPULimit: f64(2), MemoryGuarantee: "1G", MemoryLimit: "4G",
			Environment:            map[string]string{"JUPYTERHUB_SINGLEUSER_APP": "jupyter_server.serverapp.ServerApp", "COURSE": "ds101"},
			EnvironmentFromSecrets: map[string]SecretRef{"GH_SCOPED_CREDS": {SecretName: "course-github", Key: "token"}},
			Volumes: []Volume{
				{Name: "shared-data", MountPath: "/home/jovyan/shared-data", ReadOnly: true, NFS: &NFSVolume{Server: "10.0.0.2", Path: "/data"}},
				{Name: "scratch", MountPath: "/home/jovyan/scratch", SubPath: "scratch", ClaimName: "course-scratch"},
			},
			InitContainers: []InitContainer{{
				Name: "home-ownership", Image: "busybox:1.36", Command: []string{"sh", "-c", "chown 1000:100 /home/jovyan"}, RunAsUser: i64(0),
				VolumeMounts: []VolumeMount{{Name: HomeVolume, MountPath: "/home/jovyan", SubPath: "{username}"}},
			}},
			LifecycleHooks: &LifecycleHooks{PostStart: []string{"gitpuller", "https://github.com/example/course", "main", "course"}},
		},
		Profiles: []Profile{
			{DisplayName: "Standard", Default: true, Environment: map[string]string{"OMP_NUM_THREADS": "2"},
				ImageChoices:  []ImageChoice{{DisplayName: "SciPy", Image: "quay.io/jupyter/scipy-notebook:2025-01-06", Default: true}},
				UnlistedImage: &UnlistedImage{DisplayName: "Other image", ValidationRegex: "^quay.io/.+:.+$", ValidationMessage: "An image on quay.io with a tag"}},
			{DisplayName: "Highmem", MemoryGuarantee: "24G", NodeSelector: map[string]string{"cloud.google.com/gke-nodepool": "highmem"},
				Tolerations: []Toleration{{Key: "hub.jupyter.org/dedicated", Value: "highmem", Effect: "NoSchedule"}},
				NodeAffinity: &NodeAffinity{Required: []NodeRequirement{{Key: "node.kubernetes.io/instance-type", Operator: "In", Values: []string{"n2-highmem-4"}}},
					Preferred: []WeightedNodeRequirement{{Weight: 50, Key: "cloud.google.com/gke-spot", Operator: "DoesNotExist"}}},
				EnvironmentFromSecrets: map[string]SecretRef{"WANDB_API_KEY": {SecretName: "ml-course", Key: "wandb"}}},
		},
	},
	"static-ip-staging-relaxed-policy": {
		Domain:                  "hub.example.org",
		HTTPS:                   &HTTPS{Mode: HTTPSLetsEncrypt, ContactEmail: "it@example.org", ACMEServer: "https://acme-staging-v02.api.letsencrypt.org/directory"},
		ProxyLoadBalancerIP:     "203.0.113.7",
		ProxyServiceAnnotations: map[string]string{"networking.gke.io/load-balancer-type": "Internal"},
		NetworkPolicy:           &NetworkPolicy{Hub: true, Proxy: true, Users: true, UsersEgressInternet: true, UsersEgressPrivateIPs: true},
		BlockCloudMetadata:      boolp(false),
	},
	"offload-no-storage": {
		Domain:  "hub.internal.example",
		HTTPS:   &HTTPS{Mode: HTTPSOffload},
		Image:   "registry.example:5000/team/env:v1@sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae",
		Storage: &Storage{Type: StorageNone},
	},
}

func TestRenderGolden(t *testing.T) {
	for name, hub := range goldenCases {
		t.Run(name, func(t *testing.T) {
			r, err := Render(hub)
			if err != nil {
				t.Fatal(err)
			}
			got, err := yaml.Marshal(r.Values)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", "golden", name+".yaml")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./internal/hubvalues -update to create it)", err)
			}
			if string(got) != string(want) {
				t.Errorf("rendered values differ from %s (go test -update rewrites it):\n--- got\n%s\n--- want\n%s", path, got, want)
			}
		})
	}
}

// TestRenderedValuesMatchChartSchema validates every golden case, coalesced
// with the chart's defaults as Helm does, against z2jh 4.4.0's schema.
func TestRenderedValuesMatchChartSchema(t *testing.T) {
	schema, err := CompileSchema(z2jhtest.Schema(t))
	if err != nil {
		t.Fatal(err)
	}
	defaults := z2jhtest.Defaults(t)
	for name, hub := range goldenCases {
		t.Run(name, func(t *testing.T) {
			r, err := Render(hub)
			if err != nil {
				t.Fatal(err)
			}
			if issues := schema.Validate(Coalesce(defaults, r.Values)); len(issues) > 0 {
				t.Errorf("schema issues: %v", issues)
			}
		})
	}
}

// TestParseRoundTrip: reading rendered values back gives the same hub, and
// rendering that again gives the same values.
func TestParseRoundTrip(t *testing.T) {
	for name, hub := range goldenCases {
		t.Run(name, func(t *testing.T) {
			r, err := Render(hub)
			if err != nil {
				t.Fatal(err)
			}
			back, _, err := Parse(r.Values)
			if err != nil {
				t.Fatal(err)
			}
			again, err := Render(back)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(again.Values, r.Values) {
				a, _ := yaml.Marshal(again.Values)
				b, _ := yaml.Marshal(r.Values)
				t.Fatalf("render(parse(values)) != values\n--- again\n%s\n--- first\n%s", a, b)
			}
			// Every typed setting was read back as such: nothing leaked into
			// the residual that becomes extra_values.
			wantExtra, _ := NormalizeValues(hub.ExtraValues)
			if len(wantExtra) == 0 {
				wantExtra = nil
			}
			if !reflect.DeepEqual(back.ExtraValues, wantExtra) {
				t.Errorf("residual %v, want %v", back.ExtraValues, wantExtra)
			}
			if (back.Image != "") != (hub.Image != "") || (back.HTTPS == nil) != (hub.HTTPS == nil) || (back.Ingress == nil) != (hub.Ingress == nil) ||
				len(back.Profiles) != len(hub.Profiles) || !reflect.DeepEqual(back.Profiles, hub.Profiles) || (back.Storage == nil) != (hub.Storage == nil) || (back.Culling == nil) != (hub.Culling == nil) ||
				back.Domain != hub.Domain || back.ProxyServiceType != hub.ProxyServiceType || (back.NodePurpose == nil) != (hub.NodePurpose == nil) ||
				(back.Limits == nil) != (hub.Limits == nil) || (back.NamedServers == nil) != (hub.NamedServers == nil) || (back.UserServers == nil) != (hub.UserServers == nil) ||
				len(back.AdminUsers) != len(hub.AdminUsers) || len(back.AllowedUsers) != len(hub.AllowedUsers) {
				t.Errorf("typed settings not read back:\n got %+v\nwant %+v", back, hub)
			}
			// The settings themselves come back, not just equivalent values.
			want := hub
			want.AdminUsers, want.AllowedUsers = sortedStrings(want.AdminUsers), sortedStrings(want.AllowedUsers)
			want.ExtraValues = wantExtra
			if !reflect.DeepEqual(back, want) {
				a, _ := yaml.Marshal(back)
				b, _ := yaml.Marshal(want)
				t.Errorf("parse(render(hub)) != hub\n--- parsed\n%s\n--- hub\n%s", a, b)
			}
			// Parsing is a fixed point after one round.
			twice, _, err := Parse(again.Values)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(twice, back) {
				t.Errorf("parse is not stable:\n%+v\n%+v", twice, back)
			}
		})
	}
}

func sortedStrings(s []string) []string {
	if s == nil {
		return nil
	}
	out := make([]string, 0, len(s))
	for _, e := range SortedList(s) {
		out = append(out, e.(string))
	}
	return out
}

// TestParseForeignValues reads values written by hand, the way a community's
// existing release looks before import: what matches a typed attribute is
// taken, everything else stays in ExtraValues, and nothing is lost.
func TestParseForeignValues(t *testing.T) {
	const values = `
singleuser:
  image:
    name: quay.io/jupyter/datascience-notebook
    tag: "2024-10-07"
    pullPolicy: Always
  memory:
    guarantee: 2G
  cmd: start-singleuser.sh
  storage:
    type: dynamic
    capacity: 20Gi
proxy:
  https:
    enabled: true
    type: letsencrypt
    hosts: [a.example.org, b.example.org]
    letsencrypt:
      contactEmail: x@example.org
cull:
  enabled: true
  timeout: 1800
hub:
  config:
    Authenticator:
      admin_users: [alice]
    GitHubOAuthenticator:
      allowed_organizations: [example]
`
	var v Values
	if err := yaml.Unmarshal([]byte(values), &v); err != nil {
		t.Fatal(err)
	}
	h, _, err := Parse(v)
	if err != nil {
		t.Fatal(err)
	}
	if h.Image != "quay.io/jupyter/datascience-notebook:2024-10-07" {
		t.Errorf("image %q", h.Image)
	}
	if h.Storage == nil || h.Storage.Capacity != "20Gi" || h.Culling == nil || *h.Culling.Timeout != 1800 || len(h.AdminUsers) != 1 ||
		h.UserServers == nil || h.UserServers.MemoryGuarantee != "2G" {
		t.Errorf("typed settings not read: %+v", h)
	}
	if h.HTTPS != nil || h.Domain != "" {
		t.Errorf("two https hosts have no typed form, but got domain %q https %+v", h.Domain, h.HTTPS)
	}
	for _, p := range [][]string{
		{"singleuser", "image", "pullPolicy"}, {"singleuser", "cmd"},
		{"proxy", "https", "hosts"}, {"hub", "config", "GitHubOAuthenticator", "allowed_organizations"},
	} {
		if _, ok := lookup(h.ExtraValues, p...); !ok {
			t.Errorf("%s missing from extra values %v", strings.Join(p, "."), h.ExtraValues)
		}
	}
	if _, ok := lookup(h.ExtraValues, "singleuser", "image", "name"); ok {
		t.Error("image name left in extra values although the image attribute took it")
	}
	r, err := Render(h)
	if err != nil {
		t.Fatal(err)
	}
	norm, _ := NormalizeValues(v)
	if DriftDigest(r.Values) != DriftDigest(norm) {
		a, _ := yaml.Marshal(r.Values)
		t.Errorf("rendering the parsed hub does not give the imported values back:\n%s", a)
	}
}

// TestSchemaIssuesPointAtAttributes: a schema error is reported at the
// attribute that produced the offending value.
func TestSchemaIssuesPointAtAttributes(t *testing.T) {
	schema, err := CompileSchema(z2jhtest.Schema(t))
	if err != nil {
		t.Fatal(err)
	}
	defaults := z2jhtest.Defaults(t)
	cases := []struct {
		name     string
		hub      Hub
		wantAttr string
	}{
		{"proxy service type outside the enum", Hub{ProxyServiceType: "Public"}, "proxy_service_type"},
		{"node purpose outside the enum", Hub{NodePurpose: &NodePurpose{User: "always"}}, "node_purpose.user"},
		{"https mode outside the enum", Hub{Domain: "a.example", HTTPS: &HTTPS{Mode: "acme"}}, "https"},
		{"extra values with an unknown key", Hub{ExtraValues: Values{"singleuser": map[string]any{"imagePullPolicy": "Always"}}}, "extra_values"},
		{"extra values with a wrong type", Hub{Image: "a/b:c", ExtraValues: Values{"cull": map[string]any{"timeout": "1h"}}}, "extra_values"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Render(tc.hub)
			if err != nil {
				t.Fatal(err)
			}
			issues := schema.Validate(Coalesce(defaults, r.Values))
			if len(issues) == 0 {
				t.Fatal("no schema issue")
			}
			if got := r.AttrFor(issues[0].Pointer).String(); got != tc.wantAttr {
				t.Errorf("issue %v attributed to %q, want %q", issues[0], got, tc.wantAttr)
			}
		})
	}
}

func TestSplitImage(t *testing.T) {
	cases := map[string][2]string{
		"quay.io/jupyter/base-notebook:2025-01-06":   {"quay.io/jupyter/base-notebook", "2025-01-06"},
		"localhost:5000/env:v1":                      {"localhost:5000/env", "v1"},
		"localhost:5000/env@sha256:0123456789abcdef": {"localhost:5000/env", "sha256-0123456789ab@sha256:0123456789abcdef"},
		"ghcr.io/org/env:v2@sha256:abc":              {"ghcr.io/org/env", "v2@sha256:abc"},
		// A tag that happens to look derived but belongs to another digest stays a tag.
		"ghcr.io/org/env:sha256-000000000000@sha256:abc": {"ghcr.io/org/env", "sha256-000000000000@sha256:abc"},
	}
	for ref, want := range cases {
		name, tag := SplitImage(ref)
		if name != want[0] || tag != want[1] {
			t.Errorf("SplitImage(%q) = %q, %q; want %q, %q", ref, name, tag, want[0], want[1])
		}
		if back := JoinImage(name, tag); back != ref {
			t.Errorf("JoinImage(SplitImage(%q)) = %q", ref, back)
		}
	}
}

// TestParseWithAuth: an auth fragment known from state is taken out of the
// values whole, and neither reads as typed settings nor as extra values.
func TestParseWithAuth(t *testing.T) {
	auth := Values{"hub": map[string]any{
		"config": map[string]any{
			"JupyterHub":           map[string]any{"authenticator_class": "github"},
			"GitHubOAuthenticator": map[string]any{"client_id": "x", "admin_users": []any{"yuvi"}},
		},
		"extraEnv": map[string]any{"OAUTH_CLIENT_SECRET": map[string]any{"valueFrom": map[string]any{"secretKeyRef": map[string]any{"name": "s", "key": "k"}}}},
	}}
	h := Hub{Image: "a/b:1", Auth: auth, ExtraValues: Values{"singleuser": map[string]any{"cmd": "start-singleuser.sh"}}}
	r, err := Render(h)
	if err != nil {
		t.Fatal(err)
	}
	if got := r.AttrFor("/hub/config/GitHubOAuthenticator/client_id").String(); got != "auth" {
		t.Errorf("auth values attributed to %q", got)
	}
	back, _, err := ParseWith(r.Values, auth)
	if err != nil {
		t.Fatal(err)
	}
	if back.Image != "a/b:1" || back.Auth == nil || fmt.Sprint(back.ExtraValues) != "map[singleuser:map[cmd:start-singleuser.sh]]" {
		t.Errorf("parsed %+v", back)
	}
	// Without the fragment (an import), it stays in the extra values.
	imported, _, _ := Parse(r.Values)
	if _, ok := lookup(imported.ExtraValues, "hub", "config", "GitHubOAuthenticator"); !ok || imported.Auth != nil {
		t.Errorf("imported %+v", imported)
	}
	// Admins are named in one place only.
	h.AdminUsers = []string{"ada"}
	found := Check(h)
	if len(found) != 1 || found[0].Attr.String() != "admin_users" {
		t.Errorf("admins in the hub and in its auth: %v", found)
	}
}

// TestHubDomainGivesAuthItsCallback: an auth without a domain gets the hub's
// callback URL, read back cleanly; an auth for another domain is refused.
func TestHubDomainGivesAuthItsCallback(t *testing.T) {
	auth := Values{"hub": map[string]any{"config": map[string]any{
		"JupyterHub": map[string]any{"authenticator_class": "github"}, "GitHubOAuthenticator": map[string]any{"client_id": "x"}}}}
	h := Hub{Domain: "hub.example.org", HTTPS: &HTTPS{Mode: HTTPSOffload}, Auth: auth}
	r, err := Render(h)
	if err != nil {
		t.Fatal(err)
	}
	if cb, _ := lookupString(r.Values, "hub", "config", "GitHubOAuthenticator", "oauth_callback_url"); cb != "https://hub.example.org/hub/oauth_callback" {
		t.Fatalf("callback %q", cb)
	}
	back, _, err := ParseWith(r.Values, auth)
	if err != nil || back.ExtraValues != nil || back.Domain != "hub.example.org" {
		t.Errorf("parsed %+v (%v)", back, err)
	}
	other := Values{"hub": map[string]any{"config": map[string]any{"GitHubOAuthenticator": map[string]any{"client_id": "x", "oauth_callback_url": "https://elsewhere.example/hub/oauth_callback"}}}}
	h.Auth = other
	if ps := Check(h); len(ps) != 1 || ps[0].Attr.String() != "auth" {
		t.Errorf("auth for another domain: %v", ps)
	}
}
