package main

import (
	"strings"
	"testing"
)

// supportResult is 10 hubs planned with and without the support services,
// the hubs reading hubReads release records each beside it and the support
// supportReads requests of its own as the API server counts them, logged
// as its request log shows them.
func supportResult(hubReads, supportReleaseReads, supportReads, logged int64) map[int]*result {
	return map[int]*result{10: {
		kind: "twoi2chub", hubs: 10,
		noop:        []plan{{secretRequests: 10, reads: 10}},
		noopSupport: []plan{{secretRequests: 10*hubReads + supportReleaseReads, reads: 10*hubReads + supportReads}},
		supportOwn:  []plan{{secretRequests: supportReleaseReads, reads: supportReads, ownRequests: map[string]int64{"LIST secrets in a namespace": logged}}},
	}}
}

func TestReportSupportFailsOnExtraReads(t *testing.T) {
	for _, c := range []struct {
		name                                         string
		hubReads, supportRelease, supportAll, logged int64
		ok                                           bool
	}{
		{"as without the support", 1, 1, 3, 3, true},
		{"a hub reads more beside the support", 2, 1, 3, 3, false},
		{"the support reads a release per component", 1, 5, 7, 7, false},
		{"the support reads more than its three objects", 1, 1, 4, 3, false},
		{"the support's request log shows more than three", 1, 1, 3, 4, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			var out strings.Builder
			ok := reportSupport(&out, []int{10}, supportResult(c.hubReads, c.supportRelease, c.supportAll, c.logged))
			if ok != c.ok || strings.Contains(out.String(), "NOT met") == c.ok {
				t.Errorf("reportSupport = %v, want %v:\n%s", ok, c.ok, out.String())
			}
		})
	}
}

func TestTestbedReadLeavesTheProvidersReads(t *testing.T) {
	for labels, want := range map[string]bool{
		`group="",resource="secrets",scope="namespace",subresource="",verb="LIST",version="v1"`:                      false,
		`group="apiextensions.k8s.io",resource="customresourcedefinitions",scope="cluster",verb="LIST",version="v1"`: false,
		`group="",resource="services",scope="resource",subresource="",verb="GET",version="v1"`:                       false,
		`group="coordination.k8s.io",resource="leases",scope="resource",subresource="",verb="GET",version="v1"`:      true,
		`group="",resource="persistentvolumeclaims",scope="cluster",subresource="",verb="LIST",version="v1"`:         true,
		`group="",resource="pods",scope="cluster",subresource="",verb="LIST",version="v1"`:                           true,
		`group="",resource="",scope="",subresource="openapi/v3",verb="GET",version=""`:                               true,
	} {
		if got := testbedRead(labels); got != want {
			t.Errorf("testbedRead(%s) = %v, want %v", labels, got, want)
		}
	}
}
