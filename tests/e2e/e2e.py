#!/usr/bin/env python3
"""End-to-end test of a running Starling cluster, as a Mastodon client sees it.

Started by tests/e2e/run_e2e.sh once `cluster/starling-cluster start` is up with
STARLING_CELEBRITY_THRESHOLD=3 and STARLING_FANOUT_CHUNK=50. Everything goes
through HTTP (python3 stdlib only); Redis is only peeked at, read-only, to check
where statuses were (or were not) fanned out.

Phase 1 (celebrity threshold 3): instance and ops endpoints, fan-out, celebrity
read-time merge, delete, bad input, follow/unfollow merges.
Phase 2: the cluster is restarted on the same data folder with threshold 100000
(PostgreSQL keeps its data, Redis starts empty), homes are compared with phase 1,
then a 300-follower fan-out survives `kill-worker 1` with nothing lost and
nothing duplicated.

Prints one line per check and ends with `N passed, M failed`; exits 1 on failure.

Environment: STARLING_CLUSTER_DIR (its `env` file is read after each start),
E2E_CLUSTER_SCRIPT (default cluster/starling-cluster), E2E_FOLLOWERS (300),
E2E_THREADS (16).
"""

import concurrent.futures
import http.client
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse

import e2elib
from e2elib import CLUSTER_DIR, ENV, check, info, load_env, poll, scenario, section

CLUSTER_SCRIPT = os.environ.get("E2E_CLUSTER_SCRIPT", os.path.join(e2elib.ROOT, "cluster", "starling-cluster"))
N_FOLLOWERS = int(os.environ.get("E2E_FOLLOWERS", "300"))
THREADS = int(os.environ.get("E2E_THREADS", "16"))
RUN = secrets.token_hex(3)  # keeps usernames unique should the data folder be reused

# ---------------------------------------------------------------------------
# Cluster
# ---------------------------------------------------------------------------


def cluster(*args, extra_env=None, timeout=300):
    return e2elib.run_cluster(CLUSTER_SCRIPT, args, extra_env=extra_env, timeout=timeout)


def pid_alive(pid):
    try:
        with open(f"/proc/{pid}/status", encoding="utf-8") as f:
            return not any(line.startswith("State:") and "Z" in line.split()[1] for line in f)
    except OSError:
        return False


def starling_pid(name):
    """The pid of node `name` (api2, worker1...) from the env file, checked to be ours."""
    pid = int(ENV.get(f"{name.upper()}_PID") or 0)
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            cmdline = f.read().replace(b"\0", b" ").decode()
    except OSError:
        return None
    role = "worker" if name.startswith("worker") else "api"
    return pid if "starling" in cmdline and role in cmdline else None


@scenario
def s_graceful_shutdown():
    section("graceful shutdown: nodes exit on SIGTERM")
    pids = {name: starling_pid(name) for name in ("api2", "worker2")}
    for pid in pids.values():
        if pid:
            os.kill(pid, 15)
    t = time.monotonic()
    poll(lambda: (not [p for p in pids.values() if p and pid_alive(p)], None), 10, 0.1)
    for name, pid in pids.items():
        check(f"{name} exits within 10 s of SIGTERM", pid is not None and not pid_alive(pid),
              f"pid {pid} still running after {time.monotonic() - t:.1f}s" if pid else "no pid in the env file")


def restart_cluster(threshold):
    """Stops the cluster and starts it again on the same data folder with another celebrity
    threshold. The previous run's logs are kept in logs-phase1/ (start clears logs/)."""
    s_graceful_shutdown()
    # Workers are stateless and safe to kill -9; saves `stop` its SIGTERM grace period.
    cluster("kill-worker", "1")
    cluster("kill-worker", "2")
    cluster("stop")
    logs = os.path.join(CLUSTER_DIR, "logs")
    if os.path.isdir(logs):
        shutil.rmtree(os.path.join(CLUSTER_DIR, "logs-phase1"), ignore_errors=True)
        shutil.copytree(logs, os.path.join(CLUSTER_DIR, "logs-phase1"))
    extra = {"STARLING_CELEBRITY_THRESHOLD": str(threshold)}
    if ENV.get("STARLING_CLUSTER_BIN"):
        extra["STARLING_BIN"] = ENV["STARLING_CLUSTER_BIN"]  # the binary is built already
    proc, took = cluster("start", extra_env=extra)
    last = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""
    load_env()
    return last, took


# ---------------------------------------------------------------------------
# HTTP
# ---------------------------------------------------------------------------


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.raw = body
        try:
            self.json = json.loads(body) if body else None
        except ValueError:
            self.json = None

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def __repr__(self):
        text = self.raw.decode("utf-8", "replace") if isinstance(self.raw, bytes) else str(self.raw)
        return f"HTTP {self.status} {text[:400]}"


def request(method, url, token=None, form=None, body=None, content_type=None, headers=None, timeout=15):
    """One HTTP request on a fresh connection; returns a Response, whatever the status."""
    parts = urllib.parse.urlsplit(url)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    hdrs = {"Accept": "application/json", "Connection": "close"}
    if token:
        hdrs["Authorization"] = f"Bearer {token}"
    if form is not None:
        body = urllib.parse.urlencode(form, doseq=True).encode()
        content_type = "application/x-www-form-urlencoded"
    if body is not None:
        hdrs["Content-Type"] = content_type or "application/x-www-form-urlencoded"
        hdrs["Content-Length"] = str(len(body))
    hdrs.update(headers or {})
    last_error = None
    for attempt in range(3):
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=hdrs)
            resp = conn.getresponse()
            data = resp.read()
            return Response(resp.status, resp.getheaders(), data)
        except (ConnectionRefusedError, ConnectionResetError, BrokenPipeError, http.client.RemoteDisconnected) as error:
            # Only GETs are retried; a write could have been applied.
            last_error = error
            if method != "GET":
                raise
            time.sleep(0.2 * (attempt + 1))
        finally:
            conn.close()
    raise last_error


def get(url, token=None, **kw):
    return request("GET", url, token=token, **kw)


def post(url, token=None, form=None, **kw):
    return request("POST", url, token=token, form=form if form is not None else {}, **kw)


def delete(url, token=None, **kw):
    return request("DELETE", url, token=token, **kw)


def expect(resp, status, what):
    if resp.status != status:
        raise AssertionError(f"{what}: expected HTTP {status}, got {resp!r}")
    return resp.json


def parallel(fn, items, threads=THREADS):
    with concurrent.futures.ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(fn, items))


# ---------------------------------------------------------------------------
# Redis (read-only peeking, RESP over a socket)
# ---------------------------------------------------------------------------


def redis_ports():
    return [int(p) for p in ENV.get("REDIS_PORTS", "").split()]


