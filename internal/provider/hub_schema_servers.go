package provider

import (
	"github.com/hashicorp/terraform-plugin-framework-validators/float64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/hubvalues"
	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/validate"
)

// hubServerAttributes are what every user's server gets: user_servers.
func hubServerAttributes() map[string]schema.Attribute {
	attrs := map[string]schema.Attribute{
		"default_url": schema.StringAttribute{Optional: true, Validators: []validator.String{checkString(validate.URLPath)},
			MarkdownDescription: "Where people land when their server starts (z2jh `singleuser.defaultUrl`): `\"/lab\"` for JupyterLab, " +
				"`\"/rstudio\"`, or `\"/tree\"` for the classic file browser. Default: the image's own."},
		"start_timeout": schema.Int64Attribute{Optional: true, Validators: []validator.Int64{int64validator.AtLeast(1)},
			MarkdownDescription: "Seconds a server may take to start before the hub gives up (z2jh `singleuser.startTimeout`), e.g. `600` " +
				"for large images or node pools that must scale up first. The chart's default is `300`."},
		"environment": schema.MapAttribute{Optional: true, ElementType: types.StringType,
			Validators: []validator.Map{mapvalidator.SizeAtLeast(1), mapvalidator.KeysAre(checkString(validate.EnvName))},
			MarkdownDescription: "Environment variables of every server (z2jh `singleuser.extraEnv`), e.g. " +
				"`{ JUPYTERHUB_SINGLEUSER_APP = \"jupyter_server.serverapp.ServerApp\" }`. They are added to what `auth` and a map-form " +
				"`singleuser.extraEnv` in `extra_values` set; a profile's `environment` adds to them. Values are stored in state and shown " +
				"in plans (a secret-looking name warns): take secrets from `environment_from_secrets`."},
		"environment_from_secrets": envFromSecretsAttribute("every server",
			"{ GITHUB_TOKEN = { secret_name = \"course-github\", key = \"token\" } }"),
		"volumes": schema.ListNestedAttribute{
			Optional:   true,
			Validators: []validator.List{listvalidator.SizeAtLeast(1)},
			MarkdownDescription: "Folders mounted into every server besides the home directory (z2jh `singleuser.storage.extraVolumes` and " +
				"`extraVolumeMounts`): shared course data read-only from NFS, a shared read-write claim for a group. Each comes from " +
				"`nfs` or `claim_name`. With `storage.type = \"nfs\"` the home directory's volume is the first entry of those lists, these follow.",
			NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
				"name": schema.StringAttribute{Required: true, Validators: []validator.String{checkString(validate.DNSLabel)},
					MarkdownDescription: "Name of the volume, e.g. `\"shared-data\"`; `init_containers` mount it by this name (`\"home\"` is the home directory's)."},
				"mount_path": schema.StringAttribute{Required: true, Validators: []validator.String{checkString(validate.AbsolutePath)},
					MarkdownDescription: "Where it appears in the server, e.g. `\"/home/jovyan/shared-data\"`."},
				"sub_path": schema.StringAttribute{Optional: true, Validators: []validator.String{checkString(validate.SubPath)},
					MarkdownDescription: "A directory in the volume to mount instead of its root, e.g. `\"{username}\"` for one per person (KubeSpawner fills in `{username}`)."},
				"read_only": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false),
					MarkdownDescription: "Whether servers may only read it. Default `false`."},
				"nfs": schema.SingleNestedAttribute{Optional: true,
					MarkdownDescription: "An NFS export, e.g. `{ server = \"10.0.0.2\", path = \"/shared\" }`. Conflicts with `claim_name`.",
					Attributes: map[string]schema.Attribute{
						"server": schema.StringAttribute{Required: true, Validators: []validator.String{checkString(validate.HostOrIP)},
							MarkdownDescription: "NFS server address, e.g. a Filestore or EFS IP."},
						"path": schema.StringAttribute{Required: true, Validators: []validator.String{checkString(validate.AbsolutePath)},
							MarkdownDescription: "Exported path, e.g. `\"/shared\"`."},
					}},
				"claim_name": schema.StringAttribute{Optional: true, Validators: []validator.String{checkString(validate.ObjectName)},
					MarkdownDescription: "An existing PersistentVolumeClaim in the hub's namespace. Mounted by many servers at once, it needs an access " +
						"mode that allows it (`ReadWriteMany`, or `ReadOnlyMany` with `read_only`). Conflicts with `nfs`."},
			}},
		},
		"init_containers": schema.ListNestedAttribute{
			Optional:   true,
			Validators: []validator.List{listvalidator.SizeAtLeast(1)},
			MarkdownDescription: "Containers run to completion, in order, before each server starts (z2jh `singleuser.initContainers`), " +
				"e.g. to give people ownership of their NFS home directory: `[{ name = \"home-ownership\", image = \"busybox:1.36\", " +
				"command = [\"sh\", \"-c\", \"chown 1000:100 /home/jovyan\"], run_as_user = 0, volume_mounts = [{ name = \"home\", " +
				"mount_path = \"/home/jovyan\", sub_path = \"{username}\" }] }]`. The chart's image puller pulls their images on every user node ahead of time.",
			NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
				"name": schema.StringAttribute{Required: true, Validators: []validator.String{checkString(validate.DNSLabel)},
					MarkdownDescription: "Name of the container, e.g. `\"home-ownership\"`."},
				"image": schema.StringAttribute{Required: true, Validators: []validator.String{checkString(validate.ImageRef)},
					MarkdownDescription: "Image with a tag or digest, e.g. `\"busybox:1.36\"`."},
				"command": schema.ListAttribute{Required: true, ElementType: types.StringType, Validators: []validator.List{listvalidator.SizeAtLeast(1)},
					MarkdownDescription: "The command and its arguments, e.g. `[\"sh\", \"-c\", \"chown 1000:100 /home/jovyan\"]`."},
				"run_as_user": schema.Int64Attribute{Optional: true, Validators: []validator.Int64{int64validator.AtLeast(0)},
					MarkdownDescription: "User ID the command runs as (`securityContext.runAsUser`), e.g. `0` (root) to change ownership. Default: the image's user."},
				"volume_mounts": schema.ListNestedAttribute{Optional: true, Validators: []validator.List{listvalidator.SizeAtLeast(1)},
					MarkdownDescription: "Volumes of the server this container sees.",
					NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
						"name": schema.StringAttribute{Required: true, Validators: []validator.String{nonEmpty()},
							MarkdownDescription: "`\"home\"` for the home directory's volume (whatever `storage.type`), or the `name` of one of `volumes`."},
						"mount_path": schema.StringAttribute{Required: true, Validators: []validator.String{checkString(validate.AbsolutePath)},
							MarkdownDescription: "Where the container sees it, e.g. `\"/home/jovyan\"`."},
						"sub_path": schema.StringAttribute{Optional: true, Validators: []validator.String{checkString(validate.SubPath)},
							MarkdownDescription: "A directory in the volume instead of its root, e.g. `\"{username}\"` (the person's own, with shared and NFS storage)."},
						"read_only": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false),
							MarkdownDescription: "Whether the container may only read it. Default `false`."},
					}},
				},
			}},
		},
		"lifecycle_hooks": schema.SingleNestedAttribute{
			Optional: true,
			MarkdownDescription: "Commands run inside each server's container when it starts and stops (z2jh `singleuser.lifecycleHooks`, " +
				"Kubernetes container lifecycle hooks). Set at least one.",
			Attributes: map[string]schema.Attribute{
				"post_start": schema.ListAttribute{Optional: true, ElementType: types.StringType, Validators: []validator.List{listvalidator.SizeAtLeast(1)},
					MarkdownDescription: "Run right after the container starts (`postStart.exec.command`), e.g. nbgitpuller fetching course " +
						"material: `[\"gitpuller\", \"https://github.com/org/course\", \"main\", \"course\"]`. When it fails, Kubernetes stops the container and the server does not start."},
				"pre_stop": schema.ListAttribute{Optional: true, ElementType: types.StringType, Validators: []validator.List{listvalidator.SizeAtLeast(1)},
					MarkdownDescription: "Run before the container is stopped (`preStop.exec.command`)."},
			},
		},
	}
	for name, a := range resourceAttributes("each server",
		"The default of every server, which a profile's own setting replaces (KubeSpawner applies the profile's `kubespawner_override` over it).") {
		attrs[name] = a
	}
	return map[string]schema.Attribute{
		"user_servers": schema.SingleNestedAttribute{
			Optional: true,
			MarkdownDescription: "What every user's server gets, whichever profile is chosen (z2jh `singleuser`): the page it opens on, " +
				"its CPU and memory, environment variables, extra folders, commands run before and as it starts. The plan checks that " +
				"the CPU and memory fit a node of the cluster. Default (unset): the chart's.",
			Attributes: attrs,
		},
	}
}

