package provider

import (
	"bytes"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/hubvalues"
)

// TestAccHubPrivateImagePullSecrets runs a private image on the real chart
// with the push Secret of the user image that built it, from the builder's
// namespace: the image is built into a registry on loopback that wants
// credentials; the hub pulls with a copy of the push Secret in its own
// namespace, named in the release's imagePullSecrets (users' servers) and
// in the continuous image puller's pods; a literal private image passes the
// plan's registry check with those credentials and fails at `image` with
// credentials the registry refuses; the password is in no state; the copy
// goes with the hub.
func TestAccHubPrivateImagePullSecrets(t *testing.T) {
	e := newImageEnv(t)
	builds := e.ns + "-builds"
	if _, err := e.client.CoreV1().Namespaces().Create(e.ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: builds}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.client.CoreV1().Namespaces().Delete(e.ctx, builds, metav1.DeleteOptions{}) })
	revoked := []byte(fmt.Sprintf(`{"auths":{%q:{"username":"builder","password":"revoked"}}}`, e.reg.Host))
	for name, doc := range map[string][]byte{"push": e.reg.DockerConfigJSON(), "revoked": revoked} {
		s := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: name}, Type: corev1.SecretTypeDockerConfigJson, Data: map[string][]byte{corev1.DockerConfigJsonKey: doc}}
		if _, err := e.client.CoreV1().Secrets(builds).Create(e.ctx, s, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	literal := e.reg.Host + "/hub/private:v1"
	if err := e.reg.Push(literal); err != nil {
		t.Fatal(err)
	}
	copyName := hubvalues.PullSecretCopyName(hubvalues.PullSecretSource{Namespace: builds, Name: "push"})
	config := func(image, pullSecret string) string {
		return providerKubeconfig(e.cp) + fmt.Sprintf(`
resource "twoi2chub_user_image" "env" {
  repository = %q
  ref        = "main"
  image      = "%s/hub/env"
  builder = {
    namespace   = %q
    push_secret = "push"
  }
}

resource "twoi2chub_hub" "test" {
  name             = %q
  namespace        = %q
  chart_repository = %q
  image            = %s
  image_pull_secrets_from = [{ namespace = %q, name = %q }]
}
`, e.repo.URL, e.reg.Host, builds, e.name, e.ns, e.hubEnv.repo, image, builds, pullSecret)
	}
	pullsWithCopy := func(*terraform.State) error {
		if got := e.latest(t).Config["imagePullSecrets"]; !reflect.DeepEqual(got, []any{copyName}) {
			return fmt.Errorf("release imagePullSecrets %v, want [%s]", got, copyName)
		}
		s, err := e.client.CoreV1().Secrets(e.ns).Get(e.ctx, copyName, metav1.GetOptions{})
		if err != nil {
			return fmt.Errorf("the copy of the push Secret: %w", err)
		}
		if s.Type != corev1.SecretTypeDockerConfigJson || !bytes.Equal(s.Data[corev1.DockerConfigJsonKey], e.reg.DockerConfigJSON()) {
			return fmt.Errorf("the copy %s is of type %s with other credentials than the push Secret", copyName, s.Type)
		}
		puller, err := e.client.AppsV1().DaemonSets(e.ns).Get(e.ctx, "continuous-image-puller", metav1.GetOptions{})
		if err != nil {
			return fmt.Errorf("the continuous image puller: %w", err)
		}
		if got := puller.Spec.Template.Spec.ImagePullSecrets; len(got) != 1 || got[0].Name != copyName {
			return fmt.Errorf("the image puller pulls with %v, want %s", got, copyName)
		}
		return nil
	}
	noPassword := func(s *terraform.State) error {
		for addr, r := range s.RootModule().Resources {
			for k, v := range r.Primary.Attributes {
				if strings.Contains(v, e.reg.Password) || strings.Contains(v, "revoked") {
					return fmt.Errorf("a registry password is in the state of %s at %s", addr, k)
				}
			}
		}
		return nil
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// The image the provider built, pulled with its push Secret.
				Config: config("twoi2chub_user_image.env.image_digest_ref", "push"),
				Check:  resource.ComposeTestCheckFunc(pullsWithCopy, noPassword),
			},
			{
				// Credentials the registry refuses fail the plan at the image.
				Config:      config(fmt.Sprintf("%q", literal), "revoked"),
				ExpectError: regexp.MustCompile(`Image not pullable with the hub's pull secrets at image`),
			},
			{
				Config: config(fmt.Sprintf("%q", literal), "push"),
				Check:  resource.ComposeTestCheckFunc(pullsWithCopy, noPassword),
			},
		},
		CheckDestroy: func(*terraform.State) error {
			if _, err := e.client.CoreV1().Secrets(e.ns).Get(e.ctx, copyName, metav1.GetOptions{}); err == nil {
				return fmt.Errorf("the copy %s outlived the hub", copyName)
			}
			return nil
		},
	})
}
