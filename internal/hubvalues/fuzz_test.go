package hubvalues

import (
	"reflect"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/z2jhtest"
)

// FuzzRender feeds arbitrary settings through the provider's checks and the
// renderer. It must never panic, and each outcome must be one of: a problem
// reported at an attribute, or values that the chart's schema accepts (and
// that read back to the same values).
//
//	go test ./internal/hubvalues -run '^$' -fuzz FuzzRender -fuzztime 60s
func FuzzRender(f *testing.F) {
	f.Add("hub.example.org", "letsencrypt", "it@example.org", "quay.io/jupyter/base-notebook:2025-01-06", "Small", "2G", 1.0, int64(0), "dynamic", "10Gi", int64(3600), "")
	f.Add("", "", "", "", "GPU", "16Gi", 4.0, int64(1), "none", "", int64(0), "singleuser: {defaultUrl: /lab}")
	f.Add("a.b", "secret", "", "x/y@sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae", "", "4GBs", -1.0, int64(-2), "shared", "", int64(-5), "cull: {timeout: one}")
	f.Add("hub.example.org", "offload", "", "img:tag", "Ü", "1.5Gi", 0.25, int64(2), "nfs", "1Ti", int64(60), "[1, 2]")
	schemaData, defaults := []byte(nil), map[string]any(nil)
	if _, ok := z2jhtest.Dir(); ok {
		schemaData, defaults = z2jhtest.Schema(f), z2jhtest.Defaults(f)
	}
	var schema *Schema
	if schemaData != nil {
		var err error
		if schema, err = CompileSchema(schemaData); err != nil {
			f.Fatal(err)
		}
	}

	f.Fuzz(func(t *testing.T, domain, httpsMode, email, image, profileName, memory string, cpu float64, gpus int64,
		storageType, capacity string, cullTimeout int64, extra string) {
		h := Hub{Domain: domain, Image: image}
		if httpsMode != "" {
			h.HTTPS = &HTTPS{Mode: httpsMode, ContactEmail: email}
		}
		if profileName != "" {
			p := Profile{DisplayName: profileName, MemoryLimit: memory, CPULimit: &cpu}
			if gpus != 0 {
				p.GPU = &GPU{Count: gpus}
			}
			h.Profiles = []Profile{p}
		}
		if storageType != "" {
			h.Storage = &Storage{Type: storageType, Capacity: capacity}
		}
		if cullTimeout != 0 {
			h.Culling = &Culling{Enabled: true, Timeout: &cullTimeout}
		}
		if extra != "" {
			var ev map[string]any
			if err := yaml.Unmarshal([]byte(extra), &ev); err != nil {
				return // the provider rejects extra_values that are not a YAML mapping
			}
			h.ExtraValues = ev
		}

		found := append(CheckFields(h), Check(h)...)
		for _, p := range found {
			if len(p.Attr) == 0 {
				t.Fatalf("problem without an attribute: %v", p)
			}
		}
		r, err := Render(h)
		if err != nil {
			if len(found) == 0 {
				t.Fatalf("render failed on settings that passed every check: %v (%+v)", err, h)
			}
			return
		}
		if len(found) > 0 || schema == nil {
			return
		}
		issues := schema.Validate(Coalesce(defaults, r.Values))
		for _, is := range issues {
			attr := r.AttrFor(is.Pointer)
			if len(attr) == 0 {
				t.Fatalf("schema issue %v not attributable to any setting", is)
			}
			if h.ExtraValues == nil {
				t.Fatalf("settings that passed every check render values the schema rejects: %v at %s\n%+v", is, attr, h)
			}
		}
		if len(issues) == 0 {
			back, omitted, err := Parse(r.Values)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := WithoutSecrets(r.Values)
			if len(omitted) == 0 {
				want = r.Values
			}
			again, err := Render(back)
			if err != nil || !reflect.DeepEqual(again.Values, want) {
				t.Fatalf("values do not survive a parse round trip (%v)", err)
			}
		}
	})
}
