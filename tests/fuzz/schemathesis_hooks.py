"""Loaded into schemathesis by run_schemathesis.py (SCHEMATHESIS_HOOKS).

Hypothesis describes the lambdas of its strategies by parsing their source with `ast.parse`.
On Python 3.11, `ast.parse` running in several threads at once (schemathesis's --workers) can fail
with "AST constructor recursion depth mismatch" (CPython's AST conversion shares its recursion
bookkeeping between threads), which schemathesis reports as a runtime error of the run: a failure
of the tool, not of Starling, seen in about one run in four. Describing lambdas one at a time avoids it; it costs nothing
measurable (descriptions are cached after the first).
"""

import threading

from hypothesis.internal import lambda_sources

_lock = threading.Lock()
_describe = lambda_sources._lambda_description


def _serialized(*args, **kwargs):
    with _lock:
        return _describe(*args, **kwargs)


lambda_sources._lambda_description = _serialized
