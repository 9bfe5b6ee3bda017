package hubvalues

import (
	"reflect"
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
