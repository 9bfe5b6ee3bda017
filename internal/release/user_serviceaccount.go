package release

import (
	"slices"

	"helm.sh/helm/v3/pkg/chart"
)

// userServiceAccountTemplate makes the ServiceAccount users' servers run as
// (singleuser.serviceAccountName), which z2jh does not create, from the
// provider-owned values key custom.twoi2chub.userServiceAccount (see
// hubvalues/cloud.go). Being a template of the release, the ServiceAccount is
// created, updated, rolled back and deleted by Helm with the hub.
const userServiceAccountTemplate = `{{- with (.Values.custom | default dict).twoi2chub }}{{- with .userServiceAccount }}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ .name | quote }}
  labels:
    app.kubernetes.io/component: singleuser-server
    app.kubernetes.io/managed-by: terraform-provider-twoi2chub
  {{- with .annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}{{- end }}
`

// UserServiceAccountTemplate is the template's name inside the chart.
const UserServiceAccountTemplate = "templates/twoi2chub-user-serviceaccount.yaml"

// WithUserServiceAccount returns ch with the provider's user ServiceAccount
// template added; ch itself (possibly a cached chart) is left unchanged.
func WithUserServiceAccount(ch *chart.Chart) *chart.Chart {
	if ch == nil {
		return nil
	}
	out := *ch
	out.Templates = append(slices.Clip(slices.Clone(ch.Templates)), &chart.File{Name: UserServiceAccountTemplate, Data: []byte(userServiceAccountTemplate)})
	return &out
}
