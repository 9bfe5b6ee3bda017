package provider

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/hubactivity"
	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/validate"
)

var _ datasource.DataSourceWithConfigure = &HubActivityDataSource{}

// HubActivityDataSource is twoi2chub_hub_activity: a hub's users and servers
// read from its REST API (see hubactivity).
type HubActivityDataSource struct {
	data *providerData
}

// NewHubActivityDataSource is the constructor the provider registers.
func NewHubActivityDataSource() datasource.DataSource { return &HubActivityDataSource{} }

type hubActivityModel struct {
	Namespace      types.String     `tfsdk:"namespace"`
	HubURL         types.String     `tfsdk:"hub_url"`
	TokenSecret    types.String     `tfsdk:"token_secret"`
	TokenKey       types.String     `tfsdk:"token_key"`
	MaxAge         types.String     `tfsdk:"max_age"`
	Users          types.Int64      `tfsdk:"users"`
	Admins         []string         `tfsdk:"admins"`
	Active24h      types.Int64      `tfsdk:"active_users_24h"`
	Active7d       types.Int64      `tfsdk:"active_users_7d"`
	Active30d      types.Int64      `tfsdk:"active_users_30d"`
	RunningServers types.Int64      `tfsdk:"running_servers"`
	PastMaxAge     []oldServerModel `tfsdk:"servers_past_max_age"`
}

type oldServerModel struct {
	Name    string `tfsdk:"name"`
	User    string `tfsdk:"user"`
	Started string `tfsdk:"started"`
}

func (d *HubActivityDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_hub_activity"
}

const defaultMaxAge = "24h"

func (d *HubActivityDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A hub's users and servers, read from JupyterHub's REST API at each plan: how many people use it, who is an admin, " +
			"which servers run and which have run longer than `max_age` (forgotten servers cost money; servers running for days can be abuse such " +
			"as crypto-mining). Use it in `check` blocks to be warned at each plan.\n\n" +
			"It reads with the token of a JupyterHub service that may only list and read users and their servers (`list:users`, `read:users`, " +
			"`read:servers`), taken at each read from a Kubernetes Secret of the hub's namespace, so the token is never in state. Every `twoi2chub_hub` " +
			"declares that service; the chart generates its token. It reaches the hub at `hub_url`: not through the Kubernetes API server's service " +
			"proxy, since the API server removes the `Authorization` header, the only place JupyterHub's REST API takes a token from.",
		Attributes: map[string]schema.Attribute{
			"namespace": schema.StringAttribute{Required: true, MarkdownDescription: "Namespace of the hub, e.g. `twoi2chub_hub.this.namespace`.",
				Validators: []validator.String{checkString(validate.Namespace)}},
			"hub_url": schema.StringAttribute{Required: true,
				MarkdownDescription: "Where the hub answers, e.g. `twoi2chub_hub.this.url` (`\"https://hub.example.org/\"`); `/hub/api/` is added.",
				Validators:          []validator.String{stringvalidator.RegexMatches(regexp.MustCompile(`^https?://[^\s]+$`), "must be an http(s):// URL")}},
			"token_secret": schema.StringAttribute{Optional: true,
				MarkdownDescription: "Secret of `namespace` holding the service's token. Default `\"hub\"`, where zero-to-jupyterhub keeps the tokens of the services it declares.",
				Validators:          []validator.String{checkString(validate.ObjectName)}},
			"token_key": schema.StringAttribute{Optional: true,
				MarkdownDescription: "Key of the token in `token_secret`. Default `\"" + hubactivity.TokenKey + "\"`.", Validators: []validator.String{nonEmpty()}},
			"max_age": schema.StringAttribute{Optional: true,
				MarkdownDescription: "Servers started longer ago than this are listed in `servers_past_max_age`, e.g. `\"8h\"`. Default `\"" + defaultMaxAge + "\"`.",
				Validators:          []validator.String{checkString(goDuration)}},
			"users":            schema.Int64Attribute{Computed: true, MarkdownDescription: "Number of users the hub knows."},
			"admins":           schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "Names of the admin users, sorted."},
			"active_users_24h": schema.Int64Attribute{Computed: true, MarkdownDescription: "Users active in the last 24 hours."},
			"active_users_7d":  schema.Int64Attribute{Computed: true, MarkdownDescription: "Users active in the last 7 days."},
			"active_users_30d": schema.Int64Attribute{Computed: true, MarkdownDescription: "Users active in the last 30 days."},
			"running_servers":  schema.Int64Attribute{Computed: true, MarkdownDescription: "Servers running (or starting) now."},
			"servers_past_max_age": schema.ListNestedAttribute{Computed: true, MarkdownDescription: "Servers started more than `max_age` ago, oldest first.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"name":    schema.StringAttribute{Computed: true, MarkdownDescription: "`user` for a default server, `user/server` for a named one."},
					"user":    schema.StringAttribute{Computed: true, MarkdownDescription: "The user."},
					"started": schema.StringAttribute{Computed: true, MarkdownDescription: "When it started, RFC 3339."},
				}}},
		},
	}
}

