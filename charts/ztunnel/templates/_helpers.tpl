{{- define "ztunnel.name" -}}
{{ .Values.resourceName | default "ztunnel" }}
{{- end -}}

{{- define "ztunnel.image" -}}
{{- if contains "/" .Values.image -}}
{{ .Values.image }}
{{- else -}}
{{ .Values.hub }}/{{ .Values.image | default "ztunnel" }}:{{ .Values.tag }}{{ with .Values.variant }}-{{ . }}{{ end }}
{{- end -}}
{{- end -}}

{{- /* istiod's address for xDS and the CA. */ -}}
{{- define "ztunnel.istiodAddress" -}}
istiod{{ with .Values.revision }}-{{ . }}{{ end }}.{{ .Values.istioNamespace }}.svc:15012
{{- end -}}

{{- define "ztunnel.metaLabels" -}}
app.kubernetes.io/name: ztunnel
{{ include "istio.labels" . }}
{{- with .Values.labels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "ztunnel.metaAnnotations" -}}
{{- $a := deepCopy (.Values.annotations | default dict) }}
{{- with .Values.revision }}{{ $_ := set $a "istio.io/rev" . }}{{ end }}
{{- toYaml $a }}
{{- end -}}

{{- define "ztunnel.resources" -}}
{{- $out := dict }}
{{- range $kind := list "limits" "requests" }}
{{- $clean := dict }}
{{- range $k, $v := (index $ $kind | default dict) }}{{ if $v }}{{ $_ := set $clean $k $v }}{{ end }}{{ end }}
{{- if $clean }}{{ $_ := set $out $kind $clean }}{{ end }}
{{- end }}
{{- toYaml $out }}
{{- end -}}
