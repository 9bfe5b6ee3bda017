package hubvalues

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// Values are chart values in their JSON form: maps, slices, strings, float64,
// bools and nil, as Helm stores them.
type Values = map[string]any

// Normalize returns v in its JSON form, so that values from HCL, YAML and a
// Helm release compare equal when they mean the same.
func Normalize(v any) (any, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out any
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// NormalizeValues is Normalize for a values document.
func NormalizeValues(v Values) (Values, error) {
	if v == nil {
		return Values{}, nil
	}
	n, err := Normalize(v)
	if err != nil {
		return nil, err
	}
	m, _ := n.(map[string]any)
	if m == nil {
		m = Values{}
	}
	return m, nil
}

// DeepMerge merges src over dst, recursively for maps; anything else in src
// replaces what dst has. dst is modified and returned.
func DeepMerge(dst, src Values) Values {
	if dst == nil {
		dst = Values{}
	}
	for k, sv := range src {
		if sm, ok := sv.(map[string]any); ok {
			if dm, ok := dst[k].(map[string]any); ok {
				dst[k] = DeepMerge(dm, sm)
				continue
			}
			dst[k] = DeepMerge(Values{}, sm)
			continue
		}
		dst[k] = deepCopy(sv)
	}
	return dst
}

func deepCopy(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = deepCopy(e)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = deepCopy(e)
		}
		return out
	default:
		return v
	}
}

// covers reports whether every leaf of part is present with an equal value in
// whole. Lists are leaves: they must be equal as a whole.
func covers(whole, part Values) bool {
	for k, pv := range part {
		wv, ok := whole[k]
		if !ok {
			return false
		}
		if pm, ok := pv.(map[string]any); ok {
			wm, ok := wv.(map[string]any)
			if !ok || !covers(wm, pm) {
				return false
			}
			continue
		}
		if !reflect.DeepEqual(pv, wv) {
			return false
		}
	}
	return true
}

// subtract removes from whole every leaf of part and prunes maps that become
// empty because of it (maps that were empty to begin with stay).
func subtract(whole, part Values) {
	for k, pv := range part {
		pm, isMap := pv.(map[string]any)
		if !isMap {
			delete(whole, k)
			continue
		}
		wm, ok := whole[k].(map[string]any)
		if !ok {
			continue
		}
		subtract(wm, pm)
		if len(wm) == 0 {
			delete(whole, k)
		}
	}
}

// lookup follows keys into v and returns what is there.
func lookup(v Values, keys ...string) (any, bool) {
	var cur any = v
	for _, k := range keys {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[k]; !ok {
			return nil, false
		}
	}
	return cur, true
}

func lookupString(v Values, keys ...string) (string, bool) {
	x, ok := lookup(v, keys...)
	s, isStr := x.(string)
	return s, ok && isStr
}

func lookupMap(v Values, keys ...string) (map[string]any, bool) {
	x, ok := lookup(v, keys...)
	m, isMap := x.(map[string]any)
	return m, ok && isMap
}

// Checksum is a stable digest of v (canonical JSON: maps with sorted keys).
func Checksum(v Values) string {
	var buf bytes.Buffer
	writeCanonical(&buf, v)
	sum := sha256.Sum256(buf.Bytes())
	return hex.EncodeToString(sum[:])
}

func writeCanonical(buf *bytes.Buffer, v any) {
	switch t := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		buf.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				buf.WriteByte(',')
			}
			kb, _ := json.Marshal(k)
			buf.Write(kb)
			buf.WriteByte(':')
			writeCanonical(buf, t[k])
		}
		buf.WriteByte('}')
	case []any:
		buf.WriteByte('[')
		for i, e := range t {
			if i > 0 {
				buf.WriteByte(',')
			}
			writeCanonical(buf, e)
		}
		buf.WriteByte(']')
	default:
		b, _ := json.Marshal(t)
		buf.Write(b)
	}
}

// Pointer is a JSON pointer (RFC 6901) to a place in a values document.
type Pointer string

// PointerOf builds a Pointer from keys and list indexes.
func PointerOf(parts ...any) Pointer {
	var b strings.Builder
	for _, p := range parts {
		b.WriteByte('/')
		switch t := p.(type) {
		case int:
			b.WriteString(strconv.Itoa(t))
		default:
			s := fmt.Sprint(t)
			b.WriteString(strings.NewReplacer("~", "~0", "/", "~1").Replace(s))
		}
	}
	return Pointer(b.String())
}

// within reports whether p is q or lies below it.
func (p Pointer) within(q Pointer) bool {
	return p == q || strings.HasPrefix(string(p), string(q)+"/")
}

func lookupBool(v Values, keys ...string) (bool, bool) {
	x, ok := lookup(v, keys...)
	b, isBool := x.(bool)
	return b, ok && isBool
}
