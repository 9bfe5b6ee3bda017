package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/authstore"
	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/authvalues"
)

var (
	_ resource.ResourceWithConfigure      = &AuthResource{}
	_ resource.ResourceWithImportState    = &AuthResource{}
	_ resource.ResourceWithModifyPlan     = &AuthResource{}
	_ resource.ResourceWithValidateConfig = &AuthResource{}
)

// AuthResource is twoi2chub_auth: who may log in to a hub.
type AuthResource struct {
	data *providerData
}

// NewAuthResource is the constructor the provider registers.
func NewAuthResource() resource.Resource { return &AuthResource{} }

func (r *AuthResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_auth"
}

func (r *AuthResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// storedAuth is what the auth's ConfigMap holds: the settings as written
// (an OIDC issuer, not what it resolved to) and the endpoints discovered.
type storedAuth struct {
	Settings  authvalues.Auth       `json:"settings"`
	Endpoints *authvalues.Endpoints `json:"endpoints,omitempty"`
}

// resolve fills in discovered endpoints for rendering.
func resolve(a authvalues.Auth, e *authvalues.Endpoints) authvalues.Auth {
	if a.OIDC != nil && e != nil {
		o := *a.OIDC
		o.AuthorizeURL, o.TokenURL, o.UserdataURL = e.Authorize, e.Token, e.Userinfo
		a.OIDC = &o
	}
	return a
}

func hubConfigJSON(a authvalues.Auth) (string, error) {
	data, err := json.Marshal(authvalues.Render(a))
	return string(data), err
}

// prepare checks the settings and discovers endpoints: what plan and apply share.
func (r *AuthResource) prepare(ctx context.Context, m *authModel, woSet bool, diags *diag.Diagnostics) (authvalues.Auth, *authvalues.Endpoints, bool) {
	a, d := m.toAuth(ctx)
	diags.Append(d...)
	if diags.HasError() {
		return a, nil, false
	}
	checkAuth(m, a, woSet, diags)
	if diags.HasError() {
		return a, nil, false
	}
	var endpoints *authvalues.Endpoints
	if a.OIDC != nil && a.OIDC.Issuer != "" {
		e, err := r.data.oidc.Endpoints(ctx, a.OIDC.Issuer)
		if err != nil {
			addAttrError(diags, path.Root("generic_oidc").AtName("issuer"), "OpenID Connect discovery failed",
				fmt.Sprintf("%v. Check the issuer URL, or give authorize_url, token_url and userdata_url instead.", err))
			return a, nil, false
		}
		endpoints = &e
	}
	return a, endpoints, true
}

// checkAuth finds settings that do not work together; it needs no cluster
// and no network, so `terraform validate` runs it too.
func checkAuth(m *authModel, a authvalues.Auth, woSet bool, diags *diag.Diagnostics) {
	for _, p := range authvalues.Check(a) {
		addAttrError(diags, attrPath(p.Attr), p.Summary, p.Detail)
	}
	hasRef := !m.ClientSecretRef.IsNull()
	switch {
	case a.Type == authvalues.Dummy && (hasRef || woSet):
		addAttrError(diags, path.Root("dummy"), "No secret for dummy", "The dummy authenticator has no client secret: remove client_secret_ref / client_secret_wo.")
	case a.Type != authvalues.Dummy && !hasRef && !woSet:
		addAttrError(diags, path.Root("client_secret_ref"), "Missing client secret",
			"Give the OAuth client secret as client_secret_ref (a Secret in the namespace; any Terraform version) or client_secret_wo (write-only; Terraform or OpenTofu 1.11+).")
	}
}

// ValidateConfig runs the cross-field checks as soon as the settings are
// known, before any provider configuration or cluster exists.
func (r *AuthResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m authModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || !m.settingsKnown() {
		return
	}
	a, d := m.toAuth(ctx)
	if d.HasError() {
		return // the attributes' own validators report these
	}
	// An unknown write-only value (an ephemeral variable) is still given.
	checkAuth(&m, a, !m.ClientSecretWO.IsNull(), &resp.Diagnostics)
}

func (r *AuthResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.data == nil {
		return
	}
	var plan authModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	var wo types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("client_secret_wo"), &wo)...)
	if resp.Diagnostics.HasError() {
		return
	}
	plan.ClientSecretChecksum, plan.HubConfig, plan.CallbackURL, plan.SecretName = types.StringUnknown(), types.StringUnknown(), types.StringUnknown(), types.StringUnknown()
	if !plan.Name.IsUnknown() && !plan.Namespace.IsUnknown() {
		plan.ID = types.StringValue(plan.Namespace.ValueString() + "/" + plan.Name.ValueString())
	}
	if plan.settingsKnown() && !wo.IsUnknown() {
		var prior types.String
		if !req.State.Raw.IsNull() {
			resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("client_secret_checksum"), &prior)...)
		}
		a, endpoints, ok := r.prepare(ctx, &plan, !wo.IsNull(), &resp.Diagnostics)
		if !ok {
			return
		}
		plan.CallbackURL = optString(authvalues.CallbackURL(a.Domain))
		plan.SecretName = optString(a.SecretName)
		switch {
		case a.Type == authvalues.Dummy:
			plan.ClientSecretChecksum = types.StringNull()
			resp.Diagnostics.AddAttributeWarning(path.Root("dummy"), "Anyone can log in",
				"The dummy authenticator accepts any user name. Use it for testing only.")
		default:
			// The fingerprint key is read when the cluster is reachable and
			// the auth exists; a first apply creates it, and a referenced
			// Secret created in the same apply is read then.
			key, keyFound, keyRead := r.fingerprintKey(ctx, &plan)
			switch {
			case !keyFound:
				if keyRead && prior.ValueString() != "" {
					resp.Diagnostics.AddWarning("The client secret's fingerprint will be replaced",
						fmt.Sprintf("Auth %s/%s has no fingerprint key yet: it was made by a provider version that fingerprinted the client secret "+
							"with a plain SHA-256, which anyone who can read the state could test guesses against. This apply replaces that with an "+
							"HMAC keyed by a random key kept in Secret %s/%s, and the hubs using this auth restart once.",
							plan.Namespace.ValueString(), plan.Name.ValueString(), plan.Namespace.ValueString(), authstore.ObjectName(plan.Name.ValueString())))
				}
			case !wo.IsNull():
				plan.ClientSecretChecksum = types.StringValue(authstore.Checksum(key, wo.ValueString()))
			default:
				if sum, ok := r.referencedChecksum(ctx, &plan, a, key); ok {
					plan.ClientSecretChecksum = types.StringValue(sum)
				}
			}
		}
		if !plan.ClientSecretChecksum.IsUnknown() {
			a.SecretChecksum = plan.ClientSecretChecksum.ValueString()
			cfg, err := hubConfigJSON(resolve(a, endpoints))
			if err != nil {
				resp.Diagnostics.AddError("Cannot render the auth", err.Error())
				return
			}
			plan.HubConfig = types.StringValue(cfg)
		}
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// fingerprintKey reads the auth's fingerprint key during plan; read is
// false when the cluster cannot be read now.
func (r *AuthResource) fingerprintKey(ctx context.Context, m *authModel) (key []byte, found, read bool) {
	if r.data.conn.Unknown() {
		return nil, false, false
	}
	cs, err := r.data.conn.Clientset()
	if err != nil {
		return nil, false, false
	}
	key, found, err = authstore.FingerprintKeyOf(ctx, cs, m.Namespace.ValueString(), m.Name.ValueString())
	return key, err == nil && found, err == nil
}

