package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/clusterinfo"
)

var _ datasource.DataSourceWithConfigure = &ClusterDataSource{}

// ClusterDataSource reads the connected cluster and says whether a hub can run on it.
type ClusterDataSource struct {
	data *providerData
}

type clusterModel struct {
	HubChartKubeVersion types.String         `tfsdk:"hub_chart_kube_version"`
	ServerVersion       types.String         `tfsdk:"server_version"`
	SupportsHubChart    types.Bool           `tfsdk:"supports_hub_chart"`
	ReadyForHub         types.Bool           `tfsdk:"ready_for_hub"`
	Problems            []string             `tfsdk:"problems"`
	StorageClasses      []storageClassModel  `tfsdk:"storage_classes"`
	DefaultStorageClass types.String         `tfsdk:"default_storage_class"`
	IngressClasses      []ingressClassModel  `tfsdk:"ingress_classes"`
	DefaultIngressClass types.String         `tfsdk:"default_ingress_class"`
	Total               *poolModel           `tfsdk:"total"`
	NodePools           map[string]poolModel `tfsdk:"node_pools"`
	GKENodePools        types.Map            `tfsdk:"gke_node_pools"` // cluster_data_source_gke.go
}

type storageClassModel struct {
	Name                 string `tfsdk:"name"`
	Provisioner          string `tfsdk:"provisioner"`
	ReclaimPolicy        string `tfsdk:"reclaim_policy"`
	VolumeBindingMode    string `tfsdk:"volume_binding_mode"`
	AllowVolumeExpansion bool   `tfsdk:"allow_volume_expansion"`
	IsDefault            bool   `tfsdk:"is_default"`
}

type ingressClassModel struct {
	Name       string `tfsdk:"name"`
	Controller string `tfsdk:"controller"`
	IsDefault  bool   `tfsdk:"is_default"`
}

type poolModel struct {
	Nodes         int64  `tfsdk:"nodes"`
	ReadyNodes    int64  `tfsdk:"ready_nodes"`
	CPU           string `tfsdk:"cpu"`
	CPUMillicores int64  `tfsdk:"cpu_millicores"`
	Memory        string `tfsdk:"memory"`
	MemoryBytes   int64  `tfsdk:"memory_bytes"`
	GPUs          int64  `tfsdk:"gpus"`
}

// NewClusterDataSource is the constructor the provider registers.
func NewClusterDataSource() datasource.DataSource { return &ClusterDataSource{} }

func (d *ClusterDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_cluster"
}

func poolAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"nodes":          schema.Int64Attribute{Computed: true, MarkdownDescription: "Number of nodes."},
		"ready_nodes":    schema.Int64Attribute{Computed: true, MarkdownDescription: "Number of nodes whose `Ready` condition is true."},
		"cpu":            schema.StringAttribute{Computed: true, MarkdownDescription: "Allocatable CPU summed over the nodes, as a Kubernetes quantity (e.g. `\"20\"`, `\"7500m\"`)."},
		"cpu_millicores": schema.Int64Attribute{Computed: true, MarkdownDescription: "Allocatable CPU in millicores, for arithmetic."},
		"memory":         schema.StringAttribute{Computed: true, MarkdownDescription: "Allocatable memory summed over the nodes, as a Kubernetes quantity (e.g. `\"109Gi\"`)."},
		"memory_bytes":   schema.Int64Attribute{Computed: true, MarkdownDescription: "Allocatable memory in bytes, for arithmetic."},
		"gpus":           schema.Int64Attribute{Computed: true, MarkdownDescription: "Allocatable GPUs (`nvidia.com/gpu` and `amd.com/gpu`)."},
	}
}

