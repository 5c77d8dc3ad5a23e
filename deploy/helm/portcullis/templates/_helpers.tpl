{{/* Names and labels shared by the chart's objects. */}}
{{- define "portcullis.fullname" -}}
{{- printf "%s-portcullis" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "portcullis.labels" -}}
app.kubernetes.io/name: portcullis
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end -}}

{{- define "portcullis.selector" -}}
app.kubernetes.io/name: portcullis
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* The CA and serving certificate, made once per render when no Secret is given. */}}
{{- define "portcullis.tls" -}}
{{- $service := include "portcullis.fullname" . -}}
{{- $names := list .Values.registry.host $service (printf "%s.%s" $service .Release.Namespace) (printf "%s.%s.svc" $service .Release.Namespace) (printf "%s.%s.svc.cluster.local" $service .Release.Namespace) -}}
{{- $ca := genCA (printf "%s-ca" $service) 3650 -}}
{{- $cert := genSignedCert $service nil $names 825 $ca -}}
{{- dict "ca" $ca.Cert "cert" $cert.Cert "key" $cert.Key | toJson -}}
{{- end -}}

{{/* What the webhooks are sent: Pods and every controller that makes them. */}}
{{- define "portcullis.webhookRules" -}}
- { apiGroups: [""], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [pods, pods/ephemeralcontainers, replicationcontrollers], scope: Namespaced }
- { apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [deployments, replicasets, statefulsets, daemonsets], scope: Namespaced }
- { apiGroups: [batch], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [jobs, cronjobs], scope: Namespaced }
{{- end -}}

{{- define "portcullis.namespaceSelector" -}}
matchExpressions:
  - key: kubernetes.io/metadata.name
    operator: NotIn
    values: [{{ join ", " (append .Values.admission.exemptNamespaces .Release.Namespace) }}]
{{- end -}}
