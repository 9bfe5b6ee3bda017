package release

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"sync"
	"time"

	"helm.sh/helm/v3/pkg/action"
	helmrelease "helm.sh/helm/v3/pkg/release"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/metadata"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// Client manages hub releases in one cluster. It is safe for concurrent use;
// discovery results are shared by every release it handles.
type Client struct {
	restConfig *rest.Config
	clientset  kubernetes.Interface
	metadata   metadata.Interface

	discoveryOnce sync.Once
	discovery     discovery.CachedDiscoveryInterface
	discoveryErr  error

	addresses        addressCache
	ingressAddresses addressCache
	listings         clusterListings
	validators       sharedValidators
}

// New returns a Client for the cluster cfg points at.
func New(cfg *rest.Config, clientset kubernetes.Interface) (*Client, error) {
	md, err := metadata.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	return &Client{restConfig: cfg, clientset: clientset, metadata: md}, nil
}

type logKey struct{}

// WithLog returns a context whose operations report progress to logf.
func WithLog(ctx context.Context, logf func(format string, args ...any)) context.Context {
	return context.WithValue(ctx, logKey{}, logf)
}

func logFrom(ctx context.Context) func(string, ...any) {
	if f, ok := ctx.Value(logKey{}).(func(string, ...any)); ok {
		return f
	}
	return func(string, ...any) {}
}

// Info is what the provider needs of a release's latest revision.
type Info struct {
	Name         string
	Namespace    string
	Revision     int
	Status       string
	Description  string
	ChartName    string
	ChartVersion string
	AppVersion   string
	// Config are the user-supplied values of the revision.
	Config map[string]any
}

// Deployed reports whether the revision is deployed (not failed or pending).
func (i *Info) Deployed() bool { return i.Status == string(helmrelease.StatusDeployed) }

// Pending reports whether an operation on the release never finished.
func (i *Info) Pending() bool { return helmrelease.Status(i.Status).IsPending() }

var secretsResource = schema.GroupVersionResource{Version: "v1", Resource: "secrets"}

// Latest reads the latest revision of a release with two requests: the
// metadata of its revision Secrets, then the newest one. It returns nil, nil
// when there is no such release.
func (c *Client) Latest(ctx context.Context, namespace, name string) (*Info, error) {
	info, _, err := c.LatestUnless(ctx, namespace, name, 0, "")
	return info, err
}

// Head is what the labels of a release's newest revision Secret say.
type Head struct {
	Revision int
	Status   string
}

// LatestUnless reads the latest revision of a release, unless its labels
// (read first, with the metadata of every revision) say it is revision
// known in status knownStatus: then it returns nil and the head, and the
// release record, gzipped JSON holding the whole chart, is neither fetched
// nor decoded. Any change made with Helm writes a new revision or a new
// status, so a refresh that finds neither has nothing to read. Both nil when
// there is no such release.
func (c *Client) LatestUnless(ctx context.Context, namespace, name string, known int, knownStatus string) (*Info, *Head, error) {
	list, err := c.metadata.Resource(secretsResource).Namespace(namespace).List(ctx, metav1.ListOptions{
		LabelSelector: "owner=helm,name=" + name,
	})
	if err != nil {
		return nil, nil, err
	}
	newest, head := "", &Head{Revision: -1}
	for _, item := range list.Items {
		v, err := strconv.Atoi(item.Labels["version"])
		if err == nil && v > head.Revision {
			newest, head.Revision, head.Status = item.Name, v, item.Labels["status"]
		}
	}
	if newest == "" {
		return nil, nil, nil
	}
	if known > 0 && head.Revision == known && head.Status == knownStatus {
		return nil, head, nil
	}
	secret, err := c.clientset.CoreV1().Secrets(namespace).Get(ctx, newest, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil, nil, nil // uninstalled between the two requests
	}
	if err != nil {
		return nil, nil, err
	}
	info, err := decodeInfo(secret.Data["release"])
	return info, head, err
}

// storedRelease is the part of Helm's stored release record we read; the
// chart's templates and files in the record are skipped, not decoded.
type storedRelease struct {
	Name      string `json:"name"`
	Namespace string `json:"namespace"`
	Version   int    `json:"version"`
	Info      struct {
		Status      string `json:"status"`
		Description string `json:"description"`
	} `json:"info"`
	Chart struct {
		Metadata struct {
			Name       string `json:"name"`
			Version    string `json:"version"`
			AppVersion string `json:"appVersion"`
		} `json:"metadata"`
	} `json:"chart"`
	Config map[string]any `json:"config"`
}

