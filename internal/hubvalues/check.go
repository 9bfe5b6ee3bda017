package hubvalues

import (
	"fmt"
	"math"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/validate"
)

// Problem is a setting that cannot work, at the attribute that holds it.
type Problem struct {
	Attr    AttrPath
	Summary string
	Detail  string
}

func (p Problem) String() string { return fmt.Sprintf("%s: %s: %s", p.Attr, p.Summary, p.Detail) }

type problems []Problem

func (ps *problems) add(attr AttrPath, summary, detail string, args ...any) {
	*ps = append(*ps, Problem{Attr: attr, Summary: summary, Detail: fmt.Sprintf(detail, args...)})
}

func (ps *problems) field(attr AttrPath, value string, check func(string) error) {
	if value == "" {
		return
	}
	if err := check(value); err != nil {
		ps.add(attr, "Invalid value", "%s", err.Error())
	}
}

// CheckFields checks each setting on its own: the same checks as the
// provider's attribute validators, for values that were unknown at plan.
func CheckFields(h Hub) []Problem {
	var ps problems
	ps.field(AttrPath{"domain"}, h.Domain, validate.DNSName)
	ps.field(AttrPath{"image"}, h.Image, validate.ImageRef)
	if h.HTTPS != nil {
		ps.field(AttrPath{"https", "contact_email"}, h.HTTPS.ContactEmail, validate.Email)
		ps.field(AttrPath{"https", "secret_name"}, h.HTTPS.SecretName, validate.ObjectName)
	}
	if h.Ingress != nil {
		ps.field(AttrPath{"ingress", "class_name"}, h.Ingress.ClassName, validate.ObjectName)
		ps.field(AttrPath{"ingress", "tls_secret_name"}, h.Ingress.TLSSecretName, validate.ObjectName)
		for k := range h.Ingress.Annotations {
			ps.field(AttrPath{"ingress", "annotations"}, k, validate.AnnotationKey)
		}
	}
	for i, p := range h.Profiles {
		at := func(name string) AttrPath { return AttrPath{"profiles", i, name} }
		ps.field(at("image"), p.Image, validate.ImageRef)
		ps.field(at("memory_guarantee"), p.MemoryGuarantee, validate.Memory)
		ps.field(at("memory_limit"), p.MemoryLimit, validate.Memory)
		for _, c := range []struct {
			name string
			v    *float64
		}{{"cpu_guarantee", p.CPUGuarantee}, {"cpu_limit", p.CPULimit}} {
			if c.v != nil && (!(*c.v > 0) || math.IsInf(*c.v, 0)) {
				ps.add(at(c.name), "Invalid value", "CPU must be a positive number of cores, e.g. 0.5 or 2")
			}
		}
		for k, v := range p.NodeSelector {
			ps.field(at("node_selector"), k, validate.LabelKey)
			ps.field(at("node_selector"), v, validate.LabelValue)
		}
		if g := p.GPU; g != nil {
			gat := func(name string) AttrPath { return AttrPath{"profiles", i, "gpu", name} }
			if g.Count < 1 {
				ps.add(gat("count"), "Invalid value", "a GPU profile asks for at least 1 GPU")
			}
			ps.field(gat("resource"), g.Resource, validate.ExtendedResource)
			for k, v := range g.NodeSelector {
				ps.field(gat("node_selector"), k, validate.LabelKey)
				ps.field(gat("node_selector"), v, validate.LabelValue)
			}
			for j, t := range g.Tolerations {
				tat := AttrPath{"profiles", i, "gpu", "tolerations", j}
				ps.field(append(tat, "key"), t.Key, validate.LabelKey)
				if t.Operator != "" && t.Operator != "Equal" && t.Operator != "Exists" {
					ps.add(append(tat, "operator"), "Invalid value", "operator is \"Equal\" or \"Exists\", not %q", t.Operator)
				}
				if t.Effect != "" && t.Effect != "NoSchedule" && t.Effect != "PreferNoSchedule" && t.Effect != "NoExecute" {
					ps.add(append(tat, "effect"), "Invalid value", "effect is \"NoSchedule\", \"PreferNoSchedule\" or \"NoExecute\", not %q", t.Effect)
				}
			}
		}
		for j, c := range p.ImageChoices {
			ps.field(AttrPath{"profiles", i, "image_choices", j, "image"}, c.Image, validate.ImageRef)
		}
	}
	if s := h.Storage; s != nil {
		at := func(name string) AttrPath { return AttrPath{"storage", name} }
		ps.field(at("capacity"), s.Capacity, validate.Storage)
		ps.field(at("storage_class"), s.StorageClass, validate.ObjectName)
		ps.field(at("claim_name"), s.ClaimName, validate.ObjectName)
		ps.field(at("nfs_server"), s.NFSServer, validate.HostOrIP)
		ps.field(at("nfs_path"), s.NFSPath, validate.AbsolutePath)
		ps.field(at("sub_path"), s.SubPath, validate.SubPath)
		ps.field(at("mount_path"), s.MountPath, validate.AbsolutePath)
	}
	if c := h.Culling; c != nil {
		for _, d := range []struct {
			name string
			v    *int64
			min  int64
		}{{"timeout", c.Timeout, 1}, {"every", c.Every, 1}, {"max_age", c.MaxAge, 0}} {
			if d.v != nil && *d.v < d.min {
				ps.add(AttrPath{"culling", d.name}, "Invalid value", "%s is a number of seconds of at least %d", d.name, d.min)
			}
		}
	}
	for i, u := range h.AdminUsers {
		if u == "" {
			ps.add(AttrPath{"admin_users", i}, "Invalid value", "user names cannot be empty")
		}
	}
	for i, u := range h.AllowedUsers {
		if u == "" {
			ps.add(AttrPath{"allowed_users", i}, "Invalid value", "user names cannot be empty")
		}
	}
	return ps
}

