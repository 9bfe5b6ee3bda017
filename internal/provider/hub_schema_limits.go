package provider

import (
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// hubLimitsAttributes are the hub's limits: how many servers run and start
// at once, named servers, and stopping idle servers.
func hubLimitsAttributes() map[string]schema.Attribute {
	atLeast := func(n int64) []validator.Int64 { return []validator.Int64{int64validator.AtLeast(n)} }
	return map[string]schema.Attribute{
		"limits": schema.SingleNestedAttribute{
			Optional:            true,
			MarkdownDescription: "Caps on the servers of the whole hub. Default (unset): the chart's, no cap on running servers and at most 64 starting at once.",
			Attributes: map[string]schema.Attribute{
				"active_servers": schema.Int64Attribute{Optional: true, Validators: atLeast(0),
					MarkdownDescription: "How many users' servers may run at once (z2jh `hub.activeServerLimit`, JupyterHub `active_server_limit`), " +
						"e.g. `200`; starting one more is refused with a message asking to try later. `0`: no cap."},
				"concurrent_spawns": schema.Int64Attribute{Optional: true, Validators: atLeast(0),
					MarkdownDescription: "How many servers may be starting at once (z2jh `hub.concurrentSpawnLimit`, JupyterHub `concurrent_spawn_limit`), " +
						"e.g. `20` to spread the start of a class; further starts are refused until one finishes. The chart's default is `64`; `0`: no cap."},
			},
		},
		"named_servers": schema.SingleNestedAttribute{
			Optional: true,
			MarkdownDescription: "Named servers: each person may run several servers side by side, each with its own name (and profile). " +
				"Default (unset): the chart's, off.",
			Attributes: map[string]schema.Attribute{
				"enabled": schema.BoolAttribute{Required: true,
					MarkdownDescription: "Whether people may start named servers (z2jh `hub.allowNamedServers`, JupyterHub `allow_named_servers`)."},
				"limit_per_user": schema.Int64Attribute{Optional: true, Validators: atLeast(0),
					MarkdownDescription: "How many named servers each person may have, e.g. `3` (z2jh `hub.namedServerLimitPerUser`, JupyterHub " +
						"`named_server_limit_per_user`). Unset or `0`: no cap. Needs `enabled = true`."},
			},
		},
		"culling": schema.SingleNestedAttribute{
			Optional: true,
			MarkdownDescription: "Stopping idle servers (z2jh `cull`, run by the jupyterhub-idle-culler service). Default (unset): the chart's, " +
				"which every 10 minutes stops servers idle for an hour, admins' included.",
			Attributes: map[string]schema.Attribute{
				"enabled": schema.BoolAttribute{Required: true, MarkdownDescription: "Whether idle servers are stopped (`cull.enabled`)."},
				"timeout": schema.Int64Attribute{Optional: true, Validators: atLeast(1),
					MarkdownDescription: "Seconds without activity before a server is stopped (`cull.timeout`), e.g. `3600`; the chart's default is `3600`."},
				"every": schema.Int64Attribute{Optional: true, Validators: atLeast(1),
					MarkdownDescription: "Seconds between two looks for idle servers (`cull.every`), e.g. `600`; the chart's default is `600`."},
				"max_age": schema.Int64Attribute{Optional: true, Validators: atLeast(0),
					MarkdownDescription: "Seconds after which a server is stopped even when active (`cull.maxAge`), e.g. `28800` for a working day; `0` (the chart's default): never."},
				"concurrency": schema.Int64Attribute{Optional: true, Validators: atLeast(1),
					MarkdownDescription: "How many servers the culler stops at once (`cull.concurrency`); the chart's default is `10`."},
				"users": schema.BoolAttribute{Optional: true,
					MarkdownDescription: "Whether people whose server was stopped are also deleted from the hub (`cull.users`), for hubs of temporary " +
						"users. With per-user storage (`storage.type = \"dynamic\"`, the default) KubeSpawner then deletes their home directory's " +
						"claim too (the plan warns). The chart's default is `false`."},
				"admin_users": schema.BoolAttribute{Optional: true,
					MarkdownDescription: "Whether admins' idle servers are stopped too (`cull.adminUsers`). The chart's default is `true`."},
				"remove_named_servers": schema.BoolAttribute{Optional: true,
					MarkdownDescription: "Whether idle named servers are deleted, not just stopped (`cull.removeNamedServers`); with per-user storage " +
						"KubeSpawner deletes a deleted server's claim too (the plan warns). Needs `named_servers`. The chart's default is `false`."},
			},
		},
	}
}
