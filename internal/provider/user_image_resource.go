package provider

import (
	"context"
	"fmt"
	"regexp"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/authstore"
	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/imagebuild"
	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/validate"
)

var (
	_ resource.ResourceWithConfigure  = &UserImageResource{}
	_ resource.ResourceWithModifyPlan = &UserImageResource{}
)

// UserImageResource is twoi2chub_user_image: a community's environment image
// built with repo2docker from a Binder-style repository.
type UserImageResource struct {
	data *providerData
}

// NewUserImageResource is the constructor the provider registers.
func NewUserImageResource() resource.Resource { return &UserImageResource{} }

const defaultBuildNamespace = "twoi2chub-builds"

type userImageModel struct {
	ID                   types.String   `tfsdk:"id"`
	Repository           types.String   `tfsdk:"repository"`
	Ref                  types.String   `tfsdk:"ref"`
	Subpath              types.String   `tfsdk:"subpath"`
	Image                types.String   `tfsdk:"image"`
	Builder              types.Object   `tfsdk:"builder"`
	BuildArgs            types.List     `tfsdk:"build_args"`
	Triggers             types.Map      `tfsdk:"triggers"`
	DeleteImageOnDestroy types.Bool     `tfsdk:"delete_image_on_destroy"`
	Timeouts             timeouts.Value `tfsdk:"timeouts"`

	Commit         types.String `tfsdk:"commit"`
	Tag            types.String `tfsdk:"tag"`
	ImageRef       types.String `tfsdk:"image_ref"`
	Digest         types.String `tfsdk:"digest"`
	ImageDigestRef types.String `tfsdk:"image_digest_ref"`
}

type builderModel struct {
	Repo2DockerImage types.String `tfsdk:"repo2docker_image"`
	Namespace        types.String `tfsdk:"namespace"`
	NodeSelector     types.Map    `tfsdk:"node_selector"`
	Tolerations      types.List   `tfsdk:"tolerations"`
	CPU              types.String `tfsdk:"cpu"`
	Memory           types.String `tfsdk:"memory"`
	PushSecret       types.String `tfsdk:"push_secret"`
	Docker           types.String `tfsdk:"docker"`
	DindImage        types.String `tfsdk:"dind_image"`
	DockerSocket     types.String `tfsdk:"docker_socket"`
}

var builderAttrTypes = map[string]attr.Type{
	"repo2docker_image": types.StringType, "namespace": types.StringType, "node_selector": stringMapType,
	"tolerations": types.ListType{ElemType: tolerationType}, "cpu": types.StringType, "memory": types.StringType,
	"push_secret": types.StringType, "docker": types.StringType, "dind_image": types.StringType, "docker_socket": types.StringType,
}

func (r *UserImageResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_user_image"
}

