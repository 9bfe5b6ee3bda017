package distcheck

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// header returns the smallest executable header debug/elf, debug/macho or
// debug/pe reads as a binary for platform.
func header(t *testing.T, platform string) []byte {
	t.Helper()
	goos, goarch, _ := strings.Cut(platform, "_")
	var b bytes.Buffer
	le := binary.LittleEndian
	switch goos {
	case "linux", "freebsd":
		machine := map[string]uint16{"amd64": 62, "386": 3, "arm": 40, "arm64": 183}[goarch]
		abi := map[string]byte{"linux": 0, "freebsd": 9}[goos]
		is64 := goarch == "amd64" || goarch == "arm64"
		class := byte(1)
		if is64 {
			class = 2
		}
		b.Write([]byte{0x7f, 'E', 'L', 'F', class, 1, 1, abi, 0, 0, 0, 0, 0, 0, 0, 0})
		binary.Write(&b, le, uint16(2)) // executable
		binary.Write(&b, le, machine)
		binary.Write(&b, le, uint32(1))
		if is64 {
			binary.Write(&b, le, [3]uint64{})
			binary.Write(&b, le, uint32(0))
			binary.Write(&b, le, []uint16{64, 56, 0, 64, 0, 0})
		} else {
			binary.Write(&b, le, [3]uint32{})
			binary.Write(&b, le, uint32(0))
			binary.Write(&b, le, []uint16{52, 32, 0, 40, 0, 0})
		}
	case "darwin":
		cpu := map[string]uint32{"amd64": 0x01000007, "arm64": 0x0100000c}[goarch]
		binary.Write(&b, le, []uint32{0xfeedfacf, cpu, 3, 2, 0, 0, 0, 0})
	case "windows":
		machine := map[string]uint16{"amd64": 0x8664, "386": 0x14c, "arm64": 0xaa64}[goarch]
		dos := make([]byte, 0x40)
		copy(dos, "MZ")
		le.PutUint32(dos[0x3c:], 0x40)
		b.Write(dos)
		b.WriteString("PE\x00\x00")
		binary.Write(&b, le, machine)
		binary.Write(&b, le, []uint16{0})
		binary.Write(&b, le, []uint32{0, 0, 0})
		binary.Write(&b, le, []uint16{0, 0x22})
		b.Write(make([]byte, 64)) // debug/pe reads past the header
	default:
		t.Fatalf("no header for %s", platform)
	}
	return b.Bytes()
}

func TestBinaryPlatformReadsEveryRegistryPlatform(t *testing.T) {
	for _, p := range RegistryPlatforms {
		got, err := BinaryPlatform(header(t, p))
		if err != nil || got != p {
			t.Errorf("%s: got %q, %v", p, got, err)
		}
	}
	if _, err := BinaryPlatform([]byte("#!/bin/sh\n")); err == nil {
		t.Error("a shell script was taken for an executable")
	}
}

type zipEntry struct {
	name string
	mode os.FileMode
	data []byte
}

// fakeDist writes what goreleaser writes for a release of version on
// platforms, then lets breakage change it.
func fakeDist(t *testing.T, version string, platforms []string, breakage func(r Release, entries map[string][]zipEntry)) Release {
	t.Helper()
	dir := t.TempDir()
	manifest := filepath.Join(dir, "terraform-registry-manifest.json")
	os.WriteFile(manifest, []byte(`{"version": 1, "metadata": {"protocol_versions": ["6.0"]}}`), 0o644)
	dist := filepath.Join(dir, "dist")
	os.Mkdir(dist, 0o755)
	r := Release{Dir: dist, Version: version, Platforms: platforms, Manifest: manifest, Signed: true}
	entries := map[string][]zipEntry{}
	for _, p := range platforms {
		entries[r.ZipName(p)] = []zipEntry{
			{name: r.BinaryName(p), mode: 0o755, data: header(t, p)},
			{name: "LICENSE", mode: 0o644, data: []byte("BSD 3-Clause License\n")},
		}
	}
	if breakage != nil {
		breakage(r, entries)
	}
	var sums strings.Builder
	data, _ := os.ReadFile(manifest)
	fmt.Fprintf(&sums, "%x  %s\n", sha256.Sum256(data), r.ManifestName())
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for k := range entries {
			if !yield(k) {
				return
			}
		}
	}) {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for _, e := range entries[name] {
			h := &zip.FileHeader{Name: e.name, Method: zip.Deflate}
			h.SetMode(e.mode)
			w, err := zw.CreateHeader(h)
			if err != nil {
				t.Fatal(err)
			}
			w.Write(e.data)
		}
		zw.Close()
		os.WriteFile(filepath.Join(dist, name), buf.Bytes(), 0o644)
		fmt.Fprintf(&sums, "%x  %s\n", sha256.Sum256(buf.Bytes()), name)
	}
	os.WriteFile(filepath.Join(dist, r.SumsFile()), []byte(sums.String()), 0o644)
	os.WriteFile(filepath.Join(dist, r.SumsFile()+".sig"), []byte("sig"), 0o644)
	return r
}