func (d *ClusterDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads the connected Kubernetes cluster and answers \"is this cluster ready for a hub?\": " +
			"the server version against the zero-to-jupyterhub chart's `kubeVersion`, storage and ingress classes, and " +
			"allocatable CPU, memory and GPUs per node pool, where pools are told apart by the `hub.jupyter.org/node-purpose` " +
			"label (`core` for the hub and proxy, `user` for user servers).\n\n" +
			"When the cluster is created in the same configuration, give this data source `depends_on` the cluster so it is read after the cluster exists.",
		Attributes: map[string]schema.Attribute{
			"hub_chart_kube_version": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Kubernetes version constraint to check the server against, in Helm's `kubeVersion` syntax. " +
					"Default `\"" + clusterinfo.HubChartKubeVersion + "\"`, the constraint of the zero-to-jupyterhub chart version the provider deploys by default.",
				Validators: []validator.String{semverConstraintValidator{}},
			},
			"server_version": schema.StringAttribute{Computed: true, MarkdownDescription: "Version the API server reports, e.g. `v1.37.2`."},
			"supports_hub_chart": schema.BoolAttribute{
				Computed:            true,
				MarkdownDescription: "Whether `server_version` satisfies `hub_chart_kube_version`.",
			},
			"ready_for_hub": schema.BoolAttribute{
				Computed:            true,
				MarkdownDescription: "True when `problems` is empty: the version is supported, a default StorageClass exists and at least one node is Ready.",
			},
			"problems": schema.ListAttribute{
				Computed:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "What stands in the way of a hub, one sentence each; empty when `ready_for_hub`.",
			},
			"storage_classes": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "StorageClasses, sorted by name.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"name":                   schema.StringAttribute{Computed: true, MarkdownDescription: "Name."},
					"provisioner":            schema.StringAttribute{Computed: true, MarkdownDescription: "Provisioner, e.g. `pd.csi.storage.gke.io`."},
					"reclaim_policy":         schema.StringAttribute{Computed: true, MarkdownDescription: "`Delete` or `Retain`: what happens to a volume when its claim is deleted."},
					"volume_binding_mode":    schema.StringAttribute{Computed: true, MarkdownDescription: "`Immediate` or `WaitForFirstConsumer`."},
					"allow_volume_expansion": schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether claims can be grown after creation."},
					"is_default":             schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the class is marked as the cluster's default."},
				}},
			},
			"default_storage_class": schema.StringAttribute{Computed: true, MarkdownDescription: "Name of the default StorageClass; null when there is none."},
			"ingress_classes": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "IngressClasses, sorted by name.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"name":       schema.StringAttribute{Computed: true, MarkdownDescription: "Name, as used by a hub's ingress `class_name`."},
					"controller": schema.StringAttribute{Computed: true, MarkdownDescription: "Controller, e.g. `k8s.io/ingress-nginx`."},
					"is_default": schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the class is marked as the cluster's default."},
				}},
			},
			"default_ingress_class": schema.StringAttribute{Computed: true, MarkdownDescription: "Name of the default IngressClass; null when there is none."},
			"total": schema.SingleNestedAttribute{
				Computed:            true,
				MarkdownDescription: "All nodes together.",
				Attributes:          poolAttributes(),
			},
			"node_pools": schema.MapNestedAttribute{
				Computed: true,
				MarkdownDescription: "Nodes grouped by the value of their `hub.jupyter.org/node-purpose` label (`core`, `user`, ...); " +
					"nodes without the label are under `\"" + clusterinfo.Unlabelled + "\"`.",
				NestedObject: schema.NestedAttributeObject{Attributes: poolAttributes()},
			},
			"gke_node_pools": gkePoolsAttribute(),
		},
	}
}

func (d *ClusterDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *ClusterDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var model clusterModel
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("hub_chart_kube_version"), &model.HubChartKubeVersion)...)
	if resp.Diagnostics.HasError() {
		return
	}
	client, err := d.data.conn.Clientset()
	if err != nil {
		addConnectionError(&resp.Diagnostics, d.data.conn, err)
		return
	}
	in, err := clusterinfo.Read(ctx, client)
	if err != nil {
		addConnectionError(&resp.Diagnostics, d.data.conn, err)
		return
	}
	sum, err := clusterinfo.Summarize(in, model.HubChartKubeVersion.ValueString())
	if err != nil {
		resp.Diagnostics.AddError("Cannot evaluate the cluster", err.Error())
		return
	}
	tflog.Debug(ctx, "read cluster", map[string]any{"server_version": sum.ServerVersion, "nodes": sum.Total.Nodes})

	model.HubChartKubeVersion = types.StringValue(sum.HubChartKubeVersion)
	model.ServerVersion = types.StringValue(sum.ServerVersion)
	model.SupportsHubChart = types.BoolValue(sum.SupportsHubChart)
	model.ReadyForHub = types.BoolValue(len(sum.Problems) == 0)
	model.Problems = append([]string{}, sum.Problems...)
	model.StorageClasses = []storageClassModel{}
	for _, sc := range sum.StorageClasses {
		model.StorageClasses = append(model.StorageClasses, storageClassModel(sc))
	}
	model.DefaultStorageClass = optionalString(sum.DefaultStorageClass)
	model.IngressClasses = []ingressClassModel{}
	for _, ic := range sum.IngressClasses {
		model.IngressClasses = append(model.IngressClasses, ingressClassModel(ic))
	}
	model.DefaultIngressClass = optionalString(sum.DefaultIngressClass)
	total := poolFrom(sum.Total)
	model.Total = &total
	model.NodePools = map[string]poolModel{}
	for name, p := range sum.Pools {
		model.NodePools[name] = poolFrom(p)
	}
	var d2 diag.Diagnostics
	model.GKENodePools, d2 = d.data.gkePools(ctx)
	resp.Diagnostics.Append(d2...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}

func poolFrom(p clusterinfo.Pool) poolModel {
	return poolModel{
		Nodes:         int64(p.Nodes),
		ReadyNodes:    int64(p.ReadyNodes),
		CPU:           p.CPU.String(),
		CPUMillicores: p.CPU.MilliValue(),
		Memory:        p.Memory.String(),
		MemoryBytes:   p.Memory.Value(),
		GPUs:          p.GPUs,
	}
}

func optionalString(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}
