// Package fingerprint fingerprints secrets for state: an HMAC-SHA256 keyed by
// a random key that only the cluster holds, in a Secret beside the secret it
// fingerprints. State, plans and pod annotations see the fingerprint, which
// changes when the secret does; without the key nobody can test guesses of
// the secret against it, as they could against a plain or salted hash.
package fingerprint

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// DataKey is the key of a Secret's data that holds its fingerprint key.
const DataKey = "fingerprint-key"

// Sum fingerprints secret with key.
func Sum(key []byte, secret string) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(secret))
	return hex.EncodeToString(mac.Sum(nil))
}

// Ensure returns the fingerprint key in a Secret's data, adding 32 random
// bytes first if it has none; a key once made is kept.
func Ensure(data map[string][]byte) ([]byte, error) {
	if k := data[DataKey]; len(k) > 0 {
		return k, nil
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	data[DataKey] = key
	return key, nil
}

// KeyOf reads the fingerprint key kept in Secret namespace/secretName; found
// is false while the Secret or its key does not exist (before the first
// apply, or a Secret written by a provider version that hashed plainly).
func KeyOf(ctx context.Context, cs kubernetes.Interface, namespace, secretName string) (key []byte, found bool, err error) {
	s, err := cs.CoreV1().Secrets(namespace).Get(ctx, secretName, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	key = s.Data[DataKey]
	return key, len(key) > 0, nil
}

// UpdateSecret applies change to the data of Secret namespace/name (one that
// keeps a fingerprint key beside what it fingerprints), creating it with
// labels if missing and writing it back only when something changed. owned,
// if given, refuses an existing Secret that is not the caller's.
func UpdateSecret(ctx context.Context, cs kubernetes.Interface, namespace, name string, labels map[string]string,
	owned func(*corev1.Secret) error, change func(map[string][]byte) error) error {
	secrets := cs.CoreV1().Secrets(namespace)
	for attempt := 0; ; attempt++ {
		s, err := secrets.Get(ctx, name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			s = &corev1.Secret{
				ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: namespace, Labels: labels},
				Type:       corev1.SecretTypeOpaque,
				Data:       map[string][]byte{},
			}
			if err := change(s.Data); err != nil {
				return err
			}
			_, err = secrets.Create(ctx, s, metav1.CreateOptions{})
			if apierrors.IsAlreadyExists(err) && attempt < 3 {
				continue // created meanwhile: change that one
			}
			return err
		}
		if err != nil {
			return err
		}
		if owned != nil {
			if err := owned(s); err != nil {
				return err
			}
		}
		before := make(map[string]string, len(s.Data))
		for k, v := range s.Data {
			before[k] = string(v)
		}
		if s.Data == nil {
			s.Data = map[string][]byte{}
		}
		if err := change(s.Data); err != nil {
			return err
		}
		if sameData(before, s.Data) {
			return nil
		}
		_, err = secrets.Update(ctx, s, metav1.UpdateOptions{})
		if apierrors.IsConflict(err) && attempt < 3 {
			continue // changed meanwhile: read it again
		}
		return err
	}
}

func sameData(before map[string]string, after map[string][]byte) bool {
	if len(before) != len(after) {
		return false
	}
	for k, v := range after {
		if b, ok := before[k]; !ok || b != string(v) {
			return false
		}
	}
	return true
}
