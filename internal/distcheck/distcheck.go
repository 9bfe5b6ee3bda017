// Package distcheck checks goreleaser's output against what the Terraform and
// OpenTofu registries ingest from a GitHub release: one zip per platform named
// terraform-provider-twoi2chub_<version>_<os>_<arch>.zip holding the binary
// terraform-provider-twoi2chub_v<version> (.exe on Windows) built for that
// platform, a <name>_<version>_SHA256SUMS file listing every zip and the
// registry manifest (published as <name>_<version>_manifest.json), the
// manifest declaring protocol 6.0, and a detached signature of the sums.
package distcheck

import (
	"archive/zip"
	"bufio"
	"bytes"
	"crypto/sha256"
	"debug/elf"
	"debug/macho"
	"debug/pe"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Name is the provider's project name, the prefix of every release file.
const Name = "terraform-provider-twoi2chub"

// RegistryPlatforms are the platforms a release must carry: those HashiCorp
// builds its own providers for (Go 1.26 no longer builds windows/arm).
var RegistryPlatforms = []string{
	"darwin_amd64", "darwin_arm64",
	"freebsd_386", "freebsd_amd64", "freebsd_arm", "freebsd_arm64",
	"linux_386", "linux_amd64", "linux_arm", "linux_arm64",
	"windows_386", "windows_amd64", "windows_arm64",
}

// Release describes what a dist directory should hold.
type Release struct {
	Dir       string   // goreleaser's dist directory
	Version   string   // without "v", as in the file names
	Platforms []string // os_arch, one zip each
	Manifest  string   // path of terraform-registry-manifest.json
	// Signed: a detached signature <sums>.sig must be there (not when
	// signing was skipped).
	Signed bool
}

// SumsFile and friends are the names the registries look for.
func (r Release) SumsFile() string     { return fmt.Sprintf("%s_%s_SHA256SUMS", Name, r.Version) }
func (r Release) ManifestName() string { return fmt.Sprintf("%s_%s_manifest.json", Name, r.Version) }
func (r Release) ZipName(platform string) string {
	return fmt.Sprintf("%s_%s_%s.zip", Name, r.Version, platform)
}
func (r Release) BinaryName(platform string) string {
	name := fmt.Sprintf("%s_v%s", Name, r.Version)
	if strings.HasPrefix(platform, "windows_") {
		name += ".exe"
	}
	return name
}

// Check returns every difference between the dist directory and what the
// registries ingest.
func Check(r Release) []error {
	var errs []error
	fail := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	manifest, err := os.ReadFile(r.Manifest)
	if err != nil {
		return []error{err}
	}
	if err := CheckManifest(manifest); err != nil {
		fail("%s: %v", r.Manifest, err)
	}

	want := map[string]bool{}
	for _, p := range r.Platforms {
		want[r.ZipName(p)] = true
		if err := checkZip(filepath.Join(r.Dir, r.ZipName(p)), r.BinaryName(p), p); err != nil {
			fail("%s: %v", r.ZipName(p), err)
		}
	}
	zips, _ := filepath.Glob(filepath.Join(r.Dir, "*.zip"))
	for _, z := range zips {
		if !want[filepath.Base(z)] {
			fail("%s: unexpected archive (expected only %s)", filepath.Base(z), strings.Join(slices.Sorted(maps.Keys(want)), ", "))
		}
	}

	sums, err := readSums(filepath.Join(r.Dir, r.SumsFile()))
	if err != nil {
		fail("%s: %v", r.SumsFile(), err)
	} else {
		expected := map[string]string{r.ManifestName(): r.Manifest}
		for _, p := range r.Platforms {
			expected[r.ZipName(p)] = filepath.Join(r.Dir, r.ZipName(p))
		}
		for name, path := range expected {
			got, ok := sums[name]
			if !ok {
				fail("%s does not list %s", r.SumsFile(), name)
				continue
			}
			if sum, err := fileSHA256(path); err != nil {
				fail("%v", err)
			} else if sum != got {
				fail("%s: checksum of %s is %s, the file's is %s", r.SumsFile(), name, got, sum)
			}
		}
		for name := range sums {
			if _, ok := expected[name]; !ok {
				fail("%s lists %s, which is not part of the release", r.SumsFile(), name)
			}
		}
	}

	sig := filepath.Join(r.Dir, r.SumsFile()+".sig")
	if _, err := os.Stat(sig); r.Signed && err != nil {
		fail("no detached signature %s", filepath.Base(sig))
	}
	return errs
}

// CheckManifest checks terraform-registry-manifest.json: version 1, protocol 6.0 only.
func CheckManifest(data []byte) error {
	var m struct {
		Version  int `json:"version"`
		Metadata struct {
			ProtocolVersions []string `json:"protocol_versions"`
		} `json:"metadata"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return fmt.Errorf("not a registry manifest: %v", err)
	}
	if m.Version != 1 {
		return fmt.Errorf("manifest version %d, want 1", m.Version)
	}
	if !slices.Equal(m.Metadata.ProtocolVersions, []string{"6.0"}) {
		return fmt.Errorf("protocol_versions %q, want [\"6.0\"] (the provider serves protocol 6 only)", m.Metadata.ProtocolVersions)
	}
	return nil
}

// checkZip: the binary at the archive's root, executable, built for the
// platform; besides it only LICENSE.
func checkZip(path, binary, platform string) error {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return err
	}
	defer zr.Close()
	var names []string
	var bin *zip.File
	for _, f := range zr.File {
		names = append(names, f.Name)
		switch f.Name {
		case binary:
			bin = f
		case "LICENSE":
		default:
			return fmt.Errorf("holds %s; a release zip holds only %s and LICENSE at its root", f.Name, binary)
		}
	}
	if bin == nil {
		return fmt.Errorf("holds %s but not %s", strings.Join(names, ", "), binary)
	}
	if !strings.HasPrefix(platform, "windows_") && bin.Mode()&0o111 == 0 {
		return fmt.Errorf("%s is not executable (mode %v)", binary, bin.Mode())
	}
	rc, err := bin.Open()
	if err != nil {
		return err
	}
	data, err := io.ReadAll(rc)
	rc.Close()
	if err != nil {
		return err
	}
	got, err := BinaryPlatform(data)
	if err != nil {
		return fmt.Errorf("%s: %v", binary, err)
	}
	if got != platform {
		return fmt.Errorf("%s is built for %s, not %s", binary, got, platform)
	}
	return nil
}

// BinaryPlatform reads os_arch from an executable's headers.
func BinaryPlatform(data []byte) (string, error) {
	r := bytes.NewReader(data)
	if f, err := elf.NewFile(r); err == nil {
		goos := map[elf.OSABI]string{elf.ELFOSABI_NONE: "linux", elf.ELFOSABI_LINUX: "linux", elf.ELFOSABI_FREEBSD: "freebsd"}[f.OSABI]
		goarch := map[elf.Machine]string{elf.EM_X86_64: "amd64", elf.EM_386: "386", elf.EM_ARM: "arm", elf.EM_AARCH64: "arm64"}[f.Machine]
		if goos == "" || goarch == "" {
			return "", fmt.Errorf("ELF for OS ABI %v, machine %v", f.OSABI, f.Machine)
		}
		return goos + "_" + goarch, nil
	}
	if f, err := macho.NewFile(r); err == nil {
		goarch := map[macho.Cpu]string{macho.CpuAmd64: "amd64", macho.CpuArm64: "arm64"}[f.Cpu]
		if goarch == "" {
			return "", fmt.Errorf("Mach-O for CPU %v", f.Cpu)
		}
		return "darwin_" + goarch, nil
	}
	if f, err := pe.NewFile(r); err == nil {
		goarch := map[uint16]string{pe.IMAGE_FILE_MACHINE_AMD64: "amd64", pe.IMAGE_FILE_MACHINE_I386: "386", pe.IMAGE_FILE_MACHINE_ARM64: "arm64"}[f.Machine]
		if goarch == "" {
			return "", fmt.Errorf("PE for machine %#x", f.Machine)
		}
		return "windows_" + goarch, nil
	}
	return "", fmt.Errorf("not an ELF, Mach-O or PE executable")
}

// readSums parses "<sha256>  <name>" lines.
func readSums(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sums := map[string]string{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		fields := strings.Fields(sc.Text())
		if len(fields) != 2 || len(fields[0]) != 64 {
			return nil, fmt.Errorf("line %d: %q is not \"<sha256>  <file>\"", n, sc.Text())
		}
		sums[fields[1]] = fields[0]
	}
	return sums, sc.Err()
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
