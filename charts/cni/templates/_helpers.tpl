{{- define "cni.name" -}}istio-cni{{- end -}}

{{- define "cni.labels" -}}
app: istio-cni
release: {{ .Release.Name | quote }}
istio.io/rev: {{ .Values.revision | default "default" | quote }}
install.operator.istio.io/owning-resource: {{ .Values.ownerName | default "unknown" }}
operator.istio.io/component: Cni
app.kubernetes.io/name: istio-cni
{{ include "istio.labels" . }}
{{- end -}}

{{- /* <tag>[-<variant>], per-chart values over global ones. */ -}}
{{- define "cni.tag" -}}
{{ .Values.tag | default .Values.global.tag }}{{ with (.Values.variant | default .Values.global.variant) }}-{{ . }}{{ end }}
{{- end -}}

{{- define "cni.image" -}}
{{- if contains "/" .Values.image -}}
{{ .Values.image }}
{{- else -}}
{{ .Values.hub | default .Values.global.hub }}/{{ .Values.image | default "install-cni" }}:{{ include "cni.tag" . }}
{{- end -}}
{{- end -}}

{{- define "cni.resources" -}}
{{- $out := dict }}
{{- range $kind := list "limits" "requests" }}
{{- $clean := dict }}
{{- range $k, $v := (index $ $kind | default dict) }}{{ if $v }}{{ $_ := set $clean $k $v }}{{ end }}{{ end }}
{{- if $clean }}{{ $_ := set $out $kind $clean }}{{ end }}
{{- end }}
{{- toYaml $out }}
{{- end -}}

{{- define "cni.platform" -}}
{{- coalesce .Values.platform .Values.global.platform | default "" }}
{{- end -}}
