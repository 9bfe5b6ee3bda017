package hubvalues

import (
	"slices"
	"strconv"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/validate"
)

// What a profile gives its servers beyond size and image, for any node pool
// (not only GPU ones): tolerations, node affinity, environment variables,
// a free-form image field on the form (KubeSpawner profile_options
// unlisted_choice), and menus beyond the image (profile_options.go). Written into the profile's kubespawner_override and
// profile_options by renderProfiles, read back by parseProfiles.

// NodeAffinity places a profile's servers by node labels, beyond the exact
// matches of node_selector: KubeSpawner's node_affinity_required (all of
// Required hold, one node selector term) and node_affinity_preferred.
type NodeAffinity struct {
	Required  []NodeRequirement         `json:"required"`
	Preferred []WeightedNodeRequirement `json:"preferred"`
}

// NodeRequirement is a Kubernetes node selector requirement, e.g.
// key "node.kubernetes.io/instance-type", operator "In", values [...].
type NodeRequirement struct {
	Key      string   `json:"key"`
	Operator string   `json:"operator"`
	Values   []string `json:"values"`
}

// WeightedNodeRequirement is a preferred requirement and how much it counts
// (1-100) when the scheduler ranks nodes.
type WeightedNodeRequirement struct {
	Weight   int64    `json:"weight"`
	Key      string   `json:"key"`
	Operator string   `json:"operator"`
	Values   []string `json:"values"`
}

// UnlistedImage is a free-form image field under a profile's image menu.
type UnlistedImage struct {
	DisplayName       string `json:"display_name"`
	ValidationRegex   string `json:"validation_regex,omitempty"`
	ValidationMessage string `json:"validation_message,omitempty"`
}

// NodeOperators are the operators of a node selector requirement.
var NodeOperators = []string{"In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"}

func requirementValue(key, operator string, values []string) map[string]any {
	out := map[string]any{"key": key, "operator": operator}
	if len(values) > 0 {
		out["values"] = stringsAsValues(values)
	}
	return out
}

// renderProfileServer adds p's settings to its kubespawner_override and
// its entry of profileList.
func renderProfileServer(p Profile, i int, entry, override map[string]any, b *builder) {
	ptr := func(keys ...any) []any { return append([]any{"singleuser", "profileList", i}, keys...) }
	at := func(name string) AttrPath { return AttrPath{"profiles", i, name} }
	if len(p.Tolerations) > 0 && p.GPU == nil {
		tols := make([]any, len(p.Tolerations))
		for j, t := range p.Tolerations {
			tols[j] = tolerationValue(t)
		}
		override["tolerations"] = tols
		b.source(at("tolerations"), ptr("kubespawner_override", "tolerations")...)
	}
	if a := p.NodeAffinity; a != nil {
		if len(a.Required) > 0 {
			exprs := make([]any, len(a.Required))
			for j, r := range a.Required {
				exprs[j] = requirementValue(r.Key, r.Operator, r.Values)
			}
			override["node_affinity_required"] = []any{map[string]any{"matchExpressions": exprs}}
			b.source(AttrPath{"profiles", i, "node_affinity", "required"}, ptr("kubespawner_override", "node_affinity_required")...)
		}
		if len(a.Preferred) > 0 {
			terms := make([]any, len(a.Preferred))
			for j, r := range a.Preferred {
				terms[j] = map[string]any{"weight": float64(r.Weight),
					"preference": map[string]any{"matchExpressions": []any{requirementValue(r.Key, r.Operator, r.Values)}}}
			}
			override["node_affinity_preferred"] = terms
			b.source(AttrPath{"profiles", i, "node_affinity", "preferred"}, ptr("kubespawner_override", "node_affinity_preferred")...)
		}
	}
	if len(p.Environment) > 0 || len(p.EnvironmentFromSecrets) > 0 {
		override["environment"] = envValues(p.Environment, p.EnvironmentFromSecrets)
		for name := range p.Environment {
			b.source(AttrPath{"profiles", i, "environment", MapKey(name)}, ptr("kubespawner_override", "environment", name)...)
		}
		for name := range p.EnvironmentFromSecrets {
			b.source(AttrPath{"profiles", i, "environment_from_secrets", MapKey(name)}, ptr("kubespawner_override", "environment", name)...)
		}
	}
	// Without image_choices there is no menu to add to: Check asks for one.
	if image, ok := lookupMap(entry, "profile_options", "image"); ok && p.UnlistedImage != nil {
		image["unlisted_choice"] = unlistedChoiceValue(*p.UnlistedImage)
		b.source(at("unlisted_image"), ptr("profile_options", "image", "unlisted_choice")...)
	}
	renderProfileOptions(p, i, entry, b)
}

