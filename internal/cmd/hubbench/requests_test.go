package main

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestRequestShape(t *testing.T) {
	for _, c := range []struct{ method, path, want string }{
		{"GET", "/api/v1/namespaces/hub-1/secrets", "LIST secrets in a namespace"},
		{"GET", "/api/v1/namespaces/hub-1/secrets/sh.helm.release.v1.hub.v3", "GET one secrets in a namespace"},
		{"GET", "/api/v1/nodes", "LIST nodes"},
		{"GET", "/api/v1/namespaces/hub-1", "GET one namespaces"},
		{"GET", "/apis/rbac.authorization.k8s.io/v1/clusterroles/hub-user-scheduler", "GET one clusterroles"},
		{"PATCH", "/apis/apps/v1/namespaces/hub-1/deployments/hub/status", "PATCH one deployments/status in a namespace"},
		{"GET", "/apis/apps/v1", "GET discovery"},
		{"GET", "/version", "GET /version"},
	} {
		if got := requestShape(c.method, c.path); got != c.want {
			t.Errorf("%s %s: %q, want %q", c.method, c.path, got, c.want)
		}
	}
}

func TestRequestShapes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "requests")
	log := "GET /api/v1/nodes\nGET /api/v1/namespaces/a/secrets\nGET /api/v1/namespaces/b/secrets\nGET /api/v1/nodes\nGET /api/v1/namespaces/a/services/proxy-public\n"
	if err := os.WriteFile(path, []byte(log), 0o644); err != nil {
		t.Fatal(err)
	}
	shapes := requestShapes(path)
	if total(shapes) != 5 {
		t.Errorf("total %d, want 5", total(shapes))
	}
	want := []string{"LIST nodes", "LIST secrets in a namespace", "GET one services in a namespace"}
	if got := topShapes(shapes); !reflect.DeepEqual(got, want) {
		t.Errorf("top shapes %q, want %q", got, want)
	}
	if n := total(requestShapes(filepath.Join(t.TempDir(), "absent"))); n != 0 {
		t.Errorf("a missing log counts %d requests", n)
	}
}
