package hubvalues

import (
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strings"
)

// AttrPath names the attribute that produced a value, as a list of attribute
// names and list indexes: {"profiles", 1, "memory_limit"}.
type AttrPath []any

func (p AttrPath) String() string {
	var b strings.Builder
	for i, s := range p {
		switch t := s.(type) {
		case int:
			fmt.Fprintf(&b, "[%d]", t)
		default:
			if i > 0 {
				b.WriteByte('.')
			}
			fmt.Fprint(&b, t)
		}
	}
	return b.String()
}

// Source records that the values under Pointer come from Attr.
type Source struct {
	Pointer Pointer
	Attr    AttrPath
}

// Rendered is the outcome of Render.
type Rendered struct {
	// Values are the chart values to install (JSON form).
	Values Values
	// Sources maps places in Values to the attributes that set them.
	Sources []Source
	// Overrides are places where extra_values replaces what a typed
	// attribute or auth wrote, instead of adding to it.
	Overrides []Override
}

// Override is extra_values replacing, at Pointer, what Attr wrote there:
// lists and plain values are replaced by a merge, not merged, so a list-form
// hub.extraEnv in extra_values drops the variables auth wrote.
type Override struct {
	Pointer Pointer
	Attr    AttrPath
	// Replaces says what is replaced: "list", "map" or "value".
	Replaces string
}

// AttrFor returns the attribute that produced the value at p: the source with
// the longest pointer containing p; failing that, a source below p (an issue
// about a whole object, such as an unknown key, is about what was written
// inside it). Nil means no attribute set it: it is a chart default.
func (r *Rendered) AttrFor(p Pointer) AttrPath {
	var best Source
	for _, s := range r.Sources {
		if p.within(s.Pointer) && len(s.Pointer) >= len(best.Pointer) {
			best = s
		}
	}
	if best.Attr != nil {
		return best.Attr
	}
	for _, s := range r.Sources {
		if s.Pointer.within(p) {
			return s.Attr
		}
	}
	return nil
}

type builder struct {
	values  Values
	sources []Source
}

// set stores value at keys and records attr as its source.
func (b *builder) set(attr AttrPath, value any, keys ...string) {
	m := b.values
	for _, k := range keys[:len(keys)-1] {
		next, ok := m[k].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[k] = next
		}
		m = next
	}
	m[keys[len(keys)-1]] = value
	ptr := make([]any, len(keys))
	for i, k := range keys {
		ptr[i] = k
	}
	b.source(attr, ptr...)
}

func (b *builder) source(attr AttrPath, ptr ...any) {
	b.sources = append(b.sources, Source{Pointer: PointerOf(ptr...), Attr: attr})
}

// feature is one typed setting: how it renders and how it is read back.
// Features write disjoint parts of the values.
type feature struct {
	render func(h *Hub, b *builder)
	// parse fills h's fields for this feature from v where v has the shape
	// render produces; Parse keeps the result only if rendering it again
	// reproduces what v has.
	parse func(v Values, h *Hub)
}

var features = []feature{
	{renderImage, parseImage},
	{renderExposure, parseExposure},
	{renderProxyServiceType, parseProxyServiceType},
	{renderProfiles, parseProfiles},
	{renderStorage, parseStorage},
	{renderCulling, parseCulling},
	{renderUsers, parseUsers},
	{renderNodePurpose, parseNodePurpose},
}

// owned are values the provider always sets, whatever the settings: they
// protect community data, and are left out of drift checks (see Checksum use
// in DriftDigest) so that a hub installed without them imports cleanly.
func owned() Values {
	// Keep the hub database's PVC when the release is uninstalled.
	return Values{"hub": map[string]any{"db": map[string]any{"pvc": map[string]any{
		"annotations": map[string]any{"helm.sh/resource-policy": "keep"},
	}}}}
}

