{{/* Labels every object carries, as z2jh's do. */}}
{{- define "jupyterhub.labels" -}}
app: jupyterhub
release: {{ .Release.Name }}
chart: {{ .Chart.Name }}-{{ .Chart.Version }}
heritage: {{ .Release.Service }}
{{- end }}

{{/* Node affinity for core pods from scheduling.corePods.nodeAffinity.matchNodePurpose. */}}
{{- define "jupyterhub.coreAffinity" -}}
{{- $match := .Values.scheduling.corePods.nodeAffinity.matchNodePurpose }}
{{- if eq $match "require" }}
affinity:
  nodeAffinity:
    requiredDuringSchedulingIgnoredDuringExecution:
      nodeSelectorTerms:
        - matchExpressions:
            - {key: hub.jupyter.org/node-purpose, operator: In, values: [core]}
{{- else if eq $match "prefer" }}
affinity:
  nodeAffinity:
    preferredDuringSchedulingIgnoredDuringExecution:
      - weight: 100
        preference:
          matchExpressions:
            - {key: hub.jupyter.org/node-purpose, operator: In, values: [core]}
{{- end }}
{{- end }}
