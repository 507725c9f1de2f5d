#!/usr/bin/env bash
#
# tests/faults/run_faults.sh - fault tests of a whole Starling cluster under load.
#
# Starts PostgreSQL, 3 Redis shards, 2 API nodes, 2 workers and HAProxy with
# cluster/starling-cluster (fan-out chunks of 20, bcrypt cost 4, rate limits
# off: the load posts far more than a person's budget), runs
# tests/faults/faults.py against it (worker, Redis shard, PostgreSQL and API
# node killed under load; SIGTERM exit times), and stops the cluster at exit.
#
# Usage: bash tests/faults/run_faults.sh
#
# Environment:
#   STARLING_CLUSTER_DIR  data folder (default: a new .data/faults-XXXXXX, removed
#                         after a successful run, kept after a failure)
#   STARLING_BUILD        debug (default here) or release; STARLING_BIN: use this binary
#   FAULTS_RESULTS        file to append one line per scenario to (scripts/test's summary)
#   FAULTS_ONLY           comma-separated scenario names to run (default: all)
#   FAULTS_POST_RATE / FAULTS_READ_RATE   load (default 20 posts/s, 20 reads/s)
#   FAULTS_KEEP=1         keep the data folder even after a successful run
#
# The last line of output is `N passed, M failed`; the exit status is non-zero
# if any check failed or the cluster did not start.

set -euo pipefail

# shellcheck source=tests/e2e/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../e2e/lib.sh"
e2e_setup faults faults

# Durable commits: PostgreSQL is killed -9 here, and the fast mode's synchronous_commit=off loses
# the last acknowledged transactions in such a crash (fsync=off alone would not: the data is in
# the OS's cache, which a process crash keeps).
export STARLING_PG_FAST=0
export STARLING_FANOUT_CHUNK=20
export STARLING_BCRYPT_COST=4
export STARLING_RATE_LIMITS=off
# Faster outbox polling: the starling_outbox_depth gauge the scenarios wait on refreshes sooner.
export STARLING_POLL_INTERVAL_MS=${STARLING_POLL_INTERVAL_MS:-200}

e2e_traps FAULTS_KEEP "logs/, faults-*.log"
# shellcheck disable=SC2119 # no extra start options
e2e_start
[[ -f "$STARLING_CLUSTER_DIR/env" ]] || { echo "faults: no $STARLING_CLUSTER_DIR/env" >&2; echo "0 passed, 1 failed"; exit 1; }

set +e
E2E_CLUSTER_SCRIPT="$CLUSTER" python3 -u "$ROOT/tests/faults/faults.py"
RC=$?
set -e
exit "$RC"
