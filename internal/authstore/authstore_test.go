package authstore

import (
	"bytes"
	"context"
	"os"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/testbed"
)

func TestMain(m *testing.M) { os.Exit(testbed.RunMain(m)) }

// TestFingerprintKeyKeptAcrossWrites: the key is created once, kept when the
// client secret is written, and differs between auths.
func TestFingerprintKeyKeptAcrossWrites(t *testing.T) {
	cp := testbed.Get(t)
	cs, err := cp.Client()
	if err != nil {
		t.Fatal(err)
	}
	ctx, ns := context.Background(), cp.Namespace(t)
	if _, found, err := FingerprintKeyOf(ctx, cs, ns, "github"); err != nil || found {
		t.Fatalf("before the first apply: found %v, err %v", found, err)
	}
	key, err := EnsureFingerprintKey(ctx, cs, ns, "github")
	if err != nil || len(key) != 32 {
		t.Fatalf("key %x, err %v", key, err)
	}
	if err := SaveSecret(ctx, cs, ns, "github", "gh-secret-value-1"); err != nil {
		t.Fatal(err)
	}
	again, err := EnsureFingerprintKey(ctx, cs, ns, "github")
	if err != nil || !bytes.Equal(again, key) {
		t.Errorf("the key changed: %x then %x (%v)", key, again, err)
	}
	read, found, err := FingerprintKeyOf(ctx, cs, ns, "github")
	if err != nil || !found || !bytes.Equal(read, key) {
		t.Errorf("read back %x, found %v, err %v", read, found, err)
	}
	sum, found, err := SecretChecksum(ctx, cs, ns, ObjectName("github"), SecretKey, key)
	if err != nil || !found || sum != Checksum(key, "gh-secret-value-1") {
		t.Errorf("checksum of the stored secret: %s %v %v", sum, found, err)
	}
	other, err := EnsureFingerprintKey(ctx, cs, ns, "github-2")
	if err != nil || bytes.Equal(other, key) {
		t.Errorf("two auths share a key: %x (%v)", other, err)
	}
	// A managed Secret without a key (made by an earlier version) gets one,
	// and keeps its client secret.
	old := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: ObjectName("legacy")}, Data: map[string][]byte{SecretKey: []byte("s")}}
	if _, err := cs.CoreV1().Secrets(ns).Create(ctx, old, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, found, _ := FingerprintKeyOf(ctx, cs, ns, "legacy"); found {
		t.Error("a legacy Secret has a key")
	}
	if _, err := EnsureFingerprintKey(ctx, cs, ns, "legacy"); err != nil {
		t.Fatal(err)
	}
	s, err := cs.CoreV1().Secrets(ns).Get(ctx, ObjectName("legacy"), metav1.GetOptions{})
	if err != nil || string(s.Data[SecretKey]) != "s" || len(s.Data[FingerprintKey]) != 32 {
		t.Errorf("legacy Secret after keying: %v %v", s.Data, err)
	}
}
