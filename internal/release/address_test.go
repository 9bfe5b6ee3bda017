package release

import (
	"context"
	"fmt"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"
)

// TestAddressesShareOneListing: a refresh of many hubs reads their
// LoadBalancer addresses with one listing of Services, and the addresses of
// those behind an ingress with one listing of Ingresses; hubs without an
// ingress never list Ingresses.
func TestAddressesShareOneListing(t *testing.T) {
	cs := fake.NewClientset()
	ctx := context.Background()
	for i := range 5 {
		ns := fmt.Sprintf("hub-%d", i)
		svc := &corev1.Service{
			ObjectMeta: metav1.ObjectMeta{Name: "proxy-public", Namespace: ns, Labels: map[string]string{"component": "proxy-public", "release": "hub"}},
			Spec:       corev1.ServiceSpec{Type: corev1.ServiceTypeLoadBalancer},
			Status: corev1.ServiceStatus{LoadBalancer: corev1.LoadBalancerStatus{Ingress: []corev1.LoadBalancerIngress{
				{IP: fmt.Sprintf("203.0.113.%d", i), Hostname: "ignored-when-an-ip-is-there.example"}}}},
		}
		if _, err := cs.CoreV1().Services(ns).Create(ctx, svc, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		ing := &networkingv1.Ingress{
			ObjectMeta: metav1.ObjectMeta{Name: "jupyterhub", Namespace: ns, Labels: map[string]string{"component": "ingress", "release": "hub"}},
			Status: networkingv1.IngressStatus{LoadBalancer: networkingv1.IngressLoadBalancerStatus{Ingress: []networkingv1.IngressLoadBalancerIngress{
				{Hostname: fmt.Sprintf("lb-%d.elb.example.com", i)}}}},
		}
		if _, err := cs.NetworkingV1().Ingresses(ns).Create(ctx, ing, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	c := &Client{clientset: cs}
	count := func(verb, resource string) int {
		n := 0
		for _, a := range cs.Actions() {
			if a.GetVerb() == verb && a.GetResource().Resource == resource {
				n++
			}
		}
		return n
	}
	cs.ClearActions()
	for i := range 5 {
		addr, err := c.PublicAddress(ctx, fmt.Sprintf("hub-%d", i), "hub", false)
		if err != nil || addr != fmt.Sprintf("203.0.113.%d", i) {
			t.Errorf("hub-%d: %q %v", i, addr, err)
		}
	}
	if got := count("list", "services") + count("get", "services"); got != 1 || count("list", "ingresses") != 0 {
		t.Errorf("5 LoadBalancer hubs: %d Service requests, %d Ingress listings; want 1 and 0", got, count("list", "ingresses"))
	}
	cs.ClearActions()
	for i := range 5 {
		addr, err := c.IngressAddress(ctx, fmt.Sprintf("hub-%d", i), "hub", false)
		if err != nil || addr != fmt.Sprintf("lb-%d.elb.example.com", i) {
			t.Errorf("hub-%d behind an ingress: %q %v", i, addr, err)
		}
	}
	if got := len(cs.Actions()); got != 1 {
		t.Errorf("5 hubs behind an ingress: %d requests, want 1 listing", got)
	}
	// An apply reads its own hub's address fresh.
	cs.ClearActions()
	if addr, err := c.IngressAddress(ctx, "hub-3", "hub", true); err != nil || addr != "lb-3.elb.example.com" || count("get", "ingresses") != 1 {
		t.Errorf("fresh: %q %v %v", addr, err, cs.Actions())
	}
}
