package hubvalues

import (
	"sort"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/validate"
)

// Users' cloud identity: the Kubernetes ServiceAccount user servers run as
// (singleuser.serviceAccountName), which a cloud binds to one of its own
// identities through an annotation (GKE Workload Identity's
// iam.gke.io/gcp-service-account, EKS's eks.amazonaws.com/role-arn, AKS's
// azure.workload.identity/client-id).
//
// z2jh creates no ServiceAccount for user servers, so when the provider is
// to create it, the values carry it under custom.twoi2chub, which the chart
// leaves alone and the provider's own template (release.WithUserServiceAccount)
// turns into a ServiceAccount of the release: Helm then creates, updates and
// deletes it with the hub, and a changed annotation is a changed value.

// UserServiceAccount is the ServiceAccount user servers run as.
type UserServiceAccount struct {
	Name        string            `json:"name"`
	Create      *bool             `json:"create,omitempty"` // default true
	Annotations map[string]string `json:"annotations"`
	// Whether users reach the cloud's metadata server (GKE Workload
	// Identity's tokens come from there) is the hub's block_cloud_metadata.
}

// creates reports whether the release creates the ServiceAccount.
func (s *UserServiceAccount) creates() bool { return s.Create == nil || *s.Create }

// chartServiceAccounts are the ServiceAccounts z2jh 4 creates itself: a user
// ServiceAccount of the same name would be a second object of the release.
var chartServiceAccounts = []string{"hub", "user-scheduler", "autohttps", "hook-image-awaiter", "hook-image-puller", "continuous-image-puller"}

func renderUserServiceAccount(h *Hub, b *builder) {
	s := h.UserServiceAccount
	if s == nil {
		return
	}
	a := func(name string) AttrPath { return AttrPath{"user_service_account", name} }
	b.set(a("name"), s.Name, "singleuser", "serviceAccountName")
	if s.creates() {
		sa := map[string]any{"name": s.Name}
		if len(s.Annotations) > 0 {
			ann := map[string]any{}
			for k, v := range s.Annotations {
				ann[k] = v
			}
			sa["annotations"] = ann
		}
		b.set(a("create"), sa, "custom", "twoi2chub", "userServiceAccount")
	}
}

func parseUserServiceAccount(v Values, h *Hub) {
	name, ok := lookupString(v, "singleuser", "serviceAccountName")
	if !ok || name == "" {
		return
	}
	s := &UserServiceAccount{Name: name}
	sa := asMap(lookupAny(v, "custom", "twoi2chub", "userServiceAccount"))
	if sa["name"] != name {
		s.Create = new(bool) // made elsewhere
	} else {
		for k, val := range asMap(sa["annotations"]) {
			if str, ok := val.(string); ok {
				if s.Annotations == nil {
					s.Annotations = map[string]string{}
				}
				s.Annotations[k] = str
			}
		}
	}
	h.UserServiceAccount = s
}

func checkUserServiceAccountFields(h Hub, ps *problems) {
	s := h.UserServiceAccount
	if s == nil {
		return
	}
	ps.field(AttrPath{"user_service_account", "name"}, s.Name, validate.ObjectName)
	keys := make([]string, 0, len(s.Annotations))
	for k := range s.Annotations {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		ps.field(AttrPath{"user_service_account", "annotations", k}, k, validate.AnnotationKey)
	}
}

func checkUserServiceAccount(h Hub, ps *problems) {
	s := h.UserServiceAccount
	if s == nil {
		return
	}
	if !s.creates() && len(s.Annotations) > 0 {
		ps.add(AttrPath{"user_service_account", "annotations"}, "Setting not used",
			"`annotations` are put on a ServiceAccount the hub creates, and `create = false` says it exists already: annotate the "+
				"existing ServiceAccount %q where it is made, or set `create = true` and let the hub make it.", s.Name)
	}
	if s.creates() {
		for _, reserved := range chartServiceAccounts {
			if s.Name == reserved {
				ps.add(AttrPath{"user_service_account", "name"}, "Name taken by the chart",
					"The chart creates a ServiceAccount named %q for its own pods; name the users' ServiceAccount otherwise, e.g. \"user\".", s.Name)
			}
		}
	}
}
