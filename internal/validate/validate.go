// Package validate holds the checks behind the provider's attribute
// validators, as plain functions: each returns nil or an error whose text
// tells the person what to write instead.
package validate

import (
	"fmt"
	"net"
	"net/mail"
	"path"
	"regexp"
	"strings"

	"k8s.io/apimachinery/pkg/api/resource"
	k8svalidation "k8s.io/apimachinery/pkg/util/validation"
)

// DNSName checks a host name such as a hub's domain: lower-case RFC 1123
// labels separated by dots, at least two labels.
func DNSName(s string) error {
	if errs := k8svalidation.IsDNS1123Subdomain(s); len(errs) > 0 {
		return fmt.Errorf("%q is not a DNS name: %s (e.g. \"hub.example.org\")", s, errs[0])
	}
	if !strings.Contains(s, ".") {
		return fmt.Errorf("%q is not a fully qualified DNS name: it needs a dot, e.g. \"hub.example.org\"", s)
	}
	return nil
}

// ObjectName checks the name of a Kubernetes object (Secret, PVC, StorageClass, ...).
func ObjectName(s string) error {
	if errs := k8svalidation.IsDNS1123Subdomain(s); len(errs) > 0 {
		return fmt.Errorf("%q is not a valid Kubernetes object name: %s", s, errs[0])
	}
	return nil
}

// Namespace checks a namespace name (an RFC 1123 label).
func Namespace(s string) error {
	if errs := k8svalidation.IsDNS1123Label(s); len(errs) > 0 {
		return fmt.Errorf("%q is not a valid namespace name: %s", s, errs[0])
	}
	return nil
}

// ReleaseName checks a Helm release name: an RFC 1123 label of at most 53
// characters (Helm's limit, so derived object names fit).
func ReleaseName(s string) error {
	if errs := k8svalidation.IsDNS1123Label(s); len(errs) > 0 {
		return fmt.Errorf("%q is not a valid release name: %s", s, errs[0])
	}
	if len(s) > 53 {
		return fmt.Errorf("%q is %d characters long; Helm release names may have at most 53", s, len(s))
	}
	return nil
}

// Email checks a plain e-mail address such as a Let's Encrypt contact.
func Email(s string) error {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || !strings.Contains(s[strings.LastIndex(s, "@")+1:], ".") {
		return fmt.Errorf("%q is not an e-mail address: write just the address, e.g. \"it@example.org\"", s)
	}
	return nil
}

// Image reference grammar, after the distribution reference format:
// [registry[:port]/]path[:tag][@algorithm:hex].
var (
	imageNameRe = regexp.MustCompile(`^(?:((?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*(?::[0-9]+)?)/)?([a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*)*)$`)
	imageTagRe  = regexp.MustCompile(`^[\w][\w.-]{0,127}$`)
	digestRe    = regexp.MustCompile(`^sha256:[a-f0-9]{64}$`)
)

// ImageRef checks a container image reference that pins a tag or a digest:
// "quay.io/jupyter/scipy-notebook:2025-01-06", "ghcr.io/org/env@sha256:...".
func ImageRef(s string) error {
	ref, digest, hasDigest := strings.Cut(s, "@")
	name, tag := ref, ""
	if i := strings.LastIndex(ref, ":"); i > strings.LastIndex(ref, "/") {
		name, tag = ref[:i], ref[i+1:]
		if !imageTagRe.MatchString(tag) {
			return fmt.Errorf("%q has an invalid tag %q: tags are letters, digits, '_', '.' and '-', at most 128", s, tag)
		}
	}
	if !imageNameRe.MatchString(name) || len(name) > 255 {
		return fmt.Errorf("%q is not an image reference: write registry/repository:tag, e.g. \"quay.io/jupyter/scipy-notebook:2025-01-06\"", s)
	}
	if hasDigest && !digestRe.MatchString(digest) {
		return fmt.Errorf("%q has an invalid digest: write @sha256: and 64 hex digits", s)
	}
	if tag == "" && !hasDigest {
		return fmt.Errorf("%q pins neither a tag nor a digest: add one (e.g. \":2025-01-06\"), so a changed environment shows in the plan", s)
	}
	return nil
}

