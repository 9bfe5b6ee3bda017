package hubvalues

// Where pods run: scheduling.

// NodePurpose says how strictly core and user pods follow the
// hub.jupyter.org/node-purpose label: "ignore", "prefer" or "require".
type NodePurpose struct {
	Core string `json:"core,omitempty"`
	User string `json:"user,omitempty"`
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
