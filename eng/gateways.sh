# shellcheck shell=bash disable=SC2034
# Private mail (SMTP) and SMS (Kannel) gateways for eng/run.sh, eng/test.sh and manual testing.
#
# Source this file; it only defines functions. Like eng/services.sh, every instance lives in a directory the caller
# chooses and listens on 127.0.0.1 on ports the caller chooses, so it never uses (or disturbs) the distro's system
# services, never talks to the internet, and several checkouts or test runs can coexist on one machine.
#
#   cxc_start_mta DIR SMTP_PORT       Postfix that accepts any recipient and files every message into DIR/maildir;
#                                     RCPT TO <...@bounce.invalid> gets 550, <...@tempfail.invalid> gets 451.
#   cxc_stop_mta DIR
#   cxc_start_kannel DIR ADMIN_PORT SENDSMS_PORT SMSC_PORT GET_URL
#                                     bearerbox + smsbox + fakesmsc (the "phone network"); MT messages are logged
#                                     in DIR/fakesmsc.log, MO messages are passed to GET_URL. Receivers starting
#                                     with +999 are refused (HTTP 403 from sendsms, DLR status 16).
#   cxc_stop_kannel DIR
#   cxc_kannel_mo DIR FROM TO TEXT    injects an inbound SMS as if FROM's phone sent TEXT to TO.
#
# After a cxc_start_* call, CXC_LAST_STARTED is 1 if it started new processes and 0 if it reused running ones.
# Both gateways need root: Postfix's master and its delivery agent switch users, and installing needs apt-get.
#
# OpenSMTPD is not used although it is smaller: its spool (/var/spool/smtpd) and control socket (/run/smtpd.sock)
# are compiled in, so only one instance can run per machine and it would share state with the system's one.

CXC_LAST_STARTED=${CXC_LAST_STARTED:-0}
_CXC_APT_UPDATED=${_CXC_APT_UPDATED:-0}

# Same helpers as eng/services.sh; defined here only when that file has not been sourced, so either order works.
declare -F cxc_log >/dev/null || cxc_log() { local IFS=' '; printf '[cxc] %s\n' "$*" >&2; }
declare -F cxc_die >/dev/null || cxc_die() { local IFS=' '; printf '[cxc] ERROR: %s\n' "$*" >&2; return 1; }

