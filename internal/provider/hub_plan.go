package provider

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"helm.sh/helm/v3/pkg/chart"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/hubvalues"
	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/imagebuild"
	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/release"
)

// Plan-time checks of a hub whose values changed (or that is new): what the
// chart's schema cannot see. Each problem is reported at the attribute that
// causes it.

// imageCheckTimeout bounds the registry lookups of one plan.
const imageCheckTimeout = 10 * time.Second

// compiledSchema returns the chart's values schema, compiled once per
// provider process and schema (charts of one version share it).
func (d *providerData) compiledSchema(ch *chart.Chart) (*hubvalues.Schema, error) {
	key := sha256.Sum256(ch.Schema)
	if s, ok := d.schemas.Load(key); ok {
		return s.(*hubvalues.Schema), nil
	}
	s, err := hubvalues.CompileSchema(ch.Schema)
	if err != nil {
		return nil, err
	}
	actual, _ := d.schemas.LoadOrStore(key, s)
	return actual.(*hubvalues.Schema), nil
}

// checkOverrides reports extra_values replacing what a typed attribute or
// auth wrote: an error for a list or map (entries are dropped), a warning
// for a single value (the plan would show one thing and the hub run another).
func checkOverrides(r *hubvalues.Rendered, diags *diag.Diagnostics) {
	for _, o := range r.Overrides {
		setting, by := o.Pointer.Dotted(), "`"+o.Attr.String()+"`"
		if o.Replaces == "value" {
			diags.AddAttributeWarning(path.Root("extra_values"), "extra_values overrides "+by,
				fmt.Sprintf("`extra_values` sets %s, which %s also sets; the hub runs with extra_values' value, so the plan's %s does not describe it. Set it in one place.",
					setting, by, by))
			continue
		}
		addAttrError(diags, path.Root("extra_values"), "extra_values replaces what "+by+" writes",
			fmt.Sprintf("`extra_values` sets %s, which %s writes as a %s. Values merge map by map, so this %s is replaced whole, not added to, "+
				"and what %s put there is lost (for a list-form hub.extraEnv, that includes the client secret `auth` passes). "+
				"Write it in %s instead, or, where the chart accepts a map (hub.extraEnv, singleuser.extraEnv), write a map in extra_values so the two merge.",
				setting, by, o.Replaces, o.Replaces, by, by))
	}
}

// checkSecretsInExtraValues warns about secret-looking settings written into
// extra_values, which is stored in state and shown in plans.
func checkSecretsInExtraValues(extra hubvalues.Values, diags *diag.Diagnostics) {
	if found := hubvalues.SecretPointers(extra); len(found) > 0 {
		diags.AddAttributeWarning(path.Root("extra_values"), "Secret in extra_values",
			fmt.Sprintf("`extra_values` sets %s, which looks like a secret: extra_values is stored in Terraform state and shown in plans. "+
				"Pass client secrets through a twoi2chub_auth (a Kubernetes Secret reference or the write-only client_secret_wo), "+
				"and other secrets through the write-only secret_values_wo or a Secret named by secret_values_ref.",
				hubvalues.DottedList(found)))
	}
}

// renderManifests renders the chart's templates with the values, as Helm
// will, so a chart that cannot render fails the plan, not the apply.
func renderManifests(ch *chart.Chart, values hubvalues.Values, m *hubModel, diags *diag.Diagnostics) *release.Manifests {
	manifests, err := release.Render(ch, values, m.Namespace.ValueString(), m.Name.ValueString())
	if err != nil {
		diags.AddError("The hub chart cannot be rendered with these settings",
			fmt.Sprintf("%v\n\nNothing was changed in the cluster. The values passed the chart's schema, but one of its templates fails "+
				"with them: check `extra_values` and the image references.", err))
		return nil
	}
	return manifests
}

// checkCollisions finds cluster-wide objects the release would create that
// another hub (or something else) already owns: the chart names them after
// the release, so two hubs named alike collide whatever their namespaces.
// It needs the cluster; without it, it says the check was skipped.
func (r *HubResource) checkCollisions(ctx context.Context, m *hubModel, manifests *release.Manifests, diags *diag.Diagnostics) {
	objects := manifests.ClusterScoped()
	if len(objects) == 0 || r.data.conn.Unknown() {
		return
	}
	client, err := r.data.releaseClient()
	if err != nil {
		return // the connection error is reported where the cluster is needed
	}
	ns, name := m.Namespace.ValueString(), m.Name.ValueString()
	collisions, err := client.Collisions(ctx, ns, name, objects)
	if err != nil {
		diags.AddAttributeWarning(path.Root("name"), "Cluster-wide names not checked",
			fmt.Sprintf("Could not read the cluster to check that hub %s/%s's cluster-wide objects (%s) are free: %v.", ns, name, objectList(objects), err))
		return
	}
	for _, c := range collisions {
		owner := "something not managed by Helm"
		if c.OwnerRelease != "" {
			owner = fmt.Sprintf("release %s/%s", c.OwnerNamespace, c.OwnerRelease)
			if c.OwnerNamespace != ns {
				owner += fmt.Sprintf(" (the hub in namespace %q)", c.OwnerNamespace)
			}
		}
		addAttrError(diags, path.Root("name"), "Hub name already used in this cluster",
			fmt.Sprintf("The chart names its cluster-wide objects after the release, and %s, which hub %s/%s would create, belongs to %s. "+
				"Hubs in one cluster need different names: give this one another `name`, for example its namespace (name = %q).",
				c.Object, ns, name, owner, ns))
	}
}

