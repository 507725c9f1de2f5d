#!/usr/bin/env python3
"""Fuzzes a running Starling cluster with schemathesis against its own OpenAPI document.

Run by tests/fuzz/run_schemathesis.sh (which installs schemathesis in a cached virtualenv), from
tests/e2e/run_e2e.sh on the e2e cluster, or by hand:

    STARLING_URL=http://127.0.0.1:PORT tests/fuzz/run_schemathesis.sh

It registers an app, takes a client-credentials token, registers two accounts, gives the first a
password-grant token with every scope a client can ask for, seeds a little data (posts, a mention,
follows, a favourite, a followed tag, markers) so that ids and links lead somewhere, then runs
schemathesis three times on every operation of /api/openapi.json except the server-sent event
streams (see EXCLUDED_PATH_REGEX): with that user's token (every phase, links included), with the
app's token, and with none. It fails on any 5xx, any request that does not answer within
FUZZ_REQUEST_TIMEOUT seconds (a hang), and any response that breaks the document (status code,
content type, schema, headers), or an operation that needs a token answering without one. Before
schemathesis, raw probes send what it cannot (an unknown method, NUL in a header, 64 KB headers
and URLs, malformed JSON and forms, invalid UTF-8, a 1 MB body, ids past Int64): each must be a
4xx at once, and the cluster must serve afterwards. The last line is a one-line summary.

Settings (environment): STARLING_URL (else $STARLING_CLUSTER_DIR/env), FUZZ_MAX_EXAMPLES (per
operation and phase in the run with the user's token, default 50), FUZZ_APP_MAX_EXAMPLES (the
run with the app's token, default 10), FUZZ_ANONYMOUS_MAX_EXAMPLES (the run without a token,
default 15), FUZZ_WORKERS (default 4), FUZZ_REQUEST_TIMEOUT (seconds, default 10), FUZZ_SEED
(default: random, printed), FUZZ_REPORT_DIR (default $STARLING_CLUSTER_DIR/schemathesis or
./schemathesis-report), SCHEMATHESIS (the `st` to run). The coverage phase is not bounded by the
examples setting. With 134 operations, 100 user examples made 23,004 requests in 13 minutes on two
cores busy with builds besides; the default is 50 to keep the whole test command within 30 minutes.
"""

import json
import os
import random
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

# Server-sent event streams answer 200 and then stream until the client leaves: every valid
# request would "hang" by design, and their error paths (token, scope, stream name) are the same
# code as /api/v1/streaming, which is fuzzed (a plain GET there is answered at once). The WebSocket
# upgrade itself is not HTTP request/response and is tested by the integration and e2e suites.
EXCLUDED_PATH_REGEX = r"^/api/v1/streaming/(user|public|hashtag|list|direct)"

CHECKS = ",".join([
    "not_a_server_error",            # no 5xx
    "status_code_conformance",       # every status answered is documented for the operation
    "content_type_conformance",      # and so is its content type
    "response_schema_conformance",   # and the body matches the documented schema
    "response_headers_conformance",  # and documented required headers are there
    "ignored_auth",                  # an operation that needs a token refuses a request without one
])
# Not checked: `unsupported_method` expects 405 for a method a path does not have; Starling answers
# 404 `{"error": "Not found"}` there, as Mastodon's router does.


def env_url():
    url = os.environ.get("STARLING_URL")
    if url:
        return url.rstrip("/")
    cluster_dir = os.environ.get("STARLING_CLUSTER_DIR")
    if cluster_dir and os.path.exists(os.path.join(cluster_dir, "env")):
        with open(os.path.join(cluster_dir, "env")) as f:
            for line in f:
                if line.startswith("STARLING_URL="):
                    return line.split("=", 1)[1].strip().strip("'\"").rstrip("/")
    sys.exit("run_schemathesis: set STARLING_URL (or STARLING_CLUSTER_DIR with an env file)")


BASE = env_url()


def call(method, path, params=None, token=None, expect=200):
    data = urllib.parse.urlencode(params or {}, doseq=True).encode() if method != "GET" else None
    url = BASE + path + ("?" + urllib.parse.urlencode(params, doseq=True) if method == "GET" and params else "")
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
    if token:
        request.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read()
    if status != expect:
        sys.exit(f"run_schemathesis: setup {method} {path} answered {status}, expected {expect}: {body[:300]!r}")
    return json.loads(body) if body else None


