package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

const workloadIdentityAnnotation = "iam.gke.io/gcp-service-account"

// serviceAccountAnnotation checks that the users' ServiceAccount exists in
// the cluster with the given Workload Identity annotation.
func (e *hubEnv) serviceAccountAnnotation(name, want string) error {
	sa, err := e.client.CoreV1().ServiceAccounts(e.ns).Get(e.ctx, name, metav1.GetOptions{})
	if err != nil {
		return fmt.Errorf("users' ServiceAccount: %w", err)
	}
	if got := sa.Annotations[workloadIdentityAnnotation]; got != want {
		return fmt.Errorf("ServiceAccount %s annotated %q, want %q", name, got, want)
	}
	if sa.Annotations["meta.helm.sh/release-name"] != e.name {
		return fmt.Errorf("ServiceAccount %s is not an object of release %s: %v", name, e.name, sa.Annotations)
	}
	return nil
}

// TestAccHubUserServiceAccount runs users' servers under a cloud-bound
// ServiceAccount on the real chart, the way modules/gke's hubs output asks:
// the release creates the ServiceAccount with its Workload Identity
// annotation, opens the metadata server to user servers (block_cloud_metadata,
// the one setting for it: the old user_service_account.cloud_metadata_server
// fails the plan saying so), imports back to the same settings, follows a
// changed annotation, and takes the ServiceAccount away with the hub.
func TestAccHubUserServiceAccount(t *testing.T) {
	e := newHubEnv(t)
	body := func(gsa string) string {
		return fmt.Sprintf(`
  user_service_account = {
    name        = "user"
    annotations = { %q = %q }
  }
  block_cloud_metadata = false`, workloadIdentityAnnotation, gsa)
	}
	first, second := "prod@hackweek-hub.iam.gserviceaccount.com", "prod-v2@hackweek-hub.iam.gserviceaccount.com"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			_, err := e.client.CoreV1().ServiceAccounts(e.ns).Get(e.ctx, "user", metav1.GetOptions{})
			if !apierrors.IsNotFound(err) {
				return fmt.Errorf("users' ServiceAccount outlived the hub: %v", err)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: hubConfig(e, `
  user_service_account = {
    name                  = "user"
    cloud_metadata_server = true
  }`),
				ExpectError: regexp.MustCompile(`Setting moved[\s\S]*write[\s\S]*block_cloud_metadata\s+=\s+false`),
			},
			{
				Config: hubConfig(e, body(first)),
				Check: func(*terraform.State) error {
					if err := e.serviceAccountAnnotation("user", first); err != nil {
						return err
					}
					su, _ := e.latest(t).Config["singleuser"].(map[string]any)
					if su["serviceAccountName"] != "user" {
						return fmt.Errorf("user servers do not run as the ServiceAccount: %v", su)
					}
					rules, _ := lookupAnyMap(su, "networkPolicy", "egressAllowRules")
					if rules["cloudMetadataServer"] != true {
						return fmt.Errorf("metadata server not opened to user servers: %v", su["networkPolicy"])
					}
					return nil
				},
			},
			{
				ResourceName:            hubAddr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateId:           e.ns + "/" + e.name,
				ImportStateVerifyIgnore: []string{"chart_repository"},
			},
			{
				Config: hubConfig(e, body(second)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(hubAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(hubAddr, tfjsonpath.New("user_service_account").AtMapKey("annotations").AtMapKey(workloadIdentityAnnotation), knownvalue.StringExact(second)),
				},
				Check: func(*terraform.State) error { return e.serviceAccountAnnotation("user", second) },
			},
		},
	})
}

func lookupAnyMap(m map[string]any, keys ...string) (map[string]any, bool) {
	cur := m
	for _, k := range keys {
		next, ok := cur[k].(map[string]any)
		if !ok {
			return nil, false
		}
		cur = next
	}
	return cur, true
}
