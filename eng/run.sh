#!/usr/bin/env bash
# Run the whole platform on this machine: private PostgreSQL and Redis (unless given), the server, a demo tenant.
#
# Environment (all optional):
#   CXC_POSTGRES     Npgsql connection string of an existing database; skips the private PostgreSQL.
#   CXC_REDIS        host:port of an existing Redis; skips the private Redis.
#   CXC_PG_PORT      port of the private PostgreSQL (default 55432).
#   CXC_REDIS_PORT   port of the private Redis (default 56379).
#   CXC_URL          URL the server listens on (default http://localhost:8080).
#   CXC_NO_BUILD=1   reuse the last Release build instead of building.
set -euo pipefail

cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.."
ROOT=$PWD
# shellcheck source=eng/services.sh
source eng/services.sh

PG_STARTED_DIR=""
REDIS_STARTED_DIR=""
REDIS_STARTED_PORT=""
SERVER_PID=""
TAIL_PID=""

# shellcheck disable=SC2317  # only reached through the traps
cleanup() {
  local rc=$?
  # A second Ctrl-C must not abort the cleanup halfway and leave PostgreSQL or Redis behind.
  trap '' INT TERM
  trap - EXIT
  if [[ -n $TAIL_PID ]]; then kill "$TAIL_PID" 2>/dev/null || true; fi
  if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    cxc_log "stopping server (pid $SERVER_PID)"
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    # Give Orleans time to deactivate grains and leave the cluster cleanly before forcing it.
    local i
    for i in $(seq 1 60); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
  # Only what this script started: instances given through CXC_POSTGRES/CXC_REDIS, or found already running, stay.
  if [[ -n $PG_STARTED_DIR ]]; then cxc_stop_postgres "$PG_STARTED_DIR" || true; fi
  if [[ -n $REDIS_STARTED_DIR ]]; then cxc_stop_redis "$REDIS_STARTED_DIR" "$REDIS_STARTED_PORT" || true; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

command -v dotnet >/dev/null 2>&1 || cxc_die "dotnet (the .NET 10 SDK) is not on PATH; install it first"

needed=()
[[ -n ${CXC_POSTGRES:-} ]] || needed+=(postgres)
[[ -n ${CXC_REDIS:-} ]] || needed+=(redis)
if [[ ${#needed[@]} -gt 0 ]]; then cxc_ensure_packages "${needed[@]}"; fi

# .data must stay enterable (not readable) by others: as root, PostgreSQL runs as 'postgres' and lives below it.
(umask 022 && mkdir -p .data) && chmod 711 .data

if [[ -z ${CXC_POSTGRES:-} ]]; then
  pg_port=${CXC_PG_PORT:-55432}
  pg_dir=$ROOT/.data/pg
  if ! cxc_pg_can_reach "$pg_dir"; then
    # A checkout under e.g. /root is closed to the postgres user; keep the cluster somewhere it can reach instead.
    pg_dir=/var/lib/cxcontact/$(printf '%s' "$ROOT" | md5sum | cut -c1-12)/pg
    cxc_log "the postgres user cannot reach $ROOT/.data; keeping the PostgreSQL cluster in $pg_dir"
  fi
  cxc_start_postgres "$pg_dir" "$pg_port" cxcontact
  [[ $CXC_LAST_STARTED == 1 ]] && PG_STARTED_DIR=$pg_dir
  export CXC_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=cxcontact"
else
  cxc_log "using PostgreSQL from CXC_POSTGRES"
fi

if [[ -z ${CXC_REDIS:-} ]]; then
  redis_port=${CXC_REDIS_PORT:-56379}
  cxc_start_redis "$ROOT/.data/redis" "$redis_port"
  if [[ $CXC_LAST_STARTED == 1 ]]; then REDIS_STARTED_DIR=$ROOT/.data/redis; REDIS_STARTED_PORT=$redis_port; fi
  export CXC_REDIS="127.0.0.1:$redis_port"
else
  cxc_log "using Redis from CXC_REDIS"
fi

# Keys survive restarts so that scripts and bookmarks keep working; the server registers them idempotently.
persistent_key() {
  local file=$1 prefix=$2 hex
  if [[ ! -s $file ]]; then
    if command -v openssl >/dev/null 2>&1; then
      hex=$(openssl rand -hex 24)
    else
      hex=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
    fi
    (umask 077 && printf '%s%s\n' "$prefix" "$hex" >"$file")
  fi
  chmod 600 "$file"
  tr -d ' \r\n' <"$file"
}
api_key=$(persistent_key .data/demo.key cxc_demo_)
# The platform operator's key (creates tenants); without it the server would make one and print it only in its log.
system_key=$(persistent_key .data/system.key cxc_system_)
export CXC_BOOTSTRAP_ADMIN_KEY=$system_key
export CXC_LOG_FORMAT=${CXC_LOG_FORMAT:-text}
export CXC_LANDING_DIR=${CXC_LANDING_DIR:-$ROOT/.data/landing}
export CXC_DEMO_API_KEY=$api_key

base_url=${CXC_URL:-http://localhost:8080}
export ASPNETCORE_URLS=$base_url
# ASPNETCORE_URLS may list several URLs or a wildcard host; probe the first one on a host we can actually dial.
probe_url=${base_url%%;*}
probe_url=$(printf '%s' "$probe_url" | sed -E 's#^(https?://)(\*|\+|0\.0\.0\.0|\[::\])(:|/|$)#\1localhost\3#')
probe_url=${probe_url%/}

server_dir=$ROOT/src/CxContact.Server
if [[ ${CXC_NO_BUILD:-0} != 1 ]]; then
  cxc_log "building src/CxContact.Server (Release)"
  dotnet build src/CxContact.Server -c Release -nologo -v q
fi
server_dll=$server_dir/bin/Release/net10.0/CxContact.Server.dll
[[ -f $server_dll ]] || cxc_die "$server_dll not found; did the build succeed?"

server_log=$ROOT/.data/server.log
: >"$server_log"
export ASPNETCORE_CONTENTROOT=$server_dir
cxc_log "starting server on $base_url (log $server_log)"
# cwd = project dir so the content root and wwwroot resolve the same way as with 'dotnet run'.
(cd "$server_dir" && exec dotnet "$server_dll") >>"$server_log" 2>&1 </dev/null &
SERVER_PID=$!

http_status() {
  if command -v curl >/dev/null 2>&1; then
    curl -sk -o /dev/null -m 5 -w '%{http_code}' "$1" 2>/dev/null || true
    return 0
  fi
  # Fresh minimal images may lack curl; plain HTTP over bash's /dev/tcp is enough for a readiness probe.
  local rest host port path line
  [[ $1 == http://* ]] || { printf '000'; return 0; }
  rest=${1#http://}; host=${rest%%/*}; path=/${rest#*/}; [[ $rest == */* ]] || path=/
  port=80; if [[ $host == *:* ]]; then port=${host##*:}; host=${host%:*}; fi
  # shellcheck disable=SC2016  # expanded by the inner bash
  line=$(timeout 5 bash -c 'exec 3<>"/dev/tcp/$0/$1" && printf "GET %s HTTP/1.0\r\nHost: %s\r\n\r\n" "$2" "$0" >&3 && head -n1 <&3' \
    "$host" "$port" "$path" 2>/dev/null || true)
  line=${line#HTTP/* }; printf '%s' "${line:0:3}"
}

ready_url=$probe_url/health/ready
deadline=$((SECONDS + 120))
until [[ $(http_status "$ready_url") == 200 ]]; do
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    wait "$SERVER_PID" && server_rc=0 || server_rc=$?
    SERVER_PID=""
    echo "---- last lines of $server_log ----" >&2
    tail -n 60 "$server_log" >&2
    cxc_die "the server exited (code $server_rc) before $ready_url answered 200"
  fi
  if ((SECONDS >= deadline)); then
    echo "---- last lines of $server_log ----" >&2
    tail -n 60 "$server_log" >&2
    cxc_die "$ready_url did not answer 200 within 120 s"
  fi
  sleep 1
done

(umask 077 && printf 'CXC_URL=%s\nCXC_API_KEY=%s\n' "$probe_url" "$api_key" >.data/demo.env)

cat <<EOF

CX Contact is running.
  URL:      $probe_url
  API key:  $api_key   (tenant "Demo", admin)
  System admin key: $system_key   (creates tenants; also in .data/system.key)
  Server log: $server_log

Try it:
  source .data/demo.env && curl -H "Authorization: Bearer \$CXC_API_KEY" \$CXC_URL/api/v1/me

Press Ctrl-C to stop.

EOF

# Show server output from here on without reprinting the startup noise above the banner.
tail -n 0 -F --pid="$SERVER_PID" "$server_log" 2>/dev/null &
TAIL_PID=$!

wait "$SERVER_PID" && server_rc=0 || server_rc=$?
SERVER_PID=""
cxc_log "server exited with code $server_rc"
exit "$server_rc"
