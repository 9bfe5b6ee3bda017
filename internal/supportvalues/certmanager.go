package supportvalues

import (
	"fmt"
	"strings"

	"sigs.k8s.io/yaml"
)

// CertManager is cert-manager with two Let's Encrypt ClusterIssuers,
// production and staging, solving HTTP-01 challenges through the ingress
// controller. Its CRDs are not part of the release (Helm never upgrades
// CRDs, and uninstalling would delete every certificate): the provider
// applies them itself and never deletes them.
type CertManager struct {
	ChartSettings
	// ACMEEmail receives Let's Encrypt's expiry notices.
	ACMEEmail string `json:"acme_email"`
	// ACMEServers are the ACME directories of the two issuers.
	ProductionServer string `json:"acme_production_server,omitempty"`
	StagingServer    string `json:"acme_staging_server,omitempty"`
	// IngressClass solves HTTP-01 challenges; default the ingress_nginx class.
	IngressClass string     `json:"ingress_class,omitempty"`
	Resources    *Resources `json:"resources,omitempty"`
}

// Let's Encrypt's ACME directories.
const (
	LetsEncryptProduction = "https://acme-v02.api.letsencrypt.org/directory"
	LetsEncryptStaging    = "https://acme-staging-v02.api.letsencrypt.org/directory"
	// ProductionIssuer and StagingIssuer name the ClusterIssuers, for an
	// Ingress's cert-manager.io/cluster-issuer annotation.
	ProductionIssuer = "letsencrypt-production"
	StagingIssuer    = "letsencrypt-staging"
)

func (c *CertManager) render(b *builder) {
	// The release leaves the CRDs to the provider (see CRDValues).
	b.owned(false, "crds", "enabled")
	b.owned(false, "installCRDs")
	if c.Resources != nil {
		b.set("resources", c.Resources.values(), "resources")
	}
}

// CRDValues are the values with which the chart renders its CRDs, which the
// provider extracts and applies: the same chart version, CRDs switched on.
func CRDValues() map[string]any {
	return map[string]any{"crds": map[string]any{"enabled": true, "keep": true}}
}

// ClusterIssuers renders the two Let's Encrypt ClusterIssuers as manifests.
func ClusterIssuers(s Support) []string {
	c := s.CertManager
	if c == nil {
		return nil
	}
	class := ingressClassOf(s, c.IngressClass)
	var out []string
	for _, iss := range []struct{ name, server string }{
		{ProductionIssuer, or(c.ProductionServer, LetsEncryptProduction)},
		{StagingIssuer, or(c.StagingServer, LetsEncryptStaging)},
	} {
		solver := map[string]any{"http01": map[string]any{"ingress": map[string]any{}}}
		if class != "" {
			solver["http01"].(map[string]any)["ingress"].(map[string]any)["ingressClassName"] = class
		}
		obj := map[string]any{
			"apiVersion": "cert-manager.io/v1",
			"kind":       "ClusterIssuer",
			"metadata": map[string]any{
				"name":   iss.name,
				"labels": map[string]any{ManagedByLabel: ManagedByValue},
			},
			"spec": map[string]any{"acme": map[string]any{
				"email":               c.ACMEEmail,
				"server":              iss.server,
				"privateKeySecretRef": map[string]any{"name": iss.name + "-account-key"},
				"solvers":             []any{solver},
			}},
		}
		data, _ := yaml.Marshal(obj)
		out = append(out, string(data))
	}
	return out
}

// Labels the provider puts on what it manages outside releases.
const (
	ManagedByLabel = "app.kubernetes.io/managed-by"
	ManagedByValue = "terraform-provider-twoi2chub"
	// CRDChartAnnotation records on each CRD the chart that last applied it.
	CRDChartAnnotation = "twoi2chub.2i2c.org/applied-from-chart"
)

// MarkCRD adds the provider's annotation to a CRD manifest: the chart
// version it was applied from and how many CRDs that version has, what a
// refresh compares.
func MarkCRD(manifest, chartVersion string, count int) (string, error) {
	var obj map[string]any
	if err := yaml.Unmarshal([]byte(manifest), &obj); err != nil {
		return "", err
	}
	md, _ := obj["metadata"].(map[string]any)
	if md == nil {
		return "", fmt.Errorf("CRD manifest without metadata")
	}
	ann, _ := md["annotations"].(map[string]any)
	if ann == nil {
		ann = map[string]any{}
		md["annotations"] = ann
	}
	ann[CRDChartAnnotation] = fmt.Sprintf("%s/%d", chartVersion, count)
	// Helm never owned these: no release may claim them.
	delete(ann, "meta.helm.sh/release-name")
	delete(ann, "meta.helm.sh/release-namespace")
	data, err := yaml.Marshal(obj)
	return string(data), err
}

// CRDSelector selects cert-manager's CRDs.
const CRDSelector = "app.kubernetes.io/name=cert-manager"

// CRDsVersion reads back, from the annotations of the CRDs CRDSelector
// lists, the chart version they were all applied from; "" when one is
// missing, was not applied by the provider, or they differ.
func CRDsVersion(annotations []map[string]string) string {
	v := ""
	for _, a := range annotations {
		got := a[CRDChartAnnotation]
		if got == "" || (v != "" && got != v) {
			return ""
		}
		v = got
	}
	version, count, ok := strings.Cut(v, "/")
	if !ok || count != fmt.Sprint(len(annotations)) {
		return ""
	}
	return version
}
