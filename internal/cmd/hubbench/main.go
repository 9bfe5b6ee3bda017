// Command hubbench measures twoi2chub_hub from outside, as people run it
// (make bench): `terraform plan` and `apply` over N hubs of the real
// zero-to-jupyterhub chart on the local control plane, side by side with
//
//   - the floor: N resources of a provider that does nothing, with the hub's
//     schema (internal/cmd/nullhub), so what the CLI and the plugin protocol
//     cost is told apart from what the provider itself costs;
//   - hashicorp/terraform-provider-helm: the same releases as helm_release.
//
// For each it reports wall time of no-op plans, of plans that change every
// hub, of the install and of the upgrade; Kubernetes API requests (the API
// server's own counters); chart downloads (the chart repository's counters);
// the provider's peak RSS and, from inside (internal/rpcstats), its time in
// protocol calls; each provider's start-up time; and CPU profiles of the
// largest no-op and changing plans. With -support, twoi2chub's hubs are also
// planned beside a twoi2chub_cluster_support of every component. The goals
// of the project are checked as ratios at the end; the command fails when a
// goal on API reads (counts, not timings) is missed.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/charttest"
	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/testbed"
	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/z2jhtest"
)

func main() {
	if !run() {
		fmt.Fprintln(os.Stderr, "hubbench: goal missed: API reads beyond the goal (see the goals above)")
		os.Exit(1)
	}
}

// run measures and reports; false when a goal on API reads is missed.
func run() bool {
	hubsFlag := flag.String("hubs", "1,10,50", "hub counts to measure")
	runs := flag.Int("runs", 3, "plans per measurement (the median is reported)")
	cli := flag.String("cli", "tools/bin/terraform", "Terraform or OpenTofu binary")
	providerBin := flag.String("provider", "bin/terraform-provider-twoi2chub", "the twoi2chub provider binary")
	nullBin := flag.String("null-provider", "bin/terraform-provider-nullhub", "the do-nothing provider with the hub's schema")
	helmBin := flag.String("helm-provider", "", "terraform-provider-helm binary to compare with (optional)")
	profiles := flag.String("profile-dir", "", "write CPU profiles of the largest plans here (optional)")
	logs := flag.String("log-dir", "", "write the providers' logs of each upgrade here, and a CPU profile of twoi2chub's (optional)")
	support := flag.Bool("support", false, "also plan twoi2chub's hubs beside a twoi2chub_cluster_support of every component "+
		"(the real charts of ../shared/charts/repo) and check that the hubs' reads stay what they are without it")
	flag.Parse()

	abs := func(p string) string {
		if p == "" {
			return ""
		}
		a, err := filepath.Abs(p)
		if err != nil {
			log.Fatal(err)
		}
		return a
	}
	b := &bench{runs: *runs, cli: abs(*cli), profiles: abs(*profiles), logs: abs(*logs)}
	var counts []int
	for _, s := range strings.Split(*hubsFlag, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			log.Fatalf("-hubs: %q is not a count", s)
		}
		counts = append(counts, n)
	}
	b.kinds = []*kind{nullKind(abs(*nullBin)), twoi2chubKind(abs(*providerBin))}
	if *helmBin != "" {
		b.kinds = append(b.kinds, helmKind(abs(*helmBin)))
	}

	ctx := context.Background()
	// 50 hubs of the real chart put about 100 image-puller pods on each user
	// node (two DaemonSets per hub): more than Kubernetes' default of 110 pods
	// per node allows while one hub's hook runs. GKE allows 256.
	nodes := testbed.DefaultNodes()
	for i := range nodes {
		nodes[i].Pods = 256
	}
	cp, err := testbed.Start(ctx, testbed.Options{Logf: log.Printf, Timeout: 2 * time.Minute, Nodes: nodes})
	if err != nil {
		log.Fatal(err)
	}
	defer cp.Stop()
	b.cp = cp
	if b.client, err = cp.Client(); err != nil {
		log.Fatal(err)
	}
	dir, ok := z2jhtest.RepoDir()
	if !ok {
		log.Fatalf("the real zero-to-jupyterhub chart repository is expected at ../shared/z2jh/repo beside the checkout")
	}
	if b.repo, err = charttest.ServeDir(dir); err != nil {
		log.Fatal(err)
	}
	defer b.repo.Close()
	if *support {
		dir, ok := charttest.SupportRepoDir()
		if !ok {
			log.Fatalf("-support: the real support charts are expected at ../shared/charts/repo beside the checkout")
		}
		if b.supportRepo, err = charttest.ServeDir(dir); err != nil {
			log.Fatal(err)
		}
		defer b.supportRepo.Close()
	}
	if b.work, err = os.MkdirTemp("", "hubbench-"); err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(b.work)

	var startups []startup
	for _, k := range b.kinds {
		startups = append(startups, measureStartup(k))
	}
	var results []*result
	for _, n := range counts {
		for _, k := range b.kinds {
			r, err := b.measure(ctx, k, n, n == counts[len(counts)-1])
			if err != nil {
				log.Fatalf("%s with %d hubs: %v", k.name, n, err)
			}
			results = append(results, r)
		}
	}
	return report(os.Stdout, results, startups, loadAverage())
}

// loadAverage is the machine's 1-minute load when the report is written, so
// readers can tell a quiet machine from a busy one.
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Fields(string(data))[0]
}

// startup is how long a provider binary takes from exec to its handshake.
type startup struct {
	kind   string
	millis float64
}

// measureStartup starts the provider as Terraform does (the magic cookie in
// its environment) and times until it prints the handshake line, 5 times.
func measureStartup(k *kind) startup {
	var times []float64
	for range 5 {
		cmd := exec.Command(k.binary)
		cmd.Env = append(os.Environ(), "TF_PLUGIN_MAGIC_COOKIE=d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2",
			"PLUGIN_PROTOCOL_VERSIONS=5,6", "PLUGIN_MIN_PORT=10000", "PLUGIN_MAX_PORT=25000")
		out, err := cmd.StdoutPipe()
		if err != nil {
			log.Fatal(err)
		}
		start := time.Now()
		if err := cmd.Start(); err != nil {
			log.Fatalf("starting %s: %v", k.binary, err)
		}
		if _, err := bufio.NewReader(out).ReadString('\n'); err != nil {
			log.Fatalf("%s printed no handshake: %v", k.binary, err)
		}
		times = append(times, float64(time.Since(start).Microseconds())/1000)
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}
	return startup{kind: k.name, millis: median(times)}
}

func tail(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func fatalf(format string, args ...any) error { return fmt.Errorf(format, args...) }
