package provider

import (
	"context"
	"reflect"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/defaults"
)

// hubSettingDefaults are the schema defaults of the hub's typed settings
// that have one (the security settings). A setting read back from a release
// as unset takes its default, since that is what the chart runs: a hub
// installed without them imports, and plans, as the defaults.
var hubSettingDefaults = func() map[string]attr.Value {
	ctx := context.Background()
	var resp resource.SchemaResponse
	(&HubResource{}).Schema(ctx, resource.SchemaRequest{}, &resp)
	out := map[string]attr.Value{}
	for _, st := range hubSettings {
		switch a := resp.Schema.Attributes[st.name].(type) {
		case schema.BoolAttribute:
			if a.Default != nil {
				var r defaults.BoolResponse
				a.Default.DefaultBool(ctx, defaults.BoolRequest{}, &r)
				out[st.name] = r.PlanValue
			}
		case schema.StringAttribute:
			if a.Default != nil {
				var r defaults.StringResponse
				a.Default.DefaultString(ctx, defaults.StringRequest{}, &r)
				out[st.name] = r.PlanValue
			}
		case schema.SingleNestedAttribute:
			if a.Default != nil {
				var r defaults.ObjectResponse
				a.Default.DefaultObject(ctx, defaults.ObjectRequest{}, &r)
				out[st.name] = r.PlanValue
			}
		}
	}
	return out
}()

// fillSettingDefaults gives settings with a default that state holds as null
// (state written by a provider version without them) their default, so a
// provider upgrade plans no change.
func (m *hubModel) fillSettingDefaults() {
	for _, st := range hubSettings {
		def := hubSettingDefaults[st.name]
		if def == nil {
			continue
		}
		if v := m.setting(st).Interface().(attr.Value); v.IsNull() {
			m.setting(st).Set(reflect.ValueOf(def))
		}
	}
}