func goDuration(s string) error {
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return fmt.Errorf("%q is not a duration: write e.g. \"8h\", \"90m\" or \"72h\"", s)
	}
	return nil
}

func (d *HubActivityDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *HubActivityDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m hubActivityModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	client, err := d.data.conn.Clientset()
	if err != nil {
		addConnectionError(&resp.Diagnostics, d.data.conn, err)
		return
	}
	ns := m.Namespace.ValueString()
	secretName, key := orDefault(m.TokenSecret.ValueString(), "hub"), orDefault(m.TokenKey.ValueString(), hubactivity.TokenKey)
	secret, err := client.CoreV1().Secrets(ns).Get(ctx, secretName, metav1.GetOptions{})
	if err != nil {
		addAttrError(&resp.Diagnostics, path.Root("token_secret"), "Cannot read the hub's API token",
			fmt.Sprintf("Reading Secret %s/%s: %v. The twoi2chub_hub resource provisions the token; check namespace and token_secret.", ns, secretName, err))
		return
	}
	token := string(secret.Data[key])
	if token == "" {
		addAttrError(&resp.Diagnostics, path.Root("token_key"), "No API token in the Secret",
			fmt.Sprintf("Secret %s/%s has no key %q. Apply the twoi2chub_hub resource of this namespace (it provisions the %s service), or set token_key.",
				ns, secretName, key, hubactivity.ServiceName))
		return
	}
	get := hubactivity.HTTPGetter(m.HubURL.ValueString(), token, http.DefaultTransport)
	users, err := hubactivity.FetchUsers(ctx, get)
	if err != nil {
		addAttrError(&resp.Diagnostics, path.Root("hub_url"), "Cannot read the hub's users",
			fmt.Sprintf("Reading the hub's REST API at %s: %v.", m.HubURL.ValueString(), err))
		return
	}
	maxAge, _ := time.ParseDuration(orDefault(m.MaxAge.ValueString(), defaultMaxAge))
	s := hubactivity.Summarize(users, time.Now(), maxAge)
	m.Users, m.Admins = types.Int64Value(int64(s.Users)), s.Admins
	m.Active24h, m.Active7d, m.Active30d = types.Int64Value(int64(s.Active24h)), types.Int64Value(int64(s.Active7d)), types.Int64Value(int64(s.Active30d))
	m.RunningServers = types.Int64Value(int64(s.RunningServers))
	m.PastMaxAge = []oldServerModel{}
	for _, o := range s.PastMaxAge {
		m.PastMaxAge = append(m.PastMaxAge, oldServerModel{Name: o.Name(), User: o.User, Started: o.Started.UTC().Format(time.RFC3339)})
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
