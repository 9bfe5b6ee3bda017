package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

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

// planSecretValuesChecksum fingerprints the write-only secret values, so a
// change shows in the plan (as a new checksum) and restarts the hub.
func planSecretValuesChecksum(wo types.String, m *hubModel) types.String {
	switch {
	case wo.IsNull():
		return types.StringNull()
	case wo.IsUnknown() || m.Namespace.IsUnknown() || m.Name.IsUnknown():
		return types.StringUnknown()
	}
	return types.StringValue(secretValuesFingerprint(m.Namespace.ValueString(), m.Name.ValueString(), wo.ValueString()))
}

// saveSecretValues writes the write-only secret values to the provider's
// Secret before the release that reads it is applied.
func (r *HubResource) saveSecretValues(ctx context.Context, wo types.String, m *hubModel, diags *diag.Diagnostics) {
	if wo.IsNull() || wo.IsUnknown() {
		return
	}
	client := r.client(diags)
	if client == nil {
		return
	}
	ns, name := m.Namespace.ValueString(), m.Name.ValueString()
	if err := client.SaveSecret(ctx, ns, name, hubvalues.ManagedSecretValues, map[string][]byte{hubvalues.SecretValuesKey: []byte(wo.ValueString())}); err != nil {
		addAttrError(diags, path.Root("secret_values_wo"), "Cannot write the hub's secret values", err.Error())
	}
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

// secretValuesFingerprint is computed at plan, without the cluster, so it is
// a hash salted by the hub's address, not yet the HMAC keyed in a Secret that
// twoi2chub_auth's client secret has (authstore.Checksum).
func secretValuesFingerprint(namespace, name, values string) string {
	sum := sha256.Sum256([]byte(namespace + "/" + name + "\x00" + values))
	return hex.EncodeToString(sum[:])
}
