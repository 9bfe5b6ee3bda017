package hubvalues

import (
	"reflect"
	"testing"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/hubactivity"
)

// TestActivityServiceRendered: every hub declares the activity service and a
// role with exactly the read scopes, and no token (the chart generates it).
func TestActivityServiceRendered(t *testing.T) {
	r, err := Render(Hub{})
	if err != nil {
		t.Fatal(err)
	}
	svc, ok := lookupMap(r.Values, "hub", "services", hubactivity.ServiceName)
	if !ok {
		t.Fatalf("no hub.services.%s in %v", hubactivity.ServiceName, r.Values)
	}
	for _, k := range []string{"apiToken", "api_token", "admin"} {
		if _, ok := svc[k]; ok {
			t.Errorf("the service sets %s: %v", k, svc)
		}
	}
	role, ok := lookupMap(r.Values, "hub", "loadRoles", ActivityRole)
	if !ok {
		t.Fatalf("no hub.loadRoles.%s", ActivityRole)
	}
	if want := []any{"list:users", "read:users", "read:servers"}; !reflect.DeepEqual(role["scopes"], want) {
		t.Errorf("scopes %v, want exactly %v", role["scopes"], want)
	}
	if want := []any{hubactivity.ServiceName}; !reflect.DeepEqual(role["services"], want) {
		t.Errorf("role granted to %v, want %v", role["services"], want)
	}
}

// TestActivityServiceImports: values with the service parse to no extra
// values; values without it (a hub installed before) show no drift either,
// and a changed role is drift.
func TestActivityServiceImports(t *testing.T) {
	r, err := Render(Hub{})
	if err != nil {
		t.Fatal(err)
	}
	h, _, err := Parse(r.Values)
	if err != nil {
		t.Fatal(err)
	}
	if len(h.ExtraValues) != 0 {
		t.Errorf("the activity service read back as extra values: %v", h.ExtraValues)
	}
	without := deepCopy(r.Values).(map[string]any)
	subtract(without, activityService())
	if DriftDigest(without) != DriftDigest(r.Values) {
		t.Error("a hub without the activity service drifts")
	}
	widened := deepCopy(r.Values).(map[string]any)
	role, _ := lookupMap(widened, "hub", "loadRoles", ActivityRole)
	role["scopes"] = []any{"admin:users"}
	if DriftDigest(widened) == DriftDigest(r.Values) {
		t.Error("a role with other scopes does not show as drift")
	}
	h, _, _ = Parse(widened)
	if _, ok := lookup(h.ExtraValues, "hub", "loadRoles", ActivityRole, "scopes"); !ok {
		t.Errorf("a changed role is not kept as extra values: %v", h.ExtraValues)
	}
}
