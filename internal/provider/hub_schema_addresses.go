package provider

import (
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/validate"
)

// Where the hub is reached on the network: the proxy Service's static IP and
// annotations, and the address to point DNS at (https.acme_server is in the
// https block of hub_schema.go).

func hubAddressAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"proxy_load_balancer_ip": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "A static IP reserved in the cloud for the `proxy-public` LoadBalancer (z2jh `proxy.service.loadBalancerIP`), " +
				"e.g. `google_compute_address.hub.address`, so the address survives re-creating the hub and DNS can point at it before it exists. " +
				"Only with a LoadBalancer `proxy_service_type`. On AKS the address must be in the node resource group or the cluster must be " +
				"allowed to use it; on EKS use `proxy_service_annotations` with Elastic IP allocations instead.",
			Validators: []validator.String{checkString(validate.IPAddress)},
		},
		"proxy_service_annotations": schema.MapAttribute{
			Optional:    true,
			ElementType: types.StringType,
			MarkdownDescription: "Annotations of the `proxy-public` Service (z2jh `proxy.service.annotations`), which cloud load balancer " +
				"controllers read, e.g. `{ \"service.beta.kubernetes.io/aws-load-balancer-type\" = \"nlb\" }` or " +
				"`{ \"networking.gke.io/load-balancer-type\" = \"Internal\" }`.",
			Validators: []validator.Map{mapvalidator.KeysAre(checkString(validate.AnnotationKey))},
		},
		"public_address": schema.StringAttribute{
			Computed: true,
			MarkdownDescription: "The address to point the hub's DNS record at: the external IP (or, on AWS, host name) of the proxy's " +
				"LoadBalancer, or with `ingress` the address the ingress controller published for the hub's Ingress. Null until the cloud " +
				"assigns one (the next refresh reads it) and with a `ClusterIP` or `NodePort` proxy. An IP suits an `A` record, a host name " +
				"a `CNAME`, e.g. `rrdatas = [twoi2chub_hub.hackweek.public_address]`.",
		},
	}
}
