// Command validationcheck shows that every validation block and precondition
// of a module fires, with its own message, on the bad-input rows of its tests.
//
// `terraform test` proves that a run with expect_failures = [var.x] fails on
// var.x, but not which of var.x's validation blocks failed, nor with what
// message: expected failures are swallowed. So this replays every such run of
// DIR/tests/*.tftest.hcl as a module call in one generated configuration,
// plans it once with -json, and matches each error to its rule (Terraform says
// "This was checked by the validation rule at FILE:LINE") and to its row (the
// module call it points at). It fails when a rule never fires, when a row
// trips anything but one rule of the target it expects, or on any other error.
//
//	go run ./internal/cmd/validationcheck -cli tools/bin/terraform modules/gke
//
// The CLI configuration (mirror, overrides) comes from TF_CLI_CONFIG_FILE.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/tfmodule"
)

func main() {
	cli := flag.String("cli", "terraform", "Terraform or OpenTofu binary")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: validationcheck [-cli PATH] DIR")
		os.Exit(2)
	}
	if err := run(*cli, flag.Arg(0)); err != nil {
		fmt.Fprintln(os.Stderr, "validationcheck:", err)
		os.Exit(1)
	}
}

type row struct {
	tfmodule.ReplayedRun
	fired map[int]string
}

type diagnostic struct {
	Severity string `json:"severity"`
	Summary  string `json:"summary"`
	Detail   string `json:"detail"`
	Range    *struct {
		Filename string `json:"filename"`
		Start    struct {
			Line int `json:"line"`
		} `json:"start"`
	} `json:"range"`
}

var checkedAt = regexp.MustCompile(`(?s)^(.*)\n\nThis was checked by the validation rule at (.+):(\d+),\d+-\d+\.$`)