_cxc_gw_abspath() {
  local p=$1
  [[ $p == /* ]] || p="$PWD/$p"
  realpath -m "$p"
}

_cxc_gw_port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# True if something listens on 127.0.0.1:PORT (or on all addresses). Reads /proc/net/tcp instead of connecting,
# because bearerbox would take a probe on the fake SMSC port for the SMSC itself, and one on the box port for a box.
_cxc_gw_listening() {
  local hex
  hex=$(printf '%04X' "$1")
  grep -qE "^ *[0-9]+: (0100007F|00000000):$hex [0-9A-F]+:[0-9A-F]+ 0A " /proc/net/tcp 2>/dev/null
}

_cxc_gw_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

_cxc_gw_check_port() {
  if [[ $1 =~ ^[0-9]+$ ]] && (( $1 > 0 && $1 < 65536 )); then return 0; fi
  cxc_die "'$1' is not a valid TCP port"
}

# Config files written here are parsed by Postfix and Kannel, which both split values on whitespace.
_cxc_gw_check_dir() {
  [[ $1 != *[[:space:]\"]* ]] || { cxc_die "directory '$1' contains whitespace or quotes; pick another"; return 1; }
}

_cxc_gw_need_root() {
  [[ $(id -u) -eq 0 ]] || { cxc_die "$1 needs root (to install packages and to run its daemons)"; return 1; }
}

# Prints the raw HTTP/1.0 response (status line, headers, body) for GET PATH on 127.0.0.1:PORT; bash's /dev/tcp
# keeps curl optional. HTTP/1.0 makes the server close the connection, which ends the read.
_cxc_gw_http_get() {
  # shellcheck disable=SC2016  # expanded by the inner shell
  timeout 5 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    printf "GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n" "$2" >&3
    cat <&3' _ "$1" "$2" 2>/dev/null
}

# Installs Debian packages without letting their maintainer scripts start system-wide daemons: invoke-rc.d and
# deb-systemd-invoke ask /usr/sbin/policy-rc.d first, and exit code 101 means "action forbidden". A policy-rc.d
# that is already there (containers usually ship one) is left alone; ours is removed again afterwards.
_cxc_gw_apt_install() {
  local log rc=0 policy=/usr/sbin/policy-rc.d marker="# cxc gateways.sh: temporary" ours=0
  command -v apt-get >/dev/null 2>&1 || { cxc_die "missing package(s) $* and no apt-get to install them"; return 1; }
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\n%s\nexit 101\n' "$marker" >"$policy" && chmod 755 "$policy" && ours=1
  fi
  log=$(mktemp)
  if [[ $_CXC_APT_UPDATED -eq 0 ]]; then
    cxc_log "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -qq update >"$log" 2>&1 || rc=$?
    [[ $rc -eq 0 ]] && _CXC_APT_UPDATED=1
  fi
  if [[ $rc -eq 0 ]]; then
    cxc_log "apt-get install $*"
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -qq install -y --no-install-recommends "$@" \
      >"$log" 2>&1 || rc=$?
  fi
  if [[ $ours -eq 1 ]] && grep -qF "$marker" "$policy" 2>/dev/null; then rm -f "$policy"; fi
  if [[ $rc -ne 0 ]]; then tail -n 40 "$log" >&2; rm -f "$log"; cxc_die "apt-get install $* failed"; return 1; fi
  rm -f "$log"
}

# True if the pid in FILE is alive and is the program NAME, so a recycled pid is never mistaken for ours.
_cxc_gw_pid_alive() {
  local pid
  pid=$(cat "$1" 2>/dev/null) || return 1
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  [[ $(cat "/proc/$pid/comm" 2>/dev/null) == "$2" ]]
}

# TERM, then KILL after ~10 s, the processes named by pid files (pairs of FILE NAME); removes the pid files.
_cxc_gw_kill_pidfiles() {
  local -a pids=() files=()
  local i pid
  while [[ $# -ge 2 ]]; do
    if _cxc_gw_pid_alive "$1" "$2"; then pids+=("$(cat "$1")"); fi
    files+=("$1"); shift 2
  done
  if [[ ${#pids[@]} -gt 0 ]]; then
    kill -TERM "${pids[@]}" 2>/dev/null || true
    for i in $(seq 1 40); do
      for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && break; pid=""; done
      [[ -z $pid ]] && break
      sleep 0.25
    done
    # Only after the grace period ran out, so pids that were already gone (and could be reused) are never hit.
    if [[ -n $pid ]]; then kill -KILL "${pids[@]}" 2>/dev/null || true; fi
  fi
  rm -f "${files[@]}"
}

# Runs a command detached from the caller (own session, reparented to init) with its pid in PIDFILE and its output
# appended to LOG. The inner shell writes its own pid before exec, which stays right even where setsid has to fork.
# Usage: _cxc_gw_spawn PIDFILE LOG STDIN COMMAND...
_cxc_gw_spawn() {
  local pidfile=$1 log=$2 in=$3; shift 3
  rm -f "$pidfile"
  # shellcheck disable=SC2016  # $$ and $@ belong to the inner shell
  ( setsid bash -c 'echo $$ >"$0"; exec "$@"' "$pidfile" "$@" <>"$in" >>"$log" 2>&1 & )
  local i
  for i in $(seq 1 40); do [[ -s $pidfile ]] && return 0; sleep 0.05; done
  cxc_die "could not start $1"
}

# ---------------------------------------------------------------------------------------------------------- mail

_CXC_POSTFIX=/usr/sbin/postfix

_cxc_gw_ensure_postfix() {
  [[ -x $_CXC_POSTFIX && -x /usr/lib/postfix/sbin/virtual ]] && return 0
  # "No configuration" keeps the package from writing /etc/postfix/main.cf, so the system-wide Postfix stays inert
  # even if something starts it later; our instance brings its own main.cf.
  command -v debconf-set-selections >/dev/null 2>&1 &&
    echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  # Postfix conflicts with other MTAs (exim4, opensmtpd): apt replaces them if one is installed.
  _cxc_gw_apt_install postfix || return 1
  [[ -x $_CXC_POSTFIX ]] || { cxc_die "postfix installed but $_CXC_POSTFIX is missing"; return 1; }
}

# Writes the instance's main.cf, master.cf and recipient access table into DIR/postfix.new/.
_cxc_gw_postfix_config() {
  local dir=$1 port=$2 out=$1/postfix.new uid gid
  # The virtual delivery agent refuses uid 0, so the maildir belongs to "nobody"; root still reads it.
  uid=$(id -u nobody 2>/dev/null || echo 65534)
  gid=$(id -g nobody 2>/dev/null || echo 65534)
  rm -rf "$out"; mkdir -p "$out"
  cat >"$out/main.cf" <<EOF
# Generated by eng/gateways.sh (cxc_start_mta); edits are overwritten on the next start.
compatibility_level = 3.6
queue_directory = $dir/spool
data_directory = $dir/data
mail_owner = postfix
setgid_group = postdrop
myhostname = cxc-mta.localdomain
mydomain = localdomain
myorigin = \$myhostname
smtpd_banner = \$myhostname ESMTP cxc test MTA
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
biff = no
# No DNS: the machine may have none, and nothing here needs it.
smtpd_peername_lookup = no
smtp_dns_support_level = disabled
# Every domain is a "virtual mailbox domain" whose every address maps to the same maildir, so nothing is local
# and nothing is ever relayed; the error transports are a second guard against mail leaving the machine.
mydestination =
local_recipient_maps =
alias_maps =
alias_database =
relay_domains =
local_transport = error:local delivery is disabled in the cxc test MTA
relay_transport = error:relaying is disabled in the cxc test MTA
default_transport = error:relaying is disabled in the cxc test MTA
virtual_mailbox_domains = static:all
virtual_mailbox_base = $dir
virtual_mailbox_maps = static:maildir/
virtual_minimum_uid = 1
virtual_uid_maps = static:$uid
virtual_gid_maps = static:$gid
virtual_alias_maps =
# The access table answers bounce.invalid with 550 and tempfail.invalid with 451 at RCPT TO.
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
smtpd_recipient_restrictions = check_recipient_access texthash:$dir/postfix/recipient_access, permit_mynetworks, reject
smtpd_tls_security_level = none
smtp_tls_security_level = none
smtputf8_enable = yes
# Non-delivery reports would land in the same maildir and confuse tests that count messages.
notify_classes =
maillog_file = $dir/mail.log
maillog_file_prefixes = $dir
EOF
  cat >"$out/master.cf" <<EOF
# Generated by eng/gateways.sh (cxc_start_mta). Only the services this instance needs; nothing is chrooted, so
# it runs from the queue directory under DIR alone.
# service    type  private unpriv chroot wakeup maxproc command
127.0.0.1:$port inet n     -      n      -      -       smtpd
cleanup      unix  n       -      n      -      0       cleanup
qmgr         unix  n       -      n      300    1       qmgr
rewrite      unix  -       -      n      -      -       trivial-rewrite
bounce       unix  -       -      n      -      0       bounce
defer        unix  -       -      n      -      0       bounce
trace        unix  -       -      n      -      0       bounce
verify       unix  -       -      n      -      1       verify
flush        unix  n       -      n      1000?  0       flush
proxymap     unix  -       -      n      -      -       proxymap
showq        unix  n       -      n      -      -       showq
error        unix  -       -      n      -      -       error
retry        unix  -       -      n      -      -       error
discard      unix  -       -      n      -      -       discard
anvil        unix  -       -      n      -      1       anvil
scache       unix  -       -      n      -      1       scache
postlog      unix-dgram n  -      n      -      1       postlogd
virtual      unix  -       n      n      -      -       virtual
EOF
  cat >"$out/recipient_access" <<'EOF'
# Generated by eng/gateways.sh (cxc_start_mta): recipient domains that simulate failures.
bounce.invalid    550 5.1.1 bounce.invalid never accepts mail (cxc test MTA)
tempfail.invalid  451 4.3.0 tempfail.invalid is always busy (cxc test MTA)
EOF
}

# Postfix's master opens its lock as "postfix" and the virtual agent writes the maildir as "nobody", so both must
# be able to enter every directory down to DIR. Names the first blocking directory rather than letting Postfix
# fail with a bare "Permission denied" in its log.
_cxc_gw_check_traversable() {
  local path=$1 d="" part user
  local IFS=/
  for part in $path; do
    [[ -z $part ]] && continue
    d+=/$part
    for user in postfix nobody; do
      if ! runuser -u "$user" -- test -x "$d" 2>/dev/null; then
        cxc_die "the '$user' OS user cannot enter '$d' (needed to reach '$path'). Run 'chmod o+x $d' or pick" \
          "a directory elsewhere (e.g. under /tmp)."
        return 1
      fi
    done
  done
}

_cxc_gw_postfix_running() {
  [[ -f $1/postfix/main.cf ]] && "$_CXC_POSTFIX" -c "$1/postfix" status >/dev/null 2>&1
}

# True once the port greets with "220"; QUIT keeps the MTA's log free of "lost connection" noise.
_cxc_gw_smtp_ready() {
  # shellcheck disable=SC2016  # expanded by the inner shell
  timeout 3 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    IFS= read -r -t 2 line <&3 || exit 1
    printf "QUIT\r\n" >&3
    [[ $line == 220* ]]' _ "$1" 2>/dev/null
}

# Usage: cxc_start_mta DIR SMTP_PORT
cxc_start_mta() {
  local dir port i
  dir=$(_cxc_gw_abspath "${1:?dir}"); port=${2:?smtp port}
  CXC_LAST_STARTED=0
  _cxc_gw_check_port "$port" && _cxc_gw_check_dir "$dir" && _cxc_gw_need_root "the MTA" || return 1
  _cxc_gw_ensure_postfix || return 1
  (umask 022 && mkdir -p "$dir") && _cxc_gw_check_traversable "$dir" || return 1
  _cxc_gw_postfix_config "$dir" "$port" || return 1

  if _cxc_gw_postfix_running "$dir"; then
    if diff -rq "$dir/postfix.new" "$dir/postfix" >/dev/null 2>&1 && _cxc_gw_smtp_ready "$port"; then
      rm -rf "$dir/postfix.new"
      cxc_log "MTA already running on 127.0.0.1:$port (dir $dir); reusing it"
      return 0
    fi
    cxc_log "MTA in $dir runs with another configuration; restarting it"
    cxc_stop_mta "$dir" || return 1
  fi
  rm -rf "$dir/postfix" && mv "$dir/postfix.new" "$dir/postfix" || return 1

  if _cxc_gw_port_open "$port"; then
    cxc_die "port $port on 127.0.0.1 is already taken by another process; choose another port"
    return 1
  fi
  # Postfix insists on root-owned config files; its own queue directories are created by "postfix start".
  chown -R root:root "$dir/postfix" && chmod 644 "$dir/postfix"/* || return 1
  mkdir -p "$dir/spool" "$dir/maildir/new" "$dir/maildir/cur" "$dir/maildir/tmp" || return 1
  chown root:root "$dir/spool" && chmod 755 "$dir/spool" || return 1
  chown "$(id -u nobody 2>/dev/null || echo 65534):$(id -g nobody 2>/dev/null || echo 65534)" \
    "$dir/maildir" "$dir/maildir/new" "$dir/maildir/cur" "$dir/maildir/tmp" || return 1
  chmod 755 "$dir/maildir" "$dir/maildir/new" "$dir/maildir/cur" "$dir/maildir/tmp" || return 1
  touch "$dir/mail.log"

  cxc_log "starting MTA (Postfix) on 127.0.0.1:$port (maildir $dir/maildir, log $dir/mail.log)"
  if ! "$_CXC_POSTFIX" -c "$dir/postfix" start >>"$dir/postfix-start.log" 2>&1; then
    tail -n 20 "$dir/postfix-start.log" "$dir/mail.log" >&2 2>/dev/null || true
    cxc_die "postfix failed to start in $dir; see $dir/postfix-start.log and $dir/mail.log"
    return 1
  fi
  CXC_LAST_STARTED=1
  for i in $(seq 1 80); do
    _cxc_gw_smtp_ready "$port" && return 0
    sleep 0.25
  done
  tail -n 20 "$dir/mail.log" >&2 2>/dev/null || true
  cxc_die "MTA did not answer SMTP on 127.0.0.1:$port within 20 s; see $dir/mail.log"
}

# Usage: cxc_stop_mta DIR
cxc_stop_mta() {
  local dir pid i
  dir=$(_cxc_gw_abspath "${1:?dir}")
  _cxc_gw_postfix_running "$dir" || return 0
  cxc_log "stopping MTA in $dir"
  pid=$(tr -dc 0-9 <"$dir/spool/pid/master.pid" 2>/dev/null || true)
  "$_CXC_POSTFIX" -c "$dir/postfix" stop >>"$dir/postfix-start.log" 2>&1 || true
  # "postfix stop" only signals the master; wait so a following start finds the port and queue free.
  if [[ -n $pid ]]; then
    for i in $(seq 1 80); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.25; done
    cxc_die "Postfix master (pid $pid) in $dir did not stop within 20 s"
  fi
}

# ------------------------------------------------------------------------------------------------------------ SMS

# Absolute paths: the boxes live in /usr/sbin, which is not always on a non-login PATH.
_CXC_BEARERBOX=/usr/sbin/bearerbox
_CXC_SMSBOX=/usr/sbin/smsbox

_cxc_gw_fakesmsc() {
  local f
  f=$(dpkg -L kannel-extras 2>/dev/null | grep '/fakesmsc$' | head -n1 || true)
  [[ -n $f && -x $f ]] || f=/usr/lib/kannel/test/fakesmsc
  [[ -x $f ]] && printf '%s\n' "$f"
}

_cxc_gw_ensure_kannel() {
  local missing=()
  [[ -x $_CXC_BEARERBOX && -x $_CXC_SMSBOX ]] || missing+=(kannel)
  _cxc_gw_fakesmsc >/dev/null || missing+=(kannel-extras)
  [[ ${#missing[@]} -eq 0 ]] && return 0
  _cxc_gw_apt_install kannel kannel-extras || return 1
  _cxc_gw_fakesmsc >/dev/null || { cxc_die "kannel-extras installed but fakesmsc not found"; return 1; }
}

# Appends Kannel's MO escapes to GET_URL: %p sender, %P receiver, %b the text exactly as received (URL-encoded
# UTF-8; %a would collapse runs of spaces), %i SMSC id, %t arrival time "YYYY-MM-DD HH:MM:SS" (machine time zone).
_cxc_gw_mo_url() {
  local sep='?'
  [[ $1 == *\?* ]] && sep='&'
  [[ $1 == *\? || $1 == *\& ]] && sep=''
  printf '%s%sfrom=%%p&to=%%P&text=%%b&smsc=%%i&ts=%%t\n' "$1" "$sep"
}

# Writes DIR/kannel.conf.new. BOX_PORT is the bearerbox port smsbox connects to; it is not exposed to callers.
_cxc_gw_kannel_config() {
  local dir=$1 admin=$2 sendsms=$3 smsc=$4 box=$5 geturl=$6
  local user=${CXC_KANNEL_USER:-cxc} pass=${CXC_KANNEL_PASSWORD:-cxc-secret}
  local adminpass=${CXC_KANNEL_ADMIN_PASSWORD:-cxc-admin}
  cat >"$dir/kannel.conf.new" <<EOF
# Generated by eng/gateways.sh (cxc_start_kannel); edits are overwritten on the next start.

group = core
admin-port = $admin
admin-interface = 127.0.0.1
admin-password = $adminpass
status-password = $adminpass
admin-allow-ip = 127.0.0.1
smsbox-port = $box
smsbox-interface = 127.0.0.1
box-allow-ip = 127.0.0.1
# DLRs are matched in memory: the fake SMSC's reports arrive within the same bearerbox run.
dlr-storage = internal
access-log = $dir/access.log
# Joins the parts of a long MO (see cxc_kannel_mo) before smsbox sees it.
sms-combine-concatenated-mo = true

# The "phone network": bearerbox listens here and fakesmsc connects as the SMSC.
group = smsc
smsc = fake
smsc-id = fake
port = $smsc
our-host = 127.0.0.1
connect-allow-ip = 127.0.0.1
# Country code 999 does not exist: such receivers simulate a number the network rejects (sendsms answers 403 and
# a dlr-mask with 16 or 2 reports status 16). fakesmsc itself never fails a message.
denied-prefix = +999;999

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = $box
sendsms-port = $sendsms
sendsms-interface = 127.0.0.1
# UCS-2 MO messages reach GET_URL as UTF-8.
mo-recode = true

group = sendsms-user
username = "$user"
password = "$pass"
# Up to 10 concatenated parts per sendsms request.
max-messages = 10
concatenation = true

# Every MO goes to the application, which answers through sendsms itself: no reply from the service.
group = sms-service
keyword = default
catch-all = true
get-url = "$(_cxc_gw_mo_url "$geturl")"
omit-empty = true
max-messages = 0
concatenation = true
EOF
}

_cxc_gw_kannel_running() {
  _cxc_gw_pid_alive "$1/bearerbox.pid" bearerbox && _cxc_gw_pid_alive "$1/smsbox.pid" smsbox &&
    _cxc_gw_pid_alive "$1/fakesmsc.pid" fakesmsc
}

_cxc_gw_kannel_conf_value() {
  [[ -f $1 ]] || return 0
  sed -n "s/^$2 = //p" "$1" | head -n1
}

# Ready when sendsms answers HTTP at all and bearerbox reports the fake SMSC connection online.
_cxc_gw_kannel_ready() {
  local dir=$1 admin=$2 sendsms=$3 status
  [[ $(_cxc_gw_http_get "$sendsms" /cgi-bin/sendsms | head -c 5) == HTTP/ ]] || return 1
  status=$(_cxc_gw_http_get "$admin" \
    "/status.txt?password=$(_cxc_gw_kannel_conf_value "$dir/kannel.conf" admin-password)")
  [[ $status == *"FAKE:"*"(online"* ]]
}

_cxc_gw_wait_port() {
  local port=$1 pidfile=$2 name=$3 i
  for i in $(seq 1 100); do
    _cxc_gw_listening "$port" && return 0
    _cxc_gw_pid_alive "$pidfile" "$name" || return 1
    sleep 0.1
  done
  return 1
}

_cxc_gw_kannel_fail() {
  local dir=$1; shift
  local f
  for f in bearerbox smsbox fakesmsc; do
    [[ -s $dir/$f.log ]] && { printf -- '--- %s.log\n' "$f" >&2; tail -n 15 "$dir/$f.log" >&2; }
  done
  # Stop first: under the caller's "set -e" the failing cxc_die ends the script.
  cxc_stop_kannel "$dir" >/dev/null 2>&1 || true
  cxc_die "$@"
}

# Usage: cxc_start_kannel DIR ADMIN_PORT SENDSMS_PORT SMSC_PORT GET_URL
cxc_start_kannel() {
  local dir admin sendsms smsc geturl box fakesmsc p i
  dir=$(_cxc_gw_abspath "${1:?dir}"); admin=${2:?admin port}; sendsms=${3:?sendsms port}; smsc=${4:?smsc port}
  geturl=${5:?get-url}
  CXC_LAST_STARTED=0
  for p in "$admin" "$sendsms" "$smsc"; do _cxc_gw_check_port "$p" || return 1; done
  _cxc_gw_check_dir "$dir" && _cxc_gw_need_root "Kannel" || return 1
  [[ $geturl != *[[:space:]\"]* ]] || { cxc_die "GET_URL must not contain whitespace or quotes"; return 1; }
  [[ ${CXC_KANNEL_USER-}${CXC_KANNEL_PASSWORD-} != *\"* && ${CXC_KANNEL_ADMIN_PASSWORD-} =~ ^[A-Za-z0-9._-]*$ ]] ||
    { cxc_die "CXC_KANNEL_USER/PASSWORD must not contain quotes; CXC_KANNEL_ADMIN_PASSWORD only [A-Za-z0-9._-]"; return 1; }
  _cxc_gw_ensure_kannel || return 1
  fakesmsc=$(_cxc_gw_fakesmsc)
  mkdir -p "$dir" || return 1

  # Keep the internal smsbox port of a previous start, so an unchanged configuration is recognised as such.
  box=${CXC_KANNEL_BOX_PORT:-$(_cxc_gw_kannel_conf_value "$dir/kannel.conf" smsbox-port)}
  if [[ -z $box ]] || { ! _cxc_gw_kannel_running "$dir" && _cxc_gw_port_open "$box"; }; then
    box=$(_cxc_gw_free_port) || { cxc_die "could not find a free port for bearerbox's smsbox connection"; return 1; }
  fi
  _cxc_gw_kannel_config "$dir" "$admin" "$sendsms" "$smsc" "$box" "$geturl" || return 1

  if _cxc_gw_kannel_running "$dir" && cmp -s "$dir/kannel.conf.new" "$dir/kannel.conf" &&
      _cxc_gw_kannel_ready "$dir" "$admin" "$sendsms"; then
    rm -f "$dir/kannel.conf.new"
    cxc_log "Kannel already running in $dir (sendsms 127.0.0.1:$sendsms); reusing it"
    return 0
  fi
  cxc_stop_kannel "$dir" || return 1
  mv "$dir/kannel.conf.new" "$dir/kannel.conf" || return 1

  for p in "$admin" "$sendsms" "$smsc" "$box"; do
    if _cxc_gw_port_open "$p"; then
      cxc_die "port $p on 127.0.0.1 is already taken by another process; choose another port"
      return 1
    fi
  done
  # fakesmsc reads MO lines from this FIFO. It is opened read-write, so fakesmsc itself always holds a writer
  # and never sees end-of-file when a cxc_kannel_mo writer closes its end.
  [[ -p $dir/mo.fifo ]] || { rm -f "$dir/mo.fifo"; mkfifo -m 600 "$dir/mo.fifo"; } || return 1

  cxc_log "starting Kannel (sendsms 127.0.0.1:$sendsms, admin :$admin, fake SMSC :$smsc, box :$box; dir $dir)"
  local v=${CXC_KANNEL_VERBOSITY:-1}
  _cxc_gw_spawn "$dir/bearerbox.pid" "$dir/bearerbox.log" /dev/null "$_CXC_BEARERBOX" -v "$v" "$dir/kannel.conf" || return 1
  CXC_LAST_STARTED=1
  # bearerbox opens the SMSC and box listeners before it accepts anyone; neither client retries a refused connect.
  if ! { _cxc_gw_wait_port "$smsc" "$dir/bearerbox.pid" bearerbox &&
      _cxc_gw_wait_port "$box" "$dir/bearerbox.pid" bearerbox; }; then
    _cxc_gw_kannel_fail "$dir" "bearerbox did not open ports $smsc and $box within 10 s"; return 1
  fi
  # -v 0 because fakesmsc logs each message it receives ("Got message N: <...>") at debug level. -i 0 lifts its
  # default rate limit of one MO per second. stdbuf -i0 makes stdin unbuffered: fakesmsc select()s on the fd and
  # then fgets() a single line, so lines that stdio had already buffered would otherwise wait for the next write.
  _cxc_gw_spawn "$dir/fakesmsc.pid" "$dir/fakesmsc.log" "$dir/mo.fifo" \
    stdbuf -i0 "$fakesmsc" -v 0 -H 127.0.0.1 -r "$smsc" -i 0 || return 1
  _cxc_gw_spawn "$dir/smsbox.pid" "$dir/smsbox.log" /dev/null "$_CXC_SMSBOX" -v "$v" "$dir/kannel.conf" || return 1

  for i in $(seq 1 120); do
    _cxc_gw_kannel_ready "$dir" "$admin" "$sendsms" && return 0
    for p in bearerbox smsbox fakesmsc; do
      _cxc_gw_pid_alive "$dir/$p.pid" "$p" || { _cxc_gw_kannel_fail "$dir" "$p exited during start-up"; return 1; }
    done
    sleep 0.25
  done
  _cxc_gw_kannel_fail "$dir" "Kannel not ready within 30 s (sendsms port $sendsms, fake SMSC on $smsc)"
}

# Usage: cxc_stop_kannel DIR
cxc_stop_kannel() {
  local dir f running=0
  dir=$(_cxc_gw_abspath "${1:?dir}")
  for f in bearerbox smsbox fakesmsc; do _cxc_gw_pid_alive "$dir/$f.pid" "$f" && running=1; done
  [[ $running -eq 1 ]] && cxc_log "stopping Kannel in $dir"
  # smsbox first so it does not log reconnect attempts; fakesmsc exits by itself once bearerbox closes the socket.
  _cxc_gw_kill_pidfiles "$dir/smsbox.pid" smsbox "$dir/bearerbox.pid" bearerbox "$dir/fakesmsc.pid" fakesmsc
}

# Usage: cxc_kannel_mo DIR FROM TO TEXT
# Injects one inbound SMS as if FROM's phone sent TEXT (UTF-8, any length up to 255 parts) to TO.
cxc_kannel_mo() {
  local dir from=${2:?from} to=${3:?to} text=${4-} lines
  dir=$(_cxc_gw_abspath "${1:?dir}")
  [[ $from =~ ^[^[:space:]]{1,32}$ && $to =~ ^[^[:space:]]{1,32}$ ]] ||
    { cxc_die "FROM and TO must be 1-32 characters without whitespace"; return 1; }
  _cxc_gw_pid_alive "$dir/fakesmsc.pid" fakesmsc || { cxc_die "fakesmsc is not running in $dir"; return 1; }
  # fakesmsc takes one message per line: "FROM TO text MESSAGE" (raw text), "FROM TO data URLENCODED" (8-bit), or
  # "FROM TO udh-text UDH MESSAGE" / "FROM TO udh-data UDH URLENCODED" for one part of a concatenated message,
  # which bearerbox joins again (sms-combine-concatenated-mo) before smsbox calls GET_URL once. It reads stdin with
  # fgets() into 256 bytes, so longer texts go out as parts with a concatenation UDH; text with line breaks goes
  # URL-encoded as 8-bit data. Either way GET_URL receives the original UTF-8 text.
  lines=$(python3 - "$from" "$to" "$text" <<'PY'
import random, sys, urllib.parse
frm, to, text = sys.argv[1:4]
binary = "\n" in text or "\r" in text
enc = (lambda t: urllib.parse.quote_from_bytes(t.encode())) if binary else (lambda t: t)
single = f"{frm} {to} {'data' if binary else 'text'} {enc(text)}"
if len(single.encode()) <= 254:
    print(single)
    sys.exit()
parts, cur = [], ""
for ch in text:
    if cur and len(enc(cur + ch).encode()) > 150:
        parts.append(cur)
        cur = ""
    cur += ch
parts.append(cur)
if len(parts) > 255:
    sys.exit("TEXT needs more than 255 parts")
ref = random.randrange(256)
for i, part in enumerate(parts, 1):
    udh = f"%05%00%03%{ref:02X}%{len(parts):02X}%{i:02X}"
    print(f"{frm} {to} {'udh-data' if binary else 'udh-text'} {udh} {enc(part)}")
PY
) || { cxc_die "could not encode the MO message"; return 1; }
  # flock keeps the parts of concurrent injections from interleaving in the FIFO; the timeout guards against a
  # FIFO without reader, where opening it for writing would block forever.
  # shellcheck disable=SC2016  # expanded by the inner shell
  timeout 5 flock "$dir/mo.lock" bash -c 'printf "%s\n" "$1" >"$2"' _ "$lines" "$dir/mo.fifo" ||
    { cxc_die "could not write to $dir/mo.fifo"; return 1; }
}
