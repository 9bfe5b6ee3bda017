package hubvalues

import "github.com/2i2c-org/terraform-provider-twoi2chub/internal/hubactivity"

// The activity service: every hub gets a JupyterHub service that may only
// list and read users and their servers, for the twoi2chub_hub_activity data
// source. Its values name the service and its role, never a token: the chart
// generates the token (64 random hex digits) into its own Secret "hub" under
// hub.services.<name>.apiToken and keeps it across upgrades (it looks the
// Secret up), so the token is in no values, plan or state.

// ActivityRole names the role that grants the service its scopes.
const ActivityRole = hubactivity.ServiceName

// activityService is the service and its role, as chart values: an owned
// part (render.go), since no setting changes it.
func activityService() Values {
	scopes := make([]any, len(hubactivity.Scopes))
	for i, s := range hubactivity.Scopes {
		scopes[i] = s
	}
	return Values{"hub": map[string]any{
		"services": map[string]any{hubactivity.ServiceName: map[string]any{"name": hubactivity.ServiceName}},
		"loadRoles": map[string]any{ActivityRole: map[string]any{
			"description": "Reads users and their servers for twoi2chub_hub_activity; changes nothing.",
			"scopes":      scopes,
			"services":    []any{hubactivity.ServiceName},
		}},
	}}
}