func run(cli, dir string) error {
	started := time.Now()
	cli, err := filepath.Abs(cli)
	if err != nil {
		return err
	}
	rules, err := tfmodule.Rules(dir)
	if err != nil {
		return err
	}
	files, err := tfmodule.TestRuns(dir)
	if err != nil {
		return err
	}
	if len(rules) == 0 {
		fmt.Printf("validationcheck: %s has no validation rules\n", dir)
		return nil
	}
	// Two plans: invalid variables stop a plan before any resource is
	// planned, so rows aimed at preconditions go in a plan of their own.
	onVariables := func(r tfmodule.TestRun) bool {
		return tfmodule.ExpectsFailure(r) && strings.HasPrefix(r.ExpectFailures[0], "var.")
	}
	onResources := func(r tfmodule.TestRun) bool { return tfmodule.ExpectsFailure(r) && !onVariables(r) }

	var problems []string
	rulesFired := map[int]bool{}
	var rows []*row
	for _, keep := range []func(tfmodule.TestRun) bool{onVariables, onResources} {
		group, diags, err := plan(cli, dir, files, keep)
		if err != nil {
			return err
		}
		rows = append(rows, group...)
		for _, d := range diags {
			i, message, ok := matchRule(rules, d)
			if !ok {
				problems = append(problems, fmt.Sprintf("an error no rule explains (fix the row or the module): %s: %s", d.Summary, d.Detail))
				continue
			}
			rulesFired[i] = true
			if rules[i].Message != "" && message != rules[i].Message {
				problems = append(problems, fmt.Sprintf("%s fired with %q, not its error_message %q", rules[i], message, rules[i].Message))
			}
			if r := rowAt(group, d); r != nil {
				r.fired[i] = message
			} else if strings.HasPrefix(rules[i].Target, "var.") {
				problems = append(problems, fmt.Sprintf("%s fired outside any row: %s", rules[i], d.Detail))
			}
		}
	}
	if len(rows) == 0 {
		return fmt.Errorf("%s: no run with expect_failures in tests/*.tftest.hcl: add one bad-input row per rule", dir)
	}
	for i, r := range rules {
		if !rulesFired[i] {
			problems = append(problems, fmt.Sprintf("%s never fired: add a run with expect_failures = [%s] whose input breaks it", r, r.Target))
		}
	}
	for _, r := range rows {
		if !strings.HasPrefix(r.Run.ExpectFailures[0], "var.") {
			continue // a precondition names no row: it was matched by its place above
		}
		switch {
		case len(r.fired) == 0:
			problems = append(problems, fmt.Sprintf("%s run %q: no validation rule fired", r.Run.File, r.Run.Name))
		case len(r.fired) > 1:
			problems = append(problems, fmt.Sprintf("%s run %q trips %d rules: make it break exactly one", r.Run.File, r.Run.Name, len(r.fired)))
		default:
			for i := range r.fired {
				if !slices.Contains(r.Run.ExpectFailures, rules[i].Target) {
					problems = append(problems, fmt.Sprintf("%s run %q expects %v but trips %s", r.Run.File, r.Run.Name, r.Run.ExpectFailures, rules[i]))
				}
			}
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return fmt.Errorf("%s:\n  %s", dir, strings.Join(problems, "\n  "))
	}
	fmt.Printf("validationcheck: %s: each of %d rules fired with its message (%d rows, %.1fs)\n",
		dir, len(rules), len(rows), time.Since(started).Seconds())
	return nil
}

// plan replays the runs keep selects in a configuration of their own and
// returns the errors of its plan.
func plan(cli, dir string, files []tfmodule.TestFile, keep func(tfmodule.TestRun) bool) ([]*row, []*diagnostic, error) {
	root, replayed, err := tfmodule.ReplayDir(dir, files, keep)
	if err != nil {
		return nil, nil, err
	}
	defer os.RemoveAll(root)
	if len(replayed) == 0 {
		return nil, nil, nil
	}
	rows := make([]*row, len(replayed))
	for i, r := range replayed {
		rows[i] = &row{ReplayedRun: r, fired: map[int]string{}}
	}
	env := append(os.Environ(), "TF_DATA_DIR="+filepath.Join(root, ".terraform"))
	initCmd := exec.Command(cli, "init", "-backend=false", "-input=false", "-no-color")
	initCmd.Dir, initCmd.Env = root, env
	if out, err := initCmd.CombinedOutput(); err != nil {
		return nil, nil, fmt.Errorf("init of the generated configuration: %v\n%s", err, out)
	}
	planCmd := exec.Command(cli, "plan", "-json", "-input=false", "-lock=false", "-refresh=false")
	planCmd.Dir, planCmd.Env = root, env
	var stdout bytes.Buffer
	planCmd.Stdout, planCmd.Stderr = &stdout, os.Stderr
	_ = planCmd.Run() // it must fail; what matters is why

	var diags []*diagnostic
	sc := bufio.NewScanner(&stdout)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var msg struct {
			Type       string      `json:"type"`
			Diagnostic *diagnostic `json:"diagnostic"`
		}
		if json.Unmarshal(sc.Bytes(), &msg) == nil && msg.Type == "diagnostic" && msg.Diagnostic.Severity == "error" {
			diags = append(diags, msg.Diagnostic)
		}
	}
	return rows, diags, sc.Err()
}

// matchRule finds the rule behind an error and the message it gave.
func matchRule(rules []tfmodule.Rule, d *diagnostic) (int, string, bool) {
	if m := checkedAt.FindStringSubmatch(d.Detail); m != nil {
		for i, r := range rules {
			if filepath.Base(m[2]) == r.File && fmt.Sprint(r.Range.Start.Line) == m[3] {
				return i, m[1], true
			}
		}
		return 0, "", false
	}
	if (d.Summary == "Resource precondition failed" || d.Summary == "Resource postcondition failed") && d.Range != nil {
		for i, r := range rules {
			if filepath.Base(d.Range.Filename) == r.File && r.Range.Start.Line <= d.Range.Start.Line && d.Range.Start.Line <= r.Range.End.Line {
				return i, d.Detail, true
			}
		}
	}
	return 0, "", false
}

func rowAt(rows []*row, d *diagnostic) *row {
	if d.Range == nil || filepath.Base(d.Range.Filename) != "main.tf" || strings.Contains(d.Range.Filename, string(filepath.Separator)) {
		return nil
	}
	for _, r := range rows {
		if r.StartLine <= d.Range.Start.Line && d.Range.Start.Line < r.EndLine {
			return r
		}
	}
	return nil
}
