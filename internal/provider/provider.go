// Package provider holds the Terraform schema and CRUD glue of the twoi2chub
// provider. The logic lives in domain packages under internal/; files here
// translate between Terraform values and those packages.
package provider

import (
	"context"
	"fmt"
	"os"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	"k8s.io/client-go/rest"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/kubeconn"
	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/release"
)

// Address is the provider's registry address.
const Address = "registry.terraform.io/2i2c-org/twoi2chub"

var _ provider.Provider = &Twoi2chubProvider{}

// Twoi2chubProvider is the provider implementation.
type Twoi2chubProvider struct {
	version string
	// configHook, when set, adjusts the Kubernetes client config (tests count
	// API requests with it).
	configHook func(rest.Config) rest.Config
	// charts, when set, is the chart cache to use (tests count downloads).
	charts *release.ChartCache
}

type providerModel struct {
	// Kubernetes is an object, not a struct pointer: a cluster module's whole
	// connection output may be unknown during plan.
	Kubernetes types.Object `tfsdk:"kubernetes"`
	GKE        types.Object `tfsdk:"gke"` // provider_gke.go
	// ChartRepositories is a list, not a struct slice, for the same reason.
	ChartRepositories types.List `tfsdk:"chart_repositories"`
}

type chartRepositoryModel struct {
	URL           types.String `tfsdk:"url"`
	Username      types.String `tfsdk:"username"`
	Password      types.String `tfsdk:"password"`
	CACertificate types.String `tfsdk:"ca_certificate"`
}

type kubernetesModel struct {
	Host                  types.String `tfsdk:"host"`
	Username              types.String `tfsdk:"username"`
	Password              types.String `tfsdk:"password"`
	Token                 types.String `tfsdk:"token"`
	Insecure              types.Bool   `tfsdk:"insecure"`
	TLSServerName         types.String `tfsdk:"tls_server_name"`
	ClientCertificate     types.String `tfsdk:"client_certificate"`
	ClientKey             types.String `tfsdk:"client_key"`
	ClusterCACertificate  types.String `tfsdk:"cluster_ca_certificate"`
	ConfigPath            types.String `tfsdk:"config_path"`
	ConfigPaths           types.List   `tfsdk:"config_paths"`
	ConfigContext         types.String `tfsdk:"config_context"`
	ConfigContextAuthInfo types.String `tfsdk:"config_context_auth_info"`
	ConfigContextCluster  types.String `tfsdk:"config_context_cluster"`
	ProxyURL              types.String `tfsdk:"proxy_url"`
	Exec                  types.Object `tfsdk:"exec"`
}

type execModel struct {
	APIVersion types.String `tfsdk:"api_version"`
	Command    types.String `tfsdk:"command"`
	Args       types.List   `tfsdk:"args"`
	Env        types.Map    `tfsdk:"env"`
}

// New returns a constructor for the provider, as providerserver expects.
func New(version string) func() provider.Provider {
	return NewWithConfigHook(version, nil)
}

// NewWithConfigHook is New with a hook that adjusts the Kubernetes client
// config before the client is built (benchmarks log requests with it).
func NewWithConfigHook(version string, hook func(rest.Config) rest.Config) func() provider.Provider {
	return func() provider.Provider { return &Twoi2chubProvider{version: version, configHook: hook} }
}

func (p *Twoi2chubProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "twoi2chub"
	resp.Version = p.version
}

