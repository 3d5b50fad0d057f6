{{/* Chart name, overridable. */}}
{{- define "cxcontact.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Fully qualified app name: the release name, with the chart name unless the release already contains it. */}}
{{- define "cxcontact.fullname" -}}
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
Name of one component's objects: "<fullname>-<component>". Called with (dict "ctx" $ "component" "api").
The full name is cut to 52 characters so that the longest suffix ("-compliance") still fits in 63.
*/}}
{{- define "cxcontact.componentName" -}}
{{- printf "%s-%s" (include "cxcontact.fullname" .ctx | trunc 52 | trimSuffix "-") .component }}
{{- end }}

{{- define "cxcontact.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "cxcontact.labels" -}}
helm.sh/chart: {{ include "cxcontact.chart" . }}
{{ include "cxcontact.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* Selector labels; each template adds app.kubernetes.io/component. */}}
{{- define "cxcontact.selectorLabels" -}}
app.kubernetes.io/name: {{ include "cxcontact.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Orleans ClusterOptions.ClusterId and ServiceId: the same for every role, so all roles form one cluster. */}}
{{- define "cxcontact.clusterId" -}}
{{- default .Release.Name .Values.orleans.clusterId }}
{{- end }}

{{/* Not the release name: grain state and reminders are keyed by it, and must outlive a reinstall under another name. */}}
{{- define "cxcontact.serviceId" -}}
{{- default "cxcontact" .Values.orleans.serviceId }}
{{- end }}

{{/*
Pod labels of every silo pod. Orleans.Hosting.Kubernetes (KubernetesHostingOptions.ServiceIdLabel and
ClusterIdLabel, checked against the 10.4.2 package) selects the pods of its cluster with
"orleans/serviceId=<ServiceId>,orleans/clusterId=<ClusterId>", and patches its own pod to carry them if they are
missing. Only silo pods may carry them: any other pod with them would be reported as a pod without a silo.
*/}}
{{- define "cxcontact.orleansLabels" -}}
orleans/serviceId: {{ include "cxcontact.serviceId" . | quote }}
orleans/clusterId: {{ include "cxcontact.clusterId" . | quote }}
{{- end }}

{{/* The roles the design scales on CPU (an HPA each); every other role keeps its replicaCount. */}}
{{- define "cxcontact.autoscaledRoles" -}}
compliance messaging
{{- end }}

{{/*
The roles whose code reads or writes landing files, so that mount the landing volume and get CXC_LANDING_DIR: api
(uploads, the bootstrap key file), campaign (imports, retention) and scheduler (scheduled SFTP imports and exports).
HelmChartTests derives the same list from the server's code and fails when they differ.
*/}}
{{- define "cxcontact.landingRoles" -}}
api campaign scheduler
{{- end }}

{{/* The landing volume of a pod (see landing in values.yaml). */}}
{{- define "cxcontact.landingVolume" -}}
- name: landing
{{- if eq .Values.landing.type "emptyDir" }}
  emptyDir:
    {{- with .Values.landing.emptyDirSizeLimit }}
    sizeLimit: {{ . }}
    {{- end }}
{{- else if eq .Values.landing.type "persistentVolumeClaim" }}
  persistentVolumeClaim:
    claimName: {{ .Values.landing.existingClaim | default (include "cxcontact.componentName" (dict "ctx" . "component" "landing")) }}
{{- else }}
{{- fail (printf "landing.type: %q is neither persistentVolumeClaim nor emptyDir" .Values.landing.type) }}
{{- end }}
{{- end }}

{{/*
The "restricted" Pod Security level, whatever the values say: called with a pod or container security context from
values, it returns it with the restricted fields set over it.
*/}}
{{- define "cxcontact.podSecurityContext" -}}
{{- $restricted := dict "runAsNonRoot" true "seccompProfile" (dict "type" "RuntimeDefault") }}
{{- toYaml (mustMergeOverwrite (deepCopy (default (dict) .)) $restricted) }}
{{- end }}

{{- define "cxcontact.containerSecurityContext" -}}
{{- $restricted := dict "allowPrivilegeEscalation" false "privileged" false "capabilities" (dict "drop" (list "ALL")) }}
{{- $merged := mustMergeOverwrite (deepCopy (default (dict) .)) $restricted }}
{{- /* mergeOverwrite merges lists of maps no deeper than this: the drop list is set again so that it is exactly ALL. */}}
{{- $_ := set $merged "capabilities" (dict "drop" (list "ALL")) }}
{{- toYaml $merged }}
{{- end }}

{{/* The preStop hook of every long-running pod: a kubelet sleep (no binary needed), so endpoints drain first. */}}
{{- define "cxcontact.preStop" -}}
lifecycle:
  preStop:
    sleep:
      seconds: {{ .Values.preStopSleepSeconds }}
{{- end }}

{{/*
CXC_SHUTDOWN_TIMEOUT_SECONDS: what is left of terminationGracePeriodSeconds after the preStop sleep, less 5 s, so the
server exits by itself before the kubelet's SIGKILL.
*/}}
{{- define "cxcontact.shutdownTimeoutSeconds" -}}
{{- $left := sub (sub (int .Values.terminationGracePeriodSeconds) (int .Values.preStopSleepSeconds)) 5 }}
{{- if lt $left 5 }}
{{- fail (printf "terminationGracePeriodSeconds (%v) must exceed preStopSleepSeconds (%v) by 10 or more: the server needs 5 s to stop and 5 s to spare" .Values.terminationGracePeriodSeconds .Values.preStopSleepSeconds) }}
{{- end }}
{{- $left }}
{{- end }}

{{/* Proxies in front of the server take this much (MB): the largest upload plus room for its multipart envelope. */}}
{{- define "cxcontact.proxyBodyMB" -}}
{{- add (int .Values.maxUploadMB) 16 }}
{{- end }}

{{/* The labels that select this release's silo pods (every role), for NetworkPolicies. */}}
{{- define "cxcontact.siloSelector" -}}
matchLabels:
  {{- include "cxcontact.selectorLabels" . | nindent 2 }}
matchExpressions:
  - key: app.kubernetes.io/component
    operator: In
    values: [api, compliance, campaign, scheduler, messaging]
{{- end }}

{{- define "cxcontact.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{- define "cxcontact.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "cxcontact.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The Secret holding the cluster's TLS certificate, key and CA: the operator's, or the one the chart makes. */}}
{{- define "cxcontact.clusterTlsSecretName" -}}
{{- default (include "cxcontact.componentName" (dict "ctx" . "component" "cluster-tls")) .Values.clusterTls.existingSecret }}
{{- end }}

{{/* The Secret the silos read: the existing one, or the one the chart makes. */}}
{{- define "cxcontact.secretName" -}}
{{- default (include "cxcontact.fullname" .) .Values.existingSecret }}
{{- end }}

{{/*
The Secret the migration hook reads. Hooks run before the release's own objects exist, so on the first install
the chart's Secret is not there yet: the hook gets its own copy, made as a hook itself just before the Job.
*/}}
{{- define "cxcontact.migrateSecretName" -}}
{{- if .Values.existingSecret }}
{{- .Values.existingSecret }}
{{- else }}
{{- include "cxcontact.componentName" (dict "ctx" . "component" "migrate") }}
{{- end }}
{{- end }}

{{/* The data of the chart's Secret (base64), shared by the Secret and its hook copy. */}}
{{- define "cxcontact.secretData" -}}
postgres: {{ required "postgres.connectionString is required (or set existingSecret)" .Values.postgres.connectionString | b64enc | quote }}
redis: {{ required "redis.connectionString is required (or set existingSecret)" .Values.redis.connectionString | b64enc | quote }}
{{- with .Values.bootstrapAdminKey }}
{{- if lt (len .) 32 }}
{{- fail "bootstrapAdminKey must be at least 32 characters: the server refuses a shorter one and exits" }}
{{- end }}
bootstrapAdminKey: {{ . | b64enc | quote }}
{{- end }}
{{- with .Values.oidc.clientSecret }}
oidcClientSecret: {{ . | b64enc | quote }}
{{- end }}
{{- /* The key that seals stored credentials: given, else the one this release's Secret already holds (an upgrade must not
       change it, or every stored SFTP and gateway credential becomes unreadable), else 32 new random bytes. */}}
{{- $existing := lookup "v1" "Secret" .Release.Namespace (include "cxcontact.secretName" .) }}
{{- if .Values.secretsKey }}
secretsKey: {{ .Values.secretsKey | b64enc | quote }}
{{- else if and $existing $existing.data $existing.data.secretsKey }}
secretsKey: {{ $existing.data.secretsKey | quote }}
{{- else }}
secretsKey: {{ randAscii 32 | b64enc | b64enc | quote }}
{{- end }}
{{- end }}

{{/*
Environment shared by the silos and the migration hook: connection strings and the secrets key from a Secret, the log
format and how long to wait for PostgreSQL and Redis.
Called with (dict "ctx" $ "secretName" "...").
*/}}
{{- define "cxcontact.connectionEnv" -}}
- name: CXC_POSTGRES
  valueFrom:
    secretKeyRef:
      name: {{ .secretName }}
      key: postgres
- name: CXC_REDIS
  valueFrom:
    secretKeyRef:
      name: {{ .secretName }}
      key: redis
{{- with .ctx.Values.redis.keyPrefix }}
- name: CXC_REDIS_PREFIX
  value: {{ . | quote }}
{{- end }}
- name: CXC_SECRETS_KEY
  valueFrom:
    secretKeyRef:
      name: {{ .secretName }}
      key: secretsKey
- name: CXC_LOG_FORMAT
  value: json
- name: CXC_STARTUP_TIMEOUT_SECONDS
  value: {{ int .ctx.Values.startupTimeoutSeconds | quote }}
{{- end }}

{{/*
The nginx site: a plain reverse proxy to the api Service that never passes /metrics on. The map is at http level
(conf.d is included inside http {}): a request that came through an ingress keeps the scheme the ingress saw.
*/}}
{{- define "cxcontact.nginxConf" -}}
map $http_x_forwarded_proto $cxc_forwarded_proto {
    default $http_x_forwarded_proto;
    ""      $scheme;
}

server {
    listen 8080;
    # The server refuses an upload over maxUploadMB itself, with a problem that says so; nginx lets it get there.
    client_max_body_size {{ include "cxcontact.proxyBodyMB" . }}m;

    # nginx matches the normalised path (decoded, dot segments and double slashes removed) and ASP.NET Core
    # routing ignores case and a trailing slash, so this covers every spelling that reaches /metrics.
    location ~* ^/metrics(/|$) {
        return 404;
    }

    location / {
        proxy_pass http://{{ include "cxcontact.componentName" (dict "ctx" . "component" "api") }}:{{ .Values.service.port }};
        proxy_http_version 1.1;
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $cxc_forwarded_proto;
        proxy_set_header X-Forwarded-Host $host;
        # Uploads stream to the silo as they arrive, never to a temporary file of nginx's first.
        proxy_request_buffering off;
        proxy_read_timeout 300s;
        proxy_send_timeout 300s;
    }
}
{{- end }}
