package provider

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	networkingv1 "k8s.io/api/networking/v1"
	storagev1 "k8s.io/api/storage/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/testbed"
)

const clusterAddr = "data.twoi2chub_cluster.this"

// serverVersionCheck is the proof that a configuration reached the test bed.
var serverVersionCheck = statecheck.ExpectKnownValue(clusterAddr, tfjsonpath.New("server_version"), knownvalue.StringExact("v1.37.2"))

// TestAccClusterDataSource reads the test bed as it starts (a default
// StorageClass, three nodes), then after classes are changed through the API.
func TestAccClusterDataSource(t *testing.T) {
	cp := testAccPreCheck(t)
	client, err := cp.Client()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	setDefault := func(isDefault bool) error {
		sc, err := client.StorageV1().StorageClasses().Get(ctx, testbed.StorageClassName, metav1.GetOptions{})
		if err != nil {
			return err
		}
		sc.Annotations["storageclass.kubernetes.io/is-default-class"] = fmt.Sprint(isDefault)
		_, err = client.StorageV1().StorageClasses().Update(ctx, sc, metav1.UpdateOptions{})
		return err
	}
	t.Cleanup(func() {
		_ = setDefault(true)
		_ = client.StorageV1().StorageClasses().Delete(ctx, "fast", metav1.DeleteOptions{})
		_ = client.NetworkingV1().IngressClasses().Delete(ctx, "nginx", metav1.DeleteOptions{})
	})
	config := providerKubeconfig(cp) + `data "twoi2chub_cluster" "this" {}`
	pool := func(nodes int64, cpu, memory string, gpus int64) knownvalue.Check {
		return knownvalue.ObjectPartial(map[string]knownvalue.Check{
			"nodes": knownvalue.Int64Exact(nodes), "ready_nodes": knownvalue.Int64Exact(nodes),
			"cpu": knownvalue.StringExact(cpu), "memory": knownvalue.StringExact(memory), "gpus": knownvalue.Int64Exact(gpus),
		})
	}
	standard := func(isDefault bool) knownvalue.Check {
		return knownvalue.ObjectExact(map[string]knownvalue.Check{
			"name": knownvalue.StringExact("standard"), "provisioner": knownvalue.StringExact("testbed.twoi2chub.dev/hostpath"),
			"reclaim_policy": knownvalue.StringExact("Delete"), "volume_binding_mode": knownvalue.StringExact("Immediate"),
			"allow_volume_expansion": knownvalue.Bool(true), "is_default": knownvalue.Bool(isDefault),
		})
	}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					serverVersionCheck,
					statecheck.ExpectKnownValue(clusterAddr, tfjsonpath.New("hub_chart_kube_version"), knownvalue.StringExact(">=1.28.0-0")),
					statecheck.ExpectKnownValue(clusterAddr, tfjsonpath.New("supports_hub_chart"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(clusterAddr, tfjsonpath.New("ready_for_hub"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(clusterAddr, tfjsonpath.New("problems"), knownvalue.ListSizeExact(0)),
					statecheck.ExpectKnownValue(clusterAddr, tfjsonpath.New("default_storage_class"), knownvalue.StringExact("standard")),
					statecheck.ExpectKnownValue(clusterAddr, tfjsonpath.New("storage_classes"), knownvalue.ListExact([]knownvalue.Check{standard(true)})),
					statecheck.ExpectKnownValue(clusterAddr, tfjsonpath.New("ingress_classes"), knownvalue.ListSizeExact(0)),
					statecheck.ExpectKnownValue(clusterAddr, tfjsonpath.New("default_ingress_class"), knownvalue.Null()),
					statecheck.ExpectKnownValue(clusterAddr, tfjsonpath.New("total"), pool(3, "20", "109Gi", 1)),
					statecheck.ExpectKnownValue(clusterAddr, tfjsonpath.New("node_pools"), knownvalue.MapExact(map[string]knownvalue.Check{
						"core": pool(1, "4", "16Gi", 0),
						"user": pool(2, "16", "93Gi", 1),
					})),
					statecheck.ExpectKnownValue(clusterAddr, tfjsonpath.New("total").AtMapKey("memory_bytes"), knownvalue.Int64Exact(109<<30)),
				},
			},
			{
				PreConfig: func() {
					mustCreate(t, func() error { return setDefault(false) })
					mustCreate(t, func() error {
						_, err := client.StorageV1().StorageClasses().Create(ctx, &storagev1.StorageClass{
							ObjectMeta:        metav1.ObjectMeta{Name: "fast"},
							Provisioner:       "pd.csi.storage.gke.io",
							VolumeBindingMode: ptr.To(storagev1.VolumeBindingWaitForFirstConsumer),
						}, metav1.CreateOptions{})
						return err
					})
					mustCreate(t, func() error {
						_, err := client.NetworkingV1().IngressClasses().Create(ctx, &networkingv1.IngressClass{
							ObjectMeta: metav1.ObjectMeta{Name: "nginx", Annotations: map[string]string{"ingressclass.kubernetes.io/is-default-class": "true"}},
							Spec:       networkingv1.IngressClassSpec{Controller: "k8s.io/ingress-nginx"},
						}, metav1.CreateOptions{})
						return err
					})
				},
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(clusterAddr, tfjsonpath.New("ready_for_hub"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(clusterAddr, tfjsonpath.New("problems"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.StringRegexp(regexp.MustCompile("^no default StorageClass")),
					})),
					statecheck.ExpectKnownValue(clusterAddr, tfjsonpath.New("default_storage_class"), knownvalue.Null()),
					statecheck.ExpectKnownValue(clusterAddr, tfjsonpath.New("storage_classes"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectExact(map[string]knownvalue.Check{
							"name": knownvalue.StringExact("fast"), "provisioner": knownvalue.StringExact("pd.csi.storage.gke.io"),
							"reclaim_policy": knownvalue.StringExact("Delete"), "volume_binding_mode": knownvalue.StringExact("WaitForFirstConsumer"),
							"allow_volume_expansion": knownvalue.Bool(false), "is_default": knownvalue.Bool(false),
						}),
						standard(false),
					})),
					statecheck.ExpectKnownValue(clusterAddr, tfjsonpath.New("default_ingress_class"), knownvalue.StringExact("nginx")),
					statecheck.ExpectKnownValue(clusterAddr, tfjsonpath.New("ingress_classes"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectExact(map[string]knownvalue.Check{
							"name": knownvalue.StringExact("nginx"), "controller": knownvalue.StringExact("k8s.io/ingress-nginx"), "is_default": knownvalue.Bool(true),
						}),
					})),
				},
			},
			{
				// A stricter constraint than the server meets.
				PreConfig: func() { mustCreate(t, func() error { return setDefault(true) }) },
				Config:    providerKubeconfig(cp) + `data "twoi2chub_cluster" "this" { hub_chart_kube_version = ">=1.99.0" }`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(clusterAddr, tfjsonpath.New("supports_hub_chart"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(clusterAddr, tfjsonpath.New("ready_for_hub"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(clusterAddr, tfjsonpath.New("problems"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.StringRegexp(regexp.MustCompile(`^Kubernetes v1\.37\.2 does not satisfy the hub chart's kubeVersion >=1\.99\.0`)),
					})),
				},
			},
		},
	})
}

