package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/charttest"
	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/z2jhtest"
)

// TestAccProviderPrivateChartRepository: a hub from a chart repository that
// wants basic auth over https with a CA of its own fails at plan saying what
// to configure; with chart_repositories it installs; the password is in
// neither plan nor state.
func TestAccProviderPrivateChartRepository(t *testing.T) {
	e := newHubEnv(t)
	const password = "chart-token-0123456789"
	repo, err := charttest.NewPrivateRepo(charttest.Private{Username: "hub-team", Password: password, TLS: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(repo.Close)
	var schema []byte
	if dir, ok := z2jhtest.Dir(); ok {
		if schema, err = os.ReadFile(filepath.Join(dir, "values.schema.json")); err != nil {
			t.Fatal(err)
		}
	}
	ch, err := charttest.Load(DefaultChartVersion, schema)
	if err != nil {
		t.Fatal(err)
	}
	if err := repo.Add(ch); err != nil {
		t.Fatal(err)
	}
	// A chart cache of its own: nothing this test downloads is shared.
	t.Setenv("TWOI2CHUB_CACHE_DIR", t.TempDir())
	hub := fmt.Sprintf(`
resource "twoi2chub_hub" "test" {
  name             = %q
  namespace        = %q
  chart_repository = %q
}
`, e.name, e.ns, repo.URL)
	provider := func(repositories string) string {
		return fmt.Sprintf(`
provider "twoi2chub" {
  kubernetes = {
    config_path = %q
  }
  %s
}
`, e.cp.KubeconfigPath, repositories)
	}
	// The password comes in as an ephemeral variable, as from a vault, so
	// that neither the configuration nor the plan holds it.
	withCredentials := `
variable "charts_password" {
  type      = string
  sensitive = true
  ephemeral = true
}
` + provider(fmt.Sprintf(`chart_repositories = [
    { url = "https://charts.example.org/", username = "someone", password = "else" },
    { url = %q, username = "hub-team", password = var.charts_password, ca_certificate = %s },
  ]`, repo.URL, hclString(repo.CACertificate)))
	vars := config.Variables{"charts_password": config.StringVariable(password)}
	passwords := func() []string { return []string{password} }
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		// Ephemeral variables: Terraform 1.10+, OpenTofu 1.11+.
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		Steps: []resource.TestStep{
			{
				Config:      provider(fmt.Sprintf(`chart_repositories = [{ url = %q, ca_certificate = %s }]`, repo.URL, hclString(repo.CACertificate))) + hub,
				PlanOnly:    true,
				ExpectError: messageAt("the repository is private; give its credentials in the provider's chart_repositories", "chart_version"),
			},
			{
				Config:      provider(fmt.Sprintf(`chart_repositories = [{ url = %q, username = "hub-team", password = %q }]`, repo.URL, password)) + hub,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`certificate\s+signed\s+by\s+unknown\s+authority`),
			},
			{
				Config:      provider(`chart_repositories = [{ url = "charts.example.org" }]`) + hub,
				PlanOnly:    true,
				ExpectError: messageAt(`must start with https://, http:// or oci://`, "chart_repositories[0].url"),
			},
			{
				Config:          withCredentials + hub,
				ConfigVariables: vars,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(hubAddr, plancheck.ResourceActionCreate),
					noneInPlan{"the chart repository's password", passwords},
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(hubAddr, tfjsonpath.New("status"), knownvalue.StringExact("deployed")),
					noneInState{"the chart repository's password", passwords},
				},
			},
			{Config: withCredentials + hub, ConfigVariables: vars, PlanOnly: true},
		},
	})
	if repo.ArchiveDownloads() == 0 {
		t.Error("the chart never came from the private repository")
	}
}