var gzipMagic = []byte{0x1f, 0x8b, 0x08}

// decodeInfo reads Helm's storage format: base64 of (usually gzipped) JSON.
func decodeInfo(data []byte) (*Info, error) {
	raw, err := base64.StdEncoding.DecodeString(string(data))
	if err != nil {
		return nil, fmt.Errorf("release record is not base64: %w", err)
	}
	var r io.Reader = bytes.NewReader(raw)
	if bytes.HasPrefix(raw, gzipMagic) {
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil, err
		}
		defer zr.Close()
		r = zr
	}
	var rel storedRelease
	if err := json.NewDecoder(r).Decode(&rel); err != nil {
		return nil, fmt.Errorf("release record is not valid: %w", err)
	}
	return &Info{
		Name: rel.Name, Namespace: rel.Namespace, Revision: rel.Version,
		Status: rel.Info.Status, Description: rel.Info.Description,
		ChartName: rel.Chart.Metadata.Name, ChartVersion: rel.Chart.Metadata.Version, AppVersion: rel.Chart.Metadata.AppVersion,
		Config: rel.Config,
	}, nil
}

func infoFrom(r *helmrelease.Release) *Info {
	i := &Info{Name: r.Name, Namespace: r.Namespace, Revision: r.Version, Config: r.Config}
	if r.Info != nil {
		i.Status, i.Description = string(r.Info.Status), r.Info.Description
	}
	if r.Chart != nil && r.Chart.Metadata != nil {
		i.ChartName, i.ChartVersion, i.AppVersion = r.Chart.Metadata.Name, r.Chart.Metadata.Version, r.Chart.Metadata.AppVersion
	}
	return i
}

// Uninstall removes the release and waits for its objects to go. Volumes the
// chart marks helm.sh/resource-policy=keep stay. A missing release is not an error.
func (c *Client) Uninstall(ctx context.Context, namespace, name string, timeout time.Duration) error {
	cfg, _, err := c.actionConfig(ctx, namespace, time.Now().Add(timeout))
	if err != nil {
		return err
	}
	un := action.NewUninstall(cfg)
	un.Wait, un.Timeout = true, timeout
	un.IgnoreNotFound = true
	defer c.listings.forgetOwners()
	_, err = un.Run(name)
	return err
}

func (c *Client) cachedDiscovery() (discovery.CachedDiscoveryInterface, error) {
	c.discoveryOnce.Do(func() {
		dc, err := discovery.NewDiscoveryClientForConfig(c.restConfig)
		if err != nil {
			c.discoveryErr = err
			return
		}
		c.discovery = memory.NewMemCacheClient(dc)
	})
	return c.discovery, c.discoveryErr
}

// restGetter gives Helm the provider's connection instead of a kubeconfig.
type restGetter struct {
	client    *Client
	namespace string
}

var _ genericclioptions.RESTClientGetter = &restGetter{}

func (g *restGetter) ToRESTConfig() (*rest.Config, error) {
	return rest.CopyConfig(g.client.restConfig), nil
}

func (g *restGetter) ToDiscoveryClient() (discovery.CachedDiscoveryInterface, error) {
	return g.client.cachedDiscovery()
}

func (g *restGetter) ToRESTMapper() (meta.RESTMapper, error) {
	dc, err := g.ToDiscoveryClient()
	if err != nil {
		return nil, err
	}
	return restmapper.NewShortcutExpander(restmapper.NewDeferredDiscoveryRESTMapper(dc), dc, nil), nil
}

func (g *restGetter) ToRawKubeConfigLoader() clientcmd.ClientConfig {
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["cluster"] = &clientcmdapi.Cluster{Server: g.client.restConfig.Host}
	cfg.Contexts["context"] = &clientcmdapi.Context{Cluster: "cluster", Namespace: g.namespace}
	cfg.CurrentContext = "context"
	return clientcmd.NewDefaultClientConfig(*cfg, &clientcmd.ConfigOverrides{Context: clientcmdapi.Context{Namespace: g.namespace}})
}
