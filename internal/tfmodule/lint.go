package tfmodule

import (
	"fmt"
	"sort"
)

// Problem is one departure from the module style, with where to fix it.
type Problem struct {
	File string
	Line int
	Msg  string
}

func (p Problem) String() string {
	if p.Line == 0 {
		return fmt.Sprintf("%s: %s", p.File, p.Msg)
	}
	return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Msg)
}

// Lint checks what the project asks of every module and stack: the four
// standard files, each holding its own kind of block; every variable typed and
// described; every output described.
func Lint(m *Module) []Problem {
	var ps []Problem
	add := func(file string, line int, format string, args ...any) {
		ps = append(ps, Problem{File: m.Dir + "/" + file, Line: line, Msg: fmt.Sprintf(format, args...)})
	}
	for _, f := range []string{"main.tf", "variables.tf", "outputs.tf", "versions.tf"} {
		if _, ok := m.Blocks[f]; !ok {
			add(f, 0, "missing: a module has main.tf, variables.tf, outputs.tf and versions.tf")
		}
	}
	for file, counts := range m.Blocks {
		if n := counts["variable"]; n > 0 && file != "variables.tf" {
			add(file, 0, "%d variable block(s): variables belong in variables.tf", n)
		}
		if n := counts["output"]; n > 0 && file != "outputs.tf" {
			add(file, 0, "%d output block(s): outputs belong in outputs.tf", n)
		}
		if n := counts["terraform"]; n > 0 && file != "versions.tf" {
			add(file, 0, "terraform block: required_version and required_providers belong in versions.tf")
		}
	}
	if m.Blocks["versions.tf"] != nil && m.Blocks["versions.tf"]["terraform"] == 0 {
		add("versions.tf", 0, "no terraform block with required_version and required_providers")
	}
	for _, v := range m.Variables {
		if v.Type == "" {
			add(v.File, v.Line, "variable %q has no type: give it one (objects with optional() attributes)", v.Name)
		}
		if v.DescErr != "" {
			add(v.File, v.Line, "variable %q description is %s: say what it does, its default and an example", v.Name, v.DescErr)
		}
	}
	for _, o := range m.Outputs {
		if o.DescErr != "" {
			add(o.File, o.Line, "output %q description is %s: say what it holds and what plugs into it", o.Name, o.DescErr)
		}
	}
	sort.Slice(ps, func(i, j int) bool {
		if ps[i].File != ps[j].File {
			return ps[i].File < ps[j].File
		}
		return ps[i].Line < ps[j].Line
	})
	return ps
}
