// Command plancheck plans one run of a module's tests and checks the whole
// plan (`show -json`) where `terraform test` assertions cannot reach: every
// planned resource whose schema takes labels (or tags) carries the given label, and
// named resources are planned while named attributes are still unknown.
//
//	go run ./internal/cmd/plancheck -cli tools/bin/tofu -run stack.tftest.hcl:defaults \
//	  -label twoi2chub-community -create twoi2chub_hub.this \
//	  -unknown module.gke.google_container_cluster.this:endpoint examples/stacks/gke
//
// Addresses are relative to the module. The CLI configuration comes from
// TF_CLI_CONFIG_FILE, as for validationcheck.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/tfmodule"
)

type list []string

func (l *list) String() string     { return strings.Join(*l, ",") }
func (l *list) Set(v string) error { *l = append(*l, v); return nil }

// Maps named like labels that are not billing labels.
var notBillingLabels = map[string]bool{
	"google_monitoring_notification_channel:labels": true, // the channel's settings (email_address)
	"google_container_cluster:node_config.labels":   true, // Kubernetes node labels
	"google_container_node_pool:node_config.labels": true,
	"google_billing_budget:budget_filter.labels":    true, // which costs the budget counts
	"aws_eks_node_group:labels":                     true, // Kubernetes node labels
	// Which URL the uptime check probes (project_id, host).
	"google_monitoring_uptime_check_config:monitored_resource.labels": true,
}

// Billing label maps: Google's labels, AWS's and Azure's tags.
var labelAttributes = map[string]bool{"labels": true, "resource_labels": true, "user_labels": true, "tags": true}

func main() {
	cli := flag.String("cli", "terraform", "Terraform or OpenTofu binary")
	runRef := flag.String("run", "", "FILE:RUN, a run of DIR/tests whose variables to plan with")
	label := flag.String("label", "", "label key every labelled resource must carry")
	var creates, unknowns list
	flag.Var(&creates, "create", "ADDRESS that must be planned for creation (repeatable)")
	flag.Var(&unknowns, "unknown", "ADDRESS:ATTRIBUTE that must be unknown in the plan (repeatable)")
	flag.Parse()
	if flag.NArg() != 1 || *runRef == "" {
		fmt.Fprintln(os.Stderr, "usage: plancheck -cli PATH -run FILE:RUN [-label KEY] [-create ADDR]... [-unknown ADDR:ATTR]... DIR")
		os.Exit(2)
	}
	if err := run(*cli, flag.Arg(0), *runRef, *label, creates, unknowns); err != nil {
		fmt.Fprintln(os.Stderr, "plancheck:", err)
		os.Exit(1)
	}
}

type schemaBlock struct {
	Attributes map[string]json.RawMessage `json:"attributes"`
	BlockTypes map[string]struct {
		Block schemaBlock `json:"block"`
	} `json:"block_types"`
}

type planJSON struct {
	ResourceChanges []struct {
		Address string `json:"address"`
		Mode    string `json:"mode"`
		Type    string `json:"type"`
		Change  struct {
			Actions      []string        `json:"actions"`
			After        json.RawMessage `json:"after"`
			AfterUnknown json.RawMessage `json:"after_unknown"`
		} `json:"change"`
	} `json:"resource_changes"`
}