// envFromSecretsAttribute is environment_from_secrets, for every server or one profile's.
func envFromSecretsAttribute(whose, example string) schema.MapNestedAttribute {
	return schema.MapNestedAttribute{
		Optional:   true,
		Validators: []validator.Map{mapvalidator.SizeAtLeast(1), mapvalidator.KeysAre(checkString(validate.EnvName))},
		MarkdownDescription: "Environment variables of " + whose + " whose values come from a Kubernetes Secret in the hub's namespace " +
			"(z2jh `extraEnv` with `valueFrom.secretKeyRef`), e.g. `" + example + "`. Only the Secret's name and key are in state and plans. " +
			"A server does not start while the Secret or its key is missing.",
		NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
			"secret_name": schema.StringAttribute{Required: true, Validators: []validator.String{checkString(validate.ObjectName)},
				MarkdownDescription: "Name of the Secret, e.g. `\"course-github\"`."},
			"key": schema.StringAttribute{Required: true, Validators: []validator.String{checkString(validate.SecretKey)},
				MarkdownDescription: "Key of the value in the Secret, e.g. `\"token\"`."},
		}},
	}
}

// resourceAttributes are the CPU and memory guarantee and limit, for every
// server or one profile.
func resourceAttributes(whose, note string) map[string]schema.Attribute {
	if note != "" {
		note = " " + note
	}
	return map[string]schema.Attribute{
		"cpu_guarantee": schema.Float64Attribute{Optional: true, Validators: []validator.Float64{float64validator.AtLeast(0.001)},
			MarkdownDescription: "CPU cores reserved for " + whose + " (z2jh `singleuser.cpu.guarantee`, KubeSpawner `cpu_guarantee`), e.g. `0.5`: " +
				"a server starts only on a node with that much unreserved." + note},
		"cpu_limit": schema.Float64Attribute{Optional: true, Validators: []validator.Float64{float64validator.AtLeast(0.001)},
			MarkdownDescription: "CPU cores " + whose + " may use at most (z2jh `singleuser.cpu.limit`, KubeSpawner `cpu_limit`), e.g. `2`." + note},
		"memory_guarantee": schema.StringAttribute{Optional: true, Validators: []validator.String{checkString(validate.Memory)},
			MarkdownDescription: "Memory reserved for " + whose + " (z2jh `singleuser.memory.guarantee`, KubeSpawner `mem_guarantee`), e.g. `\"1G\"` " +
				"or `\"1Gi\"`. The chart's default is `\"1G\"`." + note},
		"memory_limit": schema.StringAttribute{Optional: true, Validators: []validator.String{checkString(validate.Memory)},
			MarkdownDescription: "Memory " + whose + " may use at most (z2jh `singleuser.memory.limit`, KubeSpawner `mem_limit`), e.g. `\"4G\"`; " +
				"a process going over it is killed, usually the notebook's kernel." + note},
	}
}

