// Command testbed runs the local control plane in the foreground until
// interrupted, for `make demo` and for trying the provider by hand:
//
//	go run ./internal/cmd/testbed -kubeconfig .demo/kubeconfig
//
// It writes the kubeconfig once the cluster is ready and removes it on exit.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"syscall"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/testbed"
)

func main() {
	kubeconfig := flag.String("kubeconfig", "", "where to copy the cluster's kubeconfig once it is ready (required)")
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