func mustCreate(t *testing.T, create func() error) {
	t.Helper()
	if err := create(); err != nil {
		t.Fatal(err)
	}
}

// TestAccProviderConnectionSettings connects to the test bed in each way the
// kubernetes block allows.
func TestAccProviderConnectionSettings(t *testing.T) {
	cp := testAccPreCheck(t)
	execCredential := fmt.Sprintf(`{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}`, cp.Token)
	cases := map[string]struct {
		config string
		env    map[string]string
	}{
		"host and token": {config: fmt.Sprintf(`
provider "twoi2chub" {
  kubernetes = {
    host                   = %q
    token                  = %q
    cluster_ca_certificate = %s
  }
}`, cp.Host, cp.Token, hclString(cp.CACertPEM))},
		"client certificate": {config: fmt.Sprintf(`
provider "twoi2chub" {
  kubernetes = {
    host                   = %q
    client_certificate     = %s
    client_key             = %s
    cluster_ca_certificate = %s
  }
}`, cp.Host, hclString(cp.ClientCertPEM), hclString(cp.ClientKeyPEM), hclString(cp.CACertPEM))},
		"exec credential plugin": {config: fmt.Sprintf(`
provider "twoi2chub" {
  kubernetes = {
    host                   = %q
    cluster_ca_certificate = %s
    exec = {
      api_version = "client.authentication.k8s.io/v1"
      command     = "/bin/sh"
      args        = ["-c", "printf '%%s' \"$CREDENTIAL\""]
      env         = { CREDENTIAL = %s }
    }
  }
}`, cp.Host, hclString(cp.CACertPEM), hclString(execCredential))},
		"kubeconfig with explicit context": {config: fmt.Sprintf(`
provider "twoi2chub" {
  kubernetes = {
    config_paths   = [%q]
    config_context = "testbed"
  }
}`, cp.KubeconfigPath)},
		"environment variables only": {config: ``, env: map[string]string{
			"KUBE_HOST": cp.Host, "KUBE_TOKEN": cp.Token, "KUBE_CLUSTER_CA_CERT_DATA": cp.CACertPEM,
		}},
		"KUBE_CONFIG_PATH": {config: `provider "twoi2chub" {}`, env: map[string]string{"KUBE_CONFIG_PATH": cp.KubeconfigPath}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:            tc.config + "\n" + `data "twoi2chub_cluster" "this" {}`,
					ConfigStateChecks: []statecheck.StateCheck{serverVersionCheck},
				}},
			})
		})
	}
}

