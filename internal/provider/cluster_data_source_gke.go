package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// gkePoolModel is one GKE node pool as twoi2chub_cluster reports it.
type gkePoolModel struct {
	MachineType              string            `tfsdk:"machine_type"`
	CPUs                     int64             `tfsdk:"cpus"`
	MemoryBytes              int64             `tfsdk:"memory_bytes"`
	AllocatableCPUMillicores int64             `tfsdk:"allocatable_cpu_millicores"`
	AllocatableMemoryBytes   int64             `tfsdk:"allocatable_memory_bytes"`
	AcceleratorType          types.String      `tfsdk:"accelerator_type"`
	Accelerators             int64             `tfsdk:"accelerators"`
	Spot                     bool              `tfsdk:"spot"`
	Autoscaling              bool              `tfsdk:"autoscaling"`
	MinNodes                 int64             `tfsdk:"min_nodes"`
	MaxNodes                 int64             `tfsdk:"max_nodes"`
	Labels                   map[string]string `tfsdk:"labels"`
	Taints                   []string          `tfsdk:"taints"`
}

func gkePoolsAttribute() schema.Attribute {
	return schema.MapNestedAttribute{
		Computed: true,
		MarkdownDescription: "The GKE cluster's node pools by name, read through the GKE and Compute Engine APIs when the provider's `gke` " +
			"names the cluster (null otherwise), including pools scaled to zero, which have no nodes in `node_pools`.",
		NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
			"machine_type":               schema.StringAttribute{Computed: true, MarkdownDescription: "Machine type of the pool's nodes, e.g. `n2-highmem-4`."},
			"cpus":                       schema.Int64Attribute{Computed: true, MarkdownDescription: "CPUs of the machine type."},
			"memory_bytes":               schema.Int64Attribute{Computed: true, MarkdownDescription: "Memory of the machine type, in bytes."},
			"allocatable_cpu_millicores": schema.Int64Attribute{Computed: true, MarkdownDescription: "CPU a node offers pods, in millicores: the machine's less what GKE reserves for itself."},
			"allocatable_memory_bytes":   schema.Int64Attribute{Computed: true, MarkdownDescription: "Memory a node offers pods, in bytes: the machine's less what GKE reserves and its eviction threshold (100 MiB). Profiles are checked against it."},
			"accelerator_type":           schema.StringAttribute{Computed: true, MarkdownDescription: "GPU type attached to each node, e.g. `nvidia-tesla-t4`; null without GPUs."},
			"accelerators":               schema.Int64Attribute{Computed: true, MarkdownDescription: "GPUs per node."},
			"spot":                       schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the nodes are Spot (or preemptible) VMs."},
			"autoscaling":                schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the cluster autoscaler sizes the pool."},
			"min_nodes":                  schema.Int64Attribute{Computed: true, MarkdownDescription: "Fewest nodes (the autoscaler's minimum, or the fixed size)."},
			"max_nodes":                  schema.Int64Attribute{Computed: true, MarkdownDescription: "Most nodes (the autoscaler's maximum, or the fixed size)."},
			"labels": schema.MapAttribute{Computed: true, ElementType: types.StringType,
				MarkdownDescription: "Labels the nodes carry: the pool's own and those GKE adds (`cloud.google.com/gke-nodepool`, `node.kubernetes.io/instance-type`, ...)."},
			"taints": schema.ListAttribute{Computed: true, ElementType: types.StringType,
				MarkdownDescription: "Taints of the nodes as `key=value:Effect`, including the `nvidia.com/gpu=present:NoSchedule` GKE gives GPU nodes."},
		}},
	}
}

// gkePools reads the provider's GKE node pools for twoi2chub_cluster; a
// null map when the provider has no `gke`.
func (d *providerData) gkePools(ctx context.Context) (types.Map, diag.Diagnostics) {
	var diags diag.Diagnostics
	elem := types.ObjectType{AttrTypes: map[string]attr.Type{
		"machine_type": types.StringType, "cpus": types.Int64Type, "memory_bytes": types.Int64Type,
		"allocatable_cpu_millicores": types.Int64Type, "allocatable_memory_bytes": types.Int64Type,
		"accelerator_type": types.StringType, "accelerators": types.Int64Type, "spot": types.BoolType, "autoscaling": types.BoolType,
		"min_nodes": types.Int64Type, "max_nodes": types.Int64Type,
		"labels": types.MapType{ElemType: types.StringType}, "taints": types.ListType{ElemType: types.StringType},
	}}
	if d.gke == nil {
		return types.MapNull(elem), nil
	}
	read, err := d.gke.read(ctx)
	if err != nil {
		diags.AddAttributeError(path.Root("gke_node_pools"), "Cannot read the GKE node pools",
			fmt.Sprintf("The provider's `gke` names cluster %s, but it could not be read: %v\n\nCheck the project, location and name, and that "+
				"Application Default Credentials may get the cluster and read machine types (`roles/container.clusterViewer`, `roles/compute.viewer`).",
				d.gke.cluster, err))
		return types.MapNull(elem), diags
	}
	pools := map[string]gkePoolModel{}
	for _, p := range read.Pools {
		m := gkePoolModel{MachineType: p.MachineType, CPUs: p.CPUs, MemoryBytes: p.MemoryBytes,
			AllocatableCPUMillicores: p.AllocatableMilliCPU(), AllocatableMemoryBytes: p.AllocatableMemory(),
			AcceleratorType: optionalString(p.AcceleratorType), Accelerators: p.Accelerators, Spot: p.Spot, Autoscaling: p.Autoscaling,
			MinNodes: p.MinNodes, MaxNodes: p.MaxNodes, Labels: p.Labels, Taints: []string{}}
		for _, t := range p.Taints {
			m.Taints = append(m.Taints, t.Key+"="+t.Value+":"+t.Effect)
		}
		pools[p.Name] = m
	}
	out, d2 := types.MapValueFrom(ctx, elem, pools)
	diags.Append(d2...)
	return out, diags
}
