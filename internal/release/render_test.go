package release

import (
	"errors"
	"strings"
	"testing"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/z2jhtest"
)

// TestRenderRealChart renders the real chart as Helm would: its objects, the
// hooks, and the cluster-wide objects named after the release.
func TestRenderRealChart(t *testing.T) {
	ch := z2jhtest.Chart(t)
	m, err := Render(ch, nil, "hackweek", "hackweek")
	if err != nil {
		t.Fatal(err)
	}
	var names, hooks, cluster []string
	for _, o := range m.Objects {
		names = append(names, o.String())
		if o.Hook != "" {
			hooks = append(hooks, o.String()+" ("+o.Hook+")")
		}
	}
	for _, o := range m.ClusterScoped() {
		cluster = append(cluster, o.String())
	}
	t.Logf("objects: %s\nhooks: %s\ncluster-scoped: %s", strings.Join(names, ", "), strings.Join(hooks, ", "), strings.Join(cluster, ", "))
	for _, want := range []string{"Deployment hub", "Deployment proxy", "Service proxy-public"} {
		if !strings.Contains(strings.Join(names, ","), want) {
			t.Errorf("rendered objects lack %s", want)
		}
	}
	if !strings.Contains(strings.Join(hooks, ","), "Job hook-image-awaiter (pre-install,pre-upgrade)") {
		t.Errorf("hooks: %v", hooks)
	}
	if strings.Join(cluster, ",") != "ClusterRole hackweek-user-scheduler,ClusterRoleBinding hackweek-user-scheduler" {
		t.Errorf("cluster-scoped objects: %v", cluster)
	}
}

// TestRenderErrorIsARenderError: an image name with a digest and no tag, as the
// chart's image puller templates it (name:tag), is YAML that does not parse.
func TestRenderErrorIsARenderError(t *testing.T) {
	ch := z2jhtest.Chart(t)
	values := map[string]any{"singleuser": map[string]any{"image": map[string]any{
		"name": "registry.example.org/env@sha256:" + strings.Repeat("a", 64), "tag": ""}}}
	_, err := Render(ch, values, "ns", "hub")
	var re *RenderError
	if !errors.As(err, &re) || !strings.Contains(err.Error(), "image-puller") {
		t.Fatalf("want a RenderError naming the image puller template, got %v", err)
	}
}

func BenchmarkRenderRealChart(b *testing.B) {
	ch := z2jhtest.Chart(b)
	for b.Loop() {
		if _, err := Render(ch, nil, "ns", "hub"); err != nil {
			b.Fatal(err)
		}
	}
}
