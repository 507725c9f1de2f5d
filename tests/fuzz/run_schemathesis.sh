#!/usr/bin/env bash
# Installs schemathesis (pinned, in a virtualenv cached under ~/.cache/starling) and fuzzes the
# running cluster with tests/fuzz/run_schemathesis.py (see there for the settings).
#
#   STARLING_URL=http://127.0.0.1:PORT tests/fuzz/run_schemathesis.sh
#
# 4.32.5 supports Python 3.9+ and OpenAPI 3.1 (the document's version) without flags.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VERSION=4.32.5
VENV=${STARLING_FUZZ_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/starling/schemathesis-$VERSION}
if [[ ! -x "$VENV/bin/st" ]]; then
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q "schemathesis==$VERSION" >&2 \
    || { echo "fuzz: pip could not install schemathesis==$VERSION" >&2; exit 1; }
fi
SCHEMATHESIS="$VENV/bin/st" exec "$VENV/bin/python" -u "$HERE/run_schemathesis.py"
