package release

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/restmapper"
	"sigs.k8s.io/yaml"
)

// FieldManager is the name under which the provider applies objects outside
// Helm releases (CRDs, ClusterIssuers), with server-side apply.
const FieldManager = "terraform-provider-twoi2chub"

var crdResource = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}

// ApplyManifests server-side applies objects (YAML manifests) that live
// outside any Helm release, taking ownership of their fields: a changed
// object is updated in place, a new one created, nothing is deleted. Types
// created by earlier manifests (CRDs) are usable by later ones.
func (c *Client) ApplyManifests(ctx context.Context, manifests []string) error {
	dyn, err := dynamic.NewForConfig(c.restConfig)
	if err != nil {
		return err
	}
	for _, m := range manifests {
		obj, ri, err := c.resolve(dyn, m)
		if err != nil {
			return err
		}
		data, err := obj.MarshalJSON()
		if err != nil {
			return err
		}
		force := true
		if _, err := ri.Patch(ctx, obj.GetName(), types.ApplyPatchType, data, metav1.PatchOptions{FieldManager: FieldManager, Force: &force}); err != nil {
			return fmt.Errorf("applying %s %s: %w", obj.GetKind(), obj.GetName(), err)
		}
		logFrom(ctx)("applied %s %s", obj.GetKind(), obj.GetName())
		if obj.GetKind() == "CustomResourceDefinition" {
			if err := waitEstablished(ctx, dyn, obj.GetName()); err != nil {
				return err
			}
			if d, err := c.cachedDiscovery(); err == nil {
				d.Invalidate()
			}
		}
	}
	return nil
}

// DeleteManifests deletes the objects the manifests name; those already
// gone, or whose type is gone, are skipped.
func (c *Client) DeleteManifests(ctx context.Context, manifests []string) error {
	dyn, err := dynamic.NewForConfig(c.restConfig)
	if err != nil {
		return err
	}
	for _, m := range manifests {
		obj, ri, err := c.resolve(dyn, m)
		if meta.IsNoMatchError(err) {
			continue
		}
		if err != nil {
			return err
		}
		if err := ri.Delete(ctx, obj.GetName(), metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("deleting %s %s: %w", obj.GetKind(), obj.GetName(), err)
		}
	}
	return nil
}

// resolve parses a manifest and finds the API resource serving its kind.
func (c *Client) resolve(dyn dynamic.Interface, manifest string) (*unstructured.Unstructured, dynamic.ResourceInterface, error) {
	obj := &unstructured.Unstructured{}
	if err := yaml.Unmarshal([]byte(manifest), &obj.Object); err != nil {
		return nil, nil, fmt.Errorf("manifest is not valid YAML: %w", err)
	}
	res, namespaced, err := c.resourceFor(obj.GroupVersionKind())
	if meta.IsNoMatchError(err) {
		// A CRD just established may not be in discovery yet.
		if d, derr := c.cachedDiscovery(); derr == nil {
			d.Invalidate()
			res, namespaced, err = c.resourceFor(obj.GroupVersionKind())
		}
	}
	if err != nil {
		return obj, nil, err
	}
	if namespaced {
		return obj, dyn.Resource(res).Namespace(obj.GetNamespace()), nil
	}
	return obj, dyn.Resource(res), nil
}

func (c *Client) resourceFor(gvk schema.GroupVersionKind) (schema.GroupVersionResource, bool, error) {
	d, err := c.cachedDiscovery()
	if err != nil {
		return schema.GroupVersionResource{}, false, err
	}
	mapper := restmapper.NewDeferredDiscoveryRESTMapper(d)
	m, err := mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if err != nil {
		return schema.GroupVersionResource{}, false, err
	}
	return m.Resource, m.Scope.Name() == meta.RESTScopeNameNamespace, nil
}

// waitEstablished waits until the API server serves the CRD's types (its
// Established condition), so that objects of those types can follow.
func waitEstablished(ctx context.Context, dyn dynamic.Interface, name string) error {
	deadline := time.Now().Add(time.Minute)
	for {
		crd, err := dyn.Resource(crdResource).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		conditions, _, _ := unstructured.NestedSlice(crd.Object, "status", "conditions")
		for _, c := range conditions {
			if m, ok := c.(map[string]any); ok && m["type"] == "Established" && m["status"] == "True" {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("CustomResourceDefinition %s was not established within a minute", name)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// CRD is what a refresh needs of a CustomResourceDefinition.
type CRD struct {
	Name        string
	Labels      map[string]string
	Annotations map[string]string
}

// CRDs lists, in one request, the metadata of the CRDs matching selector.
func (c *Client) CRDs(ctx context.Context, selector string) ([]CRD, error) {
	list, err := c.metadata.Resource(crdResource).List(ctx, metav1.ListOptions{LabelSelector: selector})
	if err != nil {
		return nil, err
	}
	out := make([]CRD, len(list.Items))
	for i, item := range list.Items {
		out[i] = CRD{Name: item.Name, Labels: item.Labels, Annotations: item.Annotations}
	}
	return out, nil
}

// EnsureGeneratedSecret creates Secret namespace/name holding a random
// password under key, unless a Secret of that name exists (whatever it
// holds: a person may have set their own). The value is never returned, so
// it cannot reach Terraform state.
func (c *Client) EnsureGeneratedSecret(ctx context.Context, namespace, name string, labels map[string]string, key string, otherData map[string]string) (created bool, err error) {
	_, err = c.clientset.CoreV1().Secrets(namespace).Get(ctx, name, metav1.GetOptions{})
	if err == nil {
		return false, nil
	}
	if !apierrors.IsNotFound(err) {
		return false, err
	}
	buf := make([]byte, 24)
	if _, err := rand.Read(buf); err != nil {
		return false, err
	}
	data := map[string]string{key: hex.EncodeToString(buf)}
	for k, v := range otherData {
		data[k] = v
	}
	s := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: namespace, Labels: labels},
		Type:       corev1.SecretTypeOpaque,
		StringData: data,
	}
	if _, err := c.clientset.CoreV1().Secrets(namespace).Create(ctx, s, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		return false, err
	}
	return true, nil
}

// LabelNamespace merges labels into a namespace's labels (one PATCH).
func (c *Client) LabelNamespace(ctx context.Context, namespace string, labels map[string]string) error {
	if len(labels) == 0 {
		return nil
	}
	patch, err := yaml.Marshal(map[string]any{"metadata": map[string]any{"labels": labels}})
	if err != nil {
		return err
	}
	data, err := yaml.YAMLToJSON(patch)
	if err != nil {
		return err
	}
	_, err = c.clientset.CoreV1().Namespaces().Patch(ctx, namespace, types.MergePatchType, data, metav1.PatchOptions{})
	return err
}

// ServiceAddress returns the external address (IP or host name) of a
// LoadBalancer Service (one GET), "" when it has none yet or is missing.
func (c *Client) ServiceAddress(ctx context.Context, namespace, name string) (string, error) {
	svc, err := c.clientset.CoreV1().Services(namespace).Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return loadBalancerAddress(svc), nil
}
