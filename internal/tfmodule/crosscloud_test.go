package tfmodule

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The cloud modules, which a community moves between by changing the module.
var cloudModules = []string{"gke", "eks", "aks"}

// Outputs every cloud module gives, under the same name and meaning, so that
// a stack's wiring (provider connection, profiles, storage, hubs, images)
// does not change with the cloud.
var sharedOutputs = []string{
	"host", "cluster_ca_certificate", "exec", "connection", "cluster_name", "location",
	"get_credentials_command", "node_pools", "image_registry", "image_builder",
	"home_storage", "hubs", "budget",
}

// Variables every cloud module takes under the same name.
var sharedVariables = []string{
	"name", "community", "labels", "region", "zone", "k8s_versions",
	"network", "core_node_machine_type", "core_node_max_count", "core_node_disk_size_gb",
	"notebook_nodes", "dask_nodes", "image_builder", "hubs", "deletion_protection", "budget",
}

// Fields of a pool (notebook_nodes, dask_nodes entries) every cloud takes alike.
var sharedPoolFields = []string{"machine_type", "min", "max", "spot", "disk_size_gb", "labels", "taints", "gpu", "resource_labels"}

func modulesDir(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "modules"))
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestCloudModulesShareNamesOfVariablesAndOutputs(t *testing.T) {
	for _, cloud := range cloudModules {
		t.Run(cloud, func(t *testing.T) {
			m, err := Load(filepath.Join(modulesDir(t), cloud))
			if err != nil {
				t.Fatal(err)
			}
			outputs := map[string]bool{}
			for _, o := range m.Outputs {
				outputs[o.Name] = true
			}
			for _, name := range sharedOutputs {
				if !outputs[name] {
					t.Errorf("modules/%s has no output %q, which every cloud module gives", cloud, name)
				}
			}
			types := map[string]string{}
			for _, v := range m.Variables {
				types[v.Name] = v.Type
			}
			for _, name := range sharedVariables {
				if _, ok := types[name]; !ok {
					t.Errorf("modules/%s has no variable %q, which every cloud module takes", cloud, name)
				}
			}
			for _, pools := range []string{"notebook_nodes", "dask_nodes"} {
				for _, field := range sharedPoolFields {
					if !regexp.MustCompile(`(?m)^\s*` + field + `\s*=`).MatchString(types[pools]) {
						t.Errorf("modules/%s: %s entries lack the field %q that every cloud's pools take", cloud, pools, field)
					}
				}
			}
		})
	}
}

// machineTypes blanks machine types, the one thing each cloud names its own way.
var machineTypes = regexp.MustCompile(`machine_type\s*=\s*"[^"]*"`)

func TestCloudModulesShareOnePoolMap(t *testing.T) {
	type row struct {
		pools, asserts string
	}
	rows := map[string]row{}
	for _, cloud := range cloudModules {
		dir := filepath.Join(modulesDir(t), cloud)
		files, err := TestRuns(dir)
		if err != nil {
			t.Fatal(err)
		}
		var r row
		for _, f := range files {
			if f.Name != "cross_cloud.tftest.hcl" {
				continue
			}
			for _, run := range f.Runs {
				if run.Name == "same_pools" {
					r.pools = normalise(machineTypes.ReplaceAllString(run.Variables["notebook_nodes"]+"\n"+run.Variables["dask_nodes"], `machine_type = "<cloud's own>"`))
				}
			}
		}
		src, err := os.ReadFile(filepath.Join(dir, "tests", "cross_cloud.tftest.hcl"))
		if err != nil {
			t.Fatalf("modules/%s: %v (every cloud module has the cross-cloud row)", cloud, err)
		}
		_, runBlock, _ := strings.Cut(string(src), `run "same_pools"`)
		r.asserts = normalise(runBlock)
		if r.pools == "" || r.asserts == "" {
			t.Fatalf("modules/%s/tests/cross_cloud.tftest.hcl has no run same_pools with notebook_nodes and dask_nodes", cloud)
		}
		rows[cloud] = r
	}
	first := cloudModules[0]
	for _, cloud := range cloudModules[1:] {
		if rows[cloud].pools != rows[first].pools {
			t.Errorf("modules/%s's cross-cloud pool map differs from modules/%s's beyond machine types:\n%s\nvs\n%s", cloud, first, rows[cloud].pools, rows[first].pools)
		}
		if rows[cloud].asserts != rows[first].asserts {
			t.Errorf("modules/%s's cross-cloud assertions differ from modules/%s's: the same map must give the same node_pools", cloud, first)
		}
	}
}

func normalise(s string) string { return strings.Join(strings.Fields(s), " ") }
