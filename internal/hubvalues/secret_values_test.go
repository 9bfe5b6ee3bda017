package hubvalues

import (
	"reflect"
	"strings"
	"testing"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/z2jhtest"
)

// TestSecretValues: the provider's Secret and a referenced one both reach
// z2jh's hub.existingSecret, the fingerprint restarts the hub through a pod
// annotation, the values pass the chart's schema, and each reads back to its
// own attribute, not to extra_values and not as a secret left out.
func TestSecretValues(t *testing.T) {
	schema, err := CompileSchema(z2jhtest.Schema(t))
	if err != nil {
		t.Fatal(err)
	}
	for name, h := range map[string]Hub{
		"write-only": {SecretValuesChecksum: "3f2a"},
		"reference":  {SecretValuesRef: &SecretValuesRef{Name: "hub-db"}},
	} {
		t.Run(name, func(t *testing.T) {
			r, err := Render(h)
			if err != nil {
				t.Fatal(err)
			}
			existing, _ := lookupString(r.Values, "hub", "existingSecret")
			if h.SecretValuesRef != nil && existing != "hub-db" || h.SecretValuesRef == nil && existing != ManagedSecretValues {
				t.Errorf("hub.existingSecret %q", existing)
			}
			sum, _ := lookupString(r.Values, "hub", "annotations", "twoi2chub.2i2c.org/private-values-checksum")
			if sum != h.SecretValuesChecksum {
				t.Errorf("hub pod annotation %q, want %q", sum, h.SecretValuesChecksum)
			}
			if issues := schema.Validate(Coalesce(z2jhtest.Defaults(t), r.Values)); len(issues) > 0 {
				t.Errorf("schema issues: %v", issues)
			}
			back, omitted, err := Parse(r.Values)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(back.SecretValuesRef, h.SecretValuesRef) || back.SecretValuesChecksum != h.SecretValuesChecksum ||
				back.ExtraValues != nil || len(omitted) > 0 {
				t.Errorf("read back ref %v checksum %q, extra %v, omitted %v", back.SecretValuesRef, back.SecretValuesChecksum, back.ExtraValues, omitted)
			}
		})
	}
}

// TestCheckSecretValues: secret values must be a mapping of what the hub
// reads when it starts; errors name keys and never echo a value.
func TestCheckSecretValues(t *testing.T) {
	ok := []string{
		`{"hub":{"config":{"GenericOAuthenticator":{"client_secret":"s3cret"}}}}`,
		"hub:\n  db:\n    password: s3cret\n  services:\n    grader:\n      api_token: s3cret\n",
		`{"singleuser":{"extraEnv":{"API_KEY":"s3cret"}},"custom":{"token":"s3cret"}}`,
	}
	for _, doc := range ok {
		if err := CheckSecretValues(doc); err != nil {
			t.Errorf("%s: %v", doc, err)
		}
	}
	bad := map[string]string{
		`"just a string s3cret"`:                  "not a YAML or JSON mapping",
		`{}`:                                      "empty",
		`{"proxy":{"secretToken":"s3cret"}}`:      `"proxy" is read by the chart's templates`,
		`{"hub":{"extraEnv":{"X":"s3cret"}}}`:     "hub.extraEnv is read by the chart's templates",
		"hub: [s3cret\n":                          "not a YAML or JSON mapping",
		`{"hub":{"config":{"X":"s3cret"}},"a":1}`: `"a" is read by the chart's templates`,
	}
	for doc, want := range bad {
		err := CheckSecretValues(doc)
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "s3cret") {
			t.Errorf("%s: error %v, want one saying %q without the value", doc, err, want)
		}
	}
	// A reference to the provider's own Secret, or both ways at once, is refused.
	if ps := append(CheckFields(Hub{SecretValuesRef: &SecretValuesRef{Name: ManagedSecretValues}}),
		Check(Hub{SecretValuesRef: &SecretValuesRef{Name: "x"}, SecretValuesChecksum: "3f"})...); len(ps) != 2 ||
		ps[0].Attr.String() != "secret_values_ref.name" || ps[1].Attr.String() != "secret_values_ref" {
		t.Errorf("problems %v", ps)
	}
}
