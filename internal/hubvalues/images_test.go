package hubvalues

import (
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/release"
	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/validate"
	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/z2jhtest"
)

// TestDigestImagesRenderInEveryTemplate renders digest references (with and
// without a tag, as image, profile image and image choice) through the real
// chart and checks every place the chart puts an image: each one that names
// our repository is a valid reference that pins the digest.
func TestDigestImagesRenderInEveryTemplate(t *testing.T) {
	ch := z2jhtest.Chart(t)
	digest := "sha256:" + strings.Repeat("ab", 32)
	h := Hub{
		Image: "registry.example.org/env/default@" + digest,
		Profiles: []Profile{
			{DisplayName: "Pinned", Image: "registry.example.org/env/profile:v1@" + digest},
			{DisplayName: "Menu", ImageChoices: []ImageChoice{{DisplayName: "Choice", Image: "registry.example.org/env/choice@" + digest}}},
		},
	}
	r, err := Render(h)
	if err != nil {
		t.Fatal(err)
	}
	m, err := release.Render(ch, r.Values, "ns", "hub")
	if err != nil {
		t.Fatalf("the chart does not render digest images: %v", err)
	}
	found := map[string]bool{}
	for _, o := range m.Objects {
		var doc any
		if err := yaml.Unmarshal([]byte(o.Manifest), &doc); err != nil {
			t.Fatalf("%s: %v", o, err)
		}
		for _, img := range imagesIn(doc) {
			if !strings.HasPrefix(img, "registry.example.org/") {
				continue
			}
			found[img] = true
			if err := validate.ImageRef(img); err != nil || !strings.HasSuffix(img, "@"+digest) {
				t.Errorf("%s (%s) has image %q: not a reference pinning %s (%v)", o, o.Template, img, digest, err)
			}
		}
	}
	for _, want := range []string{"registry.example.org/env/default", "registry.example.org/env/profile", "registry.example.org/env/choice"} {
		seen := false
		for img := range found {
			seen = seen || strings.HasPrefix(img, want+":") || strings.HasPrefix(img, want+"@")
		}
		if !seen {
			t.Errorf("no rendered object pulls %s (images found: %v)", want, found)
		}
	}
	// Parsing the values back gives the references as written.
	back, _, err := Parse(r.Values)
	if err != nil {
		t.Fatal(err)
	}
	if back.Image != h.Image || back.Profiles[0].Image != h.Profiles[0].Image || back.Profiles[1].ImageChoices[0].Image != h.Profiles[1].ImageChoices[0].Image {
		t.Errorf("read back %q, %q, %q", back.Image, back.Profiles[0].Image, back.Profiles[1].ImageChoices[0].Image)
	}
}

// imagesIn collects the values of every "image" key in a decoded document.
func imagesIn(v any) []string {
	var out []string
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			if s, ok := e.(string); ok && k == "image" {
				out = append(out, s)
				continue
			}
			out = append(out, imagesIn(e)...)
		}
	case []any:
		for _, e := range t {
			out = append(out, imagesIn(e)...)
		}
	}
	return out
}
