package hubvalues

import (
	"regexp"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/validate"
)

// Menus of a profile's form beyond its image menu (KubeSpawner
// profile_options other than "image", which image_choices and unlisted_image
// write): each choice overrides a few of the server's settings, and a
// free-form field may set the image. Written by renderProfileServer into the
// profile's profile_options, read back by parseProfileServer.

// ProfileOption is one menu, keyed by its name in profile_options.
type ProfileOption struct {
	DisplayName    string                  `json:"display_name"`
	Choices        map[string]OptionChoice `json:"choices"`
	UnlistedChoice *UnlistedImage          `json:"unlisted_choice,omitempty"`
}

// OptionChoice is one entry of a menu, keyed by its slug, and what it
// overrides (a subset of KubeSpawner's kubespawner_override).
type OptionChoice struct {
	DisplayName     string            `json:"display_name"`
	Default         bool              `json:"default"`
	Image           string            `json:"image,omitempty"`
	CPUGuarantee    *float64          `json:"cpu_guarantee,omitempty"`
	CPULimit        *float64          `json:"cpu_limit,omitempty"`
	MemoryGuarantee string            `json:"memory_guarantee,omitempty"`
	MemoryLimit     string            `json:"memory_limit,omitempty"`
	NodeSelector    map[string]string `json:"node_selector"`
	Environment     map[string]string `json:"environment"`
}

// imageOption is the menu image_choices writes; options cannot name it.
const imageOption = "image"

// optionName is what KubeSpawner accepts as a key of profile_options and of
// choices: it becomes part of the form's field names.
var optionName = regexp.MustCompile(`^[a-z0-9]([a-z0-9_-]*[a-z0-9])?$`)

// unlistedChoiceValue is the override of a free-form field: the text typed in.
func unlistedChoiceValue(u UnlistedImage) map[string]any {
	choice := map[string]any{"enabled": true, "display_name": u.DisplayName, "kubespawner_override": map[string]any{"image": "{value}"}}
	if u.ValidationRegex != "" {
		choice["validation_regex"] = u.ValidationRegex
	}
	if u.ValidationMessage != "" {
		choice["validation_message"] = u.ValidationMessage
	}
	return choice
}

func parseUnlistedChoice(u map[string]any) *UnlistedImage {
	if u["enabled"] != true || asMap(u["kubespawner_override"])["image"] != "{value}" {
		return nil // another shape: stays in extra_values
	}
	out := &UnlistedImage{}
	out.DisplayName, _ = u["display_name"].(string)
	out.ValidationRegex, _ = u["validation_regex"].(string)
	out.ValidationMessage, _ = u["validation_message"].(string)
	return out
}

// renderProfileOptions adds p's menus to the profile's profile_options.
func renderProfileOptions(p Profile, i int, entry map[string]any, b *builder) {
	if len(p.Options) == 0 {
		return
	}
	opts, _ := entry["profile_options"].(map[string]any)
	if opts == nil {
		opts = map[string]any{}
		entry["profile_options"] = opts
	}
	for name, o := range p.Options {
		at := AttrPath{"profiles", i, "options", MapKey(name)}
		ptr := []any{"singleuser", "profileList", i, "profile_options", name}
		choices := map[string]any{}
		for slug, c := range o.Choices {
			choice := map[string]any{"display_name": c.DisplayName}
			if c.Default {
				choice["default"] = true
			}
			if override := c.override(); len(override) > 0 {
				choice["kubespawner_override"] = override
			}
			choices[slug] = choice
		}
		option := map[string]any{"display_name": o.DisplayName, "choices": choices}
		if o.UnlistedChoice != nil {
			option["unlisted_choice"] = unlistedChoiceValue(*o.UnlistedChoice)
		}
		opts[name] = option
		b.source(at, ptr...)
	}
}

func (c OptionChoice) override() map[string]any {
	o := map[string]any{}
	if c.Image != "" {
		o["image"] = c.Image
	}
	if c.CPUGuarantee != nil {
		o["cpu_guarantee"] = *c.CPUGuarantee
	}
	if c.CPULimit != nil {
		o["cpu_limit"] = *c.CPULimit
	}
	if c.MemoryGuarantee != "" {
		o["mem_guarantee"] = c.MemoryGuarantee
	}
	if c.MemoryLimit != "" {
		o["mem_limit"] = c.MemoryLimit
	}
	if len(c.NodeSelector) > 0 {
		o["node_selector"] = stringMap(c.NodeSelector)
	}
	if len(c.Environment) > 0 {
		o["environment"] = stringMap(c.Environment)
	}
	return o
}