def setup():
    """Real tokens and a little data, made through the API as a client would."""
    suffix = f"{int(time.time()) % 100000}{random.randint(100, 999)}"
    app = call("POST", "/api/v1/apps", {"client_name": "schemathesis", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
                                        "scopes": "read write follow push profile"})
    client = {"client_id": app["client_id"], "client_secret": app["client_secret"]}
    app_token = call("POST", "/oauth/token", {**client, "grant_type": "client_credentials",
                                              "scope": "read write follow push profile"})["access_token"]
    users = []
    for name in ("fuzza", "fuzzb"):
        username, password = f"{name}{suffix}", "fuzz-password-1"
        call("POST", "/api/v1/accounts", {"username": username, "email": f"{username}@example.com",
                                          "password": password, "agreement": "true"}, token=app_token)
        # Registration gives `read write follow`; the password grant asks for every scope a client can.
        token = call("POST", "/oauth/token", {**client, "grant_type": "password", "username": username,
                                              "password": password, "scope": "read write follow push profile"})["access_token"]
        account = call("GET", "/api/v1/accounts/verify_credentials", token=token)
        users.append((username, token, account["id"]))
    (a_name, a_token, a_id), (b_name, b_token, b_id) = users
    call("POST", f"/api/v1/accounts/{b_id}/follow", token=a_token)
    call("POST", f"/api/v1/accounts/{a_id}/follow", token=b_token)
    first = call("POST", "/api/v1/statuses", {"status": f"hello @{a_name} #fuzzing"}, token=b_token)
    call("POST", f"/api/v1/statuses/{first['id']}/favourite", token=a_token)
    call("POST", "/api/v1/statuses", {"status": "a reply", "in_reply_to_id": first["id"]}, token=a_token)
    call("POST", "/api/v1/statuses", {"status": "unlisted", "visibility": "unlisted"}, token=a_token)
    call("POST", "/api/v1/tags/fuzzing/follow", token=a_token)
    call("POST", "/api/v1/markers", {"home[last_read_id]": first["id"]}, token=a_token)
    return a_token, app_token, {"a": a_name, "b": b_name}


