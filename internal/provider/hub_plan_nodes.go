package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/hubvalues"
	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/nodefit"
)

// nodeListTimeout bounds the read of the cluster's nodes in a plan.
const nodeListTimeout = 10 * time.Second

// checkNodes reads the cluster's nodes (one listing shared by every hub of
// the plan), or the node pools when the provider is told the cluster is a
// GKE cluster, and reports each profile, or the default server, that none of
// them can run, at the attribute to change. Called only when the hub's
// values change.
func (r *HubResource) checkNodes(ctx context.Context, hub hubvalues.Hub, diags *diag.Diagnostics) {
	if r.data.conn.Unknown() {
		return // the cluster is being made in this apply
	}
	if r.data.gke != nil {
		// The pools say what every node is and will be, scaled to zero or not.
		r.data.checkNodePools(ctx, hub, diags)
		return
	}
	client, err := r.data.releaseClient()
	if err != nil {
		return // the connection error is reported where the cluster is needed
	}
	ctx, cancel := context.WithTimeout(ctx, nodeListTimeout)
	defer cancel()
	nodes, err := client.Nodes(ctx)
	if err != nil {
		diags.AddAttributeWarning(path.Root("profiles"), "Servers not checked against the cluster's nodes",
			fmt.Sprintf("Could not list the cluster's nodes to check that each profile fits one (%v). The plan goes on; "+
				"to have it checked, let the provider's credentials list nodes (ClusterRole rule: nodes, list).", err))
		return
	}
	reportNodeFindings(nodefit.Check(hub, nodes), diags)
}

// reportNodeFindings turns findings into diagnostics at their attributes.
func reportNodeFindings(findings []nodefit.Finding, diags *diag.Diagnostics) {
	for _, f := range findings {
		if f.Warning {
			diags.AddAttributeWarning(attrPath(f.Attr), f.Summary, f.Detail)
		} else {
			addAttrError(diags, attrPath(f.Attr), f.Summary, f.Detail)
		}
	}
}
