package hubvalues

// Stopping idle servers: cull, the options of z2jh's jupyterhub-idle-culler
// service.

// Culling stops idle servers.
type Culling struct {
	Enabled            bool   `json:"enabled"`
	Timeout            *int64 `json:"timeout,omitempty"`
	Every              *int64 `json:"every,omitempty"`
	MaxAge             *int64 `json:"max_age,omitempty"`
	Users              *bool  `json:"users,omitempty"`
	AdminUsers         *bool  `json:"admin_users,omitempty"`
	RemoveNamedServers *bool  `json:"remove_named_servers,omitempty"`
	Concurrency        *int64 `json:"concurrency,omitempty"`
}

// cullInt and cullBool pair an optional culling setting with its cull key.
type cullInt struct {
	attr, key, what string
	v               **int64
	min             int64
}

type cullBool struct {
	attr, key string
	v         **bool
}

func (c *Culling) ints() []cullInt {
	return []cullInt{
		{"timeout", "timeout", "a number of seconds", &c.Timeout, 1},
		{"every", "every", "a number of seconds", &c.Every, 1},
		{"max_age", "maxAge", "a number of seconds (0 for no maximum)", &c.MaxAge, 0},
		{"concurrency", "concurrency", "how many servers the culler stops at once", &c.Concurrency, 1},
	}
}

func (c *Culling) bools() []cullBool {
	return []cullBool{{"users", "users", &c.Users}, {"admin_users", "adminUsers", &c.AdminUsers}, {"remove_named_servers", "removeNamedServers", &c.RemoveNamedServers}}
}

func renderCulling(h *Hub, b *builder) {
	c := h.Culling
	if c == nil {
		return
	}
	b.set(AttrPath{"culling", "enabled"}, c.Enabled, "cull", "enabled")
	for _, s := range c.ints() {
		if *s.v != nil {
			b.set(AttrPath{"culling", s.attr}, **s.v, "cull", s.key)
		}
	}
	for _, s := range c.bools() {
		if *s.v != nil {
			b.set(AttrPath{"culling", s.attr}, **s.v, "cull", s.key)
		}
	}
}

func parseCulling(v Values, h *Hub) {
	enabled, ok := lookupBool(v, "cull", "enabled")
	if !ok {
		return
	}
	c := &Culling{Enabled: enabled}
	for _, s := range c.ints() {
		*s.v = intPtr(lookup(v, "cull", s.key))
	}
	for _, s := range c.bools() {
		if b, ok := lookupBool(v, "cull", s.key); ok {
			*s.v = &b
		}
	}
	h.Culling = c
}

func checkCullingFields(h Hub, ps *problems) {
	if c := h.Culling; c != nil {
		for _, s := range c.ints() {
			ps.atLeast(AttrPath{"culling", s.attr}, *s.v, s.min, s.what)
		}
	}
}