def redis_pipeline(port, commands):
    """Sends commands (lists of str) in one pipeline; returns the replies."""
    return e2elib.resp_pipeline(port, commands, timeout=10)


def redis_lists(keys, ready_keys=None):
    """For each key: {shard port: list} over every shard that has it (LRANGE 0 -1), plus
    the shards holding the matching ready marker."""
    found = {k: {} for k in keys}
    ready = {k: [] for k in keys}
    for port in redis_ports():
        cmds = [["LRANGE", k, 0, -1] for k in keys]
        if ready_keys:
            cmds += [["EXISTS", r] for r in ready_keys]
        replies = redis_pipeline(port, cmds)
        for k, reply in zip(keys, replies[:len(keys)]):
            if isinstance(reply, list) and reply:
                found[k][port] = reply
        if ready_keys:
            for k, reply in zip(keys, replies[len(keys):]):
                if reply == 1:
                    ready[k].append(port)
    return found, ready


def ids_in(per_shard):
    """The status ids of a list found by redis_lists (all shards), without the sentinel 0 that
    marks a rebuilt list."""
    return [i for v in per_shard.values() for i in v if i != "0"]


def metric(url, name):
    """Sum of a Prometheus metric's samples (all label sets) from url/metrics; None if absent."""
    resp = get(url + "/metrics")
    if resp.status != 200:
        return None
    total, seen = 0.0, False
    for line in resp.raw.decode().splitlines():
        if line.startswith("#"):
            continue
        m = re.match(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)", line)
        if m and m.group(1) == name:
            total += float(m.group(3))
            seen = True
    return total if seen else None


# ---------------------------------------------------------------------------
# Users
# ---------------------------------------------------------------------------


class User:
    def __init__(self, username, token, account):
        self.username = username
        self.token = token
        self.account = account
        self.id = account["id"]

    def __repr__(self):
        return f"@{self.username}({self.id})"


class App:
    def __init__(self, base):
        self.base = base
        app = expect(post(base + "/api/v1/apps", form={
            "client_name": "starling-e2e", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
            "scopes": "read write follow"}), 200, "POST /api/v1/apps")
        self.client_id = app["client_id"]
        self.client_secret = app["client_secret"]
        tok = expect(post(base + "/oauth/token", form={
            "grant_type": "client_credentials", "client_id": self.client_id,
            "client_secret": self.client_secret, "scope": "read write follow"}), 200, "client_credentials token")
        self.token = tok["access_token"]

    def register(self, name, lookup=True):
        username = f"{name}_{RUN}"[:30]
        resp = post(self.base + "/api/v1/accounts", self.token, {
            "username": username, "email": f"{username}@e2e.example.org", "password": "correct-horse-9",
            "agreement": "true", "locale": "en"})
        token = expect(resp, 200, f"register {username}")["access_token"]
        if lookup:
            account = expect(get(self.base + "/api/v1/accounts/verify_credentials", token), 200,
                             f"verify_credentials {username}")
        else:
            account = {"id": None}
        return User(username, token, account)


def lookup(base, user):
    return expect(get(base + "/api/v1/accounts/lookup?" + urllib.parse.urlencode({"acct": user.username})), 200,
                  f"lookup {user.username}")


def follow(base, follower, target, undo=False):
    action = "unfollow" if undo else "follow"
    rel = expect(post(f"{base}/api/v1/accounts/{target.id}/{action}", follower.token), 200,
                 f"{follower} {action} {target}")
    if rel.get("following") is not (not undo):
        raise AssertionError(f"{follower} {action} {target}: relationship says following={rel.get('following')}")
    return rel


def post_status(base, user, text):
    return expect(post(base + "/api/v1/statuses", user.token, {"status": text}), 200, f"{user} posts")


def home(base, user, **params):
    query = urllib.parse.urlencode({"limit": 40, **params})
    resp = get(f"{base}/api/v1/timelines/home?{query}", user.token)
    if resp.status != 200 or not isinstance(resp.json, list):
        raise AssertionError(f"GET home of {user} on {base}: {resp!r}")
    return resp


def home_ids(base, user, **params):
    return [s["id"] for s in home(base, user, **params).json]


def poll_home(base, user, present=(), absent=(), timeout=5.0):
    """Polls a user's home until every `present` id is there and no `absent` id is."""
    present, absent = set(present), set(absent)

    def probe():
        ids = home_ids(base, user)
        return present <= set(ids) and not (absent & set(ids)), ids
    return poll(probe, timeout)


def dupes(ids):
    seen, out = set(), set()
    for i in ids:
        (out if i in seen else seen).add(i)
    return sorted(out)


# ---------------------------------------------------------------------------
# Phase 1 scenarios
# ---------------------------------------------------------------------------

NODES = []  # (name, url)


@scenario
def s1_instance_and_ops():
    section("1. instance endpoints and ops endpoints on every node")
    url = ENV["STARLING_URL"]
    for path in ("/api/v1/instance", "/api/v1/instance/", "/api/v2/instance", "/api/v2/instance/"):
        for base in (url, ENV["API1_URL"], ENV["API2_URL"]):
            resp = get(base + path)
            ok = resp.status == 200 and isinstance(resp.json, dict)
            if ok and path.startswith("/api/v1"):
                ok = "uri" in resp.json and "configuration" in resp.json and \
                    resp.json["configuration"]["statuses"]["max_characters"] == 280
            if ok and path.startswith("/api/v2"):
                ok = "domain" in resp.json and "configuration" in resp.json
            check(f"GET {path} on {base_name(base)} -> 200 instance JSON", ok, repr(resp))
    for name, base in NODES:
        health = get(base + "/health")
        check(f"{name} /health -> 200", health.status == 200, repr(health))
        ready = get(base + "/ready")
        check(f"{name} /ready -> 200", ready.status == 200, repr(ready))
        if name == "haproxy":
            continue
        metrics = get(base + "/metrics")
        text = metrics.raw.decode("utf-8", "replace")
        ok = metrics.status == 200 and "# TYPE" in text
        if name.startswith("worker"):
            wanted = ["starling_fanout_deliveries_total", "starling_outbox_depth", "starling_fanout_lag_seconds"]
            missing = [w for w in wanted if w not in text]
            ok = ok and not missing
            check(f"{name} /metrics is Prometheus text with fan-out metrics", ok,
                  f"missing {missing}; {metrics!r}" if not ok else "")
        else:
            check(f"{name} /metrics is Prometheus text", ok, repr(metrics))
    metrics = get(url + "/metrics")
    check("haproxy URL /metrics reaches an API node", metrics.status == 200 and "# TYPE" in metrics.raw.decode(),
          repr(metrics))


def base_name(base):
    for name, url in NODES:
        if url == base:
            return name
    return base


