package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/authstore"
	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/authvalues"
)

type authModel struct {
	ID              types.String `tfsdk:"id"`
	Name            types.String `tfsdk:"name"`
	Namespace       types.String `tfsdk:"namespace"`
	Domain          types.String `tfsdk:"domain"`
	GitHub          types.Object `tfsdk:"github"`
	CILogon         types.Object `tfsdk:"cilogon"`
	Google          types.Object `tfsdk:"google"`
	GenericOIDC     types.Object `tfsdk:"generic_oidc"`
	Dummy           types.Object `tfsdk:"dummy"`
	ClientSecretRef types.Object `tfsdk:"client_secret_ref"`
	ClientSecretWO  types.String `tfsdk:"client_secret_wo"`
	AllowedUsers    types.Set    `tfsdk:"allowed_users"`
	AdminUsers      types.Set    `tfsdk:"admin_users"`
	AllowAll        types.Bool   `tfsdk:"allow_all"`

	CallbackURL          types.String `tfsdk:"callback_url"`
	SecretName           types.String `tfsdk:"secret_name"`
	ClientSecretChecksum types.String `tfsdk:"client_secret_checksum"`
	HubConfig            types.String `tfsdk:"hub_config"`
}

type githubModel struct {
	ClientID             types.String `tfsdk:"client_id"`
	AllowedOrganizations types.Set    `tfsdk:"allowed_organizations"`
	AllowedTeams         types.Set    `tfsdk:"allowed_teams"`
}

type cilogonModel struct {
	ClientID          types.String `tfsdk:"client_id"`
	IdentityProviders types.List   `tfsdk:"identity_providers"`
}

type idpModel struct {
	EntityID       types.String `tfsdk:"entity_id"`
	UsernameClaim  types.String `tfsdk:"username_claim"`
	StripDomain    types.String `tfsdk:"strip_domain"`
	Prefix         types.String `tfsdk:"prefix"`
	AllowedDomains types.Set    `tfsdk:"allowed_domains"`
	AllowAll       types.Bool   `tfsdk:"allow_all"`
	Default        types.Bool   `tfsdk:"default"`
}

type googleModel struct {
	ClientID                types.String `tfsdk:"client_id"`
	AllowedDomains          types.Set    `tfsdk:"allowed_domains"`
	AllowedGroups           types.Set    `tfsdk:"allowed_groups"`
	AdminGroups             types.Set    `tfsdk:"admin_groups"`
	GroupsAdminEmail        types.String `tfsdk:"groups_admin_email"`
	ServiceAccountKeySecret types.Object `tfsdk:"service_account_key_secret"`
}

type oidcModel struct {
	ClientID      types.String `tfsdk:"client_id"`
	Issuer        types.String `tfsdk:"issuer"`
	AuthorizeURL  types.String `tfsdk:"authorize_url"`
	TokenURL      types.String `tfsdk:"token_url"`
	UserdataURL   types.String `tfsdk:"userdata_url"`
	UsernameClaim types.String `tfsdk:"username_claim"`
	Scopes        types.List   `tfsdk:"scopes"`
	GroupsClaim   types.String `tfsdk:"groups_claim"`
	AllowedGroups types.Set    `tfsdk:"allowed_groups"`
	AdminGroups   types.Set    `tfsdk:"admin_groups"`
	LoginService  types.String `tfsdk:"login_service"`
}

type secretRefModel struct {
	Name types.String `tfsdk:"name"`
	Key  types.String `tfsdk:"key"`
}

var (
	stringSetType      = types.SetType{ElemType: types.StringType}
	secretRefAttrTypes = map[string]attr.Type{"name": types.StringType, "key": types.StringType}
	githubAttrTypes    = map[string]attr.Type{"client_id": types.StringType, "allowed_organizations": stringSetType, "allowed_teams": stringSetType}
	idpType            = types.ObjectType{AttrTypes: map[string]attr.Type{
		"entity_id": types.StringType, "username_claim": types.StringType, "strip_domain": types.StringType, "prefix": types.StringType,
		"allowed_domains": stringSetType, "allow_all": types.BoolType, "default": types.BoolType,
	}}
	cilogonAttrTypes = map[string]attr.Type{"client_id": types.StringType, "identity_providers": types.ListType{ElemType: idpType}}
	googleAttrTypes  = map[string]attr.Type{
		"client_id": types.StringType, "allowed_domains": stringSetType, "allowed_groups": stringSetType, "admin_groups": stringSetType,
		"groups_admin_email": types.StringType, "service_account_key_secret": types.ObjectType{AttrTypes: secretRefAttrTypes},
	}
	oidcAttrTypes = map[string]attr.Type{
		"client_id": types.StringType, "issuer": types.StringType, "authorize_url": types.StringType, "token_url": types.StringType,
		"userdata_url": types.StringType, "username_claim": types.StringType, "scopes": types.ListType{ElemType: types.StringType},
		"groups_claim": types.StringType, "allowed_groups": stringSetType, "admin_groups": stringSetType, "login_service": types.StringType,
	}
	dummyAttrTypes = map[string]attr.Type{}
)

