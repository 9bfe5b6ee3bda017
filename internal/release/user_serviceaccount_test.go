package release

import (
	"strings"
	"testing"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/z2jhtest"
)

// TestUserServiceAccountTemplate renders the real chart with the provider's
// template: a ServiceAccount with its annotations when the values ask for one,
// nothing otherwise, and the loaded chart is left as it was.
func TestUserServiceAccountTemplate(t *testing.T) {
	ch := z2jhtest.Chart(t)
	templates := len(ch.Templates)
	withSA := WithUserServiceAccount(ch)
	if len(ch.Templates) != templates || len(withSA.Templates) != templates+1 {
		t.Fatalf("templates: %d before, %d after, %d with the ServiceAccount", templates, len(ch.Templates), len(withSA.Templates))
	}
	values := map[string]any{
		"singleuser": map[string]any{"serviceAccountName": "user"},
		"custom": map[string]any{"twoi2chub": map[string]any{"userServiceAccount": map[string]any{
			"name": "user", "annotations": map[string]any{"iam.gke.io/gcp-service-account": "prod@hub.iam.gserviceaccount.com"},
		}}},
	}
	m, err := Render(withSA, values, "hackweek", "hackweek")
	if err != nil {
		t.Fatal(err)
	}
	var found *Object
	for i, o := range m.Objects {
		if o.Kind == "ServiceAccount" && o.Name == "user" {
			found = &m.Objects[i]
		}
	}
	if found == nil {
		t.Fatalf("no ServiceAccount user among %d objects", len(m.Objects))
	}
	if !strings.Contains(found.Manifest, "iam.gke.io/gcp-service-account: prod@hub.iam.gserviceaccount.com") {
		t.Errorf("annotation missing:\n%s", found.Manifest)
	}

	plain, err := Render(withSA, map[string]any{"singleuser": map[string]any{"serviceAccountName": "made-elsewhere"}}, "hackweek", "hackweek")
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range plain.Objects {
		if o.Template == UserServiceAccountTemplate || strings.HasSuffix(o.Template, UserServiceAccountTemplate) {
			t.Errorf("ServiceAccount rendered without being asked for: %s", o.Manifest)
		}
	}
}
