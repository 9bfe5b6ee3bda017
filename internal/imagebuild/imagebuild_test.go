package imagebuild_test

import (
	"context"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/buildtest"
	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/imagebuild"
	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/testbed"
)

func TestMain(m *testing.M) { os.Exit(testbed.RunMain(m)) }

var tagChars = regexp.MustCompile(`^[a-z0-9_][a-z0-9_.-]{0,127}$`)

func TestTag(t *testing.T) {
	base := imagebuild.Request{Repository: "https://github.com/2i2c-org/Hackweek-Env.git", Commit: strings.Repeat("ab", 20), Image: "ghcr.io/2i2c-org/env"}
	tag := imagebuild.Tag(base)
	if !strings.HasPrefix(tag, "2i2c-org-hackweek-env-abababababab-") || !tagChars.MatchString(tag) {
		t.Errorf("tag %q", tag)
	}
	if imagebuild.Tag(base) != tag {
		t.Error("the tag is not stable")
	}
	seen := map[string]string{"base": tag}
	variants := map[string]func(r *imagebuild.Request){
		"commit":     func(r *imagebuild.Request) { r.Commit = strings.Repeat("cd", 20) },
		"subpath":    func(r *imagebuild.Request) { r.Subpath = "binder" },
		"build args": func(r *imagebuild.Request) { r.BuildArgs = []string{"--build-memory-limit", "4G"} },
		"triggers":   func(r *imagebuild.Request) { r.Triggers = map[string]string{"base": "2025-01"} },
		"repository": func(r *imagebuild.Request) { r.Repository = "https://gitlab.com/2i2c-org/hackweek-env" },
	}
	for name, change := range variants {
		r := base
		change(&r)
		got := imagebuild.Tag(r)
		for other, prev := range seen {
			if got == prev {
				t.Errorf("changing %s gives the tag of %s: %q", name, other, got)
			}
		}
		seen[name] = got
	}
	long := base
	long.Repository = "https://example.org/" + strings.Repeat("very-long-group-name/", 12) + "environment"
	long.Subpath = "deeply/nested/binder"
	if got := imagebuild.Tag(long); len(got) > 128 || !tagChars.MatchString(got) || !strings.HasSuffix(got, "binder-abababababab-"+got[len(got)-10:]) {
		t.Errorf("long tag %q (%d characters)", got, len(got))
	}
	if name := imagebuild.JobName(tag); len(name) > 63 || name != imagebuild.JobName(tag) {
		t.Errorf("job name %q", name)
	}
}

func TestResolveRef(t *testing.T) {
	srv := buildtest.NewGitServer(t)
	repo := srv.NewRepo(t, "env")
	first := repo.Commit(t, "add requirements", map[string]string{"requirements.txt": "pandas\n"})
	repo.Tag(t, "v1")
	second := repo.Commit(t, "more", map[string]string{"apt.txt": "graphviz\n"})
	ctx := context.Background()
	for ref, want := range map[string]string{"main": second, "HEAD": second, "": second, "v1": first, first: first} {
		got, err := imagebuild.ResolveRef(ctx, repo.URL, ref)
		if err != nil || got != want {
			t.Errorf("ResolveRef(%q) = %s, %v; want %s", ref, got, err, want)
		}
	}
	_, err := imagebuild.ResolveRef(ctx, repo.URL, "nope")
	if err == nil || !strings.Contains(err.Error(), `no branch or tag "nope"`) || !strings.Contains(err.Error(), "main, v1") {
		t.Errorf("missing branch: %v", err)
	}
	if _, err := imagebuild.ResolveRef(ctx, srv.URL+"/missing.git", "main"); err == nil {
		t.Error("a missing repository resolved")
	}
}

func TestRegistryDigestWithPushSecretCredentials(t *testing.T) {
	reg := buildtest.NewRegistry(t)
	ref := reg.Host + "/env:abc"
	if err := reg.Push(ref); err != nil {
		t.Fatal(err)
	}
	kc, err := imagebuild.ParseDockerConfig(reg.DockerConfigJSON())
	if err != nil {
		t.Fatal(err)
	}
	r := imagebuild.Registry{Keychain: kc}
	ctx := context.Background()
	digest, found, err := r.Digest(ctx, ref)
	if err != nil || !found || !strings.HasPrefix(digest, "sha256:") {
		t.Fatalf("digest %q found %v err %v", digest, found, err)
	}
	if _, found, err := r.Digest(ctx, reg.Host+"/env:other"); err != nil || found {
		t.Errorf("missing tag: found %v err %v", found, err)
	}
	if _, _, err := (imagebuild.Registry{}).Digest(ctx, ref); err == nil {
		t.Error("the registry answered without credentials")
	}
}

