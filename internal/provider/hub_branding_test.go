package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// TestAccHubBranding: a logo and a login template given in HCL reach the hub
// pod as files of the hub's Secret, mounted where JupyterHub's logo_file and
// template_paths point; the settings import back to the typed attribute.
func TestAccHubBranding(t *testing.T) {
	e := newHubEnv(t)
	svg := `<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"/>`
	login := `{% extends "templates/login.html" %}{% block login_container %}Welcome{{ super() }}{% endblock %}`
	config := hubConfig(e, fmt.Sprintf(`
  branding = {
    logo          = base64encode(%q)
    templates     = { "login.html" = %q }
    template_vars = { announcement_login = "Log in with your university account." }
  }`, svg, login))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			// A logo given with file() instead of filebase64() fails at plan, at its path.
			{
				Config:      strings.Replace(config, "base64encode(", "(", 1),
				ExpectError: regexp.MustCompile(`(?s)Invalid value at branding\.logo.*filebase64`),
			},
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(hubAddr, tfjsonpath.New("branding").AtMapKey("templates").AtMapKey("login.html"), knownvalue.StringExact(login)),
				},
				Check: func(*terraform.State) error {
					secret, err := e.client.CoreV1().Secrets(e.ns).Get(e.ctx, "hub", metav1.GetOptions{})
					if err != nil {
						return err
					}
					if got := string(secret.Data["branding-logo"]); got != svg {
						return fmt.Errorf("the hub's Secret holds the logo %q", got)
					}
					if got := string(secret.Data["branding-template-login.html"]); got != login {
						return fmt.Errorf("the hub's Secret holds the login template %q", got)
					}
					dep, err := e.client.AppsV1().Deployments(e.ns).Get(e.ctx, "hub", metav1.GetOptions{})
					if err != nil {
						return err
					}
					mounts := map[string]string{}
					for _, m := range dep.Spec.Template.Spec.Containers[0].VolumeMounts {
						mounts[m.SubPath] = m.MountPath
					}
					if mounts["branding-logo"] != "/usr/local/etc/jupyterhub/branding/logo.svg" ||
						mounts["branding-template-login.html"] != "/usr/local/etc/jupyterhub/branding/templates/login.html" {
						return fmt.Errorf("hub pod mounts %v", mounts)
					}
					jh := e.latest(t).Config["hub"].(map[string]any)["config"].(map[string]any)["JupyterHub"].(map[string]any)
					if jh["logo_file"] != "/usr/local/etc/jupyterhub/branding/logo.svg" || fmt.Sprint(jh["template_paths"]) != "[/usr/local/etc/jupyterhub/branding/templates]" {
						return fmt.Errorf("deployed JupyterHub config %v", jh)
					}
					return nil
				},
			},
			{ResourceName: hubAddr, ImportState: true, ImportStateVerify: true, ImportStateId: e.ns + "/" + e.name,
				ImportStateVerifyIgnore: []string{"chart_repository"}},
		},
	})
}
