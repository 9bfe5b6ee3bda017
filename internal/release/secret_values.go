package release

import (
	"context"
	"fmt"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/fingerprint"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// secretOwnerLabel marks a Secret the provider writes for a release, so that
// it deletes only its own.
const secretOwnerLabel = "twoi2chub.2i2c.org/release"

// UpdateSecret applies change to the data of the Secret name, labelled as
// the release's, creating it if missing; what change leaves in place (a
// fingerprint key) is kept.
func (c *Client) UpdateSecret(ctx context.Context, namespace, releaseName, name string, change func(map[string][]byte) error) error {
	labels := map[string]string{managedByLabel: managedByValue, secretOwnerLabel: releaseName}
	return fingerprint.UpdateSecret(ctx, c.clientset, namespace, name, labels, func(s *corev1.Secret) error {
		if s.Labels[secretOwnerLabel] != releaseName {
			return fmt.Errorf("Secret %s/%s exists and is not the provider's for hub %s: rename or delete it", namespace, name, releaseName)
		}
		return nil
	}, change)
}

// DeleteSecret deletes the Secret name if the provider wrote it for the
// release; a Secret of anyone else stays.
func (c *Client) DeleteSecret(ctx context.Context, namespace, releaseName, name string) error {
	s, err := c.clientset.CoreV1().Secrets(namespace).Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if s.Labels[secretOwnerLabel] != releaseName {
		return nil
	}
	err = c.clientset.CoreV1().Secrets(namespace).Delete(ctx, name, metav1.DeleteOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	return err
}

// SecretKey reads one key of a Secret; found is false when the Secret or
// the key does not exist.
func (c *Client) SecretKey(ctx context.Context, namespace, name, key string) (value []byte, found bool, err error) {
	s, err := c.clientset.CoreV1().Secrets(namespace).Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	value, found = s.Data[key]
	return value, found, nil
}