func run(cli, dir, runRef, label string, creates, unknowns []string) error {
	cli, err := filepath.Abs(cli)
	if err != nil {
		return err
	}
	file, name, _ := strings.Cut(runRef, ":")
	files, err := tfmodule.TestRuns(dir)
	if err != nil {
		return err
	}
	root, runs, err := tfmodule.ReplayDir(dir, files, func(r tfmodule.TestRun) bool { return r.File == file && r.Name == name })
	if err != nil {
		return err
	}
	defer os.RemoveAll(root)
	if len(runs) != 1 {
		return fmt.Errorf("%s: no run %q in tests/%s", dir, name, file)
	}
	prefix := "module." + runs[0].Call + "."
	tf := func(args ...string) ([]byte, error) {
		c := exec.Command(cli, args...)
		c.Dir, c.Env = root, append(os.Environ(), "TF_DATA_DIR="+filepath.Join(root, ".terraform"))
		var stderr strings.Builder
		c.Stderr = &stderr
		out, err := c.Output()
		if err != nil {
			return nil, fmt.Errorf("%s %s: %v\n%s%s", filepath.Base(cli), args[0], err, out, stderr.String())
		}
		return out, nil
	}
	if _, err := tf("init", "-backend=false", "-input=false", "-no-color"); err != nil {
		return err
	}
	if _, err := tf("plan", "-input=false", "-lock=false", "-refresh=false", "-no-color", "-out=plan.bin"); err != nil {
		return err
	}
	showOut, err := tf("show", "-json", "plan.bin")
	if err != nil {
		return err
	}
	schemaOut, err := tf("providers", "schema", "-json")
	if err != nil {
		return err
	}
	var plan planJSON
	if err := json.Unmarshal(showOut, &plan); err != nil {
		return err
	}
	var schemas struct {
		ProviderSchemas map[string]struct {
			ResourceSchemas map[string]struct {
				Block schemaBlock `json:"block"`
			} `json:"resource_schemas"`
		} `json:"provider_schemas"`
	}
	if err := json.Unmarshal(schemaOut, &schemas); err != nil {
		return err
	}
	blockOf := map[string]schemaBlock{}
	for _, p := range schemas.ProviderSchemas {
		for t, s := range p.ResourceSchemas {
			blockOf[t] = s.Block
		}
	}

	var problems []string
	planned, labelled := 0, 0
	created := map[string]bool{}
	for _, rc := range plan.ResourceChanges {
		if rc.Mode != "managed" || len(rc.Change.Actions) == 0 || rc.Change.Actions[0] == "delete" {
			continue
		}
		planned++
		addr := strings.TrimPrefix(rc.Address, prefix)
		if slices.Contains(rc.Change.Actions, "create") {
			created[addr] = true
		}
		var after, unknown any
		_ = json.Unmarshal(rc.Change.After, &after)
		_ = json.Unmarshal(rc.Change.AfterUnknown, &unknown)
		for _, u := range unknowns {
			if a, attr, _ := strings.Cut(u, ":"); a == addr {
				if m, _ := unknown.(map[string]any); m[attr] != true {
					problems = append(problems, fmt.Sprintf("%s.%s is known in the plan, expected unknown", addr, attr))
				}
			}
		}
		if label == "" {
			continue
		}
		found := checkLabels(rc.Type, "", blockOf[rc.Type], after, unknown, label)
		if len(found) > 0 {
			labelled++
		}
		for _, f := range found {
			if f != "" {
				problems = append(problems, fmt.Sprintf("%s: %s", addr, f))
			}
		}
	}
	for _, c := range creates {
		if !created[c] {
			problems = append(problems, fmt.Sprintf("%s is not planned for creation", c))
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return fmt.Errorf("%s run %s:\n  %s", dir, runRef, strings.Join(problems, "\n  "))
	}
	fmt.Printf("plancheck: %s run %s: %d resources planned", dir, runRef, planned)
	if label != "" {
		fmt.Printf(", the %d that take labels all carry %s", labelled, label)
	}
	if len(creates) > 0 {
		fmt.Printf("; %s planned", strings.Join(creates, ", "))
	}
	if len(unknowns) > 0 {
		fmt.Printf(" while %s unknown", strings.Join(unknowns, ", "))
	}
	fmt.Println()
	return nil
}

// checkLabels returns one entry per billing-label map found under block
// (nested blocks included): "" when it carries label, else what is wrong.
func checkLabels(typ, path string, block schemaBlock, after, unknown any, label string) []string {
	var found []string
	obj, _ := after.(map[string]any)
	unk, _ := unknown.(map[string]any)
	for name := range block.Attributes {
		at := path + name
		if !labelAttributes[name] || notBillingLabels[typ+":"+at] {
			continue
		}
		// Google's `tags` are network tags or resource-manager tags, not
		// billing labels (those are its `labels`).
		if name == "tags" && strings.HasPrefix(typ, "google_") {
			continue
		}
		switch v := obj[name].(type) {
		case map[string]any:
			if _, ok := v[label]; ok {
				found = append(found, "")
			} else {
				found = append(found, fmt.Sprintf("%s lacks the label %s", at, label))
			}
		default:
			if unk[name] == true {
				found = append(found, fmt.Sprintf("%s is unknown at plan", at))
			} else {
				found = append(found, fmt.Sprintf("%s is not set: give it the module's labels", at))
			}
		}
	}
	for name, bt := range block.BlockTypes {
		items, _ := obj[name].([]any)
		unkItems, _ := unk[name].([]any)
		for i, item := range items {
			var u any
			if i < len(unkItems) {
				u = unkItems[i]
			}
			found = append(found, checkLabels(typ, path+name+".", bt.Block, item, u, label)...)
		}
	}
	return found
}
