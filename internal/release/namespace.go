package release

import (
	"context"
	"fmt"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

const (
	// CreatedForAnnotation marks a namespace the provider created for a
	// release; only such namespaces are ever deleted by it.
	CreatedForAnnotation = "twoi2chub.2i2c.org/created-for-release"
	managedByLabel       = "app.kubernetes.io/managed-by"
	managedByValue       = "terraform-provider-twoi2chub"
)

// EnsureNamespace creates the namespace for a release if it does not exist.
func (c *Client) EnsureNamespace(ctx context.Context, namespace, releaseName string) (created bool, err error) {
	_, err = c.clientset.CoreV1().Namespaces().Get(ctx, namespace, metav1.GetOptions{})
	if err == nil {
		return false, nil
	}
	if !apierrors.IsNotFound(err) {
		return false, err
	}
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{
		Name:        namespace,
		Labels:      map[string]string{managedByLabel: managedByValue},
		Annotations: map[string]string{CreatedForAnnotation: releaseName},
	}}
	if _, err := c.clientset.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		return false, err
	}
	return true, nil
}

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
