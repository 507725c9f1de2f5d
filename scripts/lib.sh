# shellcheck shell=bash
#
# scripts/lib.sh - shared shell helpers for Starling's scripts.
#
# Source it from bash (it is not meant to be executed):
#
#     source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#
# Everything here is safe under `set -euo pipefail`. Messages go to stderr, so
# functions that print a value on stdout (free_port, pg_bin_dir, ...) can be used
# in command substitutions.
#
# Helpers:
#   log / warn / err / die / log_step    messages
#   repo_root                            absolute path of the repository
#   ensure_packages                      apt-get install what is missing (as root)
#   free_port                            print a free TCP port on 127.0.0.1
#   wait_http URL [TIMEOUT]              poll URL until it answers 200
#   http_code URL                        print the HTTP status of URL (000 if none)
#   start_postgres DIR PORT              initdb (if needed) + start + db "starling"
#   stop_postgres DIR                    stop the instance in DIR
#   pg_create_db PORT NAME               create a database if it doesn't exist
#   start_redis DIR PORT [ARGS...]       start a throw-away redis-server (REDIS_CONF=FILE: read it first)
#   stop_redis DIR                       stop the redis-server of DIR
#   redis_ping PORT                      succeed if redis on PORT answers PONG
#   pid_alive PID / stop_pid PID ... / stop_pidfile FILE ...
#   log_tail FILE [LINES]                print the end of a log, indented

# Guard against being sourced twice.
if [[ -n "${_STARLING_LIB_SH:-}" ]]; then return 0; fi
_STARLING_LIB_SH=1

# --------------------------------------------------------------------------
# Messages
# --------------------------------------------------------------------------

if [[ -t 2 && -z "${NO_COLOR:-}" && "${CI:-}" != "true" ]]; then
  _C_BLUE=$'\033[1;34m' _C_YEL=$'\033[1;33m' _C_RED=$'\033[1;31m' _C_OFF=$'\033[0m'
else
  _C_BLUE='' _C_YEL='' _C_RED='' _C_OFF=''
fi

_log_prefix() { printf '[%s %s]' "${LOG_TAG:-starling}" "$(date +%H:%M:%S)"; }

log()      { printf '%s %s\n' "$(_log_prefix)" "$*" >&2; }
log_step() { printf '%s %s==> %s%s\n' "$(_log_prefix)" "$_C_BLUE" "$*" "$_C_OFF" >&2; }
warn()     { printf '%s %swarning:%s %s\n' "$(_log_prefix)" "$_C_YEL" "$_C_OFF" "$*" >&2; }
err()      { printf '%s %serror:%s %s\n' "$(_log_prefix)" "$_C_RED" "$_C_OFF" "$*" >&2; }
die()      { err "$*"; exit 1; }

# log_tail FILE [LINES]: show the last lines of a log file (for failure reports).
log_tail() {
  local file=$1 lines=${2:-40}
  if [[ -r "$file" ]]; then
    printf -- '----- last %s lines of %s -----\n' "$lines" "$file" >&2
    tail -n "$lines" "$file" | sed 's/^/    /' >&2
    printf -- '----- end of %s -----\n' "$file" >&2
  else
    printf -- '----- (no log at %s) -----\n' "$file" >&2
  fi
}

# repo_root: the repository that contains this file (scripts/..).
repo_root() { (cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P); }

is_root() { [[ "$(id -u)" -eq 0 ]]; }

# --------------------------------------------------------------------------
# Packages
# --------------------------------------------------------------------------

# pg_bin_dir: print the directory holding initdb/pg_ctl/postgres.
# Honours $PG_BIN; prefers PostgreSQL 15 from Debian's layout, then the newest
# /usr/lib/postgresql/*/bin, then whatever initdb is on PATH.
pg_bin_dir() {
  if [[ -n "${PG_BIN:-}" ]]; then printf '%s\n' "$PG_BIN"; return 0; fi
  if [[ -x /usr/lib/postgresql/15/bin/initdb ]]; then
    printf '%s\n' /usr/lib/postgresql/15/bin; return 0
  fi
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [[ -n "$d" && -x "$d/initdb" ]]; then printf '%s\n' "$d"; return 0; fi
  if command -v initdb >/dev/null 2>&1; then
    dirname "$(readlink -f "$(command -v initdb)")"; return 0
  fi
  return 1
}