@scenario
def s2_fanout(app, users):
    section("2. fan-out of a normal author to followers, read through the other node")
    api1, api2 = ENV["API1_URL"], ENV["API2_URL"]
    a, f1, f2 = users["author"], users["f1"], users["f2"]
    for f in (f1, f2):
        follow(api1, f, a)
        home_ids(api2, f)  # first read: served from PostgreSQL while the list is rebuilt
    acc = lookup(api2, a)
    check("author has 2 followers (followers_count)", acc["followers_count"] == 2, json.dumps(acc)[:300])

    status = post_status(api1, a, f"hello from {a.username} <&> 1")
    check("POST /api/v1/statuses returns the Status (id, content, account)",
          isinstance(status.get("id"), str) and status["id"].isdigit() and "hello from" in status.get("content", "")
          and status.get("account", {}).get("id") == a.id, json.dumps(status)[:300])
    check("status content is HTML-escaped", "&lt;&amp;&gt;" in status.get("content", ""), status.get("content", ""))
    sid = status["id"]
    for f in (f1, f2):
        ok, ids, took = poll_home(api2, f, present=[sid], timeout=5)
        check(f"status reaches {f.username}'s home via api2 within 5 s", ok, f"after {took:.2f}s home={ids[:10]}")
        check(f"...exactly once in {f.username}'s home", ids.count(sid) == 1, f"home={ids}")
    ok, ids, took = poll_home(api2, a, present=[sid], timeout=5)
    check("status is in the author's own home", ok, f"home={ids[:10]}")
    got = get(f"{api2}/api/v1/statuses/{sid}")
    check("GET /api/v1/statuses/:id via api2 -> 200", got.status == 200 and got.json and got.json["id"] == sid,
          repr(got))

    # Paging: 4 more statuses, pages of 2 following the Link header.
    more = [post_status(api1, a, f"paging {i}")["id"] for i in range(4)]
    want = list(reversed([sid] + more))
    ok, ids, took = poll_home(api2, f1, present=want, timeout=5)
    check("5 statuses in f1's home, newest first", ok and [i for i in ids if i in want] == want,
          f"home={ids} want={want}")
    check("home ids strictly descending (as numbers)", all(int(x) > int(y) for x, y in zip(ids, ids[1:])),
          f"{ids}")
    resp = home(api2, f1, limit=2)
    link = resp.header("Link") or ""
    check('home Link header has rel="next" and rel="prev"', 'rel="next"' in link and 'rel="prev"' in link,
          f"Link: {link!r}")
    pages, url, guard = [], None, 0
    page = [s["id"] for s in resp.json]
    pages.append(page)
    while guard < 10:
        guard += 1
        m = re.search(r'<([^>]+)>;\s*rel="next"', link)
        if not m or not page:
            break
        url = m.group(1)
        # The link carries the public URL; read the next page through api2 all the same.
        nxt = urllib.parse.urlsplit(url)
        resp = get(f"{api2}{nxt.path}?{nxt.query}", f1.token)
        if resp.status != 200:
            break
        page = [s["id"] for s in resp.json]
        link = resp.header("Link") or ""
        if page:
            pages.append(page)
    walked = [i for p in pages for i in p]
    check("following rel=next pages of 2 walks the whole home without gaps or repeats",
          walked == ids and all(len(p) <= 2 for p in pages), f"walked={walked} home={ids}")
    check("the Link URLs keep limit=2", url is not None and "limit=2" in url, f"last next url={url}")
    newer = home_ids(api2, f1, since_id=want[2])
    check("since_id returns only newer statuses", newer == want[:2], f"{newer} want {want[:2]}")
    oldest_above = home_ids(api2, f1, min_id=want[4], limit=2)
    check("min_id returns the statuses just above it", oldest_above == [want[2], want[3]],
          f"{oldest_above} want {[want[2], want[3]]}")
    below = home_ids(api2, f1, max_id=want[1], limit=2)
    check("max_id returns the statuses just below it", below == want[2:4], f"{below} want {want[2:4]}")
    same = home_ids(api1, f1) == home_ids(api2, f1) == home_ids(ENV["STARLING_URL"], f1)
    check("home is the same via api1, api2 and haproxy", same)
    return sid


@scenario
def s3_celebrity(app, users, normal_sid):
    section("3. celebrity author (3 followers, threshold 3): read-time merge, no fan-out")
    api1, api2 = ENV["API1_URL"], ENV["API2_URL"]
    celeb, gs, a = users["celeb"], [users["g1"], users["g2"], users["g3"]], users["n2"]
    # g1 also follows a normal author (1 follower), so its Redis home list gets pushed statuses.
    follow(api1, gs[0], a)
    for g in gs:
        follow(api1, g, celeb)
        home_ids(api2, g)
    acc = lookup(api2, celeb)
    check("celebrity has followers_count 3 (>= threshold)", acc["followers_count"] == 3, json.dumps(acc)[:300])
    acc = lookup(api2, a)
    check("normal author n2 has 1 follower (< threshold)", acc["followers_count"] == 1, json.dumps(acc)[:300])
    pushed = post_status(api1, a, "pushed after g1 followed")["id"]
    sid = post_status(api1, celeb, "a message from a celebrity")["id"]
    for g in gs:
        ok, ids, took = poll_home(api2, g, present=[sid], timeout=5)
        check(f"celebrity status in {g.username}'s home via api2 (read-time merge)", ok,
              f"after {took:.2f}s home={ids[:10]}")
        check(f"...exactly once in {g.username}'s home", ids.count(sid) == 1, f"home={ids}")
    ok, ids, _ = poll_home(api2, gs[0], present=[pushed], timeout=5)
    check("g1 also has the normal author's status, merged in order",
          ok and sid in ids and ids.index(sid) < ids.index(pushed), f"home={ids[:10]}")
    check("celebrity status via haproxy and api1 too",
          sid in home_ids(ENV["STARLING_URL"], gs[1]) and sid in home_ids(api1, gs[2]))
    if not redis_ports():
        info("no REDIS_PORTS in the env file: skipping the Redis checks")
        return sid
    # Wait for every follower's home list to be rebuilt (its ready marker), then look inside.
    keys = [f"home:{{{g.id}}}" for g in gs]
    marks = [f"homeok:{{{g.id}}}" for g in gs]

    def built():
        lists, ready = redis_lists(keys, marks)
        return all(ready[k] for k in keys) and pushed in ids_in(lists[keys[0]]), (lists, ready)
    ok, (lists, ready), _ = poll(built, 5)
    check("followers' Redis home lists are built (homeok marker, g1's list holds the pushed status)", ok,
          f"ready={ready} lists={lists}")
    for g, k in zip(gs, keys):
        content = ids_in(lists[k])
        check(f"celebrity status NOT fanned out to {g.username}'s Redis home ({k})", sid not in content,
              f"{k} on shards {list(lists[k])}: {content}")
    shards_per_key = {k: len(lists[k]) for k in keys if lists[k]}
    check("a home list lives on exactly one shard", all(n == 1 for n in shards_per_key.values()), f"{shards_per_key}")
    authored, _ = redis_lists([f"user:{{{celeb.id}}}"])
    check("celebrity status is in the author's own Redis list (user:{id})",
          sid in ids_in(authored[f"user:{{{celeb.id}}}"]), f"{authored}")
    return sid


