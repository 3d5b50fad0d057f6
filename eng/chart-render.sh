#!/usr/bin/env bash
# Renders helm/cxcontact with eng/chart-render (Go's text/template and sprig, not helm) for each values file given, or
# for each file in helm/cxcontact/ci/, and fails on the first template that does not execute or yield YAML.
# Installs Go and the two libraries from Debian's packages when they are missing (as root, like eng/run.sh).
#   eng/chart-render.sh                       # every ci/ values file; the objects go to .data/chart-render/
#   eng/chart-render.sh my-values.yaml        # the defaults with my-values.yaml over them, to stdout
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
chart="$root/helm/cxcontact"
if ! command -v go >/dev/null || [ ! -d /usr/share/gocode/src/github.com/Masterminds/sprig ] || [ ! -d /usr/share/gocode/src/github.com/ghodss/yaml ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq golang-go golang-github-masterminds-sprig-dev golang-github-ghodss-yaml-dev >/dev/null
fi
out="$root/.data/chart-render"
mkdir -p "$out"
( cd "$root/eng/chart-render" && GO111MODULE=off GOPATH=/usr/share/gocode GOFLAGS= go build -o "$out/render" . )
if [ $# -gt 0 ]; then
  exec "$out/render" "$chart" "$@"
fi
for values in "$chart"/ci/*.yaml; do
  name="$(basename "$values" .yaml)"
  "$out/render" "$chart" "$values" >"$out/$name.yaml" 2>"$out/$name.notes"
  echo "$name: $(grep -c '^kind:' "$out/$name.yaml") objects in .data/chart-render/$name.yaml"
done
