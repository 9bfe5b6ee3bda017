package hubvalues

// Security defaults z2jh recommends: network policies for the hub, the proxy
// and users' servers, and users kept away from the cloud's metadata server.
//
// Both settings always have a value (z2jh's default when not written), so a
// plan shows what the hub runs. Only values that differ from z2jh's defaults
// are rendered: a hub that keeps the defaults has the same values as one
// installed without these settings, and imports with no change.

// NetworkPolicy turns z2jh's NetworkPolicies on or off and says where users'
// servers may connect to.
type NetworkPolicy struct {
	Hub   bool `json:"hub"`
	Proxy bool `json:"proxy"`
	Users bool `json:"users"`
	// UsersEgressInternet: users' servers may reach addresses outside the
	// private ranges (z2jh egressAllowRules.nonPrivateIPs).
	UsersEgressInternet bool `json:"users_egress_internet"`
	// UsersEgressPrivateIPs: users' servers may reach private addresses
	// (10/8, 172.16/12, 192.168/16): other services in the cluster or the
	// cloud network (z2jh egressAllowRules.privateIPs).
	UsersEgressPrivateIPs bool `json:"users_egress_private_ips"`
}

// DefaultNetworkPolicy is z2jh 4's: every policy on, users' servers reach
// the internet but not private addresses.
var DefaultNetworkPolicy = NetworkPolicy{Hub: true, Proxy: true, Users: true, UsersEgressInternet: true, UsersEgressPrivateIPs: false}

// DefaultBlockCloudMetadata is z2jh's: users cannot reach 169.254.169.254.
const DefaultBlockCloudMetadata = true

// networkPolicyKeys are where each setting lives in the values; the proxy's
// policy covers both of its pods (chp, and traefik with Let's Encrypt).
var networkPolicyKeys = []struct {
	attr  string
	value func(*NetworkPolicy) *bool
	paths [][]string
}{
	{"hub", func(n *NetworkPolicy) *bool { return &n.Hub }, [][]string{{"hub", "networkPolicy", "enabled"}}},
	{"proxy", func(n *NetworkPolicy) *bool { return &n.Proxy },
		[][]string{{"proxy", "chp", "networkPolicy", "enabled"}, {"proxy", "traefik", "networkPolicy", "enabled"}}},
	{"users", func(n *NetworkPolicy) *bool { return &n.Users }, [][]string{{"singleuser", "networkPolicy", "enabled"}}},
	{"users_egress_internet", func(n *NetworkPolicy) *bool { return &n.UsersEgressInternet },
		[][]string{{"singleuser", "networkPolicy", "egressAllowRules", "nonPrivateIPs"}}},
	{"users_egress_private_ips", func(n *NetworkPolicy) *bool { return &n.UsersEgressPrivateIPs },
		[][]string{{"singleuser", "networkPolicy", "egressAllowRules", "privateIPs"}}},
}

func renderNetworkPolicy(h *Hub, b *builder) {
	if h.NetworkPolicy == nil {
		return
	}
	n, def := *h.NetworkPolicy, DefaultNetworkPolicy
	for _, k := range networkPolicyKeys {
		if v := *k.value(&n); v != *k.value(&def) {
			for _, p := range k.paths {
				b.set(AttrPath{"network_policy", k.attr}, v, p...)
			}
		}
	}
}

// parseNetworkPolicy reads each setting where the values have it (the proxy
// only when both of its policies agree) and z2jh's default elsewhere.
func parseNetworkPolicy(v Values, h *Hub) {
	n := DefaultNetworkPolicy
	for _, k := range networkPolicyKeys {
		var found []bool
		for _, p := range k.paths {
			if b, ok := lookupBool(v, p...); ok {
				found = append(found, b)
			}
		}
		if len(found) == len(k.paths) && (len(found) == 1 || found[0] == found[1]) {
			*k.value(&n) = found[0]
		}
	}
	h.NetworkPolicy = &n
}

// renderCloudMetadata opens the metadata server to users (GKE Workload
// Identity needs it) by both of z2jh's switches: the chart refuses an allowed
// metadata server that its iptables init container would block anyway.
func renderCloudMetadata(h *Hub, b *builder) {
	if h.BlockCloudMetadata == nil || *h.BlockCloudMetadata == DefaultBlockCloudMetadata {
		return
	}
	a := AttrPath{"block_cloud_metadata"}
	b.set(a, false, "singleuser", "cloudMetadata", "blockWithIptables")
	b.set(a, true, "singleuser", "networkPolicy", "egressAllowRules", "cloudMetadataServer")
}

// parseCloudMetadata reads the metadata server as open only when both
// switches open it; any other combination is left to extra_values.
func parseCloudMetadata(v Values, h *Hub) {
	block := DefaultBlockCloudMetadata
	iptables, ok1 := lookupBool(v, "singleuser", "cloudMetadata", "blockWithIptables")
	allowed, ok2 := lookupBool(v, "singleuser", "networkPolicy", "egressAllowRules", "cloudMetadataServer")
	if ok1 && ok2 && !iptables && allowed {
		block = false
	}
	h.BlockCloudMetadata = &block
}

func checkSecurity(h Hub, ps *problems) {
	n := h.NetworkPolicy
	if n == nil || n.Users {
		return
	}
	if !n.UsersEgressInternet || n.UsersEgressPrivateIPs {
		ps.add(AttrPath{"network_policy", "users"}, "Egress rules without a policy",
			"`users_egress_internet` and `users_egress_private_ips` are rules of the users' network policy, which `users = false` turns off: "+
				"users' servers can then reach everything. Turn the policy on, or leave the egress rules at their defaults.")
	}
}
