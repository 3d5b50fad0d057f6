#!/usr/bin/env bash
# Run every test against throwaway PostgreSQL and Redis instances; extra arguments go to 'dotnet test'.
#
# Environment (all optional):
#   CXC_TEST_POSTGRES  superuser Npgsql connection string of an existing server; skips the private PostgreSQL.
#                      Fixtures create one database per test class through it.
#   CXC_TEST_REDIS     host:port of an existing Redis; skips the private Redis.
#   CXC_SKIP_CHROMIUM=1  do not try to install chromium (needed by UI tests).
set -euo pipefail

cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.."
# shellcheck source=eng/services.sh
source eng/services.sh

TMP=""
PG_STARTED_DIR=""
REDIS_STARTED_PORT=""

# shellcheck disable=SC2317  # only reached through the traps
cleanup() {
  local rc=$?
  trap '' INT TERM
  trap - EXIT
  if [[ -n $PG_STARTED_DIR ]]; then cxc_stop_postgres "$PG_STARTED_DIR" || true; fi
  if [[ -n $REDIS_STARTED_PORT ]]; then cxc_stop_redis "$TMP/redis" "$REDIS_STARTED_PORT" || true; fi
  if [[ -n $TMP ]]; then rm -rf "$TMP"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

command -v dotnet >/dev/null 2>&1 || cxc_die "dotnet (the .NET 10 SDK) is not on PATH; install it first"

needed=()
[[ -n ${CXC_TEST_POSTGRES:-} ]] || needed+=(postgres)
[[ -n ${CXC_TEST_REDIS:-} ]] || needed+=(redis)
if [[ ${#needed[@]} -gt 0 ]]; then cxc_ensure_packages "${needed[@]}"; fi
# Messaging tests run a private Postfix and Kannel (eng/gateways.sh); installed here once rather than by the first
# test classes that start them side by side.
if [[ $(id -u) -eq 0 ]]; then
  # shellcheck source=eng/gateways.sh
  source eng/gateways.sh
  if ! { _cxc_gw_ensure_postfix && _cxc_gw_ensure_kannel; }; then cxc_log "WARNING: Postfix or Kannel could not be installed; messaging tests will fail"; fi
else
  cxc_log "WARNING: not root: messaging tests need root for their private Postfix and Kannel"
fi
# SFTP tests run a private sshd (LocalSftp); only the binary is needed, never the system service.
if [[ ! -x /usr/sbin/sshd ]]; then
  if [[ $(id -u) -eq 0 ]]; then _cxc_apt_install openssh-server; else cxc_log "WARNING: openssh-server is not installed; SFTP tests will fail"; fi
fi

# Sign-in tests run a real OpenID Connect provider (npm oidc-provider, test/oidc-provider) with node and npm.
if ! command -v npm >/dev/null 2>&1; then
  if [[ $(id -u) -eq 0 ]]; then _cxc_apt_install nodejs npm; else cxc_log "WARNING: node and npm are not installed; sign-in tests will fail"; fi
fi
if [[ -z ${CXC_TEST_POSTGRES:-} || -z ${CXC_TEST_REDIS:-} ]]; then
  tmp_base=${TMPDIR:-/tmp}
  # As root PostgreSQL runs as 'postgres', which may not be able to enter a private TMPDIR; /tmp always works.
  cxc_pg_can_reach "$tmp_base" || tmp_base=/tmp
  TMP=$(mktemp -d "$tmp_base/cxc-test.XXXXXX")
  chmod 755 "$TMP"
fi

if [[ -z ${CXC_TEST_POSTGRES:-} ]]; then
  pg_port=$(cxc_free_port)
  # Set before starting so a half-started cluster is still stopped by the EXIT trap.
  PG_STARTED_DIR=$TMP/pg
  # Test clusters are disposable, so trade durability for speed.
  CXC_PG_FAST=1 CXC_PG_MAX_CONNECTIONS=1000 cxc_start_postgres "$TMP/pg" "$pg_port"
  export CXC_TEST_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres"
fi

if [[ -z ${CXC_TEST_REDIS:-} ]]; then
  redis_port=$(cxc_free_port)
  REDIS_STARTED_PORT=$redis_port
  cxc_start_redis "$TMP/redis" "$redis_port"
  export CXC_TEST_REDIS="127.0.0.1:$redis_port"
fi

# UI tests drive a headless browser; a missing browser should not block the other tests, so only warn.
if [[ ${CXC_SKIP_CHROMIUM:-0} != 1 ]] && ! command -v chromium >/dev/null 2>&1; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    _cxc_apt_install chromium || cxc_log "WARNING: could not install chromium; UI tests may fail"
  else
    cxc_log "WARNING: chromium is not installed and this is not root; UI tests may fail (apt-get install chromium)"
  fi
fi
if [[ -z ${CXC_CHROMIUM:-} ]] && command -v chromium >/dev/null 2>&1; then
  export CXC_CHROMIUM
  CXC_CHROMIUM=$(command -v chromium)
fi

cxc_log "CXC_TEST_POSTGRES=$CXC_TEST_POSTGRES"
cxc_log "CXC_TEST_REDIS=$CXC_TEST_REDIS"

rc=0
# The API contract: both OpenAPI linters on the committed document (the tests keep it equal to the served one).
lint_rc=0
bash "$(dirname "${BASH_SOURCE[0]}")/openapi-lint.sh" || lint_rc=$?
# Each test's duration goes to a TRX file, and the slowest are listed after the run: where the suite's time goes.
results=${CXC_TEST_RESULTS:-$PWD/.data/test-results}
rm -rf "$results"
dotnet test CxContact.sln -c Release --nologo --results-directory "$results" --logger "trx;LogFilePrefix=tests" "$@" </dev/null || rc=$?
if compgen -G "$results/*.trx" >/dev/null; then
  cxc_log "the slowest tests (TRX files in $results):"
  cat "$results"/*.trx | grep -o '<UnitTestResult [^>]*' \
    | sed -nE 's/.*testName="([^"]*)".*duration="([0-9]+):([0-9]+):([0-9.]+)".*/\2 \3 \4 \1/p' \
    | awk '{ s = $1 * 3600 + $2 * 60 + $3; $1 = $2 = $3 = ""; sub(/^ +/, ""); printf "%8.1f s  %s\n", s, $0 }' \
    | sort -rn | head -20 || true
fi
if [[ $rc -eq 0 && $lint_rc -ne 0 ]]; then
  cxc_log "the OpenAPI linters failed (eng/openapi-lint.sh)"
  rc=$lint_rc
fi
exit "$rc"
