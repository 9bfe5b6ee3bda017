package provider

import (
	"context"
	"fmt"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	k8sresource "k8s.io/apimachinery/pkg/api/resource"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/supportvalues"
	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/validate"
)

// cpuQuantity checks a CPU amount such as "500m" or "2".
func cpuQuantity(s string) error {
	q, err := k8sresource.ParseQuantity(s)
	if err != nil || q.Sign() <= 0 {
		return fmt.Errorf("%q is not a CPU amount: write cores, e.g. \"0.5\", \"2\" or \"500m\"", s)
	}
	return nil
}

var promDuration = regexp.MustCompile(`^([0-9]+(ms|s|m|h|d|w|y))+$`)

func resourcesAttribute(what string) schema.SingleNestedAttribute {
	return schema.SingleNestedAttribute{
		Optional:            true,
		MarkdownDescription: "CPU and memory of " + what + ", e.g. `{ cpu_request = \"100m\", memory_request = \"256Mi\", memory_limit = \"512Mi\" }`; default the chart's.",
		Attributes: map[string]schema.Attribute{
			"cpu_request":    schema.StringAttribute{Optional: true, MarkdownDescription: "CPU reserved, e.g. `\"100m\"`.", Validators: []validator.String{checkString(cpuQuantity)}},
			"cpu_limit":      schema.StringAttribute{Optional: true, MarkdownDescription: "CPU at most, e.g. `\"1\"`.", Validators: []validator.String{checkString(cpuQuantity)}},
			"memory_request": schema.StringAttribute{Optional: true, MarkdownDescription: "Memory reserved, e.g. `\"256Mi\"`.", Validators: []validator.String{checkString(validate.Memory)}},
			"memory_limit":   schema.StringAttribute{Optional: true, MarkdownDescription: "Memory at most, e.g. `\"512Mi\"`.", Validators: []validator.String{checkString(validate.Memory)}},
		},
	}
}

// componentAttributes are every component's chart source and escape hatch,
// plus its own attributes.
func componentAttributes(c supportvalues.Component, own map[string]schema.Attribute) map[string]schema.Attribute {
	own["chart_repository"] = schema.StringAttribute{
		Optional: true,
		MarkdownDescription: fmt.Sprintf("Chart repository of the `%s` chart: an HTTP repository URL or an `oci://` registry path. Default `\"%s\"`.",
			c.Name, c.DefaultRepository),
		Validators: []validator.String{stringvalidator.RegexMatches(regexp.MustCompile(`^(https?|oci)://[^\s]+$`),
			"must be an http(s):// chart repository URL or an oci:// registry path")},
	}
	own["chart_version"] = schema.StringAttribute{
		Optional:            true,
		MarkdownDescription: fmt.Sprintf("Version of the `%s` chart. Default `\"%s\"`, the version this provider release was tested with.", c.Name, c.DefaultVersion),
		Validators:          []validator.String{nonEmpty()},
	}
	own["extra_values"] = schema.StringAttribute{
		CustomType: YAMLType{},
		Optional:   true,
		MarkdownDescription: fmt.Sprintf("Further values of the `%s` chart as YAML (use `yamlencode({...})`), deep-merged over what the typed "+
			"attributes set; validated against the chart's schema at plan where the chart has one. Do not put secrets here: it is stored in state.", c.Name),
		Validators: []validator.String{yamlMappingValidator{}},
	}
	return own
}

