package provider

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/authvalues"
	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/imagebuild"
	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/kubeconn"
	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/release"
)

// providerData is what Configure hands to every resource and data source:
// one lazily built connection and release client, and one chart cache, shared
// by all of them.
type providerData struct {
	conn    *kubeconn.Connection
	charts  *release.ChartCache
	oidc    authvalues.Discoverer
	version string
	// registry answers whether the images a hub names exist.
	registry imagebuild.Registry
	// schemas holds compiled chart values schemas by their SHA-256.
	schemas sync.Map
	// gke, when the provider is told the cluster is a GKE cluster, reads its node pools.
	gke *gkeCluster

	releasesOnce sync.Once
	releases     *release.Client
	releasesErr  error
}

// releaseClient returns the shared Helm release client, connecting on first use.
func (d *providerData) releaseClient() (*release.Client, error) {
	d.releasesOnce.Do(func() {
		cfg, err := d.conn.RESTConfig()
		if err != nil {
			d.releasesErr = err
			return
		}
		cs, err := d.conn.Clientset()
		if err != nil {
			d.releasesErr = err
			return
		}
		d.releases, d.releasesErr = release.New(cfg, cs)
	})
	return d.releases, d.releasesErr
}

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

// addAttrError reports a problem at an attribute and names the attribute in
// the summary too: the CLI shows the source line only for top-level
// attributes, so for profiles[1].memory_limit the name is the pointer.
func addAttrError(diags *diag.Diagnostics, p path.Path, summary, detail string) {
	if s := p.String(); s != "" {
		summary += " at " + s
	}
	diags.AddAttributeError(p, summary, detail)
}

// idAttribute is the computed `<namespace>/<name>` ID of namespaced resources.
func idAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		Computed:            true,
		MarkdownDescription: "`<namespace>/<name>`, the import ID.",
		PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
}

// importNamespaced takes an import ID `<namespace>/<name>` into state; Read
// fills in the rest.
func importNamespaced(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse, example string) (ok bool) {
	ns, name, found := strings.Cut(req.ID, "/")
	if !found || ns == "" || name == "" || strings.Contains(name, "/") {
		resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf("Expected <namespace>/<name>, e.g. %s; got %q.", example, req.ID))
		return false
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("namespace"), ns)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), name)...)
	return !resp.Diagnostics.HasError()
}
