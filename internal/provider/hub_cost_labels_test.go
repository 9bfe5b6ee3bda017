package provider

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/hubvalues"
)

// TestAccHubCostLabels installs the real chart with a community and a cost
// label and reads from the cluster that the namespace and every pod of the
// release carry them; a label removed from the namespace by hand is planned
// as an update and put back; a changed community and a removed cost label
// are planned as an update and applied to the namespace and the pods; the
// hub imports with the same labels as typed attributes.
func TestAccHubCostLabels(t *testing.T) {
	e := newHubEnv(t)
	labelled := hubConfig(e, `
  community   = "hackweek"
  cost_labels = { cost-center = "geo-101" }`)
	relabelled := hubConfig(e, `
  community = "hackweek-2026"`)
	first := map[string]string{hubvalues.HubLabelKey: e.name, hubvalues.CommunityLabelKey: "hackweek", "cost-center": "geo-101"}
	second := map[string]string{hubvalues.HubLabelKey: e.name, hubvalues.CommunityLabelKey: "hackweek-2026"}

	// namespaceHas checks the namespace's labels: those of want, and none of gone.
	namespaceHas := func(want map[string]string, gone ...string) error {
		ns, err := e.client.CoreV1().Namespaces().Get(e.ctx, e.ns, metav1.GetOptions{})
		if err != nil {
			return err
		}
		for k, v := range want {
			if ns.Labels[k] != v {
				return fmt.Errorf("namespace %s: label %s = %q, want %q (labels %v)", e.ns, k, ns.Labels[k], v, ns.Labels)
			}
		}
		for _, k := range gone {
			if _, ok := ns.Labels[k]; ok {
				return fmt.Errorf("namespace %s still has label %s (labels %v)", e.ns, k, ns.Labels)
			}
		}
		return nil
	}
	// podsHave checks every pod of the release, found by z2jh's release label,
	// and the hub Deployment's pod template. The apply waits for Deployments;
	// DaemonSets' pods are replaced after, so their check is given a minute.
	var podsHaveNow func(want map[string]string, gone ...string) error
	podsHave := func(want map[string]string, gone ...string) error {
		deadline := time.Now().Add(time.Minute)
		for {
			err := podsHaveNow(want, gone...)
			if err == nil || time.Now().After(deadline) {
				return err
			}
			time.Sleep(2 * time.Second)
		}
	}
	podsHaveNow = func(want map[string]string, gone ...string) error {
		pods, err := e.client.CoreV1().Pods(e.ns).List(e.ctx, metav1.ListOptions{LabelSelector: "release=" + e.name})
		if err != nil {
			return err
		}
		components := map[string]bool{}
		for _, p := range pods.Items {
			if p.DeletionTimestamp != nil {
				continue
			}
			components[p.Labels["component"]] = true
			for k, v := range want {
				if p.Labels[k] != v {
					return fmt.Errorf("pod %s (%s): label %s = %q, want %q", p.Name, p.Labels["component"], k, p.Labels[k], v)
				}
			}
		}
		for _, c := range []string{"hub", "proxy", "user-scheduler", "continuous-image-puller"} {
			if !components[c] {
				return fmt.Errorf("no %s pod among the release's pods (components %v)", c, components)
			}
		}
		t.Logf("%d pods of the release carry the labels, components %v", len(pods.Items), components)
		dep, err := e.client.AppsV1().Deployments(e.ns).Get(e.ctx, "hub", metav1.GetOptions{})
		if err != nil {
			return err
		}
		for _, k := range gone {
			if _, ok := dep.Spec.Template.Labels[k]; ok {
				return fmt.Errorf("the hub's pod template still has label %s", k)
			}
		}
		return nil
	}
	removeByHand := func() {
		patch, _ := json.Marshal(map[string]any{"metadata": map[string]any{"labels": map[string]any{hubvalues.CommunityLabelKey: nil}}})
		if _, err := e.client.CoreV1().Namespaces().Patch(e.ctx, e.ns, types.MergePatchType, patch, metav1.PatchOptions{}); err != nil {
			t.Fatal(err)
		}
		if err := namespaceHas(nil, hubvalues.CommunityLabelKey); err != nil {
			t.Fatal(err)
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: labelled,
				Check: func(*terraform.State) error {
					if err := namespaceHas(first); err != nil {
						return err
					}
					return podsHave(first)
				},
			},
			// Drift: the community label removed from the namespace by hand
			// plans an update, and the apply puts it back.
			{
				PreConfig: removeByHand,
				Config:    labelled,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(hubAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(hubAddr, tfjsonpath.New("community"), knownvalue.StringExact("hackweek")),
				}},
				Check: func(*terraform.State) error { return namespaceHas(first) },
			},
			// A new community and a removed cost label: an update, applied to
			// the namespace and the pods.
			{
				Config: relabelled,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(hubAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(hubAddr, tfjsonpath.New("community"), knownvalue.StringExact("hackweek-2026")),
					statecheck.ExpectKnownValue(hubAddr, tfjsonpath.New("cost_labels"), knownvalue.Null()),
				},
				Check: func(*terraform.State) error {
					if err := namespaceHas(second, "cost-center"); err != nil {
						return err
					}
					return podsHave(second, "cost-center")
				},
			},
			{ResourceName: hubAddr, ImportState: true, ImportStateVerify: true, ImportStateId: e.ns + "/" + e.name,
				ImportStateVerifyIgnore: []string{"chart_repository"}},
		},
	})
}