@scenario
def s5_delete(app, users, celeb_sid):
    section("5. delete")
    api1, api2 = ENV["API1_URL"], ENV["API2_URL"]
    a, f1, f2, celeb = users["author"], users["f1"], users["f2"], users["celeb"]
    gs = [users["g1"], users["g2"], users["g3"]]
    doomed = post_status(api1, a, "this one will be deleted")["id"]
    for f in (f1, f2, a):
        ok, ids, _ = poll_home(api2, f, present=[doomed], timeout=5)
        check(f"to-be-deleted status reached {f.username}'s home", ok, f"home={ids[:10]}")

    other = delete(f"{api1}/api/v1/statuses/{doomed}", f1.token)
    check("deleting another user's status -> 403 with {error}", other.status == 403 and
          isinstance((other.json or {}).get("error"), str), repr(other))
    still = get(f"{api2}/api/v1/statuses/{doomed}")
    check("...and the status is still there", still.status == 200, repr(still))
    anon = delete(f"{api1}/api/v1/statuses/{doomed}")
    check("deleting without a token -> 401", anon.status == 401, repr(anon))
    unknown = delete(f"{api1}/api/v1/statuses/1234567890123", a.token)
    check("deleting an unknown status -> 404", unknown.status == 404 and "error" in (unknown.json or {}), repr(unknown))
    bogus = delete(f"{api1}/api/v1/statuses/not-a-number", a.token)
    check("deleting a non-numeric id -> 404", bogus.status == 404, repr(bogus))

    gone = delete(f"{api1}/api/v1/statuses/{doomed}", a.token)
    check("author deletes the status -> 200 with the deleted Status",
          gone.status == 200 and (gone.json or {}).get("id") == doomed, repr(gone))
    for base in (api1, api2, ENV["STARLING_URL"]):
        r = get(f"{base}/api/v1/statuses/{doomed}")
        check(f"GET deleted status on {base_name(base)} -> 404", r.status == 404, repr(r))
    for f in (f1, f2, a):
        for base in (api2, api1):
            ok, ids, took = poll_home(base, f, absent=[doomed], timeout=5)
            check(f"deleted status gone from {f.username}'s home via {base_name(base)}", ok,
                  f"after {took:.2f}s home={ids[:10]}")
    again = delete(f"{api1}/api/v1/statuses/{doomed}", a.token)
    check("deleting it again -> 404", again.status == 404, repr(again))

    if celeb_sid:
        gone = delete(f"{api1}/api/v1/statuses/{celeb_sid}", celeb.token)
        check("celebrity deletes its status -> 200", gone.status == 200, repr(gone))
        for g in gs:
            ok, ids, took = poll_home(api2, g, absent=[celeb_sid], timeout=5)
            check(f"deleted celebrity status gone from {g.username}'s home", ok, f"home={ids[:10]}")
    if redis_ports():
        def clean():
            keys = [f"home:{{{u.id}}}" for u in (f1, f2, a)]
            lists, _ = redis_lists(keys)
            return all(doomed not in ids_in(lists[k]) for k in keys), lists
        ok, lists, took = poll(clean, 5)
        check("deleted status removed from the Redis home lists too", ok, f"{lists}")


