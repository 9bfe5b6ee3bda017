package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// TestAccHubPlanTimeValidation: each bad input fails at `terraform plan`, with
// a message that says what to write, at the attribute that holds it (the CLI
// prints that attribute's line, which each pattern matches too).
func TestAccHubPlanTimeValidation(t *testing.T) {
	cp := testAccPreCheck(t)
	// want: what the message says; at: the attribute path the summary names.
	cases := []struct {
		name, body, want, at string
		needsSchema          bool
	}{
		{name: "release name with capitals", body: `name = "Hub"`, want: `not a valid release name`, at: `name`},
		{name: "namespace with a dot", body: `namespace = "hack.week"`, want: `not a valid namespace name`, at: `namespace`},
		{name: "domain without a dot", body: `domain = "hub"
https = { mode = "offload" }`, want: `not a fully qualified DNS name`, at: `domain`},
		{name: "domain without https or ingress", body: `domain = "hub.example.org"`, want: `Domain without HTTPS`, at: `domain`},
		{name: "letsencrypt without contact", body: `domain = "hub.example.org"
https = { mode = "letsencrypt" }`, want: `Missing contact e-mail`, at: `https.contact_email`},
		{name: "contact that is not an e-mail", body: `domain = "hub.example.org"
https = { mode = "letsencrypt", contact_email = "it-team" }`, want: `"it-team" is not an e-mail address`, at: `https.contact_email`},
		{name: "unknown https mode", body: `domain = "hub.example.org"
https = { mode = "acme" }`, want: `value must be one of`, at: `https.mode`},
		{name: "https and ingress together", body: `domain = "hub.example.org"
https   = { mode = "offload" }
ingress = { class_name = "nginx" }`, want: `cannot be specified when "ingress" is specified`, at: `ingress`},
		{name: "https without domain", body: `https = { mode = "offload" }`, want: `Missing domain`, at: `https`},
		{name: "image without tag", body: `image = "quay.io/jupyter/scipy-notebook"`, want: `pins neither a tag nor a digest`, at: `image`},
		{name: "profile memory with a typo", body: `profiles = [
  { display_name = "Small", memory_limit = "2G" },
  { display_name = "Large", memory_limit = "4GBs" },
]`, want: `"4GBs" is not a memory size`, at: `profiles[1].memory_limit`},
		{name: "cpu guarantee above limit", body: `profiles = [{ display_name = "Odd", cpu_guarantee = 4, cpu_limit = 2 }]`, want: `cpu_guarantee (4) is more than cpu_limit (2)`, at: `profiles[0].cpu_guarantee`},
		{name: "memory guarantee above limit", body: `profiles = [{ display_name = "Odd", memory_guarantee = "8G", memory_limit = "4G" }]`, want: `memory_guarantee (8G) is more than memory_limit (4G)`, at: `profiles[0].memory_guarantee`},
		{name: "two default profiles", body: `profiles = [
  { display_name = "A", default = true },
  { display_name = "B", default = true },
]`, want: `Several default profiles`, at: `profiles[1].default`},
		{name: "two profiles with the same slug", body: `profiles = [
  { display_name = "Small" },
  { display_name = "small!" },
]`, want: `both have the slug "small"`, at: `profiles[1].slug`},
		{name: "zero GPUs", body: `profiles = [{ display_name = "GPU", gpu = { count = 0 } }]`, want: `value must be at least 1`, at: `profiles[0].gpu.count`},
		{name: "GPU resource without a domain", body: `profiles = [{ display_name = "GPU", gpu = { count = 1, resource = "gpu" } }]`, want: `not an extended resource name`, at: `profiles[0].gpu.resource`},
		{name: "toleration with an unknown effect", body: `profiles = [{ display_name = "GPU", gpu = { count = 1, tolerations = [{ key = "nvidia.com/gpu", effect = "Never" }] } }]`, want: `value must be one of`, at: `profiles[0].gpu.tolerations[0].effect`},
		{name: "node selector key with two slashes", body: `profiles = [{ display_name = "Big", node_selector = { "a/b/c" = "x" } }]`, want: `"a/b/c" is not a valid label key`, at: `profiles[0].node_selector["a/b/c"]`},
		{name: "GPU profile with node labels outside gpu", body: `profiles = [{ display_name = "GPU", node_selector = { pool = "gpu" }, gpu = { count = 1 } }]`, want: "takes its node labels in `gpu.node_selector`", at: `profiles[0].node_selector`},
		{name: "image and image choices together", body: `profiles = [{ display_name = "Both", image = "a/b:1", image_choices = [{ display_name = "C", image = "c/d:2" }] }]`, want: "either one `image` or a menu", at: `profiles[0].image_choices`},
		{name: "shared storage without a claim", body: `storage = { type = "shared" }`, want: "storage type \"shared\" needs `claim_name`", at: `storage.claim_name`},
		{name: "storage size in words", body: `storage = { type = "dynamic", capacity = "ten gigabytes" }`, want: `is not a storage size`, at: `storage.capacity`},
		{name: "NFS with a capacity", body: `storage = { type = "nfs", nfs_server = "10.0.0.2", nfs_path = "/homes", capacity = "10Gi" }`, want: "`capacity` does not apply to storage type \"nfs\"", at: `storage.capacity`},
		{name: "absolute sub path", body: `storage = { type = "shared", claim_name = "homes", sub_path = "/etc" }`, want: `not a relative path inside the volume`, at: `storage.sub_path`},
		{name: "culling timeout of zero", body: `culling = { enabled = true, timeout = 0 }`, want: `value must be at least 1`, at: `culling.timeout`},
		{name: "unknown node purpose", body: `node_purpose = { user = "always" }`, want: `value must be one of`, at: `node_purpose.user`},
		{name: "unknown proxy service type", body: `proxy_service_type = "Public"`, want: `value must be one of`, at: `proxy_service_type`},
		{name: "extra values that are a list", body: `extra_values = "[1, 2]"`, want: `must be a mapping of chart values`, at: `extra_values`},
		{name: "extra values that are not YAML", body: `extra_values = "singleuser: {"`, want: `not valid YAML or JSON`, at: `extra_values`},
		{name: "extra values with a wrong type", body: `extra_values = yamlencode({ cull = { timeout = "1h" } })`, want: `rejects the value at /cull/timeout: got string`, at: `extra_values`, needsSchema: true},
		{name: "extra values with an unknown key", body: `extra_values = yamlencode({ singleuser = { imagePullPolicy = "Always" } })`, want: `"imagePullPolicy" is not a setting the chart knows`, at: `extra_values`, needsSchema: true},
		{name: "extra values replacing the profiles", body: `profiles = [{ display_name = "Small" }]
extra_values = yamlencode({ singleuser = { profileList = [] } })`, want: "`extra_values` sets singleuser.profileList, which `profiles` writes as a list", at: `extra_values`},
		{name: "extra values replacing the auth's environment", body: `auth = jsonencode({ hub = { extraEnv = { OAUTH_CLIENT_SECRET = { valueFrom = { secretKeyRef = { name = "a", key = "b" } } } } } })
extra_values = yamlencode({ hub = { extraEnv = [{ name = "X", value = "1" }] } })`, want: "`extra_values` sets hub.extraEnv, which `auth` writes as a map", at: `extra_values`},
		{name: "negative active server limit", body: `limits = { active_servers = -1 }`, want: `value must be at least 0`, at: `limits.active_servers`},
		{name: "named server limit with named servers off", body: `named_servers = { enabled = false, limit_per_user = 3 }`, want: "set `enabled = true` or remove the limit", at: `named_servers.limit_per_user`},
		{name: "culling named servers the hub does not allow", body: `culling = { enabled = true, remove_named_servers = true }`, want: "which this hub does not allow", at: `culling.remove_named_servers`},
		{name: "cull concurrency of zero", body: `culling = { enabled = true, concurrency = 0 }`, want: `value must be at least 1`, at: `culling.concurrency`},
		{name: "default URL without a slash", body: `user_servers = { default_url = "lab" }`, want: `start with '/', e.g. "/lab"`, at: `user_servers.default_url`},
		{name: "environment variable name with a space", body: `user_servers = { environment = { "MY VAR" = "1" } }`, want: `"MY VAR" is not an environment variable name`, at: `user_servers.environment["MY VAR"]`},
		{name: "environment variable set twice", body: `user_servers = {
  environment              = { TOKEN_URL = "https://example.org" }
  environment_from_secrets = { TOKEN_URL = { secret_name = "s", key = "k" } }
}`, want: "in both `environment` and `environment_from_secrets`", at: `user_servers.environment_from_secrets["TOKEN_URL"]`},
		{name: "volume with two sources", body: `user_servers = { volumes = [{ name = "data", mount_path = "/data", claim_name = "data", nfs = { server = "10.0.0.2", path = "/data" } }] }`,
			want: "set exactly one", at: `user_servers.volumes[0]`},
		{name: "volume over the home directory", body: `user_servers = { volumes = [{ name = "data", mount_path = "/home/jovyan", claim_name = "data" }] }`,
			want: "is where home directories are mounted", at: `user_servers.volumes[0].mount_path`},
		{name: "init container mounting an unknown volume", body: `user_servers = { init_containers = [{ name = "fix", image = "busybox:1.36", command = ["true"], volume_mounts = [{ name = "homes", mount_path = "/home/jovyan" }] }] }`,
			want: `"homes" is not a volume of users' servers`, at: `user_servers.init_containers[0].volume_mounts[0].name`},
		{name: "init container image without a tag", body: `user_servers = { init_containers = [{ name = "fix", image = "busybox", command = ["true"] }] }`,
			want: `pins neither a tag nor a digest`, at: `user_servers.init_containers[0].image`},
		{name: "extra values replacing the users' environment", body: `user_servers = { environment = { COURSE = "ds101" } }
extra_values = yamlencode({ singleuser = { extraEnv = [{ name = "X", value = "1" }] } })`, want: "`extra_values` sets singleuser.extraEnv, which `user_servers.environment[\"COURSE\"]` writes as a map", at: `extra_values`},
		{name: "node affinity In without values", body: `profiles = [{ display_name = "Big", node_affinity = { required = [{ key = "pool", operator = "In" }] } }]`,
			want: "list at least one", at: `profiles[0].node_affinity.required[0].values`},
		{name: "free-form image without a menu", body: `profiles = [{ display_name = "Own", image = "a/b:1", unlisted_image = { display_name = "Other image" } }]`,
			want: "list at least one `image_choices` entry", at: `profiles[0].unlisted_image`},
		{name: "profile option without a default choice", body: `profiles = [{ display_name = "Custom", options = { resources = { display_name = "Resources",
  choices = { small = { display_name = "Small", cpu_limit = 1 }, large = { display_name = "Large", cpu_limit = 4 } } } } }]`,
			want: "has 0 choices marked `default = true`; mark exactly one", at: `profiles[0].options["resources"].choices`},
		{name: "profile option regex that does not compile", body: `profiles = [{ display_name = "Custom", options = { environment = { display_name = "Environment",
  choices = { pangeo = { display_name = "Pangeo", image = "quay.io/pangeo/pangeo-notebook:2025.01.10", default = true } },
  unlisted_choice = { display_name = "Other", validation_regex = "([" } } } }]`,
			want: "is not a regular expression", at: `profiles[0].options["environment"].unlisted_choice.validation_regex`},
		{name: "profile option choice image without tag", body: `profiles = [{ display_name = "Custom", options = { environment = { display_name = "Environment",
  choices = { pangeo = { display_name = "Pangeo", image = "quay.io/pangeo/pangeo-notebook", default = true } } } } }]`,
			want: "pins neither a tag nor a digest", at: `profiles[0].options["environment"].choices["pangeo"].image`},
		{name: "profile option named image", body: `profiles = [{ display_name = "Custom", options = { image = { display_name = "Image",
  choices = { a = { display_name = "A", image = "a/b:1", default = true } } } } }]`,
			want: "written by `image_choices`", at: `profiles[0].options["image"]`},
		{name: "GPU profile with tolerations outside gpu", body: `profiles = [{ display_name = "GPU", gpu = { count = 1 }, tolerations = [{ key = "nvidia.com/gpu" }] }]`,
			want: "takes its tolerations in `gpu.tolerations`", at: `profiles[0].tolerations`},
		{name: "egress rules with the users' policy off", body: `network_policy = { users = false, users_egress_private_ips = true }`,
			want: "Egress rules without a policy", at: `network_policy.users`},
		{name: "load balancer IP that is a host name", body: `proxy_load_balancer_ip = "lb.example.org"`, want: `"lb.example.org" is not an IP address`, at: `proxy_load_balancer_ip`},
		{name: "load balancer IP on a ClusterIP proxy", body: `proxy_load_balancer_ip = "203.0.113.7"
proxy_service_type = "ClusterIP"`, want: "`proxy_load_balancer_ip` is the address of a LoadBalancer Service", at: `proxy_load_balancer_ip`},
		{name: "ACME server over plain HTTP", body: `domain = "hub.example.org"
https = { mode = "letsencrypt", contact_email = "it@example.org", acme_server = "http://acme.example.org/directory" }`,
			want: `is not an ACME directory URL`, at: `https.acme_server`},
		{name: "ACME server without Let's Encrypt", body: `domain = "hub.example.org"
https = { mode = "offload", acme_server = "https://acme.example.org/directory" }`, want: "`acme_server` is only used with mode \"letsencrypt\"", at: `https.acme_server`},
		{name: "proxy service annotation key with spaces", body: `proxy_service_annotations = { "not a key" = "x" }`,
			want: `"not a key" is not a valid annotation key`, at: `proxy_service_annotations["not a key"]`},
		{name: "chart version that does not exist", body: `chart_version = "9.9.9"`, want: `has no jupyterhub version 9.9.9`, at: `chart_version`},
		{name: "ingress annotation key with spaces", body: `domain = "hub.example.org"
ingress = { annotations = { "not a key" = "x" } }`, want: `"not a key" is not a valid annotation key`, at: `ingress.annotations["not a key"]`},
		{name: "community with capitals and a space", body: `community = "Hack Week"`, want: `e.g. "hack-week"`, at: `community`},
		{name: "cost label key with a domain", body: `cost_labels = { "example.org/team" = "geo" }`,
			want: `Google Cloud labels and Azure tags refuse them`, at: `cost_labels["example.org/team"]`},
		{name: "cost label the hub writes", body: `cost_labels = { twoi2chub-community = "geo" }`,
			want: `written by the hub itself`, at: `cost_labels["twoi2chub-community"]`},
		{name: "cost label value with capitals", body: `cost_labels = { team = "Geo" }`, want: `e.g. "geo"`, at: `cost_labels["team"]`},
	}
	if len(cases) < 20 {
		t.Fatalf("only %d cases", len(cases))
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.needsSchema {
				requireSchema(t)
			}
			name, namespace := `name = "plan-only"`, `namespace = "plan-only"`
			if regexp.MustCompile(`^name\b`).MatchString(tc.body) {
				name = ""
			}
			if regexp.MustCompile(`^namespace\b`).MatchString(tc.body) {
				namespace = ""
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: providerKubeconfig(cp) + fmt.Sprintf(`
resource "twoi2chub_hub" "test" {
  %s
  %s
  chart_repository = %q
  %s
}
`, name, namespace, requireRealChart(t), tc.body),
					PlanOnly:    true,
					ExpectError: messageAt(tc.want, tc.at),
				}},
			})
		})
	}
}

// messageAt matches an error output that says want (however the CLI wrapped
// its lines) in a diagnostic that names the attribute at: in its summary
// ("... at profiles[1].memory_limit"), in the framework's wording ("Attribute
// profiles[0].gpu.count value ..."), or as the source line the CLI shows for
// a top-level attribute ("22:   domain = ...").
func messageAt(want, at string) *regexp.Regexp {
	spaced := strings.Join(strings.Fields(regexp.QuoteMeta(want)), `\s+`)
	a := regexp.QuoteMeta(at)
	return regexp.MustCompile(`(?s)Error: [^\n]*?(` +
		spaced + `[^\n]* at ` + a + `\n|` + // summary says both
		` at ` + a + `\n.*` + spaced + `|` + // summary names the attribute, detail says what
		`\n.*(\d+:\s+` + a + `\s+=|Attribute ` + a + `\s).*` + spaced + `)`)
}
