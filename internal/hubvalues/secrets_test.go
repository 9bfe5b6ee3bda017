package hubvalues

import (
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

func TestSecretKey(t *testing.T) {
	for key, want := range map[string]bool{
		"client_secret": true, "password": true, "apiToken": true, "api_token": true, "secretToken": true,
		"cookieSecret": true, "GITHUB_CLIENT_SECRET": true, "private_key": true, "AWS_SECRET_ACCESS_KEY": true,
		"client_id": false, "secretName": false, "existingSecret": false, "token_url": false, "secretKeyRef": false,
		"tokenExpiry": false, "userdata_token_method": false, "admin_users": false, "name": false, "key": false,
	} {
		if got := SecretKey(key); got != want {
			t.Errorf("SecretKey(%q) = %v, want %v", key, got, want)
		}
	}
}

// TestParseLeavesSecretsOut: a release installed the way the z2jh docs teach
// (secrets in hub.config, hub.db, proxy, services, env) imports with none of
// them in extra_values, and says where each was.
func TestParseLeavesSecretsOut(t *testing.T) {
	values := Values{
		"hub": map[string]any{
			"config": map[string]any{
				"GitHubOAuthenticator": map[string]any{"client_id": "abc", "client_secret": "s3cr3t-github", "oauth_callback_url": "https://hub.example.org/hub/oauth_callback"},
				"JupyterHub":           map[string]any{"authenticator_class": "github"},
				"CryptKeeper":          map[string]any{"keys": []any{"k3y-one"}},
			},
			"db":       map[string]any{"type": "postgres", "url": "postgresql://hub:dbpass@db.example.org/hub"},
			"services": map[string]any{"grader": map[string]any{"apiToken": "t0ken-grader", "url": "http://grader"}},
			"extraEnv": []any{
				map[string]any{"name": "LOG_LEVEL", "value": "debug"},
				map[string]any{"name": "OAUTH_CLIENT_SECRET", "value": "s3cr3t-env"},
			},
		},
		"proxy":           map[string]any{"secretToken": "pr0xy-token", "https": map[string]any{"secret": map[string]any{"name": "tls"}}},
		"imagePullSecret": map[string]any{"create": true, "registry": "ghcr.io", "username": "bot", "password": "pu11-pass"},
		"singleuser":      map[string]any{"cmd": "start-singleuser.sh"},
	}
	h, omitted, err := Parse(values)
	if err != nil {
		t.Fatal(err)
	}
	data, err := yaml.Marshal(h.ExtraValues)
	if err != nil {
		t.Fatal(err)
	}
	extra := string(data)
	for _, secret := range []string{"s3cr3t-github", "k3y-one", "dbpass", "t0ken-grader", "s3cr3t-env", "pr0xy-token", "pu11-pass"} {
		if strings.Contains(extra, secret) {
			t.Errorf("extra_values holds the secret %q:\n%s", secret, extra)
		}
	}
	for _, kept := range []string{"client_id: abc", "LOG_LEVEL", "cmd: start-singleuser.sh", "name: tls", "username: bot", "url: http://grader"} {
		if !strings.Contains(extra, kept) {
			t.Errorf("extra_values lost %q:\n%s", kept, extra)
		}
	}
	want := "hub.config.CryptKeeper.keys, hub.config.GitHubOAuthenticator.client_secret, hub.db.url, hub.extraEnv[1], " +
		"hub.services.grader.apiToken, imagePullSecret.password, proxy.secretToken"
	if got := DottedList(omitted); got != want {
		t.Errorf("omitted %s\nwant    %s", got, want)
	}
}

// TestOverridesOfTypedSettings: extra_values replacing a list or map a typed
// attribute or auth wrote is reported with both places; merging maps and
// setting new keys is not.
func TestOverridesOfTypedSettings(t *testing.T) {
	auth := Values{"hub": map[string]any{"extraEnv": map[string]any{"OAUTH_CLIENT_SECRET": map[string]any{
		"valueFrom": map[string]any{"secretKeyRef": map[string]any{"name": "auth", "key": "client-secret"}}}}}}
	h := Hub{
		Image:    "quay.io/jupyter/base-notebook:2025-01-06",
		Profiles: []Profile{{DisplayName: "Small"}},
		Auth:     auth,
		ExtraValues: Values{
			"hub":        map[string]any{"extraEnv": []any{map[string]any{"name": "X", "value": "1"}}},
			"singleuser": map[string]any{"profileList": []any{}, "image": map[string]any{"tag": "other"}, "defaultUrl": "/lab"},
		},
	}
	r, err := Render(h)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range r.Overrides {
		got = append(got, o.Pointer.Dotted()+" "+o.Replaces+" of "+o.Attr.String())
	}
	want := "hub.extraEnv map of auth; singleuser.image.tag value of image; singleuser.profileList list of profiles"
	if strings.Join(got, "; ") != want {
		t.Errorf("overrides:\n%s\nwant\n%s", strings.Join(got, "; "), want)
	}

	h.ExtraValues = Values{"hub": map[string]any{"extraEnv": map[string]any{"X": "1"}}, "singleuser": map[string]any{"defaultUrl": "/lab"}}
	if r, err := Render(h); err != nil || len(r.Overrides) != 0 {
		t.Errorf("merging a map and adding keys reported as overrides: %+v (%v)", r.Overrides, err)
	}
}
