package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/kubeconn"
)

// providerDataFrom unpacks what Configure handed over. It returns nil before
// the provider is configured (Terraform validates configs that early).
func providerDataFrom(data any, diags *diag.Diagnostics) *providerData {
	if data == nil {
		return nil
	}
	pd, ok := data.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data", fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider.", data))
		return nil
	}
	return pd
}

// addConnectionError reports a failure to reach or use the cluster as one
// diagnostic naming the host and what to fix.
func addConnectionError(diags *diag.Diagnostics, conn *kubeconn.Connection, err error) {
	e := kubeconn.Explain(err, conn.Host())
	diags.AddError(e.Summary, e.Detail)
}