// TestAccProviderConnectionErrors shows each broken connection yields one
// diagnostic naming the host and what to fix.
func TestAccProviderConnectionErrors(t *testing.T) {
	cp := testAccPreCheck(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedHost := "https://" + l.Addr().String()
	l.Close()
	otherCA := selfSignedPEM(t)

	cases := map[string]struct {
		kubernetes string
		want       string
	}{
		"nothing listens at host": {
			kubernetes: fmt.Sprintf(`host = %q
token = "x"`, closedHost),
			want: `Cannot connect to the Kubernetes API server at ` + regexp.QuoteMeta(closedHost),
		},
		"wrong token": {
			kubernetes: fmt.Sprintf(`host = %q
token = "not-the-token"
cluster_ca_certificate = %s`, cp.Host, hclString(cp.CACertPEM)),
			want: `The Kubernetes API server at ` + regexp.QuoteMeta(cp.Host) + ` rejected the credentials`,
		},
		"CA of another cluster": {
			kubernetes: fmt.Sprintf(`host = %q
token = %q
cluster_ca_certificate = %s`, cp.Host, cp.Token, hclString(otherCA)),
			want: `certificate is not trusted \(` + regexp.QuoteMeta(cp.Host) + `\)(.|\n)*cluster_ca_certificate`,
		},
		"nothing configured": {
			kubernetes: ``,
			want:       `No Kubernetes cluster configured(.|\n)*KUBE_CONFIG_PATH`,
		},
		"missing kubeconfig": {
			kubernetes: `config_path = "/nonexistent/kubeconfig"`,
			want:       `Kubeconfig file not readable(.|\n)*/nonexistent/kubeconfig`,
		},
		"unknown context": {
			kubernetes: fmt.Sprintf(`config_path = %q
config_context = "production"`, cp.KubeconfigPath),
			want: `Kubeconfig context not found(.|\n)*"testbed"`,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: fmt.Sprintf(`
provider "twoi2chub" {
  kubernetes = {
    %s
  }
}
data "twoi2chub_cluster" "this" {}`, tc.kubernetes),
					ExpectError: regexp.MustCompile(tc.want),
				}},
			})
		})
	}
}