func (p *Twoi2chubProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	pem := []validator.String{pemValidator{}}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Declares a community's JupyterHub stack on Kubernetes: the hub, its user image and its authentication.\n\n" +
			"The `kubernetes` attribute takes the same attributes and environment variables as the `kubernetes` attribute of " +
			"the hashicorp/helm provider 3.x (`kubernetes = { ... }`, an object, not a block), so a cluster module's connection " +
			"output can be passed whole. The provider connects lazily: when the cluster is created in the same apply and these " +
			"values are unknown during plan, the plan still succeeds.\n\n" +
			"Which cluster is used, first match wins: `host` (with credentials) from the attribute or `KUBE_HOST`; a kubeconfig " +
			"from `config_path` / `config_paths` or `KUBE_CONFIG_PATH` / `KUBE_CONFIG_PATHS` (its current context, or " +
			"`config_context`; explicit attributes override what the kubeconfig says); the in-cluster config, when Terraform " +
			"runs inside a pod (`KUBERNETES_SERVICE_HOST` set and the service account mounted). Nothing else: `~/.kube/config` " +
			"is not read unless named, and `localhost` is never guessed.\n\n" +
			"Private chart repositories (a hub's `chart_repository`) take their credentials and CA from `chart_repositories`, " +
			"as the helm provider's `repository_username`, `repository_password` and `repository_ca_file` do. They are provider " +
			"settings because Terraform never stores a provider's configuration in state.",
		Attributes: map[string]schema.Attribute{
			"gke": gkeProviderAttribute(),
			"chart_repositories": schema.ListNestedAttribute{
				Optional: true,
				MarkdownDescription: "Credentials and CAs for private chart repositories, e.g. " +
					"`chart_repositories = [{ url = \"https://charts.example.org/\", username = \"hub-team\", password = var.charts_token }]`. " +
					"A hub whose `chart_repository` starts with an entry's `url` uses that entry (the longest such `url` wins), for HTTP " +
					"repositories (`index.yaml`) and OCI registries (`oci://`) alike. Not stored in state.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"url": schema.StringAttribute{
						Required: true,
						MarkdownDescription: "Address prefix of the repositories the entry is for, e.g. `\"https://charts.example.org/\"` " +
							"or `\"oci://europe-docker.pkg.dev/project/charts\"`.",
						Validators: []validator.String{stringvalidator.RegexMatches(regexp.MustCompile(`^(https?|oci)://[^/\s]+`),
							"must start with https://, http:// or oci:// and a host, e.g. \"https://charts.example.org/\"")},
					},
					"username": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: "User name: HTTP basic auth for an HTTP repository, the registry user for an OCI one (`oauth2accesstoken` for Artifact Registry with a token, `AWS` for ECR).",
						Validators:          []validator.String{stringvalidator.AlsoRequires(path.MatchRelative().AtParent().AtName("password"))},
					},
					"password": schema.StringAttribute{
						Optional:            true,
						Sensitive:           true,
						MarkdownDescription: "Password or token of `username`.",
						Validators:          []validator.String{stringvalidator.AlsoRequires(path.MatchRelative().AtParent().AtName("username"))},
					},
					"ca_certificate": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: "PEM-encoded CA certificate(s) to trust for the repository, besides the system's, e.g. `file(\"charts-ca.pem\")`.",
						Validators:          pem,
					},
				}},
			},
			"kubernetes": schema.SingleNestedAttribute{
				Optional: true,
				MarkdownDescription: "How to reach the Kubernetes cluster, e.g. `kubernetes = { host = ..., cluster_ca_certificate = ..., " +
					"exec = { ... } }`. Each attribute falls back to the environment variable named in its description.",
				Attributes: map[string]schema.Attribute{
					"host": schema.StringAttribute{
						Optional: true,
						MarkdownDescription: "Address of the Kubernetes API server, e.g. `https://34.1.2.3` or a module's endpoint output. " +
							"Falls back to `KUBE_HOST`. Overrides the server of the kubeconfig context when both are set.",
						Validators: []validator.String{hostValidator{}},
					},
					"username": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: "Username for HTTP basic authentication. Falls back to `KUBE_USER`.",
					},
					"password": schema.StringAttribute{
						Optional:            true,
						Sensitive:           true,
						MarkdownDescription: "Password for HTTP basic authentication. Falls back to `KUBE_PASSWORD`.",
					},
					"token": schema.StringAttribute{
						Optional:            true,
						Sensitive:           true,
						MarkdownDescription: "Bearer token, e.g. `data.google_client_config.default.access_token`. Falls back to `KUBE_TOKEN`.",
					},
					"insecure": schema.BoolAttribute{
						Optional:            true,
						MarkdownDescription: "Skip verification of the server's TLS certificate. Only for throwaway clusters. Falls back to `KUBE_INSECURE`. Default `false`.",
					},
					"tls_server_name": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: "Server name to verify the server certificate against, when it differs from `host`. Falls back to `KUBE_TLS_SERVER_NAME`.",
					},
					"client_certificate": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: "PEM-encoded client certificate for TLS authentication. Needs `client_key`. Falls back to `KUBE_CLIENT_CERT_DATA`.",
						Validators:          append([]validator.String{stringvalidator.AlsoRequires(path.MatchRelative().AtParent().AtName("client_key"))}, pem...),
					},
					"client_key": schema.StringAttribute{
						Optional:            true,
						Sensitive:           true,
						MarkdownDescription: "PEM-encoded private key of `client_certificate`. Falls back to `KUBE_CLIENT_KEY_DATA`.",
						Validators:          append([]validator.String{stringvalidator.AlsoRequires(path.MatchRelative().AtParent().AtName("client_certificate"))}, pem...),
					},
					"cluster_ca_certificate": schema.StringAttribute{
						Optional: true,
						MarkdownDescription: "PEM-encoded CA certificate of the API server. Cloud modules often output it base64-encoded: " +
							"pass `base64decode(module.cluster.ca_certificate)`. Falls back to `KUBE_CLUSTER_CA_CERT_DATA`.",
						Validators: pem,
					},
					"config_path": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: "Path to a kubeconfig file, e.g. `~/.kube/config`. Falls back to `KUBE_CONFIG_PATH`.",
						Validators:          []validator.String{stringvalidator.ConflictsWith(path.MatchRelative().AtParent().AtName("config_paths"))},
					},
					"config_paths": schema.ListAttribute{
						Optional:            true,
						ElementType:         types.StringType,
						MarkdownDescription: "Paths to kubeconfig files merged in order, as `KUBECONFIG` does. Falls back to `KUBE_CONFIG_PATHS`.",
						Validators:          []validator.List{listvalidator.SizeAtLeast(1)},
					},
					"config_context": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: "Kubeconfig context to use instead of its current context. Falls back to `KUBE_CTX`.",
					},
					"config_context_auth_info": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: "Kubeconfig user to use instead of the context's. Falls back to `KUBE_CTX_AUTH_INFO`.",
					},
					"config_context_cluster": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: "Kubeconfig cluster to use instead of the context's. Falls back to `KUBE_CTX_CLUSTER`.",
					},
					"proxy_url": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: "URL of an HTTP proxy to the API server. Falls back to `KUBE_PROXY_URL`.",
					},
					"exec": schema.SingleNestedAttribute{
						Optional: true,
						MarkdownDescription: "A client-go credential plugin that prints a token, as cloud CLIs provide: " +
							"`gke-gcloud-auth-plugin`, `aws eks get-token --cluster-name NAME`, `kubelogin get-token ...`.",
						Attributes: map[string]schema.Attribute{
							"api_version": schema.StringAttribute{
								Required:            true,
								MarkdownDescription: "API version of the plugin's ExecCredential, `client.authentication.k8s.io/v1` or `client.authentication.k8s.io/v1beta1`.",
								Validators: []validator.String{stringvalidator.OneOf(
									"client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1")},
							},
							"command": schema.StringAttribute{
								Required:            true,
								MarkdownDescription: "The plugin command, found on `PATH` or given as a path, e.g. `\"gke-gcloud-auth-plugin\"`.",
							},
							"args": schema.ListAttribute{
								Optional:            true,
								ElementType:         types.StringType,
								MarkdownDescription: "Arguments of the plugin command.",
							},
							"env": schema.MapAttribute{
								Optional:            true,
								ElementType:         types.StringType,
								MarkdownDescription: "Extra environment variables for the plugin.",
							},
						},
					},
				},
			},
		},
	}
}