func (r *UserImageResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *UserImageResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A community's user environment image, built Binder-style by " +
			"[repo2docker](https://repo2docker.readthedocs.io) from a git repository (`environment.yml`, `requirements.txt`, `apt.txt`, ...), " +
			"pushed to a registry, and handed to a hub as `image_digest_ref`.\n\n" +
			"The branch or tag is resolved to a commit during plan (by listing the remote's references, nothing is cloned), so a new " +
			"commit on a tracked branch shows as a change. The image tag is derived from the repository, subpath, commit and build " +
			"settings, as BinderHub names images. When the registry already has that tag nothing is built; otherwise apply runs a " +
			"build Job in the cluster (repo2docker with a Docker-in-Docker sidecar, or the node's Docker, pushing with `builder.push_secret`), follows it, and " +
			"on failure reports the end of the build log. One Job builds a tag: a second apply waits for it instead of starting another.\n\n" +
			"Destroying the resource leaves the image in the registry unless `delete_image_on_destroy = true`.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "`<image>:<tag>`."},
			"repository": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Git URL of the environment repository, e.g. `\"https://github.com/2i2c-org/hackweek-env\"`.",
				Validators: []validator.String{stringvalidator.RegexMatches(regexp.MustCompile(`^(https?|git|ssh|file)://\S+$`),
					"must be a git URL such as https://github.com/org/repo")},
			},
			"ref": schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString("HEAD"),
				MarkdownDescription: "Branch, tag, or full commit hash to build. Default `\"HEAD\"`, the default branch. A branch is followed: each plan resolves it again.",
				Validators:          []validator.String{nonEmpty()},
			},
			"subpath": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Directory of the repository holding the environment files, e.g. `\"binder\"` (repo2docker `--subdir`).",
				Validators:          []validator.String{checkString(validate.SubPath)},
			},
			"image": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "Image name to push to, without tag: Artifact Registry (`\"us-central1-docker.pkg.dev/project/hub/env\"`), " +
					"ECR, ACR, GHCR, Quay or any OCI registry.",
				Validators: []validator.String{checkString(validate.ImageName)},
			},
			"builder": schema.SingleNestedAttribute{
				Optional:            true,
				MarkdownDescription: "Where and how the build Job runs.",
				Attributes: map[string]schema.Attribute{
					"repo2docker_image": schema.StringAttribute{Optional: true,
						MarkdownDescription: "repo2docker image; default `\"" + imagebuild.DefaultRepo2DockerImage + "\"`.", Validators: []validator.String{checkString(validate.ImageRef)}},
					"namespace": schema.StringAttribute{Optional: true,
						MarkdownDescription: "Namespace of build Jobs (created if missing); default `\"" + defaultBuildNamespace + "\"`.", Validators: []validator.String{checkString(validate.Namespace)}},
					"node_selector": schema.MapAttribute{Optional: true, ElementType: types.StringType,
						MarkdownDescription: "Node labels for build pods, e.g. `{ \"hub.jupyter.org/node-purpose\" = \"user\" }`.", Validators: labelMapValidators()},
					"tolerations": schema.ListNestedAttribute{
						Optional:            true,
						MarkdownDescription: "Tolerations of build pods.",
						NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
							"key":      schema.StringAttribute{Required: true, MarkdownDescription: "Taint key.", Validators: []validator.String{checkString(validate.LabelKey)}},
							"operator": schema.StringAttribute{Optional: true, MarkdownDescription: "`\"Equal\"` or `\"Exists\"`.", Validators: []validator.String{stringvalidator.OneOf("Equal", "Exists")}},
							"value":    schema.StringAttribute{Optional: true, MarkdownDescription: "Taint value."},
							"effect":   schema.StringAttribute{Optional: true, MarkdownDescription: "Taint effect.", Validators: []validator.String{stringvalidator.OneOf("NoSchedule", "PreferNoSchedule", "NoExecute")}},
						}},
					},
					"cpu": schema.StringAttribute{Optional: true,
						MarkdownDescription: "CPU requested by a build: cores, e.g. `\"2\"` or `\"0.5\"`, or millicores, e.g. `\"500m\"`.", Validators: []validator.String{checkString(validate.CPU)}},
					"memory": schema.StringAttribute{Optional: true,
						MarkdownDescription: "Memory requested and allowed for a build, e.g. `\"8Gi\"` or `\"8G\"`.", Validators: []validator.String{checkString(validate.Memory)}},
					"push_secret": schema.StringAttribute{Optional: true,
						MarkdownDescription: "A `kubernetes.io/dockerconfigjson` Secret in the builder namespace with push credentials for the registry. " +
							"The provider reads it too, to check the registry for the image.", Validators: []validator.String{checkString(validate.ObjectName)}},
					"docker": schema.StringAttribute{Optional: true,
						MarkdownDescription: "Which Docker daemon builds: `\"sidecar\"` (default), a Docker-in-Docker daemon in the build pod (privileged; works on " +
							"containerd-only nodes, the default of GKE, EKS and AKS), or `\"host\"`, the node's own Docker socket.",
						Validators: []validator.String{stringvalidator.OneOf(imagebuild.DockerSidecar, imagebuild.DockerHost)}},
					"dind_image": schema.StringAttribute{Optional: true,
						MarkdownDescription: "Docker-in-Docker image of the sidecar; default `\"" + imagebuild.DefaultDindImage + "\"`.", Validators: []validator.String{checkString(validate.ImageRef)}},
					"docker_socket": schema.StringAttribute{Optional: true,
						MarkdownDescription: "With `docker = \"host\"`, the Docker socket on build nodes; default `\"/var/run/docker.sock\"`.", Validators: []validator.String{checkString(validate.AbsolutePath)}},
				},
			},
			"build_args": schema.ListAttribute{
				Optional: true, ElementType: types.StringType,
				MarkdownDescription: "Extra repo2docker arguments, e.g. `[\"--build-memory-limit\", \"4G\"]`. They are part of the image tag.",
			},
			"triggers": schema.MapAttribute{
				Optional: true, ElementType: types.StringType,
				MarkdownDescription: "Any values whose change should give a new image although the commit did not change, e.g. `{ base = \"2025-01\" }`.",
			},
			"delete_image_on_destroy": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "Whether destroying the resource deletes the image from the registry. Default `false`: the image stays, and hubs using it keep working.",
			},
			"timeouts": timeouts.Attributes(ctx, timeouts.Opts{Create: true, Update: true,
				CreateDescription: "How long a build may take (default `60m`).", UpdateDescription: "How long a build may take (default `60m`)."}),
			"commit":           schema.StringAttribute{Computed: true, MarkdownDescription: "The commit `ref` resolved to during plan."},
			"tag":              schema.StringAttribute{Computed: true, MarkdownDescription: "Image tag derived from repository, subpath, commit and build settings (at most 128 characters)."},
			"image_ref":        schema.StringAttribute{Computed: true, MarkdownDescription: "`<image>:<tag>`."},
			"digest":           schema.StringAttribute{Computed: true, MarkdownDescription: "`sha256:...` digest of the image, read back from the registry."},
			"image_digest_ref": schema.StringAttribute{Computed: true, MarkdownDescription: "`<image>@sha256:...`: what a hub's `image` or profile `image` should use."},
		},
	}
}

