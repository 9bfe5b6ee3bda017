package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/hubvalues"
)

// Labels for cloud cost reports (see hubvalues/costlabels.go).

const costLabelRules = "at most 63 lower-case letters, digits, `-` and `_`, starting and ending with a letter or digit " +
	"(what Google Cloud labels, AWS cost allocation tags and Azure tags all keep as they are)"

func hubCostLabelAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"community": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: fmt.Sprintf("The community the hub serves, for cost reports: with it set, the hub's namespace and every pod of "+
				"the release (hub, proxy, autohttps, user servers, user scheduler, user placeholders, image pullers and the image awaiter hook) "+
				"carry the labels `%s = <name>` and `%s = <community>`, plus `cost_labels`, so each cloud's cost export can split the "+
				"cluster's bill per hub and per community (see the guide \"Knowing what your hub costs and does\"). A change relabels the "+
				"namespace and restarts the hub's pods with the new labels; user servers get them when they next start. %s, e.g. `\"hackweek\"`.",
				hubvalues.HubLabelKey, hubvalues.CommunityLabelKey, capitalize(costLabelRules)),
			Validators: []validator.String{checkString(hubvalues.CheckCostLabelValue)},
		},
		"cost_labels": schema.MapAttribute{
			Optional:    true,
			ElementType: types.StringType,
			MarkdownDescription: fmt.Sprintf("More labels for cost reports on the hub's namespace and every pod of the release, alongside "+
				"`community`, e.g. `{ cost-center = \"geo-101\", funder = \"nsf\" }`. Keys and values: %s; a key starts with a letter and "+
				"cannot be `%s` or `%s`, which the hub writes itself. At most %d labels, since AWS imports only the first 50 labels of a pod.",
				costLabelRules, hubvalues.HubLabelKey, hubvalues.CommunityLabelKey, hubvalues.MaxCostLabels),
			Validators: []validator.Map{
				mapvalidator.KeysAre(checkString(hubvalues.CheckCostLabelKey)),
				mapvalidator.ValueStringsAre(checkString(hubvalues.CheckCostLabelValue)),
				mapvalidator.SizeAtMost(hubvalues.MaxCostLabels),
			},
		},
	}
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}
