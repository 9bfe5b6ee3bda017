package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/hubvalues"
)

// hubModel is the twoi2chub_hub resource's data. Nested settings are kept as
// types.Object/List so that unknown values (from resources not created yet)
// are representable; they become hubvalues.Hub only when fully known.
type hubModel struct {
	ID               types.String   `tfsdk:"id"`
	Name             types.String   `tfsdk:"name"`
	Namespace        types.String   `tfsdk:"namespace"`
	ChartRepository  types.String   `tfsdk:"chart_repository"`
	ChartVersion     types.String   `tfsdk:"chart_version"`
	ChartPath        types.String   `tfsdk:"chart_path"`
	Domain           types.String   `tfsdk:"domain"`
	HTTPS            types.Object   `tfsdk:"https"`
	Ingress          types.Object   `tfsdk:"ingress"`
	ProxyServiceType types.String   `tfsdk:"proxy_service_type"`
	Image            types.String   `tfsdk:"image"`
	Profiles         types.List     `tfsdk:"profiles"`
	Storage          types.Object   `tfsdk:"storage"`
	Culling          types.Object   `tfsdk:"culling"`
	AdminUsers       types.Set      `tfsdk:"admin_users"`
	AllowedUsers     types.Set      `tfsdk:"allowed_users"`
	NodePurpose      types.Object   `tfsdk:"node_purpose"`
	Auth             types.String   `tfsdk:"auth"`
	ExtraValues      YAMLValue      `tfsdk:"extra_values"`
	DeleteUserData   types.Bool     `tfsdk:"delete_user_data"`
	Timeouts         timeouts.Value `tfsdk:"timeouts"`

	URL             types.String `tfsdk:"url"`
	ReleaseRevision types.Int64  `tfsdk:"release_revision"`
	AppVersion      types.String `tfsdk:"app_version"`
	Status          types.String `tfsdk:"status"`
	ValuesChecksum  types.String `tfsdk:"values_checksum"`
}

type httpsModel struct {
	Mode         types.String `tfsdk:"mode"`
	ContactEmail types.String `tfsdk:"contact_email"`
	SecretName   types.String `tfsdk:"secret_name"`
}

type ingressModel struct {
	ClassName     types.String `tfsdk:"class_name"`
	Annotations   types.Map    `tfsdk:"annotations"`
	TLSSecretName types.String `tfsdk:"tls_secret_name"`
}

type profileModel struct {
	DisplayName     types.String  `tfsdk:"display_name"`
	Slug            types.String  `tfsdk:"slug"`
	Description     types.String  `tfsdk:"description"`
	Default         types.Bool    `tfsdk:"default"`
	Image           types.String  `tfsdk:"image"`
	CPUGuarantee    types.Float64 `tfsdk:"cpu_guarantee"`
	CPULimit        types.Float64 `tfsdk:"cpu_limit"`
	MemoryGuarantee types.String  `tfsdk:"memory_guarantee"`
	MemoryLimit     types.String  `tfsdk:"memory_limit"`
	NodeSelector    types.Map     `tfsdk:"node_selector"`
	GPU             types.Object  `tfsdk:"gpu"`
	ImageChoices    types.List    `tfsdk:"image_choices"`
}

type gpuModel struct {
	Count        types.Int64  `tfsdk:"count"`
	Resource     types.String `tfsdk:"resource"`
	NodeSelector types.Map    `tfsdk:"node_selector"`
	Tolerations  types.List   `tfsdk:"tolerations"`
}

type tolerationModel struct {
	Key      types.String `tfsdk:"key"`
	Operator types.String `tfsdk:"operator"`
	Value    types.String `tfsdk:"value"`
	Effect   types.String `tfsdk:"effect"`
}

type imageChoiceModel struct {
	DisplayName types.String `tfsdk:"display_name"`
	Slug        types.String `tfsdk:"slug"`
	Image       types.String `tfsdk:"image"`
	Default     types.Bool   `tfsdk:"default"`
}

type storageModel struct {
	Type         types.String `tfsdk:"type"`
	Capacity     types.String `tfsdk:"capacity"`
	StorageClass types.String `tfsdk:"storage_class"`
	ClaimName    types.String `tfsdk:"claim_name"`
	NFSServer    types.String `tfsdk:"nfs_server"`
	NFSPath      types.String `tfsdk:"nfs_path"`
	SubPath      types.String `tfsdk:"sub_path"`
	MountPath    types.String `tfsdk:"mount_path"`
}

type cullingModel struct {
	Enabled types.Bool  `tfsdk:"enabled"`
	Timeout types.Int64 `tfsdk:"timeout"`
	Every   types.Int64 `tfsdk:"every"`
	MaxAge  types.Int64 `tfsdk:"max_age"`
	Users   types.Bool  `tfsdk:"users"`
}

