package provider

import (
	"context"
	"encoding/json"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/supportvalues"
)

// clusterSupportModel is the twoi2chub_cluster_support resource's data.
// Each component is an object converted whole into supportvalues through
// its JSON names (the attribute names), as the hub's settings are.
type clusterSupportModel struct {
	ID                types.String   `tfsdk:"id"`
	Namespace         types.String   `tfsdk:"namespace"`
	IngressNginx      types.Object   `tfsdk:"ingress_nginx"`
	CertManager       types.Object   `tfsdk:"cert_manager"`
	Prometheus        types.Object   `tfsdk:"prometheus"`
	Grafana           types.Object   `tfsdk:"grafana"`
	ClusterAutoscaler types.Object   `tfsdk:"cluster_autoscaler"`
	Timeouts          timeouts.Value `tfsdk:"timeouts"`

	IngressAddress     types.String `tfsdk:"ingress_address"`
	GrafanaURL         types.String `tfsdk:"grafana_url"`
	GrafanaAdminSecret types.String `tfsdk:"grafana_admin_secret"`
	ClusterIssuers     types.List   `tfsdk:"cluster_issuers"`
	CRDsVersion        types.String `tfsdk:"crds_version"`
	Releases           types.Map    `tfsdk:"releases"`
}

// supportRelease is one entry of `releases`.
type supportRelease struct {
	ChartVersion   string
	AppVersion     string
	Revision       *int64 // nil: unknown until applied
	Status         string
	ValuesChecksum string
}

var supportReleaseType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"chart_version": types.StringType, "app_version": types.StringType, "revision": types.Int64Type,
	"status": types.StringType, "values_checksum": types.StringType,
}}

func (m *clusterSupportModel) components() map[string]types.Object {
	return map[string]types.Object{
		"ingress_nginx": m.IngressNginx, "cert_manager": m.CertManager, "prometheus": m.Prometheus,
		"grafana": m.Grafana, "cluster_autoscaler": m.ClusterAutoscaler,
	}
}

// settingsKnown reports whether every component's settings are known.
func (m *clusterSupportModel) settingsKnown() bool {
	for _, o := range m.components() {
		if !whollyKnown(o) {
			return false
		}
	}
	return !m.Namespace.IsUnknown()
}

// toSupport converts known settings into supportvalues.Support.
func (m *clusterSupportModel) toSupport(ctx context.Context) (supportvalues.Support, diag.Diagnostics) {
	var diags diag.Diagnostics
	doc := map[string]any{"namespace": m.Namespace.ValueString()}
	for name, o := range m.components() {
		if o.IsNull() || o.IsUnknown() {
			continue
		}
		tv, err := o.ToTerraformValue(ctx)
		if err == nil {
			doc[name], err = toJSONShape(tv)
		}
		if err != nil {
			addAttrError(&diags, path.Root(name), "Cannot read the setting", err.Error())
		}
	}
	var s supportvalues.Support
	data, err := json.Marshal(doc)
	if err == nil {
		err = json.Unmarshal(data, &s)
	}
	if err != nil {
		diags.AddError("Cannot read the support settings", err.Error())
	}
	return s, diags
}

// releasesOf reads the `releases` map.
func (m *clusterSupportModel) releasesOf() map[string]supportRelease {
	out := map[string]supportRelease{}
	if m.Releases.IsNull() || m.Releases.IsUnknown() {
		return out
	}
	for name, v := range m.Releases.Elements() {
		o, ok := v.(types.Object)
		if !ok || o.IsNull() || o.IsUnknown() {
			continue
		}
		a := o.Attributes()
		r := supportRelease{
			ChartVersion:   a["chart_version"].(types.String).ValueString(),
			AppVersion:     a["app_version"].(types.String).ValueString(),
			Status:         a["status"].(types.String).ValueString(),
			ValuesChecksum: a["values_checksum"].(types.String).ValueString(),
		}
		if rev := a["revision"].(types.Int64); !rev.IsUnknown() && !rev.IsNull() {
			v := rev.ValueInt64()
			r.Revision = &v
		}
		out[name] = r
	}
	return out
}

func releasesValue(rs map[string]supportRelease) types.Map {
	elems := map[string]attr.Value{}
	for name, r := range rs {
		rev := types.Int64Unknown()
		if r.Revision != nil {
			rev = types.Int64Value(*r.Revision)
		}
		elems[name] = types.ObjectValueMust(supportReleaseType.AttrTypes, map[string]attr.Value{
			"chart_version": types.StringValue(r.ChartVersion), "app_version": types.StringValue(r.AppVersion),
			"revision": rev, "status": types.StringValue(r.Status), "values_checksum": types.StringValue(r.ValuesChecksum),
		})
	}
	return types.MapValueMust(supportReleaseType, elems)
}
