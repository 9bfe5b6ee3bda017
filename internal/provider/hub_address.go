package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// publicAddress reads where the hub is reached: its Ingress's address with an
// ingress, else its LoadBalancer's. Unless fresh, from the refresh's shared
// listing (one request for every hub of a refresh). Null when there is none
// (yet), or the proxy is not a LoadBalancer.
func (r *HubResource) publicAddress(ctx context.Context, m *hubModel, fresh bool) types.String {
	withIngress := !m.Ingress.IsNull()
	if t := m.ProxyServiceType.ValueString(); !withIngress && t != "" && t != "LoadBalancer" {
		return types.StringNull()
	}
	client, err := r.data.releaseClient()
	if err != nil {
		return types.StringNull()
	}
	ns, name := m.Namespace.ValueString(), m.Name.ValueString()
	read := client.PublicAddress
	if withIngress {
		read = client.IngressAddress
	}
	addr, err := read(ctx, ns, name, fresh)
	if err != nil {
		tflog.Warn(ctx, "cannot read the hub's public address", map[string]any{"namespace": ns, "name": name, "error": err.Error()})
	}
	if err != nil || addr == "" {
		return types.StringNull()
	}
	return types.StringValue(addr)
}

// planPublicAddress keeps the address a refresh read unless the release
// changes, which may give it another.
func planPublicAddress(plan, state *hubModel, creating bool) types.String {
	if creating || releaseChanges(plan, state) {
		return types.StringUnknown()
	}
	return state.PublicAddress
}
