package release

import (
	"sync"

	"helm.sh/helm/v3/pkg/kube"
	"k8s.io/kubectl/pkg/validation"
)

// sharedValidators keeps, per cluster, the object validators Helm asks its
// kube client for. kubectl's factory builds a new one at every call, and
// each new one reads and parses the cluster's OpenAPI v3 document of every
// group/version it meets to learn whether the server validates fields itself
// (it does, since Kubernetes 1.27; the client-side check is then skipped).
// Helm asks at every install, upgrade and hook, so 50 concurrent upgrades
// spent most of their CPU parsing the same documents again and again. One
// validator per directive remembers the answer per kind for the process.
type sharedValidators struct {
	mu      sync.Mutex
	schemas map[string]validation.Schema
}

// validatingFactory is Helm's factory with its validators shared.
type validatingFactory struct {
	kube.Factory
	shared *sharedValidators
}

func (f validatingFactory) Validator(directive string) (validation.Schema, error) {
	f.shared.mu.Lock()
	defer f.shared.mu.Unlock()
	if s, ok := f.shared.schemas[directive]; ok {
		return s, nil
	}
	s, err := f.Factory.Validator(directive)
	if err != nil {
		return nil, err
	}
	if f.shared.schemas == nil {
		f.shared.schemas = map[string]validation.Schema{}
	}
	shared := &forgettingSchema{Schema: s}
	shared.forget = func() {
		f.shared.mu.Lock()
		if f.shared.schemas[directive] == shared {
			delete(f.shared.schemas, directive)
		}
		f.shared.mu.Unlock()
	}
	f.shared.schemas[directive] = shared
	return shared, nil
}

// forgettingSchema drops itself from the shared ones on an error: kubectl's
// validator remembers its answers forever, errors included, and a passing
// network error must not fail every later apply of the process.
type forgettingSchema struct {
	validation.Schema
	forget func()
}

func (s *forgettingSchema) ValidateBytes(data []byte) error {
	err := s.Schema.ValidateBytes(data)
	if err != nil {
		s.forget()
	}
	return err
}
