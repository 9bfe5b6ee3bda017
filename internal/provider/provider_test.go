package provider

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/testbed"
)

// One local control plane serves every test in this binary (see testbed.RunMain).
func TestMain(m *testing.M) { os.Exit(testbed.RunMain(m)) }

// protoV6ProviderFactories runs the provider in the test process, so tests
// work the same with Terraform and with OpenTofu (TF_ACC_TERRAFORM_PATH).
var protoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"twoi2chub": providerserver.NewProtocol6WithError(New("test")()),
}

// testAccPreCheck skips unless TF_ACC is set and gives the test the control plane.
func testAccPreCheck(t *testing.T) *testbed.ControlPlane {
	t.Helper()
	if os.Getenv(resource.EnvTfAcc) == "" {
		t.Skipf("acceptance test: set %s=1 (make testacc)", resource.EnvTfAcc)
	}
	// Connection settings come from each test's HCL; stray KUBE_* variables
	// from the developer's shell must not leak in.
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "KUBE_") {
			t.Setenv(strings.SplitN(kv, "=", 2)[0], "")
			os.Unsetenv(strings.SplitN(kv, "=", 2)[0])
		}
	}
	return testbed.Get(t)
}

// providerKubeconfig is a provider block connecting through the test bed's kubeconfig.
func providerKubeconfig(cp *testbed.ControlPlane) string {
	return fmt.Sprintf(`
provider "twoi2chub" {
  kubernetes {
    config_path = %q
  }
}
`, cp.KubeconfigPath)
}

// hclString quotes s as an HCL heredoc-free string literal (PEM has newlines).
func hclString(s string) string {
	return fmt.Sprintf("%q", s)
}