// TestAccProviderPlanTimeValidation shows malformed settings fail before any
// connection is attempted, at the attribute that is wrong.
func TestAccProviderPlanTimeValidation(t *testing.T) {
	testAccPreCheck(t)
	pemCA := selfSignedPEM(t)
	cases := map[string]struct {
		kubernetes string
		want       string
	}{
		"host that is not a URL": {`host = "https://exa mple.org"`, `Invalid Kubernetes host`},
		"CA that is base64 of PEM": {fmt.Sprintf(`host = "https://h"
cluster_ca_certificate = %q`, base64.StdEncoding.EncodeToString([]byte(pemCA))), `base64-encoded PEM(.|\n)*base64decode`},
		"CA that is not PEM":          {`cluster_ca_certificate = "hello"`, `Invalid PEM value`},
		"certificate without its key": {fmt.Sprintf(`client_certificate = %s`, hclString(pemCA)), `client_key`},
		"both config_path and config_paths": {`config_path = "/a"
config_paths = ["/b"]`, `Invalid Attribute Combination`},
		"exec without command": {`exec = {
  api_version = "client.authentication.k8s.io/v1"
}`, `attribute\s+"command"\s+is\s+required`},
		"exec with a removed API version": {`exec = {
  api_version = "client.authentication.k8s.io/v1alpha1"
  command     = "x"
}`, `api_version`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: fmt.Sprintf(`
provider "twoi2chub" {
  kubernetes = {
    %s
  }
}
data "twoi2chub_cluster" "this" {}`, tc.kubernetes),
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(tc.want),
				}},
			})
		})
	}
}

// unknownConnectionProvider passes the connection through terraform_data,
// whose output is unknown until apply: the shape of a cluster created in the
// same configuration.
func unknownConnectionProvider(cp *testbed.ControlPlane) string {
	return fmt.Sprintf(`
resource "terraform_data" "cluster" {
  input = {
    endpoint = %q
    token    = %q
    ca       = %s
  }
}

provider "twoi2chub" {
  kubernetes = {
    host                   = terraform_data.cluster.output.endpoint
    token                  = terraform_data.cluster.output.token
    cluster_ca_certificate = terraform_data.cluster.output.ca
  }
}
`, cp.Host, cp.Token, hclString(cp.CACertPEM))
}

func unknownConnectionConfig(cp *testbed.ControlPlane, dependsOn bool) string {
	deps := ""
	if dependsOn {
		deps = "depends_on = [terraform_data.cluster]"
	}
	return unknownConnectionProvider(cp) + fmt.Sprintf(`
data "twoi2chub_cluster" "this" {
  %s
}
`, deps)
}

// TestAccProviderLazyConnection: with the connection unknown at plan, the plan
// succeeds and the data source is read during apply, once the values are known.
// The whole `kubernetes` object may be unknown too, as when it is a cluster
// module's connection output.
func TestAccProviderLazyConnection(t *testing.T) {
	cp := testAccPreCheck(t)
	wholeObject := fmt.Sprintf(`
resource "terraform_data" "cluster" {
  input = {
    host                   = %q
    token                  = %q
    cluster_ca_certificate = %s
  }
}

provider "twoi2chub" {
  kubernetes = terraform_data.cluster.output
}

data "twoi2chub_cluster" "this" {
  depends_on = [terraform_data.cluster]
}
`, cp.Host, cp.Token, hclString(cp.CACertPEM))
	for name, config := range map[string]string{
		"attributes unknown":   unknownConnectionConfig(cp, true),
		"whole object unknown": wholeObject,
	} {
		t.Run(name, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: config,
					ConfigPlanChecks: resource.ConfigPlanChecks{
						PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction("terraform_data.cluster", plancheck.ResourceActionCreate),
							plancheck.ExpectResourceAction(clusterAddr, plancheck.ResourceActionRead),
							plancheck.ExpectUnknownValue(clusterAddr, tfjsonpath.New("server_version")),
						},
					},
					ConfigStateChecks: []statecheck.StateCheck{serverVersionCheck},
				}},
			})
		})
	}
}

// TestAccProviderUnknownConnectionWithoutDependsOn: reading the cluster at plan
// while the connection is unknown fails with advice, not with "localhost".
func TestAccProviderUnknownConnectionWithoutDependsOn(t *testing.T) {
	cp := testAccPreCheck(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      unknownConnectionConfig(cp, false),
			ExpectError: regexp.MustCompile(`Kubernetes connection not known yet(.|\n)*kubernetes.cluster_ca_certificate,(.|\n)*depends_on`),
		}},
	})
}

func selfSignedPEM(t *testing.T) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "another-ca"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}
