package hubvalues

import (
	"fmt"
	"regexp"
	"sort"
)

// Cost labels: the hub's and its community's names, and labels of the
// community's own, on every pod the release runs (hub, proxy, autohttps,
// user servers, user scheduler, user placeholders, image pullers and the
// image awaiter hook), so that a cloud's cost export can split the cluster's
// bill per hub and per community. The provider puts the same labels on the
// hub's namespace (release.EnsureNamespace).
//
// The keys and values are held to what all three clouds keep as they are:
// lower-case letters, digits, "-" and "_", a key starting with a letter, at
// most 63 characters. Kubernetes allows more ("." and "/", upper case), but
// Google Cloud labels allow only this set, so the same key=value can also
// label the community's buckets and disks; Azure tag names may not hold "/"
// and ignore case; AWS tags allow all of it. A community's report then
// groups the cluster's pods and its other cloud resources by one key.

// Label keys the hub writes from its name and community.
const (
	HubLabelKey       = "twoi2chub-hub"
	CommunityLabelKey = "twoi2chub-community"
	// MaxCostLabels bounds cost_labels: AWS split cost allocation data
	// imports at most 50 labels per pod (the first 50 in alphabetical
	// order), and a user server's pod already carries about a dozen of
	// z2jh's and KubeSpawner's.
	MaxCostLabels = 20
)

// costLabelPlaces are the values under which z2jh 4 takes extra pod labels,
// one per kind of pod it runs.
var costLabelPlaces = [][]string{
	{"hub", "labels"},                           // hub
	{"proxy", "labels"},                         // proxy
	{"proxy", "traefik", "labels"},              // autohttps (https.type letsencrypt)
	{"singleuser", "extraLabels"},               // user servers (KubeSpawner extra_labels)
	{"scheduling", "userScheduler", "labels"},   // user scheduler
	{"scheduling", "userPlaceholder", "labels"}, // user placeholders
	{"prePuller", "labels"},                     // hook and continuous image pullers, the image awaiter hook Job
}

var costLabelRe = regexp.MustCompile(`^[a-z]([a-z0-9_-]{0,61}[a-z0-9])?$`)
var costValueRe = regexp.MustCompile(`^[a-z0-9]([a-z0-9_-]{0,61}[a-z0-9])?$`)

// CheckCostLabelValue checks a community name or cost label value.
func CheckCostLabelValue(s string) error {
	if !costValueRe.MatchString(s) {
		return fmt.Errorf("%q cannot label pods for every cloud's cost report: use at most 63 lower-case letters, digits, \"-\" and \"_\", "+
			"starting and ending with a letter or digit, e.g. %q", s, suggestLabel(s))
	}
	return nil
}

// CheckCostLabelKey checks a cost label key.
func CheckCostLabelKey(s string) error {
	if s == HubLabelKey || s == CommunityLabelKey {
		return fmt.Errorf("%q is written by the hub itself (from name and community): choose another key", s)
	}
	if !costLabelRe.MatchString(s) {
		return fmt.Errorf("%q cannot be a cost label key for every cloud: use at most 63 lower-case letters, digits, \"-\" and \"_\", "+
			"starting with a letter and ending with a letter or digit, e.g. %q (no \".\" or \"/\": Google Cloud labels and Azure tags refuse them)", s, suggestLabel(s))
	}
	return nil
}

// suggestLabel turns s into something the checks accept, for error messages.
func suggestLabel(s string) string {
	out := make([]byte, 0, len(s))
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '_', r == '-':
			out = append(out, byte(r))
		case r >= 'A' && r <= 'Z':
			out = append(out, byte(r-'A'+'a'))
		default:
			out = append(out, '-')
		}
	}
	for len(out) > 0 && (out[0] == '-' || out[0] == '_') {
		out = out[1:]
	}
	for len(out) > 0 && (out[len(out)-1] == '-' || out[len(out)-1] == '_') {
		out = out[:len(out)-1]
	}
	if len(out) > 63 {
		out = out[:63]
	}
	if len(out) == 0 || out[0] < 'a' {
		out = append([]byte("x-"), out...)
	}
	return string(out)
}

// Labels are the labels every pod and the namespace of h carry: none
// unless a community or cost labels are set (so hubs without them keep the
// values they had).
func (h Hub) Labels() map[string]string {
	if h.Community == "" && len(h.CostLabels) == 0 {
		return nil
	}
	out := make(map[string]string, len(h.CostLabels)+2)
	for k, v := range h.CostLabels {
		out[k] = v
	}
	if h.ReleaseName != "" {
		out[HubLabelKey] = h.ReleaseName
	}
	if h.Community != "" {
		out[CommunityLabelKey] = h.Community
	}
	return out
}

func renderCostLabels(h *Hub, b *builder) {
	labels := h.Labels()
	keys := make([]string, 0, len(labels))
	for k := range labels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, place := range costLabelPlaces {
		for _, k := range keys {
			attr := AttrPath{"community"}
			if _, ours := h.CostLabels[k]; ours {
				attr = AttrPath{"cost_labels", MapKey(k)}
			}
			b.set(attr, labels[k], append(append([]string{}, place...), k)...)
		}
	}
}

// parseCostLabels reads back the labels found with the same value in every
// place render writes them.
func parseCostLabels(v Values, h *Hub) {
	var common map[string]string
	for i, place := range costLabelPlaces {
		m, _ := lookupMap(v, place...)
		labels := toStringMap(m)
		if i == 0 {
			common = labels
			continue
		}
		for k, val := range common {
			if labels[k] != val {
				delete(common, k)
			}
		}
	}
	for k, val := range common {
		switch k {
		case HubLabelKey:
			h.ReleaseName = val
		case CommunityLabelKey:
			h.Community = val
		default:
			if h.CostLabels == nil {
				h.CostLabels = map[string]string{}
			}
			h.CostLabels[k] = val
		}
	}
}

func checkCostLabelFields(h Hub, ps *problems) {
	ps.field(AttrPath{"community"}, h.Community, CheckCostLabelValue)
	for k, v := range h.CostLabels {
		ps.field(AttrPath{"cost_labels"}, k, CheckCostLabelKey)
		ps.field(AttrPath{"cost_labels", MapKey(k)}, v, CheckCostLabelValue)
	}
}

func checkCostLabels(h Hub, ps *problems) {
	if n := len(h.CostLabels); n > MaxCostLabels {
		ps.add(AttrPath{"cost_labels"}, "Too many cost labels",
			"cost_labels has %d labels; at most %d fit: AWS split cost allocation data imports only the first 50 labels of a pod "+
				"(in alphabetical order), and a user server's pod already carries about a dozen of its own. Keep the labels your reports group by.",
			n, MaxCostLabels)
	}
}