type nodePurposeModel struct {
	Core types.String `tfsdk:"core"`
	User types.String `tfsdk:"user"`
}

var (
	stringMapType    = types.MapType{ElemType: types.StringType}
	httpsAttrTypes   = map[string]attr.Type{"mode": types.StringType, "contact_email": types.StringType, "secret_name": types.StringType}
	ingressAttrTypes = map[string]attr.Type{"class_name": types.StringType, "annotations": stringMapType, "tls_secret_name": types.StringType}
	tolerationType   = types.ObjectType{AttrTypes: map[string]attr.Type{
		"key": types.StringType, "operator": types.StringType, "value": types.StringType, "effect": types.StringType,
	}}
	gpuAttrTypes = map[string]attr.Type{
		"count": types.Int64Type, "resource": types.StringType, "node_selector": stringMapType,
		"tolerations": types.ListType{ElemType: tolerationType},
	}
	imageChoiceType = types.ObjectType{AttrTypes: map[string]attr.Type{
		"display_name": types.StringType, "slug": types.StringType, "image": types.StringType, "default": types.BoolType,
	}}
	profileType = types.ObjectType{AttrTypes: map[string]attr.Type{
		"display_name": types.StringType, "slug": types.StringType, "description": types.StringType, "default": types.BoolType,
		"image": types.StringType, "cpu_guarantee": types.Float64Type, "cpu_limit": types.Float64Type,
		"memory_guarantee": types.StringType, "memory_limit": types.StringType, "node_selector": stringMapType,
		"gpu": types.ObjectType{AttrTypes: gpuAttrTypes}, "image_choices": types.ListType{ElemType: imageChoiceType},
	}}
	storageAttrTypes = map[string]attr.Type{
		"type": types.StringType, "capacity": types.StringType, "storage_class": types.StringType, "claim_name": types.StringType,
		"nfs_server": types.StringType, "nfs_path": types.StringType, "sub_path": types.StringType, "mount_path": types.StringType,
	}
	cullingAttrTypes = map[string]attr.Type{
		"enabled": types.BoolType, "timeout": types.Int64Type, "every": types.Int64Type, "max_age": types.Int64Type, "users": types.BoolType,
	}
	nodePurposeAttrTypes = map[string]attr.Type{"core": types.StringType, "user": types.StringType}
)

