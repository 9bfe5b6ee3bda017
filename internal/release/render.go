package release

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/engine"
	"helm.sh/helm/v3/pkg/releaseutil"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Object is one object a chart renders.
type Object struct {
	APIVersion, Kind, Name string
	// Template is the chart file it comes from, e.g. jupyterhub/templates/hub/deployment.yaml.
	Template string
	// Hook is its helm.sh/hook annotation; empty for the release's own objects.
	Hook string
	// Manifest is the object's YAML.
	Manifest string
}

func (o Object) String() string { return o.Kind + " " + o.Name }

// Manifests are what a chart renders for a release.
type Manifests struct {
	Objects []Object
}

// RenderError is a chart that cannot be rendered with the given values: a
// template fails, or produces YAML that does not parse. Nothing reached the cluster.
type RenderError struct {
	Chart string
	Err   error
}

func (e *RenderError) Error() string {
	return fmt.Sprintf("the chart %s cannot be rendered with these values: %v", e.Chart, e.Err)
}

func (e *RenderError) Unwrap() error { return e.Err }

// Render renders ch with values as Helm would for release name in namespace,
// without a cluster (as `helm template` does): templates run, the output is
// split into objects and their YAML parsed. Values are not validated against
// the chart's schema here; that is the caller's (it can say which attribute).
func Render(ch *chart.Chart, values map[string]any, namespace, name string) (*Manifests, error) {
	chartName := ch.Metadata.Name + " " + ch.Metadata.Version
	opts := chartutil.ReleaseOptions{Name: name, Namespace: namespace, Revision: 1, IsInstall: true}
	caps := chartutil.DefaultCapabilities.Copy()
	vals, err := chartutil.ToRenderValuesWithSchemaValidation(ch, values, opts, caps, true)
	if err != nil {
		return nil, &RenderError{Chart: chartName, Err: err}
	}
	files, err := engine.Render(ch, vals)
	if err != nil {
		return nil, &RenderError{Chart: chartName, Err: err}
	}
	for f := range files {
		if strings.HasSuffix(f, "NOTES.txt") {
			delete(files, f)
		}
	}
	hooks, manifests, err := releaseutil.SortManifests(files, caps.APIVersions, releaseutil.InstallOrder)
	if err != nil {
		return nil, &RenderError{Chart: chartName, Err: err}
	}
	out := &Manifests{}
	for _, m := range manifests {
		if m.Head == nil || m.Head.Metadata == nil {
			continue
		}
		out.Objects = append(out.Objects, Object{APIVersion: m.Head.Version, Kind: m.Head.Kind, Name: m.Head.Metadata.Name, Template: m.Name, Manifest: m.Content})
	}
	for _, h := range hooks {
		events := make([]string, len(h.Events))
		for i, e := range h.Events {
			events[i] = string(e)
		}
		out.Objects = append(out.Objects, Object{Kind: h.Kind, Name: h.Name, Template: h.Path, Hook: strings.Join(events, ","),
			APIVersion: apiVersionOf(h.Manifest), Manifest: h.Manifest})
	}
	return out, nil
}

// apiVersionOf reads the apiVersion line of a single-object manifest.
func apiVersionOf(manifest string) string {
	for _, line := range strings.Split(manifest, "\n") {
		if v, ok := strings.CutPrefix(line, "apiVersion:"); ok {
			return strings.Trim(strings.TrimSpace(v), `"'`)
		}
	}
	return ""
}

// clusterScoped maps the kinds of cluster-scoped objects charts commonly
// create to their resource names. Two releases creating one of these with the
// same name collide, whatever their namespaces.
var clusterScoped = map[string]string{
	"ClusterRole":                    "clusterroles",
	"ClusterRoleBinding":             "clusterrolebindings",
	"PriorityClass":                  "priorityclasses",
	"StorageClass":                   "storageclasses",
	"IngressClass":                   "ingressclasses",
	"CustomResourceDefinition":       "customresourcedefinitions",
	"Namespace":                      "namespaces",
	"PersistentVolume":               "persistentvolumes",
	"MutatingWebhookConfiguration":   "mutatingwebhookconfigurations",
	"ValidatingWebhookConfiguration": "validatingwebhookconfigurations",
	"APIService":                     "apiservices",
	"CSIDriver":                      "csidrivers",
}

// ClusterScoped lists the rendered objects that are not namespaced.
func (m *Manifests) ClusterScoped() []Object {
	var out []Object
	for _, o := range m.Objects {
		if _, ok := clusterScoped[o.Kind]; ok {
			out = append(out, o)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}

// Collision is a cluster-scoped object a release would create that already
// exists and belongs to someone else.
type Collision struct {
	Object Object
	// OwnerNamespace and OwnerRelease name the Helm release that owns it;
	// both empty when it is not managed by Helm.
	OwnerNamespace, OwnerRelease string
}

func (c Collision) String() string {
	if c.OwnerRelease == "" {
		return fmt.Sprintf("%s exists and is not managed by Helm", c.Object)
	}
	return fmt.Sprintf("%s belongs to release %s/%s", c.Object, c.OwnerNamespace, c.OwnerRelease)
}

// Collisions finds the cluster-scoped objects the release would create that
// exist and belong to another release, or to no release: Helm would refuse to
// install over them. Each kind's owners come from one metadata listing shared
// by every hub of a plan; where listing is forbidden, each object is read by
// itself (one GET of its metadata).
func (c *Client) Collisions(ctx context.Context, namespace, name string, objects []Object) ([]Collision, error) {
	var out []Collision
	for _, o := range objects {
		resource, ok := clusterScoped[o.Kind]
		if !ok {
			continue
		}
		gv, err := schema.ParseGroupVersion(o.APIVersion)
		if err != nil {
			continue
		}
		gvr := gv.WithResource(resource)
		listing, err := c.owners(ctx, gvr)
		if err != nil {
			return out, err
		}
		own, exists := listing.owners[o.Name]
		if !listing.listed {
			meta, err := c.metadata.Resource(gvr).Get(ctx, o.Name, metav1.GetOptions{})
			if apierrors.IsNotFound(err) {
				continue
			}
			if err != nil {
				return out, err
			}
			ann := meta.GetAnnotations()
			own, exists = owner{ann["meta.helm.sh/release-namespace"], ann["meta.helm.sh/release-name"]}, true
		}
		if !exists || (own.namespace == namespace && own.release == name) {
			continue
		}
		out = append(out, Collision{Object: o, OwnerNamespace: own.namespace, OwnerRelease: own.release})
	}
	return out, nil
}