// parseProfileServer reads what renderProfileServer wrote. A shape it does
// not write is left out, so the profile list does not render back the same
// and stays in extra_values whole.
func parseProfileServer(entry, override map[string]any, p *Profile) {
	if p.GPU == nil {
		p.Tolerations = parseTolerations(override["tolerations"])
	}
	if terms, ok := override["node_affinity_required"].([]any); ok && len(terms) == 1 {
		exprs, _ := asMap(terms[0])["matchExpressions"].([]any)
		for _, e := range exprs {
			r := parseRequirement(e)
			affinity(p).Required = append(affinity(p).Required, r)
		}
	}
	if terms, ok := override["node_affinity_preferred"].([]any); ok {
		for _, t := range terms {
			tm := asMap(t)
			exprs, _ := lookup(tm, "preference", "matchExpressions")
			list, _ := exprs.([]any)
			weight := intPtr(tm["weight"], true)
			if len(list) != 1 || weight == nil {
				continue
			}
			r := parseRequirement(list[0])
			affinity(p).Preferred = append(affinity(p).Preferred,
				WeightedNodeRequirement{Weight: *weight, Key: r.Key, Operator: r.Operator, Values: r.Values})
		}
	}
	if env, ok := override["environment"].(map[string]any); ok {
		p.Environment, p.EnvironmentFromSecrets = parseEnv(env)
	}
	if u, ok := lookupMap(entry, "profile_options", "image", "unlisted_choice"); ok {
		p.UnlistedImage = parseUnlistedChoice(u)
	}
	parseProfileOptions(entry, p)
}

func affinity(p *Profile) *NodeAffinity {
	if p.NodeAffinity == nil {
		p.NodeAffinity = &NodeAffinity{}
	}
	return p.NodeAffinity
}

func parseRequirement(v any) NodeRequirement {
	m := asMap(v)
	var r NodeRequirement
	r.Key, _ = m["key"].(string)
	r.Operator, _ = m["operator"].(string)
	r.Values = stringList(m["values"], true)
	return r
}

func parseTolerations(v any) []Toleration {
	list, _ := v.([]any)
	var out []Toleration
	for _, t := range list {
		tm := asMap(t)
		tol := Toleration{}
		tol.Key, _ = tm["key"].(string)
		tol.Operator, _ = tm["operator"].(string)
		tol.Value, _ = tm["value"].(string)
		tol.Effect, _ = tm["effect"].(string)
		if tol.Operator == defaultOperator(tol.Value) {
			tol.Operator = ""
		}
		out = append(out, tol)
	}
	return out
}

func checkProfileServerFields(h Hub, ps *problems) {
	for i, p := range h.Profiles {
		at := AttrPath{"profiles", i}
		checkTolerationFields(append(append(AttrPath{}, at...), "tolerations"), p.Tolerations, ps)
		checkEnvFields(at, p.Environment, p.EnvironmentFromSecrets, ps)
		if a := p.NodeAffinity; a != nil {
			for j, r := range a.Required {
				checkRequirement(AttrPath{"profiles", i, "node_affinity", "required", j}, r, ps)
			}
			for j, r := range a.Preferred {
				rat := AttrPath{"profiles", i, "node_affinity", "preferred", j}
				checkRequirement(rat, NodeRequirement{r.Key, r.Operator, r.Values}, ps)
				if r.Weight < 1 || r.Weight > 100 {
					ps.add(append(rat, "weight"), "Invalid value", "weight is from 1 to 100, not %d", r.Weight)
				}
			}
		}
		if u := p.UnlistedImage; u != nil {
			ps.field(AttrPath{"profiles", i, "unlisted_image", "validation_regex"}, u.ValidationRegex, validate.Regexp)
		}
		checkProfileOptionFields(p, i, ps)
	}
}

