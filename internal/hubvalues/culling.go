package hubvalues

// Stopping idle servers: cull.

// Culling stops idle servers.
type Culling struct {
	Enabled bool   `json:"enabled"`
	Timeout *int64 `json:"timeout,omitempty"`
	Every   *int64 `json:"every,omitempty"`
	MaxAge  *int64 `json:"max_age,omitempty"`
	Users   *bool  `json:"users,omitempty"`
}

func renderCulling(h *Hub, b *builder) {
	c := h.Culling
	if c == nil {
		return
	}
	b.set(AttrPath{"culling", "enabled"}, c.Enabled, "cull", "enabled")
	if c.Timeout != nil {
		b.set(AttrPath{"culling", "timeout"}, *c.Timeout, "cull", "timeout")
	}
	if c.Every != nil {
		b.set(AttrPath{"culling", "every"}, *c.Every, "cull", "every")
	}
	if c.MaxAge != nil {
		b.set(AttrPath{"culling", "max_age"}, *c.MaxAge, "cull", "maxAge")
	}
	if c.Users != nil {
		b.set(AttrPath{"culling", "users"}, *c.Users, "cull", "users")
	}
}

func parseCulling(v Values, h *Hub) {
	enabled, ok := lookup(v, "cull", "enabled")
	e, isBool := enabled.(bool)
	if !ok || !isBool {
		return
	}
	c := &Culling{Enabled: e}
	c.Timeout = intPtr(lookup(v, "cull", "timeout"))
	c.Every = intPtr(lookup(v, "cull", "every"))
	c.MaxAge = intPtr(lookup(v, "cull", "maxAge"))
	if u, ok := lookup(v, "cull", "users"); ok {
		if ub, ok := u.(bool); ok {
			c.Users = &ub
		}
	}
	h.Culling = c
}

func checkCullingFields(h Hub, ps *problems) {
	if c := h.Culling; c != nil {
		for _, d := range []struct {
			name string
			v    *int64
			min  int64
		}{{"timeout", c.Timeout, 1}, {"every", c.Every, 1}, {"max_age", c.MaxAge, 0}} {
			if d.v != nil && *d.v < d.min {
				ps.add(AttrPath{"culling", d.name}, "Invalid value", "%s is a number of seconds of at least %d", d.name, d.min)
			}
		}
	}
}
