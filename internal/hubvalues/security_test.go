package hubvalues

import (
	"reflect"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/z2jhtest"
)

// TestSecurityDefaults: z2jh's defaults render nothing, so a hub keeping them
// has the values of one installed without them; each change renders exactly
// the keys z2jh reads, passes the chart's schema, and reads back.
func TestSecurityDefaults(t *testing.T) {
	schema, err := CompileSchema(z2jhtest.Schema(t))
	if err != nil {
		t.Fatal(err)
	}
	chartDefaults := z2jhtest.Defaults(t)
	// The defaults are the chart's own.
	for _, k := range networkPolicyKeys {
		def := DefaultNetworkPolicy
		for _, p := range k.paths {
			if got, _ := lookupBool(chartDefaults, p...); got != *k.value(&def) {
				t.Errorf("chart default of %v is %v; DefaultNetworkPolicy.%s says %v", p, got, k.attr, *k.value(&def))
			}
		}
	}
	if got, _ := lookupBool(chartDefaults, "singleuser", "cloudMetadata", "blockWithIptables"); got != DefaultBlockCloudMetadata {
		t.Errorf("chart blocks cloud metadata: %v", got)
	}

	with := func(change func(*NetworkPolicy)) *NetworkPolicy {
		n := DefaultNetworkPolicy
		change(&n)
		return &n
	}
	cases := []struct {
		name string
		hub  Hub
		want string // rendered values besides the provider-owned ones, as YAML
	}{
		{"unset", Hub{}, "{}\n"},
		{"defaults written out", Hub{NetworkPolicy: with(func(*NetworkPolicy) {}), BlockCloudMetadata: boolp(true)}, "{}\n"},
		{"users' policy off", Hub{NetworkPolicy: with(func(n *NetworkPolicy) { n.Users = false })},
			"singleuser:\n  networkPolicy:\n    enabled: false\n"},
		{"proxy policy off covers both proxy pods", Hub{NetworkPolicy: with(func(n *NetworkPolicy) { n.Proxy = false })},
			"proxy:\n  chp:\n    networkPolicy:\n      enabled: false\n  traefik:\n    networkPolicy:\n      enabled: false\n"},
		{"users reach private addresses, not the internet", Hub{NetworkPolicy: with(func(n *NetworkPolicy) { n.UsersEgressPrivateIPs, n.UsersEgressInternet = true, false })},
			"singleuser:\n  networkPolicy:\n    egressAllowRules:\n      nonPrivateIPs: false\n      privateIPs: true\n"},
		{"hub policy off", Hub{NetworkPolicy: with(func(n *NetworkPolicy) { n.Hub = false })}, "hub:\n  networkPolicy:\n    enabled: false\n"},
		{"cloud metadata reachable", Hub{BlockCloudMetadata: boolp(false)},
			"singleuser:\n  cloudMetadata:\n    blockWithIptables: false\n  networkPolicy:\n    egressAllowRules:\n      cloudMetadataServer: true\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Render(tc.hub)
			if err != nil {
				t.Fatal(err)
			}
			v, _ := NormalizeValues(r.Values)
			subtract(v, owned())
			got, _ := yaml.Marshal(v)
			if string(got) != tc.want {
				t.Errorf("rendered\n%s\nwant\n%s", got, tc.want)
			}
			if issues := schema.Validate(Coalesce(chartDefaults, r.Values)); len(issues) > 0 {
				t.Errorf("schema issues: %v", issues)
			}
			back, _, err := Parse(r.Values)
			if err != nil {
				t.Fatal(err)
			}
			// Unset reads back as unset (the provider shows the default).
			wantPolicy, wantBlock := tc.hub.NetworkPolicy, tc.hub.BlockCloudMetadata
			if wantPolicy != nil && *wantPolicy == DefaultNetworkPolicy {
				wantPolicy = nil
			}
			if wantBlock != nil && *wantBlock == DefaultBlockCloudMetadata {
				wantBlock = nil
			}
			if !reflect.DeepEqual(back.NetworkPolicy, wantPolicy) || !reflect.DeepEqual(back.BlockCloudMetadata, wantBlock) || back.ExtraValues != nil {
				t.Errorf("read back policy %+v block %v extra %v; want %+v %v", back.NetworkPolicy, back.BlockCloudMetadata, back.ExtraValues, wantPolicy, wantBlock)
			}
		})
	}
}

// TestSecurityForeignValues: values a person wrote that the typed settings
// cannot say exactly stay in extra_values, and the rest is read.
func TestSecurityForeignValues(t *testing.T) {
	var v Values
	if err := yaml.Unmarshal([]byte(`
singleuser:
  networkPolicy:
    enabled: false
  cloudMetadata:
    blockWithIptables: false
proxy:
  chp:
    networkPolicy:
      enabled: false
`), &v); err != nil {
		t.Fatal(err)
	}
	h, _, err := Parse(v)
	if err != nil {
		t.Fatal(err)
	}
	if h.NetworkPolicy == nil || h.NetworkPolicy.Users || !h.NetworkPolicy.Proxy {
		t.Errorf("policy %+v: users' policy off is read, the proxy's half-off is not", h.NetworkPolicy)
	}
	if h.BlockCloudMetadata != nil {
		t.Errorf("iptables off but the policy still blocking is not `block_cloud_metadata = false`: %v", *h.BlockCloudMetadata)
	}
	for _, p := range [][]string{{"singleuser", "cloudMetadata", "blockWithIptables"}, {"proxy", "chp", "networkPolicy", "enabled"}} {
		if _, ok := lookup(h.ExtraValues, p...); !ok {
			t.Errorf("%v missing from extra values %v", p, h.ExtraValues)
		}
	}
	r, err := Render(h)
	if err != nil {
		t.Fatal(err)
	}
	if DriftDigest(r.Values) != DriftDigest(v) {
		t.Error("rendering the parsed hub does not give the values back")
	}
}

func TestSecurityChecks(t *testing.T) {
	n := DefaultNetworkPolicy
	n.Users, n.UsersEgressPrivateIPs = false, true
	ps := Check(Hub{NetworkPolicy: &n})
	if len(ps) != 1 || ps[0].Attr.String() != "network_policy.users" {
		t.Errorf("egress rules without the users' policy: %v", ps)
	}
	n = DefaultNetworkPolicy
	n.Users = false
	if ps := Check(Hub{NetworkPolicy: &n}); len(ps) != 0 {
		t.Errorf("users' policy off alone: %v", ps)
	}
}