// referencedChecksum fingerprints a referenced Secret during plan, if it can
// be read now.
func (r *AuthResource) referencedChecksum(ctx context.Context, m *authModel, a authvalues.Auth, key []byte) (string, bool) {
	cs, err := r.data.conn.Clientset()
	if err != nil {
		return "", false
	}
	sum, found, err := authstore.SecretChecksum(ctx, cs, m.Namespace.ValueString(), a.SecretName, a.SecretKey, key)
	return sum, err == nil && found
}

func (r *AuthResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	r.apply(ctx, req.Plan, req.Config, &resp.State, &resp.Diagnostics)
}

func (r *AuthResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	r.apply(ctx, req.Plan, req.Config, &resp.State, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		resp.State.Raw = req.State.Raw
	}
}

type planGetter interface {
	Get(context.Context, any) diag.Diagnostics
}

type configAttrGetter interface {
	GetAttribute(context.Context, path.Path, any) diag.Diagnostics
}

type stateSetter interface {
	Set(context.Context, any) diag.Diagnostics
}

// apply writes the secret (write-only mode) and the settings, then fills the
// computed attributes.
func (r *AuthResource) apply(ctx context.Context, planIn planGetter, config configAttrGetter, state stateSetter, diags *diag.Diagnostics) {
	var plan authModel
	diags.Append(planIn.Get(ctx, &plan)...)
	var wo types.String
	diags.Append(config.GetAttribute(ctx, path.Root("client_secret_wo"), &wo)...)
	if diags.HasError() {
		return
	}
	a, endpoints, ok := r.prepare(ctx, &plan, !wo.IsNull(), diags)
	if !ok {
		return
	}
	cs, err := r.data.conn.Clientset()
	if err != nil {
		addConnectionError(diags, r.data.conn, err)
		return
	}
	ns, name := plan.Namespace.ValueString(), plan.Name.ValueString()
	if err := authstore.EnsureNamespace(ctx, cs, ns); err != nil {
		addConnectionError(diags, r.data.conn, err)
		return
	}
	checksum := types.StringNull()
	var key []byte
	if a.Type != authvalues.Dummy {
		if key, err = authstore.EnsureFingerprintKey(ctx, cs, ns, name); err != nil {
			addConnectionError(diags, r.data.conn, err)
			return
		}
	}
	switch {
	case a.Type == authvalues.Dummy:
	case !wo.IsNull():
		if err := authstore.SaveSecret(ctx, cs, ns, name, wo.ValueString()); err != nil {
			addConnectionError(diags, r.data.conn, err)
			return
		}
		checksum = types.StringValue(authstore.Checksum(key, wo.ValueString()))
	default:
		sum, found, err := authstore.SecretChecksum(ctx, cs, ns, a.SecretName, a.SecretKey, key)
		if err != nil {
			addConnectionError(diags, r.data.conn, err)
			return
		}
		if !found {
			addAttrError(diags, path.Root("client_secret_ref"), "Client secret not found",
				fmt.Sprintf("Secret %s/%s has no key %q. Create it first, e.g. `kubectl -n %s create secret generic %s --from-literal=%s=...`.",
					ns, a.SecretName, a.SecretKey, ns, a.SecretName, a.SecretKey))
			return
		}
		checksum = types.StringValue(sum)
	}
	if !plan.ClientSecretChecksum.IsUnknown() && !plan.ClientSecretChecksum.Equal(checksum) {
		diags.AddError("The client secret changed since the plan",
			fmt.Sprintf("Secret %s/%s no longer holds what the plan saw. Run plan again.", ns, a.SecretName))
		return
	}
	a.SecretChecksum = checksum.ValueString()
	cfg, err := hubConfigJSON(resolve(a, endpoints))
	if err != nil {
		diags.AddError("Cannot render the auth", err.Error())
		return
	}
	stored := storedAuth{Settings: a, Endpoints: endpoints}
	stored.Settings.SecretChecksum = ""
	data, err := json.Marshal(stored)
	if err == nil {
		err = authstore.SaveSettings(ctx, cs, ns, name, data)
	}
	if err != nil {
		addConnectionError(diags, r.data.conn, err)
		return
	}
	plan.ID = types.StringValue(ns + "/" + name)
	plan.CallbackURL = optString(authvalues.CallbackURL(a.Domain))
	plan.SecretName = optString(a.SecretName)
	plan.ClientSecretChecksum = checksum
	plan.HubConfig = types.StringValue(cfg)
	plan.ClientSecretWO = types.StringNull() // write-only: never stored
	diags.Append(state.Set(ctx, &plan)...)
}

