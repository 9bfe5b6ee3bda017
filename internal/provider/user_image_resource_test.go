package provider

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/buildtest"
	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/imagebuild"
)

const imageAddr = "twoi2chub_user_image.env"

type imageEnv struct {
	*hubEnv
	reg     *buildtest.Registry
	repo    *buildtest.Repo
	standIn *buildtest.StandInBuildPod
}

func newImageEnv(t *testing.T) *imageEnv {
	e := &imageEnv{hubEnv: newHubEnv(t), reg: buildtest.NewRegistry(t)}
	e.repo = buildtest.NewGitServer(t).NewRepo(t, "hackweek-env")
	e.standIn = &buildtest.StandInBuildPod{Registry: e.reg, Client: e.client}
	e.standIn.Start(t)
	push := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: "push"},
		Type:       corev1.SecretTypeDockerConfigJson,
		Data:       map[string][]byte{corev1.DockerConfigJsonKey: e.reg.DockerConfigJSON()},
	}
	if _, err := e.client.CoreV1().Secrets(e.ns).Create(e.ctx, push, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *imageEnv) config(extra string) string {
	return providerKubeconfig(e.cp) + fmt.Sprintf(`
resource "twoi2chub_user_image" "env" {
  repository = %q
  ref        = "main"
  image      = "%s/hub/env"
  builder = {
    namespace   = %q
    push_secret = "push"
  }
%s
}

resource "twoi2chub_hub" "test" {
  name             = %q
  namespace        = %q
  chart_repository = %q
  image            = twoi2chub_user_image.env.image_digest_ref
  profiles = [{
    display_name = "Hackweek environment"
    image        = twoi2chub_user_image.env.image_digest_ref
  }]
}
`, e.repo.URL, e.reg.Host, e.ns, extra, e.name, e.ns, e.hubEnv.repo)
}

// deployedProfileImage is the image the hub's first profile runs.
func (e *imageEnv) deployedProfileImage(t *testing.T) string {
	su, _ := e.latest(t).Config["singleuser"].(map[string]any)
	list, _ := su["profileList"].([]any)
	if len(list) == 0 {
		return ""
	}
	o, _ := list[0].(map[string]any)["kubespawner_override"].(map[string]any)
	s, _ := o["image"].(string)
	return s
}

