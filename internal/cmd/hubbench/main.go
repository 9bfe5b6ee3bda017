// Command hubbench measures a no-op `terraform plan` over N hubs on the local
// control plane (make bench): wall time, Kubernetes API requests per hub per
// refresh (from the API server's own request counters), chart downloads
// (from the chart repository's counters) and the provider's peak RSS. With
// -helm-provider it measures N helm_release resources of the same chart with
// hashicorp/terraform-provider-helm the same way, for comparison.
package main

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"k8s.io/client-go/kubernetes"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/charttest"
	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/testbed"
	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/z2jhtest"
)

type result struct {
	provider       string
	hubs           int
	applySeconds   float64
	planSeconds    []float64
	secretRequests []int64 // GET+LIST on secrets during the plan
	allRequests    []int64 // every request the API server counted during the plan
	peakRSSKiB     []int64
	archives       int64 // chart archives served over setup and plans
	indexes        int64
}

func main() {
	hubsFlag := flag.String("hubs", "1,10,50", "hub counts to measure")
	runs := flag.Int("runs", 3, "plans per hub count (the median is reported)")
	cli := flag.String("cli", "tools/bin/terraform", "Terraform or OpenTofu binary")
	providerDir := flag.String("provider-dir", "bin", "directory holding terraform-provider-twoi2chub")
	helmProvider := flag.String("helm-provider", "", "terraform-provider-helm binary to compare with (optional)")
	flag.Parse()

	ctx := context.Background()
	cp, err := testbed.Start(ctx, testbed.Options{Logf: log.Printf, Timeout: 2 * time.Minute})
	if err != nil {
		log.Fatal(err)
	}
	defer cp.Stop()
	client, err := cp.Client()
	if err != nil {
		log.Fatal(err)
	}
	var schema []byte
	if dir, ok := z2jhtest.Dir(); ok {
		schema, _ = os.ReadFile(filepath.Join(dir, "values.schema.json"))
	}
	ch, err := charttest.Load("4.4.0", schema)
	if err != nil {
		log.Fatal(err)
	}
	repo, err := charttest.NewRepo()
	if err != nil {
		log.Fatal(err)
	}
	defer repo.Close()
	if err := repo.Add(ch); err != nil {
		log.Fatal(err)
	}
	work, err := os.MkdirTemp("", "hubbench-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(work)

	abs := func(p string) string { a, _ := filepath.Abs(p); return a }
	*cli, *providerDir = abs(*cli), abs(*providerDir)
	var counts []int
	for _, s := range strings.Split(*hubsFlag, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			log.Fatalf("-hubs: %v", err)
		}
		counts = append(counts, n)
	}
	kinds := []string{"twoi2chub"}
	if *helmProvider != "" {
		kinds = append(kinds, "helm")
	}
	var results []result
	for _, kind := range kinds {
		for _, n := range counts {
			r, err := measure(ctx, client, cp, repo, work, kind, n, *runs, *cli, *providerDir, abs(*helmProvider))
			if err != nil {
				log.Fatalf("%s with %d hubs: %v", kind, n, err)
			}
			results = append(results, r)
			log.Printf("%s, %d hubs: plan %.2fs, %.2f secret requests/hub, peak RSS %d MiB", kind, n, median(r.planSeconds),
				float64(medianInt(r.secretRequests))/float64(n), medianInt(r.peakRSSKiB)/1024)
		}
	}
	report(results)
}

