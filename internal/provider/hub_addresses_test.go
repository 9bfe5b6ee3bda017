package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/validate"
)

// setLoadBalancerStatus plays the cloud's load balancer controller: it gives
// the hub's proxy-public Service its external address.
func (e *hubEnv) setLoadBalancerStatus(t *testing.T, ing corev1.LoadBalancerIngress) {
	t.Helper()
	svc, err := e.client.CoreV1().Services(e.ns).Get(e.ctx, "proxy-public", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	svc.Status.LoadBalancer.Ingress = []corev1.LoadBalancerIngress{ing}
	if _, err := e.client.CoreV1().Services(e.ns).UpdateStatus(e.ctx, svc, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// TestAccHubPublicAddress: a static IP and annotations reach the proxy's
// Service, the ACME server reaches the proxy's Let's Encrypt settings, and
// public_address follows what the cloud gives the LoadBalancer, through
// refresh, with nothing to apply; the settings import back, and a `helm
// upgrade` that changes the IP shows in the plan.
func TestAccHubPublicAddress(t *testing.T) {
	e := newHubEnv(t)
	config := hubConfig(e, fmt.Sprintf(`
  domain = "hub.example.org"
  https = {
    mode          = "letsencrypt"
    contact_email = "it@example.org"
    acme_server   = %q
  }
  proxy_load_balancer_ip    = "203.0.113.7"
  proxy_service_annotations = { "networking.gke.io/load-balancer-type" = "Internal" }`, validate.LetsEncryptStaging))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectUnknownValue(hubAddr, tfjsonpath.New("public_address")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					// The cloud has not given an address yet.
					statecheck.ExpectKnownValue(hubAddr, tfjsonpath.New("public_address"), knownvalue.Null()),
					statecheck.ExpectKnownValue(hubAddr, tfjsonpath.New("url"), knownvalue.StringExact("https://hub.example.org/")),
					statecheck.ExpectKnownValue(hubAddr, tfjsonpath.New("health_check_url"), knownvalue.StringExact("https://hub.example.org/hub/health")),
				},
				Check: func(*terraform.State) error {
					svc, err := e.client.CoreV1().Services(e.ns).Get(e.ctx, "proxy-public", metav1.GetOptions{})
					if err != nil {
						return err
					}
					if svc.Spec.LoadBalancerIP != "203.0.113.7" || svc.Annotations["networking.gke.io/load-balancer-type"] != "Internal" {
						return fmt.Errorf("proxy-public has IP %q, annotations %v", svc.Spec.LoadBalancerIP, svc.Annotations)
					}
					https := e.latest(t).Config["proxy"].(map[string]any)["https"].(map[string]any)
					if acme := https["letsencrypt"].(map[string]any)["acmeServer"]; acme != validate.LetsEncryptStaging {
						return fmt.Errorf("deployed acmeServer %v", acme)
					}
					return nil
				},
			},
			{
				// The cloud gives the LoadBalancer its address: refresh reads it.
				PreConfig: func() { e.setLoadBalancerStatus(t, corev1.LoadBalancerIngress{IP: "203.0.113.7"}) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(hubAddr, tfjsonpath.New("public_address"), knownvalue.StringExact("203.0.113.7")),
				},
			},
			{ResourceName: hubAddr, ImportState: true, ImportStateVerify: true, ImportStateId: e.ns + "/" + e.name,
				ImportStateVerifyIgnore: []string{"chart_repository"}},
			{
				// `helm upgrade --reuse-values --set proxy.service.loadBalancerIP=203.0.113.8`
				PreConfig: func() {
					e.helmUpgradeReusing(t, map[string]any{"proxy": map[string]any{"service": map[string]any{"loadBalancerIP": "203.0.113.8"}}})
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(hubAddr, plancheck.ResourceActionUpdate),
					changeOf{hubAddr, "proxy_load_balancer_ip", "203.0.113.8", "203.0.113.7"},
					plancheck.ExpectUnknownValue(hubAddr, tfjsonpath.New("public_address")),
				}},
			},
		},
	})
}

// TestAccHubPublicAddressFromIngress: behind an ingress, public_address is
// the address the ingress controller publishes in the hub's Ingress.
func TestAccHubPublicAddressFromIngress(t *testing.T) {
	e := newHubEnv(t)
	config := hubConfig(e, `
  domain             = "hub.example.org"
  ingress            = { class_name = "nginx" }
  proxy_service_type = "ClusterIP"`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(hubAddr, tfjsonpath.New("public_address"), knownvalue.Null()),
				},
			},
			{
				// The ingress controller publishes its load balancer's host name.
				PreConfig: func() {
					ing, err := e.client.NetworkingV1().Ingresses(e.ns).Get(e.ctx, "jupyterhub", metav1.GetOptions{})
					if err != nil {
						t.Fatal(err)
					}
					ing.Status.LoadBalancer.Ingress = []networkingv1.IngressLoadBalancerIngress{{Hostname: "lb-1234.elb.example.com"}}
					if _, err := e.client.NetworkingV1().Ingresses(e.ns).UpdateStatus(e.ctx, ing, metav1.UpdateOptions{}); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(hubAddr, tfjsonpath.New("public_address"), knownvalue.StringExact("lb-1234.elb.example.com")),
					statecheck.ExpectKnownValue(hubAddr, tfjsonpath.New("url"), knownvalue.StringExact("http://hub.example.org/")),
					statecheck.ExpectKnownValue(hubAddr, tfjsonpath.New("health_check_url"), knownvalue.StringExact("http://hub.example.org/hub/health")),
				},
			},
		},
	})
}
