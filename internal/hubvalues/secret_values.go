package hubvalues

import (
	"fmt"
	"strings"

	"sigs.k8s.io/yaml"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/validate"
)

// Secret values: settings that are secrets (a database password, a hub
// service's API token, an authenticator's secret option) reach the hub
// through z2jh's hub.existingSecret, a Kubernetes Secret whose values.yaml
// the hub merges over its configuration when it starts, so they are never
// in the release's values, the plan or the state. The Secret is either the
// provider's own, written from the write-only secret_values_wo (only its
// fingerprint is in values, as a hub pod annotation that restarts the hub
// when it changes), or one the community made (secret_values_ref).

// SecretValuesRef names an existing Secret holding values.yaml.
type SecretValuesRef struct {
	Name string `json:"name"`
}

const (
	// ManagedSecretValues names the Secret the provider writes from
	// secret_values_wo; z2jh names the hub's own Secret "hub", one hub per namespace.
	ManagedSecretValues = "hub-secret-values"
	// SecretValuesKey is the key z2jh's hub reads from hub.existingSecret.
	SecretValuesKey = "values.yaml"
	// secretValuesChecksumAnnotation restarts the hub when the secret values change.
	secretValuesChecksumAnnotation = "twoi2chub.2i2c.org/private-values-checksum"
)

// secretValuesKeys are the keys the hub reads from the merged configuration
// when it starts (z2jh's jupyterhub_config.py), by top-level key: only those
// take effect from hub.existingSecret. A nil list allows everything below.
var secretValuesKeys = map[string][]string{
	"hub":        {"config", "services", "db"},
	"singleuser": nil,
	"custom":     nil,
}

// CheckSecretValues checks secret values given as YAML or JSON: a mapping
// whose keys the hub reads at start. Errors name keys, never values.
func CheckSecretValues(doc string) error {
	var v map[string]any
	if err := yaml.Unmarshal([]byte(doc), &v); err != nil {
		return fmt.Errorf("the secret values are not a YAML or JSON mapping of chart values; build them with yamlencode({ hub = { config = { ... } } })")
	}
	if len(v) == 0 {
		return fmt.Errorf("the secret values are empty: leave the attribute out instead")
	}
	for _, top := range sortedKeys(v) {
		allowed, ok := secretValuesKeys[top]
		if !ok {
			return fmt.Errorf("%q is read by the chart's templates, not by the hub when it starts, so it has no effect from a Secret: "+
				"only hub.config, hub.services, hub.db, singleuser and custom do", top)
		}
		if allowed == nil {
			continue
		}
		sub, _ := v[top].(map[string]any)
		for _, k := range sortedKeys(sub) {
			if !contains(allowed, k) {
				return fmt.Errorf("%s.%s is read by the chart's templates, not by the hub when it starts, so it has no effect from a Secret: "+
					"under %s only %s do", top, k, top, strings.Join(allowed, ", "))
			}
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

func renderSecretValues(h *Hub, b *builder) {
	switch {
	case h.SecretValuesRef != nil:
		b.set(AttrPath{"secret_values_ref", "name"}, h.SecretValuesRef.Name, "hub", "existingSecret")
	case h.SecretValuesChecksum != "":
		a := AttrPath{"secret_values_wo"}
		b.set(a, ManagedSecretValues, "hub", "existingSecret")
		b.set(a, h.SecretValuesChecksum, "hub", "annotations", secretValuesChecksumAnnotation)
	}
}

func parseSecretValues(v Values, h *Hub) {
	name, ok := lookupString(v, "hub", "existingSecret")
	if !ok || name == "" {
		return
	}
	sum, _ := lookupString(v, "hub", "annotations", secretValuesChecksumAnnotation)
	if name == ManagedSecretValues && sum != "" {
		h.SecretValuesChecksum = sum
		return
	}
	h.SecretValuesRef = &SecretValuesRef{Name: name}
}

func checkSecretValuesFields(h Hub, ps *problems) {
	if h.SecretValuesRef != nil {
		ps.field(AttrPath{"secret_values_ref", "name"}, h.SecretValuesRef.Name, validate.ObjectName)
		if h.SecretValuesRef.Name == ManagedSecretValues {
			ps.add(AttrPath{"secret_values_ref", "name"}, "Invalid value",
				"%q is the Secret the provider writes from secret_values_wo: name a Secret of your own.", ManagedSecretValues)
		}
	}
}

func checkSecretValues(h Hub, ps *problems) {
	if h.SecretValuesRef != nil && h.SecretValuesChecksum != "" {
		ps.add(AttrPath{"secret_values_ref"}, "Conflicting settings",
			"A hub reads one Secret of secret values: give secret_values_wo or secret_values_ref, not both.")
	}
}