// Render turns h into chart values. Validation of h is the caller's job (the
// provider's validators); Render fails only on settings it cannot express.
func Render(h Hub) (*Rendered, error) {
	b := &builder{values: Values{}}
	for _, f := range features {
		f.render(&h, b)
	}
	DeepMerge(b.values, owned())
	if len(h.Auth) > 0 {
		auth, err := NormalizeValues(h.Auth)
		if err != nil {
			return nil, fmt.Errorf("auth: %w", err)
		}
		DeepMerge(b.values, auth)
		for _, p := range leafPointers(auth, nil) {
			b.sources = append(b.sources, Source{Pointer: p, Attr: AttrPath{"auth"}})
		}
		// The identity provider sends people back to the hub's own domain.
		for _, class := range callbackClasses(auth, h.Domain) {
			b.set(AttrPath{"domain"}, CallbackURL(h.Domain), "hub", "config", class, "oauth_callback_url")
		}
	}
	var overrides []Override
	if len(h.ExtraValues) > 0 {
		extra, err := NormalizeValues(h.ExtraValues)
		if err != nil {
			return nil, fmt.Errorf("extra_values: %w", err)
		}
		base, err := NormalizeValues(b.values)
		if err != nil {
			return nil, err
		}
		overrides = findOverrides(base, extra, nil, &Rendered{Sources: b.sources})
		DeepMerge(b.values, extra)
		for _, p := range leafPointers(extra, nil) {
			b.sources = append(b.sources, Source{Pointer: p, Attr: AttrPath{"extra_values"}})
		}
	}
	values, err := NormalizeValues(b.values)
	if err != nil {
		return nil, err
	}
	return &Rendered{Values: values, Sources: b.sources, Overrides: overrides}, nil
}

// findOverrides walks extra over base and reports every place where extra
// replaces, rather than merges with, something a typed attribute or auth
// wrote. Setting the same value again is not an override.
func findOverrides(base, extra Values, at []any, written *Rendered) []Override {
	var out []Override
	keys := make([]string, 0, len(extra))
	for k := range extra {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		ev := extra[k]
		bv, ok := base[k]
		if !ok {
			continue
		}
		here := append(append([]any{}, at...), k)
		em, eIsMap := ev.(map[string]any)
		bm, bIsMap := bv.(map[string]any)
		if eIsMap && bIsMap {
			out = append(out, findOverrides(bm, em, here, written)...)
			continue
		}
		if reflect.DeepEqual(ev, bv) {
			continue
		}
		p := PointerOf(here...)
		attr := written.AttrFor(p)
		if len(attr) == 0 {
			continue // a provider-owned value, not an attribute's
		}
		replaces := "value"
		switch bv.(type) {
		case []any:
			replaces = "list"
		case map[string]any:
			replaces = "map"
		}
		out = append(out, Override{Pointer: p, Attr: attr, Replaces: replaces})
	}
	return out
}

// DriftDigest is the checksum used to tell whether deployed values differ from
// what the settings render: the values without the provider-owned keys.
func DriftDigest(v Values) string {
	c, _ := NormalizeValues(v)
	c = deepCopy(c).(map[string]any)
	if covers(c, owned()) {
		subtract(c, owned())
	}
	return Checksum(c)
}

func leafPointers(v Values, prefix []any) []Pointer {
	var out []Pointer
	for k, e := range v {
		p := append(append([]any{}, prefix...), k)
		if m, ok := e.(map[string]any); ok && len(m) > 0 {
			out = append(out, leafPointers(m, p)...)
			continue
		}
		out = append(out, PointerOf(p...))
	}
	return out
}

// SplitImage splits an image reference into the name and tag z2jh expects.
// The chart joins them as name:tag in every template that uses them (the
// image puller always does, so the tag can never be empty), hence a digest
// rides on the tag: "repo:tag" -> (repo, tag); "repo:tag@sha256:x" ->
// (repo, "tag@sha256:x"); and "repo@sha256:x", which has no tag, gets one
// derived from its digest -> (repo, "sha256-<first 12 hex>@sha256:x"). A
// runtime given both a tag and a digest pulls by the digest.
func SplitImage(ref string) (name, tag string) {
	digest := ""
	if i := strings.Index(ref, "@"); i >= 0 {
		ref, digest = ref[:i], ref[i:]
	}
	// A colon after the last slash separates the tag (one before it is a registry port).
	if i := strings.LastIndex(ref, ":"); i > strings.LastIndex(ref, "/") {
		return ref[:i], ref[i+1:] + digest
	}
	if digest != "" {
		return ref, digestTag(digest) + digest
	}
	return ref, "latest"
}

