package authvalues

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// issuers serves OpenID configurations for any realm but "missing" on one
// loopback TLS server; before answering for a realm it runs its hook, if any.
type issuers struct {
	srv      *httptest.Server
	requests atomic.Int64
	hooks    map[string]func(r *http.Request)
}

func newIssuers(t *testing.T, hooks map[string]func(*http.Request)) *issuers {
	is := &issuers{hooks: hooks}
	is.srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		is.requests.Add(1)
		realm, ok := strings.CutSuffix(strings.TrimPrefix(r.URL.Path, "/realms/"), "/.well-known/openid-configuration")
		if !ok || realm == "missing" {
			http.NotFound(w, r)
			return
		}
		if hook := is.hooks[realm]; hook != nil {
			hook(r)
		}
		base := is.srv.URL + "/realms/" + realm
		_ = json.NewEncoder(w).Encode(map[string]string{
			"issuer": base, "authorization_endpoint": base + "/auth", "token_endpoint": base + "/token", "userinfo_endpoint": base + "/userinfo",
		})
	}))
	t.Cleanup(is.srv.Close)
	return is
}

func (is *issuers) issuer(realm string) string { return is.srv.URL + "/realms/" + realm }

// TestDiscovererTimesOut: an issuer that never answers fails discovery when
// the client's timeout fires, instead of hanging the plan.
func TestDiscovererTimesOut(t *testing.T) {
	release := make(chan struct{})
	is := newIssuers(t, map[string]func(*http.Request){
		"slow": func(r *http.Request) {
			select {
			case <-release:
			case <-r.Context().Done():
			}
		},
	})
	defer close(release)
	client := is.srv.Client()
	client.Timeout = 200 * time.Millisecond
	d := &Discoverer{Client: client}
	errc := make(chan error, 1)
	go func() {
		_, err := d.Endpoints(context.Background(), is.issuer("slow"))
		errc <- err
	}()
	select {
	case err := <-errc:
		if err == nil || !strings.Contains(err.Error(), "Timeout exceeded") {
			t.Errorf("discovery of a silent issuer: %v; want the client's timeout", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("discovery of a silent issuer never returned: the client has no timeout")
	}
	if defaultDiscoveryClient.Timeout != DiscoveryTimeout || DiscoveryTimeout <= 0 {
		t.Errorf("the default discovery client has timeout %v", defaultDiscoveryClient.Timeout)
	}
}

// TestDiscovererDoesNotSerialize: while one issuer is slow to answer, another
// issuer's discovery goes ahead. The slow issuer answers only once the other
// one's request has arrived, which never happens if a lock is held across
// the first request.
func TestDiscovererDoesNotSerialize(t *testing.T) {
	slowArrived, fastArrived := make(chan struct{}), make(chan struct{})
	var slowWaited atomic.Bool
	is := newIssuers(t, map[string]func(*http.Request){
		"slow": func(*http.Request) {
			close(slowArrived)
			select {
			case <-fastArrived:
			case <-time.After(10 * time.Second):
				slowWaited.Store(true)
			}
		},
		"fast": func(*http.Request) { close(fastArrived) },
	})
	d := &Discoverer{Client: is.srv.Client()}
	ctx := context.Background()
	var wg sync.WaitGroup
	var slowErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		_, slowErr = d.Endpoints(ctx, is.issuer("slow"))
	}()
	select {
	case <-slowArrived:
	case <-time.After(30 * time.Second):
		t.Fatal("the slow issuer was never asked")
	}
	e, err := d.Endpoints(ctx, is.issuer("fast"))
	wg.Wait()
	if err != nil || slowErr != nil || e.Token != is.issuer("fast")+"/token" {
		t.Fatalf("fast issuer: %+v, %v; slow issuer: %v", e, err, slowErr)
	}
	if slowWaited.Load() {
		t.Error("the second issuer was asked only after the first answered: discoveries are serialized")
	}
}

// TestDiscovererOnce: concurrent discoveries of one issuer make one request,
// later ones none; a failure is not kept.
func TestDiscovererOnce(t *testing.T) {
	gate := make(chan struct{})
	is := newIssuers(t, map[string]func(*http.Request){"lab": func(*http.Request) { <-gate }})
	d := &Discoverer{Client: is.srv.Client()}
	var wg sync.WaitGroup
	for i := 0; i < 5; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := d.Endpoints(context.Background(), is.issuer("lab")); err != nil {
				t.Error(err)
			}
		}()
	}
	time.Sleep(50 * time.Millisecond) // let them queue up behind the first
	close(gate)
	wg.Wait()
	if _, err := d.Endpoints(context.Background(), is.issuer("lab")); err != nil {
		t.Fatal(err)
	}
	if n := is.requests.Load(); n != 1 {
		t.Errorf("%d requests for one issuer, want 1", n)
	}
	if _, err := d.Endpoints(context.Background(), is.issuer("missing")); err == nil {
		t.Fatal("a missing issuer was discovered")
	}
	if _, err := d.Endpoints(context.Background(), is.issuer("missing")); err == nil || is.requests.Load() != 3 {
		t.Errorf("a failed discovery was kept: %d requests", is.requests.Load())
	}
}