// memoryRe is what both Kubernetes and KubeSpawner accept as a size.
var memoryRe = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?([KMGT]i?)?$`)

// Memory checks a memory size for KubeSpawner and Kubernetes: "512M", "2G", "1.5Gi".
func Memory(s string) error {
	if _, err := resource.ParseQuantity(s); err != nil || !memoryRe.MatchString(s) {
		return fmt.Errorf("%q is not a memory size: write a number with K, M, G or T (powers of 1000) or Ki, Mi, Gi, Ti (powers of 1024), e.g. \"4G\" or \"4Gi\"", s)
	}
	return nil
}

// cpuRe is a number of cores ("2", "0.5") or of millicores ("500m").
var cpuRe = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?m?$`)

// CPU checks an amount of CPU for a Kubernetes request: "2", "0.5", "500m".
func CPU(s string) error {
	q, err := resource.ParseQuantity(s)
	if err != nil || q.Sign() <= 0 || !cpuRe.MatchString(s) {
		return fmt.Errorf("%q is not an amount of CPU: write a number of cores, e.g. \"2\" or \"0.5\", or of millicores, e.g. \"500m\"", s)
	}
	return nil
}

// Storage checks a volume size: a Kubernetes quantity such as "10Gi".
func Storage(s string) error {
	q, err := resource.ParseQuantity(s)
	if err != nil || q.Sign() <= 0 || !memoryRe.MatchString(s) {
		return fmt.Errorf("%q is not a storage size: write a number with Gi or Ti (or G, T), e.g. \"10Gi\"", s)
	}
	return nil
}

// Bytes returns the size of a quantity already checked by Memory or Storage.
func Bytes(s string) int64 {
	q, err := resource.ParseQuantity(s)
	if err != nil {
		return 0
	}
	return q.Value()
}

// LabelKey checks a label or node-selector key, e.g. "cloud.google.com/gke-nodepool".
func LabelKey(s string) error {
	if errs := k8svalidation.IsQualifiedName(s); len(errs) > 0 {
		return fmt.Errorf("%q is not a valid label key: %s", s, errs[0])
	}
	return nil
}

// LabelValue checks a label or node-selector value.
func LabelValue(s string) error {
	if errs := k8svalidation.IsValidLabelValue(s); len(errs) > 0 {
		return fmt.Errorf("%q is not a valid label value: %s", s, errs[0])
	}
	return nil
}

// AnnotationKey checks an annotation key.
func AnnotationKey(s string) error {
	if errs := k8svalidation.IsQualifiedName(strings.ToLower(s)); len(errs) > 0 {
		return fmt.Errorf("%q is not a valid annotation key: %s", s, errs[0])
	}
	return nil
}

// ExtendedResource checks a resource name such as "nvidia.com/gpu".
func ExtendedResource(s string) error {
	if errs := k8svalidation.IsQualifiedName(s); len(errs) > 0 || !strings.Contains(s, "/") {
		return fmt.Errorf("%q is not an extended resource name: write domain/name, e.g. \"nvidia.com/gpu\"", s)
	}
	return nil
}

// HostOrIP checks an NFS server address.
func HostOrIP(s string) error {
	if net.ParseIP(s) != nil {
		return nil
	}
	if errs := k8svalidation.IsDNS1123Subdomain(s); len(errs) > 0 {
		return fmt.Errorf("%q is neither an IP address nor a host name", s)
	}
	return nil
}

// AbsolutePath checks a path inside a container or on a server, e.g. "/home/jovyan".
func AbsolutePath(s string) error {
	if !strings.HasPrefix(s, "/") || path.Clean(s) != s {
		return fmt.Errorf("%q is not a clean absolute path, e.g. \"/home/jovyan\"", s)
	}
	return nil
}

// SubPath checks a per-user sub-directory template, e.g. "{username}".
func SubPath(s string) error {
	if s == "" || strings.HasPrefix(s, "/") || path.Clean(s) != s || strings.HasPrefix(s, "..") || strings.Contains(s, "/../") {
		return fmt.Errorf("%q is not a relative path inside the volume, e.g. \"{username}\" or \"homes/{username}\"", s)
	}
	return nil
}

// ImageName checks an image name without tag or digest, e.g.
// "us-central1-docker.pkg.dev/project/hub/env" or "localhost:5000/env".
func ImageName(s string) error {
	if strings.Contains(s, "@") || (strings.LastIndex(s, ":") > strings.LastIndex(s, "/")) {
		return fmt.Errorf("%q has a tag or digest: give the name only, e.g. \"ghcr.io/org/env\"; the provider chooses the tag", s)
	}
	if !imageNameRe.MatchString(s) || len(s) > 255 {
		return fmt.Errorf("%q is not an image name: write registry/repository, e.g. \"quay.io/org/env\"", s)
	}
	return nil
}
