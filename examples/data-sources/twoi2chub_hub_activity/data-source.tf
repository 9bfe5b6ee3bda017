# Who uses the hackweek hub, and which servers have run for more than 8
# hours: read at each plan from the hub's REST API, with the read-only token
# of the service every twoi2chub_hub declares (read from the hub's Secret,
# never stored in state).
data "twoi2chub_hub_activity" "hackweek" {
  namespace = "hackweek"
  hub_url   = "https://hackweek.example.org/" # or twoi2chub_hub.hackweek.url
  max_age   = "8h"
}

# Warn at every plan when servers have been forgotten or may be abused.
check "no_forgotten_servers" {
  assert {
    condition     = length(data.twoi2chub_hub_activity.hackweek.servers_past_max_age) == 0
    error_message = "Servers running for more than 8 hours: ${join(", ", data.twoi2chub_hub_activity.hackweek.servers_past_max_age[*].name)}."
  }
}

output "active_users_7d" {
  description = "People who used the hub in the last 7 days."
  value       = data.twoi2chub_hub_activity.hackweek.active_users_7d
}
