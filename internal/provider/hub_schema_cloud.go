package provider

import (
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/validate"
)

// cloudMetadataServerMoved says where user_service_account.cloud_metadata_server
// went: both it and block_cloud_metadata wrote z2jh's same two keys.
const cloudMetadataServerMoved = "`user_service_account.cloud_metadata_server` was folded into the hub's `block_cloud_metadata`, " +
	"which sets both of z2jh's switches for the metadata server."

// hubCloudAttributes are what a hub takes from its cloud: the identity its
// users' servers act as (hubvalues/cloud.go).
func hubCloudAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"user_service_account": schema.SingleNestedAttribute{
			Optional: true,
			MarkdownDescription: "The Kubernetes ServiceAccount users' servers run as (z2jh `singleuser.serviceAccountName`), and through it " +
				"their cloud identity: on GKE, the Google service account of Workload Identity, so that servers read and write the hub's " +
				"buckets with no key. `modules/gke`'s output `hubs[<hub>].user_service_account` fits it as is. Default (unset): the " +
				"namespace's `default` ServiceAccount.",
			Attributes: map[string]schema.Attribute{
				"name": schema.StringAttribute{Required: true, Validators: []validator.String{checkString(validate.ObjectName)},
					MarkdownDescription: "Name of the ServiceAccount, in the hub's namespace, e.g. `\"user\"`."},
				"create": schema.BoolAttribute{Optional: true,
					MarkdownDescription: "Whether the hub creates the ServiceAccount (as an object of its release, updated and deleted with it). " +
						"Default (unset): `true`. `false` when it exists already (made by whoever may grant cloud access); then set no `annotations`."},
				"annotations": schema.MapAttribute{Optional: true, ElementType: types.StringType,
					Validators: []validator.Map{mapvalidator.KeysAre(checkString(validate.AnnotationKey))},
					MarkdownDescription: "Annotations of the created ServiceAccount that bind it to a cloud identity, e.g. " +
						"`{ \"iam.gke.io/gcp-service-account\" = \"prod-users@my-project.iam.gserviceaccount.com\" }` (GKE), " +
						"`{ \"eks.amazonaws.com/role-arn\" = \"arn:aws:iam::123456789012:role/prod-users\" }` (EKS)."},
				"cloud_metadata_server": schema.BoolAttribute{Optional: true,
					DeprecationMessage: cloudMetadataServerMoved,
					Validators: []validator.Bool{removedBool{
						insteadOfTrue: cloudMetadataServerMoved + " For `cloud_metadata_server = true`, write `block_cloud_metadata = false` " +
							"at the top of the hub: the values it writes are the same, so the hub is not upgraded.",
						insteadOfFalse: cloudMetadataServerMoved + " For `cloud_metadata_server = false`, remove it: `block_cloud_metadata` " +
							"defaults to `true`, which blocks the metadata server.",
					}},
					MarkdownDescription: "Replaced by the hub's `block_cloud_metadata`, the one setting for users' access to the cloud's metadata " +
						"server; setting it fails the plan with what to write instead."},
			},
		},
	}
}
