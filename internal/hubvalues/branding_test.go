package hubvalues

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/png"
	"math/rand"
	"reflect"
	"strings"
	"testing"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/z2jhtest"
)

// testPNG is a real PNG image of w x h pixels, base64-encoded as HCL's
// filebase64 gives it.
func testPNG(t testing.TB, w, h int) string {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	// Noise, so that the size grows with the pixels despite compression.
	noise := rand.New(rand.NewSource(int64(w * h)))
	for i := range img.Pix {
		img.Pix[i] = byte(noise.Intn(256))
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(buf.Bytes())
}

// TestBranding: the logo and templates reach the hub as files of
// hub.extraFiles with JupyterHub's settings pointing at them, pass the
// chart's schema, and read back exactly.
func TestBranding(t *testing.T) {
	logo := testPNG(t, 16, 16)
	login := "{% extends \"templates/login.html\" %}\n{% block login_container %}\n  Welcome to the hackweek!\n{{ super() }}\n{% endblock %}\n"
	h := Hub{Branding: &Branding{
		Logo:         logo,
		Templates:    map[string]string{"login.html": login, "page.html": "  {% extends \"templates/page.html\" %}"},
		TemplateVars: map[string]string{"announcement_login": "Log in with your university account."},
	}}
	r, err := Render(h)
	if err != nil {
		t.Fatal(err)
	}
	files, _ := lookupMap(r.Values, "hub", "extraFiles")
	if f := files["branding-logo"].(map[string]any); f["mountPath"] != "/usr/local/etc/jupyterhub/branding/logo.png" || f["binaryData"] != logo {
		t.Errorf("logo file %v", f)
	}
	if lf, _ := lookupString(r.Values, "hub", "config", "JupyterHub", "logo_file"); lf != "/usr/local/etc/jupyterhub/branding/logo.png" {
		t.Errorf("logo_file %q", lf)
	}
	f := files["branding-template-login.html"].(map[string]any)
	if content, _ := base64.StdEncoding.DecodeString(f["binaryData"].(string)); string(content) != login || f["mountPath"] != templatesDir+"/login.html" {
		t.Errorf("login template %v", f)
	}
	if paths, _ := lookup(r.Values, "hub", "config", "JupyterHub", "template_paths"); !reflect.DeepEqual(paths, []any{templatesDir}) {
		t.Errorf("template_paths %v", paths)
	}
	if got := r.AttrFor("/hub/extraFiles/branding-template-page.html/binaryData").String(); got != "branding.templates" {
		t.Errorf("a template's file attributed to %q", got)
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
	if !reflect.DeepEqual(back.Branding, h.Branding) || back.ExtraValues != nil {
		t.Errorf("read back %+v, extra %v", back.Branding, back.ExtraValues)
	}
	// An SVG logo is served as one.
	svg := base64.StdEncoding.EncodeToString([]byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>`))
	r, _ = Render(Hub{Branding: &Branding{Logo: svg}})
	if lf, _ := lookupString(r.Values, "hub", "config", "JupyterHub", "logo_file"); !strings.HasSuffix(lf, "/logo.svg") {
		t.Errorf("svg logo_file %q", lf)
	}
}

// TestBrandingChecks: what cannot be a logo or a template is refused with
// the reason, and files too large for the hub's Secret are refused whole.
func TestBrandingChecks(t *testing.T) {
	cases := map[string]struct {
		branding Branding
		attr     string
		want     string
	}{
		"logo from file()":     {Branding{Logo: "\x89PNG not encoded"}, "branding.logo", "give the file with filebase64"},
		"logo that is text":    {Branding{Logo: base64.StdEncoding.EncodeToString([]byte("hello"))}, "branding.logo", "not a PNG, JPEG, GIF, WebP or SVG"},
		"logo too large":       {Branding{Logo: testPNG(t, 200, 200)}, "branding.logo", "at most 100 KiB fit"},
		"template in a folder": {Branding{Templates: map[string]string{"../page.html": "x"}}, "branding.templates", "not a template file name"},
		"variable with a dash": {Branding{TemplateVars: map[string]string{"announcement-login": "x"}}, "branding.template_vars", "not a template variable name"},
		"files too large together": {Branding{Templates: map[string]string{"page.html": strings.Repeat("x", 200<<10), "login.html": strings.Repeat("y", 100<<10)}},
			"branding", "come to 300 KiB; at most 256 KiB"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			h := Hub{Branding: &tc.branding}
			found := append(CheckFields(h), Check(h)...)
			if len(found) != 1 || found[0].Attr.String() != tc.attr || !strings.Contains(found[0].Detail, tc.want) {
				t.Errorf("problems %v; want one at %s saying %q", found, tc.attr, tc.want)
			}
		})
	}
}
