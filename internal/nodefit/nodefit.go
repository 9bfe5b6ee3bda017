// Package nodefit finds servers a hub offers that no node of the cluster can
// run: a profile (or, without profiles, the default server) whose node
// selector, required node affinity and tolerations match no node, or whose
// CPU, memory or GPU requests exceed every node it may land on. It reads
// nothing itself: the provider passes the cluster's Node objects.
package nodefit

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/hubvalues"
	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/validate"
)

// NodePurposeLabel is the label z2jh places user servers by.
const NodePurposeLabel = "hub.jupyter.org/node-purpose"

// chartMemoryGuarantee is z2jh's singleuser.memory.guarantee default: what a
// server asks for when no setting does.
const chartMemoryGuarantee = "1G"

// Finding is one server that cannot run, at the attribute to change. An
// error means nodes it may land on exist and none is big enough; a warning
// means no node may take it now, which a node pool scaled to zero would
// explain (the cluster autoscaler adds its nodes when a server waits).
type Finding struct {
	Attr    hubvalues.AttrPath
	Warning bool
	Summary string
	Detail  string
}

func (f Finding) String() string {
	sev := "error"
	if f.Warning {
		sev = "warning"
	}
	return fmt.Sprintf("%s at %s: %s: %s", sev, f.Attr, f.Summary, f.Detail)
}

// server is what one choice on the form asks the scheduler for.
type server struct {
	at           hubvalues.AttrPath // the profile, or user_servers
	name         string             // for messages: `profile "Large"`
	selector     map[string]string
	required     []hubvalues.NodeRequirement
	tolerations  []corev1.Toleration
	pinned       bool // placement set by the setting itself, not the defaults
	placementAt  hubvalues.AttrPath
	requests     []request
	placementWhy string
}

// request is one resource a server asks for, and the attribute that set it.
type request struct {
	resource corev1.ResourceName
	quantity resource.Quantity
	at       hubvalues.AttrPath
	text     string // as written, e.g. "8G"
}

// defaultUserTolerations are the tolerations z2jh gives user servers
// (scheduling.userPods.tolerations), which a profile's own replace.
func defaultUserTolerations() []corev1.Toleration {
	var out []corev1.Toleration
	for _, key := range []string{"hub.jupyter.org/dedicated", "hub.jupyter.org_dedicated"} {
		out = append(out, corev1.Toleration{Key: key, Operator: corev1.TolerationOpEqual, Value: "user", Effect: corev1.TaintEffectNoSchedule})
	}
	return out
}

// Check lists the servers of h that no node can run. Nodes that are
// cordoned are not counted.
func Check(h hubvalues.Hub, nodes []corev1.Node) []Finding {
	var usable []corev1.Node
	for _, n := range nodes {
		if !n.Spec.Unschedulable {
			usable = append(usable, n)
		}
	}
	return check(h, usable, mode{noun: "node"})
}

// Pools are nodes that stand for a cluster's node pools, as a cloud's API
// describes them, one per pool, named after it: pools scaled to zero have
// no Node objects, and are checked the same way.
type Pools struct {
	Nodes []corev1.Node
	// Complete: no other pool can appear (no node auto-provisioning). A
	// server none can run is then an error whether or not it is pinned.
	Complete bool
	// ExtendedResourceToleration: a pod asking for an extended resource
	// tolerates the NoSchedule taint of that name, as on GKE, whose GPU
	// nodes carry it.
	ExtendedResourceToleration bool
	// Cluster names the cluster in messages, e.g. `GKE cluster hackweek`.
	Cluster string
}

// CheckPools lists the servers of h that no pool can run.
func CheckPools(h hubvalues.Hub, p Pools) []Finding {
	return check(h, p.Nodes, mode{noun: "node pool", complete: p.Complete, extendedResourceToleration: p.ExtendedResourceToleration, cluster: p.Cluster})
}

// mode says what the nodes stand for.
type mode struct {
	noun                       string // "node", or "node pool"
	complete                   bool
	extendedResourceToleration bool
	cluster                    string
}

