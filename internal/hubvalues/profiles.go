package hubvalues

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/validate"
)

// The server options people choose from: singleuser.profileList.

// Profile is one entry of the server options form (KubeSpawner profile_list).
type Profile struct {
	DisplayName     string            `json:"display_name"`
	Slug            string            `json:"slug,omitempty"`
	Description     string            `json:"description,omitempty"`
	Default         bool              `json:"default"`
	Image           string            `json:"image,omitempty"`
	CPUGuarantee    *float64          `json:"cpu_guarantee,omitempty"`
	CPULimit        *float64          `json:"cpu_limit,omitempty"`
	MemoryGuarantee string            `json:"memory_guarantee,omitempty"`
	MemoryLimit     string            `json:"memory_limit,omitempty"`
	NodeSelector    map[string]string `json:"node_selector"`
	GPU             *GPU              `json:"gpu,omitempty"`
	ImageChoices    []ImageChoice     `json:"image_choices"`
	// For any node pool, and the form (profile_servers.go).
	Tolerations            []Toleration         `json:"tolerations"`
	NodeAffinity           *NodeAffinity        `json:"node_affinity,omitempty"`
	Environment            map[string]string    `json:"environment"`
	EnvironmentFromSecrets map[string]SecretRef `json:"environment_from_secrets"`
	UnlistedImage          *UnlistedImage       `json:"unlisted_image,omitempty"`
	// Menus beyond the image menu (profile_options.go).
	Options map[string]ProfileOption `json:"options"`
}

// GPU asks for accelerators and places the server where they are.
type GPU struct {
	Count        int64             `json:"count"`
	Resource     string            `json:"resource,omitempty"` // extended resource name; default nvidia.com/gpu
	NodeSelector map[string]string `json:"node_selector"`
	Tolerations  []Toleration      `json:"tolerations"`
}

// Toleration lets user servers onto tainted nodes.
type Toleration struct {
	Key      string `json:"key"`
	Operator string `json:"operator,omitempty"`
	Value    string `json:"value,omitempty"`
	Effect   string `json:"effect,omitempty"`
}

// ImageChoice is one option of a profile's image menu.
type ImageChoice struct {
	Slug        string `json:"slug,omitempty"`
	DisplayName string `json:"display_name"`
	Image       string `json:"image"`
	Default     bool   `json:"default"`
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
		renderProfileServer(p, i, entry, override, b)
		if len(override) > 0 {
			entry["kubespawner_override"] = override
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
					g.Tolerations = parseTolerations(o["tolerations"])
					// A GPU profile keeps its node labels with the GPU (Check
					// refuses them on the profile too, so reading back is exact).
					g.NodeSelector, selector = selector, nil
					p.GPU = g
				}
			}
			if len(selector) > 0 {
				p.NodeSelector = selector
			}
			parseProfileServer(e, o, &p)
		} else {
			parseProfileServer(e, nil, &p)
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

func checkProfileFields(h Hub, ps *problems) {
	for i, p := range h.Profiles {
		at := func(name string) AttrPath { return AttrPath{"profiles", i, name} }
		ps.field(at("image"), p.Image, validate.ImageRef)
		checkResourceFields(at, p.resources(), ps)
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
			checkTolerationFields(AttrPath{"profiles", i, "gpu", "tolerations"}, g.Tolerations, ps)
		}
		for j, c := range p.ImageChoices {
			ps.field(AttrPath{"profiles", i, "image_choices", j, "image"}, c.Image, validate.ImageRef)
		}
	}
}

func checkProfiles(h Hub, ps *problems) {
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
		checkResources(at, p.resources(), ps)
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
}
