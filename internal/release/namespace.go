package release

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
)

const (
	// CreatedForAnnotation marks a namespace the provider created for a
	// release; only such namespaces are ever deleted by it.
	CreatedForAnnotation = "twoi2chub.2i2c.org/created-for-release"
	managedByLabel       = "app.kubernetes.io/managed-by"
	managedByValue       = "terraform-provider-twoi2chub"
)

// NamespaceLabels are labels a release puts on its namespace (a hub's cost
// labels).
type NamespaceLabels struct {
	// Want are the labels the namespace must carry.
	Want map[string]string
	// Drop are keys the release set before and no longer sets.
	Drop []string
	// Owner is the key that names the release labelling the namespace, and
	// OwnerValue this release's value of it: when the namespace's names
	// another release, the namespace is that one's to label and is left
	// alone, so two hubs sharing a namespace do not relabel it in turn.
	Owner, OwnerValue string
}

// Patch is the change that brings current to l: the labels to set, and the
// dropped ones to remove (as nil); nil when nothing is to change.
func (l NamespaceLabels) Patch(current map[string]string) map[string]*string {
	if owner, ok := current[l.Owner]; l.Owner != "" && ok && owner != l.OwnerValue {
		return nil
	}
	out := map[string]*string{}
	for k, v := range l.Want {
		if cur, ok := current[k]; !ok || cur != v {
			out[k] = &v
		}
	}
	for _, k := range l.Drop {
		if _, ok := current[k]; ok {
			if _, wanted := l.Want[k]; !wanted {
				out[k] = nil
			}
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// EnsureNamespace creates the namespace for a release if it does not exist,
// with labels' labels; an existing namespace gets them by a merge patch
// (labels set by others are kept).
func (c *Client) EnsureNamespace(ctx context.Context, namespace, releaseName string, labels NamespaceLabels) (created bool, err error) {
	existing, err := c.clientset.CoreV1().Namespaces().Get(ctx, namespace, metav1.GetOptions{})
	if err == nil {
		return false, c.labelNamespace(ctx, existing, labels)
	}
	if !apierrors.IsNotFound(err) {
		return false, err
	}
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{
		Name:        namespace,
		Labels:      map[string]string{managedByLabel: managedByValue},
		Annotations: map[string]string{CreatedForAnnotation: releaseName},
	}}
	for k, v := range labels.Want {
		ns.Labels[k] = v
	}
	if _, err := c.clientset.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); apierrors.IsAlreadyExists(err) {
		// Made meanwhile by someone else (an auth of the same hub): label it.
		existing, err := c.clientset.CoreV1().Namespaces().Get(ctx, namespace, metav1.GetOptions{})
		if err != nil {
			return false, err
		}
		return false, c.labelNamespace(ctx, existing, labels)
	} else if err != nil {
		return false, err
	}
	c.listings.namespaces.forget()
	return true, nil
}

func (c *Client) labelNamespace(ctx context.Context, ns *corev1.Namespace, labels NamespaceLabels) error {
	patch := labels.Patch(ns.Labels)
	if patch == nil {
		return nil
	}
	body, err := json.Marshal(map[string]any{"metadata": map[string]any{"labels": patch}})
	if err != nil {
		return err
	}
	if _, err := c.clientset.CoreV1().Namespaces().Patch(ctx, ns.Name, types.MergePatchType, body, metav1.PatchOptions{}); err != nil {
		return fmt.Errorf("labelling namespace %s: %w", ns.Name, err)
	}
	c.listings.namespaces.forget()
	return nil
}

// NamespaceLabelsOf returns a namespace's labels (nil, false when it does not
// exist), from one listing of every namespace's metadata shared by all the
// hubs of a plan, so that checking each hub's namespace labels costs no
// request per hub. Where listing namespaces is forbidden, the namespace is read.
func (c *Client) NamespaceLabelsOf(ctx context.Context, namespace string) (map[string]string, bool, error) {
	all, err := c.listings.namespaces.get(func() (map[string]map[string]string, error) {
		list, err := c.metadata.Resource(namespacesResource).List(ctx, metav1.ListOptions{})
		if apierrors.IsForbidden(err) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		out := make(map[string]map[string]string, len(list.Items))
		for _, item := range list.Items {
			out[item.GetName()] = item.GetLabels()
		}
		return out, nil
	})
	if err != nil {
		return nil, false, err
	}
	if all != nil {
		labels, ok := all[namespace]
		return labels, ok, nil
	}
	ns, err := c.clientset.CoreV1().Namespaces().Get(ctx, namespace, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return ns.Labels, true, nil
}

var namespacesResource = schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}

// Cleanup is what happened to a hub's data and namespace after uninstall.
type Cleanup struct {
	KeptClaims       []string // PersistentVolumeClaims left in place
	DeletedClaims    []string
	NamespaceDeleted bool
}

// CleanupAfterUninstall deals with what outlives a release: users' home
// claims (made by KubeSpawner, not by Helm), the kept hub database claim and
// the namespace. Without deleteUserData every claim stays, and so does the
// namespace holding them. With it, only this release's claims go (KubeSpawner
// labels users' claims with the release; Helm annotates its own), never
// another hub's in the same namespace; and the namespace goes only if the
// provider created it for this release and neither claims nor other releases
// are left in it.
func (c *Client) CleanupAfterUninstall(ctx context.Context, namespace, releaseName string, deleteUserData bool) (Cleanup, error) {
	var out Cleanup
	claims, err := c.clientset.CoreV1().PersistentVolumeClaims(namespace).List(ctx, metav1.ListOptions{})
	if apierrors.IsNotFound(err) {
		return out, nil
	}
	if err != nil {
		return out, err
	}
	for _, pvc := range claims.Items {
		ours := pvc.Labels["release"] == releaseName || pvc.Labels["app.kubernetes.io/instance"] == releaseName ||
			(pvc.Annotations["meta.helm.sh/release-name"] == releaseName && pvc.Annotations["meta.helm.sh/release-namespace"] == namespace)
		if deleteUserData && ours {
			if err := c.clientset.CoreV1().PersistentVolumeClaims(namespace).Delete(ctx, pvc.Name, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
				return out, fmt.Errorf("deleting claim %s/%s: %w", namespace, pvc.Name, err)
			}
			out.DeletedClaims = append(out.DeletedClaims, pvc.Name)
			continue
		}
		out.KeptClaims = append(out.KeptClaims, pvc.Name)
	}
	sort.Strings(out.KeptClaims)
	sort.Strings(out.DeletedClaims)

	ns, err := c.clientset.CoreV1().Namespaces().Get(ctx, namespace, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return out, nil
	}
	if err != nil {
		return out, err
	}
	if ns.Labels[managedByLabel] != managedByValue || ns.Annotations[CreatedForAnnotation] != releaseName || len(out.KeptClaims) > 0 {
		return out, nil
	}
	others, err := c.metadata.Resource(secretsResource).Namespace(namespace).List(ctx, metav1.ListOptions{LabelSelector: "owner=helm"})
	if err != nil {
		return out, err
	}
	for _, o := range others.Items {
		if o.Labels["name"] != releaseName {
			return out, nil // another release lives here
		}
	}
	if err := c.clientset.CoreV1().Namespaces().Delete(ctx, namespace, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
		return out, err
	}
	out.NamespaceDeleted = true
	return out, nil
}

func (c Cleanup) String() string {
	var parts []string
	if len(c.KeptClaims) > 0 {
		parts = append(parts, "kept claims: "+strings.Join(c.KeptClaims, ", "))
	}
	if len(c.DeletedClaims) > 0 {
		parts = append(parts, "deleted claims: "+strings.Join(c.DeletedClaims, ", "))
	}
	if c.NamespaceDeleted {
		parts = append(parts, "namespace deleted")
	}
	return strings.Join(parts, "; ")
}
