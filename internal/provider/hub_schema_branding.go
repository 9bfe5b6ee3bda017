package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/hubvalues"
)

// The hub's logo and page templates (see hubvalues/branding.go).

func hubBrandingAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"branding": schema.SingleNestedAttribute{
			Optional: true,
			MarkdownDescription: "The community's look on the hub's pages: a logo, JupyterHub page templates of its own, and variables " +
				"the templates read (JupyterHub `logo_file`, `template_paths` and `template_vars`). The files come from HCL and reach the hub " +
				"through z2jh `hub.extraFiles`; a change restarts the hub. They travel in the hub's values and Secret, so together they may " +
				fmt.Sprintf("be at most %d KiB.", hubvalues.MaxBrandingBytes>>10),
			Attributes: map[string]schema.Attribute{
				"logo": schema.StringAttribute{
					Optional: true,
					MarkdownDescription: "The logo in the page header, base64-encoded: `filebase64(\"${path.module}/logo.png\")`. A PNG, JPEG, GIF, " +
						fmt.Sprintf("WebP or SVG image of at most %d KiB.", hubvalues.MaxLogoBytes>>10),
					Validators: []validator.String{checkString(hubvalues.CheckLogo)},
				},
				"templates": schema.MapAttribute{
					Optional:    true,
					ElementType: types.StringType,
					MarkdownDescription: "JupyterHub page templates by file name, e.g. `{ \"login.html\" = file(\"${path.module}/templates/login.html\") }`. " +
						"A template that starts with `{% extends \"templates/login.html\" %}` changes only the blocks it overrides " +
						"(see JupyterHub's \"Working with templates and UI\").",
					Validators: []validator.Map{mapvalidator.KeysAre(checkString(hubvalues.CheckTemplateName)), mapvalidator.ValueStringsAre(nonEmpty())},
				},
				"template_vars": schema.MapAttribute{
					Optional:    true,
					ElementType: types.StringType,
					MarkdownDescription: "Variables every template sees. JupyterHub's own templates show `announcement` on every page, and " +
						"`announcement_login`, `announcement_home`, `announcement_spawn` and `announcement_logout` on one, e.g. " +
						"`{ announcement_login = \"Log in with your university account.\" }`.",
					Validators: []validator.Map{mapvalidator.KeysAre(checkString(hubvalues.CheckTemplateVar))},
				},
			},
		},
	}
}
