package provider

import (
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/validate"
)

// Registry credentials for private images (see hubvalues/pull_secrets.go
// and hub_pull_secrets.go).

func hubImageAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"image_pull_secrets": schema.SetAttribute{
			Optional:    true,
			ElementType: types.StringType,
			MarkdownDescription: "Secrets of type `kubernetes.io/dockerconfigjson` in the hub's namespace with credentials for private " +
				"registries, e.g. `[\"registry-pull\"]` (z2jh `imagePullSecrets`). Every pod of the hub uses them: users' servers, the image " +
				"puller that pulls their images ahead, the hub and the proxy. The credentials stay in the Secrets, never in values, plan or " +
				"state. A `twoi2chub_user_image` built in the hub's namespace can share its `builder.push_secret` here. Checked at plan when " +
				"the hub's settings change: a Secret of another type fails, a missing one warns (it may be created in the same apply).",
			Validators: []validator.Set{setvalidator.ValueStringsAre(checkString(validate.ObjectName))},
		},
	}
}
