package rpcstats

import (
	"fmt"
	"net/http"
	"os"
	"sync"

	"k8s.io/client-go/rest"
)

// EnvRequests names the file each Kubernetes API request the provider makes
// is appended to, as "<method> <path>" (query left out: it can carry names).
const EnvRequests = "TWOI2CHUB_API_REQUESTS"

// RequestLogFromEnv returns a client config hook that logs every request
// when EnvRequests is set, or nil. The API server's own counters also count
// the controllers' and nodes' traffic, which grows with a plan's duration;
// this log is the provider's requests alone.
func RequestLogFromEnv() (func(rest.Config) rest.Config, error) {
	path := os.Getenv(EnvRequests)
	if path == "" {
		return nil, nil
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	log := &requestLog{f: f}
	return func(cfg rest.Config) rest.Config {
		cfg.Wrap(func(rt http.RoundTripper) http.RoundTripper { return loggedTransport{next: rt, log: log} })
		return cfg
	}, nil
}

type requestLog struct {
	mu sync.Mutex
	f  *os.File
}

type loggedTransport struct {
	next http.RoundTripper
	log  *requestLog
}

func (t loggedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	t.log.mu.Lock()
	fmt.Fprintf(t.log.f, "%s %s\n", r.Method, r.URL.Path)
	t.log.mu.Unlock()
	return t.next.RoundTrip(r)
}
