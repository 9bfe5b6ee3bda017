package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/fingerprint"
	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/hubvalues"
)

// The hub's secret values: the write-only secret_values_wo, written to the
// provider's Secret at apply and fingerprinted at plan, or a referenced
// Secret, checked when the release changes.

// secretValuesWO reads the write-only secret values from the configuration,
// the only place Terraform ever passes them.
func secretValuesWO(ctx context.Context, config tfsdk.Config, diags *diag.Diagnostics) types.String {
	var wo types.String
	diags.Append(config.GetAttribute(ctx, path.Root("secret_values_wo"), &wo)...)
	return wo
}

// pendingSecretValuesChecksum stands in for a fingerprint the apply makes
// (a new hub, or one migrating from the salted hash), so that the values
// are still rendered and checked at plan.
var pendingSecretValuesChecksum = strings.Repeat("0", 64)

// planSecretValuesChecksum fingerprints the write-only secret values with
// the hub's fingerprint key (package fingerprint), so a change shows in the
// plan (as a new checksum) and restarts the hub. The key is read from the
// cluster, one read per plan of a hub with secret_values_wo; until the first
// apply makes it, the checksum is known only after apply.
func (r *HubResource) planSecretValuesChecksum(ctx context.Context, wo types.String, plan, state *hubModel, diags *diag.Diagnostics) types.String {
	switch {
	case wo.IsNull():
		return types.StringNull()
	case wo.IsUnknown() || plan.Namespace.IsUnknown() || plan.Name.IsUnknown() || r.data.conn.Unknown():
		return types.StringUnknown()
	}
	client, err := r.data.releaseClient()
	if err != nil {
		return types.StringUnknown() // reported where the cluster is needed
	}
	ns, name := plan.Namespace.ValueString(), plan.Name.ValueString()
	key, found, err := client.SecretKey(ctx, ns, hubvalues.ManagedSecretValues, fingerprint.DataKey)
	switch {
	case err != nil:
		return types.StringUnknown()
	case !found || len(key) == 0:
		if prior := state.SecretValuesChecksum.ValueString(); prior != "" {
			diags.AddAttributeWarning(path.Root("secret_values_checksum"), "The secret values' fingerprint will be replaced",
				fmt.Sprintf("Hub %s/%s has no fingerprint key yet: it was made by a provider version that fingerprinted secret_values_wo "+
					"with a salted SHA-256, which anyone who can read the state could test guesses against. This apply replaces that with an "+
					"HMAC keyed by a random key kept in Secret %s/%s, and the hub restarts once.", ns, name, ns, hubvalues.ManagedSecretValues))
		}
		return types.StringUnknown()
	}
	return types.StringValue(fingerprint.Sum(key, wo.ValueString()))
}

// saveSecretValues writes the write-only secret values to the provider's
// Secret before the release that reads it is applied, with the fingerprint
// key beside them (made once, then kept), and fills m's checksum.
func (r *HubResource) saveSecretValues(ctx context.Context, wo types.String, m *hubModel, diags *diag.Diagnostics) {
	if wo.IsNull() || wo.IsUnknown() {
		return
	}
	client := r.client(diags)
	if client == nil {
		return
	}
	ns, name := m.Namespace.ValueString(), m.Name.ValueString()
	var key []byte
	err := client.UpdateSecret(ctx, ns, name, hubvalues.ManagedSecretValues, func(data map[string][]byte) error {
		data[hubvalues.SecretValuesKey] = []byte(wo.ValueString())
		var err error
		key, err = fingerprint.Ensure(data)
		return err
	})
	if err != nil {
		addAttrError(diags, path.Root("secret_values_wo"), "Cannot write the hub's secret values", err.Error())
		return
	}
	sum := types.StringValue(fingerprint.Sum(key, wo.ValueString()))
	if !m.SecretValuesChecksum.IsUnknown() && !m.SecretValuesChecksum.Equal(sum) {
		addAttrError(diags, path.Root("secret_values_wo"), "The hub's fingerprint key changed since the plan",
			fmt.Sprintf("Secret %s/%s holds another fingerprint key than the plan saw (it was deleted or replaced meanwhile). Run plan again.",
				ns, hubvalues.ManagedSecretValues))
		return
	}
	m.SecretValuesChecksum = sum
}

// deleteSecretValues removes the provider's Secret once no release reads it.
func (r *HubResource) deleteSecretValues(ctx context.Context, m *hubModel, diags *diag.Diagnostics) {
	client := r.client(diags)
	if client == nil {
		return
	}
	if err := client.DeleteSecret(ctx, m.Namespace.ValueString(), m.Name.ValueString(), hubvalues.ManagedSecretValues); err != nil {
		diags.AddWarning("Secret values left behind",
			fmt.Sprintf("Could not delete Secret %s/%s, which the hub no longer reads: %v. Delete it by hand.", m.Namespace.ValueString(), hubvalues.ManagedSecretValues, err))
	}
}

// checkSecretValuesRef checks the referenced Secret: at plan a missing one
// only warns (it may be created in the same apply), at apply it fails, since
// the hub could not start without it.
func (r *HubResource) checkSecretValuesRef(ctx context.Context, h hubvalues.Hub, m *hubModel, atApply bool, diags *diag.Diagnostics) {
	if h.SecretValuesRef == nil || r.data.conn.Unknown() {
		return
	}
	client, err := r.data.releaseClient()
	if err != nil {
		return // reported where the cluster is needed
	}
	ns, secret := m.Namespace.ValueString(), h.SecretValuesRef.Name
	at := path.Root("secret_values_ref").AtName("name")
	doc, found, err := client.SecretKey(ctx, ns, secret, hubvalues.SecretValuesKey)
	switch {
	case err != nil:
		diags.AddAttributeWarning(at, "Secret values not checked", fmt.Sprintf("Could not read Secret %s/%s: %v.", ns, secret, err))
	case !found && atApply:
		addAttrError(diags, at, "Secret values not found",
			fmt.Sprintf("Secret %s/%s with key %q does not exist; the hub could not start without it. Create it first "+
				"(a kubernetes_secret_v1 the hub depends on), or give the values in secret_values_wo.", ns, secret, hubvalues.SecretValuesKey))
	case !found:
		diags.AddAttributeWarning(at, "Secret values not found yet",
			fmt.Sprintf("Secret %s/%s with key %q does not exist yet. It must exist before the hub is applied: "+
				"make the hub depend on the resource that creates it.", ns, secret, hubvalues.SecretValuesKey))
	default:
		if err := hubvalues.CheckSecretValues(string(doc)); err != nil {
			addAttrError(diags, at, "Secret values not usable", fmt.Sprintf("Secret %s/%s, key %q: %v.", ns, secret, hubvalues.SecretValuesKey, err))
		}
	}
}
