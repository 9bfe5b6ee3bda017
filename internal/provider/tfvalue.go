package provider

import (
	"fmt"
	"math/big"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Conversions between Terraform values and JSON-shaped Go values (maps,
// slices, strings, float64, bools, nil), so that a nested attribute and a
// domain struct with the same JSON names convert into each other without
// hand-written code per field.

// toJSONShape converts a wholly known Terraform value. Null becomes nil,
// objects and maps maps, lists, sets and tuples slices, numbers float64.
func toJSONShape(v tftypes.Value) (any, error) { return jsonShape(v, false) }

// partialJSONShape is toJSONShape for a value that may be partly unknown, as
// in ValidateConfig: unknown parts read as unset (nil).
func partialJSONShape(v tftypes.Value) (any, error) { return jsonShape(v, true) }

func jsonShape(v tftypes.Value, unknownAsNil bool) (any, error) {
	if v.IsNull() {
		return nil, nil
	}
	if !v.IsKnown() {
		if unknownAsNil {
			return nil, nil
		}
		return nil, fmt.Errorf("value not known yet")
	}
	t := v.Type()
	switch {
	case t.Is(tftypes.String):
		var s string
		err := v.As(&s)
		return s, err
	case t.Is(tftypes.Bool):
		var b bool
		err := v.As(&b)
		return b, err
	case t.Is(tftypes.Number):
		var f big.Float
		if err := v.As(&f); err != nil {
			return nil, err
		}
		out, _ := f.Float64()
		return out, nil
	case t.Is(tftypes.Object{}), t.Is(tftypes.Map{}):
		var fields map[string]tftypes.Value
		if err := v.As(&fields); err != nil {
			return nil, err
		}
		out := make(map[string]any, len(fields))
		for k, e := range fields {
			g, err := jsonShape(e, unknownAsNil)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", k, err)
			}
			out[k] = g
		}
		return out, nil
	case t.Is(tftypes.List{}), t.Is(tftypes.Set{}), t.Is(tftypes.Tuple{}):
		var elems []tftypes.Value
		if err := v.As(&elems); err != nil {
			return nil, err
		}
		out := make([]any, len(elems))
		for i, e := range elems {
			g, err := jsonShape(e, unknownAsNil)
			if err != nil {
				return nil, fmt.Errorf("[%d]: %w", i, err)
			}
			out[i] = g
		}
		return out, nil
	}
	return nil, fmt.Errorf("unsupported type %s", t)
}

// fromJSONShape builds a Terraform value of type t from a JSON-shaped Go
// value; nil (or a missing object attribute) is null.
func fromJSONShape(t tftypes.Type, v any) (tftypes.Value, error) {
	if v == nil {
		return tftypes.NewValue(t, nil), nil
	}
	mismatch := func() (tftypes.Value, error) {
		return tftypes.Value{}, fmt.Errorf("%T does not fit %s", v, t)
	}
	switch {
	case t.Is(tftypes.String):
		s, ok := v.(string)
		if !ok {
			return mismatch()
		}
		return tftypes.NewValue(t, s), nil
	case t.Is(tftypes.Bool):
		b, ok := v.(bool)
		if !ok {
			return mismatch()
		}
		return tftypes.NewValue(t, b), nil
	case t.Is(tftypes.Number):
		f, ok := v.(float64)
		if !ok {
			return mismatch()
		}
		return tftypes.NewValue(t, big.NewFloat(f)), nil
	case t.Is(tftypes.Object{}):
		m, ok := v.(map[string]any)
		if !ok {
			return mismatch()
		}
		ot := t.(tftypes.Object)
		fields := make(map[string]tftypes.Value, len(ot.AttributeTypes))
		for name, at := range ot.AttributeTypes {
			fv, err := fromJSONShape(at, m[name])
			if err != nil {
				return tftypes.Value{}, fmt.Errorf("%s: %w", name, err)
			}
			fields[name] = fv
		}
		return tftypes.NewValue(t, fields), nil
	case t.Is(tftypes.Map{}):
		m, ok := v.(map[string]any)
		if !ok {
			return mismatch()
		}
		et := t.(tftypes.Map).ElementType
		elems := make(map[string]tftypes.Value, len(m))
		for k, e := range m {
			ev, err := fromJSONShape(et, e)
			if err != nil {
				return tftypes.Value{}, fmt.Errorf("%s: %w", k, err)
			}
			elems[k] = ev
		}
		return tftypes.NewValue(t, elems), nil
	case t.Is(tftypes.List{}), t.Is(tftypes.Set{}):
		s, ok := v.([]any)
		if !ok {
			return mismatch()
		}
		var et tftypes.Type
		if l, isList := t.(tftypes.List); isList {
			et = l.ElementType
		} else {
			et = t.(tftypes.Set).ElementType
		}
		elems := make([]tftypes.Value, len(s))
		for i, e := range s {
			ev, err := fromJSONShape(et, e)
			if err != nil {
				return tftypes.Value{}, fmt.Errorf("[%d]: %w", i, err)
			}
			elems[i] = ev
		}
		return tftypes.NewValue(t, elems), nil
	}
	return mismatch()
}
