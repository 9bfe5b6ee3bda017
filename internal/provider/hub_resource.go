package provider

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"regexp"
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
	return release.WithUserServiceAccount(ch)
}

// render turns settings into values and checks them as a whole. Problems
// are reported at attributes.
func (r *HubResource) render(ctx context.Context, m *hubModel, checkFields bool, diags *diag.Diagnostics) (*hubvalues.Rendered, hubvalues.Hub) {
	hub, d := m.toHub(ctx)
	diags.Append(d...)
	if diags.HasError() {
		return nil, hub
	}
	found := hubvalues.Check(hub)
	if checkFields {
		found = append(hubvalues.CheckFields(hub), found...)
	}
	for _, p := range found {
		addAttrError(diags, attrPath(p.Attr), p.Summary, p.Detail)
	}
	if diags.HasError() {
		return nil, hub
	}
	rendered, err := hubvalues.Render(hub)
	if err != nil {
		diags.AddError("Cannot render the hub's values", err.Error())
		return nil, hub
	}
	checkOverrides(rendered, diags)
	if diags.HasError() {
		return nil, hub
	}
	return rendered, hub
}

// validateValues checks rendered values against the chart's own schema,
// reporting each problem at the attribute that wrote the value.
func (r *HubResource) validateValues(ch *chart.Chart, rendered *hubvalues.Rendered, diags *diag.Diagnostics) bool {
	if ch.Schema == nil {
		return true
	}
	schema, err := r.data.compiledSchema(ch)
	if err != nil {
		diags.AddError("The chart's values schema is not usable", err.Error())
		return false
	}
	ok := true
	for _, issue := range schema.Validate(hubvalues.Coalesce(ch.Values, rendered.Values)) {
		ok = false
		attr := rendered.AttrFor(issue.Pointer)
		detail := fmt.Sprintf("The chart %s %s rejects the value at %s: %s.", ch.Metadata.Name, ch.Metadata.Version, issue.Pointer, issue.Message)
		if len(attr) == 0 {
			diags.AddError("Chart values not valid", detail)
			continue
		}
		addAttrError(diags, attrPath(attr), "Value rejected by the chart's schema", detail)
	}
	return ok
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

	wo := secretValuesWO(ctx, req.Config, &resp.Diagnostics)
	plan.SecretValuesChecksum = r.planSecretValuesChecksum(ctx, wo, &plan, &state, &resp.Diagnostics)
	plan.ValuesChecksum = types.StringUnknown()
	plan.AppVersion = types.StringUnknown()
	// A fingerprint only the apply can make still lets the values be checked.
	toRender, pendingSum := plan, plan.SecretValuesChecksum.IsUnknown() && !wo.IsUnknown()
	if pendingSum {
		toRender.SecretValuesChecksum = types.StringValue(pendingSecretValuesChecksum)
	}
	if toRender.settingsKnown() && plan.chartKnown() {
		rendered, hub := r.render(ctx, &toRender, false, &resp.Diagnostics)
		if rendered == nil {
			return
		}
		if !pendingSum {
			plan.ValuesChecksum = types.StringValue(hubvalues.DriftDigest(rendered.Values))
		}
		checkSecretsInExtraValues(hub.ExtraValues, &resp.Diagnostics)
		for _, w := range hubvalues.Warnings(hub) {
			resp.Diagnostics.AddAttributeWarning(attrPath(w.Attr), w.Summary, w.Detail)
		}
		// The rest only when the values or the chart change (or the hub is
		// new): values and chart already applied were checked then, so a
		// no-op plan loads no chart and asks nothing more of the cluster
		// than the refresh's two reads per hub.
		if creating || releaseChanges(&plan, &state) {
			ch := r.loadChart(ctx, &plan, &resp.Diagnostics)
			if ch == nil || !r.validateValues(ch, rendered, &resp.Diagnostics) {
				return
			}
			plan.AppVersion = types.StringValue(ch.Metadata.AppVersion)
			if auth, _ := lookupString(hubvalues.Coalesce(ch.Values, rendered.Values), "hub", "config", "JupyterHub", "authenticator_class"); auth == "dummy" {
				resp.Diagnostics.AddAttributeWarning(path.Root("name"), "Anyone can log in to this hub",
					fmt.Sprintf("Hub %s/%s uses the dummy authenticator, which accepts any user name. That is for testing only: "+
						"attach a twoi2chub_auth (GitHub, CILogon, Google or OIDC) before people use it.", plan.Namespace.ValueString(), plan.Name.ValueString()))
			}
			manifests := renderManifests(ch, rendered.Values, &plan, &resp.Diagnostics)
			if manifests == nil {
				return
			}
			r.checkCollisions(ctx, &plan, manifests, &resp.Diagnostics)
			var before *hubvalues.Hub
			if !creating {
				if h, d := state.toHub(ctx); !d.HasError() {
					before = &h
				}
			}
			pullCredentials, _ := r.checkPullSecrets(ctx, hub, plan.Namespace.ValueString(), false, &resp.Diagnostics)
			r.checkImages(ctx, hub, before, pullCredentials, &resp.Diagnostics)
			r.checkNodes(ctx, hub, &resp.Diagnostics)
			r.checkSecretValuesRef(ctx, hub, &plan, false, &resp.Diagnostics)
		}
	}

	// url is known from a domain; without one it is the proxy's external
	// address, which an apply may change, and refresh reads.
	switch u, known := hubURL(&plan); {
	case known && u != "":
		plan.URL = types.StringValue(u)
	case known && !creating && !releaseChanges(&plan, &state):
		plan.URL = state.URL
	default:
		plan.URL = types.StringUnknown()
	}
	plan.HealthCheckURL = healthCheckURL(plan.URL)
	plan.PublicAddress = planPublicAddress(&plan, &state, creating)
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

// healthCheckURL is JupyterHub's unauthenticated health endpoint under the
// hub's URL (z2jh serves the hub at the root of its domain).
func healthCheckURL(url types.String) types.String {
	if url.IsNull() || url.IsUnknown() {
		return url
	}
	return types.StringValue(strings.TrimSuffix(url.ValueString(), "/") + "/hub/health")
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
	if created, err := client.EnsureNamespace(ctx, ns, name, plan.namespaceLabels(ctx, nil)); err != nil {
		addConnectionError(&resp.Diagnostics, r.data.conn, err)
		return
	} else if created {
		tflog.Info(ctx, "created namespace", map[string]any{"namespace": ns})
	}
	r.saveSecretValues(ctx, secretValuesWO(ctx, req.Config, &resp.Diagnostics), &plan, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	r.apply(ctx, &plan, timeout, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	plan.SecretValuesWO = types.StringNull() // write-only: never stored
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
	labels := plan.namespaceLabels(ctx, &state)
	if !releaseChanges(&plan, &state) {
		// Only settings of the resource itself changed (delete_user_data,
		// timeouts), or the namespace's cost labels, which Read found changed
		// by hand (the release's values still have them).
		if !maps.Equal(labels.Want, state.namespaceLabels(ctx, nil).Want) {
			if client := r.client(&resp.Diagnostics); client != nil {
				if _, err := client.EnsureNamespace(ctx, plan.Namespace.ValueString(), plan.Name.ValueString(), labels); err != nil {
					addConnectionError(&resp.Diagnostics, r.data.conn, err)
				}
			}
			if resp.Diagnostics.HasError() {
				return
			}
		}
		plan.ReleaseRevision, plan.Status, plan.AppVersion = state.ReleaseRevision, state.Status, state.AppVersion
		plan.ValuesChecksum = state.ValuesChecksum
		plan.SecretValuesWO = types.StringNull()
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		return
	}
	if client := r.client(&resp.Diagnostics); client != nil {
		if _, err := client.EnsureNamespace(ctx, plan.Namespace.ValueString(), plan.Name.ValueString(), labels); err != nil {
			addConnectionError(&resp.Diagnostics, r.data.conn, err)
		}
	}
	if !resp.Diagnostics.HasError() {
		r.saveSecretValues(ctx, secretValuesWO(ctx, req.Config, &resp.Diagnostics), &plan, &resp.Diagnostics)
	}
	if !resp.Diagnostics.HasError() {
		r.apply(ctx, &plan, timeout, &resp.Diagnostics)
	}
	if resp.Diagnostics.HasError() {
		// The upgrade was rolled back: state keeps the last good configuration.
		resp.State.Raw = req.State.Raw
		return
	}
	if plan.SecretValuesChecksum.IsNull() && !state.SecretValuesChecksum.IsNull() {
		r.deleteSecretValues(ctx, &plan, &resp.Diagnostics)
	}
	plan.SecretValuesWO = types.StringNull() // write-only: never stored
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
	rendered, hub := r.render(ctx, m, true, diags)
	if rendered == nil || !r.validateValues(ch, rendered, diags) {
		return
	}
	r.checkSecretValuesRef(ctx, hub, m, true, diags)
	_, pullSecretCopies := r.checkPullSecrets(ctx, hub, m.Namespace.ValueString(), true, diags)
	if diags.HasError() {
		return
	}
	// Values unknown at plan are checked here, before anything is changed.
	if renderManifests(ch, rendered.Values, m, diags) == nil {
		return
	}
	if r.syncPullSecretCopies(ctx, m, pullSecretCopies, diags); diags.HasError() {
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
		summary, detail := explainApplyError(ns+"/"+name, r.data.conn.Host(), err)
		diags.AddError(summary, detail)
		return
	}
	m.ID = types.StringValue(ns + "/" + name)
	m.ReleaseRevision = types.Int64Value(int64(res.Info.Revision))
	m.AppVersion = types.StringValue(res.Info.AppVersion)
	m.Status = types.StringValue(res.Info.Status)
	m.ValuesChecksum = types.StringValue(hubvalues.DriftDigest(rendered.Values))
	m.PublicAddress = r.publicAddress(ctx, m, true)
	m.URL = publicURL(m)
	m.HealthCheckURL = healthCheckURL(m.URL)
}

// explainApplyError says what actually happened to a failed apply: whether
// the cluster stopped answering (and at which step), whether the hub did not
// become ready (and why), and what was done about it, a rollback only when
// one was done.
func explainApplyError(id, host string, err error) (summary, detail string) {
	var ae *release.ApplyError
	if !errors.As(err, &ae) {
		return fmt.Sprintf("Cannot apply hub %s", id), err.Error()
	}
	var notReady *release.NotReadyError
	var hookFailed *release.HookFailedError
	undo := "Nothing was rolled back."
	if ae.Undo != "" {
		undo = strings.ToUpper(ae.Undo[:1]) + ae.Undo[1:] + "; users' volumes are kept."
	}
	if ae.UndoErr != nil {
		undo = fmt.Sprintf("Undoing it failed: %v.", ae.UndoErr)
	}
	switch {
	case ae.Unreachable:
		where := "The Kubernetes API server"
		if host != "" {
			where += " at " + host
		}
		return fmt.Sprintf("The cluster stopped answering while applying hub %s", id),
			fmt.Sprintf("%s stopped answering while %s:\n%v\n\nNothing could be rolled back while it does not answer, and the release may be "+
				"left pending. The next apply, once the cluster answers, repairs it: it ends the interrupted revision (rolling back to the last "+
				"good one), then applies this configuration. No helm command is needed.", where, ae.Step, ae.Err)
	case errors.As(ae.Err, &notReady) || errors.As(ae.Err, &hookFailed):
		return fmt.Sprintf("Hub %s did not become ready", id),
			fmt.Sprintf("While %s:\n%v\n\n%s Fix the cause and apply again.", ae.Step, ae.Err, undo)
	default:
		verb := "upgrade"
		if ae.Install {
			verb = "install"
		}
		return fmt.Sprintf("Cannot %s hub %s", verb, id),
			fmt.Sprintf("While %s: %v\n\n%s", ae.Step, explainHelmRefusal(ae.Err), undo)
	}
}

// explainHelmRefusal rewrites Helm's ownership conflict, which names no
// culprit a person can find, into the release that owns the object.
func explainHelmRefusal(err error) string {
	msg := err.Error()
	m := ownershipConflict.FindStringSubmatch(msg)
	if m == nil {
		return msg
	}
	return fmt.Sprintf("%s %q exists and belongs to another release (%s is %q): the chart names cluster-wide objects after the release, "+
		"so two hubs in one cluster need different names. Helm said: %s", m[1], m[2], m[3], m[4], msg)
}

var ownershipConflict = regexp.MustCompile(`(\w+) "([^"]+)" in namespace "[^"]*" exists and cannot be imported into the current release: invalid ownership metadata; annotation validation error: key "([^"]+)" must equal "[^"]*": current value is "([^"]*)"`)

// publicURL is the domain-based URL, or the proxy's external address
// (m.PublicAddress, read before).
func publicURL(m *hubModel) types.String {
	if u, _ := hubURL(m); u != "" {
		return types.StringValue(u)
	}
	if m.PublicAddress.IsNull() || m.PublicAddress.IsUnknown() {
		return types.StringNull()
	}
	return types.StringValue("http://" + m.PublicAddress.ValueString() + "/")
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
	// The revision and status this state was read or applied at: when the
	// release's labels still say so, nothing changed and its record is not
	// decoded (a third of a no-op plan's CPU).
	known := 0
	if !state.ReleaseRevision.IsNull() && !state.ReleaseRevision.IsUnknown() {
		known = int(state.ReleaseRevision.ValueInt64())
	}
	info, head, err := client.LatestUnless(ctx, ns, name, known, state.Status.ValueString())
	if err != nil {
		addConnectionError(&resp.Diagnostics, r.data.conn, err)
		return
	}
	if info == nil && head != nil {
		r.readNamespaceLabels(ctx, client, &state, &resp.Diagnostics)
		r.refreshAddress(ctx, &state)
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
		return
	}
	if info == nil || info.Status == string(helmrelease.StatusUninstalled) {
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
		// settings back from them, so the plan shows the drift attribute by
		// attribute. Secrets are never read into state.
		auth, _ := state.authValues()
		hub, omitted, err := hubvalues.ParseWith(info.Config, auth)
		if err != nil {
			resp.Diagnostics.AddError("Cannot read the release's values", err.Error())
			return
		}
		if len(omitted) > 0 {
			resp.Diagnostics.AddAttributeWarning(path.Root("extra_values"), "Secrets left out of extra_values",
				fmt.Sprintf("Release %s/%s holds secrets at %s. Terraform never stores secrets, so extra_values leaves them out, and applying "+
					"this configuration removes them from the release. To keep them, pass an authenticator's client secret through a "+
					"twoi2chub_auth (`client_secret` from a Kubernetes Secret, or the write-only `client_secret_wo`), and other secrets "+
					"through the write-only secret_values_wo or a Secret named by secret_values_ref.",
					ns, name, hubvalues.DottedList(omitted)))
		}
		resp.Diagnostics.Append(state.setFromHub(ctx, hub)...)
		state.ValuesChecksum = types.StringValue(digest)
	}
	r.readNamespaceLabels(ctx, client, &state, &resp.Diagnostics)
	r.refreshAddress(ctx, &state)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// refreshAddress fills the settings' defaults and reads the public address,
// what a refresh does whether or not the release changed.
func (r *HubResource) refreshAddress(ctx context.Context, state *hubModel) {
	state.fillSettingDefaults()
	state.PublicAddress = r.publicAddress(ctx, state, false)
	state.URL = publicURL(state)
	state.HealthCheckURL = healthCheckURL(state.URL)
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
	r.deleteSecretValues(ctx, &state, &resp.Diagnostics)
	if err := client.SyncPullSecretCopies(ctx, ns, name, nil); err != nil {
		resp.Diagnostics.AddWarning("Pull secrets left behind",
			fmt.Sprintf("Could not delete the copies of image_pull_secrets_from in namespace %s: %v. Delete the Secrets named twoi2chub-pull.* there by hand.", ns, err))
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
	// network_policy's unset fields take their defaults only in the plan;
	// read here they would be false, so its checks wait for ModifyPlan.
	m.NetworkPolicy = types.ObjectUnknown(m.NetworkPolicy.AttributeTypes(ctx))
	hub, d := m.toPartialHub(ctx) // unknown values read as unset
	if d.HasError() {
		return // the attributes' own validators report these
	}
	for _, p := range hubvalues.Check(hub) {
		addAttrError(&resp.Diagnostics, attrPath(p.Attr), p.Summary, p.Detail)
	}
}
