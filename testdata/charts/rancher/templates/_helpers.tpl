{{/* As the real chart's _helpers.tpl: the full name is the release name
when it contains the chart name ("rancher"), and every object carries the
labels app, chart, heritage and release. */}}
{{- define "rancher.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- define "rancher.labels" -}}
app: {{ template "rancher.fullname" . }}
chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | trunc 63 | trimSuffix "-" }}
heritage: {{ .Release.Service }}
release: {{ .Release.Name }}
{{- end -}}
{{/* rancherImage wins verbatim; else image.registry, else
systemDefaultRegistry, prefixes image.repository (real chart from 2.12.3);
the tag defaults to the chart's appVersion. */}}
{{- define "rancher.image" -}}
{{- if .Values.rancherImage -}}
{{- .Values.rancherImage -}}
{{- else -}}
{{- $registry := coalesce .Values.image.registry .Values.systemDefaultRegistry "" -}}
{{- if $registry }}{{ $registry | trimSuffix "/" }}/{{ end }}{{ default "rancher/rancher" .Values.image.repository -}}
{{- end -}}
:{{ default .Chart.AppVersion .Values.image.tag }}
{{- end -}}