func (r *ClusterSupportResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	comp := map[string]supportvalues.Component{}
	for _, c := range supportvalues.Components {
		comp[c.Attr] = c
	}
	url := []validator.String{stringvalidator.RegexMatches(regexp.MustCompile(`^https?://[^\s]+$`), "must be an http(s):// URL")}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The cluster-wide services a community's hubs rely on, each optional, each one Helm release in `namespace`: " +
			"the ingress-nginx controller and its public address (for DNS), cert-manager with Let's Encrypt ClusterIssuers, Prometheus " +
			"with the scrape jobs JupyterHub needs, Grafana with a JupyterHub dashboard, and cluster-autoscaler for clouds without one (EKS).\n\n" +
			"Releases are installed and upgraded like a `twoi2chub_hub`'s: an interrupted apply is recovered by the next, a release that " +
			"does not become ready fails the apply saying which Deployment, StatefulSet or DaemonSet and why, chart values never reach " +
			"state (only a checksum of each release's, under `releases`), and values changed outside Terraform show as a change of that checksum.\n\n" +
			"Chart versions are pinned to those this provider release was tested with; `chart_version` and `chart_repository` override them per component.\n\n" +
			"~> **cert-manager's CRDs** are applied by the provider, not by Helm (Helm never upgrades CRDs), and upgraded with the chart. " +
			"They are **never deleted**, not even on destroy: deleting a CRD deletes every certificate of that type in the cluster.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "The namespace, also the import ID.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"namespace": schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString("support"),
				MarkdownDescription: "Namespace of every support release, created if missing. Default `\"support\"`. Changing it replaces the services.",
				Validators:          []validator.String{checkString(validate.Namespace)},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"ingress_nginx": schema.SingleNestedAttribute{
				Optional: true,
				MarkdownDescription: "The ingress-nginx controller, behind one cloud load balancer: the entrance of hubs with `ingress` and of Grafana. " +
					"Its address is `ingress_address`.",
				Attributes: componentAttributes(comp["ingress_nginx"], map[string]schema.Attribute{
					"class_name": schema.StringAttribute{Optional: true, MarkdownDescription: "IngressClass it serves, the `ingress.class_name` of hubs. Default `\"nginx\"`.",
						Validators: []validator.String{checkString(validate.ObjectName)}},
					"default_class": schema.BoolAttribute{Optional: true, MarkdownDescription: "Whether it is the cluster's default IngressClass (Ingresses without a class use it). Default the chart's, `false`."},
					"replicas":      schema.Int64Attribute{Optional: true, MarkdownDescription: "Controller pods, e.g. `2` to survive a node going away. Default `1`.", Validators: []validator.Int64{int64validator.AtLeast(1)}},
					"service_annotations": schema.MapAttribute{Optional: true, ElementType: types.StringType,
						MarkdownDescription: "Annotations of the LoadBalancer Service, e.g. `{ \"service.beta.kubernetes.io/aws-load-balancer-type\" = \"nlb\" }`.",
						Validators:          []validator.Map{mapvalidator.KeysAre(checkString(validate.AnnotationKey))}},
					"load_balancer_ip": schema.StringAttribute{Optional: true, MarkdownDescription: "A reserved static IP for the load balancer, where the cloud supports it.",
						Validators: []validator.String{checkString(validate.HostOrIP)}},
					"resources": resourcesAttribute("the controller"),
				}),
			},
			"cert_manager": schema.SingleNestedAttribute{
				Optional: true,
				MarkdownDescription: "cert-manager and two ClusterIssuers, `letsencrypt-production` and `letsencrypt-staging`, solving HTTP-01 challenges through " +
					"the ingress controller. A hub gets a certificate with `ingress = { annotations = { \"cert-manager.io/cluster-issuer\" = \"letsencrypt-production\" }, tls_secret_name = \"...\" }`.",
				Attributes: componentAttributes(comp["cert_manager"], map[string]schema.Attribute{
					"acme_email": schema.StringAttribute{Required: true, MarkdownDescription: "Address Let's Encrypt sends expiry notices to, e.g. `\"it@example.org\"`.",
						Validators: []validator.String{checkString(validate.Email)}},
					"acme_production_server": schema.StringAttribute{Optional: true, Validators: url,
						MarkdownDescription: "ACME directory of `letsencrypt-production`. Default `\"" + supportvalues.LetsEncryptProduction + "\"`."},
					"acme_staging_server": schema.StringAttribute{Optional: true, Validators: url,
						MarkdownDescription: "ACME directory of `letsencrypt-staging` (untrusted certificates, generous rate limits, for trying things). Default `\"" + supportvalues.LetsEncryptStaging + "\"`."},
					"ingress_class": schema.StringAttribute{Optional: true, MarkdownDescription: "IngressClass that solves challenges. Default `ingress_nginx`'s class.",
						Validators: []validator.String{checkString(validate.ObjectName)}},
					"resources": resourcesAttribute("the cert-manager controller"),
				}),
			},
			"prometheus": schema.SingleNestedAttribute{
				Optional: true,
				MarkdownDescription: "Prometheus (server, alertmanager, node-exporter, kube-state-metrics) with a `jupyterhub` scrape job reading each hub's " +
					"`/hub/metrics`, besides the chart's own jobs reading every kubelet's cAdvisor (users' pods' CPU and memory); kube-state-metrics exports " +
					"node pool labels and the `twoi2chub-hub` and `twoi2chub-community` labels of hubs with a `community`.",
				Attributes: componentAttributes(comp["prometheus"], map[string]schema.Attribute{
					"retention": schema.StringAttribute{Optional: true, MarkdownDescription: "How long samples are kept, e.g. `\"30d\"`. Default the chart's, `\"15d\"`.",
						Validators: []validator.String{stringvalidator.RegexMatches(promDuration, "must be a Prometheus duration such as \"30d\" or \"12w\"")}},
					"storage_size": schema.StringAttribute{Optional: true, MarkdownDescription: "Size of the server's volume, e.g. `\"100Gi\"`. Default the chart's, `\"8Gi\"`.",
						Validators: []validator.String{checkString(validate.Storage)}},
					"alertmanager": schema.BoolAttribute{Optional: true, MarkdownDescription: "Whether to run the chart's alertmanager. Default the chart's, `true`."},
					"resources":    resourcesAttribute("the Prometheus server"),
				}),
			},
			"grafana": schema.SingleNestedAttribute{
				Optional: true,
				MarkdownDescription: "Grafana with Prometheus as its data source and the dashboard \"JupyterHub: users, servers and cost\" (active users, " +
					"running servers, CPU and memory per hub, the oldest users' servers, node pool usage). Its admin password is generated into the " +
					"Secret named by `grafana_admin_secret` and never stored in state.",
				Attributes: componentAttributes(comp["grafana"], map[string]schema.Attribute{
					"domain": schema.StringAttribute{Optional: true, MarkdownDescription: "Public name of Grafana, e.g. `\"grafana.example.org\"`, served through an Ingress.",
						Validators: []validator.String{checkString(validate.DNSName)}},
					"ingress_class": schema.StringAttribute{Optional: true, MarkdownDescription: "IngressClass of Grafana's Ingress. Default `ingress_nginx`'s class.",
						Validators: []validator.String{checkString(validate.ObjectName)}},
					"tls": schema.BoolAttribute{Optional: true, MarkdownDescription: "Whether Grafana's Ingress gets a certificate from `letsencrypt-production` (needs `cert_manager`). Default `false`."},
					"storage_size": schema.StringAttribute{Optional: true, MarkdownDescription: "Keep Grafana's database on a volume of this size, e.g. `\"10Gi\"`. Default: no volume (dashboards come from files anyway).",
						Validators: []validator.String{checkString(validate.Storage)}},
					"prometheus_url": schema.StringAttribute{Optional: true, Validators: url,
						MarkdownDescription: "Prometheus to read. Default this resource's `prometheus`."},
					"resources": resourcesAttribute("Grafana"),
				}),
			},
			"cluster_autoscaler": schema.SingleNestedAttribute{
				Optional: true,
				MarkdownDescription: "The Kubernetes cluster-autoscaler, for clouds whose node pools do not scale themselves (EKS managed node groups). " +
					"GKE and AKS scale their node pools themselves: leave it out there. It runs as the ServiceAccount `<namespace>/cluster-autoscaler`, " +
					"the subject its cloud identity must trust (modules/eks's IRSA role does, for its `support_namespace`).",
				Attributes: componentAttributes(comp["cluster_autoscaler"], map[string]schema.Attribute{
					"cloud_provider": schema.StringAttribute{Optional: true, MarkdownDescription: "The autoscaler's cloud provider. Default `\"aws\"`.",
						Validators: []validator.String{stringvalidator.OneOf("aws", "azure", "gce", "clusterapi", "magnum", "hetzner", "oci")}},
					"cluster_name": schema.StringAttribute{Required: true, MarkdownDescription: "The cluster's name: the autoscaler manages node groups tagged " +
						"`k8s.io/cluster-autoscaler/<cluster_name>` (the chart renders nothing without it).", Validators: []validator.String{nonEmpty()}},
					"region": schema.StringAttribute{Optional: true, MarkdownDescription: "The cloud region, e.g. `\"us-west-2\"`.", Validators: []validator.String{nonEmpty()}},
					"service_account_annotations": schema.MapAttribute{Optional: true, ElementType: types.StringType,
						MarkdownDescription: "The autoscaler's cloud identity, e.g. `{ \"eks.amazonaws.com/role-arn\" = aws_iam_role.autoscaler.arn }` (IAM roles for service accounts).",
						Validators:          []validator.Map{mapvalidator.KeysAre(checkString(validate.AnnotationKey))}},
					"resources": resourcesAttribute("the autoscaler"),
				}),
			},
			"timeouts": timeouts.Attributes(ctx, timeouts.Opts{Create: true, Update: true, Delete: true,
				CreateDescription: "How long each release may take to become ready on create (default `10m`).",
				UpdateDescription: "How long each release may take to become ready on upgrade before it is rolled back (default `10m`).",
				DeleteDescription: "How long each release's objects may take to go (default `5m`).",
			}),
			"ingress_address": schema.StringAttribute{Computed: true,
				MarkdownDescription: "External IP or host name the cloud gave the ingress controller's load balancer: point hubs' and Grafana's DNS records at it. Null until the cloud assigns one."},
			"grafana_url": schema.StringAttribute{Computed: true, MarkdownDescription: "Where Grafana is reached, from `grafana.domain`; null without one."},
			"grafana_admin_secret": schema.StringAttribute{Computed: true,
				MarkdownDescription: "`<namespace>/<name>` of the Secret holding Grafana's admin user (`admin-user`) and generated password (`admin-password`). " +
					"The provider creates it once and never reads the password; destroying keeps it, since Grafana's database keeps the password too."},
			"cluster_issuers": schema.ListAttribute{Computed: true, ElementType: types.StringType,
				MarkdownDescription: "Names of the ClusterIssuers, production first, for Ingress annotations `cert-manager.io/cluster-issuer`."},
			"crds_version": schema.StringAttribute{Computed: true,
				MarkdownDescription: "cert-manager chart version the cluster's cert-manager CRDs were applied from, as read from them; null when some are missing."},
			"releases": schema.MapNestedAttribute{
				Computed:            true,
				MarkdownDescription: "Each component's release, by release name (`ingress-nginx`, `cert-manager`, `prometheus`, `grafana`, `cluster-autoscaler`).",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"chart_version":   schema.StringAttribute{Computed: true, MarkdownDescription: "Chart version installed."},
					"app_version":     schema.StringAttribute{Computed: true, MarkdownDescription: "The chart's `appVersion`."},
					"revision":        schema.Int64Attribute{Computed: true, MarkdownDescription: "Helm revision; grows with each upgrade."},
					"status":          schema.StringAttribute{Computed: true, MarkdownDescription: "Helm status of the latest revision; anything but `\"deployed\"` is repaired by the next apply."},
					"values_checksum": schema.StringAttribute{Computed: true, MarkdownDescription: "SHA-256 of the release's values (the values are not stored); changes when the settings, or the deployed values, change."},
				}},
			},
		},
	}
}
