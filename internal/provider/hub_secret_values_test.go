package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/fingerprint"
)

// hubReadsSecretValues checks the deployed hub reads secret values from the
// Secret named want (z2jh hub.existingSecret, mounted into the hub pod), or
// from none when want is "".
func (e *hubEnv) hubReadsSecretValues(want string) error {
	dep, err := e.client.AppsV1().Deployments(e.ns).Get(e.ctx, "hub", metav1.GetOptions{})
	if err != nil {
		return err
	}
	got := ""
	for _, v := range dep.Spec.Template.Spec.Volumes {
		if v.Name == "existing-secret" && v.Secret != nil {
			got = v.Secret.SecretName
		}
	}
	if got != want {
		return fmt.Errorf("the hub pod mounts secret values from %q, want %q", got, want)
	}
	return nil
}

// TestAccHubSecretValuesWriteOnly: secret settings given write-only reach the
// hub through the provider's Secret and never the plan, the state or the
// release's values; a change plans an update that restarts the hub, the
// fingerprint imports back, and leaving the attribute out deletes the Secret.
func TestAccHubSecretValuesWriteOnly(t *testing.T) {
	e := newHubEnv(t)
	secrets := func() []string { return []string{"wo-hub-secret-1", "wo-hub-secret-2"} }
	hcl := providerKubeconfig(e.cp) + fmt.Sprintf(`
variable "oauth_secret" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "twoi2chub_hub" "test" {
  name             = %q
  namespace        = %q
  chart_repository = %q
  secret_values_wo = yamlencode({ hub = { config = { GenericOAuthenticator = { client_secret = var.oauth_secret } } } })
}
`, e.name, e.ns, e.repo)
	secret := func(v string) config.Variables { return config.Variables{"oauth_secret": config.StringVariable(v)} }
	stored := func() string {
		s, err := e.client.CoreV1().Secrets(e.ns).Get(e.ctx, "hub-secret-values", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return string(s.Data["values.yaml"])
	}
	var firstSum string
	// keyed checks state's checksum is the HMAC of the stored values with the
	// key in the same Secret, neither the old salted hash nor a plain one.
	keyed := func(s *terraform.State) error {
		sum := s.RootModule().Resources[hubAddr].Primary.Attributes["secret_values_checksum"]
		if want := secretValuesFingerprint(t, e); sum != want {
			return fmt.Errorf("secret_values_checksum is %s, want the keyed fingerprint %s", sum, want)
		}
		for _, h := range plainHashes(e.ns, e.name, stored()) {
			if sum == h {
				return fmt.Errorf("secret_values_checksum %s is a plain hash of the values", sum)
			}
		}
		if now := hubPodAnnotation(t, e, "twoi2chub.2i2c.org/private-values-checksum"); now != sum {
			return fmt.Errorf("the hub pod's annotation is %s, want %s", now, sum)
		}
		return nil
	}
	releaseHolds := func(want string) error {
		hub := e.latest(t).Config["hub"].(map[string]any)
		if fmt.Sprint(hub["existingSecret"]) != "hub-secret-values" {
			return fmt.Errorf("deployed hub.existingSecret %v", hub["existingSecret"])
		}
		var doc map[string]any
		if err := yaml.Unmarshal([]byte(stored()), &doc); err != nil || fmt.Sprint(doc) != fmt.Sprintf("map[hub:map[config:map[GenericOAuthenticator:map[client_secret:%s]]]]", want) {
			return fmt.Errorf("Secret hub-secret-values holds %v (%v)", doc, err)
		}
		for _, s := range secrets() {
			if regexp.MustCompile(s).MatchString(fmt.Sprint(e.latest(t).Config)) {
				return fmt.Errorf("the release's values hold %q", s)
			}
		}
		return e.hubReadsSecretValues("hub-secret-values")
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		Steps: []resource.TestStep{
			{
				Config:          hcl,
				ConfigVariables: secret("wo-hub-secret-1"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					noneInPlan{"a secret value", secrets},
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					noneInState{"a secret value", secrets},
					statecheck.ExpectKnownValue(hubAddr, tfjsonpath.New("secret_values_wo"), knownvalue.Null()),
					statecheck.ExpectKnownValue(hubAddr, tfjsonpath.New("secret_values_checksum"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f]{64}$`))),
				},
				Check: func(s *terraform.State) error {
					firstSum = s.RootModule().Resources[hubAddr].Primary.Attributes["secret_values_checksum"]
					if err := keyed(s); err != nil {
						return err
					}
					return releaseHolds("wo-hub-secret-1")
				},
			},
			{ResourceName: hubAddr, ImportState: true, ImportStateVerify: true, ImportStateId: e.ns + "/" + e.name,
				ImportStateVerifyIgnore: []string{"chart_repository", "secret_values_wo"}, ConfigVariables: secret("wo-hub-secret-1")},
			{
				Config:          hcl,
				ConfigVariables: secret("wo-hub-secret-2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(hubAddr, plancheck.ResourceActionUpdate),
					noneInPlan{"a secret value", secrets},
				}},
				ConfigStateChecks: []statecheck.StateCheck{noneInState{"a secret value", secrets}},
				Check: func(s *terraform.State) error {
					if sum := s.RootModule().Resources[hubAddr].Primary.Attributes["secret_values_checksum"]; sum == firstSum {
						return fmt.Errorf("the checksum did not change with the secret values")
					}
					if err := keyed(s); err != nil {
						return err
					}
					return releaseHolds("wo-hub-secret-2")
				},
			},
			{
				// Without secret values, the hub stops reading them and the Secret goes.
				Config: hubConfig(e, ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(hubAddr, tfjsonpath.New("secret_values_checksum"), knownvalue.Null()),
				},
				Check: func(*terraform.State) error {
					if _, err := e.client.CoreV1().Secrets(e.ns).Get(e.ctx, "hub-secret-values", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
						return fmt.Errorf("Secret hub-secret-values still there (%v)", err)
					}
					return e.hubReadsSecretValues("")
				},
			},
		},
	})
}

// secretValuesFingerprint is the keyed fingerprint of the secret values the
// hub's Secret holds, with the key kept beside them.
func secretValuesFingerprint(t *testing.T, e *hubEnv) string {
	t.Helper()
	s, err := e.client.CoreV1().Secrets(e.ns).Get(e.ctx, "hub-secret-values", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	key := s.Data[fingerprint.DataKey]
	if len(key) != 32 {
		t.Fatalf("Secret hub-secret-values has no fingerprint key (%d bytes)", len(key))
	}
	return fingerprint.Sum(key, string(s.Data["values.yaml"]))
}

// TestAccHubSecretValuesRef: a referenced Secret is checked at plan (content
// the hub would ignore fails there), a missing one fails the apply before
// anything is installed, and a good one reaches the hub and imports back.
func TestAccHubSecretValuesRef(t *testing.T) {
	e := newHubEnv(t)
	setValues := func(doc string) {
		s := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "community-secrets"}, StringData: map[string]string{"values.yaml": doc}}
		if _, err := e.client.CoreV1().Secrets(e.ns).Create(e.ctx, s, metav1.CreateOptions{}); err != nil {
			if _, err := e.client.CoreV1().Secrets(e.ns).Update(e.ctx, s, metav1.UpdateOptions{}); err != nil {
				t.Fatal(err)
			}
		}
	}
	hcl := hubConfig(e, `
  secret_values_ref = { name = "community-secrets" }`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: hcl, ExpectError: regexp.MustCompile(`Secret values not found[\s\S]*does not exist`)},
			{
				PreConfig:   func() { setValues("proxy:\n  secretToken: ref-secret-1\n") },
				Config:      hcl,
				ExpectError: regexp.MustCompile(`Secret values not usable[\s\S]*"proxy" is read by the chart's templates`),
			},
			{
				PreConfig: func() { setValues("hub:\n  db:\n    password: ref-secret-1\n") },
				Config:    hcl,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(hubAddr, tfjsonpath.New("secret_values_ref").AtMapKey("name"), knownvalue.StringExact("community-secrets")),
					noneInState{"a secret value", func() []string { return []string{"ref-secret-1"} }},
				},
				Check: func(*terraform.State) error { return e.hubReadsSecretValues("community-secrets") },
			},
			{ResourceName: hubAddr, ImportState: true, ImportStateVerify: true, ImportStateId: e.ns + "/" + e.name,
				ImportStateVerifyIgnore: []string{"chart_repository"}},
		},
	})
}

// saltedValuesRevision is the last provider revision that stored a salted
// SHA-256 of secret_values_wo as secret_values_checksum.
const saltedValuesRevision = "a9b6ceb6cc4391d9a118141ad45b2ae4d653dd07"

// TestAccHubSecretValuesFingerprintMigrates: a hub applied by the provider
// version that stored a salted SHA-256 of its secret values migrates with one
// apply: the plan says so in a warning and updates the hub (which restarts
// once), state then holds the keyed fingerprint, and the next plan is empty.
func TestAccHubSecretValuesFingerprintMigrates(t *testing.T) {
	cp := testAccPreCheck(t)
	m := newProviderMigration(t, cp.KubeconfigPath, saltedValuesRevision)
	e := newHubEnv(t)
	m.w.writeConfig(fmt.Sprintf(`
resource "twoi2chub_hub" "test" {
  name             = %q
  namespace        = %q
  chart_repository = %q
  secret_values_wo = yamlencode({ hub = { db = { password = "migrating-values-1" } } })
}
`, e.name, e.ns, e.repo))
	m.applyOld(t, e)
	s, err := e.client.CoreV1().Secrets(e.ns).Get(e.ctx, "hub-secret-values", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	m.migrate(t, e, fingerprintMigration{
		legacy:     plainHashes(e.ns, e.name, string(s.Data["values.yaml"])),
		checksum:   func() string { return m.w.stateValue(e.ctx, hubAddr, "secret_values_checksum") },
		keyed:      func() string { return secretValuesFingerprint(t, e) },
		plan:       []string{"The secret values' fingerprint will be replaced", "twoi2chub_hub.test will be updated in-place", "1 to change"},
		annotation: "twoi2chub.2i2c.org/private-values-checksum",
	})
}
