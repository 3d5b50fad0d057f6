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
#   CXC_NO_DEMO=1    do not load the demo tenant's contacts, suppression list and simulated campaign.
#   CXC_DEMO_AGENTS  simulated agents on the demo campaign (default 20).
#   CXC_DEMO_SPEED   how many times faster than real time the demo's simulated clock runs (default 5).
#   CXC_NO_GATEWAYS=1  do not start the local mail server (Postfix) and SMS gateway (Kannel with a fake SMSC).
#   CXC_SMTP_PORT    port of the local mail server (default 52525); mail lands in .data/mta/maildir.
#   CXC_KANNEL_SENDSMS_PORT, CXC_KANNEL_ADMIN_PORT, CXC_KANNEL_SMSC_PORT  Kannel's ports (default 53013, 53000, 53001).
set -euo pipefail

cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.."
ROOT=$PWD
# shellcheck source=eng/services.sh
source eng/services.sh
# shellcheck source=eng/gateways.sh
source eng/gateways.sh

PG_STARTED_DIR=""
REDIS_STARTED_DIR=""
REDIS_STARTED_PORT=""
SERVER_PID=""
TAIL_PID=""
MTA_STARTED_DIR=""
KANNEL_STARTED_DIR=""

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
  if [[ -n $KANNEL_STARTED_DIR ]]; then cxc_stop_kannel "$KANNEL_STARTED_DIR" || true; fi
  if [[ -n $MTA_STARTED_DIR ]]; then cxc_stop_mta "$MTA_STARTED_DIR" || true; fi
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