// Check finds settings that are fine alone but do not work together.
func Check(h Hub) []Problem {
	var ps problems
	switch {
	case h.HTTPS != nil && h.Ingress != nil:
		ps.add(AttrPath{"ingress"}, "Conflicting settings",
			"`https` makes the hub's proxy terminate TLS, `ingress` hands that to an ingress controller: set only one. "+
				"With an ingress, put the certificate in `ingress.tls_secret_name` or let cert-manager create it through `ingress.annotations`.")
	case (h.HTTPS != nil || h.Ingress != nil) && h.Domain == "":
		attr := AttrPath{"https"}
		if h.Ingress != nil {
			attr = AttrPath{"ingress"}
		}
		ps.add(attr, "Missing domain", "HTTPS and ingresses need the hub's `domain`, e.g. domain = \"hub.example.org\".")
	case h.Domain != "" && h.HTTPS == nil && h.Ingress == nil:
		ps.add(AttrPath{"domain"}, "Domain without HTTPS",
			"A hub reached by a domain name must use HTTPS: add `https = { mode = \"letsencrypt\", contact_email = \"...\" }`, "+
				"`https = { mode = \"offload\" }` when a load balancer terminates TLS, or an `ingress` block.")
	}
	if t := h.HTTPS; t != nil {
		switch t.Mode {
		case HTTPSLetsEncrypt:
			if t.ContactEmail == "" {
				ps.add(AttrPath{"https", "contact_email"}, "Missing contact e-mail", "Let's Encrypt needs a contact e-mail for expiry notices: set `https.contact_email`.")
			}
		case HTTPSSecret:
			if t.SecretName == "" {
				ps.add(AttrPath{"https", "secret_name"}, "Missing TLS secret", "mode \"secret\" uses an existing kubernetes.io/tls Secret in the hub's namespace: set `https.secret_name`.")
			}
		}
		if t.ContactEmail != "" && t.Mode != HTTPSLetsEncrypt {
			ps.add(AttrPath{"https", "contact_email"}, "Setting not used", "`contact_email` is only used with mode \"letsencrypt\".")
		}
		if t.SecretName != "" && t.Mode != HTTPSSecret {
			ps.add(AttrPath{"https", "secret_name"}, "Setting not used", "`secret_name` is only used with mode \"secret\".")
		}
	}

	defaults, slugs := 0, map[string]int{}
	for i, p := range h.Profiles {
		at := func(name string) AttrPath { return AttrPath{"profiles", i, name} }
		if p.Default {
			defaults++
			if defaults > 1 {
				ps.add(at("default"), "Several default profiles", "Only one profile can be the default.")
			}
		}
		slug := p.Slug
		if slug == "" {
			slug = Slug(p.DisplayName)
		}
		if slug == "" {
			ps.add(at("display_name"), "Profile needs a name", "Give the profile a `display_name` with letters or digits, or a `slug`.")
		} else if j, dup := slugs[slug]; dup {
			ps.add(at("slug"), "Duplicate profile", "Profiles %d and %d both have the slug %q: give one of them a different `slug` or `display_name`.", j, i, slug)
		} else {
			slugs[slug] = i
		}
		if p.CPUGuarantee != nil && p.CPULimit != nil && *p.CPUGuarantee > *p.CPULimit {
			ps.add(at("cpu_guarantee"), "Guarantee above limit", "cpu_guarantee (%v) is more than cpu_limit (%v).", *p.CPUGuarantee, *p.CPULimit)
		}
		if p.MemoryGuarantee != "" && p.MemoryLimit != "" && validate.Memory(p.MemoryGuarantee) == nil && validate.Memory(p.MemoryLimit) == nil &&
			validate.Bytes(p.MemoryGuarantee) > validate.Bytes(p.MemoryLimit) {
			ps.add(at("memory_guarantee"), "Guarantee above limit", "memory_guarantee (%s) is more than memory_limit (%s).", p.MemoryGuarantee, p.MemoryLimit)
		}
		if p.GPU != nil && len(p.NodeSelector) > 0 {
			ps.add(at("node_selector"), "Conflicting settings", "A GPU profile takes its node labels in `gpu.node_selector`; move them there.")
		}
		if p.Image != "" && len(p.ImageChoices) > 0 {
			ps.add(at("image_choices"), "Conflicting settings", "A profile sets either one `image` or a menu of `image_choices`, not both.")
		}
		choiceDefaults, choiceSlugs := 0, map[string]bool{}
		for j, c := range p.ImageChoices {
			cat := AttrPath{"profiles", i, "image_choices", j}
			if c.Default {
				choiceDefaults++
				if choiceDefaults > 1 {
					ps.add(append(cat, "default"), "Several default images", "Only one image choice of a profile can be the default.")
				}
			}
			s := c.Slug
			if s == "" {
				s = Slug(c.DisplayName)
			}
			if s == "" || choiceSlugs[s] {
				ps.add(append(cat, "display_name"), "Duplicate or empty image choice", "Each image choice needs a distinct `display_name` (or `slug`).")
			}
			choiceSlugs[s] = true
		}
	}

	if h.Auth != nil {
		config, _ := lookupMap(h.Auth, "hub", "config")
		for class, section := range config {
			if m, ok := section.(map[string]any); ok && h.Domain != "" {
				if cb, ok := m["oauth_callback_url"].(string); ok && cb != CallbackURL(h.Domain) {
					ps.add(AttrPath{"auth"}, "Auth for another domain",
						"The auth's %s sends people back to %s, but the hub's domain is %q: set the auth's domain to the hub's, or leave it unset there.", class, cb, h.Domain)
				}
			}
		}
		if len(h.AdminUsers) > 0 && authSets(h.Auth, "admin_users") {
			ps.add(AttrPath{"admin_users"}, "Admins named twice", "The hub's auth already names admin users; keep them in one place, the twoi2chub_auth.")
		}
		if len(h.AllowedUsers) > 0 && authSets(h.Auth, "allowed_users") {
			ps.add(AttrPath{"allowed_users"}, "Allowed users named twice", "The hub's auth already names allowed users; keep them in one place, the twoi2chub_auth.")
		}
	}
	if s := h.Storage; s != nil {
		at := func(name string) AttrPath { return AttrPath{"storage", name} }
		used := map[string]bool{
			"capacity": s.Capacity != "", "storage_class": s.StorageClass != "", "claim_name": s.ClaimName != "",
			"nfs_server": s.NFSServer != "", "nfs_path": s.NFSPath != "", "sub_path": s.SubPath != "",
		}
		allowed := map[string][]string{
			StorageDynamic: {"capacity", "storage_class"},
			StorageShared:  {"claim_name", "sub_path"},
			StorageNFS:     {"nfs_server", "nfs_path", "sub_path"},
			StorageNone:    {},
		}
		required := map[string][]string{StorageShared: {"claim_name"}, StorageNFS: {"nfs_server", "nfs_path"}}
		ok := map[string]bool{}
		for _, a := range allowed[s.Type] {
			ok[a] = true
		}
		for _, a := range []string{"capacity", "storage_class", "claim_name", "nfs_server", "nfs_path", "sub_path"} {
			if used[a] && !ok[a] {
				ps.add(at(a), "Setting not used", "`%s` does not apply to storage type %q.", a, s.Type)
			}
		}
		for _, a := range required[s.Type] {
			if !used[a] {
				ps.add(at(a), "Missing setting", "storage type %q needs `%s`.", s.Type, a)
			}
		}
	}
	return ps
}

// authSets reports whether an auth fragment sets a trait on any authenticator class.
func authSets(auth map[string]any, trait string) bool {
	config, _ := lookupMap(auth, "hub", "config")
	for _, section := range config {
		if m, ok := section.(map[string]any); ok {
			if _, ok := m[trait]; ok {
				return true
			}
		}
	}
	return false
}