// settingsKnown reports whether everything that shapes the rendered
// configuration is known (the write-only secret is not part of it).
func (m *authModel) settingsKnown() bool {
	for _, v := range []attr.Value{m.Name, m.Namespace, m.Domain, m.GitHub, m.CILogon, m.Google, m.GenericOIDC, m.Dummy,
		m.ClientSecretRef, m.AllowedUsers, m.AdminUsers, m.AllowAll} {
		if !whollyKnown(v) {
			return false
		}
	}
	return true
}

// toAuth converts known settings; endpoints are not discovered here.
func (m *authModel) toAuth(ctx context.Context) (authvalues.Auth, diag.Diagnostics) {
	var diags diag.Diagnostics
	a := authvalues.Auth{Domain: m.Domain.ValueString(), AllowAll: m.AllowAll.ValueBool()}
	a.AllowedUsers = stringSet(ctx, m.AllowedUsers, &diags)
	a.AdminUsers = stringSet(ctx, m.AdminUsers, &diags)
	as := func(o types.Object, target any) bool {
		if o.IsNull() || o.IsUnknown() {
			return false
		}
		diags.Append(o.As(ctx, target, basetypes.ObjectAsOptions{})...)
		return !diags.HasError()
	}
	var gh githubModel
	var ci cilogonModel
	var gg googleModel
	var oi oidcModel
	switch {
	case as(m.GitHub, &gh):
		a.Type, a.ClientID = authvalues.GitHub, gh.ClientID.ValueString()
		a.GitHub = &authvalues.GitHubSettings{
			AllowedOrganizations: stringSet(ctx, gh.AllowedOrganizations, &diags),
			AllowedTeams:         stringSet(ctx, gh.AllowedTeams, &diags),
		}
	case as(m.CILogon, &ci):
		a.Type, a.ClientID = authvalues.CILogon, ci.ClientID.ValueString()
		a.CILogon = &authvalues.CILogonSettings{}
		var idps []idpModel
		diags.Append(ci.IdentityProviders.ElementsAs(ctx, &idps, false)...)
		for _, idp := range idps {
			a.CILogon.IdentityProviders = append(a.CILogon.IdentityProviders, authvalues.IdentityProvider{
				EntityID: idp.EntityID.ValueString(), UsernameClaim: idp.UsernameClaim.ValueString(),
				StripDomain: idp.StripDomain.ValueString(), Prefix: idp.Prefix.ValueString(),
				AllowedDomains: stringSet(ctx, idp.AllowedDomains, &diags), AllowAll: idp.AllowAll.ValueBool(), Default: idp.Default.ValueBool(),
			})
		}
	case as(m.Google, &gg):
		a.Type, a.ClientID = authvalues.Google, gg.ClientID.ValueString()
		a.Google = &authvalues.GoogleSettings{
			AllowedDomains: stringSet(ctx, gg.AllowedDomains, &diags), AllowedGroups: stringSet(ctx, gg.AllowedGroups, &diags),
			AdminGroups: stringSet(ctx, gg.AdminGroups, &diags), GroupsAdminEmail: gg.GroupsAdminEmail.ValueString(),
		}
		var key secretRefModel
		if as(gg.ServiceAccountKeySecret, &key) {
			a.Google.ServiceAccountKey, a.Google.ServiceAccountKeyID = key.Name.ValueString(), key.Key.ValueString()
		}
	case as(m.GenericOIDC, &oi):
		a.Type, a.ClientID = authvalues.GenericOIDC, oi.ClientID.ValueString()
		a.OIDC = &authvalues.OIDCSettings{
			Issuer: oi.Issuer.ValueString(), AuthorizeURL: oi.AuthorizeURL.ValueString(), TokenURL: oi.TokenURL.ValueString(),
			UserdataURL: oi.UserdataURL.ValueString(), UsernameClaim: oi.UsernameClaim.ValueString(),
			GroupsClaim: oi.GroupsClaim.ValueString(), AllowedGroups: stringSet(ctx, oi.AllowedGroups, &diags),
			AdminGroups: stringSet(ctx, oi.AdminGroups, &diags), LoginService: oi.LoginService.ValueString(),
		}
		if !oi.Scopes.IsNull() {
			diags.Append(oi.Scopes.ElementsAs(ctx, &a.OIDC.Scopes, false)...)
		}
	case !m.Dummy.IsNull():
		a.Type = authvalues.Dummy
	}
	var ref secretRefModel
	switch {
	case a.Type == authvalues.Dummy:
	case as(m.ClientSecretRef, &ref):
		a.SecretName, a.SecretKey = ref.Name.ValueString(), ref.Key.ValueString()
	default:
		a.SecretName, a.SecretKey = authstore.ObjectName(m.Name.ValueString()), authstore.SecretKey
	}
	return a, diags
}

