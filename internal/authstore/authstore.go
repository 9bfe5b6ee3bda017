// Package authstore keeps a twoi2chub_auth in the hub's namespace: a
// ConfigMap with its settings (so it can be imported and drift detected) and,
// when the client secret is given to Terraform, the Secret holding it. It also
// fingerprints the client secret so a change restarts the hub.
package authstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

const (
	// SecretKey is the key of the managed Secret that holds the client secret.
	SecretKey    = "client-secret"
	settingsKey  = "settings.json"
	managedLabel = "app.kubernetes.io/managed-by"
	managedValue = "terraform-provider-twoi2chub"
	partOfLabel  = "twoi2chub.2i2c.org/auth"
)

// ObjectName names the ConfigMap and managed Secret of an auth.
func ObjectName(name string) string { return "twoi2chub-auth-" + name }

// Checksum fingerprints a client secret, salted with where it lives so equal
// secrets of two hubs differ; only the fingerprint is ever stored in state.
func Checksum(namespace, name, secret string) string {
	sum := sha256.Sum256([]byte(namespace + "/" + name + "\x00" + secret))
	return hex.EncodeToString(sum[:])
}

func labels(name string) map[string]string {
	return map[string]string{managedLabel: managedValue, partOfLabel: name}
}

// EnsureNamespace creates namespace if missing, labelled as the provider's
// (a hub deletes such a namespace on destroy when no user data is left in it).
func EnsureNamespace(ctx context.Context, cs kubernetes.Interface, namespace string) error {
	_, err := cs.CoreV1().Namespaces().Get(ctx, namespace, metav1.GetOptions{})
	if err == nil || !apierrors.IsNotFound(err) {
		return err
	}
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: namespace, Labels: map[string]string{managedLabel: managedValue}}}
	if _, err := cs.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		return err
	}
	return nil
}

// SaveSettings writes the auth's settings (JSON, no secrets) to its ConfigMap.
func SaveSettings(ctx context.Context, cs kubernetes.Interface, namespace, name string, settings []byte) error {
	cm := &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: ObjectName(name), Namespace: namespace, Labels: labels(name)},
		Data:       map[string]string{settingsKey: string(settings)},
	}
	return upsert(ctx, func() error {
		_, err := cs.CoreV1().ConfigMaps(namespace).Create(ctx, cm, metav1.CreateOptions{})
		return err
	}, func() error {
		_, err := cs.CoreV1().ConfigMaps(namespace).Update(ctx, cm, metav1.UpdateOptions{})
		return err
	})
}

// LoadSettings reads the settings back; found is false when the ConfigMap is gone.
func LoadSettings(ctx context.Context, cs kubernetes.Interface, namespace, name string) (settings []byte, found bool, err error) {
	cm, err := cs.CoreV1().ConfigMaps(namespace).Get(ctx, ObjectName(name), metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return []byte(cm.Data[settingsKey]), true, nil
}

// SaveSecret writes the client secret to the auth's managed Secret.
func SaveSecret(ctx context.Context, cs kubernetes.Interface, namespace, name, secret string) error {
	s := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: ObjectName(name), Namespace: namespace, Labels: labels(name)},
		Type:       corev1.SecretTypeOpaque,
		Data:       map[string][]byte{SecretKey: []byte(secret)},
	}
	return upsert(ctx, func() error {
		_, err := cs.CoreV1().Secrets(namespace).Create(ctx, s, metav1.CreateOptions{})
		return err
	}, func() error {
		_, err := cs.CoreV1().Secrets(namespace).Update(ctx, s, metav1.UpdateOptions{})
		return err
	})
}

// SecretChecksum fingerprints the client secret stored at secretName/key.
// found is false when the Secret or key does not exist.
func SecretChecksum(ctx context.Context, cs kubernetes.Interface, namespace, name, secretName, key string) (sum string, found bool, err error) {
	s, err := cs.CoreV1().Secrets(namespace).Get(ctx, secretName, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	v, ok := s.Data[key]
	if !ok {
		return "", false, nil
	}
	return Checksum(namespace, name, string(v)), true, nil
}

// Delete removes the auth's ConfigMap and managed Secret. A Secret the auth
// only referenced is not the auth's, and stays.
func Delete(ctx context.Context, cs kubernetes.Interface, namespace, name string) error {
	for _, del := range []func() error{
		func() error {
			return cs.CoreV1().ConfigMaps(namespace).Delete(ctx, ObjectName(name), metav1.DeleteOptions{})
		},
		func() error {
			s, err := cs.CoreV1().Secrets(namespace).Get(ctx, ObjectName(name), metav1.GetOptions{})
			if err != nil {
				return err
			}
			if s.Labels[partOfLabel] != name {
				return nil
			}
			return cs.CoreV1().Secrets(namespace).Delete(ctx, s.Name, metav1.DeleteOptions{})
		},
	} {
		if err := del(); err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("deleting the auth's objects in %s: %w", namespace, err)
		}
	}
	return nil
}

func upsert(_ context.Context, create, update func() error) error {
	err := create()
	if apierrors.IsAlreadyExists(err) {
		return update()
	}
	return err
}
