#!/bin/sh
#
# deploy/redis/cluster-init.sh - form a Redis Cluster, idempotently.
#
# Usage: cluster-init.sh HOST:PORT HOST:PORT ...   (at least 3 x (REPLICAS + 1) nodes)
#
# Used by both deployments: docker-compose.yml's one-shot `redis-init` service (in the redis
# image) and cluster/starling-cluster (--redis-cluster). POSIX sh; needs redis-cli (and getent to
# resolve host names, which CLUSTER MEET needs as addresses).
#
#   - every node fresh (knows only itself, no slots): `redis-cli --cluster create` with
#     REPLICAS replicas per master;
#   - a cluster already formed: nothing to create. Any fresh node among the arguments (a
#     container that was recreated and lost its nodes.conf) is added as a replica, and nodes the
#     cluster marks as failed that no longer serve any slot (the old identity of a recreated node,
#     or a dead master its replica replaced) are forgotten;
# then it waits until every node reports cluster_state:ok and `redis-cli --cluster check` passes,
# and prints the topology. Exit status 0 when the cluster is ok, 1 otherwise.
#
# Environment: REPLICAS (default 1), INIT_TIMEOUT seconds (default 60), REDISCLI_AUTH (password).

set -eu

REPLICAS=${REPLICAS:-1}
TIMEOUT=${INIT_TIMEOUT:-60}
CLI=${REDIS_CLI:-redis-cli}

log() { printf '[redis-init] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

[ $# -ge 3 ] || die "usage: $0 HOST:PORT HOST:PORT HOST:PORT ... (got $# nodes)"
START=$(date +%s)
elapsed() { echo $(($(date +%s) - START)); }

host_of() { echo "${1%:*}"; }
port_of() { echo "${1##*:}"; }
cli() { # cli HOST:PORT ARGS...
  _n=$1
  shift
  "$CLI" -h "$(host_of "$_n")" -p "$(port_of "$_n")" "$@"
}
info_field() { # info_field HOST:PORT FIELD -> value from CLUSTER INFO
  cli "$1" cluster info 2>/dev/null | tr -d '\r' | sed -n "s/^$2://p"
}

# Addresses: CLUSTER MEET needs an IP, so resolve names (redis-1 -> 172.18.0.5).
resolve() {
  _h=$(host_of "$1")
  case $_h in
    *[!0-9.]*)
      _ip=$(getent ahostsv4 "$_h" 2>/dev/null | awk '{ print $1; exit }') || _ip=''
      [ -n "$_ip" ] || _ip=$(getent hosts "$_h" 2>/dev/null | awk '{ print $1; exit }') || _ip=''
      [ -n "$_ip" ] || { log "cannot resolve $_h"; return 1; }
      echo "$_ip:$(port_of "$1")"
      ;;
    *) echo "$1" ;;
  esac
}

# 1. Every node answers PING.
for node in "$@"; do
  until [ "$(cli "$node" ping 2>/dev/null)" = PONG ]; do
    [ "$(elapsed)" -lt "$TIMEOUT" ] || die "$node does not answer PING after ${TIMEOUT}s"
    sleep 0.5
  done
done
ADDRS=''
for node in "$@"; do
  a=$(resolve "$node") || die "cannot resolve $node"
  ADDRS="$ADDRS $a"
done
log "nodes:$ADDRS"

# 2. Which nodes are fresh, and is there a cluster already?
FRESH='' MEMBER=''
for a in $ADDRS; do
  known=$(info_field "$a" cluster_known_nodes)
  slots=$(info_field "$a" cluster_slots_assigned)
  [ -n "$known" ] || die "$a: CLUSTER INFO failed (is cluster-enabled yes set?)"
  if [ "$known" = 1 ] && [ "$slots" = 0 ]; then
    FRESH="$FRESH $a"
  elif [ "$slots" != 0 ] && [ -z "$MEMBER" ]; then
    MEMBER=$a
  fi
done

if [ -z "$MEMBER" ]; then
  # shellcheck disable=SC2086 # word splitting intended
  set -- $ADDRS
  [ "$FRESH" = " $*" ] ||
    die "no node serves any slot, but some already know each other: a half-formed cluster; reset them (CLUSTER RESET HARD) or start from empty nodes"
  log "creating the cluster: $# nodes, $REPLICAS replica(s) per master"
  "$CLI" --cluster create "$@" --cluster-replicas "$REPLICAS" --cluster-yes >&2 ||
    die "redis-cli --cluster create failed"
else
  log "a cluster exists already (seen from $MEMBER)"
  # Wait for pending failovers (a failed or vanished node that still owns slots) before adding
  # replicas: redis-cli adds nodes only to a cluster that covers every slot.
  while [ "$(info_field "$MEMBER" cluster_state)" != ok ] ||
    cli "$MEMBER" cluster nodes | awk '$3 ~ /fail|noaddr/ && $9 != "" { found = 1 } END { exit !found }'; do
    [ "$(elapsed)" -lt "$TIMEOUT" ] || die "a failed master still owns slots after ${TIMEOUT}s (no replica to promote?)"
    # A master whose address now answers with another node id (its container was recreated
    # and got the same address) is flagged noaddr, is no longer pinged, and so is never failed
    # over automatically. It is gone for good: let one of its replicas take over.
    for dead in $(cli "$MEMBER" cluster nodes | awk '$3 ~ /noaddr/ && $3 ~ /master/ && $9 != "" { print $1 }'); do
      replica=$(cli "$MEMBER" cluster nodes |
        awk -v m="$dead" '$4 == m && $3 !~ /fail|noaddr/ && $8 == "connected" { split($2, a, "@"); print a[1]; exit }')
      if [ -n "$replica" ]; then
        log "master $dead lost its address; CLUSTER FAILOVER TAKEOVER on its replica $replica"
        cli "$replica" cluster failover takeover >&2 || true
      fi
    done
    log "waiting for a failover to finish"
    sleep 1
  done
  for a in $FRESH; do
    log "adding fresh node $a as a replica"
    "$CLI" --cluster add-node "$a" "$MEMBER" --cluster-slave >&2 || die "could not add $a"
  done
  # Forget failed identities that serve nothing (they are gone for good).
  for id in $(cli "$MEMBER" cluster nodes | awk '$3 ~ /(^|,)(fail|noaddr)($|,)/ && $9 == "" { print $1 }'); do
    log "forgetting failed node $id"
    for a in $ADDRS; do
      if cli "$a" cluster nodes | grep -q "^$id "; then
        cli "$a" cluster forget "$id" >/dev/null 2>&1 || true
      fi
    done
  done
fi

# 3. Wait until every node agrees the cluster is ok.
first=${ADDRS# }
first=${first%% *}
while :; do
  ok=1
  for a in $ADDRS; do
    [ "$(info_field "$a" cluster_state)" = ok ] || ok=0
  done
  if [ "$ok" = 1 ] && "$CLI" --cluster check "$first" >/dev/null 2>&1; then
    break
  fi
  if [ "$(elapsed)" -ge "$TIMEOUT" ]; then
    "$CLI" --cluster check "$first" >&2 || true
    die "the cluster is not ok after ${TIMEOUT}s"
  fi
  sleep 0.5
done
log "cluster_state:ok after $(elapsed)s"
cli "$first" cluster nodes | sort -k3 >&2
