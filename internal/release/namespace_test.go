package release

import (
	"reflect"
	"testing"
)

// TestNamespaceLabelsPatch: the patch sets missing and changed labels,
// removes only the dropped keys still there, keeps everyone else's labels,
// and leaves alone a namespace another hub labels.
func TestNamespaceLabelsPatch(t *testing.T) {
	s := func(v string) *string { return &v }
	want := NamespaceLabels{Want: map[string]string{"hub": "a", "community": "c"}, Owner: "hub", OwnerValue: "a"}
	for name, tc := range map[string]struct {
		labels  NamespaceLabels
		current map[string]string
		patch   map[string]*string
	}{
		"new namespace":          {want, nil, map[string]*string{"hub": s("a"), "community": s("c")}},
		"removed by hand":        {want, map[string]string{"hub": "a", "other": "x"}, map[string]*string{"community": s("c")}},
		"changed by hand":        {want, map[string]string{"hub": "a", "community": "z"}, map[string]*string{"community": s("c")}},
		"in place":               {want, map[string]string{"hub": "a", "community": "c", "other": "x"}, nil},
		"another hub labels it":  {want, map[string]string{"hub": "b", "community": "z"}, nil},
		"dropped":                {NamespaceLabels{Want: map[string]string{"hub": "a"}, Drop: []string{"community", "gone"}, Owner: "hub", OwnerValue: "a"}, map[string]string{"hub": "a", "community": "c"}, map[string]*string{"community": nil}},
		"all dropped":            {NamespaceLabels{Drop: []string{"hub", "community"}, Owner: "hub", OwnerValue: "a"}, map[string]string{"hub": "a", "community": "c"}, map[string]*string{"hub": nil, "community": nil}},
		"dropped, another hub's": {NamespaceLabels{Drop: []string{"hub", "community"}, Owner: "hub", OwnerValue: "a"}, map[string]string{"hub": "b", "community": "c"}, nil},
	} {
		if got := tc.labels.Patch(tc.current); !reflect.DeepEqual(got, tc.patch) {
			t.Errorf("%s: patch %v, want %v", name, show(got), show(tc.patch))
		}
	}
}

func show(p map[string]*string) map[string]any {
	if p == nil {
		return nil
	}
	out := map[string]any{}
	for k, v := range p {
		if v == nil {
			out[k] = nil
		} else {
			out[k] = *v
		}
	}
	return out
}
