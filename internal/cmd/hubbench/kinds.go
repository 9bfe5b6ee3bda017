package main

import (
	"fmt"
	"path/filepath"
)

// kind is one way of declaring N hubs: the do-nothing floor, twoi2chub, or
// the helm provider.
type kind struct {
	name   string
	binary string
	// source is the required_providers entry; override the dev_overrides key.
	source, override string
	// resource is the HCL of hub i of n in namespace ns, its culling timeout
	// the one setting a changing plan changes.
	resource func(n, i int, ns, repo string, cullTimeout int) string
	// cluster says whether it touches the cluster at all.
	cluster bool
	// stats says whether it reports its time in protocol calls (rpcstats).
	stats bool
}

// The hub every kind declares: the real chart's settings a community sets,
// with a ClusterIP proxy so that Helm's own --wait, which waits for a
// LoadBalancer's address (never given on a test bed), waits for what
// twoi2chub waits for: the Deployments and the hooks.
const typedHub = `
resource "%s_hub" "hub%d" {
  name               = %q
  namespace          = %q
  chart_repository   = %q
  image              = "quay.io/jupyter/scipy-notebook:2025-01-06"
  proxy_service_type = "ClusterIP"
  storage            = { type = "dynamic", capacity = "10Gi" }
  culling            = { enabled = true, timeout = %d }
  admin_users        = ["ada"]
  delete_user_data   = true
}
`

func twoi2chubKind(binary string) *kind {
	return &kind{
		name: "twoi2chub", binary: binary, cluster: true, stats: true,
		source:   `twoi2chub = { source = "2i2c-org/twoi2chub" }`,
		override: "2i2c-org/twoi2chub",
		resource: func(n, i int, ns, repo string, cull int) string {
			return fmt.Sprintf(typedHub, "twoi2chub", i, fmt.Sprintf("t%d-%d", n, i), ns, repo, cull)
		},
	}
}

func nullKind(binary string) *kind {
	return &kind{
		name: "floor", binary: binary, stats: true,
		source:   `nullhub = { source = "2i2c-org/nullhub" }`,
		override: "2i2c-org/nullhub",
		resource: func(n, i int, ns, repo string, cull int) string {
			return fmt.Sprintf(typedHub, "nullhub", i, fmt.Sprintf("f%d-%d", n, i), ns, repo, cull)
		},
	}
}

func helmKind(binary string) *kind {
	return &kind{
		name: "helm_release", binary: binary, cluster: true,
		source:   `helm = { source = "hashicorp/helm" }`,
		override: "hashicorp/helm",
		resource: func(n, i int, ns, repo string, cull int) string {
			return fmt.Sprintf(`
resource "helm_release" "hub%d" {
  name             = %q
  namespace        = %q
  create_namespace = true
  repository       = %q
  chart            = "jupyterhub"
  version          = "4.4.0"
  wait             = true
  values = [yamlencode({
    proxy      = { service = { type = "ClusterIP" } }
    singleuser = { image = { name = "quay.io/jupyter/scipy-notebook", tag = "2025-01-06" }, storage = { type = "dynamic", capacity = "10Gi" } }
    cull       = { enabled = true, timeout = %d }
    hub        = { config = { Authenticator = { admin_users = ["ada"] } } }
  })]
}
`, i, fmt.Sprintf("h%d-%d", n, i), ns, repo, cull)
		},
	}
}

// pluginDir is where the CLI configuration's dev override points.
func (k *kind) pluginDir() string { return filepath.Dir(k.binary) }

// supportAddress is the bench's twoi2chub_cluster_support.
const supportAddress = "twoi2chub_cluster_support.support"

// supportResource is a twoi2chub_cluster_support with every component, from
// the real charts served at repo, in namespace ns: what a community adds to
// the root of its hubs. ingress-nginx's admission webhook is off because its
// certificate comes from a Job that kwok only pretends to run.
func supportResource(ns, repo string) string {
	return fmt.Sprintf(`
resource "twoi2chub_cluster_support" "support" {
  namespace = %[1]q
  ingress_nginx = {
    chart_repository = %[2]q
    extra_values     = yamlencode({ controller = { admissionWebhooks = { enabled = false } } })
  }
  cert_manager = {
    chart_repository = %[2]q
    acme_email       = "it@example.org"
  }
  prometheus = {
    chart_repository = %[2]q
    retention        = "30d"
    storage_size     = "2Gi"
    alertmanager     = false
  }
  grafana = {
    chart_repository = %[2]q
    domain           = "grafana.example.org"
  }
  cluster_autoscaler = {
    chart_repository = %[2]q
    cluster_name     = "bench"
    region           = "us-west-2"
  }
}
`, ns, repo)
}
