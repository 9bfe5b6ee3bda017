package tfmodule

import (
	"strings"
	"testing"
)

func TestLintAcceptsAWellFormedModule(t *testing.T) {
	m, err := Load("testdata/good")
	if err != nil {
		t.Fatal(err)
	}
	if ps := Lint(m); len(ps) != 0 {
		t.Errorf("problems in a well-formed module: %v", ps)
	}
}

func TestLintNamesEachProblemWhereItIs(t *testing.T) {
	m, err := Load("testdata/bad")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range Lint(m) {
		got = append(got, p.String())
	}
	expect := []string{
		"testdata/bad/main.tf: 1 variable block(s): variables belong in variables.tf",
		"testdata/bad/main.tf: 1 output block(s): outputs belong in outputs.tf",
		`testdata/bad/main.tf:6: output "hidden" description is missing`,
		"testdata/bad/outputs.tf: missing: a module has main.tf, variables.tf, outputs.tf and versions.tf",
		`testdata/bad/variables.tf:1: variable "untyped" has no type`,
		`testdata/bad/variables.tf:5: variable "undescribed" description is missing`,
		`testdata/bad/variables.tf:9: variable "computed_description" description is not a literal string`,
		`testdata/bad/variables.tf:14: variable "blank" description is empty`,
		"testdata/bad/versions.tf: no terraform block",
	}
	all := strings.Join(got, "\n")
	for _, e := range expect {
		if !strings.Contains(all, e) {
			t.Errorf("no problem %q in:\n%s", e, all)
		}
	}
	if len(got) != len(expect) {
		t.Errorf("%d problems, want %d:\n%s", len(got), len(expect), all)
	}
}

func TestMarkdownTables(t *testing.T) {
	m, err := Load("testdata/good")
	if err != nil {
		t.Fatal(err)
	}
	md := Markdown(m)
	for _, want := range []string{
		"| <a name=\"input_name\"></a>`name` | Name of the thing, e.g. `\"hub\"`. | `string` | required |",
		// Heredoc paragraphs become line breaks; pipes are escaped; a
		// multi-line type keeps its lines, dedented, in a <pre>.
		"| <a name=\"input_pools\"></a>`pools` | Pools by name.<br><br>A pipe \\| in text. | <pre>map(object({<br>  min = optional(number, 0)<br>  max = number<br>}))</pre> | `{}` |",
		"| <a name=\"input_token\"></a>`token` | A token. | `string` | `null` (sensitive) |",
		"| <a name=\"output_url\"></a>`url` | Where it is. |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("no row\n%s\nin\n%s", want, md)
		}
	}
}

func TestSpliceReplacesOnlyTheGeneratedSection(t *testing.T) {
	readme := "# x\n\nhand\n\n" + BeginMarker + "\nstale\n" + EndMarker + "\n\nmore hand\n"
	got, err := Splice(readme, "fresh\n")
	if err != nil {
		t.Fatal(err)
	}
	want := "# x\n\nhand\n\n" + BeginMarker + "\nfresh\n" + EndMarker + "\n\nmore hand\n"
	if got != want {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
	again, _ := Splice(got, "fresh\n")
	if again != got {
		t.Error("splicing the same tables twice changed the README")
	}
	if _, err := Splice("# no markers\n", "x"); err == nil || !strings.Contains(err.Error(), BeginMarker) {
		t.Errorf("a README without markers: err = %v, want one naming the markers", err)
	}
}

func TestRulesListsValidationsAndPreconditions(t *testing.T) {
	rules, err := Rules("testdata/good")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rules {
		got = append(got, r.String()+" "+r.Message)
	}
	want := []string{
		"null_resource.this (main.tf:3) ", // the message interpolates: not a literal
		"var.name (variables.tf:5) name must be at least 3 characters.",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("rules:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestReplayWritesOneModuleCallPerExpectedFailure(t *testing.T) {
	files, err := TestRuns("testdata/good")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(files[0].Runs); n != 3 {
		t.Fatalf("%d runs read, want 3", n)
	}
	runs, config := Replay(files, "../mod", ExpectsFailure)
	if len(runs) != 2 || runs[0].Run.Name != "short_name" || runs[1].Run.Name != "reserved" {
		t.Fatalf("runs %+v, want short_name and reserved (the run without expect_failures is left out)", runs)
	}
	if got := runs[1].Run.ExpectFailures; len(got) != 1 || got[0] != "null_resource.this" {
		t.Errorf("expect_failures %v", got)
	}
	want := "provider \"null\" {}\n\n" +
		"# bad.tftest.hcl run \"short_name\"\nmodule \"row_0\" {\n  source = \"../mod\"\n  name = \"x\"\n}\n\n" +
		"# bad.tftest.hcl run \"reserved\"\nmodule \"row_1\" {\n  source = \"../mod\"\n  name = \"admin\"\n  pools = { a = { max = 1 } }\n}\n\n"
	if config != want {
		t.Errorf("config:\n%s\nwant:\n%s", config, want)
	}
	// Lines let errors be traced back to their run.
	if runs[0].StartLine != 3 || runs[0].EndLine != 9 || runs[1].StartLine != 9 {
		t.Errorf("lines: %+v", runs)
	}
}