// settingsKnown reports whether every setting that shapes the values is known;
// before that, nothing can be rendered or validated.
func (m *hubModel) settingsKnown() bool {
	for _, v := range []attr.Value{m.Domain, m.HTTPS, m.Ingress, m.ProxyServiceType, m.Image, m.Profiles, m.Storage,
		m.Culling, m.AdminUsers, m.AllowedUsers, m.NodePurpose, m.Auth, m.ExtraValues} {
		if !whollyKnown(v) {
			return false
		}
	}
	return true
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

// toHub converts known settings into the renderer's input.
func (m *hubModel) toHub(ctx context.Context) (hubvalues.Hub, diag.Diagnostics) {
	var diags diag.Diagnostics
	h := hubvalues.Hub{
		Domain:           m.Domain.ValueString(),
		ProxyServiceType: m.ProxyServiceType.ValueString(),
		Image:            m.Image.ValueString(),
	}
	asObject := func(o types.Object, target any) bool {
		if o.IsNull() || o.IsUnknown() {
			return false
		}
		diags.Append(o.As(ctx, target, basetypes.ObjectAsOptions{})...)
		return !diags.HasError()
	}
	var https httpsModel
	if asObject(m.HTTPS, &https) {
		h.HTTPS = &hubvalues.HTTPS{Mode: https.Mode.ValueString(), ContactEmail: https.ContactEmail.ValueString(), SecretName: https.SecretName.ValueString()}
	}
	var ing ingressModel
	if asObject(m.Ingress, &ing) {
		h.Ingress = &hubvalues.Ingress{ClassName: ing.ClassName.ValueString(), Annotations: stringMap(ing.Annotations), TLSSecretName: ing.TLSSecretName.ValueString()}
	}
	if !m.Profiles.IsNull() && !m.Profiles.IsUnknown() {
		var profiles []profileModel
		diags.Append(m.Profiles.ElementsAs(ctx, &profiles, false)...)
		h.Profiles = []hubvalues.Profile{}
		for _, p := range profiles {
			hp := hubvalues.Profile{
				DisplayName: p.DisplayName.ValueString(), Slug: p.Slug.ValueString(), Description: p.Description.ValueString(),
				Default: p.Default.ValueBool(), Image: p.Image.ValueString(),
				CPUGuarantee: float64Ptr(p.CPUGuarantee), CPULimit: float64Ptr(p.CPULimit),
				MemoryGuarantee: p.MemoryGuarantee.ValueString(), MemoryLimit: p.MemoryLimit.ValueString(),
				NodeSelector: stringMap(p.NodeSelector),
			}
			var g gpuModel
			if asObject(p.GPU, &g) {
				hp.GPU = &hubvalues.GPU{Count: g.Count.ValueInt64(), Resource: g.Resource.ValueString(), NodeSelector: stringMap(g.NodeSelector)}
				if !g.Tolerations.IsNull() {
					var tols []tolerationModel
					diags.Append(g.Tolerations.ElementsAs(ctx, &tols, false)...)
					for _, t := range tols {
						hp.GPU.Tolerations = append(hp.GPU.Tolerations, hubvalues.Toleration{
							Key: t.Key.ValueString(), Operator: t.Operator.ValueString(), Value: t.Value.ValueString(), Effect: t.Effect.ValueString(),
						})
					}
				}
			}
			if !p.ImageChoices.IsNull() {
				var choices []imageChoiceModel
				diags.Append(p.ImageChoices.ElementsAs(ctx, &choices, false)...)
				for _, c := range choices {
					hp.ImageChoices = append(hp.ImageChoices, hubvalues.ImageChoice{
						DisplayName: c.DisplayName.ValueString(), Slug: c.Slug.ValueString(), Image: c.Image.ValueString(), Default: c.Default.ValueBool(),
					})
				}
			}
			h.Profiles = append(h.Profiles, hp)
		}
	}
	var st storageModel
	if asObject(m.Storage, &st) {
		h.Storage = &hubvalues.Storage{
			Type: st.Type.ValueString(), Capacity: st.Capacity.ValueString(), StorageClass: st.StorageClass.ValueString(),
			ClaimName: st.ClaimName.ValueString(), NFSServer: st.NFSServer.ValueString(), NFSPath: st.NFSPath.ValueString(),
			SubPath: st.SubPath.ValueString(), MountPath: st.MountPath.ValueString(),
		}
	}
	var cu cullingModel
	if asObject(m.Culling, &cu) {
		h.Culling = &hubvalues.Culling{Enabled: cu.Enabled.ValueBool(), Timeout: int64Ptr(cu.Timeout), Every: int64Ptr(cu.Every), MaxAge: int64Ptr(cu.MaxAge)}
		if !cu.Users.IsNull() {
			u := cu.Users.ValueBool()
			h.Culling.Users = &u
		}
	}
	h.AdminUsers = stringSet(ctx, m.AdminUsers, &diags)
	h.AllowedUsers = stringSet(ctx, m.AllowedUsers, &diags)
	var np nodePurposeModel
	if asObject(m.NodePurpose, &np) {
		h.NodePurpose = &hubvalues.NodePurpose{Core: np.Core.ValueString(), User: np.User.ValueString()}
	}
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
	obj := func(attrTypes map[string]attr.Type, v any) types.Object {
		o, d := types.ObjectValueFrom(ctx, attrTypes, v)
		diags.Append(d...)
		return o
	}
	m.Domain = optString(h.Domain)
	m.ProxyServiceType = optString(h.ProxyServiceType)
	m.Image = optString(h.Image)
	m.HTTPS = types.ObjectNull(httpsAttrTypes)
	if t := h.HTTPS; t != nil {
		m.HTTPS = obj(httpsAttrTypes, httpsModel{Mode: optString(t.Mode), ContactEmail: optString(t.ContactEmail), SecretName: optString(t.SecretName)})
	}
	m.Ingress = types.ObjectNull(ingressAttrTypes)
	if i := h.Ingress; i != nil {
		m.Ingress = obj(ingressAttrTypes, ingressModel{ClassName: optString(i.ClassName), Annotations: optStringMap(i.Annotations), TLSSecretName: optString(i.TLSSecretName)})
	}
	m.Profiles = types.ListNull(profileType)
	if h.Profiles != nil {
		var profiles []profileModel
		for _, p := range h.Profiles {
			pm := profileModel{
				DisplayName: optString(p.DisplayName), Slug: optString(p.Slug), Description: optString(p.Description),
				Default: types.BoolValue(p.Default), Image: optString(p.Image),
				CPUGuarantee: optFloat(p.CPUGuarantee), CPULimit: optFloat(p.CPULimit),
				MemoryGuarantee: optString(p.MemoryGuarantee), MemoryLimit: optString(p.MemoryLimit),
				NodeSelector: optStringMap(p.NodeSelector),
				GPU:          types.ObjectNull(gpuAttrTypes),
				ImageChoices: types.ListNull(imageChoiceType),
			}
			if g := p.GPU; g != nil {
				tols := types.ListNull(tolerationType)
				if len(g.Tolerations) > 0 {
					var tms []tolerationModel
					for _, t := range g.Tolerations {
						tms = append(tms, tolerationModel{Key: optString(t.Key), Operator: optString(t.Operator), Value: optString(t.Value), Effect: optString(t.Effect)})
					}
					var d diag.Diagnostics
					tols, d = types.ListValueFrom(ctx, tolerationType, tms)
					diags.Append(d...)
				}
				pm.GPU = obj(gpuAttrTypes, gpuModel{Count: types.Int64Value(g.Count), Resource: optString(g.Resource), NodeSelector: optStringMap(g.NodeSelector), Tolerations: tols})
			}
			if len(p.ImageChoices) > 0 {
				var cms []imageChoiceModel
				for _, c := range p.ImageChoices {
					cms = append(cms, imageChoiceModel{DisplayName: optString(c.DisplayName), Slug: optString(c.Slug), Image: optString(c.Image), Default: types.BoolValue(c.Default)})
				}
				var d diag.Diagnostics
				pm.ImageChoices, d = types.ListValueFrom(ctx, imageChoiceType, cms)
				diags.Append(d...)
			}
			profiles = append(profiles, pm)
		}
		var d diag.Diagnostics
		m.Profiles, d = types.ListValueFrom(ctx, profileType, profiles)
		diags.Append(d...)
	}
	m.Storage = types.ObjectNull(storageAttrTypes)
	if s := h.Storage; s != nil {
		m.Storage = obj(storageAttrTypes, storageModel{
			Type: optString(s.Type), Capacity: optString(s.Capacity), StorageClass: optString(s.StorageClass), ClaimName: optString(s.ClaimName),
			NFSServer: optString(s.NFSServer), NFSPath: optString(s.NFSPath), SubPath: optString(s.SubPath), MountPath: optString(s.MountPath),
		})
	}
	m.Culling = types.ObjectNull(cullingAttrTypes)
	if c := h.Culling; c != nil {
		cm := cullingModel{Enabled: types.BoolValue(c.Enabled), Timeout: optInt(c.Timeout), Every: optInt(c.Every), MaxAge: optInt(c.MaxAge), Users: types.BoolNull()}
		if c.Users != nil {
			cm.Users = types.BoolValue(*c.Users)
		}
		m.Culling = obj(cullingAttrTypes, cm)
	}
	m.AdminUsers = optStringSet(h.AdminUsers)
	m.AllowedUsers = optStringSet(h.AllowedUsers)
	m.NodePurpose = types.ObjectNull(nodePurposeAttrTypes)
	if n := h.NodePurpose; n != nil {
		m.NodePurpose = obj(nodePurposeAttrTypes, nodePurposeModel{Core: optString(n.Core), User: optString(n.User)})
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
			if p[0] == "admin_users" || p[0] == "allowed_users" {
				return out
			}
			out = out.AtListIndex(s)
		case string:
			out = out.AtName(s)
		}
	}
	return out
}

