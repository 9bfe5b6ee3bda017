package main

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestTokenCarriesTheClaimsAzurermReads(t *testing.T) {
	now := time.Date(2026, 11, 27, 21, 0, 0, 0, time.UTC)
	srv := httptest.NewServer(handler(func() time.Time { return now }))
	defer srv.Close()

	req, _ := http.NewRequest("GET", srv.URL+tokenPath+"?api-version=2018-02-01&resource=https%3A%2F%2Fmanagement.azure.com%2F", nil)
	req.Header.Set("Metadata", "true")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	var body map[string]string
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	if body["token_type"] != "Bearer" || body["expires_in"] != "3600" || body["resource"] != "https://management.azure.com/" {
		t.Errorf("response %v: want a Bearer token for the resource asked, valid an hour", body)
	}
	parts := strings.Split(body["access_token"], ".")
	if len(parts) != 3 {
		t.Fatalf("access_token %q is not a JWT", body["access_token"])
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var claims map[string]any
	if err := json.Unmarshal(raw, &claims); err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{"oid", "tid", "appid"} {
		if claims[c] != ZeroID {
			t.Errorf("claim %s = %v, want %s", c, claims[c], ZeroID)
		}
	}
	if claims["aud"] != "https://management.azure.com/" || claims["exp"] != float64(now.Add(time.Hour).Unix()) {
		t.Errorf("claims %v: want the resource as audience and an expiry an hour ahead", claims)
	}
}

func TestRefusesRequestsThatAreNotMetadataRequests(t *testing.T) {
	srv := httptest.NewServer(handler(time.Now))
	defer srv.Close()
	for name, tc := range map[string]struct {
		query, header string
	}{
		"no Metadata header": {"?resource=x", ""},
		"no resource":        {"", "true"},
	} {
		req, _ := http.NewRequest("GET", srv.URL+tokenPath+tc.query, nil)
		if tc.header != "" {
			req.Header.Set("Metadata", tc.header)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", name, resp.StatusCode)
		}
	}
}