func measure(ctx context.Context, client kubernetes.Interface, cp *testbed.ControlPlane, repo *charttest.Repo, work, kind string, n, runs int, cli, providerDir, helmProvider string) (result, error) {
	r := result{provider: kind, hubs: n}
	dir := filepath.Join(work, fmt.Sprintf("%s-%d", kind, n))
	if err := os.MkdirAll(filepath.Join(dir, "helm-plugin"), 0o755); err != nil {
		return r, err
	}
	overrides := fmt.Sprintf("    \"2i2c-org/twoi2chub\" = %q\n", providerDir)
	source := `twoi2chub = { source = "2i2c-org/twoi2chub" }`
	if kind == "helm" {
		if err := os.Symlink(helmProvider, filepath.Join(dir, "helm-plugin", "terraform-provider-helm")); err != nil {
			return r, err
		}
		overrides = fmt.Sprintf("    \"hashicorp/helm\" = %q\n", filepath.Join(dir, "helm-plugin"))
		source = `helm = { source = "hashicorp/helm" }`
	}
	rc := filepath.Join(dir, "cli.tfrc")
	if err := os.WriteFile(rc, []byte("provider_installation {\n  dev_overrides {\n"+overrides+"  }\n  direct {}\n}\n"), 0o644); err != nil {
		return r, err
	}
	var hcl strings.Builder
	hcl.WriteString("terraform {\n  required_providers {\n    " + source + "\n  }\n}\n")
	for i := 0; i < n; i++ {
		ns := fmt.Sprintf("bench-%s-%d-%d", kind, n, i)
		if kind == "helm" {
			// The same settings a typed hub below carries, as a values blob.
			fmt.Fprintf(&hcl, `
resource "helm_release" "hub%d" {
  name             = "hub"
  namespace        = %q
  create_namespace = true
  # Helm's own --wait also waits for the LoadBalancer Service to get an
  # external address, which a test bed never gives; it would time out blind.
  wait             = false
  repository       = %q
  chart            = "jupyterhub"
  version          = "4.4.0"
  values = [yamlencode({
    singleuser = { image = { name = "quay.io/jupyter/scipy-notebook", tag = "2025-01-06" }, storage = { type = "dynamic", capacity = "10Gi" } }
    cull       = { enabled = true, timeout = 1800 }
    hub        = { config = { Authenticator = { admin_users = ["ada"] } } }
  })]
}
`, i, ns, repo.URL)
			continue
		}
		fmt.Fprintf(&hcl, `
resource "twoi2chub_hub" "hub%d" {
  name             = "hub"
  namespace        = %q
  chart_repository = %q
  image            = "quay.io/jupyter/scipy-notebook:2025-01-06"
  storage          = { type = "dynamic", capacity = "10Gi" }
  culling          = { enabled = true, timeout = 1800 }
  admin_users      = ["ada"]
  delete_user_data = true
}
`, i, ns, repo.URL)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(hcl.String()), 0o644); err != nil {
		return r, err
	}
	env := append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "KUBE_CONFIG_PATH="+cp.KubeconfigPath, "TF_IN_AUTOMATION=1",
		"CHECKPOINT_DISABLE=1", "TWOI2CHUB_CACHE_DIR="+filepath.Join(work, "cache"))
	run := func(args ...string) (*exec.Cmd, *bytes.Buffer) {
		cmd := exec.CommandContext(ctx, cli, args...)
		cmd.Dir, cmd.Env = dir, env
		out := &bytes.Buffer{}
		cmd.Stdout, cmd.Stderr = out, out
		return cmd, out
	}

	archives0, indexes0 := repo.ArchiveDownloads(), repo.IndexDownloads()
	start := time.Now()
	cmd, out := run("apply", "-auto-approve", "-input=false", "-no-color", "-parallelism=10")
	if err := cmd.Run(); err != nil {
		return r, fmt.Errorf("setup apply: %v\n%s", err, tail(out.String(), 40))
	}
	r.applySeconds = time.Since(start).Seconds()

	for i := 0; i < runs; i++ {
		before, err := requestCounts(ctx, client)
		if err != nil {
			return r, err
		}
		cmd, out := run("plan", "-input=false", "-no-color", "-detailed-exitcode")
		start := time.Now()
		if err := cmd.Start(); err != nil {
			return r, err
		}
		peak := watchPeakRSS(cmd)
		err = cmd.Wait()
		elapsed := time.Since(start).Seconds()
		if err != nil {
			return r, fmt.Errorf("plan is not a no-op (%v):\n%s", err, tail(out.String(), 60))
		}
		after, err := requestCounts(ctx, client)
		if err != nil {
			return r, err
		}
		r.planSeconds = append(r.planSeconds, elapsed)
		r.secretRequests = append(r.secretRequests, after.secrets-before.secrets)
		r.allRequests = append(r.allRequests, after.all-before.all-1) // minus our own /metrics read
		r.peakRSSKiB = append(r.peakRSSKiB, <-peak)
	}
	r.archives, r.indexes = repo.ArchiveDownloads()-archives0, repo.IndexDownloads()-indexes0
	return r, nil
}