# The demo data goes in through the API with curl and is read back with jq; without them the platform still runs.
seed_demo_data=1
[[ ${CXC_NO_DEMO:-0} != 1 ]] || seed_demo_data=0
demo_tools=()
command -v curl >/dev/null 2>&1 || demo_tools+=(curl)
command -v jq >/dev/null 2>&1 || demo_tools+=(jq)
if [[ $seed_demo_data == 1 && ${#demo_tools[@]} -gt 0 ]]; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    _cxc_apt_install "${demo_tools[@]}" || seed_demo_data=0
  else
    seed_demo_data=0
  fi
  [[ $seed_demo_data == 1 ]] || cxc_log "no ${demo_tools[*]} (apt-get install ${demo_tools[*]}): the demo tenant stays empty"
fi

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

# The messaging gateways: a mail server that files everything in one maildir, and Kannel with a fake SMSC standing in
# for the phone network (started with the demo, once its gateway exists). Both need root (Postfix switches users,
# installing needs apt-get); without it the platform runs and the demo has no messaging campaign.
gateways=0
smtp_port=${CXC_SMTP_PORT:-52525}
kannel_sendsms=${CXC_KANNEL_SENDSMS_PORT:-53013}
if [[ ${CXC_NO_GATEWAYS:-0} != 1 ]]; then
  if [[ $(id -u) -eq 0 ]]; then
    if cxc_start_mta "$ROOT/.data/mta" "$smtp_port"; then
      [[ $CXC_LAST_STARTED == 1 ]] && MTA_STARTED_DIR=$ROOT/.data/mta
      gateways=1
    else
      cxc_log "the local mail server did not start; going on without messaging gateways"
    fi
  else
    cxc_log "not root: no local mail server or SMS gateway (they need root); messaging campaigns need gateways of your own"
  fi
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
# The dev run may generate the secrets key and keep it in its database; anywhere else CXC_SECRETS_KEY is required.
export CXC_DEV_MODE=1
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

# ---- Demo data: a contact list, a suppression list and a campaign driven by the built-in dialer simulator ----
# Everything is found by name first, so a second run reuses what the first one made. The contacts are in Berlin: the
# default rule set has no calling-hour rules for Germany, so the campaign dials whenever the demo runs.
DEMO_LIST="Demo: Berlin customers"
DEMO_SUPPRESSION="Demo: do not call"
DEMO_SCHEDULE="Demo: nightly purge of expired do-not-call entries"
DEMO_CAMPAIGN="Demo: Berlin renewals"
DEMO_CONTACTS=600
demo_campaign_id=""

# demo_api METHOD PATH [curl args]: prints the body; fails (with the problem details on stderr) on a status >= 400.
demo_api() {
  local method=$1 path=$2 out status
  shift 2
  out=$(curl -sS -m 60 -X "$method" -H "Authorization: Bearer $api_key" -w '\n%{http_code}' "$@" "$probe_url$path") || return 1
  status=${out##*$'\n'}
  out=${out%$'\n'*}
  if [[ $status -ge 400 ]]; then
    cxc_log "demo: $method $path answered $status: $out"
    return 1
  fi
  printf '%s' "$out"
}
demo_json() { demo_api "$1" "$2" -H 'Content-Type: application/json' --data-binary "$3"; }
# The id of the item named $2 in the JSON array that GET $1 answers, or nothing.
demo_find() {
  local all
  all=$(demo_api GET "$1") || return 1
  jq -r --arg n "$2" '[.[] | select(.name == $n)][0].id // empty' <<<"$all"
}

demo_contacts_csv() {
  local first=(Anna Ben Clara David Emma Felix Greta Hannah Jonas Lena Max Mia Noah Paul Sophie Tim)
  local last=(Becker Fischer Hoffmann Klein Koch Meyer Richter Schmidt Schneider Schulz Wagner Weber Wolf Zimmermann)
  local i
  printf 'client_id,first_name,last_name,phone1,email1,country,tz\n'
  for ((i = 1; i <= DEMO_CONTACTS; i++)); do
    printf 'DEMO-%04d,%s,%s,+49301234%05d,demo%04d@example.de,DE,Europe/Berlin\n' \
      "$i" "${first[i % ${#first[@]}]}" "${last[i % ${#last[@]}]}" "$i" "$i"
  done
}

demo_list() {
  local id out records import state deadline
  id=$(demo_find /api/v1/contact-lists "$DEMO_LIST") || return 1
  if [[ -z $id ]]; then
    out=$(demo_json POST /api/v1/contact-lists \
      "$(jq -nc --arg n "$DEMO_LIST" '{name: $n, description: "Seeded by eng/run.sh", defaultCountry: "DE", defaultTimeZone: "Europe/Berlin"}')") || return 1
    id=$(jq -r .id <<<"$out")
    cxc_log "demo: created contact list \"$DEMO_LIST\" ($id)"
  fi
  out=$(demo_api GET "/api/v1/contact-lists/$id") || return 1
  records=$(jq -r .records <<<"$out")
  # A list left empty by an interrupted first run gets its contacts now; a loaded one is left alone.
  if [[ $records == 0 ]]; then
    demo_contacts_csv >"$ROOT/.data/demo-contacts.csv"
    out=$(demo_api POST "/api/v1/contact-lists/$id/imports" -F "file=@$ROOT/.data/demo-contacts.csv;type=text/csv" -F mode=replace) || return 1
    import=$(jq -r .id <<<"$out")
    deadline=$((SECONDS + 180))
    while :; do
      out=$(demo_api GET "/api/v1/contact-lists/$id/imports/$import") || return 1
      state=$(jq -r .state <<<"$out")
      [[ $state == succeeded ]] && break
      if [[ $state == failed ]] || ((SECONDS >= deadline)); then cxc_log "demo: the contact import is $state: $out"; return 1; fi
      sleep 1
    done
    cxc_log "demo: imported $DEMO_CONTACTS contacts into \"$DEMO_LIST\""
  fi
  printf '%s' "$id"
}

demo_suppression() {
  local id out
  id=$(demo_find /api/v1/suppression-lists "$DEMO_SUPPRESSION") || return 1
  if [[ -z $id ]]; then
    out=$(demo_json POST /api/v1/suppression-lists "$(jq -nc --arg n "$DEMO_SUPPRESSION" '{name: $n, description: "Seeded by eng/run.sh"}')") || return 1
    id=$(jq -r .id <<<"$out")
    cxc_log "demo: created suppression list \"$DEMO_SUPPRESSION\" ($id)"
  fi
  # Adding an entry that is already there updates it, so this is safe on every run.
  demo_json POST "/api/v1/suppression-lists/$id/entries" '{"entries": [
      {"type": "phone", "value": "+4930123400007", "source": "asked by letter"},
      {"type": "phone", "value": "+4930123400014", "source": "asked by letter"},
      {"type": "phone", "value": "+4930123400021", "source": "complaint"},
      {"type": "phone", "value": "+4930123400028", "source": "complaint"},
      {"type": "email", "value": "demo0035@example.de", "source": "unsubscribed"},
      {"type": "clientId", "value": "DEMO-0042", "source": "legal hold"}]}' >/dev/null || return 1
  printf '%s' "$id"
}

# Waits until the campaign is in one of the given states with no preload running; prints the state it found.
demo_wait_state() {
  local id=$1 wanted=" $2 " deadline=$((SECONDS + 180)) out state
  while :; do
    out=$(demo_api GET "/api/v1/campaigns/$id") || return 1
    state=$(jq -r 'if .preloading then "preloading" else .state end' <<<"$out")
    if [[ $wanted == *" $state "* ]]; then printf '%s' "$state"; return 0; fi
    if ((SECONDS >= deadline)); then cxc_log "demo: campaign $id is still $state"; return 1; fi
    sleep 1
  done
}

demo_campaign() {
  local list=$1 suppression=$2 id="" state="" out body agents=${CXC_DEMO_AGENTS:-20} speed=${CXC_DEMO_SPEED:-5}
  id=$(demo_find /api/v1/campaigns "$DEMO_CAMPAIGN") || return 1
  if [[ -n $id ]]; then
    state=$(demo_wait_state "$id" "draft ready running paused stopped completed") || return 1
    # A completed demo has nothing left to dial; a fresh campaign over the same contacts keeps the demo moving.
    if [[ $state == completed ]]; then
      demo_api DELETE "/api/v1/campaigns/$id" >/dev/null || return 1
      cxc_log "demo: campaign \"$DEMO_CAMPAIGN\" had completed; starting it afresh"
      id=""
    fi
  fi
  if [[ -z $id ]]; then
    # Shorter retry delays than the defaults (10 to 120 minutes), so the demo keeps dialing while someone watches.
    body=$(jq -nc --arg n "$DEMO_CAMPAIGN" --arg l "$list" --arg s "$suppression" '{
      name: $n, description: "Seeded by eng/run.sh and driven by the built-in dialer simulator",
      contactLists: [{id: $l, weight: 1}], suppressionLists: [$s], dialingMode: "predictive", abandonTarget: 0.03,
      contactStrategy: {rules: [
        {result: "busy", action: "retry", delayMinutes: 2, incrementMinutes: 2, maxRetries: 3},
        {result: "no-answer", action: "retry", delayMinutes: 5, incrementMinutes: 5, maxRetries: 3},
        {result: "answering-machine", action: "retry", delayMinutes: 10, maxRetries: 2}]}}')
    out=$(demo_json POST /api/v1/campaigns "$body") || return 1
    id=$(jq -r .id <<<"$out")
    cxc_log "demo: created campaign \"$DEMO_CAMPAIGN\" ($id)"
    state=draft
  fi
  case $state in
    running) ;;
    paused) demo_api POST "/api/v1/campaigns/$id/resume" >/dev/null || return 1 ;;
    *) demo_api POST "/api/v1/campaigns/$id/start" >/dev/null || return 1 ;;
  esac
  state=$(demo_wait_state "$id" "running completed") || return 1
  [[ $state == running ]] || { cxc_log "demo: campaign $id completed at once: nothing to dial"; return 1; }
  # A simulator survives a server restart with its campaign; start one only when none runs.
  out=$(demo_api GET "/api/v1/campaigns/$id/simulation" 2>/dev/null) || out='{}'
  if [[ $(jq -r .running <<<"$out") != true ]]; then
    demo_json POST "/api/v1/campaigns/$id/simulate" "$(jq -nc --argjson a "$agents" --argjson s "$speed" '{agents: $a, speed: $s}')" >/dev/null || return 1
    cxc_log "demo: simulator started on \"$DEMO_CAMPAIGN\": $agents agents, ${speed}x real time"
  fi
  printf '%s' "$id"
}

