package release

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// pullSecretCopyLabel marks the provider's copies of pull secrets from
// other namespaces, so that those a hub no longer names are found and deleted.
const pullSecretCopyLabel = "twoi2chub.2i2c.org/pull-secret-copy"

// SyncPullSecretCopies makes the release's copies of pull secrets in
// namespace exactly copies (name to .dockerconfigjson content): it writes
// each, and deletes the release's copies not among them. A Secret of the
// same name that is not the release's copy is left alone, with an error.
func (c *Client) SyncPullSecretCopies(ctx context.Context, namespace, releaseName string, copies map[string][]byte) error {
	secrets := c.clientset.CoreV1().Secrets(namespace)
	for name, data := range copies {
		s := &corev1.Secret{
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: namespace,
				Labels: map[string]string{managedByLabel: managedByValue, secretOwnerLabel: releaseName, pullSecretCopyLabel: "true"}},
			Type: corev1.SecretTypeDockerConfigJson,
			Data: map[string][]byte{corev1.DockerConfigJsonKey: data},
		}
		_, err := secrets.Create(ctx, s, metav1.CreateOptions{})
		if apierrors.IsAlreadyExists(err) {
			var existing *corev1.Secret
			if existing, err = secrets.Get(ctx, name, metav1.GetOptions{}); err != nil {
				return err
			}
			if existing.Labels[secretOwnerLabel] != releaseName || existing.Labels[pullSecretCopyLabel] != "true" {
				return fmt.Errorf("Secret %s/%s exists and is not the provider's copy for hub %s: delete it, or pull with it through image_pull_secrets", namespace, name, releaseName)
			}
			s.ResourceVersion = existing.ResourceVersion
			_, err = secrets.Update(ctx, s, metav1.UpdateOptions{})
		}
		if err != nil {
			return fmt.Errorf("writing pull secret %s/%s: %w", namespace, name, err)
		}
	}
	list, err := secrets.List(ctx, metav1.ListOptions{LabelSelector: secretOwnerLabel + "=" + releaseName + "," + pullSecretCopyLabel + "=true"})
	if err != nil {
		return err
	}
	for _, s := range list.Items {
		if _, keep := copies[s.Name]; keep {
			continue
		}
		if err := secrets.Delete(ctx, s.Name, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("deleting pull secret %s/%s, which the hub no longer names: %w", namespace, s.Name, err)
		}
	}
	return nil
}
