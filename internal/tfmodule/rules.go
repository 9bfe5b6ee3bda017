package tfmodule

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// Rule is a `validation` block of a variable or a `precondition` of a
// resource: something bad input must trip, with its own message.
type Rule struct {
	Target  string // "var.<name>" or the resource address, as expect_failures names it
	File    string // file name within the module
	Range   hcl.Range
	Message string // the literal error_message; "" when it interpolates
}

func (r Rule) String() string {
	return fmt.Sprintf("%s (%s:%d)", r.Target, r.File, r.Range.Start.Line)
}

// Rules lists every validation block and resource precondition of dir.
func Rules(dir string) ([]Rule, error) {
	var rules []Rule
	err := eachFile(dir, "*.tf", func(file string, _ []byte, blocks hclsyntax.Blocks) {
		for _, b := range blocks {
			ruleBlocks(&rules, file, b)
		}
	})
	return rules, err
}

func ruleBlocks(rules *[]Rule, file string, b *hclsyntax.Block) {
	{
		switch {
		case b.Type == "variable" && len(b.Labels) == 1:
			for _, v := range b.Body.Blocks {
				if v.Type == "validation" {
					*rules = append(*rules, rule("var."+b.Labels[0], file, v))
				}
			}
		case (b.Type == "resource" || b.Type == "data") && len(b.Labels) == 2:
			addr := b.Labels[0] + "." + b.Labels[1]
			if b.Type == "data" {
				addr = "data." + addr
			}
			for _, lc := range b.Body.Blocks {
				if lc.Type != "lifecycle" {
					continue
				}
				for _, p := range lc.Body.Blocks {
					if p.Type == "precondition" || p.Type == "postcondition" {
						*rules = append(*rules, rule(addr, file, p))
					}
				}
			}
		}
	}
}

func rule(target, file string, b *hclsyntax.Block) Rule {
	r := Rule{Target: target, File: file, Range: b.Range()}
	r.Message, _ = literalString(b.Body.Attributes["error_message"])
	return r
}

// TestRun is a `run` block of a .tftest.hcl file.
type TestRun struct {
	File           string
	Name           string
	ExpectFailures []string          // as written: "var.zone", "google_container_cluster.this"; none for a run that must pass
	Variables      map[string]string // name -> expression source, file-level variables included
}

// TestFile holds what is needed to replay a test file's runs outside `terraform test`.
type TestFile struct {
	Name      string
	Providers []string // source of each provider block
	Runs      []TestRun
}

// TestRuns reads the runs of dir/tests/*.tftest.hcl.
func TestRuns(dir string) ([]TestFile, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "tests", "*.tftest.hcl"))
	if err != nil {
		return nil, err
	}
	sort.Strings(paths)
	var files []TestFile
	for _, p := range paths {
		src, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		f, diags := hclsyntax.ParseConfig(src, filepath.Base(p), hcl.InitialPos)
		if diags.HasErrors() {
			return nil, fmt.Errorf("%s: %s", p, diags.Error())
		}
		tf := TestFile{Name: filepath.Base(p)}
		fileVars := map[string]string{}
		body := f.Body.(*hclsyntax.Body)
		for _, b := range body.Blocks {
			switch b.Type {
			case "variables":
				for name, a := range b.Body.Attributes {
					fileVars[name] = sourceOf(a.Expr, src)
				}
			case "provider":
				tf.Providers = append(tf.Providers, string(b.Range().SliceBytes(src)))
			}
		}
		for _, b := range body.Blocks {
			if b.Type != "run" || len(b.Labels) != 1 {
				continue
			}
			run := TestRun{File: tf.Name, Name: b.Labels[0], Variables: map[string]string{}}
			for k, v := range fileVars {
				run.Variables[k] = v
			}
			if ef, ok := b.Body.Attributes["expect_failures"]; ok {
				tuple, _ := ef.Expr.(*hclsyntax.TupleConsExpr)
				for _, e := range tuple.Exprs {
					run.ExpectFailures = append(run.ExpectFailures, strings.Join(strings.Fields(sourceOf(e, src)), ""))
				}
			}
			for _, vb := range b.Body.Blocks {
				if vb.Type == "variables" {
					for name, a := range vb.Body.Attributes {
						run.Variables[name] = sourceOf(a.Expr, src)
					}
				}
			}
			tf.Runs = append(tf.Runs, run)
		}
		files = append(files, tf)
	}
	return files, nil
}