# A schedule, so the Schedules section has something to show: the suppression list's expired entries purged nightly.
demo_schedule() {
  local id out
  id=$(demo_find /api/v1/schedules "$DEMO_SCHEDULE") || return 1
  [[ -n $id ]] && return 0
  out=$(demo_json POST /api/v1/schedules "$(jq -nc --arg n "$DEMO_SCHEDULE" --arg l "$1" '{
      name: $n, cron: "0 2 * * *", timeZone: "Europe/Berlin", missedRuns: "run-once",
      action: {type: "purge-expired-suppression", listId: $l}}')") || return 1
  id=$(jq -r .id <<<"$out")
  cxc_log "demo: created schedule \"$DEMO_SCHEDULE\" ($id)"
}

# ---- Demo messaging: Kannel with a fake SMSC, an SMS campaign whose texts land in .data/kannel/fakesmsc.log, and
# one scripted STOP reply. The gateway's callback secret is shown once, so its inbound URL is kept in .data.
DEMO_SMS_LIST="Demo: SMS appointment reminders"
DEMO_SMS_CAMPAIGN="Demo: SMS reminders"
DEMO_KANNEL="Demo: Kannel"
DEMO_SMTP="Demo: local mail server"
demo_sms_campaign_id=""

demo_gateways() {
  local id out inbound_file=$ROOT/.data/kannel-inbound.url
  id=$(demo_find /api/v1/messaging-gateways "$DEMO_SMTP") || return 1
  if [[ -z $id ]]; then
    demo_json POST /api/v1/messaging-gateways "$(jq -nc --arg n "$DEMO_SMTP" --argjson p "$smtp_port" '{name: $n, kind: "smtp",
      settings: {host: "127.0.0.1", port: $p, security: "none", fromAddress: "demo@cxcontact.example", fromName: "CX Contact demo"}}')" >/dev/null || return 1
    cxc_log "demo: created SMTP gateway \"$DEMO_SMTP\" (mail lands in .data/mta/maildir/new)"
  fi
  id=$(demo_find /api/v1/messaging-gateways "$DEMO_KANNEL") || return 1
  # Without its inbound URL (with the secret) Kannel cannot deliver replies: make the gateway again.
  if [[ -n $id && ! -s $inbound_file ]]; then demo_api DELETE "/api/v1/messaging-gateways/$id" >/dev/null || return 1; id=""; fi
  if [[ -z $id ]]; then
    out=$(demo_json POST /api/v1/messaging-gateways "$(jq -nc --arg n "$DEMO_KANNEL" --arg u "http://127.0.0.1:$kannel_sendsms/cgi-bin/sendsms" \
      --arg cb "$probe_url" --arg user "${CXC_KANNEL_USER:-cxc}" --arg pw "${CXC_KANNEL_PASSWORD:-cxc-secret}" '{name: $n, kind: "kannel",
      username: $user, password: $pw, settings: {sendsmsUrl: $u, from: "12345", callbackBaseUrl: $cb,
      helpText: "CX Contact demo: reply STOP to unsubscribe."}}')") || return 1
    (umask 077 && jq -r .callbackUrls.inbound <<<"$out" >"$inbound_file")
    id=$(jq -r .gateway.id <<<"$out")
    cxc_log "demo: created Kannel gateway \"$DEMO_KANNEL\" ($id)"
  fi
  cxc_start_kannel "$ROOT/.data/kannel" "${CXC_KANNEL_ADMIN_PORT:-53000}" "$kannel_sendsms" "${CXC_KANNEL_SMSC_PORT:-53001}" "$(cat "$inbound_file")" >&2 || return 1
  printf '%s' "$id"
}

