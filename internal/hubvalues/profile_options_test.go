package hubvalues

import (
	"reflect"
	"testing"

	"sigs.k8s.io/yaml"
)

// resourcesOption is a menu of server sizes, with a choice that also moves
// to another pool and sets a variable, and a free-form image field.
func resourcesOption() map[string]ProfileOption {
	return map[string]ProfileOption{
		"resources": {DisplayName: "Resource allocation", Choices: map[string]OptionChoice{
			"small": {DisplayName: "1 CPU, 2G", Default: true, CPUGuarantee: f64(0.5), CPULimit: f64(1), MemoryGuarantee: "1G", MemoryLimit: "2G"},
			"large": {DisplayName: "4 CPU, 16G", CPULimit: f64(4), MemoryLimit: "16G", NodeSelector: map[string]string{"pool": "highmem"},
				Environment: map[string]string{"OMP_NUM_THREADS": "4"}},
		}},
		"environment": {DisplayName: "Environment", Choices: map[string]OptionChoice{
			"pangeo": {DisplayName: "Pangeo", Default: true, Image: "quay.io/pangeo/pangeo-notebook:2025.01.10"},
		}, UnlistedChoice: &UnlistedImage{DisplayName: "Other image", ValidationRegex: "^quay.io/.+:.+$", ValidationMessage: "An image of quay.io with a tag"}},
	}
}

// TestProfileOptionsRoundTrip: menus render to KubeSpawner's profile_options
// beside the image menu, pass the chart's schema, and read back to the same
// settings with nothing left to extra_values (import and drift).
func TestProfileOptionsRoundTrip(t *testing.T) {
	hub := Hub{Profiles: []Profile{{DisplayName: "Custom", Default: true,
		ImageChoices:  []ImageChoice{{DisplayName: "SciPy", Image: "quay.io/jupyter/scipy-notebook:2025-01-06", Default: true}},
		UnlistedImage: &UnlistedImage{DisplayName: "Own image"},
		Options:       resourcesOption()}}}
	r, err := Render(hub)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := yaml.Marshal(lookupAny(r.Values, "singleuser", "profileList"))
	want := `- default: true
  display_name: Custom
  profile_options:
    environment:
      choices:
        pangeo:
          default: true
          display_name: Pangeo
          kubespawner_override:
            image: quay.io/pangeo/pangeo-notebook:2025.01.10
      display_name: Environment
      unlisted_choice:
        display_name: Other image
        enabled: true
        kubespawner_override:
          image: '{value}'
        validation_message: An image of quay.io with a tag
        validation_regex: ^quay.io/.+:.+$
    image:
      choices:
        scipy:
          default: true
          display_name: SciPy
          kubespawner_override:
            image: quay.io/jupyter/scipy-notebook:2025-01-06
      display_name: Image
      unlisted_choice:
        display_name: Own image
        enabled: true
        kubespawner_override:
          image: '{value}'
    resources:
      choices:
        large:
          display_name: 4 CPU, 16G
          kubespawner_override:
            cpu_limit: 4
            environment:
              OMP_NUM_THREADS: "4"
            mem_limit: 16G
            node_selector:
              pool: highmem
        small:
          default: true
          display_name: 1 CPU, 2G
          kubespawner_override:
            cpu_guarantee: 0.5
            cpu_limit: 1
            mem_guarantee: 1G
            mem_limit: 2G
      display_name: Resource allocation
  slug: custom
`
	if string(got) != want {
		t.Errorf("profileList:\n%s\nwant:\n%s", got, want)
	}
	if issues := schemaIssues(t, r.Values); len(issues) > 0 {
		t.Errorf("schema issues: %v", issues)
	}
	if a := r.AttrFor(PointerOf("singleuser", "profileList", 0, "profile_options", "resources", "choices", "large", "kubespawner_override", "cpu_limit")).String(); a != `profiles[0].options["resources"]` {
		t.Errorf("a choice's value is reported at %q", a)
	}
	back, _, err := Parse(r.Values)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back.Profiles, hub.Profiles) || len(back.ExtraValues) != 0 {
		a, _ := yaml.Marshal(back)
		t.Errorf("parse(render(hub)) gave\n%s", a)
	}
}

