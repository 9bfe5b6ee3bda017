// Command modulelint checks Terraform modules and stacks against the project's
// module style (see internal/tfmodule.Lint) and prints each problem as
// file:line: message:
//
//	go run ./internal/cmd/modulelint modules/gke examples/stacks/gke
package main

import (
	"fmt"
	"os"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/tfmodule"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: modulelint DIR...")
		os.Exit(2)
	}
	problems := 0
	for _, dir := range os.Args[1:] {
		m, err := tfmodule.Load(dir)
		if err != nil {
			fmt.Fprintln(os.Stderr, "modulelint:", err)
			os.Exit(1)
		}
		if len(m.Files) == 0 {
			fmt.Fprintf(os.Stderr, "modulelint: %s holds no .tf files\n", dir)
			os.Exit(1)
		}
		for _, p := range tfmodule.Lint(m) {
			fmt.Println(p)
			problems++
		}
	}
	if problems > 0 {
		fmt.Fprintf(os.Stderr, "modulelint: %d problem(s)\n", problems)
		os.Exit(1)
	}
}
