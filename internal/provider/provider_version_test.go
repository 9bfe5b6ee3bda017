package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// TestAccProviderWithVersionConstraint: a configuration that pins the
// provider as every example does (version = "~> 0.1") runs against the
// provider served by the test process, whose version is "test": the CLI
// does not hold a reattached provider to the constraint, so acceptance tests
// can use the examples' terraform block as it is.
func TestAccProviderWithVersionConstraint(t *testing.T) {
	cp := testAccPreCheck(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
terraform {
  required_version = ">= 1.8.0"
  required_providers {
    twoi2chub = {
      source  = "2i2c-org/twoi2chub"
      version = "~> 0.1"
    }
  }
}
` + providerKubeconfig(cp) + `
data "twoi2chub_cluster" "this" {}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.twoi2chub_cluster.this", tfjsonpath.New("ready_for_hub"), knownvalue.Bool(true)),
			},
		}},
	})
}
