{{- /* istiod is local, or remote but also serving config or injecting locally: it then needs cluster RBAC. */ -}}
{{- define "istiod.needsClusterRBAC" -}}
{{- if or (not .Values.istiodRemote.enabled) .Values.global.configCluster .Values.istiodRemote.enabledLocalInjectorIstiod }}true{{ end }}
{{- end -}}

{{- define "istiod.rbacLabels" -}}
app: istiod
release: {{ .Release.Name | quote }}
app.kubernetes.io/name: istiod
{{ include "istio.labels" . }}
{{- end -}}
