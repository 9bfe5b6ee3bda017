// Command testbed runs the local control plane in the foreground until
// interrupted, for `make demo` and for trying the provider by hand:
//
//	go run ./internal/cmd/testbed -kubeconfig .demo/kubeconfig [-builds .demo/builds.env]
//
// It writes the kubeconfig once the cluster is ready and removes it on exit.
// With -builds it also serves an environment repository over git's HTTP
// protocol, runs a registry on loopback with a push Secret for it in the
// namespace demo-builds, and plays the build pod (no kubelet runs here to run
// repo2docker): each build Job's pod pushes a small image and finishes. The
// file it names gets the variables the demo's configuration needs.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"syscall"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/buildtest"
	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/testbed"
)

func main() {
	kubeconfig := flag.String("kubeconfig", "", "where to copy the cluster's kubeconfig once it is ready (required)")
	builds := flag.String("builds", "", "serve a repository and a registry, play build pods, and write their settings to this file")
	flag.Parse()
	if *kubeconfig == "" {
		flag.Usage()
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	cp, err := testbed.Start(ctx, testbed.Options{Logf: log.Printf})
	if err != nil {
		log.Fatal(err)
	}
	defer cp.Stop()
	if *builds != "" {
		if err := serveBuilds(ctx, cp, *builds); err != nil {
			cp.Stop()
			log.Fatal(err)
		}
	}
	data, err := os.ReadFile(cp.KubeconfigPath)
	if err == nil {
		err = os.WriteFile(*kubeconfig, data, 0o600)
	}
	if err != nil {
		cp.Stop()
		log.Fatal(err)
	}
	defer os.Remove(*kubeconfig)
	fmt.Printf("testbed: ready in %s at %s; kubeconfig %s; logs in %s\n", cp.ReadyAfter.Round(1e6), cp.Host, *kubeconfig, cp.Dir)
	<-ctx.Done()
	fmt.Println("testbed: stopping")
}

// serveBuilds starts what the demo's image build needs and writes, as
// TF_VAR_ lines, where the repository and registry are.
func serveBuilds(ctx context.Context, cp *testbed.ControlPlane, envFile string) error {
	cs, err := cp.Client()
	if err != nil {
		return err
	}
	root, err := os.MkdirTemp("", "testbed-git-")
	if err != nil {
		return err
	}
	git, err := buildtest.StartGitServer(root)
	if err != nil {
		return err
	}
	repo, err := git.CreateRepo("hackweek-env")
	if err != nil {
		return err
	}
	reg := buildtest.StartRegistry()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "demo-builds"}}
	if _, err := cs.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil {
		return err
	}
	push := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: "push", Namespace: "demo-builds"},
		Type:       corev1.SecretTypeDockerConfigJson,
		Data:       map[string][]byte{corev1.DockerConfigJsonKey: reg.DockerConfigJSON()},
	}
	if _, err := cs.CoreV1().Secrets("demo-builds").Create(ctx, push, metav1.CreateOptions{}); err != nil {
		return err
	}
	go (&buildtest.StandInBuildPod{Registry: reg, Client: cs}).Run(ctx)
	env := fmt.Sprintf("export TF_VAR_env_repository=%s\nexport TF_VAR_image_registry=%s\n", repo.URL, reg.Host)
	return os.WriteFile(envFile, []byte(env), 0o600)
}
