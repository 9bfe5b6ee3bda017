package hubvalues

import "github.com/2i2c-org/terraform-provider-twoi2chub/internal/validate"

// Pull secrets: registry credentials for private images, as names of
// existing kubernetes.io/dockerconfigjson Secrets in the hub's namespace
// (z2jh's chart-wide imagePullSecrets, which reach every pod of the chart,
// the image puller's included, and users' servers through KubeSpawner).
// The credentials stay in the Secrets: values name them only.

func renderPullSecrets(h *Hub, b *builder) {
	if len(h.ImagePullSecrets) > 0 {
		b.set(AttrPath{"image_pull_secrets"}, SortedList(h.ImagePullSecrets), "imagePullSecrets")
	}
}

func parsePullSecrets(v Values, h *Hub) {
	if names := stringList(lookup(v, "imagePullSecrets")); len(names) > 0 {
		h.ImagePullSecrets = names
	}
}

func checkPullSecretsFields(h Hub, ps *problems) {
	for _, name := range h.ImagePullSecrets {
		ps.field(AttrPath{"image_pull_secrets"}, name, validate.ObjectName)
	}
}