func (r *AuthResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state authModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	cs, err := r.data.conn.Clientset()
	if err != nil {
		addConnectionError(&resp.Diagnostics, r.data.conn, err)
		return
	}
	ns, name := state.Namespace.ValueString(), state.Name.ValueString()
	data, found, err := authstore.LoadSettings(ctx, cs, ns, name)
	if err != nil {
		addConnectionError(&resp.Diagnostics, r.data.conn, err)
		return
	}
	if !found {
		resp.State.RemoveResource(ctx)
		return
	}
	var stored storedAuth
	if err := json.Unmarshal(data, &stored); err != nil {
		resp.Diagnostics.AddError("Cannot read the auth's settings", fmt.Sprintf("ConfigMap %s/%s: %v", ns, authstore.ObjectName(name), err))
		return
	}
	current, d := state.toAuth(ctx)
	resp.Diagnostics.Append(d...)
	if !reflect.DeepEqual(normalizeAuth(current), normalizeAuth(stored.Settings)) {
		// Changed outside Terraform (or being imported): show what is there.
		resp.Diagnostics.Append(state.setFromAuth(ctx, stored.Settings)...)
	}
	a := stored.Settings
	state.ID = types.StringValue(ns + "/" + name)
	state.CallbackURL = optString(authvalues.CallbackURL(a.Domain))
	state.SecretName = optString(a.SecretName)
	prior := state.ClientSecretChecksum
	state.ClientSecretChecksum = types.StringNull()
	if a.Type != authvalues.Dummy {
		key, keyFound, err := authstore.FingerprintKeyOf(ctx, cs, ns, name)
		sum, found := "", false
		if err == nil && keyFound {
			sum, found, err = authstore.SecretChecksum(ctx, cs, ns, a.SecretName, a.SecretKey, key)
		}
		if err != nil {
			addConnectionError(&resp.Diagnostics, r.data.conn, err)
			return
		}
		if !keyFound && !prior.IsNull() && !prior.IsUnknown() {
			// Made before fingerprints were keyed: the next plan re-keys it.
			sum, found = prior.ValueString(), true
		}
		if found {
			state.ClientSecretChecksum = types.StringValue(sum)
			a.SecretChecksum = sum
		}
	}
	cfg, err := hubConfigJSON(resolve(a, stored.Endpoints))
	if err != nil {
		resp.Diagnostics.AddError("Cannot render the auth", err.Error())
		return
	}
	state.HubConfig = types.StringValue(cfg)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// normalizeAuth makes stored and state-derived settings comparable.
func normalizeAuth(a authvalues.Auth) authvalues.Auth {
	a.SecretChecksum = ""
	data, _ := json.Marshal(a)
	var out authvalues.Auth
	_ = json.Unmarshal(data, &out)
	return out
}

func (r *AuthResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state authModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	cs, err := r.data.conn.Clientset()
	if err != nil {
		addConnectionError(&resp.Diagnostics, r.data.conn, err)
		return
	}
	if err := authstore.Delete(ctx, cs, state.Namespace.ValueString(), state.Name.ValueString()); err != nil {
		addConnectionError(&resp.Diagnostics, r.data.conn, err)
	}
}

func (r *AuthResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if !importNamespaced(ctx, req, resp, "hackweek/github") {
		return
	}
}
