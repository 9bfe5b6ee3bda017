package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	"helm.sh/helm/v3/pkg/chart"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/hubvalues"
	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/release"
)

var (
	_ resource.ResourceWithConfigure   = &HubResource{}
	_ resource.ResourceWithImportState = &HubResource{}
	_ resource.ResourceWithModifyPlan  = &HubResource{}
)

// HubResource is twoi2chub_hub: one community's JupyterHub release.
type HubResource struct {
	data *providerData
}

// NewHubResource is the constructor the provider registers.
func NewHubResource() resource.Resource { return &HubResource{} }

const (
	defaultApplyTimeout  = 10 * time.Minute
	defaultDeleteTimeout = 5 * time.Minute
	statusDeployed       = "deployed"
)

func (r *HubResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_hub"
}

func (r *HubResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// withLog routes release progress to tflog for this request.
func withLog(ctx context.Context) context.Context {
	return release.WithLog(ctx, func(format string, args ...any) {
		tflog.Info(ctx, fmt.Sprintf(format, args...))
	})
}

func (m *hubModel) chartSource() release.ChartSource {
	if !m.ChartPath.IsNull() {
		return release.ChartSource{Path: m.ChartPath.ValueString(), Version: m.ChartVersion.ValueString()}
	}
	return release.ChartSource{Repository: m.ChartRepository.ValueString(), Name: hubChartName, Version: m.ChartVersion.ValueString()}
}

// loadChart fetches the chart (once per version; see release.ChartCache).
func (r *HubResource) loadChart(ctx context.Context, m *hubModel, diags *diag.Diagnostics) *chart.Chart {
	src := m.chartSource()
	ch, err := r.data.charts.Load(ctx, src)
	if err != nil {
		attr := path.Root("chart_version")
		if src.Path != "" {
			attr = path.Root("chart_path")
		}
		addAttrError(diags, attr, "Cannot load the hub chart",
			fmt.Sprintf("%v. The chart is needed to validate the hub's values during plan; check chart_repository and chart_version.", err))
		return nil
	}
	if src.Path != "" && ch.Metadata.Version != src.Version {
		addAttrError(diags, path.Root("chart_version"), "Chart version does not match",
			fmt.Sprintf("The chart at %s has version %s; set chart_version = %q.", src.Path, ch.Metadata.Version, ch.Metadata.Version))
		return nil
	}
	return ch
}

// render turns settings into values, checks them as a whole, and validates
// them against the chart's schema. Problems are reported at attributes.
func (r *HubResource) render(ctx context.Context, m *hubModel, ch *chart.Chart, checkFields bool, diags *diag.Diagnostics) *hubvalues.Rendered {
	hub, d := m.toHub(ctx)
	diags.Append(d...)
	if diags.HasError() {
		return nil
	}
	found := hubvalues.Check(hub)
	if checkFields {
		found = append(hubvalues.CheckFields(hub), found...)
	}
	for _, p := range found {
		addAttrError(diags, attrPath(p.Attr), p.Summary, p.Detail)
	}
	if diags.HasError() {
		return nil
	}
	rendered, err := hubvalues.Render(hub)
	if err != nil {
		diags.AddError("Cannot render the hub's values", err.Error())
		return nil
	}
	if ch != nil && ch.Schema != nil {
		schema, err := hubvalues.CompileSchema(ch.Schema)
		if err != nil {
			diags.AddError("The chart's values schema is not usable", err.Error())
			return nil
		}
		for _, issue := range schema.Validate(hubvalues.Coalesce(ch.Values, rendered.Values)) {
			attr := rendered.AttrFor(issue.Pointer)
			detail := fmt.Sprintf("The chart %s %s rejects the value at %s: %s.", ch.Metadata.Name, ch.Metadata.Version, issue.Pointer, issue.Message)
			if len(attr) == 0 {
				diags.AddError("Chart values not valid", detail)
				continue
			}
			addAttrError(diags, attrPath(attr), "Value rejected by the chart's schema", detail)
		}
	}
	if diags.HasError() {
		return nil
	}
	return rendered
}

// ModifyPlan renders and validates the values during plan, so bad input
// fails at `terraform plan`, and plans the computed attributes.
func (r *HubResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.data == nil {
		return // destroy, or validation before the provider is configured
	}
	var plan, state hubModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	creating := req.State.Raw.IsNull()
	if !creating {
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}

	switch u, known := hubURL(&plan); {
	case known && u != "":
		plan.URL = types.StringValue(u)
	case known && !creating:
		plan.URL = state.URL // no domain: the proxy's external address, read at apply
	default:
		plan.URL = types.StringUnknown()
	}
	plan.ValuesChecksum = types.StringUnknown()
	plan.AppVersion = types.StringUnknown()
	if plan.settingsKnown() && plan.chartKnown() {
		ch := r.loadChart(ctx, &plan, &resp.Diagnostics)
		if ch == nil {
			return
		}
		rendered := r.render(ctx, &plan, ch, false, &resp.Diagnostics)
		if rendered == nil {
			return
		}
		plan.ValuesChecksum = types.StringValue(hubvalues.DriftDigest(rendered.Values))
		plan.AppVersion = types.StringValue(ch.Metadata.AppVersion)
		if auth, _ := lookupString(hubvalues.Coalesce(ch.Values, rendered.Values), "hub", "config", "JupyterHub", "authenticator_class"); auth == "dummy" {
			resp.Diagnostics.AddAttributeWarning(path.Root("name"), "Anyone can log in to this hub",
				fmt.Sprintf("Hub %s/%s uses the dummy authenticator, which accepts any user name. That is for testing only: "+
					"attach a twoi2chub_auth (GitHub, CILogon, Google or OIDC) before people use it.", plan.Namespace.ValueString(), plan.Name.ValueString()))
		}
	}

	if creating {
		plan.ReleaseRevision = types.Int64Unknown()
		plan.Status = types.StringValue(statusDeployed)
	} else {
		plan.Status = types.StringValue(statusDeployed)
		if releaseChanges(&plan, &state) {
			plan.ReleaseRevision = types.Int64Unknown()
		} else {
			plan.ReleaseRevision = state.ReleaseRevision
			if plan.AppVersion.IsUnknown() {
				plan.AppVersion = state.AppVersion
			}
		}
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// releaseChanges reports whether going from state to plan needs a new
// release revision: other values, another chart, or a release to repair.
func releaseChanges(plan, state *hubModel) bool {
	return !plan.ValuesChecksum.Equal(state.ValuesChecksum) || !plan.ChartVersion.Equal(state.ChartVersion) ||
		!plan.ChartRepository.Equal(state.ChartRepository) || !plan.ChartPath.Equal(state.ChartPath) ||
		state.Status.ValueString() != statusDeployed
}

func lookupString(v map[string]any, keys ...string) (string, bool) {
	var cur any = v
	for _, k := range keys {
		m, ok := cur.(map[string]any)
		if !ok {
			return "", false
		}
		cur = m[k]
	}
	s, ok := cur.(string)
	return s, ok
}

// hubURL derives the public URL from the settings; known reports whether
// the settings it depends on are known.
func hubURL(m *hubModel) (string, bool) {
	if m.Domain.IsUnknown() || m.HTTPS.IsUnknown() || !whollyKnown(m.Ingress) {
		return "", false
	}
	if m.Domain.IsNull() {
		return "", true
	}
	scheme := "https"
	if !m.Ingress.IsNull() {
		if tls, ok := m.Ingress.Attributes()["tls_secret_name"].(types.String); ok && tls.IsNull() {
			if ann, ok := m.Ingress.Attributes()["annotations"].(types.Map); !ok || ann.IsNull() {
				scheme = "http"
			}
		}
	}
	return scheme + "://" + m.Domain.ValueString() + "/", true
}

func (r *HubResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan hubModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := plan.Timeouts.Create(ctx, defaultApplyTimeout)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx = withLog(ctx)
	client := r.client(&resp.Diagnostics)
	if client == nil {
		return
	}
	ns, name := plan.Namespace.ValueString(), plan.Name.ValueString()
	existing, err := client.Latest(ctx, ns, name)
	if err != nil {
		addConnectionError(&resp.Diagnostics, r.data.conn, err)
		return
	}
	if existing != nil && existing.Deployed() {
		addAttrError(&resp.Diagnostics, path.Root("name"), "Hub already exists",
			fmt.Sprintf("A release %s/%s (chart %s %s, revision %d) already exists. Bring it under Terraform with "+
				"`terraform import <address> %s/%s` (or an import block) instead of creating it.", ns, name, existing.ChartName, existing.ChartVersion, existing.Revision, ns, name))
		return
	}
	if created, err := client.EnsureNamespace(ctx, ns, name); err != nil {
		addConnectionError(&resp.Diagnostics, r.data.conn, err)
		return
	} else if created {
		tflog.Info(ctx, "created namespace", map[string]any{"namespace": ns})
	}
	r.apply(ctx, &plan, timeout, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *HubResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state hubModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := plan.Timeouts.Update(ctx, defaultApplyTimeout)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx = withLog(ctx)
	if !releaseChanges(&plan, &state) {
		// Only settings of the resource itself changed (delete_user_data, timeouts).
		plan.ReleaseRevision, plan.Status, plan.AppVersion, plan.URL = state.ReleaseRevision, state.Status, state.AppVersion, state.URL
		plan.ValuesChecksum = state.ValuesChecksum
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		return
	}
	if client := r.client(&resp.Diagnostics); client != nil {
		if _, err := client.EnsureNamespace(ctx, plan.Namespace.ValueString(), plan.Name.ValueString()); err != nil {
			addConnectionError(&resp.Diagnostics, r.data.conn, err)
		}
	}
	if !resp.Diagnostics.HasError() {
		r.apply(ctx, &plan, timeout, &resp.Diagnostics)
	}
	if resp.Diagnostics.HasError() {
		// The upgrade was rolled back: state keeps the last good configuration.
		resp.State.Raw = req.State.Raw
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *HubResource) client(diags *diag.Diagnostics) *release.Client {
	client, err := r.data.releaseClient()
	if err != nil {
		addConnectionError(diags, r.data.conn, err)
		return nil
	}
	return client
}

// apply installs or upgrades the release to match m and fills m's computed
// attributes from the result.
func (r *HubResource) apply(ctx context.Context, m *hubModel, timeout time.Duration, diags *diag.Diagnostics) {
	ch := r.loadChart(ctx, m, diags)
	if ch == nil {
		return
	}
	rendered := r.render(ctx, m, ch, true, diags)
	if rendered == nil {
		return
	}
	client := r.client(diags)
	if client == nil {
		return
	}
	ns, name := m.Namespace.ValueString(), m.Name.ValueString()
	res, err := client.Apply(ctx, release.ApplyRequest{Namespace: ns, Name: name, Chart: ch, Values: rendered.Values, Timeout: timeout})
	if res != nil && res.Recovered != "" {
		diags.AddWarning("Recovered an interrupted release", res.Recovered)
	}
	if err != nil {
		diags.AddError(fmt.Sprintf("Hub %s/%s did not become ready", ns, name),
			fmt.Sprintf("%v\n\nThe release was rolled back (or, on first install, removed); users' volumes are kept. Fix the cause and apply again.", err))
		return
	}
	m.ID = types.StringValue(ns + "/" + name)
	m.ReleaseRevision = types.Int64Value(int64(res.Info.Revision))
	m.AppVersion = types.StringValue(res.Info.AppVersion)
	m.Status = types.StringValue(res.Info.Status)
	m.ValuesChecksum = types.StringValue(hubvalues.DriftDigest(rendered.Values))
	m.URL = r.publicURL(ctx, m)
}

// publicURL is the domain-based URL, or the proxy's external address.
func (r *HubResource) publicURL(ctx context.Context, m *hubModel) types.String {
	if u, _ := hubURL(m); u != "" {
		return types.StringValue(u)
	}
	cs, err := r.data.conn.Clientset()
	if err != nil {
		return types.StringNull()
	}
	svc, err := cs.CoreV1().Services(m.Namespace.ValueString()).Get(ctx, "proxy-public", metav1.GetOptions{})
	if err != nil || svc.Spec.Type != corev1.ServiceTypeLoadBalancer {
		return types.StringNull()
	}
	for _, ing := range svc.Status.LoadBalancer.Ingress {
		if host := ing.Hostname + ing.IP; host != "" {
			return types.StringValue("http://" + host + "/")
		}
	}
	return types.StringNull()
}

func (r *HubResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state hubModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	client := r.client(&resp.Diagnostics)
	if client == nil {
		return
	}
	ns, name := state.Namespace.ValueString(), state.Name.ValueString()
	info, err := client.Latest(ctx, ns, name)
	if err != nil {
		addConnectionError(&resp.Diagnostics, r.data.conn, err)
		return
	}
	if info == nil {
		tflog.Warn(ctx, "release not found; it will be planned for creation", map[string]any{"namespace": ns, "name": name})
		resp.State.RemoveResource(ctx)
		return
	}
	state.ID = types.StringValue(ns + "/" + name)
	state.ReleaseRevision = types.Int64Value(int64(info.Revision))
	state.Status = types.StringValue(info.Status)
	state.AppVersion = types.StringValue(info.AppVersion)
	if info.ChartVersion != "" && info.ChartVersion != state.ChartVersion.ValueString() {
		state.ChartVersion = types.StringValue(info.ChartVersion)
	}
	digest := hubvalues.DriftDigest(info.Config)
	if digest != state.ValuesChecksum.ValueString() {
		// The deployed values are not what this state rendered: read the
		// settings back from them, so the plan shows the drift attribute by attribute.
		auth, _ := state.authValues()
		hub, err := hubvalues.ParseWith(info.Config, auth)
		if err != nil {
			resp.Diagnostics.AddError("Cannot read the release's values", err.Error())
			return
		}
		resp.Diagnostics.Append(state.setFromHub(ctx, hub)...)
		state.ValuesChecksum = types.StringValue(digest)
	}
	if u, _ := hubURL(&state); u != "" {
		state.URL = types.StringValue(u)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *HubResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state hubModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := state.Timeouts.Delete(ctx, defaultDeleteTimeout)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx = withLog(ctx)
	client := r.client(&resp.Diagnostics)
	if client == nil {
		return
	}
	ns, name := state.Namespace.ValueString(), state.Name.ValueString()
	if err := client.Uninstall(ctx, ns, name, timeout); err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("Cannot uninstall hub %s/%s", ns, name), err.Error())
		return
	}
	cleanup, err := client.CleanupAfterUninstall(ctx, ns, name, state.DeleteUserData.ValueBool())
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("Hub %s/%s was uninstalled, but cleaning up after it failed", ns, name), err.Error())
		return
	}
	tflog.Info(ctx, "hub removed", map[string]any{"namespace": ns, "name": name, "cleanup": cleanup.String()})
	if len(cleanup.KeptClaims) > 0 {
		resp.Diagnostics.AddWarning("Users' data kept",
			fmt.Sprintf("Hub %s/%s was removed, but its PersistentVolumeClaims were kept in namespace %s (%s), and the namespace with them. "+
				"A hub created again with the same name and namespace uses them again. To delete them, set delete_user_data = true and apply before destroying.",
				ns, name, ns, strings.Join(cleanup.KeptClaims, ", ")))
	}
}

func (r *HubResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if !importNamespaced(ctx, req, resp, "hackweek/hub") {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("chart_repository"), DefaultChartRepository)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("delete_user_data"), false)...)
}