# Twelve Berlin mobiles (no calling-hour rules for Germany in the default set, so texts go out at any hour).
demo_sms_list() {
  local id out i
  id=$(demo_find /api/v1/contact-lists "$DEMO_SMS_LIST") || return 1
  if [[ -z $id ]]; then
    out=$(demo_json POST /api/v1/contact-lists "$(jq -nc --arg n "$DEMO_SMS_LIST" '{name: $n, defaultCountry: "DE", defaultTimeZone: "Europe/Berlin"}')") || return 1
    id=$(jq -r .id <<<"$out")
    { printf 'client_id,first_name,phone1,country,tz,consent_autodial_mobile\n'
      for ((i = 1; i <= 12; i++)); do printf 'SMS-%02d,Kunde %d,+4915112340%03d,DE,Europe/Berlin,yes\n' "$i" "$i" "$i"; done
    } >"$ROOT/.data/demo-sms.csv"
    demo_api POST "/api/v1/contact-lists/$id/imports" -F "file=@$ROOT/.data/demo-sms.csv;type=text/csv" -F mode=replace >/dev/null || return 1
    cxc_log "demo: created contact list \"$DEMO_SMS_LIST\" ($id) with 12 mobiles"
    sleep 2
  fi
  printf '%s' "$id"
}

demo_sms_campaign() {
  local gateway=$1 list=$2 suppression=$3 id template out state
  id=$(demo_find /api/v1/campaigns "$DEMO_SMS_CAMPAIGN") || return 1
  if [[ -n $id ]]; then
    state=$(demo_wait_state "$id" "draft ready running paused stopped completed") || return 1
    if [[ $state == running ]]; then printf '%s' "$id"; return 0; fi
    demo_api DELETE "/api/v1/campaigns/$id" >/dev/null || return 1
  fi
  template=$(demo_find /api/v1/message-templates "Demo: reminder") || return 1
  if [[ -z $template ]]; then
    out=$(demo_json POST /api/v1/message-templates '{"name": "Demo: reminder", "channel": "sms", "purpose": "informational",
      "body": "Hallo {{ first_name }}, your appointment is tomorrow at 10:00. Reply STOP to opt out."}') || return 1
    template=$(jq -r .id <<<"$out")
  fi
  out=$(demo_json POST /api/v1/campaigns "$(jq -nc --arg n "$DEMO_SMS_CAMPAIGN" --arg l "$list" --arg t "$template" --arg g "$gateway" --arg s "$suppression" '{
      name: $n, description: "Seeded by eng/run.sh: texts through Kannel to its fake SMSC", channel: "sms", templateId: $t, gatewayId: $g,
      contactLists: [{id: $l, weight: 1}], dncList: $s, messagesPerSecond: 2}')") || return 1
  id=$(jq -r .id <<<"$out")
  demo_api POST "/api/v1/campaigns/$id/start" >/dev/null || return 1
  cxc_log "demo: SMS campaign \"$DEMO_SMS_CAMPAIGN\" ($id) started: 2 texts a second"
  # One customer answers STOP once the texts are out: the number goes on the DNC list and gets one confirmation.
  # (Its output is closed so that the $(...) this runs in does not wait for it.)
  (sleep 12; cxc_kannel_mo "$ROOT/.data/kannel" +4915112340003 12345 STOP || true) >/dev/null 2>&1 &
  printf '%s' "$id"
}