func (p *Twoi2chubProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	settings, unknown, d := kubernetesSettings(ctx, cfg.Kubernetes)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	settings = settings.WithEnvDefaults(os.LookupEnv)
	conn := kubeconn.NewConnection(settings, unknown)
	if p.configHook != nil {
		conn.WithConfigHook(p.configHook)
	}
	if len(unknown) > 0 {
		tflog.Info(ctx, "Kubernetes connection settings not known yet; connecting is deferred", map[string]any{"unknown": unknown})
	}
	repositories, d := chartRepositories(ctx, cfg.ChartRepositories)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	charts := p.charts
	if charts == nil {
		charts = &release.ChartCache{Dir: release.DefaultCacheDir(), Repositories: repositories,
			Warnf: func(ctx context.Context, format string, args ...any) { tflog.Warn(ctx, fmt.Sprintf(format, args...)) }}
	}
	gke, d := gkeFromConfig(ctx, cfg.GKE)
	resp.Diagnostics.Append(d...)
	data := &providerData{conn: conn, charts: charts, version: p.version, gke: gke}
	resp.DataSourceData = data
	resp.ResourceData = data
}

// kubernetesSettings converts the `kubernetes` attribute into kubeconn.Settings
// and lists the attributes whose values are unknown (cluster created in the
// same apply). A wholly unknown object counts as every attribute unknown.
func kubernetesSettings(ctx context.Context, obj types.Object) (kubeconn.Settings, []string, diag.Diagnostics) {
	var s kubeconn.Settings
	var diags diag.Diagnostics
	if obj.IsNull() {
		return s, nil, nil
	}
	if obj.IsUnknown() {
		return s, []string{"kubernetes"}, nil
	}
	var k kubernetesModel
	if diags = obj.As(ctx, &k, basetypes.ObjectAsOptions{}); diags.HasError() {
		return s, nil, diags
	}
	var unknown []string
	str := func(name string, v types.String, dst *string) {
		if v.IsUnknown() {
			unknown = append(unknown, "kubernetes."+name)
			return
		}
		*dst = v.ValueString()
	}
	strList := func(name string, v types.List) []string {
		if v.IsUnknown() {
			unknown = append(unknown, "kubernetes."+name)
			return nil
		}
		var out []string
		for _, e := range v.Elements() {
			if sv, ok := e.(types.String); ok {
				if sv.IsUnknown() {
					unknown = append(unknown, "kubernetes."+name)
					return nil
				}
				out = append(out, sv.ValueString())
			}
		}
		return out
	}
	str("host", k.Host, &s.Host)
	str("username", k.Username, &s.Username)
	str("password", k.Password, &s.Password)
	str("token", k.Token, &s.Token)
	str("tls_server_name", k.TLSServerName, &s.TLSServerName)
	str("client_certificate", k.ClientCertificate, &s.ClientCertificate)
	str("client_key", k.ClientKey, &s.ClientKey)
	str("cluster_ca_certificate", k.ClusterCACertificate, &s.ClusterCACertificate)
	str("config_context", k.ConfigContext, &s.ConfigContext)
	str("config_context_auth_info", k.ConfigContextAuthInfo, &s.ConfigContextAuthInfo)
	str("config_context_cluster", k.ConfigContextCluster, &s.ConfigContextCluster)
	str("proxy_url", k.ProxyURL, &s.ProxyURL)
	if k.Insecure.IsUnknown() {
		unknown = append(unknown, "kubernetes.insecure")
	} else {
		s.Insecure = k.Insecure.ValueBool()
	}
	var one string
	str("config_path", k.ConfigPath, &one)
	if one != "" {
		s.ConfigPaths = []string{one}
	}
	if paths := strList("config_paths", k.ConfigPaths); len(paths) > 0 {
		s.ConfigPaths = paths
	}
	switch {
	case k.Exec.IsUnknown():
		unknown = append(unknown, "kubernetes.exec")
	case !k.Exec.IsNull():
		var e execModel
		if diags = k.Exec.As(ctx, &e, basetypes.ObjectAsOptions{}); diags.HasError() {
			return s, nil, diags
		}
		s.Exec = &kubeconn.ExecSettings{Env: map[string]string{}}
		str("exec.api_version", e.APIVersion, &s.Exec.APIVersion)
		str("exec.command", e.Command, &s.Exec.Command)
		s.Exec.Args = strList("exec.args", e.Args)
		if e.Env.IsUnknown() {
			unknown = append(unknown, "kubernetes.exec.env")
		} else {
			for key, v := range e.Env.Elements() {
				if sv, ok := v.(types.String); ok {
					if sv.IsUnknown() {
						unknown = append(unknown, "kubernetes.exec.env")
						continue
					}
					s.Exec.Env[key] = sv.ValueString()
				}
			}
		}
	}
	return s, unknown, nil
}