func objectList(objs []release.Object) string {
	out := make([]string, len(objs))
	for i, o := range objs {
		out[i] = o.String()
	}
	return strings.Join(out, ", ")
}

// imageAt is an image reference and the attribute that names it.
type imageAt struct {
	ref  string
	attr hubvalues.AttrPath
}

// hubImages lists the images a hub's settings name: the default image,
// init containers', profiles' images and image choices.
func hubImages(h hubvalues.Hub) []imageAt {
	var out []imageAt
	if h.Image != "" {
		out = append(out, imageAt{h.Image, hubvalues.AttrPath{"image"}})
	}
	if h.UserServers != nil {
		for i, c := range h.UserServers.InitContainers {
			out = append(out, imageAt{c.Image, hubvalues.AttrPath{"user_servers", "init_containers", i, "image"}})
		}
	}
	for i, p := range h.Profiles {
		if p.Image != "" {
			out = append(out, imageAt{p.Image, hubvalues.AttrPath{"profiles", i, "image"}})
		}
		for j, c := range p.ImageChoices {
			out = append(out, imageAt{c.Image, hubvalues.AttrPath{"profiles", i, "image_choices", j, "image"}})
		}
		for _, name := range slices.Sorted(maps.Keys(p.Options)) {
			o := p.Options[name]
			for _, slug := range slices.Sorted(maps.Keys(o.Choices)) {
				if c := o.Choices[slug]; c.Image != "" {
					out = append(out, imageAt{c.Image, hubvalues.AttrPath{"profiles", i, "options", hubvalues.MapKey(name), "choices", hubvalues.MapKey(slug), "image"}})
				}
			}
		}
	}
	return out
}

// checkImages asks the registries whether the images the plan introduces
// exist (those the state already had were checked when they came). A
// registry that says no fails the plan at that attribute; one that cannot be
// asked gives a warning. pullCredentials, when not nil, are the hub's pull
// secrets: the registries are asked with them, and one that still wants
// credentials fails the plan, since no pod of the hub could pull the image
// either. Without pull secrets that only warns: nodes often pull with
// credentials of their own (GKE's from Artifact Registry, EKS's from ECR).
func (r *HubResource) checkImages(ctx context.Context, plan hubvalues.Hub, state *hubvalues.Hub, pullCredentials authn.Keychain, diags *diag.Diagnostics) {
	known := map[string]bool{}
	if state != nil {
		for _, im := range hubImages(*state) {
			known[im.ref] = true
		}
	}
	var todo []imageAt
	var refs []string
	seen := map[string]bool{}
	for _, im := range hubImages(plan) {
		if known[im.ref] {
			continue
		}
		todo = append(todo, im)
		if !seen[im.ref] {
			seen[im.ref] = true
			refs = append(refs, im.ref)
		}
	}
	if len(refs) == 0 {
		return
	}
	results := map[string]imagebuild.ImageCheck{}
	reg := r.data.registry
	if pullCredentials != nil {
		reg.Keychain = pullCredentials
	}
	for _, c := range reg.CheckImages(ctx, refs, imageCheckTimeout) {
		results[c.Ref] = c
	}
	for _, im := range todo {
		c := results[im.ref]
		at := attrPath(im.attr)
		switch {
		case c.Presence == imagebuild.Missing:
			addAttrError(diags, at, "Image not found",
				fmt.Sprintf("The registry says %s does not exist. Check the name and the tag or digest: a hub with an image that does not pull "+
					"cannot start users' servers, and its image puller holds up every upgrade.", im.ref))
		case c.Presence == imagebuild.Unchecked && c.NeedsCredentials() && pullCredentials != nil:
			addAttrError(diags, at, "Image not pullable with the hub's pull secrets",
				fmt.Sprintf("The registry of %s refuses the credentials of the hub's image_pull_secrets and image_pull_secrets_from: %v. "+
					"No server could pull it: check that a pull secret has credentials for this registry and that they may read this image.", im.ref, unwrapAll(c.Err)))
		case c.Presence == imagebuild.Unchecked && c.NeedsCredentials():
			diags.AddAttributeWarning(at, "Image not checked",
				fmt.Sprintf("The registry of %s asks for credentials to say whether it exists (a private image, or a name that does not exist): %v. "+
					"The cluster will need pull credentials for it: image_pull_secrets or image_pull_secrets_from, unless its nodes have their own.", im.ref, c.Err))
		case c.Presence == imagebuild.Unchecked:
			diags.AddAttributeWarning(at, "Image not checked",
				fmt.Sprintf("Could not reach the registry of %s to check that it exists: %v.", im.ref, unwrapAll(c.Err)))
		}
	}
}

// unwrapAll shortens an error to its innermost cause for a one-line message.
func unwrapAll(err error) error {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err
		}
		err = next
	}
}
