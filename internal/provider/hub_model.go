package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/hubvalues"
)

// hubModel is the twoi2chub_hub resource's data. The typed settings (tag
// setting:"true") stay Terraform values, so that unknown values (from
// resources not created yet) are representable; they become a hubvalues.Hub
// only when wholly known, converted through their JSON names (see toHub), so
// a new setting needs a field here and one in hubvalues with the same name.
type hubModel struct {
	ID                 types.String   `tfsdk:"id"`
	Name               types.String   `tfsdk:"name"`
	Namespace          types.String   `tfsdk:"namespace"`
	ChartRepository    types.String   `tfsdk:"chart_repository"`
	ChartVersion       types.String   `tfsdk:"chart_version"`
	ChartPath          types.String   `tfsdk:"chart_path"`
	Domain             types.String   `tfsdk:"domain" setting:"true"`
	HTTPS              types.Object   `tfsdk:"https" setting:"true"`
	Ingress            types.Object   `tfsdk:"ingress" setting:"true"`
	ProxyServiceType   types.String   `tfsdk:"proxy_service_type" setting:"true"`
	Image              types.String   `tfsdk:"image" setting:"true"`
	Profiles           types.List     `tfsdk:"profiles" setting:"true"`
	Storage            types.Object   `tfsdk:"storage" setting:"true"`
	Culling            types.Object   `tfsdk:"culling" setting:"true"`
	AdminUsers         types.Set      `tfsdk:"admin_users" setting:"true"`
	AllowedUsers       types.Set      `tfsdk:"allowed_users" setting:"true"`
	NodePurpose        types.Object   `tfsdk:"node_purpose" setting:"true"`
	UserServers        types.Object   `tfsdk:"user_servers" setting:"true"`
	Limits             types.Object   `tfsdk:"limits" setting:"true"`
	NamedServers       types.Object   `tfsdk:"named_servers" setting:"true"`
	UserServiceAccount types.Object   `tfsdk:"user_service_account" setting:"true"` // hub_schema_cloud.go
	Auth               types.String   `tfsdk:"auth"`
	ExtraValues        YAMLValue      `tfsdk:"extra_values"`
	DeleteUserData     types.Bool     `tfsdk:"delete_user_data"`
	Timeouts           timeouts.Value `tfsdk:"timeouts"`

	// Settings of hub_schema_<concern>.go files.
	ProxyLoadBalancerIP     types.String `tfsdk:"proxy_load_balancer_ip" setting:"true"`
	ProxyServiceAnnotations types.Map    `tfsdk:"proxy_service_annotations" setting:"true"`
	ImagePullSecrets        types.Set    `tfsdk:"image_pull_secrets" setting:"true"`
	ImagePullSecretsFrom    types.Set    `tfsdk:"image_pull_secrets_from" setting:"true"`
	Branding                types.Object `tfsdk:"branding" setting:"true"`
	SecretValuesRef         types.Object `tfsdk:"secret_values_ref" setting:"true"`
	SecretValuesChecksum    types.String `tfsdk:"secret_values_checksum" setting:"true"`
	SecretValuesWO          types.String `tfsdk:"secret_values_wo"`
	NetworkPolicy           types.Object `tfsdk:"network_policy" setting:"true"`
	BlockCloudMetadata      types.Bool   `tfsdk:"block_cloud_metadata" setting:"true"`
	Community               types.String `tfsdk:"community" setting:"true"` // hub_schema_cost_labels.go
	CostLabels              types.Map    `tfsdk:"cost_labels" setting:"true"`

	URL             types.String `tfsdk:"url"`
	HealthCheckURL  types.String `tfsdk:"health_check_url"`
	PublicAddress   types.String `tfsdk:"public_address"`
	ReleaseRevision types.Int64  `tfsdk:"release_revision"`
	AppVersion      types.String `tfsdk:"app_version"`
	Status          types.String `tfsdk:"status"`
	ValuesChecksum  types.String `tfsdk:"values_checksum"`
}

// hubSetting is one typed setting of a hubModel: its attribute name and
// where it is in the struct.
type hubSetting struct {
	name  string
	field int
}

// hubSettings lists hubModel's typed settings, read once from the tags.
var hubSettings = func() []hubSetting {
	var out []hubSetting
	t := reflect.TypeFor[hubModel]()
	for i := range t.NumField() {
		if f := t.Field(i); f.Tag.Get("setting") == "true" {
			out = append(out, hubSetting{name: f.Tag.Get("tfsdk"), field: i})
		}
	}
	return out
}()

// hubAttrTypes are the settings' types, from the resource's schema.
var hubAttrTypes = func() map[string]attr.Type {
	var resp resource.SchemaResponse
	(&HubResource{}).Schema(context.Background(), resource.SchemaRequest{}, &resp)
	out := map[string]attr.Type{}
	for name, a := range resp.Schema.Attributes {
		out[name] = a.GetType()
	}
	return out
}()

func (m *hubModel) setting(s hubSetting) reflect.Value {
	return reflect.ValueOf(m).Elem().Field(s.field)
}

// settingsKnown reports whether every setting that shapes the values is known;
// before that, nothing can be rendered or validated.
func (m *hubModel) settingsKnown() bool {
	for _, st := range hubSettings {
		if !whollyKnown(m.setting(st).Interface().(attr.Value)) {
			return false
		}
	}
	return whollyKnown(m.Auth) && whollyKnown(m.ExtraValues)
}

func (m *hubModel) chartKnown() bool {
	return !m.ChartRepository.IsUnknown() && !m.ChartVersion.IsUnknown() && !m.ChartPath.IsUnknown()
}

