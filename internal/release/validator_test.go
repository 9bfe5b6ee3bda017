package release

import (
	"testing"
	"time"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/z2jhtest"
)

// TestApplyReadsOpenAPIOnce (real chart): Helm's object validator, which reads the
// cluster's OpenAPI documents, is built once per cluster, not at every
// install and upgrade (50 concurrent upgrades spent most of their CPU
// parsing the same documents).
func TestApplyReadsOpenAPIOnce(t *testing.T) {
	c, _, log, ns := newCountedClient(t)
	ctx := ctxFor(t)
	ch := z2jhtest.Chart(t)
	if _, err := c.Apply(ctx, ApplyRequest{Namespace: ns, Name: "hub", Chart: ch, Values: keepDB, Timeout: 2 * time.Minute}); err != nil {
		t.Fatal(err)
	}
	if log.count("GET", "/openapi/v3") == 0 {
		t.Fatalf("the install read no OpenAPI document: %v", log.lines)
	}
	log.reset()
	values := map[string]any{"cull": map[string]any{"timeout": 7200}}
	for k, v := range keepDB {
		values[k] = v
	}
	if _, err := c.Apply(ctx, ApplyRequest{Namespace: ns, Name: "hub", Chart: ch, Values: values, Timeout: 2 * time.Minute}); err != nil {
		t.Fatal(err)
	}
	if got := log.count("GET", "/openapi/v3"); got != 0 {
		t.Errorf("the upgrade read the OpenAPI documents again: %d requests", got)
	}
}
