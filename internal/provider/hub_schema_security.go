package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectdefault"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/hubvalues"
)

// The hub's security settings: z2jh's recommended defaults, shown in every
// plan with their values (see hubvalues/security.go).

func hubSecurityAttributes() map[string]schema.Attribute {
	def := hubvalues.DefaultNetworkPolicy
	policy := func(desc string, v bool) schema.BoolAttribute {
		return schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(v), MarkdownDescription: desc}
	}
	policyTypes := map[string]attr.Type{"hub": types.BoolType, "proxy": types.BoolType, "users": types.BoolType,
		"users_egress_internet": types.BoolType, "users_egress_private_ips": types.BoolType}
	defaultPolicy := types.ObjectValueMust(policyTypes, map[string]attr.Value{
		"hub": types.BoolValue(def.Hub), "proxy": types.BoolValue(def.Proxy), "users": types.BoolValue(def.Users),
		"users_egress_internet": types.BoolValue(def.UsersEgressInternet), "users_egress_private_ips": types.BoolValue(def.UsersEgressPrivateIPs),
	})
	return map[string]schema.Attribute{
		"network_policy": schema.SingleNestedAttribute{
			Optional: true,
			Computed: true,
			Default:  objectdefault.StaticValue(defaultPolicy),
			MarkdownDescription: "Kubernetes NetworkPolicies of the hub's pods (z2jh `hub.networkPolicy`, `proxy.chp.networkPolicy` and " +
				"`proxy.traefik.networkPolicy`, `singleuser.networkPolicy`). Default: z2jh's, every policy on, users' servers may reach the " +
				"internet but not private addresses. Policies take effect only where the cluster enforces them (GKE Dataplane V2 or Calico, " +
				"EKS with the VPC CNI's network policy agent, AKS with Azure or Calico network policy). Set only what you change, e.g. " +
				"`network_policy = { users_egress_private_ips = true }` to let users reach a database on the private network.",
			Attributes: map[string]schema.Attribute{
				"hub":   policy("Whether the hub pod only accepts connections from the proxy and users' servers. Default `true`.", def.Hub),
				"proxy": policy("Whether the proxy's pods only accept web traffic and the hub. Default `true`.", def.Proxy),
				"users": policy("Whether users' servers only accept connections from the proxy and hub, and connect out only as the two "+
					"settings below allow (their DNS and the hub always). Default `true`.", def.Users),
				"users_egress_internet": policy("Whether users' servers may connect to the internet (addresses outside the private ranges; "+
					"z2jh `egressAllowRules.nonPrivateIPs`). Default `true`: `pip install` and `git clone` need it.", def.UsersEgressInternet),
				"users_egress_private_ips": policy("Whether users' servers may connect to private addresses (10.0.0.0/8, 172.16.0.0/12, "+
					"192.168.0.0/16: other pods, databases and services in the cloud network; z2jh `egressAllowRules.privateIPs`). Default `false`.",
					def.UsersEgressPrivateIPs),
			},
		},
		"block_cloud_metadata": schema.BoolAttribute{
			Optional: true,
			Computed: true,
			Default:  booldefault.StaticBool(hubvalues.DefaultBlockCloudMetadata),
			MarkdownDescription: "Whether users' servers are kept from the cloud's metadata server (169.254.169.254), which hands out the " +
				"node's credentials: an iptables rule in each server's pod (z2jh `singleuser.cloudMetadata.blockWithIptables`) and the users' " +
				"network policy (`singleuser.networkPolicy.egressAllowRules.cloudMetadataServer`). Default `true`; `false` lifts both. " +
				"GKE's Workload Identity needs `false` with a `user_service_account`: its tokens come from there, from the GKE metadata " +
				"server, which hides the node's own credentials. EKS and AKS need it not.",
		},
	}
}