func stringMap(m types.Map) map[string]string {
	if m.IsNull() || m.IsUnknown() {
		return nil
	}
	out := map[string]string{}
	for k, v := range m.Elements() {
		if s, ok := v.(types.String); ok {
			out[k] = s.ValueString()
		}
	}
	return out
}

func stringSet(ctx context.Context, s types.Set, diags *diag.Diagnostics) []string {
	if s.IsNull() || s.IsUnknown() {
		return nil
	}
	out := []string{}
	diags.Append(s.ElementsAs(ctx, &out, false)...)
	sort.Strings(out)
	return out
}

func float64Ptr(v types.Float64) *float64 {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	f := v.ValueFloat64()
	return &f
}

func int64Ptr(v types.Int64) *int64 {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	i := v.ValueInt64()
	return &i
}

func optString(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

func optFloat(f *float64) types.Float64 {
	if f == nil {
		return types.Float64Null()
	}
	return types.Float64Value(*f)
}

func optInt(i *int64) types.Int64 {
	if i == nil {
		return types.Int64Null()
	}
	return types.Int64Value(*i)
}

func optStringMap(m map[string]string) types.Map {
	if len(m) == 0 {
		return types.MapNull(types.StringType)
	}
	vals := map[string]attr.Value{}
	for k, v := range m {
		vals[k] = types.StringValue(v)
	}
	return types.MapValueMust(types.StringType, vals)
}

func optStringSet(s []string) types.Set {
	if s == nil {
		return types.SetNull(types.StringType)
	}
	vals := make([]attr.Value, 0, len(s))
	for _, e := range s {
		vals = append(vals, types.StringValue(e))
	}
	return types.SetValueMust(types.StringType, vals)
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
