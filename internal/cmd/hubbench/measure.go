package main

import (
	"bufio"
	"bytes"
	"context"
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
	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/rpcstats"
	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/testbed"
)

type bench struct {
	runs     int
	cli      string
	profiles string
	logs     string // upgrade logs and profiles, when set
	kinds    []*kind
	cp       *testbed.ControlPlane
	client   kubernetes.Interface
	repo     *charttest.Repo
	// supportRepo serves the real support charts when the bench also plans
	// the hubs beside a twoi2chub_cluster_support (-support).
	supportRepo *charttest.Repo
	work        string
}

// plan is what one terraform plan cost.
type plan struct {
	seconds        float64
	secretRequests int64 // GET+LIST of Secrets, where Helm keeps releases
	allRequests    int64 // every request the API server counted
	reads          int64 // GET and LIST of resources but the control plane's and the test bed's own (see testbedRead)
	peakRSSKiB     int64
	rpcSeconds     float64 // the provider's time inside protocol calls
	// ownRequests counts the provider's own API requests by shape (twoi2chub
	// only: its request log), without the test bed's background traffic.
	ownRequests map[string]int64
}

type result struct {
	kind     string
	hubs     int
	install  float64 // apply creating the hubs, seconds
	upgrade  float64 // apply changing every hub, seconds
	noop     []plan
	changing []plan
	// chart archives and indexes served while this kind and count ran
	archives, indexes int64
	// With -support (twoi2chub only): the install of a
	// twoi2chub_cluster_support of every component in the hubs' root, no-op
	// plans of the hubs and the support together, and no-op plans of the
	// support alone (-target): its own requests.
	supportInstall float64
	noopSupport    []plan
	supportOwn     []plan
}

func (b *bench) measure(ctx context.Context, k *kind, n int, largest bool) (*result, error) {
	r := &result{kind: k.name, hubs: n}
	dir := filepath.Join(b.work, fmt.Sprintf("%s-%d", k.name, n))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	rc := filepath.Join(dir, "cli.tfrc")
	if err := os.WriteFile(rc, []byte(fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n  }\n  direct {}\n}\n",
		k.override, k.pluginDir())), 0o644); err != nil {
		return nil, err
	}
	write := func(cull int, support bool) error {
		var hcl strings.Builder
		fmt.Fprintf(&hcl, "terraform {\n  required_providers {\n    %s\n  }\n}\n", k.source)
		for i := range n {
			hcl.WriteString(k.resource(n, i, fmt.Sprintf("bench-%s-%d-%d", strings.ReplaceAll(k.name, "_", "-"), n, i), b.repo.URL, cull))
		}
		if support {
			hcl.WriteString(supportResource(fmt.Sprintf("bench-support-%d", n), b.supportRepo.URL))
		}
		return os.WriteFile(filepath.Join(dir, "main.tf"), []byte(hcl.String()), 0o644)
	}
	stats := filepath.Join(dir, "rpc-stats")
	requests := filepath.Join(dir, "api-requests")
	env := append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "KUBE_CONFIG_PATH="+b.cp.KubeconfigPath, "TF_IN_AUTOMATION=1",
		"CHECKPOINT_DISABLE=1", "TWOI2CHUB_CACHE_DIR="+filepath.Join(b.work, "cache"))
	if k.stats {
		env = append(env, rpcstats.EnvStats+"="+stats, rpcstats.EnvRequests+"="+requests)
	}
	run := func(extraEnv []string, args ...string) (*exec.Cmd, *bytes.Buffer) {
		cmd := exec.CommandContext(ctx, b.cli, args...)
		cmd.Dir, cmd.Env = dir, append(append([]string{}, env...), extraEnv...)
		out := &bytes.Buffer{}
		cmd.Stdout, cmd.Stderr = out, out
		return cmd, out
	}
	apply := func(what string, extraEnv ...string) (float64, error) {
		start := time.Now()
		cmd, out := run(extraEnv, "apply", "-auto-approve", "-input=false", "-no-color", "-parallelism=10")
		if err := cmd.Run(); err != nil {
			return 0, fmt.Errorf("%s: %v\n%s", what, err, tail(out.String(), 40))
		}
		return time.Since(start).Seconds(), nil
	}
	planOnce := func(wantExit int, extraEnv ...string) (plan, error) {
		var p plan
		_ = os.Remove(stats)
		_ = os.Remove(requests)
		before, err := requestCounts(ctx, b.client)
		if err != nil {
			return p, err
		}
		cmd, out := run(extraEnv, "plan", "-input=false", "-no-color", "-detailed-exitcode", "-parallelism=10")
		start := time.Now()
		if err := cmd.Start(); err != nil {
			return p, err
		}
		peak := watchPeakRSS(cmd)
		err = cmd.Wait()
		p.seconds = time.Since(start).Seconds()
		p.peakRSSKiB = <-peak
		if code := cmd.ProcessState.ExitCode(); code != wantExit {
			return p, fmt.Errorf("plan exited %d, want %d (%v):\n%s", code, wantExit, err, tail(out.String(), 60))
		}
		after, err := requestCounts(ctx, b.client)
		if err != nil {
			return p, err
		}
		p.secretRequests = after.secrets - before.secrets
		p.allRequests = after.all - before.all - 1 // minus our own /metrics read
		p.reads = after.reads - before.reads
		p.rpcSeconds = rpcSeconds(stats)
		p.ownRequests = requestShapes(requests)
		return p, nil
	}

	archives0, indexes0 := b.repo.ArchiveDownloads(), b.repo.IndexDownloads()
	if err := write(1800, false); err != nil {
		return nil, err
	}
	var err error
	if r.install, err = apply("install"); err != nil {
		return nil, err
	}
	for range b.runs {
		p, err := planOnce(0)
		if err != nil {
			return nil, fmt.Errorf("no-op plan: %w", err)
		}
		r.noop = append(r.noop, p)
	}
	// Every hub's culling timeout changes: values rendered, validated
	// against the schema, the chart's templates rendered, cluster-wide
	// names checked.
	if err := write(3600, false); err != nil {
		return nil, err
	}
	for range b.runs {
		p, err := planOnce(2)
		if err != nil {
			return nil, fmt.Errorf("changing plan: %w", err)
		}
		r.changing = append(r.changing, p)
	}
	profile := largest && b.profiles != "" && k.name == "twoi2chub"
	if profile {
		if _, err := planOnce(2, rpcstats.EnvCPUProfile+"="+filepath.Join(b.profiles, fmt.Sprintf("changing-%d.pprof", n))); err != nil {
			return nil, err
		}
	}
	// The upgrade's timeline (each provider's log, Helm's steps included)
	// and twoi2chub's CPU profile, to see where a slow upgrade waits.
	var upgradeEnv []string
	if b.logs != "" {
		upgradeEnv = []string{"TF_LOG_PROVIDER=DEBUG", "TF_LOG_PATH=" + filepath.Join(b.logs, fmt.Sprintf("upgrade-%s-%d.log", k.name, n))}
		if k.name == "twoi2chub" {
			upgradeEnv = append(upgradeEnv, rpcstats.EnvCPUProfile+"="+filepath.Join(b.logs, fmt.Sprintf("upgrade-%d.pprof", n)))
		}
	}
	if r.upgrade, err = apply("upgrade", upgradeEnv...); err != nil {
		return nil, err
	}
	if profile {
		if _, err := planOnce(0, rpcstats.EnvCPUProfile+"="+filepath.Join(b.profiles, fmt.Sprintf("noop-%d.pprof", n))); err != nil {
			return nil, err
		}
	}
	r.archives, r.indexes = b.repo.ArchiveDownloads()-archives0, b.repo.IndexDownloads()-indexes0
	if b.supportRepo != nil && k.name == "twoi2chub" {
		// The same hubs beside a twoi2chub_cluster_support: the hubs' reads
		// must stay what they were without it (r.noop), and the support's
		// own are read from plans that refresh it alone.
		if err := write(3600, true); err != nil {
			return nil, err
		}
		if r.supportInstall, err = apply("support install"); err != nil {
			return nil, err
		}
		for range b.runs {
			p, err := planOnce(0)
			if err != nil {
				return nil, fmt.Errorf("no-op plan with the support services: %w", err)
			}
			r.noopSupport = append(r.noopSupport, p)
			if p, err = planOnce(0, "TF_CLI_ARGS_plan=-target="+supportAddress); err != nil {
				return nil, fmt.Errorf("no-op plan of the support services alone: %w", err)
			}
			r.supportOwn = append(r.supportOwn, p)
		}
	}
	cmd, out := run(nil, "apply", "-destroy", "-auto-approve", "-input=false", "-no-color", "-parallelism=10")
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("destroy: %v\n%s", err, tail(out.String(), 40))
	}
	log.Printf("%s, %d hubs: install %.1fs, no-op plan %.2fs, changing plan %.2fs, upgrade %.1fs", k.name, n, r.install,
		median(seconds(r.noop)), median(seconds(r.changing)), r.upgrade)
	return r, nil
}

