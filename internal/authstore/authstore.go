// Package authstore keeps a twoi2chub_auth in the hub's namespace: a
// ConfigMap with its settings (so it can be imported and drift detected) and
// the auth's managed Secret, which holds the key of the client secret's
// fingerprint and, when the client secret is given to Terraform, the secret
// itself. The fingerprint makes a change of the secret restart the hub.
package authstore

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/fingerprint"
)

const (
	// SecretKey is the key of the managed Secret that holds the client secret.
	SecretKey = "client-secret"
	// FingerprintKey is the key of the managed Secret that holds the random
	// key of the client secret's fingerprint.
	FingerprintKey = fingerprint.DataKey
	settingsKey    = "settings.json"
	managedLabel   = "app.kubernetes.io/managed-by"
	managedValue   = "terraform-provider-twoi2chub"
	partOfLabel    = "twoi2chub.2i2c.org/auth"
)

// ObjectName names the ConfigMap and managed Secret of an auth.
func ObjectName(name string) string { return "twoi2chub-auth-" + name }

// Checksum fingerprints a client secret with the auth's fingerprint key
// (package fingerprint).
func Checksum(key []byte, secret string) string { return fingerprint.Sum(key, secret) }

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

// FingerprintKeyOf reads the auth's fingerprint key; found is false while
// the managed Secret or its key does not exist (before the first apply, or
// an auth made by a provider version that hashed the secret plainly).
func FingerprintKeyOf(ctx context.Context, cs kubernetes.Interface, namespace, name string) (key []byte, found bool, err error) {
	return fingerprint.KeyOf(ctx, cs, namespace, ObjectName(name))
}

// EnsureFingerprintKey returns the auth's fingerprint key, creating it once
// (32 random bytes in the managed Secret); later applies keep it.
func EnsureFingerprintKey(ctx context.Context, cs kubernetes.Interface, namespace, name string) ([]byte, error) {
	var key []byte
	err := updateManaged(ctx, cs, namespace, name, func(data map[string][]byte) error {
		var err error
		key, err = fingerprint.Ensure(data)
		return err
	})
	return key, err
}

// SaveSecret writes the client secret to the auth's managed Secret, keeping
// the fingerprint key beside it.
func SaveSecret(ctx context.Context, cs kubernetes.Interface, namespace, name, secret string) error {
	return updateManaged(ctx, cs, namespace, name, func(data map[string][]byte) error {
		data[SecretKey] = []byte(secret)
		return nil
	})
}

// updateManaged applies change to the managed Secret's data, creating the
// Secret if missing.
func updateManaged(ctx context.Context, cs kubernetes.Interface, namespace, name string, change func(map[string][]byte) error) error {
	return fingerprint.UpdateSecret(ctx, cs, namespace, ObjectName(name), labels(name), nil, change)
}

// SecretChecksum fingerprints, with fingerprintKey, the client secret stored
// at secretName/key. found is false when the Secret or key does not exist.
func SecretChecksum(ctx context.Context, cs kubernetes.Interface, namespace, secretName, key string, fingerprintKey []byte) (sum string, found bool, err error) {
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
	return Checksum(fingerprintKey, string(v)), true, nil
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