func TestGoodDist(t *testing.T) {
	r := fakeDist(t, "0.1.0", RegistryPlatforms, nil)
	if errs := Check(r); len(errs) > 0 {
		t.Fatalf("unexpected problems: %v", errs)
	}
}

// Each row breaks the release in one way the registries would refuse (or a
// user would notice); the check must say so.
func TestBrokenDists(t *testing.T) {
	platforms := []string{"linux_amd64", "darwin_arm64", "windows_amd64"}
	for _, tc := range []struct {
		name   string
		break_ func(t *testing.T, r Release, entries map[string][]zipEntry)
		after  func(t *testing.T, r Release)
		want   string
	}{
		{name: "missing platform", want: "_darwin_arm64.zip: open",
			break_: func(t *testing.T, r Release, e map[string][]zipEntry) { delete(e, r.ZipName("darwin_arm64")) }},
		{name: "archive named without version", want: "unexpected archive",
			break_: func(t *testing.T, r Release, e map[string][]zipEntry) {
				e["terraform-provider-twoi2chub_linux_amd64.zip"] = e[r.ZipName("linux_amd64")]
			}},
		{name: "binary without v prefix", want: "holds terraform-provider-twoi2chub_0.1.0; a release zip holds only terraform-provider-twoi2chub_v0.1.0 and LICENSE",
			break_: func(t *testing.T, r Release, e map[string][]zipEntry) {
				e[r.ZipName("linux_amd64")][0].name = "terraform-provider-twoi2chub_0.1.0"
			}},
		{name: "windows binary without .exe", want: "holds only terraform-provider-twoi2chub_v0.1.0.exe and LICENSE",
			break_: func(t *testing.T, r Release, e map[string][]zipEntry) {
				e[r.ZipName("windows_amd64")][0].name = "terraform-provider-twoi2chub_v0.1.0"
			}},
		{name: "binary in a folder", want: "holds dist/terraform-provider-twoi2chub_v0.1.0",
			break_: func(t *testing.T, r Release, e map[string][]zipEntry) {
				e[r.ZipName("linux_amd64")][0].name = "dist/" + r.BinaryName("linux_amd64")
			}},
		{name: "binary for another platform", want: "is built for linux_arm64, not linux_amd64",
			break_: func(t *testing.T, r Release, e map[string][]zipEntry) {
				e[r.ZipName("linux_amd64")][0].data = header(t, "linux_arm64")
			}},
		{name: "darwin zip holding a linux binary", want: "is built for linux_amd64, not darwin_arm64",
			break_: func(t *testing.T, r Release, e map[string][]zipEntry) {
				e[r.ZipName("darwin_arm64")][0].data = header(t, "linux_amd64")
			}},
		{name: "binary not executable", want: "is not executable",
			break_: func(t *testing.T, r Release, e map[string][]zipEntry) { e[r.ZipName("linux_amd64")][0].mode = 0o644 }},
		{name: "extra file in zip", want: "holds README.md",
			break_: func(t *testing.T, r Release, e map[string][]zipEntry) {
				e[r.ZipName("linux_amd64")] = append(e[r.ZipName("linux_amd64")], zipEntry{name: "README.md", mode: 0o644})
			}},
		{name: "sums miss the manifest", want: "does not list terraform-provider-twoi2chub_0.1.0_manifest.json",
			after: func(t *testing.T, r Release) {
				rewriteSums(t, r, func(line string) bool { return strings.HasSuffix(line, "_manifest.json") })
			}},
		{name: "sums miss a zip", want: "does not list terraform-provider-twoi2chub_0.1.0_windows_amd64.zip",
			after: func(t *testing.T, r Release) {
				rewriteSums(t, r, func(line string) bool { return strings.HasSuffix(line, "windows_amd64.zip") })
			}},
		{name: "zip changed after summing", want: "checksum of terraform-provider-twoi2chub_0.1.0_linux_amd64.zip",
			after: func(t *testing.T, r Release) {
				os.WriteFile(filepath.Join(r.Dir, r.ZipName("linux_amd64")), append(mustRead(t, filepath.Join(r.Dir, r.ZipName("linux_amd64"))), 0), 0o644)
			}},
		// What goreleaser v2.15.1 wrote when the checksum config had no ids:
		// the signature's own checksum, added after signing.
		{name: "sums list their own signature", want: "lists terraform-provider-twoi2chub_0.1.0_SHA256SUMS.sig, which is not part of the release",
			after: func(t *testing.T, r Release) {
				path := filepath.Join(r.Dir, r.SumsFile())
				os.WriteFile(path, append(mustRead(t, path), []byte(strings.Repeat("0", 64)+"  "+r.SumsFile()+".sig\n")...), 0o644)
			}},
		{name: "no signature", want: "no detached signature",
			after: func(t *testing.T, r Release) { os.Remove(filepath.Join(r.Dir, r.SumsFile()+".sig")) }},
		{name: "manifest with protocol 5", want: `protocol_versions ["5.0"]`,
			after: func(t *testing.T, r Release) {
				os.WriteFile(r.Manifest, []byte(`{"version": 1, "metadata": {"protocol_versions": ["5.0"]}}`), 0o644)
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := fakeDist(t, "0.1.0", platforms, func(r Release, e map[string][]zipEntry) {
				if tc.break_ != nil {
					tc.break_(t, r, e)
				}
			})
			if tc.after != nil {
				tc.after(t, r)
			}
			errs := Check(r)
			for _, e := range errs {
				if strings.Contains(e.Error(), tc.want) {
					return
				}
			}
			t.Errorf("want a problem containing %q, got %v", tc.want, errs)
		})
	}
}

