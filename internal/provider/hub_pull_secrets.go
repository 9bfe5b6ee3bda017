package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/hubvalues"
)

// checkPullSecrets reads the hub's pull secrets when its settings change: a
// Secret that cannot hold registry credentials fails the plan; a missing
// one warns at plan (it may be created in the same apply) and fails at
// apply, since no server could pull its image.
func (r *HubResource) checkPullSecrets(ctx context.Context, h hubvalues.Hub, ns string, atApply bool, diags *diag.Diagnostics) {
	if len(h.ImagePullSecrets) == 0 || r.data.conn.Unknown() {
		return
	}
	cs, err := r.data.conn.Clientset()
	if err != nil {
		return // reported where the cluster is needed
	}
	at := path.Root("image_pull_secrets")
	for _, name := range h.ImagePullSecrets {
		s, found, err := getSecret(ctx, cs, ns, name)
		switch {
		case err != nil:
			diags.AddAttributeWarning(at, "Pull secret not checked", fmt.Sprintf("Could not read Secret %s/%s: %v.", ns, name, err))
		case !found && atApply:
			addAttrError(diags, at, "Pull secret not found",
				fmt.Sprintf("Secret %s/%s does not exist, so no pod of the hub could pull a private image with it. Create it first "+
					"(kubectl -n %s create secret docker-registry %s ..., or a kubernetes_secret_v1 the hub depends on).", ns, name, ns, name))
		case !found:
			diags.AddAttributeWarning(at, "Pull secret not found yet",
				fmt.Sprintf("Secret %s/%s does not exist yet. It must exist before the hub is applied: make the hub depend on the resource that creates it.", ns, name))
		case s.Type != corev1.SecretTypeDockerConfigJson:
			addAttrError(diags, at, "Not a pull secret",
				fmt.Sprintf("Secret %s/%s is of type %q; a pull secret is of type %q, with the key %q "+
					"(kubectl create secret docker-registry makes one).", ns, name, s.Type, corev1.SecretTypeDockerConfigJson, corev1.DockerConfigJsonKey))
		}
	}
}

// getSecret reads a Secret; found is false when it does not exist.
func getSecret(ctx context.Context, cs kubernetes.Interface, ns, name string) (*corev1.Secret, bool, error) {
	s, err := cs.CoreV1().Secrets(ns).Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil, false, nil
	}
	return s, err == nil, err
}
