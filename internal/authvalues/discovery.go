package authvalues

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// DiscoveryTimeout bounds one OpenID Connect discovery request: an issuer
// that does not answer fails the plan instead of hanging it.
const DiscoveryTimeout = 20 * time.Second

// Discoverer discovers issuers' endpoints once per provider process. Each
// issuer is discovered at most once at a time; no lock is held across the
// network call, so a slow issuer holds up only the auths that use it.
type Discoverer struct {
	// Client makes the requests; nil means one with DiscoveryTimeout.
	Client *http.Client

	mu    sync.Mutex
	found map[string]*discovery
}

// discovery is one issuer's discovery, done or under way.
type discovery struct {
	done      chan struct{}
	endpoints Endpoints
	err       error
}

var defaultDiscoveryClient = &http.Client{Timeout: DiscoveryTimeout}

// Endpoints discovers issuer, or returns what an earlier discovery found.
// Failures are not kept: the next call tries again.
func (d *Discoverer) Endpoints(ctx context.Context, issuer string) (Endpoints, error) {
	d.mu.Lock()
	if d.found == nil {
		d.found = map[string]*discovery{}
	}
	run, ok := d.found[issuer]
	if !ok {
		run = &discovery{done: make(chan struct{})}
		d.found[issuer] = run
	}
	d.mu.Unlock()
	if !ok {
		client := d.Client
		if client == nil {
			client = defaultDiscoveryClient
		}
		run.endpoints, run.err = Discover(ctx, client, issuer)
		if run.err != nil {
			d.mu.Lock()
			delete(d.found, issuer)
			d.mu.Unlock()
		}
		close(run.done)
	}
	select {
	case <-run.done:
		return run.endpoints, run.err
	case <-ctx.Done():
		return Endpoints{}, ctx.Err()
	}
}

// Endpoints are what OpenID Connect discovery gives a generic OAuthenticator.
type Endpoints struct {
	Authorize, Token, Userinfo string
}

// Discover reads issuer's /.well-known/openid-configuration (the only network
// access in this package) and returns its endpoints, checking that the
// document is the issuer's own and that every endpoint is https.
func Discover(ctx context.Context, client *http.Client, issuer string) (Endpoints, error) {
	var e Endpoints
	if err := httpsURL(issuer); err != nil {
		return e, err
	}
	u := strings.TrimSuffix(issuer, "/") + "/.well-known/openid-configuration"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return e, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return e, fmt.Errorf("reading %s: %w", u, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return e, fmt.Errorf("reading %s: %s", u, resp.Status)
	}
	var doc struct {
		Issuer   string `json:"issuer"`
		Auth     string `json:"authorization_endpoint"`
		Token    string `json:"token_endpoint"`
		Userinfo string `json:"userinfo_endpoint"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&doc); err != nil {
		return e, fmt.Errorf("%s is not an OpenID configuration: %w", u, err)
	}
	if strings.TrimSuffix(doc.Issuer, "/") != strings.TrimSuffix(issuer, "/") {
		return e, fmt.Errorf("%s names issuer %q, not %q: use the issuer exactly as the server names itself", u, doc.Issuer, issuer)
	}
	for name, v := range map[string]string{"authorization_endpoint": doc.Auth, "token_endpoint": doc.Token, "userinfo_endpoint": doc.Userinfo} {
		if v == "" {
			return e, fmt.Errorf("%s has no %s", u, name)
		}
		if err := httpsURL(v); err != nil {
			return e, fmt.Errorf("%s: %s %v", u, name, err)
		}
	}
	return Endpoints{Authorize: doc.Auth, Token: doc.Token, Userinfo: doc.Userinfo}, nil
}
