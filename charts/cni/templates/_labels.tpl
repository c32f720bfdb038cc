{{- /* Labels every object of the chart carries (Helm's recommended set plus part-of istio). */ -}}
{{- define "istio.labels" -}}
{{- $l := dict "app.kubernetes.io/part-of" "istio" }}
{{- with .Release.Service }}{{ $_ := set $l "app.kubernetes.io/managed-by" . }}{{ end }}
{{- with .Release.Name }}{{ $_ := set $l "app.kubernetes.io/instance" . }}{{ end }}
{{- with .Chart.AppVersion }}{{ $_ := set $l "app.kubernetes.io/version" . }}{{ end }}
{{- if and .Chart.Name .Chart.Version }}
{{- $_ := set $l "helm.sh/chart" (printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-") }}
{{- end }}
{{- toYaml $l }}
{{- end -}}

{{- /* true when objects of the given scope ("cluster" or "namespace") are to be rendered. */ -}}
{{- define "istio.inScope" -}}
{{- $scope := index . 1 }}
{{- $want := index . 0 }}
{{- if or (eq $want "all") (eq $want $scope) }}true{{ end }}
{{- end -}}
