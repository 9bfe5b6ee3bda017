package hubvalues

import (
	"reflect"
	"sort"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/release"
	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/z2jhtest"
)

// TestCostLabelsOnEveryPod renders a hub with a community and cost labels
// through the real z2jh chart (with autohttps on, so its pod is rendered too)
// and checks that every pod template of the release, hooks included, carries
// the labels, that user servers get them through singleuser.extraLabels
// without losing z2jh's own network-access-hub label, and that the values
// read back to the same settings.
func TestCostLabelsOnEveryPod(t *testing.T) {
	ch := z2jhtest.Chart(t)
	h := Hub{
		Domain:      "hub.example.org",
		HTTPS:       &HTTPS{Mode: "letsencrypt", ContactEmail: "admin@example.org"},
		Community:   "hackweek",
		CostLabels:  map[string]string{"cost-center": "geo-101", "funder": "nsf"},
		ReleaseName: "hub",
	}
	want := map[string]string{HubLabelKey: "hub", CommunityLabelKey: "hackweek", "cost-center": "geo-101", "funder": "nsf"}
	if got := h.Labels(); !reflect.DeepEqual(got, want) {
		t.Fatalf("Labels() = %v, want %v", got, want)
	}
	r, err := Render(h)
	if err != nil {
		t.Fatal(err)
	}
	if issues := schemaIssues(t, r.Values); len(issues) > 0 {
		t.Fatalf("schema issues: %v", issues)
	}
	m, err := release.Render(ch, r.Values, "ns", "hub")
	if err != nil {
		t.Fatal(err)
	}
	var pods []string
	for _, o := range m.Objects {
		var doc struct {
			Spec struct {
				Template *struct {
					Metadata struct {
						Labels map[string]string `json:"labels"`
					} `json:"metadata"`
				} `json:"template"`
			} `json:"spec"`
		}
		if err := yaml.Unmarshal([]byte(o.Manifest), &doc); err != nil {
			t.Fatalf("%s: %v", o, err)
		}
		if doc.Spec.Template == nil {
			continue
		}
		name := o.Kind + "/" + o.Name
		if o.Hook != "" {
			name += " (hook)"
		}
		pods = append(pods, name)
		for k, v := range want {
			if got := doc.Spec.Template.Metadata.Labels[k]; got != v {
				t.Errorf("%s (%s): pod label %s = %q, want %q", name, o.Template, k, got, v)
			}
		}
	}
	sort.Strings(pods)
	// Every kind of pod z2jh 4.4.0 runs, hooks included: a template the
	// chart adds later would show here first.
	wantPods := []string{"DaemonSet/continuous-image-puller", "DaemonSet/hook-image-puller (hook)", "Deployment/autohttps", "Deployment/hub",
		"Deployment/proxy", "Deployment/user-scheduler", "Job/hook-image-awaiter (hook)", "StatefulSet/user-placeholder"}
	if !reflect.DeepEqual(pods, wantPods) {
		t.Errorf("pod templates rendered: %v, want %v", pods, wantPods)
	}
	// User servers are KubeSpawner's: their labels are singleuser.extraLabels,
	// merged by Helm over the chart's default.
	user, _ := lookupMap(Coalesce(z2jhtest.Defaults(t), r.Values), "singleuser", "extraLabels")
	for k, v := range want {
		if user[k] != v {
			t.Errorf("user servers: label %s = %v, want %q", k, user[k], v)
		}
	}
	if user["hub.jupyter.org/network-access-hub"] != "true" {
		t.Errorf("user servers lost z2jh's network-access-hub label: %v", user)
	}
	if got := r.AttrFor(PointerOf("hub", "labels", "funder")).String(); got != `cost_labels["funder"]` {
		t.Errorf("hub.labels.funder is written by %q", got)
	}
	if got := r.AttrFor(PointerOf("prePuller", "labels", CommunityLabelKey)).String(); got != "community" {
		t.Errorf("prePuller.labels.%s is written by %q", CommunityLabelKey, got)
	}
	back, _, err := Parse(r.Values)
	if err != nil {
		t.Fatal(err)
	}
	if back.Community != h.Community || !reflect.DeepEqual(back.CostLabels, h.CostLabels) || back.ReleaseName != "hub" || len(back.ExtraValues) != 0 {
		a, _ := yaml.Marshal(back)
		t.Errorf("parse(render(hub)) gave\n%s\nextra values: %v", a, back.ExtraValues)
	}
}