// TestAccUserImage builds a community image and runs it in a hub profile:
// the first apply builds; a new commit on the tracked branch shows in the
// plan and builds again; a failed build reports its log tail and keeps the
// last good image; an apply meeting a build already running waits for it;
// destroying leaves the image in the registry.
func TestAccUserImage(t *testing.T) {
	e := newImageEnv(t)
	imageName := e.reg.Host + "/hub/env"
	var firstDigestRef string
	builds := func(n int) func(*terraform.State) error {
		return func(*terraform.State) error {
			if got := len(e.standIn.Builds()); got != n {
				return fmt.Errorf("%d builds so far, want %d: %v", got, n, e.standIn.Builds())
			}
			return nil
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: e.config(""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(imageAddr, tfjsonpath.New("commit"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f]{40}$`))),
					plancheck.ExpectKnownValue(imageAddr, tfjsonpath.New("tag"), knownvalue.StringRegexp(regexp.MustCompile(`^hackweek-env-[0-9a-f]{12}-[0-9a-f]{10}$`))),
					plancheck.ExpectUnknownValue(imageAddr, tfjsonpath.New("image_digest_ref")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(imageAddr, tfjsonpath.New("image_digest_ref"), knownvalue.StringRegexp(regexp.MustCompile(`^`+regexp.QuoteMeta(imageName)+`@sha256:[0-9a-f]{64}$`))),
					statecheck.ExpectKnownValue(imageAddr, tfjsonpath.New("digest"), knownvalue.StringRegexp(regexp.MustCompile(`^sha256:`))),
				},
				Check: resource.ComposeTestCheckFunc(builds(1), func(s *terraform.State) error {
					firstDigestRef = s.RootModule().Resources[imageAddr].Primary.Attributes["image_digest_ref"]
					if got := e.deployedProfileImage(t); got != firstDigestRef {
						return fmt.Errorf("the hub runs %q, want the built image %q", got, firstDigestRef)
					}
					return nil
				}),
			},
			{
				// A new commit on main: the plan shows it, and apply builds it.
				PreConfig: func() { e.repo.Commit(t, "add pandas", map[string]string{"requirements.txt": "pandas\n"}) },
				Config:    e.config(""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(imageAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(imageAddr, tfjsonpath.New("image_digest_ref")),
					plancheck.ExpectResourceAction(hubAddr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeTestCheckFunc(builds(2), func(s *terraform.State) error {
					now := s.RootModule().Resources[imageAddr].Primary.Attributes["image_digest_ref"]
					if now == firstDigestRef || e.deployedProfileImage(t) != now {
						return fmt.Errorf("after the new commit the hub runs %q (image %q, before %q)", e.deployedProfileImage(t), now, firstDigestRef)
					}
					return nil
				}),
			},
			{
				// A build that fails: the error carries the end of the build log.
				PreConfig: func() {
					e.repo.Commit(t, "pin numpy", map[string]string{"environment.yml": "dependencies: [numpy=99]\n"})
					e.standIn.Next(buildtest.Outcome{Fail: true, LogTail: "Solving environment: failed\nResolvePackageNotFound:\n  - numpy=99"})
				},
				Config:      e.config(""),
				ExpectError: regexp.MustCompile(`(?s)Building .*hub/env:hackweek-env-.* failed.*exit\s+code\s+1.*last\s+lines\s+of\s+the\s+build\s+log.*ResolvePackageNotFound:.*numpy=99`),
			},
			{
				// Another apply is already building this commit's image: this
				// one waits for that Job instead of starting a second.
				PreConfig: func() {
					e.standIn.Next(buildtest.Outcome{})
					e.standIn.Hold()
					startRunningBuild(t, e)
					go func() { time.Sleep(2 * time.Second); e.standIn.Release() }()
				},
				Config: e.config(""),
				Check: resource.ComposeTestCheckFunc(builds(4), func(*terraform.State) error {
					jobs, err := buildtest.Jobs(e.ctx, e.client, e.ns)
					if err != nil {
						return err
					}
					if len(jobs) != 3 { // one per tag built: first, second and third commit
						return fmt.Errorf("%d build Jobs, want 3 (one per commit)", len(jobs))
					}
					return nil
				}),
			},
		},
		CheckDestroy: func(*terraform.State) error {
			kc, _ := imagebuild.ParseDockerConfig(e.reg.DockerConfigJSON())
			_, found, err := imagebuild.Registry{Keychain: kc}.Digest(e.ctx, firstDigestRef)
			if err != nil || !found {
				return fmt.Errorf("destroy removed %s from the registry (%v)", firstDigestRef, err)
			}
			return nil
		},
	})
}

// startRunningBuild creates the build Job for main's current commit, as a
// concurrent apply would have.
func startRunningBuild(t *testing.T, e *imageEnv) {
	t.Helper()
	commit, err := imagebuild.ResolveRef(e.ctx, e.repo.URL, "main")
	if err != nil {
		t.Fatal(err)
	}
	req := imagebuild.Request{Repository: e.repo.URL, Commit: commit, Image: e.reg.Host + "/hub/env"}
	job, err := imagebuild.Job(imagebuild.Builder{Namespace: e.ns, PushSecret: "push"}, req, imagebuild.Tag(req))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := imagebuild.Start(e.ctx, e.client, job); err != nil {
		t.Fatal(err)
	}
}

// TestAccUserImageSkipsExistingTag: when the registry already has the tag,
// nothing is built and the digest is the registry's.
func TestAccUserImageSkipsExistingTag(t *testing.T) {
	e := newImageEnv(t)
	commit, err := imagebuild.ResolveRef(e.ctx, e.repo.URL, "main")
	if err != nil {
		t.Fatal(err)
	}
	req := imagebuild.Request{Repository: e.repo.URL, Commit: commit, Image: e.reg.Host + "/hub/env"}
	ref := req.Image + ":" + imagebuild.Tag(req)
	if err := e.reg.Push(ref); err != nil {
		t.Fatal(err)
	}
	kc, _ := imagebuild.ParseDockerConfig(e.reg.DockerConfigJSON())
	digest, _, err := imagebuild.Registry{Keychain: kc}.Digest(e.ctx, ref)
	if err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: e.config("  delete_image_on_destroy = true"),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(imageAddr, tfjsonpath.New("image_ref"), knownvalue.StringExact(ref)),
				statecheck.ExpectKnownValue(imageAddr, tfjsonpath.New("image_digest_ref"), knownvalue.StringExact(req.Image+"@"+digest)),
			},
			Check: func(*terraform.State) error {
				if b := e.standIn.Builds(); len(b) != 0 {
					return fmt.Errorf("built %v although the registry had the tag", b)
				}
				return nil
			},
		}},
		CheckDestroy: func(*terraform.State) error {
			if _, found, _ := (imagebuild.Registry{Keychain: kc}).Digest(e.ctx, ref); found {
				return fmt.Errorf("delete_image_on_destroy left %s in the registry", ref)
			}
			return nil
		},
	})
}

// TestAccUserImageBuilderQuantities: builder.cpu and builder.memory that are
// not quantities fail at plan at the attribute, and a bad value known only
// at apply (here from terraform_data) is an error there too, not a crash of
// the provider.
func TestAccUserImageBuilderQuantities(t *testing.T) {
	e := newImageEnv(t)
	config := func(builder string) string {
		return providerKubeconfig(e.cp) + fmt.Sprintf(`
resource "terraform_data" "cpu" {
  input = "two"
}

resource "twoi2chub_user_image" "env" {
  repository = %q
  image      = "%s/hub/env"
  builder = {
    namespace   = %q
    push_secret = "push"
    %s
  }
}
`, e.repo.URL, e.reg.Host, e.ns, builder)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      config(`cpu = "two"`),
				PlanOnly:    true,
				ExpectError: messageAt(`"two" is not an amount of CPU: write a number of cores, e.g. "2" or "0.5"`, "builder.cpu"),
			},
			{
				Config:      config(`memory = "8 GB"`),
				PlanOnly:    true,
				ExpectError: messageAt(`"8 GB" is not a memory size`, "builder.memory"),
			},
			{
				Config:      config(`cpu = terraform_data.cpu.output`),
				ExpectError: messageAt(`"two" is not an amount of CPU`, "builder.cpu"),
			},
		},
	})
	if b := e.standIn.Builds(); len(b) != 0 {
		t.Errorf("a build ran with a bad CPU amount: %v", b)
	}
}
