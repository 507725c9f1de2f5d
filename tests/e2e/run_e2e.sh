#!/usr/bin/env bash
#
# tests/e2e/run_e2e.sh - end-to-end test of a whole Starling cluster.
#
# Starts PostgreSQL, 3 Redis shards, 2 API nodes, 2 workers and HAProxy with
# cluster/starling-cluster (celebrity threshold 3, fan-out chunks of 50, bcrypt
# cost 4), runs tests/e2e/e2e.py against it, and stops the cluster at exit.
# e2e.py restarts the cluster once on the same data folder (threshold 100000)
# for the 300-follower kill-worker scenario.
#
# Usage: bash tests/e2e/run_e2e.sh
#
# Environment:
#   STARLING_CLUSTER_DIR  data folder (default: a new .data/e2e-XXXXXX, removed
#                         after a successful run, kept after a failure)
#   STARLING_BUILD        debug (default here) or release
#   STARLING_BIN          use this binary, skip the build
#   STARLING_PG_FAST      1 (default here): PostgreSQL without fsync
#   E2E_FOLLOWERS         followers in the kill-worker scenario (default 300)
#   E2E_KEEP=1            keep the data folder even after a successful run
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
  STARLING_CLUSTER_DIR=$(mktemp -d "$ROOT/.data/e2e-XXXXXX")
  OWN_DIR=1
fi
mkdir -p "$STARLING_CLUSTER_DIR"
STARLING_CLUSTER_DIR=$(cd "$STARLING_CLUSTER_DIR" && pwd -P)
export STARLING_CLUSTER_DIR
export STARLING_BUILD=${STARLING_BUILD:-debug}
export STARLING_PG_FAST=${STARLING_PG_FAST:-1}

# Cluster settings for the test (every STARLING_* variable reaches the nodes).
export STARLING_CELEBRITY_THRESHOLD=3
export STARLING_FANOUT_CHUNK=50
export STARLING_BCRYPT_COST=4
# Faster outbox polling: retries and the starling_outbox_depth gauge refresh sooner.
export STARLING_POLL_INTERVAL_MS=${STARLING_POLL_INTERVAL_MS:-200}

START_LOG="$STARLING_CLUSTER_DIR/e2e-cluster-start.log"
RC=1

# shellcheck disable=SC2317 # invoked by the EXIT trap
cleanup() {
  local rc=$?
  set +e
  trap - EXIT INT TERM
  {
    # Workers are stateless and safe to kill -9: spares `stop` their SIGTERM grace period
    # (e2e.py checks graceful shutdown on its own).
    "$CLUSTER" kill-worker 1
    "$CLUSTER" kill-worker 2
    "$CLUSTER" stop
  } >>"$STARLING_CLUSTER_DIR/e2e-cluster-stop.log" 2>&1
  if ((RC != 0)); then
    echo "e2e: logs kept in $STARLING_CLUSTER_DIR (logs/, logs-phase1/, e2e-*.log)" >&2
  elif ((OWN_DIR)) && [[ "${E2E_KEEP:-0}" != 1 ]]; then
    rm -rf "$STARLING_CLUSTER_DIR"
  fi
  ((rc == 0)) && rc=$RC
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "e2e: starting the cluster in $STARLING_CLUSTER_DIR (build: ${STARLING_BIN:-$STARLING_BUILD})" >&2
t0=$SECONDS
if ! "$CLUSTER" start >"$START_LOG.out" 2>"$START_LOG"; then
  tail -n 40 "$START_LOG" >&2
  echo "e2e: the cluster did not start (see $START_LOG)" >&2
  echo "0 passed, 1 failed"
  exit 1
fi
up=$(tail -n 1 "$START_LOG.out")
echo "e2e: $up (after $((SECONDS - t0))s)" >&2
[[ -f "$STARLING_CLUSTER_DIR/env" ]] || { echo "e2e: no $STARLING_CLUSTER_DIR/env" >&2; echo "0 passed, 1 failed"; exit 1; }

set +e
E2E_CLUSTER_SCRIPT="$CLUSTER" python3 -u "$ROOT/tests/e2e/e2e.py"
RC=$?
set -e
exit "$RC"
