package hubvalues

import (
	"fmt"
	"sort"
)

// Helpers for loosely typed values.

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	if m == nil {
		return map[string]any{}
	}
	return m
}

func stringMap(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func toStringMap(m map[string]any) map[string]string {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		s, ok := v.(string)
		if !ok {
			s = fmt.Sprint(v)
		}
		out[k] = s
	}
	return out
}

func singleString(v any) (string, bool) {
	list, ok := v.([]any)
	if !ok || len(list) != 1 {
		return "", false
	}
	s, ok := list[0].(string)
	return s, ok && s != ""
}

// SortedList is a sorted copy of in, as values: sets in HCL, stable in values.
func SortedList(in []string) []any {
	s := append([]string(nil), in...)
	sort.Strings(s)
	out := make([]any, len(s))
	for i, e := range s {
		out[i] = e
	}
	return out
}

func stringList(v any, ok bool) []string {
	list, isList := v.([]any)
	if !ok || !isList {
		return nil
	}
	out := make([]string, 0, len(list))
	for _, e := range list {
		s, isStr := e.(string)
		if !isStr {
			return nil
		}
		out = append(out, s)
	}
	return out
}

func floatPtr(v any) *float64 {
	f, ok := v.(float64)
	if !ok {
		return nil
	}
	return &f
}

func intPtr(v any, ok bool) *int64 {
	f, isNum := v.(float64)
	if !ok || !isNum || f != float64(int64(f)) {
		return nil
	}
	i := int64(f)
	return &i
}

// quantityString reads a memory quantity that may have been written as a number.
func quantityString(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case float64:
		return fmt.Sprint(t)
	}
	return ""
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
