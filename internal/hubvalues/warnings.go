package hubvalues

// Settings that work but may not do what the person expects. The provider
// shows them as plan warnings at the attribute.

var warnings = []func(h Hub, ps *problems){warnCullingDeletes, warnSecretsInEnvironment}

// Warnings lists the settings worth a second look.
func Warnings(h Hub) []Problem {
	var ps problems
	for _, w := range warnings {
		w(h, &ps)
	}
	return ps
}

// warnCullingDeletes: the culler deleting users or named servers makes
// KubeSpawner delete their home directory claims (its delete_pvc, on by
// default) when each has a claim of its own.
func warnCullingDeletes(h Hub, ps *problems) {
	c := h.Culling
	if c == nil || !c.Enabled || (h.Storage != nil && h.Storage.Type != StorageDynamic) {
		return
	}
	if c.Users != nil && *c.Users {
		ps.add(AttrPath{"culling", "users"}, "Culling deletes home directories",
			"With `users = true` the culler deletes people from the hub once their server is stopped, and KubeSpawner then deletes each "+
				"one's home directory claim (per-user storage). Keep it for hubs of temporary users only.")
	}
	if c.RemoveNamedServers != nil && *c.RemoveNamedServers {
		ps.add(AttrPath{"culling", "remove_named_servers"}, "Culling deletes named servers' home directories",
			"With `remove_named_servers = true` the culler deletes idle named servers, and KubeSpawner deletes the claim of each (per-user storage).")
	}
}

// warnSecretsInEnvironment: a plain environment variable whose name says it
// holds a secret puts that secret in state and plans.
func warnSecretsInEnvironment(h Hub, ps *problems) {
	if h.UserServers != nil {
		warnSecretEnv(AttrPath{"user_servers", "environment"}, h.UserServers.Environment, ps)
	}
	for i, p := range h.Profiles {
		warnSecretEnv(AttrPath{"profiles", i, "environment"}, p.Environment, ps)
	}
}

func warnSecretEnv(at AttrPath, env map[string]string, ps *problems) {
	for _, name := range sortedKeys(env) {
		if SecretKey(name) && env[name] != "" {
			ps.add(append(append(AttrPath{}, at...), MapKey(name)), "Secret in environment",
				"%s looks like a secret, and `environment` is stored in Terraform state and shown in plans. Put it in a Kubernetes "+
					"Secret and name it in `environment_from_secrets` instead.", name)
		}
	}
}