def raw_probes(token):
    """What schemathesis cannot send: bytes that are not a well-formed request, and sizes past the
    limits. Each must be answered at once with a 4xx (a closed connection counts as an answer only
    where HAProxy refuses the request itself), and the cluster must go on serving. Returns failures."""
    parsed = urllib.parse.urlsplit(BASE)
    host, port = parsed.hostname, parsed.port or 80
    auth = f"Authorization: Bearer {token}\r\n".encode()

    def request(line, headers=b"", body=b""):
        length = f"Content-Length: {len(body)}\r\n".encode() if body else b""
        return line + b"\r\nHost: fuzz\r\n" + headers + length + b"\r\n" + body

    form = b"Content-Type: application/x-www-form-urlencoded\r\n" + auth
    json_type = b"Content-Type: application/json\r\n" + auth
    probes = [
        ("unknown method", request(b"FOO / HTTP/1.1")),
        ("NUL in a header", request(b"GET /api/v1/instance HTTP/1.1", b"X-Probe: a\x00b\r\n")),
        ("control character in a header", request(b"GET /api/v1/instance HTTP/1.1", b"X-Probe: a\x01b\r\n")),
        ("64 KB header", request(b"GET /api/v1/instance HTTP/1.1", b"X-Probe: " + b"a" * 65536 + b"\r\n")),
        ("64 KB query string", request(b"GET /api/v1/accounts/lookup?acct=" + b"a" * 65536 + b" HTTP/1.1")),
        ("NUL in the query", request(b"GET /api/v1/accounts/lookup?acct=%00 HTTP/1.1")),
        ("raw invalid UTF-8 in the query", request(b"GET /api/v2/search?q=\xff\xfe HTTP/1.1", auth)),
        ("malformed JSON", request(b"POST /api/v1/statuses HTTP/1.1", json_type, b'{"status": "x",')),
        ("JSON that is not an object", request(b"POST /api/v1/statuses HTTP/1.1", json_type, b'["status"]')),
        ("JSON nested 30,000 deep", request(b"POST /api/v1/statuses HTTP/1.1", json_type, b"[" * 30000 + b"]" * 30000)),
        ("NUL escaped in JSON", request(b"POST /api/v1/statuses HTTP/1.1", json_type, b'{"status": "a\\u0000b"}')),
        ("invalid UTF-8 in a form", request(b"POST /api/v1/statuses HTTP/1.1", form, b"status=\xc3\x28")),
        ("malformed percent-encoding", request(b"POST /api/v1/statuses HTTP/1.1", form, b"status=%zz")),
        ("1 MB body", request(b"POST /api/v1/statuses HTTP/1.1", form, b"status=" + b"a" * (1 << 20))),
        ("id past Int64", request(b"GET /api/v1/statuses/99999999999999999999999 HTTP/1.1", auth)),
        ("max_id past Int64", request(b"GET /api/v1/timelines/public?max_id=99999999999999999999 HTTP/1.1")),
        ("unknown route", request(b"GET /api/v9/nothing HTTP/1.1")),
        ("unsupported content type", request(b"POST /api/v1/statuses HTTP/1.1", b"Content-Type: text/xml\r\n" + auth, b"<status/>")),
    ]
    failures = []
    for name, data in probes:
        started = time.monotonic()
        reply, error = b"", None
        try:
            with socket.create_connection((host, port), timeout=10) as connection:
                connection.sendall(data)
                connection.settimeout(5)
                while b"\r\n\r\n" not in reply:
                    chunk = connection.recv(65536)
                    if not chunk:
                        break
                    reply += chunk
        except (socket.timeout, TimeoutError):
            error = "no answer within 5 s (a hang)"
        except OSError as e:
            # The server may close while a large request is still being sent; it must have answered first.
            error = None if reply else f"connection failed: {e}"
        took = time.monotonic() - started
        status_line = reply.split(b"\r\n", 1)[0].decode("latin-1")
        parts = status_line.split(" ")
        status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        if error is None and not (status and 400 <= status < 500):
            error = f"answered {status_line!r}" if status_line else "closed without an answer"
        print(f"fuzz: probe {name}: {error or status_line} ({took:.2f}s)", flush=True)
        if error:
            failures.append(f"{name}: {error}")
    try:
        call("GET", "/api/v1/instance")  # exits on anything but a 200
    except SystemExit as e:
        failures.append(f"the cluster stopped serving after the probes: {e}")
    return failures


RAW_PROBES = 18


def summarize(events_path):
    """Operations, requests and failures from the ndjson event stream schemathesis wrote."""
    operations, requests, server_errors, failures, errors = set(), 0, 0, 0, 0
    if not os.path.exists(events_path):
        return None
    with open(events_path) as f:
        for line in f:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            for kind, body in event.items():
                if not isinstance(body, dict):
                    continue
                if kind == "ScenarioFinished":
                    recorder = body.get("recorder") or {}
                    label = recorder.get("label") or ""
                    if " /" in label:  # "GET /api/v1/…"; stateful scenarios span several
                        operations.add(label)
                    for interaction in (recorder.get("interactions") or {}).values():
                        response = interaction.get("response")
                        requests += 1
                        if response and response.get("status_code", 0) >= 500:
                            server_errors += 1
                    for checks in (recorder.get("checks") or {}).values():
                        failures += sum(1 for c in checks if str(c.get("status")).lower() == "failure")
                elif kind == "NonFatalError":
                    errors += 1
    return {"operations": operations, "requests": requests, "server_errors": server_errors,
            "failed_checks": failures, "errors": errors}