@scenario
def s6_bad_input(app, users):
    section("6. bad input: right status codes, Mastodon error format, nothing written")
    api1, api2 = ENV["API1_URL"], ENV["API2_URL"]
    b = users["bad"]
    before = lookup(api2, b)["statuses_count"]
    home_before = home_ids(api2, b)

    def err(resp, status, what):
        ok = resp.status == status and isinstance(resp.json, dict) and isinstance(resp.json.get("error"), str)
        check(f"{what} -> {status} {{\"error\": ...}}", ok, repr(resp))

    err(get(f"{api2}/api/v1/timelines/home"), 401, "home without a token")
    err(get(f"{api2}/api/v1/timelines/home", "not-a-valid-token"), 401, "home with a bad token")
    err(request("GET", f"{api2}/api/v1/timelines/home", headers={"Authorization": "Basic Zm9vOmJhcg=="}), 401,
        "home with a non-Bearer Authorization")
    err(post(f"{api1}/api/v1/statuses", None, {"status": "no token"}), 401, "post without a token")
    err(post(f"{api1}/api/v1/statuses", "bad-token", {"status": "bad token"}), 401, "post with a bad token")
    err(post(f"{api1}/api/v1/statuses", app.token, {"status": "app token"}), 422, "post with an app-only token")
    err(post(f"{api1}/api/v1/statuses", b.token, {"status": ""}), 422, "empty status")
    err(post(f"{api1}/api/v1/statuses", b.token, {}), 422, "status parameter missing")
    err(post(f"{api1}/api/v1/statuses", b.token, {"status": "x" * 281}), 422, "281-character status")
    err(post(f"{api1}/api/v1/statuses", b.token, {"status": "é" * 281}), 422, "281-character status (2-byte chars)")
    err(post(f"{api1}/api/v1/statuses", b.token, {"status": "ok", "visibility": "galaxy"}), 422, "unknown visibility")
    for limit in ("abc", "0", "-1", "1.5"):
        err(get(f"{api2}/api/v1/timelines/home?limit={limit}", b.token), 400, f"home limit={limit}")
    err(get(f"{api2}/api/v1/timelines/home?max_id=xyz", b.token), 400, "home max_id=xyz")
    err(get(f"{api2}/api/v1/accounts/987654321098765"), 404, "unknown account id")
    err(get(f"{api2}/api/v1/accounts/lookup?acct=nobody_{RUN}"), 404, "lookup of an unknown account")
    err(post(f"{api1}/api/v1/accounts/987654321098765/follow", b.token), 404, "follow an unknown account id")
    err(get(f"{api2}/api/v1/statuses/987654321098765"), 404, "unknown status id")
    err(post(f"{api1}/api/v1/accounts/{b.id}/follow", b.token), 403, "follow yourself")
    big = urllib.parse.urlencode({"status": "y" * (70 * 1024)}).encode()
    try:
        resp = request("POST", f"{api1}/api/v1/statuses", b.token, body=big)
        err(resp, 413, "70 KiB body (limit 64 KiB)")
    except OSError as error:
        check("70 KiB body (limit 64 KiB) -> 413", False, f"connection error instead of a 413: {error!r}")
    big_json = json.dumps({"status": "z" * (70 * 1024)}).encode()
    try:
        resp = request("POST", f"{api1}/api/v1/statuses", b.token, body=big_json, content_type="application/json")
        err(resp, 413, "70 KiB JSON body")
    except OSError as error:
        check("70 KiB JSON body -> 413", False, f"connection error instead of a 413: {error!r}")
    err(request("POST", f"{api1}/api/v1/statuses", b.token, body=b"{not json", content_type="application/json"), 400,
        "malformed JSON body")
    err(request("POST", f"{api1}/api/v1/statuses", b.token, body=b"status=%FF%FE"), 422,
        "status that is not valid UTF-8")
    err(post(f"{api1}/api/v1/accounts", app.token, {"username": "bad name!", "email": "x@e2e.example.org",
                                                     "password": "long-enough-1", "agreement": "true"}), 422,
        "register an invalid username")
    err(post(f"{api1}/api/v1/accounts", None, {"username": f"nt_{RUN}", "email": "nt@e2e.example.org",
                                                "password": "long-enough-1", "agreement": "true"}), 401,
        "register without an app token")
    dup = post(f"{api1}/api/v1/accounts", app.token, {"username": b.username, "email": f"other_{RUN}@e2e.example.org",
                                                       "password": "long-enough-1", "agreement": "true"})
    err(dup, 422, "register a taken username")
    bad_grant = post(f"{api1}/oauth/token", None, {"grant_type": "password", "client_id": app.client_id,
                                                    "client_secret": app.client_secret, "username": b.username,
                                                    "password": "wrong-password"})
    check("password grant with a wrong password -> 400 invalid_grant",
          bad_grant.status == 400 and (bad_grant.json or {}).get("error") == "invalid_grant", repr(bad_grant))

    after = lookup(api2, b)["statuses_count"]
    check("none of the rejected requests wrote a status (statuses_count unchanged)", after == before,
          f"before={before} after={after}")
    check("...and b's home is unchanged", home_ids(api2, b) == home_before)
    posted = [s for s in expect(get(f"{api2}/api/v1/accounts/{b.id}/statuses"), 200, "account statuses")]
    check("...and b has no statuses", posted == [], f"{[s['id'] for s in posted]}")

    ok280 = post(f"{api1}/api/v1/statuses", b.token, {"status": "x" * 280})
    check("280-character status -> 200", ok280.status == 200, repr(ok280))
    ok280u = post(f"{api1}/api/v1/statuses", b.token, {"status": "é" * 280})
    check("280 two-byte characters -> 200", ok280u.status == 200, repr(ok280u))
    final = lookup(api2, b)["statuses_count"]
    check("statuses_count counts the 2 accepted statuses", final == before + 2, f"before={before} now={final}")
    # Password grant: a user token by username and by email.
    for login in (b.username, f"{b.username}@e2e.example.org"):
        tok = post(f"{api1}/oauth/token", None, {"grant_type": "password", "client_id": app.client_id,
                                                 "client_secret": app.client_secret, "username": login,
                                                 "password": "correct-horse-9", "scope": "read write follow"})
        ok = tok.status == 200 and bool((tok.json or {}).get("access_token"))
        if ok:
            me = get(f"{api2}/api/v1/accounts/verify_credentials", tok.json["access_token"])
            ok = me.status == 200 and me.json["id"] == b.id
        check(f"password grant with {'email' if '@' in login else 'username'} gives a working user token", ok,
              repr(tok))


@scenario
def s7_follow_merge(app, users):
    section("7. follow merges an author's existing statuses into the home; unfollow removes them")
    api1, api2 = ENV["API1_URL"], ENV["API2_URL"]
    poet, celeb = users["poet"], users["celeb"]
    m, m2 = users["m1"], users["m2"]
    theirs = [post_status(api1, poet, f"poem {i}")["id"] for i in range(3)]
    listed = [s["id"] for s in expect(get(f"{api2}/api/v1/accounts/{poet.id}/statuses?limit=40"), 200,
                                      "poet's statuses")]
    check("GET /api/v1/accounts/:id/statuses lists the poet's 3 statuses, newest first",
          listed == list(reversed(theirs)), f"{listed}")
    celeb_own = post_status(api1, celeb, "celebrity status before m1 follows")["id"]
    mine = post_status(api1, m, "m1's own status")["id"]
    ok, ids, _ = poll_home(api2, m, present=[mine], timeout=5)  # also builds m1's Redis list
    check("m1's own status is in m1's home", ok, f"{ids}")
    if redis_ports():
        ok, _, _ = poll(lambda: (bool(redis_lists([f"home:{{{m.id}}}"], [f"homeok:{{{m.id}}}"])[1]
                                      [f"home:{{{m.id}}}"]), None), 5)
        check("m1's Redis home list is built", ok)

    follow(api1, m, poet)
    acc = lookup(api2, poet)
    check("poet has 1 follower (< threshold: pushed, not pulled)", acc["followers_count"] == 1, json.dumps(acc)[:300])
    ok, ids, took = poll_home(api2, m, present=theirs, timeout=5)
    check("after following, the poet's existing statuses appear in m1's home", ok,
          f"after {took:.2f}s missing={sorted(set(theirs) - set(ids))}")
    check("...each exactly once, newest first", not dupes(ids) and all(int(x) > int(y) for x, y in zip(ids, ids[1:])),
          f"{ids}")
    if redis_ports():
        key = f"home:{{{m.id}}}"
        ok, lists, _ = poll(lambda: ((lambda l: (set(theirs) <= set(ids_in(l[key])), l))(redis_lists([key])[0])), 5)
        check("the follow merged them into m1's Redis home list (worker follow job)", ok, f"{lists}")
    follow(api1, m, celeb)
    ok, ids, _ = poll_home(api2, m, present=[celeb_own], timeout=5)
    check("following a celebrity shows its statuses (read-time merge)", ok, f"{ids[:10]}")

    follow(api1, m2, poet)  # m2 has never read its home: first read by pull from PostgreSQL
    ok, ids2, _ = poll_home(api2, m2, present=theirs, timeout=5)
    check("a user who never read their home sees the followed poet's statuses", ok, f"{ids2}")

    follow(api1, m, poet, undo=True)
    ok, ids, took = poll_home(api2, m, present=[mine, celeb_own], absent=theirs, timeout=5)
    check("after unfollowing, the poet's statuses leave m1's home (own and celebrity's stay)", ok,
          f"after {took:.2f}s left={sorted(set(theirs) & set(ids))} home={ids}")
    if redis_ports():
        key = f"home:{{{m.id}}}"
        ok, lists, _ = poll(lambda: ((lambda l: (not set(theirs) & set(ids_in(l[key])), l))(redis_lists([key])[0])), 5)
        check("...and leave m1's Redis home list", ok, f"{lists}")
    follow(api1, m, celeb, undo=True)
    ok, ids, _ = poll_home(api2, m, present=[mine], absent=[celeb_own], timeout=5)
    check("after unfollowing the celebrity, its statuses leave m1's home", ok, f"{ids}")
    after = post_status(api1, poet, "posted after m1 unfollowed")["id"]
    ok, ids, _ = poll_home(api2, m2, present=[after], timeout=5)
    check("a status posted after the unfollow still reaches the remaining follower", ok, f"{ids}")
    time.sleep(0.3)
    check("...but not m1", after not in home_ids(api2, m) and after not in home_ids(api1, m))
    rel = expect(get(f"{api2}/api/v1/accounts/relationships?id[]={poet.id}&id[]={celeb.id}", m.token), 200,
                 "relationships")
    check("relationships say m1 follows neither", len(rel) == 2 and all(not r["following"] for r in rel),
          json.dumps(rel))


