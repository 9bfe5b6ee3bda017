package provider

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/hubvalues"
	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/release"
)

// The hub's cost labels on its namespace (the pods get them through the
// values, hubvalues/costlabels.go).

// costLabels are the labels m's community and cost_labels put on the
// namespace and pods, read straight from the two attributes (a refresh of
// many hubs does this for each).
func (m *hubModel) costLabels(ctx context.Context) map[string]string {
	h := hubvalues.Hub{ReleaseName: m.Name.ValueString(), Community: m.Community.ValueString()}
	if !m.CostLabels.IsNull() && !m.CostLabels.IsUnknown() {
		m.CostLabels.ElementsAs(ctx, &h.CostLabels, false)
	}
	return h.Labels()
}

// namespaceLabels is what m asks of its namespace's labels; old, when
// given, is the state before, whose labels m no longer sets are dropped.
func (m *hubModel) namespaceLabels(ctx context.Context, old *hubModel) release.NamespaceLabels {
	l := release.NamespaceLabels{Want: m.costLabels(ctx), Owner: hubvalues.HubLabelKey, OwnerValue: m.Name.ValueString()}
	if old != nil {
		for k := range old.costLabels(ctx) {
			if _, kept := l.Want[k]; !kept {
				l.Drop = append(l.Drop, k)
			}
		}
		slices.Sort(l.Drop)
	}
	return l
}

// readNamespaceLabels compares the namespace's labels with the cost labels
// state says it has. Labels removed or changed by hand read back into
// community and cost_labels as the namespace has them, so the plan shows
// them and the next apply puts them back; the hub's own label has no
// attribute, so its loss reads as the community's (which writes both). One
// listing of namespaces serves every hub of the refresh.
func (r *HubResource) readNamespaceLabels(ctx context.Context, client *release.Client, state *hubModel, diags *diag.Diagnostics) {
	want := state.namespaceLabels(ctx, nil)
	if len(want.Want) == 0 {
		return
	}
	ns := state.Namespace.ValueString()
	current, exists, err := client.NamespaceLabelsOf(ctx, ns)
	if err != nil || !exists {
		tflog.Warn(ctx, "cannot read the namespace's labels", map[string]any{"namespace": ns, "error": fmt.Sprint(err)})
		return
	}
	patch := want.Patch(current)
	if patch == nil {
		return
	}
	keys := slices.Sorted(maps.Keys(patch))
	_, hubLost := patch[hubvalues.HubLabelKey]
	if _, communityLost := patch[hubvalues.CommunityLabelKey]; communityLost || hubLost {
		if v, ok := current[hubvalues.CommunityLabelKey]; ok && !hubLost {
			state.Community = types.StringValue(v)
		} else {
			state.Community = types.StringNull()
		}
	}
	costLabels := map[string]string{}
	if !state.CostLabels.IsNull() {
		state.CostLabels.ElementsAs(ctx, &costLabels, false)
	}
	changed := false
	for _, k := range keys {
		if _, ours := costLabels[k]; ours {
			changed = true
			if v, ok := current[k]; ok {
				costLabels[k] = v
			} else {
				delete(costLabels, k)
			}
		}
	}
	if hubLost && want.Want[hubvalues.CommunityLabelKey] == "" {
		// No community to show the hub's label by: cost_labels shows it.
		changed, costLabels = true, nil
	}
	if changed {
		state.CostLabels = types.MapNull(types.StringType)
		if len(costLabels) > 0 {
			v, d := types.MapValueFrom(ctx, types.StringType, costLabels)
			diags.Append(d...)
			state.CostLabels = v
		}
	}
	diags.AddAttributeWarning(path.Root("community"), "The namespace's cost labels changed outside Terraform",
		fmt.Sprintf("Namespace %s no longer carries %s as this hub set them. The next apply labels it again.", ns, strings.Join(keys, ", ")))
}
