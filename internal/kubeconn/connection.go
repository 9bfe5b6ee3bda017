package kubeconn

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// Connection hands out one client per provider instance, built on first use.
// Building it never contacts the cluster; the first request does.
type Connection struct {
	settings Settings
	// unknown lists attributes whose values Terraform does not know yet (the
	// cluster is created in the same apply). Plans that need no client succeed.
	unknown []string

	once      sync.Once
	config    *rest.Config
	clientset kubernetes.Interface
	err       error
	wrap      func(rest.Config) rest.Config
}

// NewConnection returns a lazy connection. unknown names the attributes of the
// `kubernetes` block that are not known yet, if any.
func NewConnection(s Settings, unknown []string) *Connection {
	u := append([]string(nil), unknown...)
	sort.Strings(u)
	return &Connection{settings: s, unknown: u}
}

// WithConfigHook lets callers adjust the client config before the client is
// built (tests and benchmarks count requests this way). Call before first use.
func (c *Connection) WithConfigHook(hook func(rest.Config) rest.Config) *Connection {
	c.wrap = hook
	return c
}

// Host is the API server address, for messages; empty when not known yet.
func (c *Connection) Host() string {
	if c.config != nil {
		return c.config.Host
	}
	return c.settings.Host
}

// Unknown reports whether the connection depends on values not known yet.
func (c *Connection) Unknown() bool { return len(c.unknown) > 0 }

func (c *Connection) build() {
	if len(c.unknown) > 0 {
		c.err = &Error{
			Summary: "Kubernetes connection not known yet",
			Detail: fmt.Sprintf("The provider's `kubernetes` settings %s depend on values Terraform learns only during apply "+
				"(for example a cluster created in this configuration). Resources can still be planned; a data source that "+
				"reads the cluster needs `depends_on` that cluster so Terraform reads it after the cluster exists.",
				strings.Join(c.unknown, ", ")),
		}
		return
	}
	cfg, err := RESTConfig(c.settings)
	if err != nil {
		c.err = err
		return
	}
	if c.wrap != nil {
		adjusted := c.wrap(*cfg)
		cfg = &adjusted
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		c.err = &Error{Summary: "Kubernetes client configuration not valid", Detail: err.Error(), Err: err}
		return
	}
	c.config, c.clientset = cfg, cs
}

// RESTConfig returns the client configuration, building it on first use.
func (c *Connection) RESTConfig() (*rest.Config, error) {
	c.once.Do(c.build)
	return c.config, c.err
}

// Clientset returns the typed client, building it on first use.
func (c *Connection) Clientset() (kubernetes.Interface, error) {
	c.once.Do(c.build)
	return c.clientset, c.err
}
