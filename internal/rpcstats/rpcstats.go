// Package rpcstats measures a provider from the inside, for benchmarks: the
// time spent in each protocol call, appended to a file as it ends, and a CPU
// profile of the whole process. Both are off unless their environment
// variables name a file.
package rpcstats

import (
	"context"
	"fmt"
	"os"
	"runtime/pprof"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

const (
	// EnvStats names the file each call's "<method> <nanoseconds>" line is appended to.
	EnvStats = "TWOI2CHUB_RPC_STATS"
	// EnvCPUProfile names the file a CPU profile of the process is written to.
	EnvCPUProfile = "TWOI2CHUB_CPUPROFILE"
)

// FromEnv wraps factory when EnvStats is set, and starts a CPU profile when
// EnvCPUProfile is; stop ends the profile (call it once serving ends).
func FromEnv(factory func() tfprotov6.ProviderServer) (wrapped func() tfprotov6.ProviderServer, stop func(), err error) {
	stop = func() {}
	if path := os.Getenv(EnvCPUProfile); path != "" {
		f, err := os.Create(path)
		if err != nil {
			return nil, nil, err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return nil, nil, err
		}
		stop = func() { pprof.StopCPUProfile(); f.Close() }
	}
	path := os.Getenv(EnvStats)
	if path == "" {
		return factory, stop, nil
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, nil, err
	}
	rec := &recorder{f: f}
	return func() tfprotov6.ProviderServer { return &timed{ProviderServer: factory(), rec: rec} }, stop, nil
}

type recorder struct {
	mu sync.Mutex
	f  *os.File
}

func (r *recorder) since(method string, start time.Time) {
	d := time.Since(start)
	r.mu.Lock()
	fmt.Fprintf(r.f, "%s %d\n", method, d.Nanoseconds())
	r.mu.Unlock()
}

// timed times the calls a plan, refresh and apply make; the others pass through.
type timed struct {
	tfprotov6.ProviderServer
	rec *recorder
}

func (t *timed) GetProviderSchema(ctx context.Context, req *tfprotov6.GetProviderSchemaRequest) (*tfprotov6.GetProviderSchemaResponse, error) {
	defer t.rec.since("GetProviderSchema", time.Now())
	return t.ProviderServer.GetProviderSchema(ctx, req)
}

func (t *timed) ValidateProviderConfig(ctx context.Context, req *tfprotov6.ValidateProviderConfigRequest) (*tfprotov6.ValidateProviderConfigResponse, error) {
	defer t.rec.since("ValidateProviderConfig", time.Now())
	return t.ProviderServer.ValidateProviderConfig(ctx, req)
}

func (t *timed) ConfigureProvider(ctx context.Context, req *tfprotov6.ConfigureProviderRequest) (*tfprotov6.ConfigureProviderResponse, error) {
	defer t.rec.since("ConfigureProvider", time.Now())
	return t.ProviderServer.ConfigureProvider(ctx, req)
}

func (t *timed) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	defer t.rec.since("ValidateResourceConfig", time.Now())
	return t.ProviderServer.ValidateResourceConfig(ctx, req)
}

func (t *timed) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	defer t.rec.since("UpgradeResourceState", time.Now())
	return t.ProviderServer.UpgradeResourceState(ctx, req)
}

func (t *timed) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	defer t.rec.since("ReadResource", time.Now())
	return t.ProviderServer.ReadResource(ctx, req)
}

func (t *timed) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	defer t.rec.since("PlanResourceChange", time.Now())
	return t.ProviderServer.PlanResourceChange(ctx, req)
}

func (t *timed) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	defer t.rec.since("ApplyResourceChange", time.Now())
	return t.ProviderServer.ApplyResourceChange(ctx, req)
}

func (t *timed) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	defer t.rec.since("ReadDataSource", time.Now())
	return t.ProviderServer.ReadDataSource(ctx, req)
}