// checkTolerationFields checks tolerations at at, as the validators do.
func checkTolerationFields(at AttrPath, tolerations []Toleration, ps *problems) {
	for j, t := range tolerations {
		tat := append(append(AttrPath{}, at...), j)
		ps.field(append(tat, "key"), t.Key, validate.LabelKey)
		if t.Operator != "" && t.Operator != "Equal" && t.Operator != "Exists" {
			ps.add(append(tat, "operator"), "Invalid value", "operator is \"Equal\" or \"Exists\", not %q", t.Operator)
		}
		if t.Effect != "" && t.Effect != "NoSchedule" && t.Effect != "PreferNoSchedule" && t.Effect != "NoExecute" {
			ps.add(append(tat, "effect"), "Invalid value", "effect is \"NoSchedule\", \"PreferNoSchedule\" or \"NoExecute\", not %q", t.Effect)
		}
	}
}

// checkRequirement checks one node requirement's key, values and operator.
func checkRequirement(at AttrPath, r NodeRequirement, ps *problems) {
	sub := func(name string) AttrPath { return append(append(AttrPath{}, at...), name) }
	ps.field(sub("key"), r.Key, validate.LabelKey)
	for _, v := range r.Values {
		ps.field(sub("values"), v, validate.LabelValue)
	}
	if !slices.Contains(NodeOperators, r.Operator) {
		ps.add(sub("operator"), "Invalid value", "operator is one of %v, not %q", NodeOperators, r.Operator)
	}
}

// checkRequirementValues checks that a requirement's values suit its
// operator: Kubernetes refuses values with Exists and DoesNotExist, and
// wants one integer with Gt and Lt.
func checkRequirementValues(at AttrPath, r NodeRequirement, ps *problems) {
	sub := func(name string) AttrPath { return append(append(AttrPath{}, at...), name) }
	switch r.Operator {
	case "In", "NotIn":
		if len(r.Values) == 0 {
			ps.add(sub("values"), "Missing values", "Operator %q matches nodes by the label's value: list at least one, e.g. values = [\"n2-highmem-4\"].", r.Operator)
		}
	case "Exists", "DoesNotExist":
		if len(r.Values) > 0 {
			ps.add(sub("values"), "Values not used", "Operator %q looks only at whether nodes have the label %s: leave `values` out.", r.Operator, r.Key)
		}
	case "Gt", "Lt":
		if len(r.Values) != 1 {
			ps.add(sub("values"), "One value needed", "Operator %q compares the label with one integer: e.g. values = [\"8\"].", r.Operator)
		} else if _, err := strconv.ParseInt(r.Values[0], 10, 64); err != nil {
			ps.add(sub("values"), "Not an integer", "Operator %q compares the label with an integer, and %q is not one.", r.Operator, r.Values[0])
		}
	}
}

func checkProfileServers(h Hub, ps *problems) {
	for i, p := range h.Profiles {
		at := func(name string) AttrPath { return AttrPath{"profiles", i, name} }
		if p.GPU != nil && len(p.Tolerations) > 0 {
			ps.add(at("tolerations"), "Conflicting settings", "A GPU profile takes its tolerations in `gpu.tolerations`; move them there.")
		}
		if p.UnlistedImage != nil && len(p.ImageChoices) == 0 {
			ps.add(at("unlisted_image"), "Free-form image without a menu",
				"`unlisted_image` adds a field under the profile's image menu: list at least one `image_choices` entry (the default choice), "+
					"and remove `image`.")
		}
		checkEnvTwice(AttrPath{"profiles", i}, p.Environment, p.EnvironmentFromSecrets, ps)
		checkProfileOptions(p, i, ps)
		if a := p.NodeAffinity; a != nil {
			if len(a.Required) == 0 && len(a.Preferred) == 0 {
				ps.add(at("node_affinity"), "Empty node affinity", "Give `required` or `preferred` a requirement, or leave `node_affinity` out.")
			}
			for j, r := range a.Required {
				checkRequirementValues(AttrPath{"profiles", i, "node_affinity", "required", j}, r, ps)
			}
			for j, r := range a.Preferred {
				checkRequirementValues(AttrPath{"profiles", i, "node_affinity", "preferred", j}, NodeRequirement{r.Key, r.Operator, r.Values}, ps)
			}
		}
	}
}
