{{- /*
The rules and failurePolicy shared by the default validator (base) and the revision validator (istiod).
Argument: dict "Values" .Values "Release" .Release
failurePolicy: Fail with a static CA bundle (istiod must not patch it), the configured policy if any,
Ignore on first install (istiod flips it to Fail once its webhook serves), and nothing on upgrade so
the value istiod patched in is kept.
*/ -}}
{{- define "istio.validation.rulesAndPolicy" -}}
rules:
- operations: [CREATE, UPDATE]
  apiGroups: [security.istio.io, networking.istio.io, telemetry.istio.io, extensions.istio.io]
  apiVersions: ["*"]
  resources: ["*"]
{{- if .Values.base.validationCABundle }}
failurePolicy: Fail
{{- else if .Values.base.validationFailurePolicy }}
failurePolicy: {{ .Values.base.validationFailurePolicy }}
{{- else if not .Release.IsUpgrade }}
failurePolicy: Ignore
{{- end }}
sideEffects: None
admissionReviewVersions: [v1]
{{- end -}}
