#!/usr/bin/env bash
# Regenerate the admin console's API client (src/CxContact.Admin/Api/Generated) from the committed OpenAPI
# snapshot with Kiota, pinned in dotnet-tools.json. Run it after refreshing docs/openapi/v1.json; the tests check
# that the committed client was generated from the committed document (AdminClientTests).
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
out="${1:-$root/src/CxContact.Admin/Api/Generated}"
cd "$root"
dotnet tool restore >/dev/null
dotnet kiota generate -l CSharp -d docs/openapi/v1.json -c CxContactApiClient -n CxContact.Admin.Api -o "$out" \
  --exclude-backward-compatible --clean-output --log-level Warning
