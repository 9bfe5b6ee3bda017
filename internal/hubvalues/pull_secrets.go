package hubvalues

import (
	"fmt"
	"strings"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/validate"
)

// Pull secrets: registry credentials for private images, as names of
// kubernetes.io/dockerconfigjson Secrets in the hub's namespace (z2jh's
// chart-wide imagePullSecrets, which reach every pod of the chart, the
// image puller's included, and users' servers through KubeSpawner). The
// credentials stay in the Secrets: values name them only.
//
// A Secret in another namespace (a twoi2chub_user_image's push Secret in
// the builder namespace) is named in image_pull_secrets_from: the provider
// copies it into the hub's namespace under a name that says where it came
// from, so that values alone give the source back on import and drift.

// PullSecretSource is a pull secret in another namespace.
type PullSecretSource struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
}

// pullSecretCopyPrefix starts the names of the provider's copies. A
// namespace has no dots, so the first dot after it ends the namespace.
const pullSecretCopyPrefix = "twoi2chub-pull."

// PullSecretCopyName is the name of s's copy in the hub's namespace.
func PullSecretCopyName(s PullSecretSource) string {
	return pullSecretCopyPrefix + s.Namespace + "." + s.Name
}

// pullSecretSource is the source of a copy's name; ok is false for a name
// that is no copy.
func pullSecretSource(name string) (s PullSecretSource, ok bool) {
	rest, ok := strings.CutPrefix(name, pullSecretCopyPrefix)
	if !ok {
		return s, false
	}
	s.Namespace, s.Name, ok = strings.Cut(rest, ".")
	return s, ok && s.Namespace != "" && s.Name != ""
}

func renderPullSecrets(h *Hub, b *builder) {
	names := append([]string(nil), h.ImagePullSecrets...)
	for _, s := range h.ImagePullSecretsFrom {
		names = append(names, PullSecretCopyName(s))
	}
	if len(names) == 0 {
		return
	}
	at := AttrPath{"image_pull_secrets"}
	if len(h.ImagePullSecrets) == 0 {
		at = AttrPath{"image_pull_secrets_from"}
	}
	b.set(at, SortedList(names), "imagePullSecrets")
}

func parsePullSecrets(v Values, h *Hub) {
	for _, name := range stringList(lookup(v, "imagePullSecrets")) {
		if s, ok := pullSecretSource(name); ok {
			h.ImagePullSecretsFrom = append(h.ImagePullSecretsFrom, s)
		} else {
			h.ImagePullSecrets = append(h.ImagePullSecrets, name)
		}
	}
}

func checkPullSecretsFields(h Hub, ps *problems) {
	for _, name := range h.ImagePullSecrets {
		ps.field(AttrPath{"image_pull_secrets"}, name, validate.ObjectName)
		if _, ok := pullSecretSource(name); ok {
			ps.field(AttrPath{"image_pull_secrets"}, name, func(string) error {
				return fmt.Errorf("names starting %q are the provider's copies of image_pull_secrets_from: name the source there instead", pullSecretCopyPrefix)
			})
		}
	}
	for i, s := range h.ImagePullSecretsFrom {
		at := AttrPath{"image_pull_secrets_from", i}
		ps.field(append(at, "namespace"), s.Namespace, validate.Namespace)
		ps.field(append(at, "name"), s.Name, validate.ObjectName)
		ps.field(append(at, "name"), PullSecretCopyName(s), func(copyName string) error {
			if len(copyName) > 253 {
				return fmt.Errorf("its copy in the hub's namespace, %q, would be longer than a Secret name may be (253 characters): use a shorter name", copyName)
			}
			return nil
		})
	}
}
