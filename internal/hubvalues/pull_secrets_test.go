package hubvalues

import (
	"reflect"
	"strings"
	"testing"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/z2jhtest"
)

// TestPullSecrets: pull secrets reach z2jh's chart-wide imagePullSecrets
// (sorted, as a set), pass the chart's schema, read back to the attribute,
// and a name that is no Secret name is refused at its path.
func TestPullSecrets(t *testing.T) {
	h := Hub{ImagePullSecrets: []string{"registry-pull", "ghcr-pull"}}
	r, err := Render(h)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := lookup(r.Values, "imagePullSecrets"); !reflect.DeepEqual(got, []any{"ghcr-pull", "registry-pull"}) {
		t.Errorf("imagePullSecrets %v", got)
	}
	schema, err := CompileSchema(z2jhtest.Schema(t))
	if err != nil {
		t.Fatal(err)
	}
	if issues := schema.Validate(Coalesce(z2jhtest.Defaults(t), r.Values)); len(issues) > 0 {
		t.Errorf("schema issues: %v", issues)
	}
	back, _, err := Parse(r.Values)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back.ImagePullSecrets, []string{"ghcr-pull", "registry-pull"}) || back.ExtraValues != nil {
		t.Errorf("read back %v, extra %v", back.ImagePullSecrets, back.ExtraValues)
	}
	if ps := CheckFields(Hub{ImagePullSecrets: []string{"Registry_Pull"}}); len(ps) != 1 || ps[0].Attr.String() != "image_pull_secrets" {
		t.Errorf("problems %v", ps)
	}
}

// TestPullSecretsFromOtherNamespaces: a Secret in another namespace is
// pulled with through its copy, named so that values give the source back
// (import and drift read it to image_pull_secrets_from, not to
// image_pull_secrets); a copy's name typed in image_pull_secrets, or a
// source whose copy name would be too long, is refused at its path.
func TestPullSecretsFromOtherNamespaces(t *testing.T) {
	from := []PullSecretSource{{Namespace: "twoi2chub-builds", Name: "registry.push"}}
	h := Hub{ImagePullSecrets: []string{"ghcr-pull"}, ImagePullSecretsFrom: from}
	r, err := Render(h)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := lookup(r.Values, "imagePullSecrets"); !reflect.DeepEqual(got, []any{"ghcr-pull", "twoi2chub-pull.twoi2chub-builds.registry.push"}) {
		t.Errorf("imagePullSecrets %v", got)
	}
	back, _, err := Parse(r.Values)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back.ImagePullSecrets, []string{"ghcr-pull"}) || !reflect.DeepEqual(back.ImagePullSecretsFrom, from) {
		t.Errorf("read back %v and %v", back.ImagePullSecrets, back.ImagePullSecretsFrom)
	}
	long := strings.Repeat("a", 240)
	for _, c := range []struct {
		h    Hub
		path string
	}{
		{Hub{ImagePullSecrets: []string{"twoi2chub-pull.builds.push"}}, "image_pull_secrets"},
		{Hub{ImagePullSecretsFrom: []PullSecretSource{{Namespace: "Builds", Name: "push"}}}, "image_pull_secrets_from[0].namespace"},
		{Hub{ImagePullSecretsFrom: []PullSecretSource{{Namespace: "builds", Name: long}}}, "image_pull_secrets_from[0].name"},
	} {
		if ps := CheckFields(c.h); len(ps) != 1 || ps[0].Attr.String() != c.path {
			t.Errorf("%+v: problems %v, want one at %s", c.h, ps, c.path)
		}
	}
}
