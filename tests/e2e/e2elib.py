"""Helpers shared by tests/e2e/e2e.py and tests/e2e/redis_cluster.py (python3 stdlib only).

Reporting (check/info/section/scenario/summary, with the PASSED/FAILED counters kept here so
every check of a run is counted in one place), the cluster's env file, running the launcher,
a small RESP pipeline and poll().

Use the counters through this module (`e2elib.PASSED`), not `from e2elib import PASSED`:
check() rebinds them.
"""

import os
import shlex
import socket
import subprocess
import time
import traceback

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CLUSTER_DIR = os.environ["STARLING_CLUSTER_DIR"]
T0 = time.monotonic()

# ---------------------------------------------------------------------------
# Reporting
# ---------------------------------------------------------------------------

PASSED = 0
FAILED = 0
FAILURES = []
SHORT_DETAIL = 120  # a passing check prints its detail when it is at most this long (one line)


def elapsed():
    return f"{time.monotonic() - T0:6.1f}s"


def check(name, ok, detail=""):
    """Records one check. `detail` is printed on failure (and, briefly, on success if short)."""
    global PASSED, FAILED
    if ok:
        PASSED += 1
        short = detail and len(detail) <= SHORT_DETAIL and "\n" not in detail
        print(f"[{elapsed()}] PASS {name}" + (f" ({detail})" if short else ""), flush=True)
    else:
        FAILED += 1
        FAILURES.append(name)
        print(f"[{elapsed()}] FAIL {name}" + (f": {detail}" if detail else ""), flush=True)
    return ok


def info(text):
    print(f"[{elapsed()}] .... {text}", flush=True)


def section(title):
    print(f"\n[{elapsed()}] ==== {title}", flush=True)


def scenario(fn):
    """Runs one scenario; an unexpected exception counts as one failed check, the run goes on."""
    def run(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except Exception as error:  # noqa: BLE001 - reported as a failure
            check(f"{fn.__name__} ran without an unexpected error", False,
                  f"{type(error).__name__}: {error}\n{traceback.format_exc()}")
            return None
    return run


def summary(notes=()):
    """Prints the run's time, the notes, the failed checks and the final `N passed, M failed`
    line; returns the exit status (1 if any check failed)."""
    print(f"\nfinished in {time.monotonic() - T0:.1f}s", flush=True)
    if notes:
        print("summary:\n  " + "\n  ".join(notes), flush=True)
    if FAILURES:
        print("failed checks:\n  " + "\n  ".join(FAILURES), flush=True)
    print(f"{PASSED} passed, {FAILED} failed", flush=True)
    return 1 if FAILED else 0


# ---------------------------------------------------------------------------
# Cluster
# ---------------------------------------------------------------------------

ENV = {}


def load_env():
    """Parses $STARLING_CLUSTER_DIR/env (NAME='value' lines) into ENV (updated in place)."""
    env = {}
    with open(os.path.join(CLUSTER_DIR, "env"), encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#") or "=" not in line:
                continue
            name, value = line.split("=", 1)
            parts = shlex.split(value)
            env[name] = parts[0] if parts else ""
    ENV.clear()
    ENV.update(env)
    return env


def run_cluster(script, args, extra_env=None, timeout=300):
    """Runs the launcher `script` with `args`; returns (CompletedProcess, seconds). Raises on a
    non-zero exit."""
    env = dict(os.environ)
    env.update(extra_env or {})
    started = time.monotonic()
    proc = subprocess.run([script, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, timeout=timeout, check=False)
    took = time.monotonic() - started
    if proc.returncode != 0:
        raise RuntimeError(f"cluster {' '.join(args)} failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}")
    return proc, took


# ---------------------------------------------------------------------------
# Redis (read-only peeking, RESP over a socket)
# ---------------------------------------------------------------------------


def resp_pipeline(port, commands, timeout=5):
    """Sends commands (lists of str) to 127.0.0.1:port in one pipeline; returns the replies.
    Error replies come back as RuntimeError instances."""
    out = bytearray()
    for cmd in commands:
        out += f"*{len(cmd)}\r\n".encode()
        for arg in cmd:
            arg = str(arg).encode()
            out += f"${len(arg)}\r\n".encode() + arg + b"\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(out)
        reader = sock.makefile("rb")

        def read():
            line = reader.readline()
            if not line:
                raise ConnectionError("redis closed the connection")
            kind, rest = line[:1], line[1:-2]
            if kind == b"+":
                return rest.decode()
            if kind == b"-":
                return RuntimeError(rest.decode())
            if kind == b":":
                return int(rest)
            if kind == b"$":
                n = int(rest)
                if n < 0:
                    return None
                return reader.read(n + 2)[:-2].decode()
            if kind == b"*":
                n = int(rest)
                return None if n < 0 else [read() for _ in range(n)]
            raise ValueError(f"unexpected RESP reply {line!r}")

        return [read() for _ in commands]


# ---------------------------------------------------------------------------
# Waiting
# ---------------------------------------------------------------------------


def wait_for(predicate, timeout=15.0):
    """Calls predicate() until it is true (True) or the deadline passes (False). An exception counts
    as not yet: a browser page may be changing under the predicate."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return True
        except Exception:  # noqa: BLE001 - the page is changing under us: try again
            pass
        time.sleep(0.1)
    return False


def poll(fn, timeout, interval=0.1):
    """Calls fn() until it returns (True, value) or the deadline passes; returns (ok, last value, seconds)."""
    start = time.monotonic()
    deadline = start + timeout
    value = None
    while True:
        ok, value = fn()
        if ok:
            return True, value, time.monotonic() - start
        if time.monotonic() >= deadline:
            return False, value, time.monotonic() - start
        time.sleep(interval)