// rpcSeconds sums the provider's protocol call times recorded in path.
func rpcSeconds(path string) float64 {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	var total int64
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 2 {
			ns, _ := strconv.ParseInt(fields[1], 10, 64)
			total += ns
		}
	}
	return float64(total) / 1e9
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

type counts struct{ secrets, reads, all int64 }

var requestLine = regexp.MustCompile(`^apiserver_request_total\{([^}]*)\} ([0-9.e+]+)$`)

// testbedRead tells the reads the provider never makes during a no-op plan
// from the labels of a request counter: lease renewals (the control plane's
// heartbeats), the cluster-wide listings of pods, volumes and claims the test
// bed polls (its volume provisioner and its awaiter), and requests for no
// resource (/metrics, which the bench reads, and the OpenAPI documents the
// control plane fetches now and then).
func testbedRead(labels string) bool {
	resource := label(labels, "resource")
	switch {
	case resource == "" || resource == "leases":
		return true
	case resource == "pods" || resource == "persistentvolumes" || resource == "persistentvolumeclaims":
		return label(labels, "scope") == "cluster" && label(labels, "verb") == "LIST"
	}
	return false
}

// label is the value of one label in a counter's labels (`a="x",b="y"`).
func label(labels, name string) string {
	for _, kv := range strings.Split(labels, ",") {
		if k, v, ok := strings.Cut(kv, "="); ok && k == name {
			return strings.Trim(v, `"`)
		}
	}
	return ""
}

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
		verb := label(m[1], "verb")
		read := verb == "GET" || verb == "LIST"
		if read && !testbedRead(m[1]) {
			c.reads += int64(v)
		}
		if read && label(m[1], "resource") == "secrets" {
			c.secrets += int64(v)
		}
	}
	return c, nil
}

func seconds(ps []plan) []float64 {
	out := make([]float64, len(ps))
	for i, p := range ps {
		out[i] = p.seconds
	}
	return out
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	return s[len(s)/2]
}

// medianOf takes the median of one measure over plans.
func medianOf(ps []plan, f func(plan) float64) float64 {
	v := make([]float64, len(ps))
	for i, p := range ps {
		v[i] = f(p)
	}
	return median(v)
}