func TestJobSpec(t *testing.T) {
	r := imagebuild.Request{Repository: "https://github.com/org/env", Commit: strings.Repeat("a", 40), Subpath: "binder", Image: "ghcr.io/org/env",
		BuildArgs: []string{"--build-memory-limit", "4G"}}
	j, err := imagebuild.Job(imagebuild.Builder{Namespace: "builds", PushSecret: "push", CPU: "500m", Memory: "4Gi",
		NodeSelector: map[string]string{"hub.jupyter.org/node-purpose": "user"}}, r, "tag1")
	if err != nil {
		t.Fatal(err)
	}
	c := j.Spec.Template.Spec.Containers[0]
	args := strings.Join(c.Args, " ")
	for _, want := range []string{"--ref " + r.Commit, "--image-name ghcr.io/org/env:tag1", "--push", "--no-run", "--user-name jovyan", "--user-id 1000",
		"--json-logs", "--subdir binder", "--build-memory-limit 4G"} {
		if !strings.Contains(args, want) {
			t.Errorf("args %q lack %q", args, want)
		}
	}
	if !strings.HasSuffix(args, " https://github.com/org/env") || c.TerminationMessagePolicy != corev1.TerminationMessageFallbackToLogsOnError {
		t.Errorf("args %q, termination policy %q", args, c.TerminationMessagePolicy)
	}
	if *j.Spec.BackoffLimit != 0 || j.Name != imagebuild.JobName("tag1") || j.Spec.Template.Spec.NodeSelector["hub.jupyter.org/node-purpose"] != "user" {
		t.Errorf("job %+v", j.Spec)
	}
	var mountsPush bool
	for _, v := range j.Spec.Template.Spec.Volumes {
		mountsPush = mountsPush || (v.Secret != nil && v.Secret.SecretName == "push")
	}
	if !mountsPush {
		t.Error("the push secret is not mounted")
	}
	// By default Docker runs as a native sidecar, so containerd-only nodes can
	// build and the Job still completes when repo2docker exits.
	sidecars := j.Spec.Template.Spec.InitContainers
	if len(sidecars) != 1 || sidecars[0].RestartPolicy == nil || *sidecars[0].RestartPolicy != corev1.ContainerRestartPolicyAlways ||
		!*sidecars[0].SecurityContext.Privileged || sidecars[0].Image != imagebuild.DefaultDindImage {
		t.Errorf("Docker-in-Docker sidecar %+v", sidecars)
	}
	var dockerHost string
	for _, e := range c.Env {
		if e.Name == "DOCKER_HOST" {
			dockerHost = e.Value
		}
	}
	if dockerHost != "unix:///var/run/dind/docker.sock" {
		t.Errorf("repo2docker's DOCKER_HOST is %q", dockerHost)
	}
	if cpu, mem := c.Resources.Requests.Cpu().String(), c.Resources.Limits.Memory().String(); cpu != "500m" || mem != "4Gi" {
		t.Errorf("build resources: cpu request %s, memory limit %s", cpu, mem)
	}
	hostJob, err := imagebuild.Job(imagebuild.Builder{Namespace: "builds", Docker: imagebuild.DockerHost}, r, "tag1")
	if err != nil {
		t.Fatal(err)
	}
	host := hostJob.Spec.Template.Spec
	if len(host.InitContainers) != 0 || host.Volumes[0].HostPath == nil || host.Volumes[0].HostPath.Path != "/var/run/docker.sock" {
		t.Errorf("host Docker: %+v", host)
	}
}

// TestJobRejectsBadQuantities: a CPU or memory amount that is not a
// Kubernetes quantity is an error, never a panic.
func TestJobRejectsBadQuantities(t *testing.T) {
	r := imagebuild.Request{Repository: "https://github.com/org/env", Commit: strings.Repeat("a", 40), Image: "ghcr.io/org/env"}
	for _, b := range []imagebuild.Builder{{CPU: "two"}, {Memory: "8 GB"}, {CPU: "1", Memory: "lots"}} {
		b.Namespace = "builds"
		if j, err := imagebuild.Job(b, r, "tag1"); err == nil || j != nil || !strings.Contains(err.Error(), "is not a quantity") {
			t.Errorf("builder %+v: job %v, error %v", b, j, err)
		}
	}
}