// setFromAuth writes settings read back from the cluster into the model.
func (m *authModel) setFromAuth(ctx context.Context, a authvalues.Auth) diag.Diagnostics {
	var diags diag.Diagnostics
	obj := func(attrTypes map[string]attr.Type, v any) types.Object {
		o, d := types.ObjectValueFrom(ctx, attrTypes, v)
		diags.Append(d...)
		return o
	}
	m.Domain = optString(a.Domain)
	m.AllowedUsers, m.AdminUsers = optStringSet(a.AllowedUsers), optStringSet(a.AdminUsers)
	m.AllowAll = types.BoolValue(a.AllowAll)
	m.GitHub, m.CILogon, m.Google = types.ObjectNull(githubAttrTypes), types.ObjectNull(cilogonAttrTypes), types.ObjectNull(googleAttrTypes)
	m.GenericOIDC, m.Dummy = types.ObjectNull(oidcAttrTypes), types.ObjectNull(dummyAttrTypes)
	switch a.Type {
	case authvalues.GitHub:
		m.GitHub = obj(githubAttrTypes, githubModel{ClientID: optString(a.ClientID),
			AllowedOrganizations: optStringSet(a.GitHub.AllowedOrganizations), AllowedTeams: optStringSet(a.GitHub.AllowedTeams)})
	case authvalues.CILogon:
		var idps []idpModel
		for _, idp := range a.CILogon.IdentityProviders {
			idps = append(idps, idpModel{EntityID: optString(idp.EntityID), UsernameClaim: optString(idp.UsernameClaim),
				StripDomain: optString(idp.StripDomain), Prefix: optString(idp.Prefix), AllowedDomains: optStringSet(idp.AllowedDomains),
				AllowAll: types.BoolValue(idp.AllowAll), Default: types.BoolValue(idp.Default)})
		}
		list, d := types.ListValueFrom(ctx, idpType, idps)
		diags.Append(d...)
		m.CILogon = obj(cilogonAttrTypes, cilogonModel{ClientID: optString(a.ClientID), IdentityProviders: list})
	case authvalues.Google:
		key := types.ObjectNull(secretRefAttrTypes)
		if a.Google.ServiceAccountKey != "" {
			key = obj(secretRefAttrTypes, secretRefModel{Name: optString(a.Google.ServiceAccountKey), Key: optString(a.Google.ServiceAccountKeyID)})
		}
		m.Google = obj(googleAttrTypes, googleModel{ClientID: optString(a.ClientID), AllowedDomains: optStringSet(a.Google.AllowedDomains),
			AllowedGroups: optStringSet(a.Google.AllowedGroups), AdminGroups: optStringSet(a.Google.AdminGroups),
			GroupsAdminEmail: optString(a.Google.GroupsAdminEmail), ServiceAccountKeySecret: key})
	case authvalues.GenericOIDC:
		o := a.OIDC
		scopes := types.ListNull(types.StringType)
		if o.Scopes != nil {
			var d diag.Diagnostics
			scopes, d = types.ListValueFrom(ctx, types.StringType, o.Scopes)
			diags.Append(d...)
		}
		m.GenericOIDC = obj(oidcAttrTypes, oidcModel{ClientID: optString(a.ClientID), Issuer: optString(o.Issuer),
			AuthorizeURL: optString(o.AuthorizeURL), TokenURL: optString(o.TokenURL), UserdataURL: optString(o.UserdataURL),
			UsernameClaim: optString(o.UsernameClaim), Scopes: scopes, GroupsClaim: optString(o.GroupsClaim),
			AllowedGroups: optStringSet(o.AllowedGroups), AdminGroups: optStringSet(o.AdminGroups), LoginService: optString(o.LoginService)})
	case authvalues.Dummy:
		m.Dummy = obj(dummyAttrTypes, struct{}{})
	}
	m.ClientSecretRef = types.ObjectNull(secretRefAttrTypes)
	if a.Type != authvalues.Dummy && a.SecretName != authstore.ObjectName(m.Name.ValueString()) {
		m.ClientSecretRef = obj(secretRefAttrTypes, secretRefModel{Name: optString(a.SecretName), Key: optString(a.SecretKey)})
	}
	return diags
}
