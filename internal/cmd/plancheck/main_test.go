package main

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestCheckLabelsWalksNestedBlocksAndSkipsNonBillingMaps(t *testing.T) {
	var block schemaBlock
	schema := `{
	  "attributes": {"name": {}, "resource_labels": {}},
	  "block_types": {"node_config": {"block": {"attributes": {"labels": {}, "resource_labels": {}}}}}
	}`
	if err := json.Unmarshal([]byte(schema), &block); err != nil {
		t.Fatal(err)
	}
	var after, unknown any
	_ = json.Unmarshal([]byte(`{
	  "name": "x",
	  "resource_labels": {"twoi2chub-community": "c"},
	  "node_config": [
	    {"labels": {"hub.jupyter.org/node-purpose": "user"}, "resource_labels": {"other": "v"}},
	    {"labels": {}, "resource_labels": null}
	  ]
	}`), &after)
	_ = json.Unmarshal([]byte(`{"node_config": [{}, {"resource_labels": true}]}`), &unknown)

	got := checkLabels("google_container_node_pool", "", block, after, unknown, "twoi2chub-community")
	want := []string{
		"", // top-level resource_labels carries it
		"node_config.resource_labels lacks the label twoi2chub-community",
		"node_config.resource_labels is unknown at plan",
	}
	// Kubernetes node labels (node_config.labels) are not billing labels: not checked.
	if !reflect.DeepEqual(got, want) {
		t.Errorf("checkLabels = %q, want %q", got, want)
	}
}

func TestCheckLabelsReadsTagsAndSkipsEKSNodeLabels(t *testing.T) {
	var block schemaBlock
	if err := json.Unmarshal([]byte(`{"attributes": {"labels": {}, "tags": {}, "tags_all": {}}}`), &block); err != nil {
		t.Fatal(err)
	}
	var after any
	_ = json.Unmarshal([]byte(`{"labels": {"hub.jupyter.org/node-purpose": "user"}, "tags": {"Name": "x"}, "tags_all": {}}`), &after)
	got := checkLabels("aws_eks_node_group", "", block, after, nil, "twoi2chub-community")
	// tags are checked; the node group's Kubernetes labels and the computed tags_all are not.
	want := []string{"tags lacks the label twoi2chub-community"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("checkLabels = %q, want %q", got, want)
	}
}
