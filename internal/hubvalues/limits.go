package hubvalues

// How many servers run at once and how many each person may have: the
// chart's hub.activeServerLimit, hub.concurrentSpawnLimit,
// hub.allowNamedServers and hub.namedServerLimitPerUser (JupyterHub's
// active_server_limit, concurrent_spawn_limit, allow_named_servers and
// named_server_limit_per_user).

// Limits caps the servers of the whole hub.
type Limits struct {
	ActiveServers    *int64 `json:"active_servers,omitempty"`
	ConcurrentSpawns *int64 `json:"concurrent_spawns,omitempty"`
}

// NamedServers lets people run more than one server each.
type NamedServers struct {
	Enabled      bool   `json:"enabled"`
	LimitPerUser *int64 `json:"limit_per_user,omitempty"`
}

func renderLimits(h *Hub, b *builder) {
	if l := h.Limits; l != nil {
		if l.ActiveServers != nil {
			b.set(AttrPath{"limits", "active_servers"}, *l.ActiveServers, "hub", "activeServerLimit")
		}
		if l.ConcurrentSpawns != nil {
			b.set(AttrPath{"limits", "concurrent_spawns"}, *l.ConcurrentSpawns, "hub", "concurrentSpawnLimit")
		}
	}
	if n := h.NamedServers; n != nil {
		b.set(AttrPath{"named_servers", "enabled"}, n.Enabled, "hub", "allowNamedServers")
		if n.LimitPerUser != nil {
			b.set(AttrPath{"named_servers", "limit_per_user"}, *n.LimitPerUser, "hub", "namedServerLimitPerUser")
		}
	}
}

func parseLimits(v Values, h *Hub) {
	l := &Limits{
		ActiveServers:    intPtr(lookup(v, "hub", "activeServerLimit")),
		ConcurrentSpawns: intPtr(lookup(v, "hub", "concurrentSpawnLimit")),
	}
	if l.ActiveServers != nil || l.ConcurrentSpawns != nil {
		h.Limits = l
	}
	if enabled, ok := lookupBool(v, "hub", "allowNamedServers"); ok {
		h.NamedServers = &NamedServers{Enabled: enabled, LimitPerUser: intPtr(lookup(v, "hub", "namedServerLimitPerUser"))}
	}
}

func checkLimitFields(h Hub, ps *problems) {
	if l := h.Limits; l != nil {
		ps.atLeast(AttrPath{"limits", "active_servers"}, l.ActiveServers, 0, "a number of servers (0 for no limit)")
		ps.atLeast(AttrPath{"limits", "concurrent_spawns"}, l.ConcurrentSpawns, 0, "a number of servers (0 for no limit)")
	}
	if n := h.NamedServers; n != nil {
		ps.atLeast(AttrPath{"named_servers", "limit_per_user"}, n.LimitPerUser, 0, "a number of servers (0 for no limit)")
	}
}

func checkLimits(h Hub, ps *problems) {
	if n := h.NamedServers; n != nil && !n.Enabled && n.LimitPerUser != nil {
		ps.add(AttrPath{"named_servers", "limit_per_user"}, "Setting not used",
			"`limit_per_user` counts named servers, which `enabled = false` turns off: set `enabled = true` or remove the limit.")
	}
	if c := h.Culling; c != nil && c.RemoveNamedServers != nil && *c.RemoveNamedServers && (h.NamedServers == nil || !h.NamedServers.Enabled) {
		ps.add(AttrPath{"culling", "remove_named_servers"}, "Setting not used",
			"`remove_named_servers` deletes idle named servers, which this hub does not allow: set `named_servers = { enabled = true }` or remove it.")
	}
}
