// Package tfmodule reads a Terraform module's HCL without Terraform: its
// variables and outputs (checked against the project's module style and
// rendered as the README's tables), its validation rules, and the bad-input
// runs of its tests, which it can replay as module calls in one configuration.
package tfmodule

import (
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// Module is what a README documents about a module.
type Module struct {
	Dir       string
	Files     []string // *.tf file names, sorted
	Variables []Variable
	Outputs   []Output
	// Blocks counts top-level blocks by type ("terraform", "resource", ...) per file.
	Blocks map[string]map[string]int
}

// Variable is a `variable` block.
type Variable struct {
	Name        string
	File        string
	Line        int
	Type        string // source text of the type constraint; "" when missing
	Description string // "" when missing or not a literal string
	DescErr     string // why Description could not be read, if it could not
	Default     string // source text of the default; "" when required
	HasDefault  bool
	Sensitive   bool
	Validations int
}

// Output is an `output` block.
type Output struct {
	Name        string
	File        string
	Line        int
	Description string
	DescErr     string
	Sensitive   bool
}

// Load parses every *.tf file of dir.
func Load(dir string) (*Module, error) {
	m := &Module{Dir: dir, Blocks: map[string]map[string]int{}}
	err := eachFile(dir, "*.tf", func(name string, src []byte, blocks hclsyntax.Blocks) {
		m.Files = append(m.Files, name)
		m.Blocks[name] = map[string]int{}
		for _, b := range blocks {
			m.Blocks[name][b.Type]++
			switch {
			case b.Type == "variable" && len(b.Labels) == 1:
				m.Variables = append(m.Variables, readVariable(b, src, name))
			case b.Type == "output" && len(b.Labels) == 1:
				m.Outputs = append(m.Outputs, readOutput(b, name))
			}
		}
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

func readVariable(b *hclsyntax.Block, src []byte, file string) Variable {
	v := Variable{Name: b.Labels[0], File: file, Line: b.DefRange().Start.Line}
	if a, ok := b.Body.Attributes["type"]; ok {
		v.Type = sourceOf(a.Expr, src)
	}
	if a, ok := b.Body.Attributes["default"]; ok {
		v.Default, v.HasDefault = sourceOf(a.Expr, src), true
	}
	v.Description, v.DescErr = literalString(b.Body.Attributes["description"])
	if a, ok := b.Body.Attributes["sensitive"]; ok {
		val, diags := a.Expr.Value(nil)
		v.Sensitive = !diags.HasErrors() && val.Type() == cty.Bool && val.True()
	}
	for _, nb := range b.Body.Blocks {
		if nb.Type == "validation" {
			v.Validations++
		}
	}
	return v
}

func readOutput(b *hclsyntax.Block, file string) Output {
	o := Output{Name: b.Labels[0], File: file, Line: b.DefRange().Start.Line}
	o.Description, o.DescErr = literalString(b.Body.Attributes["description"])
	if a, ok := b.Body.Attributes["sensitive"]; ok {
		val, diags := a.Expr.Value(nil)
		o.Sensitive = !diags.HasErrors() && val.Type() == cty.Bool && val.True()
	}
	return o
}

// literalString reads an attribute that must be a string without
// interpolation (a description is documentation, not computed).
func literalString(a *hclsyntax.Attribute) (string, string) {
	if a == nil {
		return "", "missing"
	}
	val, diags := a.Expr.Value(nil)
	if diags.HasErrors() || val.IsNull() || !val.IsKnown() || val.Type() != cty.String {
		return "", "not a literal string"
	}
	s := strings.TrimSpace(val.AsString())
	if s == "" {
		return "", "empty"
	}
	return s, ""
}

func sourceOf(e hclsyntax.Expression, src []byte) string {
	r := e.Range()
	return strings.TrimSpace(string(r.SliceBytes(src)))
}
