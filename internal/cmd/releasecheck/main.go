// Command releasecheck serves the release workflow and `make release-check`:
//
//	releasecheck next                     the version of CHANGELOG.md's top section
//	releasecheck notes v0.1.0             that release's notes (refused while it is Unreleased)
//	releasecheck notes -unreleased v0.1.0 the same, for a snapshot
//	releasecheck dist -dir DIR -version V [-platforms os_arch,...] [-signed]
//	                                      check goreleaser's output (internal/distcheck)
//
// Run from the repository root.
package main

import (
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/changelog"
	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/distcheck"
)

func main() {
	if len(os.Args) < 2 {
		fail("usage: releasecheck next | notes [-unreleased] VERSION | dist -dir DIR -version V [-platforms ...] [-signed]")
	}
	switch cmd, args := os.Args[1], os.Args[2:]; cmd {
	case "next":
		fmt.Println(readChangelog().Next())
	case "notes":
		fs := flag.NewFlagSet("notes", flag.ExitOnError)
		unreleased := fs.Bool("unreleased", false, "accept a section still marked Unreleased (snapshots)")
		fs.Parse(args)
		if fs.NArg() != 1 {
			fail("usage: releasecheck notes [-unreleased] VERSION")
		}
		notes, err := readChangelog().Notes(fs.Arg(0), *unreleased)
		if err != nil {
			fail("%v", err)
		}
		fmt.Print(notes)
	case "dist":
		fs := flag.NewFlagSet("dist", flag.ExitOnError)
		dir := fs.String("dir", "dist", "goreleaser's dist directory")
		ver := fs.String("version", "", "the version in the file names, without v")
		platforms := fs.String("platforms", "", "comma-separated os_arch list the snapshot built (default: every platform .goreleaser.yml builds)")
		signed := fs.Bool("signed", false, "require the detached signature of the checksums")
		fs.Parse(args)
		all, err := distcheck.ConfigTargets(".goreleaser.yml")
		if err != nil {
			fail("%v", err)
		}
		want := all
		if *platforms != "" {
			want = strings.Split(*platforms, ",")
			for _, p := range want {
				if !slices.Contains(all, p) {
					fail("-platforms: %s is not built by .goreleaser.yml (%s)", p, strings.Join(all, ", "))
				}
			}
		}
		errs := distcheck.Check(distcheck.Release{Dir: *dir, Version: *ver, Platforms: want,
			Manifest: "terraform-registry-manifest.json", Signed: *signed})
		for _, e := range errs {
			fmt.Fprintln(os.Stderr, "releasecheck:", e)
		}
		if len(errs) > 0 {
			os.Exit(1)
		}
		fmt.Printf("releasecheck: %d zips (%s), SHA256SUMS with the manifest, protocol 6.0%s: as the registries ingest them\n",
			len(want), strings.Join(want, ", "), map[bool]string{true: ", signed", false: ""}[*signed])
	default:
		fail("unknown command %q", cmd)
	}
}

func readChangelog() *changelog.Changelog {
	text, err := os.ReadFile("CHANGELOG.md")
	if err != nil {
		fail("%v", err)
	}
	c, err := changelog.Parse(string(text))
	if err != nil {
		fail("%v", err)
	}
	return c
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "releasecheck: "+format+"\n", args...)
	os.Exit(1)
}