func check(h hubvalues.Hub, nodes []corev1.Node, m mode) []Finding {
	if len(nodes) == 0 {
		return nil // a cluster still being made; nothing to compare with
	}
	var out []Finding
	for _, s := range servers(h) {
		if m.extendedResourceToleration {
			for _, r := range s.requests {
				if strings.Contains(string(r.resource), "/") {
					s.tolerations = append(s.tolerations, corev1.Toleration{Key: string(r.resource), Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoSchedule})
				}
			}
		}
		out = append(out, checkServer(s, nodes, m)...)
	}
	return out
}

func servers(h hubvalues.Hub) []server {
	u := h.UserServers
	if u == nil {
		u = &hubvalues.UserServers{}
	}
	base := server{at: hubvalues.AttrPath{"user_servers"}, name: "the default server", tolerations: defaultUserTolerations()}
	if h.NodePurpose != nil && h.NodePurpose.User == "require" {
		base.required = []hubvalues.NodeRequirement{{Key: NodePurposeLabel, Operator: "In", Values: []string{"user"}}}
		base.placementAt, base.placementWhy = hubvalues.AttrPath{"node_purpose", "user"}, "node_purpose.user = \"require\""
	}
	userAt := func(name string) hubvalues.AttrPath { return hubvalues.AttrPath{"user_servers", name} }
	if len(h.Profiles) == 0 {
		s := base
		s.requests = requests(nil, u, userAt, userAt)
		return []server{s}
	}
	var out []server
	for i, p := range h.Profiles {
		profileAt := func(steps ...any) hubvalues.AttrPath { return append(hubvalues.AttrPath{"profiles", i}, steps...) }
		s := base
		s.at, s.name = profileAt(), fmt.Sprintf("profile %q", p.DisplayName)
		s.selector = map[string]string{}
		for k, v := range p.NodeSelector {
			s.selector[k] = v
		}
		if len(p.NodeSelector) > 0 {
			s.pinned, s.placementAt, s.placementWhy = true, profileAt("node_selector"), "its node_selector"
		}
		tolerations := p.Tolerations
		if g := p.GPU; g != nil {
			for k, v := range g.NodeSelector {
				s.selector[k] = v
			}
			if len(g.NodeSelector) > 0 {
				s.pinned, s.placementAt, s.placementWhy = true, profileAt("gpu", "node_selector"), "its gpu.node_selector"
			}
			tolerations = g.Tolerations
		}
		if len(tolerations) > 0 {
			// kubespawner_override replaces z2jh's tolerations.
			s.tolerations = nil
			for _, t := range tolerations {
				s.tolerations = append(s.tolerations, toleration(t))
			}
		}
		if a := p.NodeAffinity; a != nil && len(a.Required) > 0 {
			// It replaces the node-purpose requirement too.
			s.required = a.Required
			s.pinned, s.placementAt, s.placementWhy = true, profileAt("node_affinity", "required"), "its node_affinity.required"
		}
		if s.placementAt == nil && len(tolerations) > 0 {
			s.placementAt = profileAt("tolerations")
		}
		s.requests = requests(&p, u, func(name string) hubvalues.AttrPath { return profileAt(name) }, userAt)
		out = append(out, s)
	}
	return out
}

func toleration(t hubvalues.Toleration) corev1.Toleration {
	op := corev1.TolerationOperator(t.Operator)
	if op == "" {
		op = corev1.TolerationOpEqual
		if t.Value == "" {
			op = corev1.TolerationOpExists
		}
	}
	return corev1.Toleration{Key: t.Key, Operator: op, Value: t.Value, Effect: corev1.TaintEffect(t.Effect)}
}