// digestTag is the tag SplitImage gives a reference that has only a digest.
func digestTag(digest string) string {
	algo, hex, _ := strings.Cut(strings.TrimPrefix(digest, "@"), ":")
	return algo + "-" + hex[:min(12, len(hex))]
}

// JoinImage is the inverse of SplitImage.
func JoinImage(name, tag string) string {
	if tag == "" {
		return name
	}
	if t, digest, ok := strings.Cut(tag, "@"); ok && t == digestTag(digest) {
		return name + "@" + digest
	}
	return name + ":" + tag
}

func renderImage(h *Hub, b *builder) {
	if h.Image == "" {
		return
	}
	name, tag := SplitImage(h.Image)
	b.set(AttrPath{"image"}, name, "singleuser", "image", "name")
	b.set(AttrPath{"image"}, tag, "singleuser", "image", "tag")
}

func parseImage(v Values, h *Hub) {
	name, ok1 := lookupString(v, "singleuser", "image", "name")
	tag, ok2 := lookupString(v, "singleuser", "image", "tag")
	if ok1 && ok2 && name != "" {
		h.Image = JoinImage(name, tag)
	}
}

func renderExposure(h *Hub, b *builder) {
	if h.HTTPS != nil {
		a := AttrPath{"https"}
		b.set(a, true, "proxy", "https", "enabled")
		b.set(a, h.HTTPS.Mode, "proxy", "https", "type")
		b.set(AttrPath{"domain"}, []any{h.Domain}, "proxy", "https", "hosts")
		switch h.HTTPS.Mode {
		case HTTPSLetsEncrypt:
			b.set(AttrPath{"https", "contact_email"}, h.HTTPS.ContactEmail, "proxy", "https", "letsencrypt", "contactEmail")
		case HTTPSSecret:
			b.set(AttrPath{"https", "secret_name"}, h.HTTPS.SecretName, "proxy", "https", "secret", "name")
		}
	}
	if h.Ingress != nil {
		b.set(AttrPath{"ingress"}, true, "ingress", "enabled")
		b.set(AttrPath{"domain"}, []any{h.Domain}, "ingress", "hosts")
		if h.Ingress.ClassName != "" {
			b.set(AttrPath{"ingress", "class_name"}, h.Ingress.ClassName, "ingress", "ingressClassName")
		}
		if len(h.Ingress.Annotations) > 0 {
			b.set(AttrPath{"ingress", "annotations"}, stringMap(h.Ingress.Annotations), "ingress", "annotations")
		}
		if h.Ingress.TLSSecretName != "" {
			b.set(AttrPath{"ingress", "tls_secret_name"}, []any{map[string]any{
				"hosts": []any{h.Domain}, "secretName": h.Ingress.TLSSecretName,
			}}, "ingress", "tls")
		}
	}
}

func parseExposure(v Values, h *Hub) {
	if enabled, _ := lookup(v, "proxy", "https", "enabled"); enabled == true {
		mode, _ := lookupString(v, "proxy", "https", "type")
		hosts, _ := lookup(v, "proxy", "https", "hosts")
		if domain, ok := singleString(hosts); ok {
			h.Domain = domain
			h.HTTPS = &HTTPS{Mode: mode}
			h.HTTPS.ContactEmail, _ = lookupString(v, "proxy", "https", "letsencrypt", "contactEmail")
			h.HTTPS.SecretName, _ = lookupString(v, "proxy", "https", "secret", "name")
			if mode != HTTPSLetsEncrypt {
				h.HTTPS.ContactEmail = ""
			}
			if mode != HTTPSSecret {
				h.HTTPS.SecretName = ""
			}
		}
	}
	if enabled, _ := lookup(v, "ingress", "enabled"); enabled == true {
		hosts, _ := lookup(v, "ingress", "hosts")
		domain, ok := singleString(hosts)
		if !ok || (h.Domain != "" && h.Domain != domain) {
			return
		}
		h.Domain = domain
		h.Ingress = &Ingress{}
		h.Ingress.ClassName, _ = lookupString(v, "ingress", "ingressClassName")
		if ann, ok := lookupMap(v, "ingress", "annotations"); ok && len(ann) > 0 {
			h.Ingress.Annotations = toStringMap(ann)
		}
		if tls, ok := lookup(v, "ingress", "tls"); ok {
			if list, ok := tls.([]any); ok && len(list) == 1 {
				if entry, ok := list[0].(map[string]any); ok {
					h.Ingress.TLSSecretName, _ = entry["secretName"].(string)
				}
			}
		}
	}
}

