package provider

import (
	"github.com/hashicorp/terraform-plugin-framework-validators/objectvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/hubvalues"
	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/validate"
)

// Secret settings no typed attribute covers, delivered through a Kubernetes
// Secret (see hubvalues/secret_values.go and hub_secret_values.go).

func hubSecretValuesAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"secret_values_wo": schema.StringAttribute{
			Optional:  true,
			Sensitive: true,
			WriteOnly: true,
			MarkdownDescription: "Secret settings no typed attribute covers (a database password, a hub service's API token, an " +
				"authenticator option that is a secret), as chart values in YAML or JSON: `yamlencode({ hub = { config = { ... } } })`. " +
				"Write-only: Terraform passes it to the provider and never stores it, in the plan or in state. The provider writes it to the " +
				"Secret `" + hubvalues.ManagedSecretValues + "` in the hub's namespace, which the hub reads when it starts (z2jh " +
				"`hub.existingSecret`) and merges over its configuration; state keeps only a keyed fingerprint (`secret_values_checksum`), " +
				"and a change restarts the hub. Only what the hub reads when it starts takes effect: `hub.config`, `hub.services`, `hub.db`, " +
				"`singleuser` and `custom`. Needs Terraform 1.11+ or OpenTofu 1.11+; with older versions use `secret_values_ref`. " +
				"Put secrets here, never in `extra_values`, which is stored in state.",
			Validators: []validator.String{checkString(hubvalues.CheckSecretValues)},
		},
		"secret_values_ref": schema.SingleNestedAttribute{
			Optional: true,
			MarkdownDescription: "An existing Secret in the hub's namespace whose key `" + hubvalues.SecretValuesKey + "` holds secret " +
				"settings as chart values, as for `secret_values_wo` (z2jh `hub.existingSecret`). Works with every Terraform and OpenTofu " +
				"version. The Secret is the community's: the provider reads it at plan to check it, and never changes or deletes it. " +
				"A change of its content takes effect when the hub restarts.",
			Validators: []validator.Object{objectvalidator.ConflictsWith(path.MatchRoot("secret_values_wo"))},
			Attributes: map[string]schema.Attribute{
				"name": schema.StringAttribute{
					Required:            true,
					MarkdownDescription: "Secret name, e.g. `\"hub-secret-values\"`.",
					Validators:          []validator.String{checkString(validate.ObjectName)},
				},
			},
		},
		"secret_values_checksum": schema.StringAttribute{
			Computed: true,
			MarkdownDescription: "Fingerprint of `secret_values_wo`: an HMAC-SHA256 keyed by a random key that the provider creates once " +
				"and keeps in the Secret `" + hubvalues.ManagedSecretValues + "` beside the values, so that whoever reads the state cannot test " +
				"guesses of the secrets against it. It changes when the secret values do, which restarts the hub; known after the first apply " +
				"(the plan reads the key, one read of that Secret). A hub made by a provider version that stored a salted SHA-256 here gets the " +
				"keyed fingerprint with its next apply, which the plan announces in a warning and which restarts the hub once. " +
				"Null without `secret_values_wo`.",
		},
	}
}