var _ resource.ResourceWithValidateConfig = &HubResource{}

// ValidateConfig runs the cross-field checks (hubvalues.Check) on the
// configuration alone, so `terraform validate` reports settings that do not
// work together without a cluster or the chart. It runs when the settings
// those checks are about are known; the others (image, auth, extra_values,
// ...) only add to them and are left out while unknown. ModifyPlan checks
// everything again once all values are known.
func (r *HubResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m hubModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	for _, v := range []attr.Value{m.Domain, m.HTTPS, m.Ingress, m.Storage, m.AdminUsers, m.AllowedUsers} {
		if !whollyKnown(v) {
			return
		}
	}
	// Profile images often come from a twoi2chub_user_image, known only at
	// apply; the checks do not depend on them.
	if !knownBesides(m.Profiles, "image") {
		return
	}
	if !m.HTTPS.IsNull() && !m.Ingress.IsNull() {
		return // the schema's ConflictsWith says so already
	}
	if !whollyKnown(m.Culling) {
		m.Culling = types.ObjectUnknown(m.Culling.AttributeTypes(ctx))
	}
	if !whollyKnown(m.NodePurpose) {
		m.NodePurpose = types.ObjectUnknown(m.NodePurpose.AttributeTypes(ctx))
	}
	hub, d := m.toHub(ctx) // unknown values read as unset
	if d.HasError() {
		return // the attributes' own validators report these
	}
	for _, p := range hubvalues.Check(hub) {
		addAttrError(&resp.Diagnostics, attrPath(p.Attr), p.Summary, p.Detail)
	}
}