func renderProxyServiceType(h *Hub, b *builder) {
	if h.ProxyServiceType != "" {
		b.set(AttrPath{"proxy_service_type"}, h.ProxyServiceType, "proxy", "service", "type")
	}
}

func parseProxyServiceType(v Values, h *Hub) {
	h.ProxyServiceType, _ = lookupString(v, "proxy", "service", "type")
}

var slugUnsafe = regexp.MustCompile(`[^a-z0-9]+`)

// Slug derives a profile or choice slug from a display name, as KubeSpawner would.
func Slug(displayName string) string {
	return strings.Trim(slugUnsafe.ReplaceAllString(strings.ToLower(displayName), "-"), "-")
}

func renderProfiles(h *Hub, b *builder) {
	if h.Profiles == nil {
		return
	}
	list := make([]any, 0, len(h.Profiles))
	for i, p := range h.Profiles {
		at := func(name string) AttrPath { return AttrPath{"profiles", i, name} }
		ptr := func(keys ...any) []any { return append([]any{"singleuser", "profileList", i}, keys...) }
		entry := map[string]any{"display_name": p.DisplayName}
		b.source(at("display_name"), ptr("display_name")...)
		slug := p.Slug
		if slug == "" {
			slug = Slug(p.DisplayName)
		}
		entry["slug"] = slug
		b.source(at("slug"), ptr("slug")...)
		if p.Description != "" {
			entry["description"] = p.Description
			b.source(at("description"), ptr("description")...)
		}
		if p.Default {
			entry["default"] = true
			b.source(at("default"), ptr("default")...)
		}
		override := map[string]any{}
		put := func(attr, key string, value any) {
			override[key] = value
			b.source(at(attr), ptr("kubespawner_override", key)...)
		}
		if p.Image != "" {
			put("image", "image", p.Image)
		}
		if p.CPUGuarantee != nil {
			put("cpu_guarantee", "cpu_guarantee", *p.CPUGuarantee)
		}
		if p.CPULimit != nil {
			put("cpu_limit", "cpu_limit", *p.CPULimit)
		}
		if p.MemoryGuarantee != "" {
			put("memory_guarantee", "mem_guarantee", p.MemoryGuarantee)
		}
		if p.MemoryLimit != "" {
			put("memory_limit", "mem_limit", p.MemoryLimit)
		}
		selector := map[string]any{}
		for k, v := range p.NodeSelector {
			selector[k] = v
		}
		if g := p.GPU; g != nil {
			res := g.Resource
			if res == "" {
				res = DefaultGPUResource
			}
			override["extra_resource_limits"] = map[string]any{res: fmt.Sprint(g.Count)}
			b.source(AttrPath{"profiles", i, "gpu"}, ptr("kubespawner_override", "extra_resource_limits")...)
			for k, v := range g.NodeSelector {
				selector[k] = v
			}
			if len(g.Tolerations) > 0 {
				tols := make([]any, 0, len(g.Tolerations))
				for _, t := range g.Tolerations {
					tols = append(tols, tolerationValue(t))
				}
				override["tolerations"] = tols
				b.source(AttrPath{"profiles", i, "gpu", "tolerations"}, ptr("kubespawner_override", "tolerations")...)
			}
		}
		if len(selector) > 0 {
			put("node_selector", "node_selector", selector)
		}
		if len(override) > 0 {
			entry["kubespawner_override"] = override
		}
		if len(p.ImageChoices) > 0 {
			choices := map[string]any{}
			for j, c := range p.ImageChoices {
				slug := c.Slug
				if slug == "" {
					slug = Slug(c.DisplayName)
				}
				choice := map[string]any{
					"display_name":         c.DisplayName,
					"kubespawner_override": map[string]any{"image": c.Image},
				}
				if c.Default {
					choice["default"] = true
				}
				choices[slug] = choice
				b.source(AttrPath{"profiles", i, "image_choices", j}, ptr("profile_options", "image", "choices", slug)...)
			}
			entry["profile_options"] = map[string]any{"image": map[string]any{"display_name": "Image", "choices": choices}}
		}
		list = append(list, entry)
	}
	b.values["singleuser"] = DeepMerge(asMap(b.values["singleuser"]), Values{"profileList": list})
	b.source(AttrPath{"profiles"}, "singleuser", "profileList")
}