// watchPeakRSS follows the provider process the CLI starts and returns its
// high-water resident set (VmHWM) as last seen before it exits.
func watchPeakRSS(cmd *exec.Cmd) <-chan int64 {
	out := make(chan int64, 1)
	go func() {
		var peak int64
		for cmd.ProcessState == nil {
			for _, pid := range testbed.ChildProcesses(cmd.Process.Pid, "terraform-provi") {
				if hwm := vmHWM(pid); hwm > peak {
					peak = hwm
				}
			}
			time.Sleep(20 * time.Millisecond)
		}
		out <- peak
	}()
	return out
}

func vmHWM(pid int) int64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "VmHWM:") {
			v, _ := strconv.ParseInt(strings.Fields(sc.Text())[1], 10, 64)
			return v
		}
	}
	return 0
}

type counts struct{ secrets, all int64 }

var requestLine = regexp.MustCompile(`^apiserver_request_total\{([^}]*)\} ([0-9.e+]+)$`)

// requestCounts reads the API server's own request counters.
func requestCounts(ctx context.Context, client kubernetes.Interface) (counts, error) {
	var c counts
	body, err := client.Discovery().RESTClient().Get().AbsPath("/metrics").DoRaw(ctx)
	if err != nil {
		return c, err
	}
	for _, line := range strings.Split(string(body), "\n") {
		m := requestLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		v, _ := strconv.ParseFloat(m[2], 64)
		c.all += int64(v)
		if strings.Contains(m[1], `resource="secrets"`) && (strings.Contains(m[1], `verb="GET"`) || strings.Contains(m[1], `verb="LIST"`)) {
			c.secrets += int64(v)
		}
	}
	return c, nil
}

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	return s[len(s)/2]
}

func medianInt(v []int64) int64 {
	s := append([]int64(nil), v...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

func tail(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func report(results []result) {
	fmt.Println()
	fmt.Println("| provider | hubs | setup apply (s) | no-op plan (s, median) | plan per hub (ms) | secret GET+LIST per hub | all API requests per hub | provider peak RSS (MiB) | chart archives / index downloads |")
	fmt.Println("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
	for _, r := range results {
		plan := median(r.planSeconds)
		fmt.Printf("| %s | %d | %.1f | %.2f | %.0f | %.2f | %.2f | %.0f | %d / %d |\n", r.provider, r.hubs, r.applySeconds, plan,
			1000*plan/float64(r.hubs), float64(medianInt(r.secretRequests))/float64(r.hubs),
			float64(medianInt(r.allRequests))/float64(r.hubs), float64(medianInt(r.peakRSSKiB))/1024, r.archives, r.indexes)
	}
	byKind := map[string][]result{}
	for _, r := range results {
		byKind[r.provider] = append(byKind[r.provider], r)
	}
	if rs := byKind["twoi2chub"]; len(rs) > 1 {
		first, last := rs[0], rs[len(rs)-1]
		fmt.Printf("\nplan time growth twoi2chub: %d -> %d hubs is %.1fx the hubs and %.2fx the time (linear or better: <= %.1fx)\n",
			first.hubs, last.hubs, float64(last.hubs)/float64(first.hubs), median(last.planSeconds)/median(first.planSeconds), float64(last.hubs)/float64(first.hubs))
	}
	if h, t := byKind["helm"], byKind["twoi2chub"]; len(h) == len(t) {
		for i := range t {
			fmt.Printf("ratio twoi2chub/helm at %d hubs: plan time %.2f, peak RSS %.2f, secret requests %.2f\n", t[i].hubs,
				median(t[i].planSeconds)/median(h[i].planSeconds), float64(medianInt(t[i].peakRSSKiB))/float64(medianInt(h[i].peakRSSKiB)),
				float64(medianInt(t[i].secretRequests))/float64(max(1, medianInt(h[i].secretRequests))))
		}
	}
}
