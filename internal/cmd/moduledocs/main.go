// Command moduledocs writes the inputs and outputs tables of each module's
// README.md from its variables.tf and outputs.tf (between the markers of
// internal/tfmodule), or with -check fails when a README is stale:
//
//	go run ./internal/cmd/moduledocs [-check] modules/gke examples/stacks/gke
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/tfmodule"
)

func main() {
	check := flag.Bool("check", false, "do not write; fail when a README differs from what would be written")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: moduledocs [-check] DIR...")
		os.Exit(2)
	}
	failed := false
	for _, dir := range flag.Args() {
		if err := run(dir, *check); err != nil {
			fmt.Fprintln(os.Stderr, "moduledocs:", err)
			failed = true
		}
	}
	if failed {
		os.Exit(1)
	}
}

func run(dir string, check bool) error {
	m, err := tfmodule.Load(dir)
	if err != nil {
		return err
	}
	path := filepath.Join(dir, "README.md")
	old, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	updated, err := tfmodule.Splice(string(old), tfmodule.Markdown(m))
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if updated == string(old) {
		return nil
	}
	if check {
		return fmt.Errorf("%s is stale: run `make module-docs` and commit the result", path)
	}
	return os.WriteFile(path, []byte(updated), 0o644)
}