// defaultOperator is the operator a toleration gets when none is given.
func defaultOperator(value string) string {
	if value == "" {
		return "Exists"
	}
	return "Equal"
}

func tolerationValue(t Toleration) map[string]any {
	m := map[string]any{"key": t.Key}
	op := t.Operator
	if op == "" {
		op = defaultOperator(t.Value)
	}
	m["operator"] = op
	if t.Value != "" {
		m["value"] = t.Value
	}
	if t.Effect != "" {
		m["effect"] = t.Effect
	}
	return m
}

func parseProfiles(v Values, h *Hub) {
	raw, ok := lookup(v, "singleuser", "profileList")
	list, isList := raw.([]any)
	if !ok || !isList {
		return
	}
	profiles := make([]Profile, 0, len(list))
	for _, item := range list {
		e, ok := item.(map[string]any)
		if !ok {
			return
		}
		var p Profile
		p.DisplayName, _ = e["display_name"].(string)
		p.Slug, _ = e["slug"].(string)
		if p.Slug == Slug(p.DisplayName) {
			p.Slug = ""
		}
		p.Description, _ = e["description"].(string)
		p.Default, _ = e["default"].(bool)
		if o, ok := e["kubespawner_override"].(map[string]any); ok {
			p.Image, _ = o["image"].(string)
			p.CPUGuarantee = floatPtr(o["cpu_guarantee"])
			p.CPULimit = floatPtr(o["cpu_limit"])
			p.MemoryGuarantee = quantityString(o["mem_guarantee"])
			p.MemoryLimit = quantityString(o["mem_limit"])
			selector := toStringMap(asMap(o["node_selector"]))
			if limits, ok := o["extra_resource_limits"].(map[string]any); ok && len(limits) == 1 {
				for res, count := range limits {
					g := &GPU{Resource: res}
					fmt.Sscan(fmt.Sprint(count), &g.Count)
					if res == DefaultGPUResource {
						g.Resource = ""
					}
					if tols, ok := o["tolerations"].([]any); ok {
						for _, t := range tols {
							tm := asMap(t)
							tol := Toleration{}
							tol.Key, _ = tm["key"].(string)
							tol.Operator, _ = tm["operator"].(string)
							tol.Value, _ = tm["value"].(string)
							tol.Effect, _ = tm["effect"].(string)
							if tol.Operator == defaultOperator(tol.Value) {
								tol.Operator = ""
							}
							g.Tolerations = append(g.Tolerations, tol)
						}
					}
					// A GPU profile keeps its node labels with the GPU (Check
					// refuses them on the profile too, so reading back is exact).
					g.NodeSelector, selector = selector, nil
					p.GPU = g
				}
			}
			if len(selector) > 0 {
				p.NodeSelector = selector
			}
		}
		if opts, ok := lookup(e, "profile_options", "image", "choices"); ok {
			choices := asMap(opts)
			slugs := make([]string, 0, len(choices))
			for s := range choices {
				slugs = append(slugs, s)
			}
			sort.Strings(slugs)
			for _, s := range slugs {
				c := asMap(choices[s])
				ic := ImageChoice{Slug: s}
				ic.DisplayName, _ = c["display_name"].(string)
				ic.Default, _ = c["default"].(bool)
				ic.Image, _ = asMap(c["kubespawner_override"])["image"].(string)
				if ic.Slug == Slug(ic.DisplayName) {
					ic.Slug = ""
				}
				p.ImageChoices = append(p.ImageChoices, ic)
			}
		}
		profiles = append(profiles, p)
	}
	h.Profiles = profiles
}