// request builds the imagebuild request and builder from known settings.
func (m *userImageModel) request(ctx context.Context, commit string, diags *diag.Diagnostics) (imagebuild.Request, imagebuild.Builder) {
	req := imagebuild.Request{Repository: m.Repository.ValueString(), Commit: commit, Subpath: m.Subpath.ValueString(), Image: m.Image.ValueString()}
	if !m.BuildArgs.IsNull() {
		diags.Append(m.BuildArgs.ElementsAs(ctx, &req.BuildArgs, false)...)
	}
	req.Triggers = stringMap(m.Triggers)
	b := imagebuild.Builder{Namespace: defaultBuildNamespace}
	var bm builderModel
	if !m.Builder.IsNull() && !m.Builder.IsUnknown() {
		diags.Append(m.Builder.As(ctx, &bm, basetypes.ObjectAsOptions{})...)
		if ns := bm.Namespace.ValueString(); ns != "" {
			b.Namespace = ns
		}
		b.Image, b.CPU, b.Memory = bm.Repo2DockerImage.ValueString(), bm.CPU.ValueString(), bm.Memory.ValueString()
		b.PushSecret, b.DockerSocket = bm.PushSecret.ValueString(), bm.DockerSocket.ValueString()
		b.Docker, b.DindImage = bm.Docker.ValueString(), bm.DindImage.ValueString()
		b.NodeSelector = stringMap(bm.NodeSelector)
		if !bm.Tolerations.IsNull() {
			var tols []tolerationModel
			diags.Append(bm.Tolerations.ElementsAs(ctx, &tols, false)...)
			for _, t := range tols {
				b.Tolerations = append(b.Tolerations, corev1.Toleration{Key: t.Key.ValueString(), Operator: corev1.TolerationOperator(t.Operator.ValueString()),
					Value: t.Value.ValueString(), Effect: corev1.TaintEffect(t.Effect.ValueString())})
			}
		}
	}
	return req, b
}

