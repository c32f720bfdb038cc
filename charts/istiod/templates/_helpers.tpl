{{- /* "-<revision>" or nothing. */ -}}
{{- define "istiod.revSuffix" -}}
{{- with .Values.revision }}-{{ . }}{{ end }}
{{- end -}}

{{- /* The istiod Service/Deployment/SA name. */ -}}
{{- define "istiod.name" -}}
istiod{{ include "istiod.revSuffix" . }}
{{- end -}}

{{- /* Value of the istio.io/rev label. */ -}}
{{- define "istiod.rev" -}}
{{- .Values.revision | default "default" }}
{{- end -}}

{{- /* Labels shared by istiod's namespaced objects. */ -}}
{{- define "istiod.commonLabels" -}}
istio.io/rev: {{ include "istiod.rev" . | quote }}
install.operator.istio.io/owning-resource: {{ .Values.ownerName | default "unknown" }}
operator.istio.io/component: Pilot
release: {{ .Release.Name | quote }}
app.kubernetes.io/name: istiod
{{ include "istio.labels" . }}
{{- end -}}

{{- /* <hub>/<image>:<tag>[-<variant>]; per-chart values win over global ones. */ -}}
{{- define "istiod.image" -}}
{{- if contains "/" .Values.image -}}
{{ .Values.image }}
{{- else -}}
{{ .Values.hub | default .Values.global.hub }}/{{ .Values.image | default "istiod" }}:{{ .Values.tag | default .Values.global.tag }}{{ with (.Values.variant | default .Values.global.variant) }}-{{ . }}{{ end }}
{{- end -}}
{{- end -}}

{{- /* A resources block without empty entries. */ -}}
{{- define "istiod.resources" -}}
{{- $out := dict }}
{{- range $kind := list "limits" "requests" }}
{{- $clean := dict }}
{{- range $k, $v := (index $ $kind | default dict) }}{{ if $v }}{{ $_ := set $clean $k $v }}{{ end }}{{ end }}
{{- if $clean }}{{ $_ := set $out $kind $clean }}{{ end }}
{{- end }}
{{- toYaml $out }}
{{- end -}}

{{- /* istiod is local (not a remote control plane), or a local injector is asked for. */ -}}
{{- define "istiod.local" -}}
{{- if or (not .Values.istiodRemote.enabled) .Values.istiodRemote.enabledLocalInjectorIstiod }}true{{ end }}
{{- end -}}

{{- /* Prometheus is the default metrics provider unless defaultProviders is set or telemetry is off. */ -}}
{{- define "istiod.defaultPrometheus" -}}
{{- if and (not .Values.meshConfig.defaultProviders) .Values.telemetry.enabled .Values.telemetry.v2.enabled .Values.telemetry.v2.prometheus.enabled }}true{{ end }}
{{- end -}}
