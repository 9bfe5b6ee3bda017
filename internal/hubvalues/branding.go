package hubvalues

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Branding: the hub's logo, its own page templates and the variables they
// read (JupyterHub's logo_file, template_paths and template_vars), the files
// carried by z2jh's hub.extraFiles from a Secret into the hub pod.

// Branding is what a community shows on its hub's pages.
type Branding struct {
	// Logo is the image, base64-encoded (HCL's filebase64).
	Logo string `json:"logo,omitempty"`
	// Templates are Jinja templates by file name ("login.html"), which
	// extend or replace JupyterHub's own.
	Templates map[string]string `json:"templates"`
	// TemplateVars are variables every template sees, e.g.
	// announcement_login.
	TemplateVars map[string]string `json:"template_vars"`
}

// Where the files are mounted in the hub pod.
const (
	brandingDir      = "/usr/local/etc/jupyterhub/branding"
	templatesDir     = brandingDir + "/templates"
	logoFileKey      = "branding-logo"
	templateFileKey  = "branding-template-"
	MaxLogoBytes     = 100 << 10
	MaxBrandingBytes = 256 << 10
)

var templateName = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]*\.html$`)

// logoTypes are the image formats a browser shows as a logo, by the bytes
// each starts with, and the file extension JupyterHub's content type comes from.
var logoTypes = []struct {
	ext   string
	match func([]byte) bool
}{
	{".png", func(b []byte) bool { return bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) }},
	{".jpg", func(b []byte) bool { return bytes.HasPrefix(b, []byte("\xff\xd8\xff")) }},
	{".gif", func(b []byte) bool {
		return bytes.HasPrefix(b, []byte("GIF87a")) || bytes.HasPrefix(b, []byte("GIF89a"))
	}},
	{".webp", func(b []byte) bool { return len(b) > 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP" }},
	{".svg", func(b []byte) bool {
		head := strings.ToLower(string(b[:min(len(b), 1024)]))
		return strings.Contains(head, "<svg")
	}},
}

// logoExt is the logo's file extension from its content; "" when it is no
// image a browser shows.
func logoExt(data []byte) string {
	for _, t := range logoTypes {
		if t.match(data) {
			return t.ext
		}
	}
	return ""
}

// CheckLogo checks a logo given as base64: that it decodes, is an image a
// browser shows, and is small enough to travel in the hub's Secret.
func CheckLogo(b64 string) error {
	data, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return fmt.Errorf("the logo is not base64: give the file with filebase64(\"logo.png\"), not file(...) (%v)", err)
	}
	if logoExt(data) == "" {
		return fmt.Errorf("the logo is not a PNG, JPEG, GIF, WebP or SVG image")
	}
	if len(data) > MaxLogoBytes {
		return fmt.Errorf("the logo is %d KiB; at most %d KiB fit, since it travels in the hub's values and Secret: shrink or compress it", len(data)>>10, MaxLogoBytes>>10)
	}
	return nil
}

// CheckTemplateName checks a template's file name.
func CheckTemplateName(name string) error {
	if !templateName.MatchString(name) {
		return fmt.Errorf("%q is not a template file name: use JupyterHub's names, such as \"login.html\" or \"page.html\"", name)
	}
	return nil
}

func renderBranding(h *Hub, b *builder) {
	br := h.Branding
	if br == nil {
		return
	}
	if br.Logo != "" {
		data, _ := base64.StdEncoding.DecodeString(br.Logo)
		path := brandingDir + "/logo" + logoExt(data)
		a := AttrPath{"branding", "logo"}
		b.set(a, map[string]any{"mountPath": path, "binaryData": br.Logo}, "hub", "extraFiles", logoFileKey)
		b.set(a, path, "hub", "config", "JupyterHub", "logo_file")
	}
	if len(br.Templates) > 0 {
		a := AttrPath{"branding", "templates"}
		for name, content := range br.Templates {
			b.set(a, map[string]any{"mountPath": templatesDir + "/" + name, "binaryData": base64.StdEncoding.EncodeToString([]byte(content))},
				"hub", "extraFiles", templateFileKey+name)
		}
		b.set(a, []any{templatesDir}, "hub", "config", "JupyterHub", "template_paths")
	}
	if len(br.TemplateVars) > 0 {
		b.set(AttrPath{"branding", "template_vars"}, stringMap(br.TemplateVars), "hub", "config", "JupyterHub", "template_vars")
	}
}

func parseBranding(v Values, h *Hub) {
	br := &Branding{}
	files, _ := lookupMap(v, "hub", "extraFiles")
	if logoFile, ok := lookupString(v, "hub", "config", "JupyterHub", "logo_file"); ok {
		if f, ok := files[logoFileKey].(map[string]any); ok && f["mountPath"] == logoFile {
			br.Logo, _ = f["binaryData"].(string)
		}
	}
	if paths := stringList(lookup(v, "hub", "config", "JupyterHub", "template_paths")); len(paths) == 1 && paths[0] == templatesDir {
		for key, f := range files {
			name, isTemplate := strings.CutPrefix(key, templateFileKey)
			entry, ok := f.(map[string]any)
			if !isTemplate || !ok || entry["mountPath"] != templatesDir+"/"+name {
				continue
			}
			encoded, _ := entry["binaryData"].(string)
			if content, err := base64.StdEncoding.DecodeString(encoded); err == nil {
				if br.Templates == nil {
					br.Templates = map[string]string{}
				}
				br.Templates[name] = string(content)
			}
		}
	}
	if vars, ok := lookupMap(v, "hub", "config", "JupyterHub", "template_vars"); ok && len(vars) > 0 {
		if s := toStringMap(vars); len(s) == len(vars) {
			br.TemplateVars = s
		}
	}
	if br.Logo != "" || len(br.Templates) > 0 || len(br.TemplateVars) > 0 {
		h.Branding = br
	}
}

func checkBrandingFields(h Hub, ps *problems) {
	if h.Branding == nil {
		return
	}
	ps.field(AttrPath{"branding", "logo"}, h.Branding.Logo, CheckLogo)
	for name := range h.Branding.Templates {
		ps.field(AttrPath{"branding", "templates"}, name, CheckTemplateName)
	}
	for name := range h.Branding.TemplateVars {
		ps.field(AttrPath{"branding", "template_vars"}, name, CheckTemplateVar)
	}
}

// checkBranding bounds all files together: each travels in the hub's values
// (twice in the Helm release record) and in the hub's Secret, which
// Kubernetes limits to 1 MiB.
func checkBranding(h Hub, ps *problems) {
	br := h.Branding
	if br == nil {
		return
	}
	total := base64.StdEncoding.DecodedLen(len(br.Logo))
	names := make([]string, 0, len(br.Templates))
	for name, content := range br.Templates {
		total += len(content)
		names = append(names, name)
	}
	if total > MaxBrandingBytes {
		sort.Strings(names)
		ps.add(AttrPath{"branding"}, "Branding files too large",
			"The logo and templates (%s) come to %d KiB; at most %d KiB fit, since they travel in the hub's values and Secret "+
				"(Kubernetes limits a Secret to 1 MiB). Shrink the logo, or move large assets to a web server the templates link to.",
			strings.Join(names, ", "), total>>10, MaxBrandingBytes>>10)
	}
}

var templateVarName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// CheckTemplateVar checks a template variable's name: templates can only
// read names that are identifiers.
func CheckTemplateVar(name string) error {
	if !templateVarName.MatchString(name) {
		return fmt.Errorf("%q is not a template variable name: use letters, digits and underscores, e.g. \"announcement_login\"", name)
	}
	return nil
}