// withProfileServerAttributes adds to a profile's attributes what it gives
// its servers beyond size and image: placement on any node pool,
// environment variables, a free-form image field.
func withProfileServerAttributes(attrs map[string]schema.Attribute) map[string]schema.Attribute {
	requirement := func(weighted bool) schema.NestedAttributeObject {
		a := map[string]schema.Attribute{
			"key": schema.StringAttribute{Required: true, Validators: []validator.String{checkString(validate.LabelKey)},
				MarkdownDescription: "Node label, e.g. `\"node.kubernetes.io/instance-type\"`."},
			"operator": schema.StringAttribute{Required: true, Validators: []validator.String{stringvalidator.OneOf(hubvalues.NodeOperators...)},
				MarkdownDescription: "`\"In\"`, `\"NotIn\"` (the label's value is, or is not, one of `values`), `\"Exists\"`, `\"DoesNotExist\"` " +
					"(without `values`), `\"Gt\"`, `\"Lt\"` (one integer in `values`)."},
			"values": schema.ListAttribute{Optional: true, ElementType: types.StringType, Validators: []validator.List{listvalidator.SizeAtLeast(1)},
				MarkdownDescription: "Label values, e.g. `[\"n2-highmem-4\", \"n2-highmem-8\"]`."},
		}
		if weighted {
			a["weight"] = schema.Int64Attribute{Required: true, Validators: []validator.Int64{int64validator.Between(1, 100)},
				MarkdownDescription: "How much a matching node counts when the scheduler ranks nodes, 1 to 100."}
		}
		return schema.NestedAttributeObject{Attributes: a}
	}
	attrs["tolerations"] = tolerationsAttribute("Tolerations for tainted nodes of any pool, e.g. `[{ key = \"hub.jupyter.org/dedicated\", " +
		"value = \"highmem\", effect = \"NoSchedule\" }]` (KubeSpawner `tolerations`). A GPU profile sets them in `gpu.tolerations`.")
	attrs["node_affinity"] = schema.SingleNestedAttribute{
		Optional: true,
		MarkdownDescription: "Where servers of this profile may or should run, by node labels, beyond the exact matches of `node_selector` " +
			"(KubeSpawner `node_affinity_required` and `node_affinity_preferred`). The plan checks that `required` matches a node of the cluster.",
		Attributes: map[string]schema.Attribute{
			"required": schema.ListNestedAttribute{Optional: true, Validators: []validator.List{listvalidator.SizeAtLeast(1)}, NestedObject: requirement(false),
				MarkdownDescription: "Requirements a node must all meet, e.g. `[{ key = \"node.kubernetes.io/instance-type\", operator = \"In\", values = [\"n2-highmem-4\"] }]`."},
			"preferred": schema.ListNestedAttribute{Optional: true, Validators: []validator.List{listvalidator.SizeAtLeast(1)}, NestedObject: requirement(true),
				MarkdownDescription: "Requirements the scheduler favours a node for meeting, each with a `weight`, e.g. " +
					"`[{ weight = 50, key = \"cloud.google.com/gke-spot\", operator = \"DoesNotExist\" }]`."},
		},
	}
	attrs["environment"] = schema.MapAttribute{Optional: true, ElementType: types.StringType,
		Validators: []validator.Map{mapvalidator.SizeAtLeast(1), mapvalidator.KeysAre(checkString(validate.EnvName))},
		MarkdownDescription: "Environment variables of this profile's servers (KubeSpawner `environment`), over those of " +
			"`user_servers.environment`, e.g. `{ OMP_NUM_THREADS = \"4\" }`. Stored in state and shown in plans: take secrets from `environment_from_secrets`."}
	attrs["environment_from_secrets"] = envFromSecretsAttribute("this profile's servers", "{ WANDB_API_KEY = { secret_name = \"ml-course\", key = \"wandb\" } }")
	attrs["unlisted_image"] = unlistedImageAttribute("A free-form image field under the profile's `image_choices` menu, for people to run " +
		"an image of their own (KubeSpawner `profile_options` `unlisted_choice`). Needs `image_choices`.")
	attrs["options"] = schema.MapNestedAttribute{
		Optional: true,
		MarkdownDescription: "Menus of the server options form beyond the image menu, by name (KubeSpawner `profile_options`, other than " +
			"`image`, which `image_choices` writes): each choice sets a few of the server's settings, over the profile's. For example a " +
			"`resources` menu of sizes, or an `environment` menu of images with a free-form field. The plan checks that each menu has " +
			"exactly one default choice.",
		Validators: []validator.Map{mapvalidator.SizeAtLeast(1)},
		NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
			"display_name": schema.StringAttribute{Required: true, Validators: []validator.String{nonEmpty()},
				MarkdownDescription: "Label of the menu on the form, e.g. `\"Resource allocation\"`."},
			"choices": schema.MapNestedAttribute{
				Required: true,
				MarkdownDescription: "The menu's entries, by slug (lower-case letters, digits, `-` and `_`; the form lists them in " +
					"this order), e.g. `{ small = { display_name = \"1 CPU, 2G\", cpu_limit = 1, memory_limit = \"2G\", default = true } }`.",
				Validators: []validator.Map{mapvalidator.SizeAtLeast(1)},
				NestedObject: schema.NestedAttributeObject{Attributes: withAttributes(resourceAttributes("servers started with this choice", ""), map[string]schema.Attribute{
					"display_name": schema.StringAttribute{Required: true, Validators: []validator.String{nonEmpty()},
						MarkdownDescription: "Name shown in the menu."},
					"default": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false),
						MarkdownDescription: "Whether this choice is preselected, and what a server started without the form gets. " +
							"Exactly one choice of a menu. Default `false`."},
					"image": schema.StringAttribute{Optional: true, Validators: []validator.String{checkString(validate.ImageRef)},
						MarkdownDescription: "Image of servers started with this choice, with a tag or digest."},
					"node_selector": schema.MapAttribute{Optional: true, ElementType: types.StringType, Validators: labelMapValidators(),
						MarkdownDescription: "Node labels the server must run on with this choice, e.g. `{ pool = \"highmem\" }`."},
					"environment": schema.MapAttribute{Optional: true, ElementType: types.StringType,
						Validators:          []validator.Map{mapvalidator.SizeAtLeast(1), mapvalidator.KeysAre(checkString(validate.EnvName))},
						MarkdownDescription: "Environment variables this choice sets, e.g. `{ OMP_NUM_THREADS = \"4\" }`. Stored in state: no secrets."},
				})},
			},
			"unlisted_choice": unlistedImageAttribute("A free-form field under the menu where people type an image of their own " +
				"(KubeSpawner `unlisted_choice`, setting `image`)."),
		}},
	}
	return attrs
}

