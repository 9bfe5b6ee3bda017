package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	"helm.sh/helm/v3/pkg/chart"
	helmrelease "helm.sh/helm/v3/pkg/release"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/hubvalues"
	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/release"
	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/supportvalues"
	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/validate"
)

var (
	_ resource.ResourceWithConfigure   = &ClusterSupportResource{}
	_ resource.ResourceWithModifyPlan  = &ClusterSupportResource{}
	_ resource.ResourceWithImportState = &ClusterSupportResource{}
)

// ClusterSupportResource is twoi2chub_cluster_support: the cluster-wide
// services hubs rely on, one Helm release each (see supportvalues).
type ClusterSupportResource struct {
	data *providerData
}

// NewClusterSupportResource is the constructor the provider registers.
func NewClusterSupportResource() resource.Resource { return &ClusterSupportResource{} }

func (r *ClusterSupportResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_cluster_support"
}

func (r *ClusterSupportResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// plannedRelease is a component's release with its chart and values' checksum.
type plannedRelease struct {
	supportvalues.Release
	chart    *chart.Chart
	checksum string
}

// prepare renders the settings, loads each component's chart and validates
// its values against the chart's schema. Problems are reported at attributes.
func (r *ClusterSupportResource) prepare(ctx context.Context, m *clusterSupportModel, diags *diag.Diagnostics) (supportvalues.Support, []plannedRelease) {
	s, d := m.toSupport(ctx)
	if diags.Append(d...); diags.HasError() {
		return s, nil
	}
	for _, p := range supportvalues.Check(s) {
		addAttrError(diags, attrPath(p.Attr), p.Summary, p.Detail)
	}
	releases, err := supportvalues.Render(s)
	if err != nil {
		diags.AddError("Cannot render the support services' values", err.Error())
	}
	if diags.HasError() {
		return s, nil
	}
	var out []plannedRelease
	for _, rel := range releases {
		src := release.ChartSource{Repository: rel.Repository, Name: rel.Component.Name, Version: rel.Version}
		ch, err := r.data.charts.Load(ctx, src)
		if err != nil {
			addAttrError(diags, path.Root(rel.Component.Attr).AtName("chart_version"), "Cannot load the "+rel.Component.Name+" chart",
				fmt.Sprintf("%v. Check %s.chart_repository and chart_version.", err, rel.Component.Attr))
			continue
		}
		if ch.Schema != nil {
			schema, err := r.data.compiledSchema(ch)
			if err != nil {
				diags.AddError("The "+rel.Component.Name+" chart's values schema is not usable", err.Error())
				continue
			}
			for _, issue := range schema.Validate(hubvalues.Coalesce(ch.Values, rel.Values)) {
				addAttrError(diags, attrPath(rel.AttrFor(issue.Pointer)), "Value rejected by the chart's schema",
					fmt.Sprintf("The chart %s %s rejects the value at %s: %s.", ch.Metadata.Name, ch.Metadata.Version, issue.Pointer, issue.Message))
			}
		}
		out = append(out, plannedRelease{Release: rel, chart: ch, checksum: hubvalues.Checksum(rel.Values)})
	}
	return s, out
}

// changed reports whether a planned release differs from what state holds.
func (p *plannedRelease) changed(prior map[string]supportRelease) bool {
	was, ok := prior[p.Component.Name]
	return !ok || was.ValuesChecksum != p.checksum || was.ChartVersion != p.Version || was.Status != statusDeployed
}

func (r *ClusterSupportResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.data == nil {
		return
	}
	var plan, state clusterSupportModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	creating := req.State.Raw.IsNull()
	if !creating {
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	plan.ID = plan.Namespace
	unknownAll := func() {
		plan.Releases, plan.IngressAddress, plan.GrafanaURL = types.MapUnknown(supportReleaseType), types.StringUnknown(), types.StringUnknown()
		plan.GrafanaAdminSecret, plan.ClusterIssuers, plan.CRDsVersion = types.StringUnknown(), types.ListUnknown(types.StringType), types.StringUnknown()
	}
	if !plan.settingsKnown() {
		unknownAll()
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		return
	}
	s, planned := r.prepare(ctx, &plan, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	prior := state.releasesOf()
	next := map[string]supportRelease{}
	for i := range planned {
		p := &planned[i]
		rel := supportRelease{ChartVersion: p.Version, AppVersion: p.chart.Metadata.AppVersion, Status: statusDeployed, ValuesChecksum: p.checksum}
		if !p.changed(prior) {
			rel.Revision = prior[p.Component.Name].Revision
		} else {
			// What the schema cannot see, only when this release changes.
			r.checkManifests(ctx, plan.Namespace.ValueString(), p, &resp.Diagnostics)
		}
		next[p.Component.Name] = rel
	}
	plan.Releases = releasesValue(next)

	plan.IngressAddress = types.StringNull()
	if s.IngressNginx != nil {
		if p, ok := next[supportvalues.IngressNginxName]; ok && !creating && p.Revision != nil {
			// Unchanged release: the address is what the last refresh read.
			plan.IngressAddress = state.IngressAddress
		} else {
			plan.IngressAddress = types.StringUnknown()
		}
	}
	plan.GrafanaURL, plan.GrafanaAdminSecret = types.StringNull(), types.StringNull()
	if g := s.Grafana; g != nil {
		if u := g.URL(); u != "" {
			plan.GrafanaURL = types.StringValue(u)
		}
		plan.GrafanaAdminSecret = types.StringValue(s.Namespace + "/" + supportvalues.GrafanaAdminSecret)
	}
	plan.ClusterIssuers = types.ListNull(types.StringType)
	switch {
	case s.CertManager != nil:
		plan.ClusterIssuers = types.ListValueMust(types.StringType, []attr.Value{
			types.StringValue(supportvalues.ProductionIssuer), types.StringValue(supportvalues.StagingIssuer)})
		plan.CRDsVersion = types.StringValue(next[supportvalues.CertManagerName].ChartVersion)
	case creating:
		plan.CRDsVersion = types.StringNull()
	default:
		plan.CRDsVersion = state.CRDsVersion // kept in the cluster without cert-manager
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// checkManifests renders a changed release's templates, as Helm will, and
// looks up the cluster-wide objects it would create that another release owns.
func (r *ClusterSupportResource) checkManifests(ctx context.Context, ns string, p *plannedRelease, diags *diag.Diagnostics) {
	manifests, err := release.Render(p.chart, p.Values, ns, p.Component.Name)
	if err != nil {
		addAttrError(diags, path.Root(p.Component.Attr), "The "+p.Component.Name+" chart cannot be rendered with these settings",
			fmt.Sprintf("%v\n\nNothing was changed in the cluster: check %s.extra_values.", err, p.Component.Attr))
		return
	}
	objects := manifests.ClusterScoped()
	if len(objects) == 0 || r.data.conn.Unknown() {
		return
	}
	client, err := r.data.releaseClient()
	if err != nil {
		return
	}
	collisions, err := client.Collisions(ctx, ns, p.Component.Name, objects)
	if err != nil {
		diags.AddAttributeWarning(path.Root(p.Component.Attr), "Cluster-wide names not checked",
			fmt.Sprintf("Could not read the cluster to check that %s's cluster-wide objects are free: %v.", p.Component.Name, err))
		return
	}
	for _, c := range collisions {
		addAttrError(diags, path.Root(p.Component.Attr), p.Component.Name+" is already installed in this cluster",
			fmt.Sprintf("%s, which the %s release in namespace %s would create, exists already: %s. A cluster has one %s: "+
				"remove the other installation, or leave %s out of this resource.", c.Object, p.Component.Name, ns, c, p.Component.Name, p.Component.Attr))
	}
}

func (r *ClusterSupportResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan clusterSupportModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := plan.Timeouts.Create(ctx, defaultApplyTimeout)
	if resp.Diagnostics.Append(d...); resp.Diagnostics.HasError() {
		return
	}
	r.apply(withLog(ctx), &plan, nil, timeout, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *ClusterSupportResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state clusterSupportModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := plan.Timeouts.Update(ctx, defaultApplyTimeout)
	if resp.Diagnostics.Append(d...); resp.Diagnostics.HasError() {
		return
	}
	r.apply(withLog(ctx), &plan, &state, timeout, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		// Failed releases were rolled back: state keeps the last good configuration.
		resp.State.Raw = req.State.Raw
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// apply brings the cluster to m: namespace, cert-manager's CRDs and
// ClusterIssuers, Grafana's admin Secret, then each release in order
// (those unchanged since prior are left alone), then removes the releases
// of components no longer configured. It fills m's computed attributes.
func (r *ClusterSupportResource) apply(ctx context.Context, m, prior *clusterSupportModel, timeout time.Duration, diags *diag.Diagnostics) {
	s, planned := r.prepare(ctx, m, diags)
	if diags.HasError() {
		return
	}
	client, err := r.data.releaseClient()
	if err != nil {
		addConnectionError(diags, r.data.conn, err)
		return
	}
	ns := s.Namespace
	if _, err := client.EnsureNamespace(ctx, ns, "support", release.NamespaceLabels{}); err != nil {
		addConnectionError(diags, r.data.conn, err)
		return
	}
	var priorReleases map[string]supportRelease
	var priorSupport *supportvalues.Support
	if prior != nil {
		priorReleases = prior.releasesOf()
		if ps, d := prior.toSupport(ctx); !d.HasError() {
			priorSupport = &ps
		}
	}
	if s.CertManager != nil {
		if !r.applyCertManagerObjects(ctx, client, s, priorSupport, prior, planned, diags) {
			return
		}
	}
	if s.Grafana != nil {
		labels := map[string]string{supportvalues.ManagedByLabel: supportvalues.ManagedByValue}
		other := map[string]string{supportvalues.GrafanaAdminUserKey: supportvalues.GrafanaAdminUser}
		if created, err := client.EnsureGeneratedSecret(ctx, ns, supportvalues.GrafanaAdminSecret, labels, supportvalues.GrafanaAdminPasswordKey, other); err != nil {
			diags.AddError("Cannot create Grafana's admin Secret", err.Error())
			return
		} else if created {
			tflog.Info(ctx, "generated Grafana's admin password", map[string]any{"secret": ns + "/" + supportvalues.GrafanaAdminSecret})
		}
	}
	next := map[string]supportRelease{}
	for i := range planned {
		p := &planned[i]
		if prior != nil && !p.changed(priorReleases) {
			next[p.Component.Name] = priorReleases[p.Component.Name]
			continue
		}
		res, err := client.Apply(ctx, release.ApplyRequest{Namespace: ns, Name: p.Component.Name, Chart: p.chart, Values: p.Values, Timeout: timeout})
		if res != nil && res.Recovered != "" {
			diags.AddWarning("Recovered an interrupted release", res.Recovered)
		}
		if err != nil {
			summary, detail := explainApplyError(ns+"/"+p.Component.Name, r.data.conn.Host(), err)
			summary = strings.Replace(summary, "hub "+ns+"/", "support release "+ns+"/", 1)
			addAttrError(diags, path.Root(p.Component.Attr), summary, detail)
			return
		}
		rev := int64(res.Info.Revision)
		next[p.Component.Name] = supportRelease{ChartVersion: res.Info.ChartVersion, AppVersion: res.Info.AppVersion, Revision: &rev,
			Status: res.Info.Status, ValuesChecksum: p.checksum}
	}
	// Components taken out: uninstall, last installed first.
	for i := len(supportvalues.Components) - 1; i >= 0; i-- {
		name := supportvalues.Components[i].Name
		if _, keep := next[name]; keep {
			continue
		}
		if _, had := priorReleases[name]; !had {
			continue
		}
		if err := client.Uninstall(ctx, ns, name, timeout); err != nil {
			addAttrError(diags, path.Root(supportvalues.Components[i].Attr), "Cannot uninstall "+name, err.Error())
			return
		}
	}
	if priorSupport != nil && priorSupport.CertManager != nil && s.CertManager == nil {
		if err := client.DeleteManifests(ctx, supportvalues.ClusterIssuers(*priorSupport)); err != nil {
			diags.AddError("Cannot delete the ClusterIssuers", err.Error())
			return
		}
	}
	m.ID = types.StringValue(ns)
	m.Releases = releasesValue(next)
	m.IngressAddress = types.StringNull()
	if s.IngressNginx != nil {
		addr, err := client.ServiceAddress(ctx, ns, supportvalues.ControllerService)
		if err != nil {
			addConnectionError(diags, r.data.conn, err)
			return
		}
		if addr != "" {
			m.IngressAddress = types.StringValue(addr)
		}
	}
	if m.CRDsVersion.IsUnknown() {
		m.CRDsVersion = types.StringNull()
	}
}

// applyCertManagerObjects applies cert-manager's CRDs from the chart being
// installed (created or upgraded, never deleted) and, when new or changed,
// the ClusterIssuers. Both come before the release: its webhook then has
// nothing to hold up, and the controller finds its issuers when it starts.
func (r *ClusterSupportResource) applyCertManagerObjects(ctx context.Context, client *release.Client, s supportvalues.Support,
	priorSupport *supportvalues.Support, prior *clusterSupportModel, planned []plannedRelease, diags *diag.Diagnostics) bool {
	var cm *plannedRelease
	for i := range planned {
		if planned[i].Component.Name == supportvalues.CertManagerName {
			cm = &planned[i]
		}
	}
	if prior == nil || prior.CRDsVersion.ValueString() != cm.Version {
		crds, err := certManagerCRDs(cm.chart, s.Namespace)
		if err == nil {
			err = client.ApplyManifests(ctx, crds)
		}
		if err != nil {
			addAttrError(diags, path.Root("cert_manager"), "Cannot apply cert-manager's CRDs", err.Error())
			return false
		}
		tflog.Info(ctx, "applied cert-manager's CRDs", map[string]any{"chart_version": cm.Version, "count": len(crds)})
	}
	issuers := supportvalues.ClusterIssuers(s)
	if priorSupport == nil || !slices.Equal(issuers, supportvalues.ClusterIssuers(*priorSupport)) {
		if err := client.ApplyManifests(ctx, issuers); err != nil {
			addAttrError(diags, path.Root("cert_manager"), "Cannot apply the Let's Encrypt ClusterIssuers", err.Error())
			return false
		}
	}
	return true
}

// certManagerCRDs renders the chart's CRDs (with CRDs switched on) and marks
// each with the chart version they come from.
func certManagerCRDs(ch *chart.Chart, ns string) ([]string, error) {
	manifests, err := release.Render(ch, supportvalues.CRDValues(), ns, supportvalues.CertManagerName)
	if err != nil {
		return nil, err
	}
	var crds []string
	for _, o := range manifests.Objects {
		if o.Kind == "CustomResourceDefinition" {
			crds = append(crds, o.Manifest)
		}
	}
	if len(crds) == 0 {
		return nil, errors.New("the chart renders no CRDs with crds.enabled = true")
	}
	for i, c := range crds {
		if crds[i], err = supportvalues.MarkCRD(c, ch.Metadata.Version, len(crds)); err != nil {
			return nil, err
		}
	}
	return crds, nil
}

// Read refreshes what the cluster holds (see refreshSupport).
func (r *ClusterSupportResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state clusterSupportModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	client, err := r.data.releaseClient()
	if err != nil {
		addConnectionError(&resp.Diagnostics, r.data.conn, err)
		return
	}
	if err := refreshSupport(ctx, client, &state); err != nil {
		addConnectionError(&resp.Diagnostics, r.data.conn, err)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// refreshSupport reads m's releases, cert-manager's CRDs and the ingress
// controller's address into m in a constant number of requests whatever
// the number of components: one LIST of the releases' revision Secrets, one
// LIST of cert-manager's CRDs (with cert-manager), one GET of the ingress
// controller's Service (with ingress-nginx). After an import (no releases
// known yet) it looks for every component's release.
func refreshSupport(ctx context.Context, client *release.Client, m *clusterSupportModel) error {
	ns := m.Namespace.ValueString()
	importing := m.Releases.IsNull()
	var names []string
	if importing {
		for _, c := range supportvalues.Components {
			names = append(names, c.Name)
		}
	} else {
		for name := range m.releasesOf() {
			names = append(names, name)
		}
	}
	infos, err := client.LatestOf(ctx, ns, names)
	if err != nil {
		return err
	}
	next := map[string]supportRelease{}
	for name, info := range infos {
		if info == nil || info.Status == string(helmrelease.StatusUninstalled) {
			continue // planned for installation again
		}
		rev := int64(info.Revision)
		next[name] = supportRelease{ChartVersion: info.ChartVersion, AppVersion: info.AppVersion, Revision: &rev, Status: info.Status,
			ValuesChecksum: hubvalues.Checksum(info.Config)}
	}
	m.Releases = releasesValue(next)
	_, hasCertManager := next[supportvalues.CertManagerName]
	if !m.CertManager.IsNull() || !m.CRDsVersion.IsNull() || (importing && hasCertManager) {
		crds, err := client.CRDs(ctx, supportvalues.CRDSelector)
		if err != nil {
			return err
		}
		var anns []map[string]string
		for _, c := range crds {
			anns = append(anns, c.Annotations)
		}
		m.CRDsVersion = types.StringNull()
		if v := supportvalues.CRDsVersion(anns); v != "" {
			m.CRDsVersion = types.StringValue(v)
		}
	}
	if _, hasIngress := next[supportvalues.IngressNginxName]; !m.IngressNginx.IsNull() || (importing && hasIngress) {
		addr, err := client.ServiceAddress(ctx, ns, supportvalues.ControllerService)
		if err != nil {
			return err
		}
		m.IngressAddress = types.StringNull()
		if addr != "" {
			m.IngressAddress = types.StringValue(addr)
		}
	}
	return nil
}

// Delete uninstalls every release (last installed first) and deletes the
// ClusterIssuers. cert-manager's CRDs stay (deleting them would delete every
// certificate in the cluster), and so do the namespace and Grafana's admin
// Secret.
func (r *ClusterSupportResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state clusterSupportModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := state.Timeouts.Delete(ctx, defaultDeleteTimeout)
	if resp.Diagnostics.Append(d...); resp.Diagnostics.HasError() {
		return
	}
	ctx = withLog(ctx)
	client, err := r.data.releaseClient()
	if err != nil {
		addConnectionError(&resp.Diagnostics, r.data.conn, err)
		return
	}
	ns := state.Namespace.ValueString()
	for i := len(supportvalues.Components) - 1; i >= 0; i-- {
		name := supportvalues.Components[i].Name
		if err := client.Uninstall(ctx, ns, name, timeout); err != nil {
			resp.Diagnostics.AddError(fmt.Sprintf("Cannot uninstall %s/%s", ns, name), err.Error())
			return
		}
	}
	if s, d := state.toSupport(ctx); !d.HasError() && s.CertManager != nil {
		if err := client.DeleteManifests(ctx, supportvalues.ClusterIssuers(s)); err != nil {
			resp.Diagnostics.AddError("Cannot delete the ClusterIssuers", err.Error())
			return
		}
		tflog.Info(ctx, "cert-manager's CRDs are kept: deleting them would delete every certificate in the cluster")
	}
}

// ImportState takes the namespace. Settings cannot be read back from the
// releases, so the imported state holds what the cluster does (releases,
// CRDs, address); the first apply with the configuration records the
// settings and leaves alone the releases whose values already match.
func (r *ClusterSupportResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if err := validate.Namespace(req.ID); err != nil {
		resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf("Import a twoi2chub_cluster_support by its namespace, e.g. \"support\": %v.", err))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("namespace"), req.ID)...)
}
