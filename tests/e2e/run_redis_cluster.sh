#!/usr/bin/env bash
#
# tests/e2e/run_redis_cluster.sh - Redis Cluster resharding-under-load and
# failover tests on the local cluster.
#
# Starts `cluster/starling-cluster start --redis-cluster` (PostgreSQL, a Redis
# Cluster of 3 masters + 3 replicas with cluster-node-timeout 2000 ms, 2 API
# nodes and 2 workers in STARLING_REDIS_MODE=cluster, HAProxy), runs
# tests/e2e/redis_cluster.py against it, and stops the cluster at exit.
#
# Usage: bash tests/e2e/run_redis_cluster.sh
#
# Environment:
#   STARLING_CLUSTER_DIR  data folder (default: a new .data/rc-XXXXXX, removed
#                         after a successful run, kept after a failure)
#   STARLING_BUILD        debug (default here) or release
#   STARLING_BIN          use this binary, skip the build
#   STARLING_PG_FAST      1 (default here): PostgreSQL without fsync
#   RC_USERS, RC_FOLLOWS, RC_THREADS, RC_SLOTS ...  see tests/e2e/redis_cluster.py
#   RC_KEEP=1             keep the data folder even after a successful run
#
# The last line of output is `N passed, M failed`; the exit status is non-zero
# if any check failed or the cluster did not start.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
cd "$ROOT"
CLUSTER="$ROOT/cluster/starling-cluster"

OWN_DIR=0
if [[ -z "${STARLING_CLUSTER_DIR:-}" ]]; then
  mkdir -p "$ROOT/.data"
  STARLING_CLUSTER_DIR=$(mktemp -d "$ROOT/.data/rc-XXXXXX")
  OWN_DIR=1
fi
mkdir -p "$STARLING_CLUSTER_DIR"
STARLING_CLUSTER_DIR=$(cd "$STARLING_CLUSTER_DIR" && pwd -P)
export STARLING_CLUSTER_DIR
export STARLING_BUILD=${STARLING_BUILD:-debug}
export STARLING_PG_FAST=${STARLING_PG_FAST:-1}

# Cluster settings for the test (every STARLING_* variable reaches the nodes).
export STARLING_REDIS_TOPOLOGY=cluster
export STARLING_REDIS_NODE_TIMEOUT=${STARLING_REDIS_NODE_TIMEOUT:-2000}
export STARLING_CELEBRITY_THRESHOLD=100000 # every author pushed: every delivery is a Redis write
export STARLING_BCRYPT_COST=4
export STARLING_POLL_INTERVAL_MS=${STARLING_POLL_INTERVAL_MS:-200}

START_LOG="$STARLING_CLUSTER_DIR/rc-cluster-start.log"
RC=1

# shellcheck disable=SC2317 # invoked by the EXIT trap
cleanup() {
  local rc=$?
  set +e
  trap - EXIT INT TERM
  {
    "$CLUSTER" kill-worker 1
    "$CLUSTER" kill-worker 2
    "$CLUSTER" stop
  } >>"$STARLING_CLUSTER_DIR/rc-cluster-stop.log" 2>&1
  if ((RC != 0)); then
    echo "redis-cluster: logs kept in $STARLING_CLUSTER_DIR (logs/, rc-*.log)" >&2
  elif ((OWN_DIR)) && [[ "${RC_KEEP:-0}" != 1 ]]; then
    rm -rf "$STARLING_CLUSTER_DIR"
  fi
  ((rc == 0)) && rc=$RC
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "redis-cluster: starting the cluster in $STARLING_CLUSTER_DIR (build: ${STARLING_BIN:-$STARLING_BUILD})" >&2
t0=$SECONDS
if ! "$CLUSTER" start --redis-cluster >"$START_LOG.out" 2>"$START_LOG"; then
  tail -n 40 "$START_LOG" >&2
  echo "redis-cluster: the cluster did not start (see $START_LOG)" >&2
  echo "0 passed, 1 failed"
  exit 1
fi
echo "redis-cluster: $(tail -n 1 "$START_LOG.out") (after $((SECONDS - t0))s)" >&2

set +e
RC_CLUSTER_SCRIPT="$CLUSTER" python3 -u "$ROOT/tests/e2e/redis_cluster.py"
RC=$?
set -e
exit "$RC"
