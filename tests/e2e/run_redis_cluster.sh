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

# shellcheck source=tests/e2e/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_setup redis-cluster rc

# Cluster settings for the test (every STARLING_* variable reaches the nodes).
export STARLING_REDIS_TOPOLOGY=cluster
export STARLING_REDIS_NODE_TIMEOUT=${STARLING_REDIS_NODE_TIMEOUT:-2000}
export STARLING_CELEBRITY_THRESHOLD=100000 # every author pushed: every delivery is a Redis write
export STARLING_BCRYPT_COST=4
# Rate limits off: the tests register and post far more from one address than Mastodon's budgets allow
# (RateLimitTests checks the limits themselves).
export STARLING_RATE_LIMITS=off
export STARLING_POLL_INTERVAL_MS=${STARLING_POLL_INTERVAL_MS:-200}

e2e_traps RC_KEEP "logs/, rc-*.log"
e2e_start --redis-cluster

set +e
RC_CLUSTER_SCRIPT="$CLUSTER" python3 -u "$ROOT/tests/e2e/redis_cluster.py"
RC=$?
set -e
exit "$RC"