def schemathesis(st, name, report_dir, seed, max_examples, phases, headers):
    """One schemathesis run; returns its exit status and figures."""
    events = os.path.join(report_dir, f"{name}.ndjson")
    for old in (events, os.path.join(report_dir, f"{name}-junit.xml")):
        if os.path.exists(old):
            os.remove(old)
    command = [st, "run", BASE + "/api/openapi.json"]
    for header in headers:
        command += ["--header", header]
    command += [
        "--checks", CHECKS,
        "--phases", phases,
        "--max-examples", str(max_examples),
        "--workers", os.environ.get("FUZZ_WORKERS", "4"),
        "--request-timeout", os.environ.get("FUZZ_REQUEST_TIMEOUT", "10"),
        "--seed", str(seed),
        "--exclude-path-regex", EXCLUDED_PATH_REGEX,
        # A redirect is an answer to check (302/303 are documented), not one to follow.
        "--max-redirects", "0",
        "--generation-database", "none",
        "--suppress-health-check", "all",
        "--report", "ndjson,junit",
        "--report-ndjson-path", events,
        "--report-junit-path", os.path.join(report_dir, f"{name}-junit.xml"),
        "--no-color",
        "--output-truncate", "true",
    ]
    print(f"fuzz: {name} run, {max_examples} examples per operation and phase ({phases})", flush=True)
    # schemathesis keeps state in ./.schemathesis: the report folder, not the caller's tree.
    hooks = os.path.join(os.path.dirname(os.path.abspath(__file__)), "schemathesis_hooks.py")
    rc = subprocess.run(command, cwd=report_dir, env={**os.environ, "SCHEMATHESIS_HOOKS": hooks}).returncode
    return rc, summarize(events)


def main():
    st = os.environ.get("SCHEMATHESIS") or shutil.which("st") or "st"
    cluster_dir = os.environ.get("STARLING_CLUSTER_DIR")
    report_dir = os.path.abspath(os.environ.get("FUZZ_REPORT_DIR") or (
        os.path.join(cluster_dir, "schemathesis") if cluster_dir else "schemathesis-report"))
    os.makedirs(report_dir, exist_ok=True)
    seed = int(os.environ.get("FUZZ_SEED") or random.randint(0, 2**31))
    token, app_token, names = setup()
    print(f"fuzz: {BASE}, seed {seed}, tokens for @{names['a']} (every scope) and @{names['b']}", flush=True)
    started = time.monotonic()
    probe_failures = raw_probes(token)
    runs = [
        # A user's token with every scope: the deepest paths, links between operations included.
        ("user", int(os.environ.get("FUZZ_MAX_EXAMPLES", "50")), "examples,coverage,fuzzing,stateful",
         [f"Authorization: Bearer {token}"]),
        # An app's token (client credentials): registrations, public reads, 422 where a user is needed.
        ("app", int(os.environ.get("FUZZ_APP_MAX_EXAMPLES", "10")), "coverage,fuzzing", [f"Authorization: Bearer {app_token}"]),
        # No token: the anonymous side of every route (public reads, 401s, the OAuth pages).
        ("anonymous", int(os.environ.get("FUZZ_ANONYMOUS_MAX_EXAMPLES", "15")), "coverage,fuzzing", []),
    ]
    rc, total = 0, {"operations": set(), "requests": 0, "server_errors": 0, "failed_checks": 0, "errors": 0}
    for name, examples, phases, headers in runs:
        run_rc, figures = schemathesis(st, name, report_dir, seed, examples, phases, headers)
        if figures is None:
            print(f"fuzz: the {name} run wrote no report (schemathesis exit {run_rc})", flush=True)
            rc = rc or run_rc or 1
            continue
        rc = rc or run_rc
        for key in total:
            total[key] = total[key] | figures[key] if key == "operations" else total[key] + figures[key]
    took = time.monotonic() - started
    if total["server_errors"] or probe_failures:
        rc = rc or 1
    for failure in probe_failures:
        print(f"fuzz: FAILED probe {failure}", flush=True)
    print(f"fuzz: {len(total['operations'])} operations, {total['requests']} requests, {total['server_errors']} server errors, "
          f"{len(probe_failures)} of {RAW_PROBES} raw probes failed, "
          f"{total['failed_checks']} failed checks, {total['errors']} errors in {took:.0f}s "
          f"({'passed' if rc == 0 else f'FAILED, exit {rc}'}; reports in {report_dir})", flush=True)
    return rc


if __name__ == "__main__":
    sys.exit(main())