// TestNoCostLabelsWithoutCommunity: a hub without community or cost labels
// renders no labels (its values stay as they were before this setting).
func TestNoCostLabelsWithoutCommunity(t *testing.T) {
	r, err := Render(Hub{ReleaseName: "hub"})
	if err != nil {
		t.Fatal(err)
	}
	for _, place := range costLabelPlaces {
		if v, ok := lookup(r.Values, place...); ok {
			t.Errorf("%s = %v without community", strings.Join(place, "."), v)
		}
	}
	if l := (Hub{ReleaseName: "hub"}).Labels(); l != nil {
		t.Errorf("Labels() = %v", l)
	}
}

// TestCostLabelsReadBackOnlyWhereEverywhere: a label only one component
// carries (set through extra_values) is not a cost label; it stays in
// extra_values.
func TestCostLabelsReadBackOnlyWhereEverywhere(t *testing.T) {
	r, err := Render(Hub{Community: "hackweek", ReleaseName: "hub"})
	if err != nil {
		t.Fatal(err)
	}
	v := deepCopy(r.Values).(map[string]any)
	asMap(asMap(v["hub"])["labels"])["only-hub"] = "x"
	back, _, err := Parse(v)
	if err != nil {
		t.Fatal(err)
	}
	if back.Community != "hackweek" || len(back.CostLabels) != 0 {
		t.Errorf("community %q, cost labels %v", back.Community, back.CostLabels)
	}
	if got, _ := lookupString(back.ExtraValues, "hub", "labels", "only-hub"); got != "x" {
		t.Errorf("extra values: %v", back.ExtraValues)
	}
}

func TestCostLabelChecks(t *testing.T) {
	for _, tc := range []struct {
		hub  Hub
		attr string
		msg  string
	}{
		{Hub{Community: "Hack Week"}, "community", `e.g. "hack-week"`},
		{Hub{Community: "-x"}, "community", "starting and ending"},
		{Hub{Community: strings.Repeat("a", 64)}, "community", "at most 63"},
		{Hub{CostLabels: map[string]string{"team.example.org/owner": "a"}}, "cost_labels", `e.g. "team-example-org-owner"`},
		{Hub{CostLabels: map[string]string{"Owner": "a"}}, "cost_labels", `e.g. "owner"`},
		{Hub{CostLabels: map[string]string{"1owner": "a"}}, "cost_labels", "starting with a letter"},
		{Hub{CostLabels: map[string]string{CommunityLabelKey: "a"}}, "cost_labels", "written by the hub itself"},
		{Hub{CostLabels: map[string]string{"owner": "Jane Doe"}}, `cost_labels["owner"]`, `e.g. "jane-doe"`},
	} {
		ps := CheckFields(tc.hub)
		if len(ps) != 1 || ps[0].Attr.String() != tc.attr || !strings.Contains(ps[0].Detail, tc.msg) {
			t.Errorf("%+v: problems %v, want one at %s saying %q", tc.hub, ps, tc.attr, tc.msg)
		}
	}
	many := map[string]string{}
	for i := range MaxCostLabels + 1 {
		many["k"+strings.Repeat("x", i)] = "v"
	}
	ps := Check(Hub{CostLabels: many})
	if len(ps) != 1 || ps[0].Attr.String() != "cost_labels" || !strings.Contains(ps[0].Detail, "first 50 labels") {
		t.Errorf("too many labels: %v", ps)
	}
	if ps := CheckFields(Hub{Community: "hackweek", CostLabels: map[string]string{"cost-center": "geo_101", "empty": ""}}); len(ps) != 0 {
		t.Errorf("good labels refused: %v", ps)
	}
}