def snapshot_homes(users):
    api2 = ENV["API2_URL"]
    return {name: home_ids(api2, u) for name, u in users.items()}


# ---------------------------------------------------------------------------
# Phase 2 scenarios
# ---------------------------------------------------------------------------


@scenario
def s_after_restart(users, before):
    section("restart: PostgreSQL kept, Redis empty, homes rebuilt from PostgreSQL")
    api1, api2 = ENV["API1_URL"], ENV["API2_URL"]
    if redis_ports():
        marks = [f"homeok:{{{u.id}}}" for u in users.values()]
        present = [k for port in redis_ports() for k, r in zip(marks, redis_pipeline(port, [["EXISTS", k] for k in marks]))
                   if r == 1]
        check("no home list is in Redis after the restart (so the first reads pull from PostgreSQL)", not present,
              f"{present}")
    for name, u in users.items():
        first = home_ids(api2, u)  # the list is missing: served by pull from PostgreSQL
        ok, second, _ = poll(lambda u=u: ((lambda ids: (ids == first, ids))(home_ids(api1, u))), 3)
        check(f"{name}: home after restart equals the home before it (first read, by pull)", first == before[name],
              f"before={before[name]}\nafter ={first}")
        check(f"{name}: second read (rebuilt Redis list, other node) equals the first", second == first,
              f"first={first}\nsecond={second}")