// buildEnv is the test bed with a registry, a repository and the stand-in build pod.
type buildEnv struct {
	ctx     context.Context
	ns      string
	reg     *buildtest.Registry
	repo    *buildtest.Repo
	standIn *buildtest.StandInBuildPod
	request imagebuild.Request
	builder imagebuild.Builder
	cp      *testbed.ControlPlane
}

func newBuildEnv(t *testing.T) *buildEnv {
	cp := testbed.Get(t)
	cs, err := cp.Client()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	e := &buildEnv{ctx: ctx, ns: cp.Namespace(t), reg: buildtest.NewRegistry(t), cp: cp}
	e.repo = buildtest.NewGitServer(t).NewRepo(t, "env")
	e.standIn = &buildtest.StandInBuildPod{Registry: e.reg, Client: cs}
	e.standIn.Start(t)
	commit, err := imagebuild.ResolveRef(ctx, e.repo.URL, "main")
	if err != nil {
		t.Fatal(err)
	}
	e.request = imagebuild.Request{Repository: e.repo.URL, Commit: commit, Image: e.reg.Host + "/hub/env"}
	e.builder = imagebuild.Builder{Namespace: e.ns}
	return e
}

func (e *buildEnv) ensure(t *testing.T) (imagebuild.Result, error) {
	cs, _ := e.cp.Client()
	kc, _ := imagebuild.ParseDockerConfig(e.reg.DockerConfigJSON())
	return imagebuild.Ensure(e.ctx, cs, imagebuild.Registry{Keychain: kc}, e.builder, e.request, t.Logf)
}

func TestEnsureBuildsOnceThenSkips(t *testing.T) {
	e := newBuildEnv(t)
	res, err := e.ensure(t)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Built || !strings.HasPrefix(res.Digest, "sha256:") || len(e.standIn.Builds()) != 1 {
		t.Fatalf("first ensure: %+v, builds %v", res, e.standIn.Builds())
	}
	again, err := e.ensure(t)
	if err != nil {
		t.Fatal(err)
	}
	if again.Built || again.Digest != res.Digest || len(e.standIn.Builds()) != 1 {
		t.Errorf("second ensure built again: %+v, builds %v", again, e.standIn.Builds())
	}
}

func TestEnsureReportsTheLogTail(t *testing.T) {
	e := newBuildEnv(t)
	e.standIn.Next(buildtest.Outcome{Fail: true, LogTail: "Step 12/20 : RUN conda env update\nResolvePackageNotFound:\n  - numpy=99"})
	_, err := e.ensure(t)
	if err == nil {
		t.Fatal("a failed build succeeded")
	}
	for _, want := range []string{"build Job " + e.ns + "/repo2docker-", "failed", "exit code 1", "last lines of the build log", "ResolvePackageNotFound", "numpy=99"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not say %q:\n%v", want, err)
		}
	}
	// A later attempt replaces the failed Job and builds.
	e.standIn.Next(buildtest.Outcome{})
	if _, err := e.ensure(t); err != nil {
		t.Fatalf("retry after a failure: %v", err)
	}
}

// TestEnsureAwaitsARunningBuild: a second apply meeting a build Job already
// running for the same tag waits for it rather than starting another.
func TestEnsureAwaitsARunningBuild(t *testing.T) {
	e := newBuildEnv(t)
	cs, _ := e.cp.Client()
	e.standIn.Hold()
	first := make(chan error, 1)
	go func() { _, err := e.ensure(t); first <- err }()
	name := imagebuild.JobName(imagebuild.Tag(e.request))
	for {
		if _, err := cs.BatchV1().Jobs(e.ns).Get(e.ctx, name, metav1.GetOptions{}); err == nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	second := make(chan error, 1)
	go func() { _, err := e.ensure(t); second <- err }()
	time.Sleep(time.Second)
	e.standIn.Release()
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if err := <-second; err != nil {
		t.Fatal(err)
	}
	jobs, _ := buildtest.Jobs(e.ctx, cs, e.ns)
	if len(jobs) != 1 || len(e.standIn.Builds()) != 1 {
		t.Errorf("%d Jobs and %d builds for one tag; want one of each", len(jobs), len(e.standIn.Builds()))
	}
}
