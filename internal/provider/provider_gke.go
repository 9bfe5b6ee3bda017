package provider

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"google.golang.org/api/option"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/gkepools"
	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/hubvalues"
	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/nodefit"
)

// The provider's view of a GKE cluster's node pools: a pool scaled to zero
// has no Node objects, so only the GKE API tells what its machines are.

// gkePoolsTimeout bounds reading the pools during one plan.
const gkePoolsTimeout = 20 * time.Second

type gkeModel struct {
	Project  types.String `tfsdk:"project"`
	Location types.String `tfsdk:"location"`
	Cluster  types.String `tfsdk:"cluster"`
}

func gkeProviderAttribute() schema.Attribute {
	required := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Required: true, MarkdownDescription: desc, Validators: []validator.String{nonEmpty()}}
	}
	return schema.SingleNestedAttribute{
		Optional: true,
		MarkdownDescription: "The GKE cluster `kubernetes` connects to, e.g. `gke = module.gke.gke_cluster`. With it, each plan that " +
			"changes a hub reads the cluster's node pools through the GKE and Compute Engine APIs (with Google's Application Default " +
			"Credentials, which need `container.clusters.get` and `compute.machineTypes.get`, as in `roles/container.clusterViewer` " +
			"and `roles/compute.viewer`) and checks each profile against them: a profile whose node selector and tolerations pick no " +
			"pool, or that asks for more CPU, memory or GPUs than the pool's machines have, fails at that profile; a limit above the " +
			"machine, or pools that can never have a node, warn. A plan that changes no hub reads nothing.",
		Attributes: map[string]schema.Attribute{
			"project":  required("Project ID of the cluster, e.g. `\"hackweek-hub\"`."),
			"location": required("Region (regional cluster) or zone (zonal cluster) of the cluster, e.g. `\"us-central1\"`."),
			"cluster":  required("Name of the cluster, e.g. `\"hackweek\"`."),
		},
	}
}

// gkeClientOptions, when set (by tests), point the GKE and Compute clients
// at a stand-in instead of Google, without credentials.
var gkeClientOptions func() (gke, compute []option.ClientOption)

// gkeCluster is the provider's GKE cluster and its pools, read at most once
// per provider process (every hub of a plan shares them).
type gkeCluster struct {
	cluster gkepools.Cluster
	once    sync.Once
	pools   gkepools.Pools
	err     error
}

// gkeFromConfig reads the provider's `gke` attribute; nil when unset or not
// known yet (the cluster is created in the same apply).
func gkeFromConfig(ctx context.Context, obj types.Object) (*gkeCluster, diag.Diagnostics) {
	if obj.IsNull() || obj.IsUnknown() {
		return nil, nil
	}
	var m gkeModel
	d := obj.As(ctx, &m, basetypes.ObjectAsOptions{})
	if d.HasError() || m.Project.IsUnknown() || m.Location.IsUnknown() || m.Cluster.IsUnknown() {
		return nil, d
	}
	return &gkeCluster{cluster: gkepools.Cluster{Project: m.Project.ValueString(), Location: m.Location.ValueString(), Name: m.Cluster.ValueString()}}, d
}

func (g *gkeCluster) read(ctx context.Context) (gkepools.Pools, error) {
	g.once.Do(func() {
		var gkeOpts, computeOpts []option.ClientOption
		if gkeClientOptions != nil {
			gkeOpts, computeOpts = gkeClientOptions()
		}
		ctx, cancel := context.WithTimeout(ctx, gkePoolsTimeout)
		defer cancel()
		g.pools, g.err = gkepools.Read(ctx, g.cluster, gkeOpts, computeOpts)
	})
	return g.pools, g.err
}

// checkNodePools reports each profile, or the default server, that none of
// the GKE cluster's node pools can run, at the attribute to change; pools
// scaled to zero count as nodes of their machine type. Not being able to
// read them is a warning: the plan goes on without the check.
func (d *providerData) checkNodePools(ctx context.Context, hub hubvalues.Hub, diags *diag.Diagnostics) {
	read, err := d.gke.read(ctx)
	if err != nil {
		diags.AddAttributeWarning(path.Root("profiles"), "Servers not checked against the GKE node pools",
			fmt.Sprintf("The provider's `gke` names cluster %s, but its node pools could not be read: %v\n\nCheck the project, location and "+
				"name, and that Application Default Credentials (`gcloud auth application-default login`) may get the cluster and read machine types "+
				"(`roles/container.clusterViewer` and `roles/compute.viewer`).", d.gke.cluster, err))
		return
	}
	if read.Autopilot {
		return // GKE picks a machine per server
	}
	reportNodeFindings(nodefit.CheckPools(hub, nodefit.Pools{Nodes: gkepools.Nodes(read.Pools), Complete: !read.Autoprovisioning,
		ExtendedResourceToleration: true, Cluster: "GKE cluster " + d.gke.cluster.Name}), diags)
}
