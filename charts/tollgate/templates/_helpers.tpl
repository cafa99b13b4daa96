{{/* Names, labels and the rendered config.yaml shared by the templates. */}}

{{- define "tollgate.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "tollgate.fullname" -}}
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

{{- define "tollgate.selectorLabels" -}}
app.kubernetes.io/name: {{ include "tollgate.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "tollgate.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "tollgate.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "tollgate.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "tollgate.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "tollgate.image" -}}
{{- $tag := default .Chart.AppVersion .Values.image.tag }}
{{- if .Values.image.digest }}
{{- printf "%s:%s@%s" .Values.image.repository $tag .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository $tag }}
{{- end }}
{{- end }}

{{/* Where a bundle tenant's bearer token is mounted. */}}
{{- define "tollgate.bundleTokenDir" -}}
/var/run/secrets/tollgate/bundles/{{ . }}
{{- end }}

{{/* The Secret holding a bundle tenant's token: the named existing one, or the one this chart creates. */}}
{{- define "tollgate.bundleTokenSecret" -}}
{{- $ctx := index . 0 }}{{- $tenant := index . 1 }}{{- $bundle := index . 2 }}
{{- if $bundle.tokenSecret }}
{{- $bundle.tokenSecret.name }}
{{- else }}
{{- printf "%s-bundle-%s" (include "tollgate.fullname" $ctx) $tenant | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{/*
The server's config.yaml: the keys the chart owns (listener ports, the policy directory, bundle
tenants, Redis), then `config` merged over them. Keys the chart owns through other values may not
be set in `config`, so that the Service, probes and mounts always match the server.
*/}}
{{- define "tollgate.config" -}}
{{- $cfg := deepCopy (default dict .Values.config) }}
{{- $instead := dict "grpc" "set ports.grpc instead" "http" "set ports.http instead" "admin" "set ports.admin instead" "policies" "the chart mounts the policies at /etc/tollgate/policies" }}
{{- range $section, $key := dict "grpc" "port" "http" "port" "admin" "port" "policies" "dir" }}
{{- if and (hasKey $cfg $section) (kindIs "map" (get $cfg $section)) (hasKey (get $cfg $section) $key) }}
{{- fail (printf "config.%s.%s is set by the chart: %s" $section $key (get $instead $section)) }}
{{- end }}
{{- end }}
{{- $owned := dict "grpc" (dict "port" (int .Values.ports.grpc)) "http" (dict "port" (int .Values.ports.http)) "admin" (dict "port" (int .Values.ports.admin)) "policies" (dict "dir" "/etc/tollgate/policies") }}
{{- if .Values.bundles }}
{{- $tenants := dict }}
{{- range $tenant, $b := .Values.bundles }}
{{- $bundle := dict "url" $b.url }}
{{- with $b.polling }}{{- $_ := set $bundle "polling" . }}{{- end }}
{{- with $b.signing }}{{- $_ := set $bundle "signing" . }}{{- end }}
{{- if or $b.tokenSecret $b.token }}
{{- $_ := set $bundle "credentials" (dict "bearer" (dict "token_path" (printf "%s/token" (include "tollgate.bundleTokenDir" $tenant)))) }}
{{- end }}
{{- $entry := deepCopy (default dict $b.tenant) }}
{{- $_ := set $entry "bundle" $bundle }}
{{- $_ := set $tenants $tenant $entry }}
{{- end }}
{{- $_ := set $owned "tenants" $tenants }}
{{- end }}
{{- if .Values.redis.host }}
{{- $redis := dict "host" .Values.redis.host "port" (int .Values.redis.port) "timeout_ms" (int .Values.redis.timeoutMs) "key_prefix" .Values.redis.keyPrefix }}
{{- $_ := set $owned "rate_limits" (dict "redis" $redis) }}
{{- end }}
{{- toYaml (mergeOverwrite $owned $cfg) }}
{{- end }}

{{/*
The chart's policy files (under policies/, paths relative to it) as ConfigMap entries: a list of
{key, path}. ConfigMap keys cannot hold "/", so a file's key is its path with "/" written "__"; the
volume's items put every key back at its path. Names starting with "." are skipped (the server
skips them too), so is documentation (*.md); a bundle directory (.manifest) cannot be served from a ConfigMap volume.
*/}}
{{- define "tollgate.policyEntries" -}}
{{- $entries := list }}
{{- range $path, $_ := .Files.Glob "policies/**" }}
{{- $rel := trimPrefix "policies/" $path }}
{{- if regexMatch "(^|/)\\.manifest$" $rel }}
{{- fail (printf "policies/%s: %s is an OPA bundle directory, which cannot be served from a ConfigMap volume (the bundle loader refuses its links); serve it through `bundles:` instead" $rel (dir $rel)) }}
{{- end }}
{{- if not (or (regexMatch "(^|/)\\." $rel) (hasSuffix ".md" $rel)) }}
{{- $key := replace "/" "__" $rel }}
{{- if not (regexMatch "^[-._a-zA-Z0-9]{1,253}$" $key) }}
{{- fail (printf "policies/%s: this file name cannot be a ConfigMap key (letters, digits, '-', '_', '.' only); rename it" $rel) }}
{{- end }}
{{- $entries = append $entries (dict "key" $key "path" $rel) }}
{{- end }}
{{- end }}
{{- toYaml $entries }}
{{- end }}

{{- define "tollgate.policyItems" -}}
{{- range (include "tollgate.policyEntries" . | fromYamlArray) }}
- key: {{ .key }}
  path: {{ .path }}
{{- end }}
{{- end }}

{{/* Checks that span several values (the schema checks each value on its own). */}}
{{- define "tollgate.validate" -}}
{{- $p := .Values.ports }}
{{- if or (eq (int $p.grpc) (int $p.http)) (eq (int $p.grpc) (int $p.admin)) (eq (int $p.http) (int $p.admin)) }}
{{- fail (printf "ports: grpc (%v), http (%v) and admin (%v) must be three different ports" $p.grpc $p.http $p.admin) }}
{{- end }}
{{- if and .Values.autoscaling.enabled (gt (int .Values.autoscaling.minReplicas) (int .Values.autoscaling.maxReplicas)) }}
{{- fail (printf "autoscaling: minReplicas (%v) is greater than maxReplicas (%v)" .Values.autoscaling.minReplicas .Values.autoscaling.maxReplicas) }}
{{- end }}
{{- if and (not .Values.policies.fromChart) (not .Values.bundles) (not .Values.extraVolumes) (not (get (default dict .Values.config) "tenants")) }}
{{- fail "policies.fromChart is false and no bundles (or config.tenants, or extraVolumes) are given: Tollgate would serve no tenant" }}
{{- end }}
{{- end }}