// parseProfileOptions reads the menus renderProfileOptions wrote; a shape
// it does not write renders back otherwise, so the profile list stays in
// extra_values whole.
func parseProfileOptions(entry map[string]any, p *Profile) {
	opts, _ := entry["profile_options"].(map[string]any)
	for name, raw := range opts {
		if name == imageOption {
			continue
		}
		m := asMap(raw)
		o := ProfileOption{Choices: map[string]OptionChoice{}}
		o.DisplayName, _ = m["display_name"].(string)
		for slug, rc := range asMap(m["choices"]) {
			cm := asMap(rc)
			var c OptionChoice
			c.DisplayName, _ = cm["display_name"].(string)
			c.Default, _ = cm["default"].(bool)
			ov := asMap(cm["kubespawner_override"])
			c.Image, _ = ov["image"].(string)
			c.CPUGuarantee, c.CPULimit = floatPtr(ov["cpu_guarantee"]), floatPtr(ov["cpu_limit"])
			c.MemoryGuarantee, c.MemoryLimit = quantityString(ov["mem_guarantee"]), quantityString(ov["mem_limit"])
			c.NodeSelector = toStringMap(asMap(ov["node_selector"]))
			c.Environment = toStringMap(asMap(ov["environment"]))
			o.Choices[slug] = c
		}
		if u, ok := m["unlisted_choice"].(map[string]any); ok {
			o.UnlistedChoice = parseUnlistedChoice(u)
		}
		if p.Options == nil {
			p.Options = map[string]ProfileOption{}
		}
		p.Options[name] = o
	}
}

// checkProfileOptionFields checks each value of p's menus where it is written.
func checkProfileOptionFields(p Profile, i int, ps *problems) {
	for _, name := range sortedKeys(p.Options) {
		o := p.Options[name]
		at := AttrPath{"profiles", i, "options", MapKey(name)}
		if !optionName.MatchString(name) {
			ps.add(at, "Invalid option name", "%q is not usable as the name of a form field: use lower-case letters, digits, - and _, e.g. \"resources\".", name)
		}
		for _, slug := range sortedKeys(o.Choices) {
			c := o.Choices[slug]
			cat := append(append(AttrPath{}, at...), "choices", MapKey(slug))
			sub := func(name string) AttrPath { return append(append(AttrPath{}, cat...), name) }
			if !optionName.MatchString(slug) {
				ps.add(cat, "Invalid choice name", "%q is not usable as a choice of the form: use lower-case letters, digits, - and _, e.g. \"small\".", slug)
			}
			ps.field(sub("image"), c.Image, validate.ImageRef)
			checkResourceFields(sub, c.resources(), ps)
			for _, k := range sortedKeys(c.NodeSelector) {
				ps.field(sub("node_selector"), k, validate.LabelKey)
				ps.field(sub("node_selector"), c.NodeSelector[k], validate.LabelValue)
			}
			for _, k := range sortedKeys(c.Environment) {
				ps.field(append(sub("environment"), MapKey(k)), k, validate.EnvName)
			}
		}
		if u := o.UnlistedChoice; u != nil {
			ps.field(append(append(AttrPath{}, at...), "unlisted_choice", "validation_regex"), u.ValidationRegex, validate.Regexp)
		}
	}
}

// checkProfileOptions checks what concerns a menu as a whole.
func checkProfileOptions(p Profile, i int, ps *problems) {
	for _, name := range sortedKeys(p.Options) {
		o := p.Options[name]
		at := AttrPath{"profiles", i, "options", MapKey(name)}
		if name == imageOption {
			ps.add(at, "Option name taken", "The profile's image menu is written by `image_choices` (and its free-form field by `unlisted_image`): "+
				"put image choices there, or name this option otherwise, e.g. \"environment\".")
		}
		defaults := 0
		for _, slug := range sortedKeys(o.Choices) {
			c := o.Choices[slug]
			if c.Default {
				defaults++
			}
			cat := append(append(AttrPath{}, at...), "choices", MapKey(slug))
			sub := func(name string) AttrPath { return append(append(AttrPath{}, cat...), name) }
			checkResources(sub, c.resources(), ps)
		}
		if defaults != 1 {
			ps.add(append(at, "choices"), "One default choice needed",
				"Option %q has %d choices marked `default = true`; mark exactly one, which the form preselects and a server started "+
					"without the form (through the API) gets.", name, defaults)
		}
	}
}
