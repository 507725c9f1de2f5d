# shellcheck shell=bash
#
# tests/e2e/lib.sh - shared by tests/e2e/run_e2e.sh and tests/e2e/run_redis_cluster.sh.
#
# Source it from bash after `set -euo pipefail` (it is not meant to be executed):
#
#     source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#
# Sourcing sets ROOT (the repository, also the working directory) and CLUSTER (the launcher).
#
#   e2e_setup TAG PREFIX        the data folder ($STARLING_CLUSTER_DIR, or a new
#                               .data/PREFIX-XXXXXX), STARLING_BUILD=debug, STARLING_PG_FAST=1,
#                               START_LOG; TAG prefixes the messages
#   e2e_traps KEEP_VAR KEPT     stop the cluster at exit; keep the data folder after a failure
#                               (KEPT: what the message lists) or when $KEEP_VAR is 1
#   e2e_start [ARGS...]         `starling-cluster start ARGS`; on failure print the end of its log
#                               and `0 passed, 1 failed`, and exit 1
#
# The runner sets RC to the test's exit status; cleanup exits with it.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
cd "$ROOT" || exit 1
CLUSTER="$ROOT/cluster/starling-cluster"

e2e_setup() {
  E2E_TAG=$1
  E2E_PREFIX=$2
  OWN_DIR=0
  if [[ -z "${STARLING_CLUSTER_DIR:-}" ]]; then
    mkdir -p "$ROOT/.data"
    STARLING_CLUSTER_DIR=$(mktemp -d "$ROOT/.data/$E2E_PREFIX-XXXXXX")
    OWN_DIR=1
  fi
  mkdir -p "$STARLING_CLUSTER_DIR"
  STARLING_CLUSTER_DIR=$(cd "$STARLING_CLUSTER_DIR" && pwd -P)
  export STARLING_CLUSTER_DIR
  export STARLING_BUILD=${STARLING_BUILD:-debug}
  export STARLING_PG_FAST=${STARLING_PG_FAST:-1}
  START_LOG="$STARLING_CLUSTER_DIR/$E2E_PREFIX-cluster-start.log"
  RC=1
}

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
  } >>"$STARLING_CLUSTER_DIR/$E2E_PREFIX-cluster-stop.log" 2>&1
  if ((RC != 0)); then
    echo "$E2E_TAG: logs kept in $STARLING_CLUSTER_DIR ($E2E_KEPT)" >&2
  elif ((OWN_DIR)) && [[ "${!E2E_KEEP_VAR:-0}" != 1 ]]; then
    rm -rf "$STARLING_CLUSTER_DIR"
  fi
  ((rc == 0)) && rc=$RC
  exit "$rc"
}

e2e_traps() {
  E2E_KEEP_VAR=$1
  E2E_KEPT=$2
  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

e2e_start() {
  echo "$E2E_TAG: starting the cluster in $STARLING_CLUSTER_DIR (build: ${STARLING_BIN:-$STARLING_BUILD})" >&2
  local t0=$SECONDS
  if ! "$CLUSTER" start "$@" >"$START_LOG.out" 2>"$START_LOG"; then
    tail -n 40 "$START_LOG" >&2
    echo "$E2E_TAG: the cluster did not start (see $START_LOG)" >&2
    echo "0 passed, 1 failed"
    exit 1
  fi
  echo "$E2E_TAG: $(tail -n 1 "$START_LOG.out") (after $((SECONDS - t0))s)" >&2
}
