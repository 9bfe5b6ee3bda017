package provider

import (
	"context"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/float64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/objectvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/validate"
)

// Chart defaults: the upstream zero-to-jupyterhub chart.
const (
	DefaultChartRepository = "https://hub.jupyter.org/helm-chart/"
	DefaultChartVersion    = "4.4.0"
	hubChartName           = "jupyterhub"
)

func nonEmpty() validator.String { return stringvalidator.LengthAtLeast(1) }

func labelMapValidators() []validator.Map {
	return []validator.Map{
		mapvalidator.KeysAre(checkString(validate.LabelKey)),
		mapvalidator.ValueStringsAre(checkString(validate.LabelValue)),
	}
}

func (r *HubResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A community's JupyterHub: one release of the upstream " +
			"[zero-to-jupyterhub](https://z2jh.jupyter.org) chart in its own namespace, installed and upgraded with the Helm SDK.\n\n" +
			"The hub is described by typed attributes, so a plan shows exactly which setting changes; chart values are " +
			"validated against the chart's own schema and rendered with its templates during `plan`; the images it names are looked up in " +
			"their registries; secrets the hub generates stay in Kubernetes; and destroying the hub keeps users' home directories " +
			"unless `delete_user_data = true`.\n\n" +
			"**Drift.** Each refresh reads the release's latest revision. Changed values (a `helm upgrade` or `helm rollback` by hand) " +
			"show in the next plan attribute by attribute, values without a typed attribute in `extra_values`, secrets never; a failed or " +
			"pending release plans a repair; a missing release or namespace plans a re-creation. Objects changed directly " +
			"(`kubectl edit`) are not compared and are not detected.\n\n" +
			"Values are layered, later winning: the chart's defaults, then what the typed attributes set, then `auth`, then `extra_values`.\n\n" +
			"~> **Authentication.** Without `auth` (a `twoi2chub_auth`), the chart's default `dummy` authenticator lets " +
			"anyone log in with any user name. Use that for testing only; the plan warns about it.",
		Attributes: map[string]schema.Attribute{
			"id": idAttribute(),
			"name": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "Helm release name, e.g. the community's name `\"hackweek\"`. The chart names its cluster-wide objects " +
					"(the user scheduler's ClusterRole) after it, so hubs sharing a cluster need different names; the plan fails, naming the other " +
					"hub's namespace, when one is taken. Changing it replaces the hub (users' data is kept).",
				Validators:    []validator.String{checkString(validate.ReleaseName)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"namespace": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "Namespace of the hub, created if missing, e.g. `\"hackweek\"`. A namespace the provider " +
					"created is deleted with the hub only when no user data is left in it. Changing it replaces the hub.",
				Validators:    []validator.String{checkString(validate.Namespace)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"chart_repository": schema.StringAttribute{
				Optional: true,
				Computed: true,
				Default:  stringdefault.StaticString(DefaultChartRepository),
				MarkdownDescription: "Chart repository holding the `jupyterhub` chart: an HTTP repository URL or an `oci://` " +
					"registry path. Default `\"" + DefaultChartRepository + "\"`. Each chart version is downloaded once, checked against " +
					"the SHA-256 digest the repository publishes, and cached on disk. A private repository takes its credentials and CA " +
					"from the provider's `chart_repositories`.",
				Validators: []validator.String{stringvalidator.RegexMatches(regexp.MustCompile(`^(https?|oci)://[^\s]+$`),
					"must be an http(s):// chart repository URL or an oci:// registry path")},
			},
			"chart_version": schema.StringAttribute{
				Optional: true,
				Computed: true,
				Default:  stringdefault.StaticString(DefaultChartVersion),
				MarkdownDescription: "Version of the zero-to-jupyterhub chart. Default `\"" + DefaultChartVersion + "\"`. " +
					"With `chart_path`, the version the local chart must have.",
				Validators: []validator.String{nonEmpty()},
			},
			"chart_path": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Path to a local chart directory or archive, instead of the repository (for development).",
				Validators:          []validator.String{nonEmpty()},
			},
			"domain": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Public DNS name of the hub, e.g. `\"hub.example.org\"`. Needs `https` or `ingress`.",
				Validators:          []validator.String{checkString(validate.DNSName)},
			},
			"https": schema.SingleNestedAttribute{
				Optional:            true,
				MarkdownDescription: "HTTPS handled by the hub's proxy (`proxy.https`). Conflicts with `ingress`.",
				Attributes: map[string]schema.Attribute{
					"mode": schema.StringAttribute{
						Required: true,
						MarkdownDescription: "`\"letsencrypt\"`: certificates from Let's Encrypt (needs `contact_email`); " +
							"`\"secret\"`: an existing `kubernetes.io/tls` Secret (`secret_name`); `\"offload\"`: TLS ends at a load balancer in front of the proxy.",
						Validators: []validator.String{stringvalidator.OneOf("letsencrypt", "secret", "offload")},
					},
					"contact_email": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: "E-mail address Let's Encrypt sends expiry notices to, e.g. `\"it@example.org\"`.",
						Validators:          []validator.String{checkString(validate.Email)},
					},
					"secret_name": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: "Name of the TLS Secret in the hub's namespace, for mode `\"secret\"`.",
						Validators:          []validator.String{checkString(validate.ObjectName)},
					},
					"acme_server": schema.StringAttribute{
						Optional: true,
						MarkdownDescription: "ACME directory the proxy asks for certificates, for mode `\"letsencrypt\"` " +
							"(z2jh `proxy.https.letsencrypt.acmeServer`). Default Let's Encrypt's production server; use `\"" + validate.LetsEncryptStaging +
							"\"` while testing, so failed attempts do not hit production's rate limits (its certificates are not trusted by browsers).",
						Validators: []validator.String{checkString(validate.ACMEServer)},
					},
				},
			},
			"ingress": schema.SingleNestedAttribute{
				Optional:            true,
				MarkdownDescription: "Expose the hub through the cluster's ingress controller at `domain` instead. Conflicts with `https`.",
				Validators:          []validator.Object{objectvalidator.ConflictsWith(path.MatchRoot("https"))},
				Attributes: map[string]schema.Attribute{
					"class_name": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: "IngressClass to use, e.g. `\"nginx\"`; default the cluster's default class.",
						Validators:          []validator.String{checkString(validate.ObjectName)},
					},
					"annotations": schema.MapAttribute{
						Optional:            true,
						ElementType:         types.StringType,
						MarkdownDescription: "Annotations of the Ingress, e.g. `{ \"cert-manager.io/cluster-issuer\" = \"letsencrypt\" }`.",
						Validators:          []validator.Map{mapvalidator.KeysAre(checkString(validate.AnnotationKey))},
					},
					"tls_secret_name": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: "TLS Secret for `domain` (made by cert-manager or by you); without it the ingress serves plain HTTP.",
						Validators:          []validator.String{checkString(validate.ObjectName)},
					},
				},
			},
			"proxy_service_type": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Type of the `proxy-public` Service: `\"LoadBalancer\"` (the chart's default), `\"ClusterIP\"` (behind an ingress) or `\"NodePort\"`.",
				Validators:          []validator.String{stringvalidator.OneOf("LoadBalancer", "ClusterIP", "NodePort")},
			},
			"image": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Default user image with a tag or digest, e.g. `\"quay.io/jupyter/scipy-notebook:2025-01-06\"` or a " +
					"`twoi2chub_user_image`'s `image_digest_ref`. Default: the chart's sample image.",
				Validators: []validator.String{checkString(validate.ImageRef)},
			},
			"profiles": schema.ListNestedAttribute{
				Optional: true,
				MarkdownDescription: "Server options people choose from when they start (KubeSpawner `profile_list`), in display order. " +
					"When the hub's settings change, the plan checks each profile against the cluster's nodes: requests bigger than every " +
					"node of the pool the profile is pinned to (by `node_selector`, `gpu.node_selector` or `node_affinity.required`) fail; " +
					"a profile no node matches, or one bigger than every node without being pinned, warns (a pool scaled to zero may have them).",
				Validators: []validator.List{listvalidator.SizeAtLeast(1)},
				NestedObject: schema.NestedAttributeObject{Attributes: withProfileServerAttributes(map[string]schema.Attribute{
					"display_name": schema.StringAttribute{Required: true, MarkdownDescription: "Name shown on the form, e.g. `\"Small: 1 CPU, 2 GB\"`.", Validators: []validator.String{nonEmpty()}},
					"slug": schema.StringAttribute{Optional: true, MarkdownDescription: "Stable identifier; default derived from `display_name` (lower case, dashes).",
						Validators: []validator.String{stringvalidator.RegexMatches(regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?$`), "must be lower-case letters, digits and dashes")}},
					"description": schema.StringAttribute{Optional: true, MarkdownDescription: "Longer text shown under the name.", Validators: []validator.String{nonEmpty()}},
					"default": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false),
						MarkdownDescription: "Whether the option is preselected. At most one profile. Default `false`."},
					"image":         schema.StringAttribute{Optional: true, MarkdownDescription: "Image for this profile, overriding `image`.", Validators: []validator.String{checkString(validate.ImageRef)}},
					"cpu_guarantee": schema.Float64Attribute{Optional: true, MarkdownDescription: "CPU cores reserved, e.g. `0.5`.", Validators: []validator.Float64{float64validator.AtLeast(0.001)}},
					"cpu_limit":     schema.Float64Attribute{Optional: true, MarkdownDescription: "CPU cores the server may use at most, e.g. `2`.", Validators: []validator.Float64{float64validator.AtLeast(0.001)}},
					"memory_guarantee": schema.StringAttribute{Optional: true, MarkdownDescription: "Memory reserved, e.g. `\"1G\"` or `\"1Gi\"`.",
						Validators: []validator.String{checkString(validate.Memory)}},
					"memory_limit": schema.StringAttribute{Optional: true, MarkdownDescription: "Memory the server may use at most, e.g. `\"4G\"`.",
						Validators: []validator.String{checkString(validate.Memory)}},
					"node_selector": schema.MapAttribute{Optional: true, ElementType: types.StringType,
						MarkdownDescription: "Node labels the server must run on, e.g. `{ \"cloud.google.com/gke-nodepool\" = \"highmem\" }`.", Validators: labelMapValidators()},
					"gpu": schema.SingleNestedAttribute{
						Optional:            true,
						MarkdownDescription: "GPUs for the server, and where such nodes are.",
						Attributes: map[string]schema.Attribute{
							"count":    schema.Int64Attribute{Required: true, MarkdownDescription: "Number of GPUs, e.g. `1`.", Validators: []validator.Int64{int64validator.AtLeast(1)}},
							"resource": schema.StringAttribute{Optional: true, MarkdownDescription: "Extended resource name; default `\"nvidia.com/gpu\"`.", Validators: []validator.String{checkString(validate.ExtendedResource)}},
							"node_selector": schema.MapAttribute{Optional: true, ElementType: types.StringType,
								MarkdownDescription: "Labels of GPU nodes, e.g. `{ \"cloud.google.com/gke-accelerator\" = \"nvidia-tesla-t4\" }`.", Validators: labelMapValidators()},
							"tolerations": tolerationsAttribute("Tolerations for tainted GPU nodes, e.g. `[{ key = \"nvidia.com/gpu\", value = \"present\", effect = \"NoSchedule\" }]`."),
						},
					},
					"image_choices": schema.ListNestedAttribute{
						Optional:            true,
						MarkdownDescription: "A menu of images within the profile. Conflicts with the profile's `image`.",
						Validators:          []validator.List{listvalidator.SizeAtLeast(1)},
						NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
							"display_name": schema.StringAttribute{Required: true, MarkdownDescription: "Name shown in the menu.", Validators: []validator.String{nonEmpty()}},
							"slug": schema.StringAttribute{Optional: true, MarkdownDescription: "Stable identifier; default derived from `display_name`.",
								Validators: []validator.String{stringvalidator.RegexMatches(regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?$`), "must be lower-case letters, digits and dashes")}},
							"image": schema.StringAttribute{Required: true, MarkdownDescription: "Image reference with a tag or digest.", Validators: []validator.String{checkString(validate.ImageRef)}},
							"default": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false),
								MarkdownDescription: "Whether this image is preselected. Default `false`."},
						}},
					},
				})},
			},
			"storage": schema.SingleNestedAttribute{
				Optional:            true,
				MarkdownDescription: "Where users' home directories live. Default (unset): the chart's dynamic 10Gi claim per user in the default StorageClass.",
				Attributes: map[string]schema.Attribute{
					"type": schema.StringAttribute{
						Required: true,
						MarkdownDescription: "`\"dynamic\"`: a PersistentVolumeClaim per user (`capacity`, `storage_class`); `\"shared\"`: one existing claim, " +
							"a directory per user (`claim_name`, `sub_path`); `\"nfs\"`: an NFS export, a directory per user (`nfs_server`, `nfs_path`, `sub_path`); `\"none\"`: no persistent home.",
						Validators: []validator.String{stringvalidator.OneOf("dynamic", "shared", "nfs", "none")},
					},
					"capacity":      schema.StringAttribute{Optional: true, MarkdownDescription: "Size of each user's claim, e.g. `\"10Gi\"`.", Validators: []validator.String{checkString(validate.Storage)}},
					"storage_class": schema.StringAttribute{Optional: true, MarkdownDescription: "StorageClass of users' claims; default the cluster's default class.", Validators: []validator.String{checkString(validate.ObjectName)}},
					"claim_name":    schema.StringAttribute{Optional: true, MarkdownDescription: "Existing claim shared by all users, for type `\"shared\"`.", Validators: []validator.String{checkString(validate.ObjectName)}},
					"nfs_server":    schema.StringAttribute{Optional: true, MarkdownDescription: "NFS server address, for type `\"nfs\"`, e.g. a Filestore IP.", Validators: []validator.String{checkString(validate.HostOrIP)}},
					"nfs_path":      schema.StringAttribute{Optional: true, MarkdownDescription: "Exported path on the NFS server, e.g. `\"/homes\"`.", Validators: []validator.String{checkString(validate.AbsolutePath)}},
					"sub_path":      schema.StringAttribute{Optional: true, MarkdownDescription: "Each user's directory in a shared volume; default `\"{username}\"`.", Validators: []validator.String{checkString(validate.SubPath)}},
					"mount_path":    schema.StringAttribute{Optional: true, MarkdownDescription: "Where the home directory is mounted; default `\"/home/jovyan\"`.", Validators: []validator.String{checkString(validate.AbsolutePath)}},
				},
			},
			"admin_users": schema.SetAttribute{
				Optional:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "User names with admin rights on the hub, e.g. `[\"ada\"]`.",
				Validators:          []validator.Set{setvalidator.ValueStringsAre(nonEmpty())},
			},
			"allowed_users": schema.SetAttribute{
				Optional:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "User names allowed to log in (with an authenticator that checks it).",
				Validators:          []validator.Set{setvalidator.ValueStringsAre(nonEmpty())},
			},
			"node_purpose": schema.SingleNestedAttribute{
				Optional: true,
				MarkdownDescription: "How strictly pods follow the `hub.jupyter.org/node-purpose` node label: `\"require\"`, `\"prefer\"` " +
					"(the chart's default) or `\"ignore\"`. Core pods (hub, proxy) look for `core` nodes, user servers for `user` nodes.",
				Attributes: map[string]schema.Attribute{
					"core": schema.StringAttribute{Optional: true, MarkdownDescription: "For the hub and proxy.", Validators: []validator.String{stringvalidator.OneOf("ignore", "prefer", "require")}},
					"user": schema.StringAttribute{Optional: true, MarkdownDescription: "For user servers.", Validators: []validator.String{stringvalidator.OneOf("ignore", "prefer", "require")}},
				},
			},
			"auth": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Who may log in: the `hub_config` of a `twoi2chub_auth`, e.g. `auth = twoi2chub_auth.github.hub_config`. " +
					"It is merged over the typed attributes and under `extra_values`. Changing the auth upgrades the hub; a new client " +
					"secret restarts it. Without it, the chart's `dummy` authenticator lets anyone in (the plan warns).",
				Validators: []validator.String{jsonObjectValidator{}},
			},
			"extra_values": schema.StringAttribute{
				CustomType: YAMLType{},
				Optional:   true,
				MarkdownDescription: "Further chart values as YAML or JSON (use `yamlencode({...})`), deep-merged over everything " +
					"the typed attributes set; lists are replaced, not merged. Validated against the chart's schema at plan. " +
					"Reformatting does not count as a change. Do not put secrets here: it is stored in state and shown in plans; " +
					"give them in the write-only `secret_values_wo` or a Secret named by `secret_values_ref`.",
				Validators: []validator.String{yamlMappingValidator{}},
			},
			"delete_user_data": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
				MarkdownDescription: "Whether destroying the hub also deletes users' home directories and the hub database " +
					"(their PersistentVolumeClaims), and then the namespace if the provider created it. Default `false`: " +
					"they are kept, and a re-created hub finds them again. Set to `true` and apply before destroying.",
			},
			"timeouts": timeouts.Attributes(ctx, timeouts.Opts{Create: true, Update: true, Delete: true,
				CreateDescription: "How long to wait for the hub and proxy to become available on create (default `10m`).",
				UpdateDescription: "How long to wait for an upgrade to become available before rolling it back (default `10m`).",
				DeleteDescription: "How long to wait for the release's objects to be removed (default `5m`).",
			}),
			"url": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Where people reach the hub, e.g. `\"https://hub.example.org/\"`; null without a domain or an external address.",
			},
			"health_check_url": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "JupyterHub's health endpoint under `url`, e.g. `\"https://hub.example.org/hub/health\"`: it answers 200 without logging in " +
					"while the hub runs, for a cloud uptime check (`google_monitoring_uptime_check_config`, `aws_route53_health_check`, " +
					"`azurerm_application_insights_standard_web_test`). Null when `url` is.",
			},
			"release_revision": schema.Int64Attribute{Computed: true, MarkdownDescription: "Revision of the Helm release; grows with each upgrade."},
			"app_version":      schema.StringAttribute{Computed: true, MarkdownDescription: "JupyterHub version the chart deploys (the chart's `appVersion`)."},
			"status": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Helm status of the release's latest revision: `\"deployed\"` after a successful apply; anything else is repaired by the next apply.",
			},
			"values_checksum": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "SHA-256 of the chart values the settings render (the values themselves are not stored in state). " +
					"It changes when the settings change, and when the deployed values were changed outside Terraform.",
			},
		},
	}
	// Attributes of other concerns, each in its hub_schema_<concern>.go.
	addHubAttributes(resp.Schema.Attributes, hubAddressAttributes(), hubImageAttributes(), hubBrandingAttributes(), hubSecretValuesAttributes(), hubSecurityAttributes(),
		hubLimitsAttributes(), hubServerAttributes(), hubCloudAttributes(), hubCostLabelAttributes())
}

// addHubAttributes adds a concern's attributes to the hub's schema.
func addHubAttributes(to map[string]schema.Attribute, concerns ...map[string]schema.Attribute) {
	for _, c := range concerns {
		for name, a := range c {
			if _, dup := to[name]; dup {
				panic("twoi2chub_hub attribute " + name + " defined twice")
			}
			to[name] = a
		}
	}
}