// eachFile parses each file of dir matching glob, in name order.
func eachFile(dir, glob string, fn func(file string, src []byte, blocks hclsyntax.Blocks)) error {
	paths, err := filepath.Glob(filepath.Join(dir, glob))
	if err != nil {
		return err
	}
	sort.Strings(paths)
	for _, p := range paths {
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		f, diags := hclsyntax.ParseConfig(src, filepath.Base(p), hcl.InitialPos)
		if diags.HasErrors() {
			return fmt.Errorf("%s: %s", p, diags.Error())
		}
		fn(filepath.Base(p), src, f.Body.(*hclsyntax.Body).Blocks)
	}
	return nil
}

// ReplayedRun is a run written as a module call by Replay.
type ReplayedRun struct {
	Run                TestRun
	Call               string // module call name
	StartLine, EndLine int    // its lines in the configuration, end excluded
}

// Replay writes a configuration (one main.tf) calling the module at source
// once per run that keep selects, with the run's variables, under the test
// files' provider blocks: planning it reports every run's failures at once.
func Replay(files []TestFile, source string, keep func(TestRun) bool) ([]ReplayedRun, string) {
	var b strings.Builder
	line := 1
	write := func(s string) {
		b.WriteString(s)
		line += strings.Count(s, "\n")
	}
	seen := map[string]bool{}
	for _, f := range files {
		for _, p := range f.Providers {
			if !seen[p] {
				seen[p] = true
				write(p + "\n\n")
			}
		}
	}
	var runs []ReplayedRun
	for _, f := range files {
		for _, tr := range f.Runs {
			if !keep(tr) {
				continue
			}
			r := ReplayedRun{Run: tr, Call: fmt.Sprintf("row_%d", len(runs)), StartLine: line}
			write(fmt.Sprintf("# %s run %q\nmodule %q {\n  source = %q\n", tr.File, tr.Name, r.Call, source))
			names := make([]string, 0, len(tr.Variables))
			for n := range tr.Variables {
				names = append(names, n)
			}
			sort.Strings(names)
			for _, n := range names {
				write(fmt.Sprintf("  %s = %s\n", n, tr.Variables[n]))
			}
			write("}\n\n")
			r.EndLine = line
			runs = append(runs, r)
		}
	}
	return runs, b.String()
}

// ExpectsFailure selects the bad-input runs for Replay.
func ExpectsFailure(r TestRun) bool { return len(r.ExpectFailures) > 0 }

// ReplayDir writes Replay's configuration for the module in dir, with the
// module's versions.tf (its required providers), into a new temporary
// directory that the caller removes.
func ReplayDir(dir string, files []TestFile, keep func(TestRun) bool) (root string, runs []ReplayedRun, err error) {
	root, err = os.MkdirTemp("", "tfmodule-replay-")
	if err != nil {
		return "", nil, err
	}
	defer func() {
		if err != nil {
			os.RemoveAll(root)
			root = ""
		}
	}()
	abs, err := filepath.Abs(dir)
	if err != nil {
		return root, nil, err
	}
	rel, err := filepath.Rel(root, abs)
	if err != nil {
		return root, nil, err
	}
	versions, err := os.ReadFile(filepath.Join(dir, "versions.tf"))
	if err != nil {
		return root, nil, err
	}
	runs, config := Replay(files, rel, keep)
	if err = os.WriteFile(filepath.Join(root, "versions.tf"), versions, 0o644); err != nil {
		return root, nil, err
	}
	return root, runs, os.WriteFile(filepath.Join(root, "main.tf"), []byte(config), 0o644)
}
