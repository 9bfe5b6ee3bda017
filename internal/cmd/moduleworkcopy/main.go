// Command moduleworkcopy copies a module or stack directory (its files and
// tests/, not .terraform) to a working directory, pointing this repository's
// pinned module sources (git::...//modules/<name>?ref=vX.Y.Z, as every example
// must use) at the checkout's modules/, so make test-modules tests a stack
// against the modules of the same commit, offline:
//
//	go run ./internal/cmd/moduleworkcopy -modules "$PWD/modules" examples/stacks/gke /tmp/work/gke
package main

import (
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/examplecheck"
)

func main() {
	modules := flag.String("modules", "", "absolute path of the checkout's modules/ directory")
	flag.Parse()
	if flag.NArg() != 2 || !filepath.IsAbs(*modules) {
		fmt.Fprintln(os.Stderr, "usage: moduleworkcopy -modules ABSOLUTE_MODULES_DIR SRC DST")
		os.Exit(2)
	}
	if err := copyDir(flag.Arg(0), flag.Arg(1), *modules); err != nil {
		fmt.Fprintln(os.Stderr, "moduleworkcopy:", err)
		os.Exit(1)
	}
}

func copyDir(src, dst, modules string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		if d.IsDir() {
			if rel != "." && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir // .terraform and the like
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if strings.HasPrefix(d.Name(), ".") {
			return nil // .terraform.lock.hcl
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if strings.HasSuffix(path, ".tf") || strings.HasSuffix(path, ".tftest.hcl") {
			data = examplecheck.LocalModuleSources(data, modules)
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
}
