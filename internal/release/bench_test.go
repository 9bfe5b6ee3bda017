package release

import (
	"fmt"
	"testing"
	"time"

	"helm.sh/helm/v3/pkg/action"
	"k8s.io/cli-runtime/pkg/genericclioptions"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/z2jhtest"
)

// BenchmarkUpgrade upgrades one release of the real chart, changing a value
// each time, two ways: a bare Helm SDK upgrade with Helm's own --wait, as the
// helm CLI does, and Client.Apply, the provider's path (reading the release,
// recovery check, watched waiting, undo bookkeeping). Their ratio is the
// provider's overhead over Helm itself (make bench prints it).
func BenchmarkUpgrade(b *testing.B) {
	ch := z2jhtest.Chart(b)
	c, _, cp := newClient(b)
	ns := cp.Namespace(b)
	name := "bench-" + ns[len(ns)-6:]
	ctx := ctxFor(b)
	values := func(i int) map[string]any {
		return map[string]any{
			"proxy": map[string]any{"service": map[string]any{"type": "ClusterIP"}},
			"cull":  map[string]any{"timeout": 1800 + i},
		}
	}
	if _, err := c.Apply(ctx, ApplyRequest{Namespace: ns, Name: name, Chart: ch, Values: values(0), Timeout: 5 * time.Minute}); err != nil {
		b.Fatal(err)
	}
	flags := genericclioptions.NewConfigFlags(false)
	flags.KubeConfig, flags.Namespace = &cp.KubeconfigPath, &ns
	cfg := new(action.Configuration)
	if err := cfg.Init(flags, ns, "secret", func(string, ...any) {}); err != nil {
		b.Fatal(err)
	}
	round := 1
	b.Run("helm-sdk", func(b *testing.B) {
		for b.Loop() {
			up := action.NewUpgrade(cfg)
			up.Namespace, up.Wait, up.Timeout, up.MaxHistory = ns, true, 5*time.Minute, maxHistory
			if _, err := up.RunWithContext(ctx, name, ch, values(round)); err != nil {
				b.Fatal(err)
			}
			round++
		}
	})
	b.Run("twoi2chub", func(b *testing.B) {
		for b.Loop() {
			if _, err := c.Apply(ctx, ApplyRequest{Namespace: ns, Name: name, Chart: ch, Values: values(round), Timeout: 5 * time.Minute}); err != nil {
				b.Fatal(fmt.Errorf("round %d: %w", round, err))
			}
			round++
		}
	})
}
