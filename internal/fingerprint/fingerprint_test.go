package fingerprint

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"testing"
)

// TestSumIsKeyed: the fingerprint depends on the key, and is neither the
// plain SHA-256 of the secret nor the salted one earlier versions stored
// (for auths' client secrets and hubs' secret values alike).
func TestSumIsKeyed(t *testing.T) {
	const secret = "secret-value-1"
	k1, k2 := bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32)
	a, b := Sum(k1, secret), Sum(k2, secret)
	if a == b {
		t.Errorf("two keys give the same fingerprint %s", a)
	}
	if a != Sum(k1, secret) || a == Sum(k1, secret+"x") {
		t.Error("the fingerprint is not a function of key and secret")
	}
	plain := sha256.Sum256([]byte(secret))
	salted := sha256.Sum256([]byte("hackweek/hub\x00" + secret))
	for _, h := range []string{hex.EncodeToString(plain[:]), hex.EncodeToString(salted[:])} {
		if a == h || b == h {
			t.Errorf("fingerprint %s is a plain hash of the secret", h)
		}
	}
}

// TestEnsureKeepsKey: a key is made once, 32 random bytes, and kept; two
// Secrets get different keys.
func TestEnsureKeepsKey(t *testing.T) {
	data := map[string][]byte{"values.yaml": []byte("hub: {}")}
	key, err := Ensure(data)
	if err != nil || len(key) != 32 || !bytes.Equal(data[DataKey], key) {
		t.Fatalf("key %x in %v, err %v", key, data, err)
	}
	again, err := Ensure(data)
	if err != nil || !bytes.Equal(again, key) {
		t.Errorf("the key changed: %x then %x (%v)", key, again, err)
	}
	other, _ := Ensure(map[string][]byte{})
	if bytes.Equal(other, key) {
		t.Error("two Secrets got the same key")
	}
}
