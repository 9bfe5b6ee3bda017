package release

import (
	"context"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// proxyPublicSelector selects z2jh's public proxy Services.
const proxyPublicSelector = "component=proxy-public"

// addressCacheTTL bounds how long one listing of every hub's public Service
// answers for: a refresh of many hubs then costs one request, not one per hub.
const addressCacheTTL = 20 * time.Second

type addressCache struct {
	mu        sync.Mutex
	at        time.Time
	byRelease map[string]string // namespace/release -> address
	listed    bool              // false: cluster-wide listing not allowed, GET per namespace
}

// PublicAddress returns the external address (IP or host name) the cloud gave
// a hub's proxy-public LoadBalancer Service, or "" when it has none (yet), or
// the Service is not a LoadBalancer. Unless fresh, it answers from one
// cluster-wide listing of such Services shared by every hub for a short time;
// where listing across namespaces is not allowed it reads the one Service.
func (c *Client) PublicAddress(ctx context.Context, namespace, name string, fresh bool) (string, error) {
	if !fresh {
		if addr, ok, err := c.cachedAddress(ctx, namespace, name); ok || err != nil {
			return addr, err
		}
	}
	svc, err := c.clientset.CoreV1().Services(namespace).Get(ctx, "proxy-public", metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return loadBalancerAddress(svc), nil
}

// cachedAddress answers from the shared listing; ok is false when the
// listing is not allowed and the caller must read the Service itself.
func (c *Client) cachedAddress(ctx context.Context, namespace, name string) (string, bool, error) {
	a := &c.addresses
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.byRelease == nil || time.Since(a.at) > addressCacheTTL {
		list, err := c.clientset.CoreV1().Services("").List(ctx, metav1.ListOptions{LabelSelector: proxyPublicSelector})
		switch {
		case apierrors.IsForbidden(err):
			a.byRelease, a.listed, a.at = map[string]string{}, false, time.Now()
		case err != nil:
			return "", false, err
		default:
			a.byRelease, a.listed, a.at = map[string]string{}, true, time.Now()
			for i := range list.Items {
				svc := &list.Items[i]
				a.byRelease[svc.Namespace+"/"+svc.Labels["release"]] = loadBalancerAddress(svc)
			}
		}
	}
	if !a.listed {
		return "", false, nil
	}
	return a.byRelease[namespace+"/"+name], true, nil
}

func loadBalancerAddress(svc *corev1.Service) string {
	if svc.Spec.Type != corev1.ServiceTypeLoadBalancer {
		return ""
	}
	for _, ing := range svc.Status.LoadBalancer.Ingress {
		if host := ing.Hostname + ing.IP; host != "" {
			return host
		}
	}
	return ""
}