func renderStorage(h *Hub, b *builder) {
	s := h.Storage
	if s == nil {
		return
	}
	a := func(name string) AttrPath { return AttrPath{"storage", name} }
	mount := s.MountPath
	switch s.Type {
	case StorageDynamic:
		b.set(a("type"), "dynamic", "singleuser", "storage", "type")
		if s.Capacity != "" {
			b.set(a("capacity"), s.Capacity, "singleuser", "storage", "capacity")
		}
		if s.StorageClass != "" {
			b.set(a("storage_class"), s.StorageClass, "singleuser", "storage", "dynamic", "storageClass")
		}
	case StorageShared:
		b.set(a("type"), "static", "singleuser", "storage", "type")
		b.set(a("claim_name"), s.ClaimName, "singleuser", "storage", "static", "pvcName")
		b.set(a("sub_path"), orDefault(s.SubPath, DefaultSubPath), "singleuser", "storage", "static", "subPath")
	case StorageNFS:
		b.set(a("type"), "none", "singleuser", "storage", "type")
		b.set(a("nfs_server"), []any{map[string]any{
			"name": nfsVolumeName,
			"nfs":  map[string]any{"server": s.NFSServer, "path": s.NFSPath},
		}}, "singleuser", "storage", "extraVolumes")
		b.set(a("sub_path"), []any{map[string]any{
			"name": nfsVolumeName, "mountPath": orDefault(mount, DefaultMountPath), "subPath": orDefault(s.SubPath, DefaultSubPath),
		}}, "singleuser", "storage", "extraVolumeMounts")
		mount = "" // carried by the volume mount
	case StorageNone:
		b.set(a("type"), "none", "singleuser", "storage", "type")
	}
	if mount != "" {
		b.set(a("mount_path"), mount, "singleuser", "storage", "homeMountPath")
	}
}

func parseStorage(v Values, h *Hub) {
	st, ok := lookupString(v, "singleuser", "storage", "type")
	if !ok {
		return
	}
	s := &Storage{}
	s.MountPath, _ = lookupString(v, "singleuser", "storage", "homeMountPath")
	switch st {
	case "dynamic":
		s.Type = StorageDynamic
		s.Capacity, _ = lookupString(v, "singleuser", "storage", "capacity")
		s.StorageClass, _ = lookupString(v, "singleuser", "storage", "dynamic", "storageClass")
	case "static":
		s.Type = StorageShared
		s.ClaimName, _ = lookupString(v, "singleuser", "storage", "static", "pvcName")
		s.SubPath, _ = lookupString(v, "singleuser", "storage", "static", "subPath")
		if s.SubPath == DefaultSubPath {
			s.SubPath = ""
		}
	case "none":
		s.Type = StorageNone
		vols, _ := lookup(v, "singleuser", "storage", "extraVolumes")
		mounts, _ := lookup(v, "singleuser", "storage", "extraVolumeMounts")
		if vl, ok := vols.([]any); ok && len(vl) == 1 {
			if ml, ok := mounts.([]any); ok && len(ml) == 1 {
				vol, mnt := asMap(vl[0]), asMap(ml[0])
				if vol["name"] == nfsVolumeName && mnt["name"] == nfsVolumeName {
					nfs := asMap(vol["nfs"])
					s.Type = StorageNFS
					s.NFSServer, _ = nfs["server"].(string)
					s.NFSPath, _ = nfs["path"].(string)
					s.SubPath, _ = mnt["subPath"].(string)
					s.MountPath, _ = mnt["mountPath"].(string)
					if s.SubPath == DefaultSubPath {
						s.SubPath = ""
					}
					if s.MountPath == DefaultMountPath {
						s.MountPath = ""
					}
				}
			}
		}
	default:
		return
	}
	h.Storage = s
}

func renderCulling(h *Hub, b *builder) {
	c := h.Culling
	if c == nil {
		return
	}
	b.set(AttrPath{"culling", "enabled"}, c.Enabled, "cull", "enabled")
	if c.Timeout != nil {
		b.set(AttrPath{"culling", "timeout"}, *c.Timeout, "cull", "timeout")
	}
	if c.Every != nil {
		b.set(AttrPath{"culling", "every"}, *c.Every, "cull", "every")
	}
	if c.MaxAge != nil {
		b.set(AttrPath{"culling", "max_age"}, *c.MaxAge, "cull", "maxAge")
	}
	if c.Users != nil {
		b.set(AttrPath{"culling", "users"}, *c.Users, "cull", "users")
	}
}

