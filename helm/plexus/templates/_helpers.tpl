{{/*
Chart name, shortened to the 63 characters a label value may have.
*/}}
{{- define "plexus.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Fully qualified app name: the release name, plus the chart name unless the
release name already contains it. Truncated to 63 characters (DNS-1123 label).
*/}}
{{- define "plexus.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Chart name and version, for the helm.sh/chart label.
*/}}
{{- define "plexus.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Labels for every object.
*/}}
{{- define "plexus.labels" -}}
helm.sh/chart: {{ include "plexus.chart" . }}
{{ include "plexus.selectorLabels" . }}
{{- if .Chart.AppVersion }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/*
Selector labels: must stay the same across upgrades.
*/}}
{{- define "plexus.selectorLabels" -}}
app.kubernetes.io/name: {{ include "plexus.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Name of the Secret holding ADMIN_KEY, ENCRYPTION_KEY and DATABASE_URL.
*/}}
{{- define "plexus.secretName" -}}
{{- if .Values.existingSecret }}
{{- .Values.existingSecret }}
{{- else }}
{{- include "plexus.fullname" . }}
{{- end }}
{{- end }}

{{/*
ADMIN_KEY for the chart's Secret: adminKey if set, else the key already in
the release's Secret (so upgrades keep it), else a new random one. `lookup`
finds nothing under `helm template` or `--dry-run`, which then show a random key.
*/}}
{{- define "plexus.adminKey" -}}
{{- if .Values.adminKey }}
{{- .Values.adminKey }}
{{- else }}
{{- $secret := lookup "v1" "Secret" .Release.Namespace (include "plexus.secretName" .) }}
{{- $previous := dig "data" "ADMIN_KEY" "" ($secret | default dict) }}
{{- if $previous }}
{{- $previous | b64dec }}
{{- else }}
{{- randAlphaNum 40 }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Name of the PersistentVolumeClaim mounted at /data.
*/}}
{{- define "plexus.claimName" -}}
{{- if .Values.persistence.existingClaim }}
{{- .Values.persistence.existingClaim }}
{{- else }}
{{- printf "%s-data" (include "plexus.fullname" .) }}
{{- end }}
{{- end }}

{{/*
The ConfigMap holding the declarative configuration, when there is one.
*/}}
{{- define "plexus.configMapName" -}}
{{- if .Values.declarativeConfig.existingConfigMap }}
{{- .Values.declarativeConfig.existingConfigMap }}
{{- else }}
{{- printf "%s-config" (include "plexus.fullname" .) }}
{{- end }}
{{- end }}

{{/*
Refuses settings that cannot work.
*/}}
{{- define "plexus.validate" -}}
{{- if and (gt (int .Values.replicaCount) 1) (not .Values.databaseUrl) (not .Values.existingSecret) }}
{{- fail "replicaCount > 1 needs an external database: set databaseUrl (or existingSecret with a DATABASE_URL key); the embedded database is single-process" }}
{{- end }}
{{- if and .Values.autoscaling.enabled (not .Values.databaseUrl) (not .Values.existingSecret) }}
{{- fail "autoscaling.enabled needs an external database: set databaseUrl (or existingSecret with a DATABASE_URL key); the embedded database is single-process" }}
{{- end }}
{{- end }}

{{/*
"true" when a hook Job migrates the database (an external one) before pods start.
*/}}
{{- define "plexus.migrationJob" -}}
{{- if and .Values.migrations.job (or .Values.databaseUrl .Values.existingSecret) }}true{{- end }}
{{- end }}
