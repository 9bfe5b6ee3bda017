package provider

import (
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/buildtest"
	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/hubvalues"
	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/imagebuild"
	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/z2jhtest"
)

// TestCheckImagesAtPlan asks real registries on loopback about a hub's
// images (the default, profiles', image choices', init containers'): one
// that exists passes; one the registry says it lacks fails at its attribute; a registry that cannot be reached, or wants credentials, warns;
// images the state already had are not asked about again.
func TestCheckImagesAtPlan(t *testing.T) {
	open := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	defer open.Close()
	host := strings.TrimPrefix(open.URL, "http://")
	img, err := random.Image(256, 1)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := imagebuild.ParseReference(host + "/env/present:v1")
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(ref, img); err != nil {
		t.Fatal(err)
	}
	private := buildtest.NewRegistry(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := l.Addr().String()
	l.Close()

	plan := hubvalues.Hub{
		Image:       host + "/env/present:v1",
		UserServers: &hubvalues.UserServers{InitContainers: []hubvalues.InitContainer{{Name: "fix", Image: host + "/tools/absent:v1"}}},
		Profiles: []hubvalues.Profile{
			{DisplayName: "Missing", Image: host + "/env/present:v2"},
			{DisplayName: "Menu", ImageChoices: []hubvalues.ImageChoice{
				{DisplayName: "Unreachable", Image: closed + "/env/x:v1"},
				{DisplayName: "Private", Image: private.Host + "/env/x:v1"},
				{DisplayName: "Known", Image: closed + "/env/known:v1"},
			}},
		},
	}
	state := hubvalues.Hub{Image: closed + "/env/known:v1"}
	r := &HubResource{data: &providerData{}}
	var diags diag.Diagnostics
	r.checkImages(context.Background(), plan, &state, nil, &diags)

	got, details := map[string]string{}, map[string]string{}
	for _, d := range diags {
		p := ""
		if wp, ok := d.(diag.DiagnosticWithPath); ok {
			p = wp.Path().String()
		}
		got[p], details[p] = d.Severity().String()+": "+d.Summary(), d.Detail()
		t.Logf("%s at %s: %s", d.Severity(), p, d.Detail())
	}
	want := map[string]string{
		"profiles[0].image":                     "Error: Image not found at profiles[0].image",
		"user_servers.init_containers[0].image": "Error: Image not found at user_servers.init_containers[0].image",
		"profiles[1].image_choices[0].image":    "Warning: Image not checked",
		"profiles[1].image_choices[1].image":    "Warning: Image not checked",
	}
	for p, w := range want {
		if got[p] != w {
			t.Errorf("at %s: got %q, want %q", p, got[p], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("diagnostics %v; want only %v (the present image and the one in state say nothing)", got, want)
	}
	if d := details["profiles[1].image_choices[1].image"]; !strings.Contains(d, "asks for credentials") {
		t.Errorf("the private registry's warning does not say it wants credentials: %s", d)
	}
}

// TestCompiledSchemaIsShared: the chart's schema is compiled once per
// process, whichever hub (or chart object of the same version) asks.
func TestCompiledSchemaIsShared(t *testing.T) {
	ch := z2jhtest.Chart(t)
	again := z2jhtest.Chart(t) // another chart object with the same schema
	d := &providerData{}
	a, err := d.compiledSchema(ch)
	if err != nil {
		t.Fatal(err)
	}
	b, err := d.compiledSchema(again)
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Error("the same schema was compiled twice")
	}
}

// TestSecretsInExtraValuesWarn: a secret-looking key written into
// extra_values warns at extra_values, naming the setting.
func TestSecretsInExtraValuesWarn(t *testing.T) {
	var diags diag.Diagnostics
	checkSecretsInExtraValues(hubvalues.Values{"hub": map[string]any{"db": map[string]any{"password": "x"}, "baseUrl": "/"}}, &diags)
	if len(diags) != 1 || diags[0].Severity() != diag.SeverityWarning || !strings.Contains(diags[0].Detail(), "hub.db.password") {
		t.Fatalf("diagnostics %v", diags)
	}
	diags = nil
	checkSecretsInExtraValues(hubvalues.Values{"hub": map[string]any{"baseUrl": "/"}}, &diags)
	if len(diags) != 0 {
		t.Errorf("no secret, yet %v", diags)
	}
}

// TestCheckImagesWithPullSecrets asks a private registry on loopback with
// the hub's pull secrets: with the right credentials the image passes;
// with credentials the registry refuses, the plan fails at the image's
// attribute; without pull secrets it only warns (nodes may pull with their own).
func TestCheckImagesWithPullSecrets(t *testing.T) {
	private := buildtest.NewRegistry(t)
	ref := private.Host + "/hub/env:v1"
	if err := private.Push(ref); err != nil {
		t.Fatal(err)
	}
	right, err := imagebuild.ParseDockerConfig(private.DockerConfigJSON())
	if err != nil {
		t.Fatal(err)
	}
	wrong, err := imagebuild.ParseDockerConfig([]byte(fmt.Sprintf(`{"auths":{%q:{"username":"builder","password":"revoked"}}}`, private.Host)))
	if err != nil {
		t.Fatal(err)
	}
	r := &HubResource{data: &providerData{}}
	for _, c := range []struct {
		name string
		kc   authn.Keychain
		want string
	}{
		{"right credentials", right, ""},
		{"refused credentials", wrong, "Error: Image not pullable with the hub's pull secrets at image at image"},
		{"no pull secrets", nil, "Warning: Image not checked at image"},
	} {
		var diags diag.Diagnostics
		r.checkImages(context.Background(), hubvalues.Hub{Image: ref}, nil, c.kc, &diags)
		got := ""
		for _, d := range diags {
			got = d.Severity().String() + ": " + d.Summary()
			if wp, ok := d.(diag.DiagnosticWithPath); ok {
				got += " at " + wp.Path().String()
			}
		}
		if len(diags) > 1 || got != c.want {
			t.Errorf("%s: %q (%v), want %q", c.name, got, diags, c.want)
		}
	}
}

func TestHealthCheckURLFollowsURL(t *testing.T) {
	for _, c := range []struct {
		url, want types.String
	}{
		{types.StringValue("https://hub.example.org/"), types.StringValue("https://hub.example.org/hub/health")},
		{types.StringValue("http://203.0.113.9/"), types.StringValue("http://203.0.113.9/hub/health")},
		{types.StringNull(), types.StringNull()},
		{types.StringUnknown(), types.StringUnknown()},
	} {
		if got := healthCheckURL(c.url); !got.Equal(c.want) {
			t.Errorf("healthCheckURL(%s) = %s, want %s", c.url, got, c.want)
		}
	}
}