@scenario
def s4_kill_worker(app):
    section(f"4. fan-out to {N_FOLLOWERS} followers (chunks of 50) with worker 1 killed -9 mid fan-out")
    api1, api2 = ENV["API1_URL"], ENV["API2_URL"]
    big = app.register("big")
    t = time.monotonic()

    def make(i):
        u = app.register(f"fan{i:03d}")
        follow(api1, u, big)
        return u
    followers = parallel(make, range(N_FOLLOWERS))
    info(f"registered {N_FOLLOWERS} followers in {time.monotonic() - t:.1f}s")
    acc = lookup(api2, big)
    check(f"big author has {N_FOLLOWERS} followers", acc["followers_count"] == N_FOLLOWERS, f"{acc['followers_count']}")
    parallel(lambda u: home_ids(api2, u), followers)  # builds every follower's list
    if redis_ports():
        marks = [f"homeok:{{{u.id}}}" for u in followers]

        def built():
            n = 0
            for port in redis_ports():
                n += sum(1 for r in redis_pipeline(port, [["EXISTS", k] for k in marks]) if r == 1)
            return n >= len(marks), n
        ok, n, took = poll(built, 15, 0.2)
        check("every follower's Redis home list is built after one read", ok, f"{n}/{len(marks)} after {took:.1f}s")

    # Worker 2 is stopped so that worker 1 alone takes the fan-out: killed mid-way, it must
    # leave work behind that nobody is doing until a worker comes back.
    cluster("kill-worker", "2")
    load_env()
    w1 = ENV["WORKER1_URL"]
    pid = starling_pid("worker1")
    if not pid:
        raise AssertionError(f"WORKER1_PID={ENV.get('WORKER1_PID')} is not a running starling worker")
    w1_before = metric(w1, "starling_fanout_deliveries_total") or 0.0
    total = 5 * N_FOLLOWERS

    # Post 5 statuses at once; watch worker 1's delivery counter and SIGKILL it as soon as it
    # has delivered some chunks but not all of them. (The signal is sent here rather than by
    # `cluster kill-worker 1`, whose start-up takes longer than the whole fan-out; the script is
    # run right after to record the kill.)
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=5)
    futures = [pool.submit(lambda i=i: post_status(api1, big, f"big news #{i}")["id"]) for i in range(5)]
    t = time.monotonic()
    at_kill = None
    while time.monotonic() - t < 20:
        try:
            done_now = (metric(w1, "starling_fanout_deliveries_total") or 0.0) - w1_before
        except OSError:
            done_now = 0.0
        if 0 < done_now < total:
            os.kill(pid, 9)
            at_kill = done_now
            break
        if done_now >= total:
            os.kill(pid, 9)
            at_kill = done_now
            break
        time.sleep(0.002)
    else:
        os.kill(pid, 9)
    killed_after = time.monotonic() - t
    sids = [f.result() for f in futures]
    pool.shutdown()
    cluster("kill-worker", "1")  # records it (the process is gone already)
    load_env()
    check("worker 1 killed -9 mid fan-out (some chunks delivered, not all)",
          at_kill is not None and 0 < at_kill < total,
          f"worker 1 had delivered {at_kill}/{total} when killed {killed_after:.3f}s after the posts began")
    pg = outbox_rows()
    # No worker is running now: the homes show how far the fan-out had got.
    done = parallel(lambda u: len(set(sids) & set(home_ids(api2, u))), followers)
    full = sum(1 for d in done if d == 5)
    info(f"with no worker running: {full}/{len(followers)} followers have all 5 statuses "
         f"({sum(done)}/{total} deliveries){f'; outbox rows: {pg}' if pg is not None else ''}")
    # Deliveries made before the restarts, as the homes show them: the metric scraped just before
    # the kill misses whatever the worker delivered between that scrape and its death.
    delivered_before = sum(done)
    check("the kill left deliveries undone (nothing delivers while both workers are down)", sum(done) < total,
          f"{sum(done)}/{total} delivered")

    # Another worker first, then worker 1 itself.
    _, took = cluster("start-worker", "2")
    time.sleep(1.0)
    _, took1 = cluster("start-worker", "1")
    load_env()
    info(f"worker 2 restarted in {took:.1f}s, worker 1 one second later in {took1:.1f}s")
    w1, w2 = ENV["WORKER1_URL"], ENV["WORKER2_URL"]

    want = set(sids)

    def verify(base):
        def probe_one(u):
            ids = home_ids(base, u)
            counts = {s: ids.count(s) for s in sids}
            return u, counts, dupes(ids)

        def probe():
            bad = {}
            for u, counts, dup in parallel(probe_one, followers):
                if any(c != 1 for c in counts.values()) or dup:
                    bad[u.username] = {"counts": counts, "dupes": dup}
            return not bad, bad
        return poll(probe, 20, 0.5)

    for base in (api2, api1):
        ok, bad, took = verify(base)
        sample = dict(list(bad.items())[:3])
        check(f"every follower's home has all 5 statuses exactly once via {base_name(base)}", ok,
              f"{len(bad)} followers wrong after {took:.1f}s, e.g. {sample}")
    if redis_ports():
        keys = [f"home:{{{u.id}}}" for u in followers]
        lists, _ = redis_lists(keys)
        missing = [k for k in keys if not want <= set(ids_in(lists[k]))]
        check("every follower's Redis home list holds the 5 statuses (pushed, not pulled)", not missing,
              f"{len(missing)} lists miss some, e.g. {[(k, lists[k]) for k in missing[:3]]}")
        redundant = sum(len(ids_in(lists[k])) - len(set(ids_in(lists[k]))) for k in keys)
        info(f"duplicate ids inside the Redis home lists (redone chunks; readers dedupe): {redundant}")
        # Paging over a list that holds duplicates must not repeat or skip a status either.
        with_dupes = [u for u, k in zip(followers, keys) if dupes(ids_in(lists[k]))][:3] or followers[:3]
        for u in with_dupes:
            full = home_ids(api2, u)
            walked, max_id = [], None
            for _ in range(10):
                page = home_ids(api2, u, limit=2, **({"max_id": max_id} if max_id else {}))
                if not page:
                    break
                walked += page
                max_id = page[-1]
            check(f"{u.username}: pages of 2 walk the home once each (Redis list has "
                  f"{len(ids_in(lists[f'home:{{{u.id}}}'])) - len(set(ids_in(lists[f'home:{{{u.id}}}'])))} duplicates)",
                  walked == full and not dupes(walked), f"walked={walked} full={full}")

    def drained():
        depth = metric(w2, "starling_outbox_depth")
        return depth == 0, depth
    ok, depth, _ = poll(drained, 10, 0.3)
    check("worker /metrics: starling_outbox_depth back to 0", ok, f"depth={depth}")
    w2_after = metric(w2, "starling_fanout_deliveries_total") or 0.0
    w1_after = metric(w1, "starling_fanout_deliveries_total") or 0.0
    info(f"deliveries: worker 1 before the kill {at_kill}, after the restarts worker 2 {w2_after:.0f}, "
         f"worker 1 {w1_after:.0f}")
    check("worker /metrics: starling_fanout_deliveries_total shows the rest delivered after the kill",
          w1_after + w2_after > 0 and max(at_kill or 0, delivered_before) + w1_after + w2_after >= total,
          f"before kill {at_kill} (homes: {delivered_before}), worker2 {w2_after}, worker1 (restarted) {w1_after}, "
          f"want >= {total} in all")
    lag = (metric(w1, "starling_fanout_lag_seconds_count") or 0) + (metric(w2, "starling_fanout_lag_seconds_count") or 0)
    check("worker /metrics: starling_fanout_lag_seconds observed jobs", lag > 0, f"count={lag}")

    # A chunked delete reaches all followers as well.
    gone = delete(f"{api1}/api/v1/statuses/{sids[0]}", big.token)
    check("big author deletes one of the 5 -> 200", gone.status == 200, repr(gone))

    def vanished():
        left = [u.username for u, ids in zip(followers, parallel(lambda u: home_ids(api2, u), followers))
                if sids[0] in ids]
        return not left, left
    ok, left, took = poll(vanished, 15, 0.5)
    check(f"deleted status gone from all {N_FOLLOWERS} homes (chunked delete)", ok,
          f"still in {len(left)} homes after {took:.1f}s, e.g. {left[:5]}")
    if redis_ports():
        keys = [f"home:{{{u.id}}}" for u in followers]
        lists, _ = redis_lists(keys)
        still = [k for k in keys if sids[0] in ids_in(lists[k])]
        check("...and from all their Redis home lists", not still, f"{len(still)} lists, e.g. {still[:3]}")


def outbox_rows():
    """Diagnostics only: outbox row count via psql, if available."""
    psql = shutil.which("psql")
    if not psql or not ENV.get("DATABASE_URL"):
        return None
    try:
        out = subprocess.run([psql, ENV["DATABASE_URL"], "-XtAc", "SELECT count(*) FROM outbox"],
                             capture_output=True, text=True, timeout=5)
        return out.stdout.strip() if out.returncode == 0 else None
    except (OSError, subprocess.SubprocessError):
        return None


# ---------------------------------------------------------------------------


class SSEListener:
    """Reads a server-sent event stream on a thread; records when each update's status arrives."""

    def __init__(self, base, token, path="/api/v1/streaming/user"):
        import threading
        url = urllib.parse.urlparse(base)
        self.conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
        self.conn.request("GET", f"{path}?access_token={token}")
        self.response = self.conn.getresponse()
        self.status = self.response.status
        self.content_type = self.response.getheader("content-type")
        self.arrivals = {}      # status id -> monotonic arrival time
        self.events = []        # (event, payload) in order
        self.heartbeats = 0
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        event = None
        try:
            while True:
                line = self.response.readline()
                if not line:
                    return
                text = line.decode("utf-8").rstrip("\n")
                if text.startswith(":"):
                    self.heartbeats += 1
                elif text.startswith("event: "):
                    event = text[len("event: "):]
                elif text.startswith("data: ") and event:
                    payload = text[len("data: "):]
                    self.events.append((event, payload))
                    if event == "update":
                        self.arrivals.setdefault(json.loads(payload)["id"], time.monotonic())
                    event = None
        except Exception:  # noqa: BLE001 - the stream ends when the test closes it
            return

    def close(self):
        try:
            self.conn.sock.shutdown(socket.SHUT_RDWR)
        except Exception:  # noqa: BLE001
            pass
        self.conn.close()


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] if ordered else float("nan")