# ensure_packages: make sure redis-server, haproxy, hiredis and libvips headers (and the
# vips tool the media tests use to make images), pkg-config,
# curl and the PostgreSQL server binaries are installed. Installs the missing
# ones with apt-get when running as root; otherwise prints what to install and
# fails.
ensure_packages() {
  local missing=()
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  command -v haproxy >/dev/null 2>&1      || missing+=(haproxy)
  test -f /usr/include/hiredis/hiredis.h  || missing+=(libhiredis-dev)
  test -f /usr/include/vips/vips.h        || missing+=(libvips-dev)
  command -v vips >/dev/null 2>&1         || missing+=(libvips-tools)
  command -v pkg-config >/dev/null 2>&1   || missing+=(pkg-config)
  command -v curl >/dev/null 2>&1         || missing+=(curl)
  pg_bin_dir >/dev/null 2>&1              || missing+=(postgresql-15)

  if [[ ${#missing[@]} -eq 0 ]]; then return 0; fi

  if ! is_root; then
    err "missing packages: ${missing[*]}"
    err "install them with: sudo apt-get update && sudo apt-get install -y ${missing[*]}"
    exit 1
  fi
  log "installing missing packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" </dev/null >&2
}

# ensure_browser: headless Chromium, its driver and Selenium for the browser
# tests (Debian's chromium and chromium-driver, Selenium from PyPI). Installed
# only by the tests that need them, not by the cluster.
ensure_browser() {
  local missing=()
  command -v chromium >/dev/null 2>&1     || missing+=(chromium)
  command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
  if [[ ${#missing[@]} -gt 0 ]]; then
    is_root || { err "missing packages: ${missing[*]} (sudo apt-get install -y ${missing[*]})"; return 1; }
    log "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" </dev/null >&2
  fi
  python3 -c 'import selenium' 2>/dev/null || python3 -m pip install -q 'selenium>=4.10' >&2
}

# --------------------------------------------------------------------------
# Ports
# --------------------------------------------------------------------------

# Ports handed out recently are remembered in a small file shared by all our
# scripts, so two free_port calls made before either port is bound (e.g. two
# nodes starting in parallel, or two scripts at once) never get the same port.
_STARLING_PORT_RESERVATIONS="${STARLING_PORT_RESERVATIONS:-${TMPDIR:-/tmp}/starling-reserved-ports}"

# port_in_use PORT: succeed if something accepts connections on 127.0.0.1:PORT.
port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# free_port: print a TCP port that nothing listens on at 127.0.0.1.
# Picks at random in 20000-32767, below Linux's ephemeral range (32768+) so that
# outgoing connections cannot grab it before the service binds it.
free_port() {
  local file=$_STARLING_PORT_RESERVATIONS now port tries=0
  touch "$file" 2>/dev/null || file=/dev/null
  now=$(date +%s)
  (
    flock -x 9 2>/dev/null || true
    while ((tries++ < 500)); do
      port=$((20000 + RANDOM % 12768))
      # Reserved by someone in the last 5 minutes?
      if [[ "$file" != /dev/null ]] &&
        awk -v p="$port" -v t="$((now - 300))" '$1 == p && $2 >= t { found = 1 } END { exit !found }' "$file"; then
        continue
      fi
      port_in_use "$port" && continue
      if [[ "$file" != /dev/null ]]; then
        # Record the reservation and drop stale ones.
        { awk -v t="$((now - 300))" '$2 >= t' "$file"; printf '%s %s\n' "$port" "$now"; } >"$file.tmp.$$" &&
          mv -f "$file.tmp.$$" "$file"
      fi
      printf '%s\n' "$port"
      exit 0
    done
    exit 1
  ) 9>>"$file.lock" || { err "free_port: no free port found"; return 1; }
}

# --------------------------------------------------------------------------
# HTTP
# --------------------------------------------------------------------------

# http_code URL: print the HTTP status code of a GET (000 when unreachable).
http_code() {
  curl -s -o /dev/null -w '%{http_code}' --connect-timeout 1 --max-time 3 "$1" 2>/dev/null || true
}

# wait_http URL [TIMEOUT_SECONDS=60]: poll URL until it answers 200.
wait_http() {
  local url=$1 timeout=${2:-60} deadline
  deadline=$((SECONDS + timeout))
  while ((SECONDS < deadline)); do
    [[ "$(http_code "$url")" == 200 ]] && return 0
    sleep 0.25
  done
  err "timed out after ${timeout}s waiting for $url (last status: $(http_code "$url"))"
  return 1
}

# --------------------------------------------------------------------------
# Processes
# --------------------------------------------------------------------------

# pid_alive PID: succeed if PID is a running (non-zombie) process.
pid_alive() {
  local pid=${1:-}
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  # A zombie still answers kill -0; treat it as dead.
  local state
  state=$(awk '/^State:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || true)
  [[ "$state" != Z ]]
}

# stop_pid PID [GRACE_SECONDS=10]: SIGTERM, wait, then SIGKILL.
stop_pid() {
  local pid=$1 grace=${2:-10} deadline
  pid_alive "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$((SECONDS + grace))
  while pid_alive "$pid" && ((SECONDS < deadline)); do sleep 0.1; done
  if pid_alive "$pid"; then
    warn "pid $pid did not stop within ${grace}s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    deadline=$((SECONDS + 5))
    while pid_alive "$pid" && ((SECONDS < deadline)); do sleep 0.1; done
  fi
  return 0
}

# read_pidfile FILE: print the pid stored in FILE (empty when absent).
read_pidfile() {
  [[ -r "$1" ]] || return 0
  head -n 1 "$1" 2>/dev/null | tr -dc '0-9' || true
}

# stop_pidfile FILE [GRACE_SECONDS]: stop the process recorded in FILE, then
# remove FILE. Idempotent.
stop_pidfile() {
  local file=$1 grace=${2:-10} pid
  pid=$(read_pidfile "$file")
  [[ -n "$pid" ]] && stop_pid "$pid" "$grace"
  rm -f "$file"
}

# --------------------------------------------------------------------------
# PostgreSQL
# --------------------------------------------------------------------------
#
# Layout of DIR (owned by the server's user):
#   DIR/data          the cluster (initdb)
#   DIR/postgres.log  server log
#   DIR/port          the port it was last started on
#
# The superuser is "starling", auth is "trust", it listens on 127.0.0.1 only and
# has no unix socket. Set STARLING_PG_FAST=1 to turn off fsync,
# synchronous_commit and full_page_writes (test instances only).
# STARLING_PG_SETTINGS="name=value name=value" adds server settings (`-c`), e.g.
# shared_preload_libraries=pg_stat_statements to see what each statement costs.

# pg_os_user: the OS user the server runs as. PostgreSQL refuses to run as
# root, so as root we use the "postgres" system user (created by Debian's
# packages), or create a "starling" system user when that doesn't exist.
pg_os_user() {
  if ! is_root; then id -un; return 0; fi
  if id -u postgres >/dev/null 2>&1; then echo postgres; return 0; fi
  if ! id -u starling >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin starling >&2
  fi
  echo starling
}

# _pg_run CMD...: run a PostgreSQL server tool as the server's OS user.
_pg_run() {
  local user
  user=$(pg_os_user)
  if is_root; then
    (cd / && runuser -u "$user" -- "$@")
  else
    (cd / && "$@")
  fi
}

# _pg_psql PORT DB SQL: run one statement as the starling superuser.
_pg_psql() {
  local bin
  bin=$(pg_bin_dir)
  PGCONNECT_TIMEOUT=5 "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$1" -U starling -d "$2" -tAc "$3" </dev/null
}

# pg_create_db PORT NAME: create database NAME if it doesn't exist.
pg_create_db() {
  local port=$1 name=$2
  if [[ "$(_pg_psql "$port" postgres "SELECT 1 FROM pg_database WHERE datname = '$name'")" != 1 ]]; then
    _pg_psql "$port" postgres "CREATE DATABASE \"$name\" OWNER starling"
  fi
}

# start_postgres DIR PORT: initdb DIR/data if needed, start the server on
# 127.0.0.1:PORT, wait until it accepts connections, create database starling.
start_postgres() {
  local dir=$1 port=$2 bin user
  bin=$(pg_bin_dir) || die "PostgreSQL binaries not found (install postgresql-15 or set PG_BIN)"
  user=$(pg_os_user)
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd -P)
  # The server's user must be able to reach DIR: make its parents traversable
  # (mktemp -d creates 0700 folders).
  if is_root; then
    local p=$dir
    while [[ "$p" != / ]]; do
      p=$(dirname "$p")
      [[ "$p" == / ]] && break
      chmod o+x "$p" 2>/dev/null || true
    done
    chown "$user": "$dir"
  fi
  chmod 0700 "$dir"

  if [[ ! -f "$dir/data/PG_VERSION" ]]; then
    log "initdb $dir/data (superuser starling, trust auth, os user $user)"
    _pg_run "$bin/initdb" -D "$dir/data" -U starling --auth=trust -E UTF8 --locale=C \
      >"$dir/initdb.log" 2>&1 || { log_tail "$dir/initdb.log"; die "initdb failed"; }
  fi

  # If a previous server of this DIR is still running, stop it first.
  if _pg_run "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    warn "a PostgreSQL server is already running on $dir/data; restarting it"
    _pg_run "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  fi

  local opts="-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c max_connections=300"
  if [[ "${STARLING_PG_FAST:-0}" == 1 ]]; then
    opts+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  fi
  local setting
  local -a settings=()
  read -ra settings <<<"${STARLING_PG_SETTINGS:-}" # split on spaces, no globbing
  for setting in "${settings[@]}"; do
    [[ "$setting" =~ ^[a-z_.]+=[A-Za-z0-9_.,/-]+$ ]] || die "STARLING_PG_SETTINGS: '$setting' is not name=value"
    opts+=" -c $setting"
  done
  log "starting PostgreSQL on 127.0.0.1:$port ($dir)"
  # Detach it from our session so a Ctrl-C in the terminal reaches us, not it:
  # our traps stop it in order.
  if ! _pg_run setsid "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -o "$opts" -w -t 60 start \
    >"$dir/pg_ctl.log" 2>&1 </dev/null; then
    log_tail "$dir/pg_ctl.log" 20
    log_tail "$dir/postgres.log"
    die "PostgreSQL failed to start"
  fi
  echo "$port" >"$dir/port"

  # pg_ctl -w waits for the server; make sure TCP answers too.
  local deadline=$((SECONDS + 30))
  until "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" -U starling -d postgres; do
    ((SECONDS < deadline)) || { log_tail "$dir/postgres.log"; die "PostgreSQL not ready on port $port"; }
    sleep 0.2
  done
  pg_create_db "$port" starling
}

# stop_postgres DIR: stop the server of DIR (fast shutdown). Idempotent.
stop_postgres() {
  local dir=$1 bin
  [[ -f "$dir/data/PG_VERSION" ]] || return 0
  dir=$(cd "$dir" && pwd -P) # the tools run from /, so use an absolute path
  bin=$(pg_bin_dir) || return 0
  if _pg_run "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    log "stopping PostgreSQL ($dir)"
    _pg_run "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null 2>&1 ||
      _pg_run "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
}

# --------------------------------------------------------------------------
# Redis
# --------------------------------------------------------------------------
#
# Layout of DIR: redis.pid, redis.log, port. No persistence (--save '',
# --appendonly no), bound to 127.0.0.1, no maxmemory.

# redis_ping PORT: succeed if the server on 127.0.0.1:PORT answers PONG.
redis_ping() {
  local port=$1 reply
  if command -v redis-cli >/dev/null 2>&1; then
    [[ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" == PONG ]]
  else
    reply=$(
      exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
      printf 'PING\r\n' >&3
      read -r -t 2 line <&3 && printf '%s' "$line"
    ) 2>/dev/null || return 1
    [[ "$reply" == "+PONG"* ]]
  fi
}

# start_redis DIR PORT [ARGS...]: start redis-server in the background on
# 127.0.0.1:PORT, pidfile DIR/redis.pid, log DIR/redis.log; wait for PONG.
# Extra ARGS go to redis-server (e.g. --cluster-enabled yes). With REDIS_CONF=FILE set (e.g.
# `REDIS_CONF=deploy/redis/redis-cluster.conf start_redis ...`), the server reads FILE first and
# the options given here override it.
start_redis() {
  local dir=$1 port=$2 pid deadline
  local -a extra=("${@:3}")
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd -P)
  stop_redis "$dir" # a leftover from an earlier run of the same DIR
  log "starting Redis on 127.0.0.1:$port ($dir)"
  redis-server ${REDIS_CONF:+"$REDIS_CONF"} --port "$port" --bind 127.0.0.1 \
    --save '' --appendonly no \
    --daemonize yes --pidfile "$dir/redis.pid" \
    --logfile "$dir/redis.log" --dir "$dir" "${extra[@]}" </dev/null >/dev/null ||
    { log_tail "$dir/redis.log"; die "redis-server failed to start on port $port"; }
  echo "$port" >"$dir/port"
  deadline=$((SECONDS + 20))
  until redis_ping "$port"; do
    if ((SECONDS >= deadline)); then
      log_tail "$dir/redis.log"
      die "Redis on port $port did not answer PING"
    fi
    sleep 0.1
  done
  # The pidfile is written by the daemon itself right after forking.
  deadline=$((SECONDS + 5))
  until pid=$(read_pidfile "$dir/redis.pid"); [[ -n "$pid" ]]; do
    ((SECONDS < deadline)) || die "Redis on port $port wrote no pidfile"
    sleep 0.1
  done
}

# start_redis_cluster DIR N: start N empty cluster-mode Redis nodes in DIR/nodeI and form a Redis
# Cluster of N masters (no replicas); prints the comma-separated addresses.
start_redis_cluster() {
  local dir=$1 count=$2 i port bus
  local -a addresses=()
  for ((i = 1; i <= count; i++)); do
    # The cluster bus port chosen like the others (below the ephemeral range), not port + 10000:
    # an outgoing connection holding port + 10000 as its local port once kept a node from
    # starting ("bind: Address already in use"). As cluster/starling-cluster does.
    port=$(free_port) bus=$(free_port)
    start_redis "$dir/node$i" "$port" --cluster-enabled yes --cluster-config-file "$dir/node$i/nodes.conf" \
      --cluster-port "$bus" --cluster-node-timeout 2000 >&2
    addresses+=("127.0.0.1:$port")
  done
  redis-cli --cluster create "${addresses[@]}" --cluster-yes </dev/null >"$dir/create.log" 2>&1 ||
    { cat "$dir/create.log" >&2; die "redis-cli --cluster create failed"; }
  local deadline=$((SECONDS + 20))
  until redis-cli -p "${addresses[0]##*:}" cluster info 2>/dev/null | grep -q 'cluster_state:ok'; do
    ((SECONDS < deadline)) || die "the Redis Cluster in $dir did not reach cluster_state:ok"
    sleep 0.2
  done
  (IFS=,; echo "${addresses[*]}")
}

# stop_redis DIR: stop the redis-server recorded in DIR/redis.pid. Idempotent.
stop_redis() {
  local dir=$1 pid
  pid=$(read_pidfile "$dir/redis.pid")
  if [[ -n "$pid" ]] && pid_alive "$pid"; then
    # Only kill it if it really is a redis-server (pids get reused).
    if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q redis; then
      log "stopping Redis (pid $pid, $dir)"
      stop_pid "$pid" 10
    fi
  fi
  rm -f "$dir/redis.pid"
}
