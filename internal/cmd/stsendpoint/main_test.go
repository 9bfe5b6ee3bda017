package main

import (
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

func post(t *testing.T, srv *httptest.Server, action string, signed bool) (int, []byte) {
	t.Helper()
	form := url.Values{"Action": {action}, "Version": {"2011-06-15"}}
	req, _ := http.NewRequest("POST", srv.URL+"/", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if signed {
		req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAOFFLINEPLAN00000/20261128/us-east-1/sts/aws4_request")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body
}

func TestGetCallerIdentityAnswersInSTSShape(t *testing.T) {
	srv := httptest.NewServer(handler())
	defer srv.Close()

	status, body := post(t, srv, "GetCallerIdentity", true)
	if status != http.StatusOK {
		t.Fatalf("status %d: %s", status, body)
	}
	// Decoded the way the SDK's query protocol reads it: by namespace and path.
	var got struct {
		XMLName xml.Name
		Account string `xml:"GetCallerIdentityResult>Account"`
		Arn     string `xml:"GetCallerIdentityResult>Arn"`
		UserID  string `xml:"GetCallerIdentityResult>UserId"`
	}
	if err := xml.Unmarshal(body, &got); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	if got.XMLName.Space != "https://sts.amazonaws.com/doc/2011-06-15/" || got.XMLName.Local != "GetCallerIdentityResponse" {
		t.Errorf("root element %v, want STS's GetCallerIdentityResponse", got.XMLName)
	}
	if got.Account != Account || got.Arn != ARN || got.UserID != UserID {
		t.Errorf("identity %+v", got)
	}
	if !strings.HasPrefix(got.Arn, "arn:aws:iam::"+got.Account+":") {
		t.Errorf("ARN %q is not in account %q", got.Arn, got.Account)
	}
}

func TestRefusesWhatTheRealServiceRefuses(t *testing.T) {
	srv := httptest.NewServer(handler())
	defer srv.Close()

	for name, c := range map[string]struct {
		action string
		signed bool
		status int
		code   string
	}{
		"unsigned":     {"GetCallerIdentity", false, http.StatusForbidden, "MissingAuthenticationToken"},
		"other action": {"AssumeRole", true, http.StatusBadRequest, "InvalidAction"},
	} {
		status, body := post(t, srv, c.action, c.signed)
		if status != c.status || !strings.Contains(string(body), "<Code>"+c.code+"</Code>") {
			t.Errorf("%s: status %d, body %s; want %d with %s", name, status, body, c.status, c.code)
		}
	}
}
