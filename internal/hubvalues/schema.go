package hubvalues

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"helm.sh/helm/v3/pkg/chartutil"
)

// Schema is a compiled chart values schema (a chart's values.schema.json).
type Schema struct {
	compiled *jsonschema.Schema
}

// CompileSchema compiles a values.schema.json document.
func CompileSchema(data []byte) (*Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("values schema is not JSON: %w", err)
	}
	c := jsonschema.NewCompiler()
	const url = "file:///values.schema.json"
	if err := c.AddResource(url, doc); err != nil {
		return nil, err
	}
	compiled, err := c.Compile(url)
	if err != nil {
		return nil, fmt.Errorf("compiling values schema: %w", err)
	}
	return &Schema{compiled: compiled}, nil
}

// Issue is one way values break the schema.
type Issue struct {
	Pointer Pointer
	Message string
}

func (i Issue) String() string { return fmt.Sprintf("%s: %s", i.Pointer, i.Message) }

var printer = message.NewPrinter(language.English)

// Coalesce merges user values over a chart's defaults the way Helm does before
// it validates and renders (a null in user values removes the default).
func Coalesce(defaults, user Values) Values {
	u, _ := NormalizeValues(user)
	d, _ := NormalizeValues(defaults)
	return chartutil.CoalesceTables(u, d)
}

// Validate checks a complete values document (already coalesced with the
// chart's defaults) and returns every issue, most specific first.
func (s *Schema) Validate(values Values) []Issue {
	v, err := NormalizeValues(values)
	if err != nil {
		return []Issue{{Pointer: "", Message: err.Error()}}
	}
	err = s.compiled.Validate(map[string]any(v))
	if err == nil {
		return nil
	}
	verr, ok := err.(*jsonschema.ValidationError)
	if !ok {
		return []Issue{{Message: err.Error()}}
	}
	var issues []Issue
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			parts := make([]any, len(e.InstanceLocation))
			for i, p := range e.InstanceLocation {
				parts[i] = p
			}
			// An unknown key is reported at its parent; point at the key itself,
			// which is what some attribute (often extra_values) wrote.
			if k, ok := e.ErrorKind.(*kind.AdditionalProperties); ok {
				for _, prop := range k.Properties {
					issues = append(issues, Issue{Pointer: PointerOf(append(parts, prop)...), Message: fmt.Sprintf("%q is not a setting the chart knows", prop)})
				}
				return
			}
			issues = append(issues, Issue{Pointer: PointerOf(parts...), Message: e.ErrorKind.LocalizedString(printer)})
			return
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(verr)
	sort.SliceStable(issues, func(i, j int) bool {
		return strings.Count(string(issues[i].Pointer), "/") > strings.Count(string(issues[j].Pointer), "/")
	})
	return dedupe(issues)
}

func dedupe(in []Issue) []Issue {
	seen := map[Issue]bool{}
	out := in[:0]
	for _, i := range in {
		if !seen[i] {
			seen[i] = true
			out = append(out, i)
		}
	}
	return out
}
