package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// TestAccProviderVersionConstraintNeedsAnInstalledProvider records how a
// `version` constraint meets the acceptance tests: the provider served by the
// test process is reattached without a version, so a configuration that pins
// it as the examples do ("~> 0.1") fails with an inconsistent lock file, on
// Terraform and on OpenTofu alike. Acceptance tests therefore name only the
// source; the examples, which pin the version, are validated against an
// installed provider by internal/examplecheck (make examples-check).
func TestAccProviderVersionConstraintNeedsAnInstalledProvider(t *testing.T) {
	cp := testAccPreCheck(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
terraform {
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
			ExpectError: regexp.MustCompile(`2i2c-org/twoi2chub: required by this configuration but no version is\s+selected`),
		}},
	})
}