func parseCulling(v Values, h *Hub) {
	enabled, ok := lookup(v, "cull", "enabled")
	e, isBool := enabled.(bool)
	if !ok || !isBool {
		return
	}
	c := &Culling{Enabled: e}
	c.Timeout = intPtr(lookup(v, "cull", "timeout"))
	c.Every = intPtr(lookup(v, "cull", "every"))
	c.MaxAge = intPtr(lookup(v, "cull", "maxAge"))
	if u, ok := lookup(v, "cull", "users"); ok {
		if ub, ok := u.(bool); ok {
			c.Users = &ub
		}
	}
	h.Culling = c
}

func renderUsers(h *Hub, b *builder) {
	if h.AdminUsers != nil {
		b.set(AttrPath{"admin_users"}, SortedList(h.AdminUsers), "hub", "config", "Authenticator", "admin_users")
	}
	if h.AllowedUsers != nil {
		b.set(AttrPath{"allowed_users"}, SortedList(h.AllowedUsers), "hub", "config", "Authenticator", "allowed_users")
	}
}

func parseUsers(v Values, h *Hub) {
	h.AdminUsers = stringList(lookup(v, "hub", "config", "Authenticator", "admin_users"))
	h.AllowedUsers = stringList(lookup(v, "hub", "config", "Authenticator", "allowed_users"))
}

func renderNodePurpose(h *Hub, b *builder) {
	n := h.NodePurpose
	if n == nil {
		return
	}
	if n.Core != "" {
		b.set(AttrPath{"node_purpose", "core"}, n.Core, "scheduling", "corePods", "nodeAffinity", "matchNodePurpose")
	}
	if n.User != "" {
		b.set(AttrPath{"node_purpose", "user"}, n.User, "scheduling", "userPods", "nodeAffinity", "matchNodePurpose")
	}
}

func parseNodePurpose(v Values, h *Hub) {
	core, ok1 := lookupString(v, "scheduling", "corePods", "nodeAffinity", "matchNodePurpose")
	user, ok2 := lookupString(v, "scheduling", "userPods", "nodeAffinity", "matchNodePurpose")
	if ok1 || ok2 {
		h.NodePurpose = &NodePurpose{Core: core, User: user}
	}
}

// helpers for loosely typed values

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	if m == nil {
		return map[string]any{}
	}
	return m
}

func stringMap(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func toStringMap(m map[string]any) map[string]string {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		s, ok := v.(string)
		if !ok {
			s = fmt.Sprint(v)
		}
		out[k] = s
	}
	return out
}

func singleString(v any) (string, bool) {
	list, ok := v.([]any)
	if !ok || len(list) != 1 {
		return "", false
	}
	s, ok := list[0].(string)
	return s, ok && s != ""
}

// SortedList is a sorted copy of in, as values: sets in HCL, stable in values.
func SortedList(in []string) []any {
	s := append([]string(nil), in...)
	sort.Strings(s)
	out := make([]any, len(s))
	for i, e := range s {
		out[i] = e
	}
	return out
}

func stringList(v any, ok bool) []string {
	list, isList := v.([]any)
	if !ok || !isList {
		return nil
	}
	out := make([]string, 0, len(list))
	for _, e := range list {
		s, isStr := e.(string)
		if !isStr {
			return nil
		}
		out = append(out, s)
	}
	return out
}

func floatPtr(v any) *float64 {
	f, ok := v.(float64)
	if !ok {
		return nil
	}
	return &f
}

func intPtr(v any, ok bool) *int64 {
	f, isNum := v.(float64)
	if !ok || !isNum || f != float64(int64(f)) {
		return nil
	}
	i := int64(f)
	return &i
}

// quantityString reads a memory quantity that may have been written as a number.
func quantityString(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case float64:
		return fmt.Sprint(t)
	}
	return ""
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// CallbackURL is where an identity provider sends people back to a hub.
func CallbackURL(domain string) string { return "https://" + domain + "/hub/oauth_callback" }

// callbackClasses lists the OAuthenticator sections of an auth fragment that
// have a client but no callback URL, which a hub with a domain fills in.
func callbackClasses(auth Values, domain string) []string {
	if domain == "" {
		return nil
	}
	config, _ := lookupMap(auth, "hub", "config")
	var out []string
	for class, section := range config {
		m, ok := section.(map[string]any)
		if !ok {
			continue
		}
		if _, hasClient := m["client_id"]; hasClient {
			if _, hasCallback := m["oauth_callback_url"]; !hasCallback {
				out = append(out, class)
			}
		}
	}
	sort.Strings(out)
	return out
}
