package release

import (
	"context"
	"sort"
	"strconv"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// LatestOf reads the latest revision of several releases of one namespace
// with a single request, whatever their number: one LIST of their revision
// Secrets, leaving out superseded revisions (never the latest) so that the
// response holds at most a few records per release. Releases not found are
// missing from the map.
func (c *Client) LatestOf(ctx context.Context, namespace string, names []string) (map[string]*Info, error) {
	out := map[string]*Info{}
	if len(names) == 0 {
		return out, nil
	}
	sorted := append([]string(nil), names...)
	sort.Strings(sorted)
	list, err := c.clientset.CoreV1().Secrets(namespace).List(ctx, metav1.ListOptions{
		LabelSelector: "owner=helm,status!=superseded,name in (" + strings.Join(sorted, ",") + ")",
	})
	if err != nil {
		return nil, err
	}
	newest := map[string]int{}
	for i := range list.Items {
		s := &list.Items[i]
		name := s.Labels["name"]
		v, err := strconv.Atoi(s.Labels["version"])
		if err != nil {
			continue
		}
		if prev, seen := newest[name]; seen && prev >= v {
			continue
		}
		info, err := decodeInfo(s.Data["release"])
		if err != nil {
			return nil, err
		}
		newest[name], out[name] = v, info
	}
	return out, nil
}