// requests is what a server asks for: a profile's setting over every
// server's. Kubernetes takes a limit as the request when no guarantee is
// given, so a CPU limit alone counts; memory always has z2jh's guarantee.
func requests(p *hubvalues.Profile, u *hubvalues.UserServers, profileAt, userAt func(string) hubvalues.AttrPath) []request {
	type cpuSource struct {
		v  *float64
		at hubvalues.AttrPath
	}
	type memSource struct {
		v  string
		at hubvalues.AttrPath
	}
	var cpu []cpuSource
	var mem []memSource
	if p != nil {
		cpu = append(cpu, cpuSource{p.CPUGuarantee, profileAt("cpu_guarantee")})
		mem = append(mem, memSource{p.MemoryGuarantee, profileAt("memory_guarantee")})
	}
	cpu = append(cpu, cpuSource{u.CPUGuarantee, userAt("cpu_guarantee")})
	if p != nil {
		cpu = append(cpu, cpuSource{p.CPULimit, profileAt("cpu_limit")})
	}
	cpu = append(cpu, cpuSource{u.CPULimit, userAt("cpu_limit")})
	mem = append(mem, memSource{u.MemoryGuarantee, userAt("memory_guarantee")})
	var out []request
	for _, c := range cpu {
		if c.v != nil {
			text := strconv.FormatFloat(*c.v, 'f', -1, 64)
			out = append(out, request{corev1.ResourceCPU, *resource.NewMilliQuantity(int64(*c.v*1000), resource.DecimalSI), c.at, text})
			break
		}
	}
	memory, memAt := chartMemoryGuarantee, hubvalues.AttrPath(nil)
	for _, m := range mem {
		if m.v != "" && validate.Memory(m.v) == nil {
			memory, memAt = m.v, m.at
			break
		}
	}
	if memAt != nil { // z2jh's 1G fits any node worth the name
		out = append(out, request{corev1.ResourceMemory, *resource.NewQuantity(validate.Bytes(memory), resource.BinarySI), memAt, memory})
	}
	if p != nil && p.GPU != nil && p.GPU.Count > 0 {
		res := p.GPU.Resource
		if res == "" {
			res = hubvalues.DefaultGPUResource
		}
		out = append(out, request{corev1.ResourceName(res), *resource.NewQuantity(p.GPU.Count, resource.DecimalSI), profileAt("gpu"),
			fmt.Sprintf("%d %s", p.GPU.Count, res)})
	}
	return out
}

func checkServer(s server, nodes []corev1.Node, m mode) []Finding {
	var eligible []corev1.Node
	for _, n := range nodes {
		if placeable(s, n) {
			eligible = append(eligible, n)
		}
	}
	if len(eligible) == 0 {
		at := s.placementAt
		if at == nil {
			at = s.at
		}
		why := s.placementWhy
		if why == "" {
			why = "its tolerations"
		}
		if m.noun == "node pool" {
			detail := fmt.Sprintf("No node pool of %s (%s) matches %s%s, so its servers would never start. Select the labels of a pool "+
				"(e.g. `cloud.google.com/gke-nodepool`) and tolerate its taints, or add a pool.", m.cluster, nodeNames(nodes), why, taintNote(s, nodes))
			if !m.complete {
				detail = fmt.Sprintf("No node pool of %s (%s) matches %s%s. Node auto-provisioning may add one when a server waits; "+
					"otherwise fix the labels or tolerations.", m.cluster, nodeNames(nodes), why, taintNote(s, nodes))
			}
			return []Finding{{Attr: at, Warning: !m.complete, Summary: "No node pool for " + s.name, Detail: detail}}
		}
		return []Finding{{Attr: at, Warning: true, Summary: "No node for " + s.name,
			Detail: fmt.Sprintf("No node of the cluster (%s) matches %s%s, so its servers would wait for one. If a node pool scaled "+
				"to zero has such nodes, the cluster autoscaler adds one when a server waits; otherwise fix the labels or tolerations.",
				nodeNames(nodes), why, taintNote(s, nodes))}}
	}
	warn, note := !s.pinned, unpinnedNote(s)
	if m.noun == "node pool" {
		warn, note = !m.complete, ""
		if !m.complete {
			note = " (A warning, not an error: node auto-provisioning may add a pool of bigger machines.)"
		}
	}
	var out []Finding
	fitsEach := true
	for _, r := range s.requests {
		most, where := resource.Quantity{}, ""
		for _, n := range eligible {
			if a, ok := n.Status.Allocatable[r.resource]; ok && a.Cmp(most) > 0 {
				most, where = a, n.Name
			}
		}
		if most.Cmp(r.quantity) >= 0 {
			continue
		}
		fitsEach = false
		biggest := "none has any"
		if where != "" {
			biggest = fmt.Sprintf("the most any has is %s (%s)", most.String(), where)
		}
		out = append(out, Finding{Attr: r.at, Warning: warn, Summary: "No " + m.noun + " big enough for " + s.name,
			Detail: fmt.Sprintf("%s asks for %s of %s, and of the %ss it may run on (%s) %s. Its servers would never start: "+
				"ask for less, or place it on a node pool with bigger nodes.%s", s.name, r.text, r.resource, m.noun, nodeNames(eligible), biggest, note)})
	}
	if fitsEach && len(s.requests) > 1 && !anyFits(s, eligible) {
		out = append(out, Finding{Attr: s.at, Warning: warn, Summary: "No " + m.noun + " big enough for " + s.name,
			Detail: fmt.Sprintf("Each of %s's requests (%s) fits some %s, but no %s (of %s) has room for all of them at once.%s",
				s.name, requestList(s), m.noun, m.noun, nodeNames(eligible), note)})
	}
	return out
}

