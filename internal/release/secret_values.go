package release

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// secretOwnerLabel marks a Secret the provider writes for a release, so that
// it deletes only its own.
const secretOwnerLabel = "twoi2chub.2i2c.org/release"

// SaveSecret writes data into the Secret name, labelled as the release's.
func (c *Client) SaveSecret(ctx context.Context, namespace, releaseName, name string, data map[string][]byte) error {
	s := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: namespace,
			Labels: map[string]string{managedByLabel: managedByValue, secretOwnerLabel: releaseName}},
		Type: corev1.SecretTypeOpaque,
		Data: data,
	}
	secrets := c.clientset.CoreV1().Secrets(namespace)
	_, err := secrets.Create(ctx, s, metav1.CreateOptions{})
	if apierrors.IsAlreadyExists(err) {
		var existing *corev1.Secret
		if existing, err = secrets.Get(ctx, name, metav1.GetOptions{}); err != nil {
			return err
		}
		if existing.Labels[secretOwnerLabel] != releaseName {
			return fmt.Errorf("Secret %s/%s exists and is not the provider's for hub %s: rename or delete it", namespace, name, releaseName)
		}
		s.ResourceVersion = existing.ResourceVersion
		_, err = secrets.Update(ctx, s, metav1.UpdateOptions{})
	}
	return err
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