// whollyKnown reports that v holds no unknown value anywhere inside.
func whollyKnown(v attr.Value) bool { return knownBesides(v, "") }

// knownBesides reports that v holds no unknown value anywhere inside, except
// maybe in object attributes named skip.
func knownBesides(v attr.Value, skip string) bool {
	if v == nil || v.IsNull() {
		return true
	}
	if v.IsUnknown() {
		return false
	}
	var inside []attr.Value
	switch t := v.(type) {
	case basetypes.ObjectValue:
		for name, e := range t.Attributes() {
			if name != skip {
				inside = append(inside, e)
			}
		}
	case basetypes.ListValue:
		inside = t.Elements()
	case basetypes.SetValue:
		inside = t.Elements()
	case basetypes.MapValue:
		for _, e := range t.Elements() {
			inside = append(inside, e)
		}
	}
	for _, e := range inside {
		if !knownBesides(e, skip) {
			return false
		}
	}
	return true
}

// toHub converts known settings into the renderer's input: each setting to
// its JSON shape under its attribute name, then into hubvalues.Hub, whose
// JSON names are the same.
func (m *hubModel) toHub(ctx context.Context) (hubvalues.Hub, diag.Diagnostics) {
	return m.convert(ctx, toJSONShape)
}

// toPartialHub is toHub for a configuration with parts known only at apply
// (ValidateConfig): they read as unset, so the checks that do not depend on
// them still run.
func (m *hubModel) toPartialHub(ctx context.Context) (hubvalues.Hub, diag.Diagnostics) {
	return m.convert(ctx, partialJSONShape)
}

func (m *hubModel) convert(ctx context.Context, shape func(tftypes.Value) (any, error)) (hubvalues.Hub, diag.Diagnostics) {
	var diags diag.Diagnostics
	var h hubvalues.Hub
	doc := map[string]any{}
	for _, st := range hubSettings {
		v := m.setting(st).Interface().(attr.Value)
		if v.IsNull() || v.IsUnknown() {
			continue
		}
		tv, err := v.ToTerraformValue(ctx)
		if err == nil {
			doc[st.name], err = shape(tv)
		}
		if err != nil {
			addAttrError(&diags, path.Root(st.name), "Cannot read the setting", err.Error())
		}
	}
	if data, err := json.Marshal(doc); err != nil {
		diags.AddError("Cannot read the hub's settings", err.Error())
	} else if err := json.Unmarshal(data, &h); err != nil {
		diags.AddError("Cannot read the hub's settings", err.Error())
	}
	// The hub's name labels its pods for cost reports (hubvalues/costlabels.go).
	h.ReleaseName = m.Name.ValueString()
	if auth, err := m.authValues(); err != nil {
		addAttrError(&diags, path.Root("auth"), "Invalid auth", err.Error())
	} else {
		h.Auth = auth
	}
	if ev, err := m.ExtraValues.Values(); err != nil {
		addAttrError(&diags, path.Root("extra_values"), "Invalid extra_values", err.Error())
	} else {
		h.ExtraValues = ev
	}
	return h, diags
}

// setFromHub writes settings read back from a release into the model: the
// inverse of toHub, used on import and when the release drifted.
func (m *hubModel) setFromHub(ctx context.Context, h hubvalues.Hub) diag.Diagnostics {
	var diags diag.Diagnostics
	var doc map[string]any
	data, err := json.Marshal(h)
	if err == nil {
		err = json.Unmarshal(data, &doc)
	}
	if err != nil {
		diags.AddError("Cannot represent the release's settings", err.Error())
		return diags
	}
	for _, st := range hubSettings {
		t := hubAttrTypes[st.name]
		if doc[st.name] == nil && hubSettingDefaults[st.name] != nil {
			// Read back as unset: the chart runs the attribute's default.
			m.setting(st).Set(reflect.ValueOf(hubSettingDefaults[st.name]))
			continue
		}
		tv, err := fromJSONShape(t.TerraformType(ctx), doc[st.name])
		if err != nil {
			addAttrError(&diags, path.Root(st.name), "Cannot represent the release's setting", err.Error())
			continue
		}
		v, err := t.ValueFromTerraform(ctx, tv)
		if err != nil {
			addAttrError(&diags, path.Root(st.name), "Cannot represent the release's setting", err.Error())
			continue
		}
		m.setting(st).Set(reflect.ValueOf(v))
	}
	ev, err := NewYAMLValue(h.ExtraValues)
	if err != nil {
		diags.AddError("Cannot represent the release's other values", err.Error())
	}
	m.ExtraValues = ev
	return diags
}

// attrPath turns a renderer attribute path into a framework path.
func attrPath(p hubvalues.AttrPath) path.Path {
	if len(p) == 0 {
		return path.Empty()
	}
	out := path.Root(p[0].(string))
	for _, step := range p[1:] {
		switch s := step.(type) {
		case int:
			// Sets cannot be addressed by index; point at the set itself.
			if _, isSet := hubAttrTypes[p[0].(string)].(types.SetType); isSet {
				return out
			}
			out = out.AtListIndex(s)
		case hubvalues.MapKey:
			out = out.AtMapKey(string(s))
		case string:
			out = out.AtName(s)
		}
	}
	return out
}

// authValues parses the auth's hub_config (JSON chart values); nil when unset.
func (m *hubModel) authValues() (map[string]any, error) {
	if m.Auth.IsNull() || m.Auth.IsUnknown() {
		return nil, nil
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(m.Auth.ValueString()), &v); err != nil {
		return nil, fmt.Errorf("auth must be a twoi2chub_auth's hub_config (a JSON object of chart values): %v", err)
	}
	return v, nil
}
