package hubvalues

// Who is an admin and who may log in: hub.config.Authenticator.

func renderUsers(h *Hub, b *builder) {
	if h.AdminUsers != nil {
		b.set(AttrPath{"admin_users"}, SortedList(h.AdminUsers), "hub", "config", "Authenticator", "admin_users")
	}
	if h.AllowedUsers != nil {
		b.set(AttrPath{"allowed_users"}, SortedList(h.AllowedUsers), "hub", "config", "Authenticator", "allowed_users")
	}
}

func parseUsers(v Values, h *Hub) {
	h.AdminUsers = stringList(lookup(v, "hub", "config", "Authenticator", "admin_users"))
	h.AllowedUsers = stringList(lookup(v, "hub", "config", "Authenticator", "allowed_users"))
}

func checkUserFields(h Hub, ps *problems) {
	for i, u := range h.AdminUsers {
		if u == "" {
			ps.add(AttrPath{"admin_users", i}, "Invalid value", "user names cannot be empty")
		}
	}
	for i, u := range h.AllowedUsers {
		if u == "" {
			ps.add(AttrPath{"allowed_users", i}, "Invalid value", "user names cannot be empty")
		}
	}
}