// withAttributes adds more to attrs.
func withAttributes(attrs, more map[string]schema.Attribute) map[string]schema.Attribute {
	for k, v := range more {
		attrs[k] = v
	}
	return attrs
}

// unlistedImageAttribute is a free-form image field of the form.
func unlistedImageAttribute(description string) schema.SingleNestedAttribute {
	return schema.SingleNestedAttribute{
		Optional:            true,
		MarkdownDescription: description,
		Attributes: map[string]schema.Attribute{
			"display_name": schema.StringAttribute{Required: true, Validators: []validator.String{nonEmpty()},
				MarkdownDescription: "Label of the field on the form, e.g. `\"Other image\"`."},
			"validation_regex": schema.StringAttribute{Optional: true, Validators: []validator.String{checkString(validate.Regexp)},
				MarkdownDescription: "What an image typed in must match, e.g. `\"^quay.io/my-community/.+:.+$\"`. Default: anything."},
			"validation_message": schema.StringAttribute{Optional: true, Validators: []validator.String{nonEmpty()},
				MarkdownDescription: "What the form says when the image does not match, e.g. `\"Use an image of quay.io/my-community with a tag\"`."},
		},
	}
}

// tolerationsAttribute is a list of Kubernetes tolerations.
func tolerationsAttribute(description string) schema.ListNestedAttribute {
	return schema.ListNestedAttribute{
		Optional:            true,
		MarkdownDescription: description,
		NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
			"key":      schema.StringAttribute{Required: true, MarkdownDescription: "Taint key.", Validators: []validator.String{checkString(validate.LabelKey)}},
			"operator": schema.StringAttribute{Optional: true, MarkdownDescription: "`\"Equal\"` (default when `value` is set) or `\"Exists\"`.", Validators: []validator.String{stringvalidator.OneOf("Equal", "Exists")}},
			"value":    schema.StringAttribute{Optional: true, MarkdownDescription: "Taint value.", Validators: []validator.String{nonEmpty()}},
			"effect": schema.StringAttribute{Optional: true, MarkdownDescription: "`\"NoSchedule\"`, `\"PreferNoSchedule\"` or `\"NoExecute\"`; default all effects.",
				Validators: []validator.String{stringvalidator.OneOf("NoSchedule", "PreferNoSchedule", "NoExecute")}},
		}},
	}
}