@scenario
def s8_streaming_latency(app, users):
    """Post through api1, receive through api2's streaming API: per-post latency from the 200 to the event."""
    section("streaming: post via api1, SSE via api2, latency from the post's 200 to the event")
    listener_user = app.register("listener")
    normal = app.register("streamsrc")
    follow(ENV["API1_URL"], listener_user, normal)
    follow(ENV["API1_URL"], listener_user, users["celeb"])   # celeb has >= 3 followers: pulled
    time.sleep(0.5)
    listener = SSEListener(ENV["API2_URL"], listener_user.token)
    check("SSE stream opens with 200 text/event-stream", listener.status == 200 and listener.content_type == "text/event-stream",
          f"{listener.status} {listener.content_type}")
    time.sleep(0.5)
    sent = {"normal": {}, "celebrity": {}}
    for i in range(20):
        for kind, author in (("normal", normal), ("celebrity", users["celeb"])):
            status = post_status(ENV["API1_URL"], author, f"stream latency probe {i} ({kind})")
            sent[kind][status["id"]] = time.monotonic()
        time.sleep(0.05)
    poll(lambda: (all(sid in listener.arrivals for k in sent for sid in sent[k]), None), 10)
    for kind in ("normal", "celebrity"):
        latencies = [(listener.arrivals[sid] - t) * 1000 for sid, t in sent[kind].items() if sid in listener.arrivals]
        check(f"every {kind} author's post reached the other node's stream", len(latencies) == len(sent[kind]),
              f"{len(latencies)}/{len(sent[kind])}")
        if latencies:
            info(f"streaming delivery latency, {kind} author: p50 {percentile(latencies, 50):.1f} ms, "
                 f"p99 {percentile(latencies, 99):.1f} ms, max {max(latencies):.1f} ms over {len(latencies)} posts")
    delete_target = next(iter(sent["normal"]))
    expect(delete(f"{ENV['API1_URL']}/api/v1/statuses/{delete_target}", normal.token), 200, "delete a streamed status")
    poll(lambda: (("delete", delete_target) in listener.events, None), 5)
    check("the delete reached the stream", ("delete", delete_target) in listener.events)
    unauth = get(ENV["API2_URL"] + "/api/v1/streaming/user")
    check("streaming without a token is 401", unauth.status == 401, repr(unauth))
    listener.close()


@scenario
def s9_conversation(app, users):
    """A conversation as a person carries it out, printed as a transcript."""
    section("a conversation, as people use it")
    ann, ben = app.register("ann"), app.register("ben")
    base1, base2 = ENV["API1_URL"], ENV["API2_URL"]
    follow(base1, ann, ben)
    follow(base1, ben, ann)
    first = post_status(base1, ann, "Anyone up for a walk by the #river this evening? 🌅")
    info(f"ann posts {first['id']}: {first['content']}")
    reply = expect(post(base2 + "/api/v1/statuses", ben.token, {
        "status": f"@{ann.username} yes! 6pm at the bridge?", "in_reply_to_id": first["id"]}), 200, "ben replies")
    info(f"ben replies {reply['id']} (in_reply_to_id {reply['in_reply_to_id']}): {reply['content']}")
    fav = expect(post(f"{base1}/api/v1/statuses/{reply['id']}/favourite", ann.token), 200, "ann favourites")
    info(f"ann favourites it: favourites_count={fav['favourites_count']} favourited={fav['favourited']}")
    boost = expect(post(f"{base2}/api/v1/statuses/{first['id']}/reblog", ben.token), 200, "ben reblogs")
    info(f"ben reblogs the walk: reblog {boost['id']} wraps {boost['reblog']['id']}, reblogs_count={boost['reblog']['reblogs_count']}")

    def notified():
        notes = get(base1 + "/api/v1/notifications", ann.token).json or []
        kinds = sorted({n["type"] for n in notes})
        return kinds == ["follow", "mention", "reblog"], notes
    ok, notes, _ = poll(notified, 5)
    check("ann is notified of the follow, the mention and the reblog", ok, str([n.get("type") for n in notes or []]))
    for note in notes or []:
        info(f"ann's notification: {note['type']} from {note['account']['acct']}"
             + (f" on {note['status']['id']}" if note.get("status") else ""))
    context = expect(get(f"{base2}/api/v1/statuses/{first['id']}/context"), 200, "thread")
    check("the thread holds ben's reply", [s["id"] for s in context["descendants"]] == [reply["id"]], str(context))
    tagged = expect(get(base2 + "/api/v1/timelines/tag/river"), 200, "tag timeline")
    check("#river finds the walk", first["id"] in [s["id"] for s in tagged], "")
    info(f"GET /api/v1/timelines/tag/river -> {[s['id'] for s in tagged][:3]}")
    after = expect(get(f"{base1}/api/v1/statuses/{first['id']}", ann.token), 200, "re-read")
    check("counters: replies_count 1, reblogs_count 1", after["replies_count"] == 1 and after["reblogs_count"] == 1,
          f"{after['replies_count']} {after['reblogs_count']}")


def main():
    load_env()
    global NODES
    NODES = [("api1", ENV["API1_URL"]), ("api2", ENV["API2_URL"]), ("worker1", ENV["WORKER1_URL"]),
             ("worker2", ENV["WORKER2_URL"]), ("haproxy", ENV["STARLING_URL"])]
    print(f"Starling e2e: cluster {ENV['STARLING_URL']} (data {CLUSTER_DIR}), run id {RUN}", flush=True)

    s1_instance_and_ops()

    section("registering users")
    app = App(ENV["API1_URL"])
    names = ["author", "f1", "f2", "n2", "celeb", "g1", "g2", "g3", "bad", "poet", "m1", "m2"]
    users = dict(zip(names, parallel(app.register, names)))
    check(f"registered {len(users)} users with distinct ids", len({u.id for u in users.values()}) == len(users),
          ", ".join(repr(u) for u in users.values()))

    normal_sid = s2_fanout(app, users)
    celeb_sid = s3_celebrity(app, users, normal_sid)
    s5_delete(app, users, celeb_sid)
    s6_bad_input(app, users)
    s7_follow_merge(app, users)
    s8_streaming_latency(app, users)
    s9_conversation(app, users)
    before = snapshot_homes(users)

    section("phase 2: restart with STARLING_CELEBRITY_THRESHOLD=100000 on the same data folder")
    try:
        line, took = restart_cluster(100000)
        ok = line.startswith("Starling is up: http")
        check("cluster restarted", ok, f"{line!r} in {took:.1f}s")
        NODES = [("api1", ENV["API1_URL"]), ("api2", ENV["API2_URL"]), ("worker1", ENV["WORKER1_URL"]),
                 ("worker2", ENV["WORKER2_URL"]), ("haproxy", ENV["STARLING_URL"])]
    except Exception as error:  # noqa: BLE001
        check("cluster restarted", False, str(error))
        ok = False
    if ok:
        s_after_restart(users, before)
        app2 = App(ENV["API1_URL"])
        s4_kill_worker(app2)

    return e2elib.summary()


if __name__ == "__main__":
    sys.exit(main())
