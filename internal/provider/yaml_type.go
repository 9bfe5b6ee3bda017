package provider

import (
	"context"
	"fmt"
	"reflect"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"sigs.k8s.io/yaml"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/hubvalues"
)

// YAMLType is a string holding a YAML (or JSON) mapping of chart values. Two
// strings that parse to the same values are equal, so reformatting, comments
// or key order never show up as a change, and values read back from a release
// do not fight with how the user wrote them.
type YAMLType struct{ basetypes.StringType }

var (
	_ basetypes.StringTypable                    = YAMLType{}
	_ basetypes.StringValuableWithSemanticEquals = YAMLValue{}
)

func (t YAMLType) Equal(o attr.Type) bool {
	_, ok := o.(YAMLType)
	return ok
}

func (t YAMLType) String() string { return "YAMLType" }

func (t YAMLType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return YAMLValue{StringValue: in}, nil
}

func (t YAMLType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	s, ok := v.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}
	return YAMLValue{StringValue: s}, nil
}

func (t YAMLType) ValueType(context.Context) attr.Value { return YAMLValue{} }

// YAMLValue is a value of YAMLType.
type YAMLValue struct{ basetypes.StringValue }

func (v YAMLValue) Type(context.Context) attr.Type { return YAMLType{} }

func (v YAMLValue) Equal(o attr.Value) bool {
	other, ok := o.(YAMLValue)
	return ok && v.StringValue.Equal(other.StringValue)
}

// Values parses the mapping; null or blank is no values.
func (v YAMLValue) Values() (map[string]any, error) {
	if v.IsNull() || v.IsUnknown() || strings.TrimSpace(v.ValueString()) == "" {
		return nil, nil
	}
	return parseValuesYAML(v.ValueString())
}

func parseValuesYAML(s string) (map[string]any, error) {
	var out any
	if err := yaml.Unmarshal([]byte(s), &out); err != nil {
		return nil, fmt.Errorf("not valid YAML or JSON: %v", err)
	}
	if out == nil {
		return nil, nil
	}
	m, ok := out.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("must be a mapping of chart values (like a values.yaml file), not a %T", out)
	}
	return m, nil
}

func (v YAMLValue) StringSemanticEquals(_ context.Context, newValuable basetypes.StringValuable) (bool, diag.Diagnostics) {
	nv, ok := newValuable.(YAMLValue)
	if !ok {
		return false, nil
	}
	a, errA := v.Values()
	b, errB := nv.Values()
	if errA != nil || errB != nil {
		return false, nil
	}
	na, _ := hubvalues.NormalizeValues(a)
	nb, _ := hubvalues.NormalizeValues(b)
	return reflect.DeepEqual(na, nb), nil
}

// NewYAMLValue renders values as YAML; no values is null.
func NewYAMLValue(values map[string]any) (YAMLValue, error) {
	if len(values) == 0 {
		return YAMLValue{StringValue: basetypes.NewStringNull()}, nil
	}
	data, err := yaml.Marshal(values)
	if err != nil {
		return YAMLValue{}, err
	}
	return YAMLValue{StringValue: basetypes.NewStringValue(string(data))}, nil
}
