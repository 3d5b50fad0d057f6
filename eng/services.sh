# shellcheck shell=bash disable=SC2034
# Private PostgreSQL and Redis instances for eng/run.sh and eng/test.sh.
#
# Source this file; it only defines functions. Every instance lives in a directory the caller chooses and listens
# on 127.0.0.1 on a port the caller chooses, so it never touches (or depends on) the distro's system services and
# several checkouts or test runs can coexist on one machine.
#
# After cxc_start_postgres / cxc_start_redis, CXC_LAST_STARTED is 1 if the call started a new process and 0 if it
# reused one that was already running; callers use it to stop only what they started.

CXC_LAST_STARTED=0
_CXC_APT_UPDATED=0

cxc_log() { local IFS=' '; printf '[cxc] %s\n' "$*" >&2; }
cxc_die() { local IFS=' '; printf '[cxc] ERROR: %s\n' "$*" >&2; return 1; }

_cxc_is_root() { [[ $(id -u) -eq 0 ]]; }

# Prefers 15 (the version the project is developed against), then the newest installed, because Debian keeps
# server binaries off PATH under /usr/lib/postgresql/<major>/bin.
cxc_pg_bin() {
  local d
  if [[ -n ${CXC_PG_BINDIR:-} ]]; then
    [[ -x $CXC_PG_BINDIR/initdb ]] || { cxc_die "CXC_PG_BINDIR=$CXC_PG_BINDIR has no initdb"; return 1; }
    printf '%s\n' "$CXC_PG_BINDIR"; return 0
  fi
  if [[ -x /usr/lib/postgresql/15/bin/initdb && -x /usr/lib/postgresql/15/bin/pg_ctl ]]; then
    printf '%s\n' /usr/lib/postgresql/15/bin; return 0
  fi
  if command -v dpkg >/dev/null 2>&1; then
    d=$(dpkg -L postgresql-15 2>/dev/null | grep '/bin/initdb$' | head -n1 || true)
    if [[ -n $d && -x ${d%/initdb}/pg_ctl ]]; then printf '%s\n' "${d%/initdb}"; return 0; fi
  fi
  local best="" v
  for d in /usr/lib/postgresql/*/bin; do
    [[ -x $d/initdb && -x $d/pg_ctl ]] || continue
    v=${d#/usr/lib/postgresql/}; v=${v%/bin}
    [[ $v =~ ^[0-9]+ ]] || continue
    if [[ -z $best ]] || (( ${v%%.*} > ${best%%.*} )); then best=$v; fi
  done
  if [[ -n $best ]]; then printf '%s\n' "/usr/lib/postgresql/$best/bin"; return 0; fi
  # Non-Debian layouts (or a source build) put them on PATH.
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(command -v initdb)"; return 0
  fi
  return 1
}

# apt's own lock timeout makes us queue behind a concurrent apt/unattended-upgrades run instead of failing.
_cxc_apt_install() {
  local log rc=0
  log=$(mktemp)
  if [[ $_CXC_APT_UPDATED -eq 0 ]]; then
    cxc_log "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -qq update >"$log" 2>&1 || rc=$?
    if [[ $rc -ne 0 ]]; then cat "$log" >&2; rm -f "$log"; cxc_die "apt-get update failed"; return 1; fi
    _CXC_APT_UPDATED=1
  fi
  cxc_log "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -qq install -y --no-install-recommends "$@" \
    >"$log" 2>&1 || rc=$?
  if [[ $rc -ne 0 ]]; then tail -n 40 "$log" >&2; rm -f "$log"; cxc_die "apt-get install $* failed"; return 1; fi
  rm -f "$log"
}

# Usage: cxc_ensure_packages [postgres] [redis]   (no arguments: both)
# Callers pass only what they will start, so pointing at existing servers works without installing anything.
cxc_ensure_packages() {
  local missing=() want=" ${*:-postgres redis} "
  if [[ $want == *" redis "* ]]; then
    command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1 || missing+=(redis-server)
  fi
  if [[ $want == *" postgres "* ]]; then
    { cxc_pg_bin >/dev/null 2>&1 && _cxc_pg_client psql >/dev/null 2>&1; } || missing+=(postgresql)
  fi
  [[ ${#missing[@]} -eq 0 ]] && return 0
  if ! _cxc_is_root; then
    cxc_die "missing package(s): ${missing[*]}. Install them (sudo apt-get install -y ${missing[*]}), or set" \
      "CXC_POSTGRES/CXC_REDIS (run.sh) or CXC_TEST_POSTGRES/CXC_TEST_REDIS (test.sh) to existing servers."
    return 1
  fi
  command -v apt-get >/dev/null 2>&1 || { cxc_die "missing ${missing[*]} and no apt-get to install them"; return 1; }
  # postgresql's maintainer script creates and may start a "main" cluster on 5432, and redis-server may start on
  # 6379; harmless, since our instances use their own directories and ports.
  _cxc_apt_install "${missing[@]}" || return 1
  if [[ $want == *" postgres "* ]]; then
    cxc_pg_bin >/dev/null || { cxc_die "postgresql installed but initdb/pg_ctl still not found"; return 1; }
  fi
  if [[ $want == *" redis "* ]]; then
    command -v redis-server >/dev/null || { cxc_die "redis-server installed but not on PATH"; return 1; }
  fi
}

# Use the server's own client binaries when present, to avoid Debian's pg_wrapper picking a cluster for us.
_cxc_pg_client() {
  local bin
  bin=$(cxc_pg_bin 2>/dev/null || true)
  if [[ -n $bin && -x $bin/$1 ]]; then printf '%s\n' "$bin/$1"; return 0; fi
  command -v "$1"
}

cxc_free_port() {
  local p
  # Binding port 0 lets the kernel pick; the tiny race until our server binds is acceptable for local use.
  if p=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' \
      2>/dev/null) && [[ $p =~ ^[0-9]+$ ]]; then
    printf '%s\n' "$p"; return 0
  fi
  local i
  for i in $(seq 1 200); do
    p=$((20000 + RANDOM % 40000))
    if ! _cxc_port_in_use "$p"; then printf '%s\n' "$p"; return 0; fi
  done
  cxc_die "could not find a free TCP port"
}

_cxc_port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# PostgreSQL refuses to run as root, so as root everything that touches the data dir runs as the postgres user.
# cd / first: runuser keeps the caller's cwd, and postgres cannot read e.g. /root, which makes initdb/pg_ctl complain.
_cxc_pg_run() {
  if _cxc_is_root; then
    id postgres >/dev/null 2>&1 || { cxc_die "running as root but there is no 'postgres' OS user to run PostgreSQL"; return 1; }
    if command -v runuser >/dev/null 2>&1; then
      (cd / && runuser -u postgres -- "$@")
    else
      local q; q=$(printf '%q ' "$@")
      (cd / && su postgres -s /bin/bash -c "$q")
    fi
  else
    "$@"
  fi
}

# A data dir under e.g. /root is unreachable for the postgres user; name the exact directory instead of letting
# initdb fail with a bare "Permission denied".
_cxc_check_traversable() {
  local path=$1 d="" part
  _cxc_is_root || return 0
  # Walk from / down so the message names the first blocking directory, not the leaf.
  local IFS=/
  for part in $path; do
    [[ -z $part ]] && continue
    d+=/$part
    # Not created yet: whoever creates it decides its mode, so there is nothing to check beyond this point.
    [[ -e $d ]] || break
    if ! _cxc_pg_run test -x "$d" 2>/dev/null; then
      cxc_die "the postgres OS user cannot enter '$d' (needed to reach '$path'). Run 'chmod o+x $d'," \
        "move the checkout somewhere else, or point CXC_POSTGRES/CXC_TEST_POSTGRES at an existing server."
      return 1
    fi
  done
}

# True if PostgreSQL (run as postgres when we are root) could reach DIR; lets callers pick another place quietly.
cxc_pg_can_reach() {
  _cxc_check_traversable "$(_cxc_abspath "${1:?dir}")" 2>/dev/null
}

_cxc_abspath() {
  local p=$1
  [[ $p == /* ]] || p="$PWD/$p"
  # Normalise without requiring the path to exist yet.
  realpath -m "$p"
}

# Usage: cxc_start_postgres DATADIR PORT [DBNAME]
cxc_start_postgres() {
  local datadir port dbname bin parent logfile sockdir owner opts running_port
  datadir=$(_cxc_abspath "${1:?datadir}"); port=${2:?port}; dbname=${3:-}
  CXC_LAST_STARTED=0
  bin=$(cxc_pg_bin) || { cxc_die "PostgreSQL server binaries (initdb, pg_ctl) not found; run cxc_ensure_packages"; return 1; }
  parent=$(dirname "$datadir")
  logfile=$parent/postgres.log
  sockdir=$parent/pg-sock
  owner=$(id -un); _cxc_is_root && owner=postgres

  # umask 022 so that, as root, new parents stay enterable by the postgres user even under a strict umask.
  (umask 022 && mkdir -p "$datadir" "$sockdir" && touch "$logfile") || return 1
  if _cxc_is_root; then
    chown postgres:postgres "$datadir" "$sockdir" "$logfile" || return 1
    _cxc_check_traversable "$datadir" || return 1
  fi
  chmod 700 "$datadir" || return 1

  if [[ ! -f $datadir/PG_VERSION ]]; then
    if [[ -n $(ls -A "$datadir") ]]; then
      cxc_die "$datadir is not empty but holds no PostgreSQL cluster (no PG_VERSION); remove it or pick another dir"
      return 1
    fi
    cxc_log "initdb $datadir"
    local initlog; initlog=$(mktemp); chmod 644 "$initlog"
    # C.UTF-8 keeps sorting byte-wise and predictable while allowing any Unicode text; old glibc lacks it.
    if ! _cxc_pg_run "$bin/initdb" -D "$datadir" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >"$initlog" 2>&1; then
      cxc_log "initdb with C.UTF-8 failed; retrying with --locale=C"
      _cxc_pg_run "$bin/initdb" -D "$datadir" -A trust -U postgres -E UTF8 --locale=C >"$initlog" 2>&1 || {
        cat "$initlog" >&2; rm -f "$initlog"; cxc_die "initdb failed for $datadir"; return 1; }
    fi
    rm -f "$initlog"
  fi

  if _cxc_pg_run "$bin/pg_ctl" -D "$datadir" status >/dev/null 2>&1; then
    running_port=$(sed -n 4p "$datadir/postmaster.pid" 2>/dev/null || true)
    if [[ -n $running_port && $running_port != "$port" ]]; then
      cxc_die "PostgreSQL on $datadir is already running on port $running_port, not $port; stop it first" \
        "(pg_ctl -D $datadir stop) or use that port"
      return 1
    fi
    cxc_log "PostgreSQL already running on $datadir (port $port); reusing it"
  else
    if _cxc_port_in_use "$port"; then
      cxc_die "port $port on 127.0.0.1 is already taken by another process; choose another port"
      return 1
    fi
    # Unix socket paths are limited to ~107 bytes; deep checkouts would otherwise stop the server from starting.
    local sockopt="-k $sockdir"
    if (( ${#sockdir} + 20 > 100 )) || [[ $sockdir == *' '* ]]; then
      cxc_log "socket dir path too long or has spaces; using TCP only"
      sockopt="-k ''"
    fi
    # Each test host holds pooled connections (grain storage, features, its Hangfire server's workers, preload
    # sessions), and the test suite runs many hosts at once: eng/test.sh asks for more.
    opts="-c listen_addresses=127.0.0.1 -p $port $sockopt -c max_connections=${CXC_PG_MAX_CONNECTIONS:-300} -c shared_buffers=256MB"
    # Durability is pointless for throwaway test clusters and costs a lot of time; never for a real run.
    if [[ ${CXC_PG_FAST:-0} == 1 ]]; then
      opts+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    fi
    cxc_log "starting PostgreSQL on 127.0.0.1:$port (data $datadir, log $logfile)"
    if ! _cxc_pg_run "$bin/pg_ctl" -D "$datadir" -w -t 60 -l "$logfile" -o "$opts" start >/dev/null; then
      tail -n 30 "$logfile" >&2 || true
      cxc_die "PostgreSQL failed to start on $datadir (owner $owner); log above"
      return 1
    fi
    CXC_LAST_STARTED=1
  fi

  local isready i
  isready=$(_cxc_pg_client pg_isready)
  for i in $(seq 1 120); do
    "$isready" -q -h 127.0.0.1 -p "$port" && break
    [[ $i -eq 120 ]] && { cxc_die "PostgreSQL on port $port not ready after 60 s"; return 1; }
    sleep 0.5
  done

  if [[ -n $dbname ]]; then
    [[ $dbname =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || { cxc_die "bad database name '$dbname'"; return 1; }
    local psql exists
    psql=$(_cxc_pg_client psql)
    exists=$("$psql" -X -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAc \
      "select 1 from pg_database where datname='$dbname'") || { cxc_die "cannot query PostgreSQL on port $port"; return 1; }
    if [[ $exists != 1 ]]; then
      cxc_log "creating database $dbname"
      "$psql" -X -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -c "create database \"$dbname\"" >/dev/null || return 1
    fi
  fi
}

# Usage: cxc_stop_postgres DATADIR
cxc_stop_postgres() {
  local datadir bin
  datadir=$(_cxc_abspath "${1:?datadir}")
  bin=$(cxc_pg_bin) || return 0
  [[ -f $datadir/postmaster.pid ]] || return 0
  _cxc_pg_run "$bin/pg_ctl" -D "$datadir" status >/dev/null 2>&1 || return 0
  cxc_log "stopping PostgreSQL on $datadir"
  _cxc_pg_run "$bin/pg_ctl" -D "$datadir" -m fast -w -t 60 stop >/dev/null ||
    cxc_die "pg_ctl stop failed for $datadir"
}

_cxc_redis_ping() {
  [[ $(redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null) == PONG ]]
}

# Usage: cxc_start_redis DIR PORT
cxc_start_redis() {
  local dir port i pid
  dir=$(_cxc_abspath "${1:?dir}"); port=${2:?port}
  CXC_LAST_STARTED=0
  if _cxc_redis_ping "$port"; then
    cxc_log "Redis already answering on 127.0.0.1:$port; reusing it"
    return 0
  fi
  command -v redis-server >/dev/null 2>&1 || { cxc_die "redis-server not found; run cxc_ensure_packages"; return 1; }
  if _cxc_port_in_use "$port"; then
    cxc_die "port $port on 127.0.0.1 is taken by something that is not Redis; choose another port"
    return 1
  fi
  mkdir -p "$dir"
  rm -f "$dir/redis.pid"
  cxc_log "starting Redis on 127.0.0.1:$port (dir $dir)"
  # Persistence off: PostgreSQL is the source of truth and the Redis index is rebuilt from it.
  redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --dir "$dir" --save "" --appendonly no \
    --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" || {
    tail -n 20 "$dir/redis.log" >&2 2>/dev/null || true; cxc_die "redis-server failed to start"; return 1; }
  CXC_LAST_STARTED=1
  for i in $(seq 1 60); do
    _cxc_redis_ping "$port" && return 0
    pid=$(cat "$dir/redis.pid" 2>/dev/null || true)
    if [[ $i -gt 4 && -n $pid ]] && ! kill -0 "$pid" 2>/dev/null; then break; fi
    sleep 0.5
  done
  tail -n 20 "$dir/redis.log" >&2 2>/dev/null || true
  cxc_die "Redis did not answer PING on port $port"
}

# Usage: cxc_stop_redis DIR PORT
cxc_stop_redis() {
  local dir port pid i
  dir=$(_cxc_abspath "${1:?dir}"); port=${2:?port}
  pid=$(cat "$dir/redis.pid" 2>/dev/null || true)
  if _cxc_redis_ping "$port"; then
    cxc_log "stopping Redis on port $port"
    redis-cli -h 127.0.0.1 -p "$port" shutdown nosave >/dev/null 2>&1 || true
  fi
  [[ -n $pid ]] || return 0
  for i in $(seq 1 40); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.25
  done
  # Only reached if the SHUTDOWN did not take (e.g. the port answered but the pidfile process hung).
  kill "$pid" 2>/dev/null || true
}