func (r *UserImageResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.data == nil {
		return
	}
	var plan, state userImageModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	creating := req.State.Raw.IsNull()
	if !creating {
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	plan.Commit, plan.Tag, plan.ImageRef, plan.ID = types.StringUnknown(), types.StringUnknown(), types.StringUnknown(), types.StringUnknown()
	plan.Digest, plan.ImageDigestRef = types.StringUnknown(), types.StringUnknown()
	known := true
	for _, v := range []attr.Value{plan.Repository, plan.Ref, plan.Subpath, plan.Image, plan.BuildArgs, plan.Triggers} {
		known = known && whollyKnown(v)
	}
	if known {
		commit, err := imagebuild.ResolveRef(ctx, plan.Repository.ValueString(), plan.Ref.ValueString())
		if err != nil {
			addAttrError(&resp.Diagnostics, path.Root("ref"), "Cannot resolve the ref", err.Error())
			return
		}
		request, _ := plan.request(ctx, commit, &resp.Diagnostics)
		tag := imagebuild.Tag(request)
		plan.Commit, plan.Tag = types.StringValue(commit), types.StringValue(tag)
		plan.ImageRef = types.StringValue(request.Image + ":" + tag)
		plan.ID = plan.ImageRef
		if !creating && state.Tag.ValueString() == tag && state.Image.Equal(plan.Image) {
			plan.Digest, plan.ImageDigestRef = state.Digest, state.ImageDigestRef
		}
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// checkBuilder runs the attribute validators' checks again on builder
// settings that were unknown when the configuration was validated.
func checkBuilder(b imagebuild.Builder, diags *diag.Diagnostics) {
	for _, f := range []struct {
		name, value string
		check       func(string) error
	}{{"cpu", b.CPU, validate.CPU}, {"memory", b.Memory, validate.Memory}} {
		if f.value == "" {
			continue
		}
		if err := f.check(f.value); err != nil {
			addAttrError(diags, path.Root("builder").AtName(f.name), "Invalid value", err.Error())
		}
	}
}

// registry gives the image checks the push secret's credentials.
func (r *UserImageResource) registry(ctx context.Context, b imagebuild.Builder) (imagebuild.Registry, error) {
	var reg imagebuild.Registry
	if b.PushSecret == "" {
		return reg, nil
	}
	cs, err := r.data.conn.Clientset()
	if err != nil {
		return reg, err
	}
	s, err := cs.CoreV1().Secrets(b.Namespace).Get(ctx, b.PushSecret, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return reg, fmt.Errorf("push secret %s/%s not found: create it (kubectl -n %s create secret docker-registry %s ...)", b.Namespace, b.PushSecret, b.Namespace, b.PushSecret)
	}
	if err != nil {
		return reg, err
	}
	kc, err := imagebuild.ParseDockerConfig(s.Data[corev1.DockerConfigJsonKey])
	if err != nil {
		return reg, fmt.Errorf("push secret %s/%s: %w", b.Namespace, b.PushSecret, err)
	}
	reg.Keychain = kc
	return reg, nil
}

func (r *UserImageResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan userImageModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := plan.Timeouts.Create(ctx, 60*time.Minute)
	resp.Diagnostics.Append(d...)
	r.build(ctx, &plan, timeout, &resp.Diagnostics)
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	}
}

func (r *UserImageResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan userImageModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := plan.Timeouts.Update(ctx, 60*time.Minute)
	resp.Diagnostics.Append(d...)
	r.build(ctx, &plan, timeout, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		resp.State.Raw = req.State.Raw
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// build has the registry hold the planned image, building it if needed.
func (r *UserImageResource) build(ctx context.Context, m *userImageModel, timeout time.Duration, diags *diag.Diagnostics) {
	if diags.HasError() {
		return
	}
	commit := m.Commit.ValueString()
	if m.Commit.IsUnknown() {
		var err error
		if commit, err = imagebuild.ResolveRef(ctx, m.Repository.ValueString(), m.Ref.ValueString()); err != nil {
			addAttrError(diags, path.Root("ref"), "Cannot resolve the ref", err.Error())
			return
		}
	}
	request, builder := m.request(ctx, commit, diags)
	checkBuilder(builder, diags)
	if diags.HasError() {
		return
	}
	cs, err := r.data.conn.Clientset()
	if err != nil {
		addConnectionError(diags, r.data.conn, err)
		return
	}
	if err := authstore.EnsureNamespace(ctx, cs, builder.Namespace); err != nil {
		addConnectionError(diags, r.data.conn, err)
		return
	}
	reg, err := r.registry(ctx, builder)
	if err != nil {
		addAttrError(diags, path.Root("builder").AtName("push_secret"), "Registry credentials not usable", err.Error())
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	res, err := imagebuild.Ensure(ctx, cs, reg, builder, request, func(format string, args ...any) {
		tflog.Info(ctx, fmt.Sprintf(format, args...))
	})
	if err != nil {
		diags.AddError(fmt.Sprintf("Building %s:%s failed", request.Image, imagebuild.Tag(request)), err.Error())
		return
	}
	m.Commit = types.StringValue(commit)
	m.Tag = types.StringValue(res.Tag)
	m.ImageRef = types.StringValue(request.Image + ":" + res.Tag)
	m.ID = m.ImageRef
	m.Digest = types.StringValue(res.Digest)
	m.ImageDigestRef = types.StringValue(request.Image + "@" + res.Digest)
}

func (r *UserImageResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state userImageModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	_, builder := state.request(ctx, state.Commit.ValueString(), &resp.Diagnostics)
	reg, err := r.registry(ctx, builder)
	if err != nil {
		addAttrError(&resp.Diagnostics, path.Root("builder").AtName("push_secret"), "Registry credentials not usable", err.Error())
		return
	}
	digest, found, err := reg.Digest(ctx, state.ImageRef.ValueString())
	if err != nil {
		resp.Diagnostics.AddError("Cannot check the registry", err.Error())
		return
	}
	if !found {
		tflog.Warn(ctx, "image no longer in the registry; it will be built again", map[string]any{"image": state.ImageRef.ValueString()})
		resp.State.RemoveResource(ctx)
		return
	}
	state.Digest = types.StringValue(digest)
	state.ImageDigestRef = types.StringValue(state.Image.ValueString() + "@" + digest)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *UserImageResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state userImageModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !state.DeleteImageOnDestroy.ValueBool() {
		return
	}
	_, builder := state.request(ctx, state.Commit.ValueString(), &resp.Diagnostics)
	reg, err := r.registry(ctx, builder)
	if err == nil {
		err = reg.Delete(ctx, state.ImageRef.ValueString(), state.ImageDigestRef.ValueString())
	}
	if err != nil {
		resp.Diagnostics.AddError("Cannot delete the image", fmt.Sprintf("%s: %v", state.ImageDigestRef.ValueString(), err))
	}
}
