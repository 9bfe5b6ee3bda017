package provider

import (
	"context"
	"fmt"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/hubvalues"
	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/imagebuild"
)

// checkPullSecrets reads the hub's pull secrets when its settings change: a
// Secret that cannot hold registry credentials fails the plan; a missing
// one warns at plan (it may be created in the same apply) and fails at
// apply, since no server could pull its image. It returns the credentials
// it read, for the plan's image checks, and the content of the copies of
// image_pull_secrets_from to write into the hub's namespace at apply.
func (r *HubResource) checkPullSecrets(ctx context.Context, h hubvalues.Hub, ns string, atApply bool, diags *diag.Diagnostics) (authn.Keychain, map[string][]byte) {
	if (len(h.ImagePullSecrets) == 0 && len(h.ImagePullSecretsFrom) == 0) || r.data.conn.Unknown() {
		return nil, nil
	}
	cs, err := r.data.conn.Clientset()
	if err != nil {
		return nil, nil // reported where the cluster is needed
	}
	type pullSecretAt struct {
		ns, name string
		at       path.Path
		copy     bool
	}
	var all []pullSecretAt
	for _, name := range h.ImagePullSecrets {
		all = append(all, pullSecretAt{ns, name, path.Root("image_pull_secrets"), false})
	}
	for i, src := range h.ImagePullSecretsFrom {
		all = append(all, pullSecretAt{src.Namespace, src.Name, path.Root("image_pull_secrets_from").AtListIndex(i), true})
	}
	var keychains []authn.Keychain
	copies := map[string][]byte{}
	for _, p := range all {
		s, found, err := getSecret(ctx, cs, p.ns, p.name)
		switch {
		case err != nil:
			diags.AddAttributeWarning(p.at, "Pull secret not checked", fmt.Sprintf("Could not read Secret %s/%s: %v.", p.ns, p.name, err))
		case !found && atApply:
			addAttrError(diags, p.at, "Pull secret not found",
				fmt.Sprintf("Secret %s/%s does not exist, so no pod of the hub could pull a private image with it. Create it first "+
					"(kubectl -n %s create secret docker-registry %s ..., or a kubernetes_secret_v1 the hub depends on).", p.ns, p.name, p.ns, p.name))
		case !found:
			diags.AddAttributeWarning(p.at, "Pull secret not found yet",
				fmt.Sprintf("Secret %s/%s does not exist yet. It must exist before the hub is applied: make the hub depend on the resource that creates it.", p.ns, p.name))
		case s.Type != corev1.SecretTypeDockerConfigJson:
			addAttrError(diags, p.at, "Not a pull secret",
				fmt.Sprintf("Secret %s/%s is of type %q; a pull secret is of type %q, with the key %q "+
					"(kubectl create secret docker-registry makes one).", p.ns, p.name, s.Type, corev1.SecretTypeDockerConfigJson, corev1.DockerConfigJsonKey))
		default:
			data := s.Data[corev1.DockerConfigJsonKey]
			if kc, err := imagebuild.ParseDockerConfig(data); err == nil {
				keychains = append(keychains, kc)
			} else {
				addAttrError(diags, p.at, "Not a pull secret", fmt.Sprintf("Secret %s/%s: %v.", p.ns, p.name, err))
			}
			if p.copy {
				copies[hubvalues.PullSecretCopyName(hubvalues.PullSecretSource{Namespace: p.ns, Name: p.name})] = data
			}
		}
	}
	if len(keychains) == 0 {
		return nil, copies
	}
	return authn.NewMultiKeychain(keychains...), copies
}

// syncPullSecretCopies writes the copies of image_pull_secrets_from into
// the hub's namespace and deletes the copies it no longer names.
func (r *HubResource) syncPullSecretCopies(ctx context.Context, m *hubModel, copies map[string][]byte, diags *diag.Diagnostics) {
	client := r.client(diags)
	if client == nil {
		return
	}
	if err := client.SyncPullSecretCopies(ctx, m.Namespace.ValueString(), m.Name.ValueString(), copies); err != nil {
		addAttrError(diags, path.Root("image_pull_secrets_from"), "Cannot copy the pull secrets", err.Error())
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