seed_demo() {
  local list suppression gateway sms_list
  list=$(demo_list) || return 1
  suppression=$(demo_suppression) || return 1
  demo_schedule "$suppression" || return 1
  demo_campaign_id=$(demo_campaign "$list" "$suppression") || return 1
  if [[ $gateways == 1 ]]; then
    # demo_gateways runs in a subshell: whether this run started Kannel is told by whether it ran before.
    _cxc_gw_kannel_running "$ROOT/.data/kannel" || KANNEL_STARTED_DIR=$ROOT/.data/kannel
    gateway=$(demo_gateways) || return 1
    sms_list=$(demo_sms_list) || return 1
    demo_sms_campaign_id=$(demo_sms_campaign "$gateway" "$sms_list" "$suppression") || return 1
  fi
}

if [[ $seed_demo_data == 1 ]]; then
  cxc_log "seeding the demo tenant"
  seed_demo || cxc_log "demo: seeding failed (see above); the server keeps running without the demo campaign"
fi

cat <<EOF

CX Contact is running.
  URL:      $probe_url
  API key:  $api_key   (tenant "Demo", admin)
  System admin key: $system_key   (creates tenants; also in .data/system.key)
  Server log: $server_log

Try it:
  source .data/demo.env && curl -H "Authorization: Bearer \$CXC_API_KEY" \$CXC_URL/api/v1/me
EOF
if [[ -n $demo_campaign_id ]]; then
  cat <<EOF

Demo campaign "$DEMO_CAMPAIGN" is dialing, driven by the built-in dialer simulator. Open $probe_url,
sign in with the API key above and pick it under Campaigns, or read its live stats:
  source .data/demo.env && curl -H "Authorization: Bearer \$CXC_API_KEY" \$CXC_URL/api/v1/campaigns/$demo_campaign_id/stats
EOF
fi
if [[ -n $demo_sms_campaign_id ]]; then
  cat <<EOF

Demo SMS campaign "$DEMO_SMS_CAMPAIGN" sends 12 texts through Kannel: watch them arrive at the fake SMSC, and the
scripted STOP reply from +4915112340003 put that number on a do-not-call list ("$DEMO_SUPPRESSION" the first time)
with one confirmation text:
  tail -f .data/kannel/fakesmsc.log
  source .data/demo.env && curl -H "Authorization: Bearer \$CXC_API_KEY" \$CXC_URL/api/v1/campaigns/$demo_sms_campaign_id/messages/stats
Reply as a phone yourself:  bash -c 'source eng/gateways.sh && cxc_kannel_mo .data/kannel +4915112340005 12345 HELP'
Mail sent through "$DEMO_SMTP" lands in .data/mta/maildir/new.
EOF
fi
cat <<EOF

Press Ctrl-C to stop.

EOF

# Show server output from here on without reprinting the startup noise above the banner.
tail -n 0 -F --pid="$SERVER_PID" "$server_log" 2>/dev/null &
TAIL_PID=$!

wait "$SERVER_PID" && server_rc=0 || server_rc=$?
SERVER_PID=""
cxc_log "server exited with code $server_rc"
exit "$server_rc"