// TestProfileOptionsOtherShapesStayExtra: an option whose choices override
// something the typed attribute does not cover stays in extra_values whole.
func TestProfileOptionsOtherShapesStayExtra(t *testing.T) {
	v := parseYAML(t, `
singleuser:
  profileList:
  - display_name: Custom
    slug: custom
    profile_options:
      resources:
        display_name: Resources
        choices:
          small: {display_name: Small, default: true, kubespawner_override: {extra_labels: {a: b}}}
`)
	h, _, err := Parse(v)
	if err != nil {
		t.Fatal(err)
	}
	if h.Profiles != nil {
		t.Errorf("an override the attribute lacks read as %+v", h.Profiles)
	}
	if _, ok := lookup(h.ExtraValues, "singleuser", "profileList"); !ok {
		t.Errorf("profile list lost: extra %v", h.ExtraValues)
	}
}

func TestProfileOptionChecks(t *testing.T) {
	with := func(change func(o *ProfileOption)) Hub {
		opts := resourcesOption()
		o := opts["resources"]
		change(&o)
		opts["resources"] = o
		return Hub{Profiles: []Profile{{DisplayName: "P", Options: opts}}}
	}
	choice := func(o *ProfileOption, slug string, change func(c *OptionChoice)) {
		c := o.Choices[slug]
		change(&c)
		o.Choices[slug] = c
	}
	named := func(name string) Hub {
		return Hub{Profiles: []Profile{{DisplayName: "P", Options: map[string]ProfileOption{name: resourcesOption()["resources"]}}}}
	}
	runCheckRows(t, []checkRow{
		{"menus of sizes and images", with(func(*ProfileOption) {}), "", ""},
		{"no default choice", with(func(o *ProfileOption) { choice(o, "small", func(c *OptionChoice) { c.Default = false }) }),
			`profiles[0].options["resources"].choices`, "has 0 choices marked `default = true`; mark exactly one"},
		{"two default choices", with(func(o *ProfileOption) { choice(o, "large", func(c *OptionChoice) { c.Default = true }) }),
			`profiles[0].options["resources"].choices`, "has 2 choices"},
		{"bad image", with(func(o *ProfileOption) { choice(o, "large", func(c *OptionChoice) { c.Image = "Not An Image" }) }),
			`profiles[0].options["resources"].choices["large"].image`, ""},
		{"bad memory", with(func(o *ProfileOption) { choice(o, "large", func(c *OptionChoice) { c.MemoryLimit = "16 gigs" }) }),
			`profiles[0].options["resources"].choices["large"].memory_limit`, ""},
		{"guarantee above limit", with(func(o *ProfileOption) { choice(o, "small", func(c *OptionChoice) { c.CPUGuarantee = f64(2) }) }),
			`profiles[0].options["resources"].choices["small"].cpu_guarantee`, "more than cpu_limit"},
		{"bad variable name", with(func(o *ProfileOption) {
			choice(o, "large", func(c *OptionChoice) { c.Environment = map[string]string{"A B": "1"} })
		}), `profiles[0].options["resources"].choices["large"].environment["A B"]`, "not an environment variable name"},
		{"regex that does not compile", with(func(o *ProfileOption) { o.UnlistedChoice = &UnlistedImage{DisplayName: "x", ValidationRegex: "(["} }),
			`profiles[0].options["resources"].unlisted_choice.validation_regex`, "not a regular expression"},
		{"option named image", named("image"), `profiles[0].options["image"]`, "written by `image_choices`"},
		{"option name with a space", named("my option"), `profiles[0].options["my option"]`, "not usable as the name of a form field"},
	})
}