func rewriteSums(t *testing.T, r Release, drop func(string) bool) {
	path := filepath.Join(r.Dir, r.SumsFile())
	var kept []string
	for _, line := range strings.Split(strings.TrimSpace(string(mustRead(t, path))), "\n") {
		if !drop(line) {
			kept = append(kept, line)
		}
	}
	os.WriteFile(path, []byte(strings.Join(kept, "\n")+"\n"), 0o644)
}

func mustRead(t *testing.T, path string) []byte {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestRepositoryManifest(t *testing.T) {
	if err := CheckManifest(mustRead(t, filepath.Join("..", "..", "terraform-registry-manifest.json"))); err != nil {
		t.Fatal(err)
	}
}

// The real release configuration builds exactly the registry platforms,
// whatever subset the CI snapshot builds.
func TestRepositoryReleaseConfigBuildsEveryRegistryPlatform(t *testing.T) {
	got, err := ConfigTargets(filepath.Join("..", "..", ".goreleaser.yml"))
	if err != nil {
		t.Fatal(err)
	}
	want := slices.Sorted(slices.Values(RegistryPlatforms))
	if !slices.Equal(got, want) {
		t.Errorf(".goreleaser.yml builds %v,\nthe registries want %v", got, want)
	}
}

func TestConfigTargetsRefusesHiddenTargets(t *testing.T) {
	path := filepath.Join(t.TempDir(), "g.yml")
	os.WriteFile(path, []byte("builds:\n  - targets: [linux_amd64]\n"), 0o644)
	if _, err := ConfigTargets(path); err == nil {
		t.Error("targets: accepted")
	}
	os.WriteFile(path, []byte("builds:\n  - goos: [linux, darwin]\n    goarch: [amd64, arm]\n    ignore: [{goos: darwin, goarch: arm}]\n"), 0o644)
	got, err := ConfigTargets(path)
	if err != nil || !slices.Equal(got, []string{"darwin_amd64", "linux_amd64", "linux_arm"}) {
		t.Errorf("got %v, %v", got, err)
	}
}
