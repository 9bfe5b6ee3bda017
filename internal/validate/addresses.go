package validate

import (
	"fmt"
	"net"
	"net/url"
)

// LetsEncryptStaging is Let's Encrypt's staging ACME server: certificates
// browsers do not trust, and rate limits generous enough for tests.
const LetsEncryptStaging = "https://acme-staging-v02.api.letsencrypt.org/directory"

// IPAddress checks a static IP address such as a reserved load balancer IP.
func IPAddress(s string) error {
	if net.ParseIP(s) == nil {
		return fmt.Errorf("%q is not an IP address: write a reserved address such as \"203.0.113.10\"", s)
	}
	return nil
}

// ACMEServer checks an ACME directory URL.
func ACMEServer(s string) error {
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return fmt.Errorf("%q is not an ACME directory URL: write an https:// URL such as %q (Let's Encrypt's staging server)", s, LetsEncryptStaging)
	}
	return nil
}
