// Command terraform-provider-twoi2chub is a Terraform and OpenTofu provider
// that declares a community's JupyterHub stack: the hub (the zero-to-jupyterhub
// chart), its user image and its authentication.
package main

import (
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/provider"
	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/rpcstats"
)

// version is set by goreleaser at release time.
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	// Benchmarks measure the provider from the inside (see rpcstats); off by default.
	logRequests, err := rpcstats.RequestLogFromEnv()
	if err != nil {
		log.Fatal(err)
	}
	factory, stop, err := rpcstats.FromEnv(providerserver.NewProtocol6(provider.NewWithConfigHook(version, logRequests)()))
	if err != nil {
		log.Fatal(err)
	}
	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	err = tf6server.Serve(provider.Address, factory, opts...)
	stop()
	if err != nil {
		log.Fatal(err)
	}
}
