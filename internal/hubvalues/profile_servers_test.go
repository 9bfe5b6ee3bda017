package hubvalues

import "testing"

func TestProfileServerChecks(t *testing.T) {
	profile := func(p Profile) Hub {
		if p.DisplayName == "" {
			p.DisplayName = "P"
		}
		return Hub{Profiles: []Profile{p}}
	}
	req := func(op string, values ...string) *NodeAffinity {
		return &NodeAffinity{Required: []NodeRequirement{{Key: "node.kubernetes.io/instance-type", Operator: op, Values: values}}}
	}
	menu := []ImageChoice{{DisplayName: "SciPy", Image: "a/b:1"}}
	runCheckRows(t, []checkRow{
		{"a highmem profile", profile(Profile{NodeSelector: map[string]string{"pool": "highmem"}, Tolerations: []Toleration{{Key: "dedicated", Value: "highmem"}},
			NodeAffinity: req("In", "n2-highmem-4"), Environment: map[string]string{"A": "1"}, EnvironmentFromSecrets: map[string]SecretRef{"B": {"s", "k"}},
			ImageChoices: menu, UnlistedImage: &UnlistedImage{DisplayName: "Other", ValidationRegex: "^quay.io/"}}), "", ""},
		{"toleration with an unknown effect", profile(Profile{Tolerations: []Toleration{{Key: "k", Effect: "Never"}}}), "profiles[0].tolerations[0].effect", "not \"Never\""},
		{"GPU profile with tolerations outside gpu", profile(Profile{GPU: &GPU{Count: 1}, Tolerations: []Toleration{{Key: "k"}}}), "profiles[0].tolerations", "`gpu.tolerations`"},
		{"In without values", profile(Profile{NodeAffinity: req("In")}), "profiles[0].node_affinity.required[0].values", "list at least one"},
		{"Exists with values", profile(Profile{NodeAffinity: req("Exists", "x")}), "profiles[0].node_affinity.required[0].values", "leave `values` out"},
		{"Gt with a word", profile(Profile{NodeAffinity: req("Gt", "eight")}), "profiles[0].node_affinity.required[0].values", "\"eight\" is not one"},
		{"unknown operator", profile(Profile{NodeAffinity: req("Matches", "x")}), "profiles[0].node_affinity.required[0].operator", "not \"Matches\""},
		{"preferred weight of 0", profile(Profile{NodeAffinity: &NodeAffinity{Preferred: []WeightedNodeRequirement{{Weight: 0, Key: "k", Operator: "Exists"}}}}),
			"profiles[0].node_affinity.preferred[0].weight", "from 1 to 100"},
		{"empty node affinity", profile(Profile{NodeAffinity: &NodeAffinity{}}), "profiles[0].node_affinity", "Give `required` or `preferred`"},
		{"profile variable name with a space", profile(Profile{Environment: map[string]string{"A B": "1"}}), `profiles[0].environment["A B"]`, "not an environment variable name"},
		{"profile variable set twice", profile(Profile{Environment: map[string]string{"T": "1"}, EnvironmentFromSecrets: map[string]SecretRef{"T": {"s", "k"}}}),
			`profiles[0].environment_from_secrets["T"]`, "in both"},
		{"free-form image without a menu", profile(Profile{Image: "a/b:1", UnlistedImage: &UnlistedImage{DisplayName: "Other"}}), "profiles[0].unlisted_image", "list at least one `image_choices`"},
		{"free-form image regex with look-ahead", profile(Profile{ImageChoices: menu, UnlistedImage: &UnlistedImage{DisplayName: "Other", ValidationRegex: "^(?!docker.io)"}}),
			"profiles[0].unlisted_image.validation_regex", "look-around"},
	})
}

// TestProfileServersImportOrStayExtra: a profile list in the typed shape
// imports to the profile's attributes; one with a shape the attributes do
// not cover (an affinity with two node selector terms) stays in
// extra_values whole, so nothing is lost.
func TestProfileServersImportOrStayExtra(t *testing.T) {
	typed := parseYAML(t, `
singleuser:
  profileList:
  - display_name: Highmem
    slug: highmem
    kubespawner_override:
      tolerations: [{key: dedicated, operator: Equal, value: highmem, effect: NoSchedule}]
      node_affinity_required: [{matchExpressions: [{key: pool, operator: In, values: [highmem]}]}]
      environment: {A: "1", B: {valueFrom: {secretKeyRef: {name: s, key: k}}}}
`)
	h, _, err := Parse(typed)
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Profiles) != 1 || len(h.ExtraValues) != 0 {
		t.Fatalf("profiles %+v, extra %v", h.Profiles, h.ExtraValues)
	}
	p := h.Profiles[0]
	if len(p.Tolerations) != 1 || p.NodeAffinity == nil || len(p.NodeAffinity.Required) != 1 || p.Environment["A"] != "1" || p.EnvironmentFromSecrets["B"].SecretName != "s" {
		t.Errorf("profile read as %+v", p)
	}
	untyped := parseYAML(t, `
singleuser:
  profileList:
  - display_name: Either
    slug: either
    kubespawner_override:
      node_affinity_required:
      - matchExpressions: [{key: pool, operator: In, values: [a]}]
      - matchExpressions: [{key: pool, operator: In, values: [b]}]
`)
	h, _, err = Parse(untyped)
	if err != nil {
		t.Fatal(err)
	}
	if h.Profiles != nil {
		t.Errorf("two node selector terms read as %+v", h.Profiles)
	}
	if _, ok := lookup(h.ExtraValues, "singleuser", "profileList"); !ok {
		t.Errorf("profile list lost: extra %v", h.ExtraValues)
	}
}
