#!/usr/bin/env bash
# Lint the committed OpenAPI document (docs/openapi/v1.json, kept equal to the served one by OpenApiContractTests)
# with Spectral (spectral:oas) and Redocly (recommended-strict). Any error or warning fails. The linters are pinned
# in eng/openapi/package.json (and its lock file) and installed there with npm ci; the product itself needs no npm.
set -euo pipefail

root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
doc="${1:-$root/docs/openapi/v1.json}"
tools="$root/eng/openapi"

if ! command -v npm >/dev/null 2>&1; then
  echo "[cxc] npm is needed to lint the OpenAPI document (apt-get install -y npm)" >&2
  exit 1
fi
if [[ ! -x $tools/node_modules/.bin/spectral || ! -x $tools/node_modules/.bin/redocly || $tools/package-lock.json -nt $tools/node_modules ]]; then
  (cd "$tools" && npm ci --no-audit --no-fund --loglevel=error)
  touch "$tools/node_modules"
fi

rc=0
echo "[cxc] Spectral (spectral:oas) on $doc"
"$tools/node_modules/.bin/spectral" lint --ruleset "$tools/.spectral.yaml" --fail-severity=warn "$doc" || rc=1
echo "[cxc] Redocly (recommended-strict) on $doc"
# Redocly prints a Node.js version notice to stderr on Node 20; the verdict is its exit code.
"$tools/node_modules/.bin/redocly" lint --config "$tools/redocly.yaml" "$doc" 2>&1 | grep -v -E '^\s*(║|╔|╚)' || true
"$tools/node_modules/.bin/redocly" lint --config "$tools/redocly.yaml" "$doc" >/dev/null 2>&1 || rc=1
exit "$rc"