func unpinnedNote(s server) string {
	if s.pinned {
		return ""
	}
	return " (A warning, not an error: it is not pinned to a node pool, and one scaled to zero may have bigger nodes.)"
}

func anyFits(s server, nodes []corev1.Node) bool {
	for _, n := range nodes {
		fits := true
		for _, r := range s.requests {
			if a, ok := n.Status.Allocatable[r.resource]; !ok || a.Cmp(r.quantity) < 0 {
				fits = false
			}
		}
		if fits {
			return true
		}
	}
	return false
}

// placeable: the node has the labels, meets the required affinity and has
// no NoSchedule or NoExecute taint the server does not tolerate.
func placeable(s server, n corev1.Node) bool {
	for k, v := range s.selector {
		if n.Labels[k] != v {
			return false
		}
	}
	for _, r := range s.required {
		if !meets(r, n.Labels) {
			return false
		}
	}
	return untolerated(s, n) == nil
}

func untolerated(s server, n corev1.Node) *corev1.Taint {
	for i, taint := range n.Spec.Taints {
		if taint.Effect == corev1.TaintEffectPreferNoSchedule {
			continue
		}
		tolerated := false
		for _, t := range s.tolerations {
			if tolerates(t, taint) {
				tolerated = true
				break
			}
		}
		if !tolerated {
			return &n.Spec.Taints[i]
		}
	}
	return nil
}

// tolerates is Kubernetes' rule: an empty key with Exists tolerates every
// taint, an empty effect every effect.
func tolerates(t corev1.Toleration, taint corev1.Taint) bool {
	if t.Effect != "" && t.Effect != taint.Effect {
		return false
	}
	if t.Key != "" && t.Key != taint.Key {
		return false
	}
	switch t.Operator {
	case corev1.TolerationOpExists:
		return true
	case corev1.TolerationOpEqual, "":
		return t.Value == taint.Value
	}
	return false
}

func meets(r hubvalues.NodeRequirement, labels map[string]string) bool {
	v, has := labels[r.Key]
	switch r.Operator {
	case "In":
		return has && contains(r.Values, v)
	case "NotIn":
		return !has || !contains(r.Values, v)
	case "Exists":
		return has
	case "DoesNotExist":
		return !has
	case "Gt", "Lt":
		if !has || len(r.Values) != 1 {
			return false
		}
		got, err1 := strconv.ParseInt(v, 10, 64)
		want, err2 := strconv.ParseInt(r.Values[0], 10, 64)
		if err1 != nil || err2 != nil {
			return false
		}
		return (r.Operator == "Gt" && got > want) || (r.Operator == "Lt" && got < want)
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// taintNote names a taint that keeps the server off nodes that have its
// labels, the likeliest reason for no match.
func taintNote(s server, nodes []corev1.Node) string {
	anyTaint := s
	anyTaint.tolerations = []corev1.Toleration{{Operator: corev1.TolerationOpExists}}
	for _, n := range nodes {
		if !placeable(anyTaint, n) {
			continue
		}
		if t := untolerated(s, n); t != nil {
			return fmt.Sprintf(" (node %s has the labels but the taint %s=%s:%s, which it does not tolerate)", n.Name, t.Key, t.Value, t.Effect)
		}
	}
	return ""
}

func nodeNames(nodes []corev1.Node) string {
	names := make([]string, 0, len(nodes))
	for _, n := range nodes {
		names = append(names, n.Name)
	}
	sort.Strings(names)
	if len(names) > 5 {
		return strings.Join(names[:5], ", ") + fmt.Sprintf(" and %d more", len(names)-5)
	}
	return strings.Join(names, ", ")
}

func requestList(s server) string {
	parts := make([]string, len(s.requests))
	for i, r := range s.requests {
		parts[i] = fmt.Sprintf("%s %s", r.text, r.resource)
	}
	return strings.Join(parts, ", ")
}
