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
#   STARLING_PUSH_INTEROP 0 skips the Web Push interoperability check
#                         (tests/push/push_interop.py, needs http_ece from PyPI)
#   STARLING_FUZZ         0 skips the schemathesis run against the OpenAPI document
#                         (tests/fuzz/run_schemathesis.sh, needs schemathesis from PyPI;
#                         FUZZ_MAX_EXAMPLES and the other FUZZ_* settings are described there)
#
# The last line of output is `N passed, M failed`; the exit status is non-zero
# if any check failed or the cluster did not start.

set -euo pipefail

# shellcheck source=tests/e2e/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_setup e2e e2e

# Cluster settings for the test (every STARLING_* variable reaches the nodes).
export STARLING_CELEBRITY_THRESHOLD=3
export STARLING_FANOUT_CHUNK=50
export STARLING_BCRYPT_COST=4
# Rate limits off: the tests register and post far more from one address than Mastodon's budgets allow
# (RateLimitTests checks the limits themselves).
export STARLING_RATE_LIMITS=off
# Faster outbox polling: retries and the starling_outbox_depth gauge refresh sooner.
export STARLING_POLL_INTERVAL_MS=${STARLING_POLL_INTERVAL_MS:-200}

e2e_traps E2E_KEEP "logs/, logs-phase1/, e2e-*.log"
# shellcheck disable=SC2119 # no extra start options
e2e_start
[[ -f "$STARLING_CLUSTER_DIR/env" ]] || { echo "e2e: no $STARLING_CLUSTER_DIR/env" >&2; echo "0 passed, 1 failed"; exit 1; }

set +e
# Web Push interoperability first, while both workers are up: a reference implementation (PyPI's
# http_ece) must decrypt what Starling sends. STARLING_PUSH_INTEROP=0 skips it (no PyPI access).
PUSH_RC=0
if [[ "${STARLING_PUSH_INTEROP:-1}" != 0 ]]; then
  python3 -m pip install -q http_ece cryptography >"$STARLING_CLUSTER_DIR/push-interop-pip.log" 2>&1 \
    || echo "e2e: pip could not install http_ece/cryptography (see push-interop-pip.log)" >&2
  python3 -u "$ROOT/tests/push/push_interop.py"
  PUSH_RC=$?
fi
# The OAuth authorization-code flow in headless Chromium (Selenium), on the same cluster.
# STARLING_BROWSER_TEST=0 skips it. Screenshots: $STARLING_CLUSTER_DIR/screenshots.
BROWSER_RC=0
if [[ "${STARLING_BROWSER_TEST:-1}" != 0 ]]; then
  if (source "$ROOT/scripts/lib.sh" && ensure_browser); then
    STARLING_URL=$(. "$STARLING_CLUSTER_DIR/env" && echo "$STARLING_URL") \
      SCREENSHOT_DIR="$STARLING_CLUSTER_DIR/screenshots" python3 -u "$ROOT/tests/browser/oauth_browser.py"
    BROWSER_RC=$?
  else
    echo "e2e: could not install chromium, chromium-driver or selenium" >&2
    BROWSER_RC=1
  fi
fi
# Each feature's end-to-end checks (tests/e2e/features/*.py, python3, exit status non-zero on a
# failure), on the same cluster while every node is up. STARLING_URL, API1_URL… are exported from the
# cluster's env file; they may use Selenium (ensure_browser ran above unless STARLING_BROWSER_TEST=0).
FEATURES_RC=0
for feature in "$ROOT"/tests/e2e/features/*.py; do
  [[ -e "$feature" ]] || continue
  echo "e2e: feature checks $(basename "$feature")"
  (set -a; . "$STARLING_CLUSTER_DIR/env"; set +a
   SCREENSHOT_DIR="$STARLING_CLUSTER_DIR/screenshots" python3 -u "$feature") || { echo "e2e: FAILED $(basename "$feature")"; FEATURES_RC=1; }
done
# Schemathesis against /api/openapi.json with real tokens (~3 minutes), while every node is up and
# before the scenarios below kill any: no 5xx, no hang, no response that breaks the document.
# STARLING_FUZZ=0 skips it. Reports: $STARLING_CLUSTER_DIR/schemathesis.
FUZZ_RC=0
if [[ "${STARLING_FUZZ:-1}" != 0 ]]; then
  STARLING_URL=$(. "$STARLING_CLUSTER_DIR/env" && echo "$STARLING_URL") "$ROOT/tests/fuzz/run_schemathesis.sh"
  FUZZ_RC=$?
fi
E2E_CLUSTER_SCRIPT="$CLUSTER" python3 -u "$ROOT/tests/e2e/e2e.py"
RC=$?
((RC == 0)) && RC=$PUSH_RC
((RC == 0)) && RC=$BROWSER_RC
((RC == 0)) && RC=$FUZZ_RC
((RC == 0)) && RC=$FEATURES_RC
set -e
exit "$RC"
