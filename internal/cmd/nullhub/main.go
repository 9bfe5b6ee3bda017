// Command nullhub is a provider that does nothing, with a resource of
// twoi2chub_hub's schema: `make bench` plans N of them to measure the floor,
// what the CLI and the plugin protocol cost for N resources of that size,
// against which twoi2chub's own cost is measured. It reads, plans and applies
// from the configuration and state alone; computed values it does not know
// are null.
package main

import (
	"context"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	hub "github.com/2i2c-org/terraform-provider-twoi2chub/internal/provider"
	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/rpcstats"
)

// Address is where the benchmark's CLI configuration finds it.
const Address = "registry.terraform.io/2i2c-org/nullhub"

func main() {
	factory, stop, err := rpcstats.FromEnv(providerserver.NewProtocol6(&nullProvider{}))
	if err != nil {
		log.Fatal(err)
	}
	err = tf6server.Serve(Address, factory)
	stop()
	if err != nil {
		log.Fatal(err)
	}
}

type nullProvider struct{}

func (p *nullProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "nullhub"
}

func (p *nullProvider) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse) {}

func (p *nullProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (p *nullProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{func() resource.Resource { return &nullHub{} }}
}

func (p *nullProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

// nullHub has the hub's schema and keeps what it is given.
type nullHub struct{}

func (r *nullHub) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_hub"
}

func (r *nullHub) Schema(ctx context.Context, req resource.SchemaRequest, resp *resource.SchemaResponse) {
	hub.NewHubResource().Schema(ctx, req, resp)
}

func (r *nullHub) Create(_ context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	resp.State.Raw = knownOrNull(req.Plan.Raw)
}

func (r *nullHub) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

func (r *nullHub) Update(_ context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.State.Raw = knownOrNull(req.Plan.Raw)
}

func (r *nullHub) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

// knownOrNull replaces the values a plan left unknown with null.
func knownOrNull(v tftypes.Value) tftypes.Value {
	out, _ := tftypes.Transform(v, func(_ *tftypes.AttributePath, v tftypes.Value) (tftypes.Value, error) {
		if !v.IsKnown() {
			return tftypes.NewValue(v.Type(), nil), nil
		}
		return v, nil
	})
	return out
}