// chartRepositories converts `chart_repositories`. An entry whose url is not
// known yet is left out; one whose credentials are not known yet is kept,
// marked, so a chart from it says so instead of failing to authenticate.
func chartRepositories(ctx context.Context, list types.List) ([]release.RepositoryCredentials, diag.Diagnostics) {
	var diags diag.Diagnostics
	if list.IsNull() || list.IsUnknown() {
		return nil, nil
	}
	var entries []chartRepositoryModel
	if diags = list.ElementsAs(ctx, &entries, false); diags.HasError() {
		return nil, diags
	}
	var out []release.RepositoryCredentials
	seen := map[string]int{}
	for i, e := range entries {
		if e.URL.IsUnknown() {
			tflog.Info(ctx, "a chart_repositories url is not known yet; that entry is not used during plan", map[string]any{"index": i})
			continue
		}
		u := e.URL.ValueString()
		if j, dup := seen[u]; dup {
			addAttrError(&diags, path.Root("chart_repositories").AtListIndex(i).AtName("url"), "Repository listed twice",
				fmt.Sprintf("chart_repositories[%d] and [%d] both have url %q: merge them into one entry.", j, i, u))
			continue
		}
		seen[u] = i
		out = append(out, release.RepositoryCredentials{
			URL: u, Username: e.Username.ValueString(), Password: e.Password.ValueString(), CACertificate: e.CACertificate.ValueString(),
			Unknown: e.Username.IsUnknown() || e.Password.IsUnknown() || e.CACertificate.IsUnknown(),
		})
	}
	return out, diags
}

func (p *Twoi2chubProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewHubResource,
		NewAuthResource,
		NewUserImageResource,
		NewClusterSupportResource,
	}
}

func (p *Twoi2chubProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewClusterDataSource,
		NewHubActivityDataSource,
	}
}
