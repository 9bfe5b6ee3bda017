package release

import (
	"context"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Selectors of z2jh's objects that carry a hub's public address.
const (
	proxyPublicSelector = "component=proxy-public"
	ingressSelector     = "component=ingress"
	// ingressName is the chart's Ingress (without fullnameOverride).
	ingressName = "jupyterhub"
)

// addressCacheTTL bounds how long one listing of every hub's public Service
// (or Ingress) answers for: a refresh of many hubs then costs one request,
// not one per hub.
const addressCacheTTL = 20 * time.Second

// addressCache is one cluster-wide listing of one kind of object, by the
// release it belongs to.
type addressCache struct {
	mu        sync.Mutex
	at        time.Time
	byRelease map[string]string // namespace/release -> address
	listed    bool              // false: cluster-wide listing not allowed, GET per namespace
}

// answer returns the release's address from a listing made at most
// addressCacheTTL ago, listing again with list when needed; ok is false when
// listing across namespaces is not allowed and the caller must read the one
// object itself.
func (a *addressCache) answer(namespace, name string, list func() (map[string]string, error)) (string, bool, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.byRelease == nil || time.Since(a.at) > addressCacheTTL {
		found, err := list()
		switch {
		case apierrors.IsForbidden(err):
			a.byRelease, a.listed, a.at = map[string]string{}, false, time.Now()
		case err != nil:
			return "", false, err
		default:
			a.byRelease, a.listed, a.at = found, true, time.Now()
		}
	}
	if !a.listed {
		return "", false, nil
	}
	return a.byRelease[namespace+"/"+name], true, nil
}

// PublicAddress returns the external address (IP or host name) the cloud gave
// a hub's proxy-public LoadBalancer Service, or "" when it has none (yet), or
// the Service is not a LoadBalancer. Unless fresh, it answers from one
// cluster-wide listing of such Services shared by every hub for a short time;
// where listing across namespaces is not allowed it reads the one Service.
func (c *Client) PublicAddress(ctx context.Context, namespace, name string, fresh bool) (string, error) {
	if !fresh {
		addr, ok, err := c.addresses.answer(namespace, name, func() (map[string]string, error) {
			list, err := c.clientset.CoreV1().Services("").List(ctx, metav1.ListOptions{LabelSelector: proxyPublicSelector})
			if err != nil {
				return nil, err
			}
			out := map[string]string{}
			for i := range list.Items {
				svc := &list.Items[i]
				out[svc.Namespace+"/"+svc.Labels["release"]] = loadBalancerAddress(svc)
			}
			return out, nil
		})
		if ok || err != nil {
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

// IngressAddress returns the address the ingress controller published in the
// status of a hub's Ingress (its load balancer's IP or host name), or "" when
// it has none yet. Like PublicAddress, it answers from one shared listing
// unless fresh; hubs without an ingress never cause that listing.
func (c *Client) IngressAddress(ctx context.Context, namespace, name string, fresh bool) (string, error) {
	if !fresh {
		addr, ok, err := c.ingressAddresses.answer(namespace, name, func() (map[string]string, error) {
			list, err := c.clientset.NetworkingV1().Ingresses("").List(ctx, metav1.ListOptions{LabelSelector: ingressSelector})
			if err != nil {
				return nil, err
			}
			out := map[string]string{}
			for i := range list.Items {
				ing := &list.Items[i]
				out[ing.Namespace+"/"+ing.Labels["release"]] = ingressStatusAddress(ing)
			}
			return out, nil
		})
		if ok || err != nil {
			return addr, err
		}
	}
	ing, err := c.clientset.NetworkingV1().Ingresses(namespace).Get(ctx, ingressName, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return ingressStatusAddress(ing), nil
}

func loadBalancerAddress(svc *corev1.Service) string {
	if svc.Spec.Type != corev1.ServiceTypeLoadBalancer {
		return ""
	}
	for _, ing := range svc.Status.LoadBalancer.Ingress {
		if addr := firstOf(ing.IP, ing.Hostname); addr != "" {
			return addr
		}
	}
	return ""
}

func ingressStatusAddress(ing *networkingv1.Ingress) string {
	for _, lb := range ing.Status.LoadBalancer.Ingress {
		if addr := firstOf(lb.IP, lb.Hostname); addr != "" {
			return addr
		}
	}
	return ""
}

// firstOf prefers a load balancer's IP (for an A record) to its host name
// (a CNAME, as AWS gives).
func firstOf(ip, hostname string) string {
	if ip != "" {
		return ip
	}
	return hostname
}
