#!/usr/bin/env python3
"""Fault tests of a running multi-node Starling cluster, each under load.

Started by tests/faults/run_faults.sh once `cluster/starling-cluster start` is up (fan-out chunks
of 20, rate limits off). One cluster serves every scenario; each one restores it (every node up,
outbox drained) before the next. Scenarios, in order:

  worker-kill-restart     worker 2 stopped, worker 1 killed -9 mid fan-out of a 150-follower
                          author, then worker 1 restarted (it redoes the chunks once their lease
                          ends)
  worker-kill-no-restart  worker 1 killed -9 mid fan-out (worker 2 paused meanwhile, so that worker 1
                          holds the chunks); worker 2 resumes and finishes alone
  redis-shard-kill        Redis shard 2 killed -9, restarted empty (no persistence) 3 s later,
                          under posting and home reads: homes are rebuilt from PostgreSQL
  postgres-kill           PostgreSQL (postmaster and backends) killed -9 under posting, restarted
                          4 s later (crash recovery)
  api-kill                API node 1 killed -9 behind HAProxy under reads and posts, restarted 5 s
                          later
  shutdown                SIGTERM to a worker and an API node with PostgreSQL up (right after its
                          restart), down (killed) and frozen (SIGSTOP: connections open, nothing
                          answers); each must exit within SHUTDOWN_LIMIT seconds

Load, through HAProxy: FAULTS_POST_RATE posts/s (default 20) by 6 authors, each followed by 30
"fans", and FAULTS_READ_RATE home reads/s (default 20) of those fans. Every request has a 10 s
client timeout, and one that runs out is a hang: the scenario fails.

Each scenario checks, after recovery:
  - every acknowledged post (a 200 with an id) is in the home of every follower of its author
    exactly once, read through the API (all pages down to the scenario's first post): 0 lost,
    0 duplicated;
  - no request hung, and no 500 (or other 5xx than 503, and 502 where a node died mid-request);
    every status seen is counted and printed;
  - what the scenario itself needs (the kill hit mid fan-out, a handful of errors at most for a
    killed API node, exit times).

Prints one `RESULT name: ok|FAILED — …` line per scenario (also appended to $FAULTS_RESULTS, one
line each, for scripts/test's summary) and ends with `N passed, M failed`; exits 1 on failure.
"""

import collections
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
import e2e  # noqa: E402 - the end-to-end test's client helpers (App, follow, metric, ...)
import e2elib  # noqa: E402
from e2elib import ENV, check, info, load_env, poll, section  # noqa: E402

POST_RATE = float(os.environ.get("FAULTS_POST_RATE", "20"))
READ_RATE = float(os.environ.get("FAULTS_READ_RATE", "20"))
CLIENT_TIMEOUT = 10.0
SHUTDOWN_LIMIT = float(os.environ.get("FAULTS_SHUTDOWN_LIMIT", "10"))
N_AUTHORS = 6
N_FANS = 30          # follow every author (and the big one)
N_BIG_ONLY = 120     # follow only the big author
BIG_POSTS = 4        # posted at once by the big author in the worker scenarios
RESULTS_FILE = os.environ.get("FAULTS_RESULTS")
RESULTS = []


def cluster(*args, timeout=120):
    proc, took = e2e.cluster(*args, timeout=timeout)
    load_env()
    return took


# ---------------------------------------------------------------------------
# Load: posters and readers on threads, one fresh connection per request (a request refused by a
# dead keep-alive connection would be an error of the client's, not the server's)
# ---------------------------------------------------------------------------


def call(method, url, token, form=None):
    """One request; returns (outcome, body): outcome is the status as a string, or `timeout`
    (no answer within CLIENT_TIMEOUT: a hang), `refused`, `closed` (reset or closed without an
    answer), `error:<type>`."""
    parts = urllib.parse.urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json", "Connection": "close"}
    body = None
    if form is not None:
        body = urllib.parse.urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=CLIENT_TIMEOUT)
    try:
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        outcome = str(resp.status)
        if resp.status == 503 and not resp.getheader("Retry-After"):
            outcome = "503-no-retry-after"
        return outcome, data
    except (socket.timeout, TimeoutError):
        return "timeout", None
    except ConnectionRefusedError:
        return "refused", None
    except (ConnectionResetError, BrokenPipeError, http.client.RemoteDisconnected, http.client.IncompleteRead):
        return "closed", None
    except OSError as error:
        return f"error:{type(error).__name__}", None
    finally:
        conn.close()


class Load:
    """Posts by `authors` and home reads of `readers` at fixed rates until stopped."""

    def __init__(self, base, authors, readers, post_rate=POST_RATE, read_rate=READ_RATE, posters=8, read_threads=4):
        self.base = base
        self.authors = authors
        self.readers = readers
        self.stop_event = threading.Event()
        self.lock = threading.Lock()
        self.outcomes = {"post": collections.Counter(), "read": collections.Counter()}
        self.acked = collections.defaultdict(list)     # author index -> [status id]
        self.max_latency = 0.0
        self.threads = []
        self.seq = 0
        for i in range(posters if post_rate > 0 else 0):
            self.threads.append(threading.Thread(target=self._loop, args=(self._post, posters / post_rate, i), daemon=True))
        for i in range(read_threads if read_rate > 0 else 0):
            self.threads.append(threading.Thread(target=self._loop, args=(self._read, read_threads / read_rate, i), daemon=True))

    def start(self):
        self.started = time.monotonic()
        for t in self.threads:
            t.start()
        return self

    def stop(self):
        self.stop_event.set()
        for t in self.threads:
            t.join(CLIENT_TIMEOUT + 5)
        self.seconds = time.monotonic() - self.started
        return self

    def _loop(self, op, interval, i):
        rng = random.Random(i)
        due = time.monotonic() + rng.random() * interval
        while not self.stop_event.is_set():
            wait = due - time.monotonic()
            if wait > 0 and self.stop_event.wait(wait):
                return
            due = max(due + interval, time.monotonic())  # no catch-up burst after a slow answer
            op(rng)

    def _record(self, kind, outcome, took):
        with self.lock:
            self.outcomes[kind][outcome] += 1
            self.max_latency = max(self.max_latency, took)

    def _post(self, rng):
        with self.lock:
            self.seq += 1
            seq = self.seq
        a = seq % len(self.authors)
        t = time.monotonic()
        outcome, body = call("POST", f"{self.base}/api/v1/statuses", self.authors[a].token, {"status": f"fault load {seq}"})
        self._record("post", outcome, time.monotonic() - t)
        if outcome == "200":
            sid = json.loads(body)["id"]
            with self.lock:
                self.acked[a].append(sid)

    def _read(self, rng):
        reader = rng.choice(self.readers)
        t = time.monotonic()
        outcome, _ = call("GET", f"{self.base}/api/v1/timelines/home?limit=20", reader.token)
        self._record("read", outcome, time.monotonic() - t)

    def describe(self):
        posts = sum(self.outcomes["post"].values())
        reads = sum(self.outcomes["read"].values())
        return (f"{posts / self.seconds:.0f} posts/s + {reads / self.seconds:.0f} reads/s for {self.seconds:.0f}s "
                f"({posts} posts, {sum(len(v) for v in self.acked.values())} acknowledged; {reads} reads)")

    def errors(self):
        """{kind: {outcome: count}} of everything but 2xx."""
        return {kind: {o: n for o, n in sorted(c.items()) if not o.startswith("2")} for kind, c in self.outcomes.items()}


def compact(load, errors, lost, dup):
    """The summary's short form: load, errors, lost and duplicated."""
    acked = sum(len(v) for v in load.acked.values())
    posts = sum(load.outcomes["post"].values())
    return (f"{acked}/{posts} posts acknowledged at {posts / load.seconds:.0f}/s; errors: {error_text(errors)}; "
            f"lost {lost}, duplicated {dup}")


def error_text(errors):
    parts = [f"{kind} {', '.join(f'{o}×{n}' for o, n in c.items())}" for kind, c in errors.items() if c]
    return "; ".join(parts) if parts else "none"


def check_errors(name, load, allowed, max_errors=None):
    """No hang; only `allowed` outcomes among the errors; at most `max_errors` of them."""
    errors = load.errors()
    everything = collections.Counter()
    for c in errors.values():
        everything.update(c)
    check(f"{name}: no request hung (client timeout {CLIENT_TIMEOUT:.0f} s; slowest answer {load.max_latency:.2f}s)",
          everything["timeout"] == 0, error_text(errors))
    bad = {o: n for o, n in everything.items() if o != "timeout" and o not in allowed}
    check(f"{name}: errors only of the expected kinds ({', '.join(sorted(allowed)) or 'none'})", not bad,
          f"unexpected: {bad}; all: {error_text(errors)}")
    if max_errors is not None:
        total = sum(everything.values())
        check(f"{name}: at most {max_errors} errors", total <= max_errors, f"{total}: {error_text(errors)}")
    return errors


# ---------------------------------------------------------------------------
# Verification: every acknowledged post in every follower's home exactly once, through the API
# ---------------------------------------------------------------------------


def walk_home(user, lowest):
    """Every status id of the user's home down to id `lowest` (inclusive), newest first, page by page."""
    ids, max_id = [], None
    base = ENV["STARLING_URL"]
    for _ in range(200):
        query = {"limit": 40, **({"max_id": max_id} if max_id else {})}
        resp = e2e.get(f"{base}/api/v1/timelines/home?{urllib.parse.urlencode(query)}", user.token)
        if resp.status != 200 or not isinstance(resp.json, list):
            raise AssertionError(f"home of {user}: {resp!r}")
        page = [s["id"] for s in resp.json]
        if not page:
            break
        ids += page
        max_id = page[-1]
        if int(page[-1]) <= lowest:
            break
    return [i for i in ids if int(i) >= lowest]


def verify(name, expected, timeout=60):
    """expected: {user: set of status ids}. Polls until each user's home holds each id exactly once
    (and no id twice); returns (lost, duplicated, seconds)."""
    pending = {u: want for u, want in expected.items() if want}
    state = {"lost": {}, "dup": {}}

    def probe():
        def one(item):
            user, want = item
            ids = walk_home(user, min(int(i) for i in want))
            counts = collections.Counter(ids)
            return user, sorted(want - set(ids)), sorted(i for i, n in counts.items() if n > 1)
        for user, lost, dup in e2e.parallel(one, list(pending.items()), threads=8):
            state["lost"][user], state["dup"][user] = lost, dup
            if not lost and not dup:
                del pending[user]
        return not pending, None
    ok, _, took = poll(probe, timeout, 1.0)
    lost = sum(len(state["lost"].get(u, ())) for u in expected)
    dup = sum(len(state["dup"].get(u, ())) for u in expected)
    pairs = sum(len(w) for w in expected.values())
    detail = ""
    if not ok:
        # Where a lost post is: still in PostgreSQL (GET 200: a home missed it) or gone (404: an
        # acknowledged write did not survive).
        missing = sorted({i for u in pending for i in state["lost"][u]})
        fates = {i: e2e.get(f"{ENV['STARLING_URL']}/api/v1/statuses/{i}", graph_token()).status for i in missing[:5]}
        detail = (f"; {len(pending)} homes wrong, e.g. {[(repr(u), state['lost'][u][:3], state['dup'][u][:3]) for u in pending][:3]}; "
                  f"{len(missing)} distinct posts missing, GET /api/v1/statuses/ID of some: {fates}; "
                  f"their outbox rows: {outbox_rows(missing)}")
    check(f"{name}: every acknowledged post in every follower's home exactly once "
          f"({pairs} post×home pairs over {len(expected)} homes)",
          ok and lost == 0 and dup == 0, f"lost {lost}, duplicated {dup} after {took:.1f}s{detail}")
    return lost, dup, took


GRAPH = {}


def graph_token():
    return GRAPH["fans"][0].token


def expected_homes(graph, load, extra=()):
    """{user: ids} from the load's acknowledged posts (author index -> followers: the fans) plus
    `extra` (iterable of (ids, followers))."""
    want = collections.defaultdict(set)
    for ids in load.acked.values():
        for fan in graph["fans"]:
            want[fan].update(ids)
    for ids, followers in extra:
        for f in followers:
            want[f].update(ids)
    return want


def result(name, ok, text, compact, seconds):
    """Prints the scenario's result line; appends a compact one to $FAULTS_RESULTS (scripts/test's summary)."""
    verdict = "ok" if ok else "FAILED"
    line = f"{name}: {verdict} — {text} ({seconds:.0f}s)"
    RESULTS.append(line)
    print(f"\nRESULT {line}", flush=True)
    if RESULTS_FILE:
        with open(RESULTS_FILE, "a", encoding="utf-8") as f:
            f.write(f"{name}: {verdict} ({seconds:.0f}s) — {compact}\n")


def scenario(name):
    """Runs a scenario function as one result line: ok when it raised nothing and none of its
    checks failed."""
    def wrap(fn):
        def run(graph):
            failed_before = e2elib.FAILED
            t = time.monotonic()
            try:
                text, compact = fn(graph)
            except Exception as error:  # noqa: BLE001 - reported as a failed check
                import traceback
                check(f"{name} ran without an unexpected error", False,
                      f"{type(error).__name__}: {error}\n{traceback.format_exc()}")
                text = compact = f"error: {type(error).__name__}: {error}"
            ok = e2elib.FAILED == failed_before
            result(name, ok, text, compact, time.monotonic() - t)
            try:
                restore()
            except Exception as error:  # noqa: BLE001
                check(f"cluster restored after {name}", False, f"{type(error).__name__}: {error}")
        return run
    return wrap


# ---------------------------------------------------------------------------
# Cluster state
# ---------------------------------------------------------------------------


def node_pid(name):
    return e2e.starling_pid(name)


def outbox_depth():
    for i in (1, 2):
        url = ENV.get(f"WORKER{i}_URL")
        if url and node_pid(f"worker{i}"):
            try:
                return e2e.metric(url, "starling_outbox_depth")
            except OSError:
                continue
    return None


def restore():
    """Every node running and ready, the outbox drained: the next scenario starts clean."""
    load_env()
    for i in (1, 2, 3):
        if not redis_up(i):
            cluster("redis-start-node", str(i))
    for kind in ("api", "worker"):
        for i in (1, 2):
            if not node_pid(f"{kind}{i}"):
                cluster(f"start-{kind}", str(i))

    def ready():
        bad = [n for n in ("API1_URL", "API2_URL", "WORKER1_URL", "WORKER2_URL")
               if e2e.get(ENV[n] + "/ready").status != 200]
        return not bad, bad
    ok, bad, _ = poll(ready, 30, 0.2)
    if not ok:
        raise AssertionError(f"not ready: {bad}")
    ok, depth, _ = poll(lambda: ((lambda d: (d == 0, d))(outbox_depth())), 60, 0.3)
    if not ok:
        raise AssertionError(f"outbox not drained: depth {depth}")


def redis_up(i):
    try:
        return e2elib.resp_pipeline(int(ENV[f"REDIS{i}_PORT"]), [["PING"]], timeout=1) == ["PONG"]
    except OSError:
        return False


def redis_heads(users, n=8):
    """{user: the first n ids of their Redis home list} (over every shard)."""
    keys = [f"home:{{{u.id}}}" for u in users]
    heads = {u: [] for u in users}
    for port in e2e.redis_ports():
        try:
            replies = e2elib.resp_pipeline(port, [["LRANGE", k, 0, n - 1] for k in keys], timeout=2)
        except OSError:
            continue
        for u, reply in zip(users, replies):
            if isinstance(reply, list):
                heads[u] += reply
    return heads


def exit_time(pids, limit=SHUTDOWN_LIMIT):
    """SIGTERMs every pid at once; returns {pid: seconds to exit, or None if still running after `limit`}."""
    t = time.monotonic()
    for pid in pids:
        os.kill(pid, signal.SIGTERM)
    took = {}
    while time.monotonic() - t < limit and len(took) < len(pids):
        for pid in pids:
            if pid not in took and not e2e.pid_alive(pid):
                took[pid] = time.monotonic() - t
        time.sleep(0.05)
    return {pid: took.get(pid) for pid in pids}


# ---------------------------------------------------------------------------
# Scenarios
# ---------------------------------------------------------------------------


def big_fanout_kill(graph, load, name):
    """The big author posts BIG_POSTS statuses at once; worker 1 is killed -9 as soon as some of
    their deliveries are in the followers' Redis lists but not all. Returns (ids, delivered at
    the kill)."""
    big, watch = graph["big"], graph["big_only"]
    pid = node_pid("worker1")
    if not pid:
        raise AssertionError("worker 1 is not running")
    total = BIG_POSTS * len(watch)
    threads, ids = [], []

    def post_big(i):
        outcome, body = call("POST", f"{ENV['STARLING_URL']}/api/v1/statuses", big.token, {"status": f"big news {name} {i}"})
        if outcome != "200":
            raise AssertionError(f"big post: {outcome} {body!r}")
        ids.append(json.loads(body)["id"])
    for i in range(BIG_POSTS):
        threads.append(threading.Thread(target=post_big, args=(i,)))
        threads[-1].start()
    at_kill = None
    t = time.monotonic()
    while time.monotonic() - t < 20:
        posted = list(ids)
        done = sum(1 for head in redis_heads(watch).values() for i in posted if i in head) if posted else 0
        if done > 0:
            os.kill(pid, signal.SIGKILL)
            at_kill = done
            break
        time.sleep(0.002)
    for th in threads:
        th.join()
    # Rows of the big posts that a worker had leased and not finished: only worker 1 was running
    # when they were written, so they are the dead worker's, redone once their lease ends.
    leased = big_rows_leased(ids)
    cluster("kill-worker", "1")  # records the kill (the process is gone already)
    check(f"{name}: worker 1 killed -9 mid fan-out (some of the big author's deliveries made, not all; "
          f"outbox rows of the big posts left leased by it)",
          at_kill is not None and len(ids) == BIG_POSTS and at_kill < total and leased > 0,
          f"{at_kill}/{total} deliveries in the Redis lists at the kill, {time.monotonic() - t:.3f}s after the posts "
          f"began; {leased} rows leased")
    return ids, at_kill, total, leased


def outbox_rows(ids):
    """For a failure's detail: what the outbox still holds for these statuses (kind, attempts, seconds
    until available, last error), so a late delivery can be told from a lost one."""
    if not ids:
        return []
    sql = (f"SELECT kind, attempts, round(extract(epoch FROM available_at - now())::numeric, 1), "
           f"left(coalesce(last_error, ''), 120) FROM outbox WHERE status_id IN ({','.join(str(int(i)) for i in ids)}) "
           f"ORDER BY id LIMIT 10")
    out = subprocess.run(["psql", ENV["DATABASE_URL"], "-XtAc", sql], capture_output=True, text=True, timeout=10,
                         env={**os.environ, "PGCONNECT_TIMEOUT": "5"}, check=False)
    return out.stdout.strip().splitlines() if out.returncode == 0 else f"psql: {out.stderr.strip()}"


def big_rows_leased(ids):
    """Outbox rows of these statuses leased by a worker (attempted, lease not over), via psql."""
    if not ids:
        return 0
    sql = (f"SELECT count(*) FROM outbox WHERE status_id IN ({','.join(str(int(i)) for i in ids)}) "
           f"AND attempts > 0 AND available_at > now()")
    out = subprocess.run(["psql", ENV["DATABASE_URL"], "-XtAc", sql], capture_output=True, text=True, timeout=10,
                         env={**os.environ, "PGCONNECT_TIMEOUT": "5"}, check=False)
    if out.returncode != 0:
        raise AssertionError(f"psql: {out.stderr.strip()}")
    return int(out.stdout.strip())


@scenario("worker-kill-restart")
def s_worker_kill_restart(graph):
    section("worker 1 killed -9 mid fan-out (worker 2 stopped), then restarted")
    load = Load(ENV["STARLING_URL"], graph["authors"], graph["fans"]).start()
    time.sleep(2)
    cluster("kill-worker", "2")
    ids, at_kill, total, leased = big_fanout_kill(graph, load, "worker-kill-restart")
    time.sleep(1)
    left = sum(1 for head in redis_heads(graph["big_only"]).values() for i in ids if i in head)
    check("worker-kill-restart: with no worker running, the kill left deliveries undone", left < total,
          f"{left}/{total} delivered")
    took = cluster("start-worker", "1")
    t = time.monotonic()
    ok, done, _ = poll(lambda: ((lambda d: (d >= total, d))(
        sum(1 for head in redis_heads(graph["big_only"]).values() for i in ids if i in head))), 30, 0.2)
    recovered = time.monotonic() - t
    check("worker-kill-restart: the restarted worker delivers the rest (after the dead worker's lease)", ok,
          f"{done}/{total} after {recovered:.1f}s")
    time.sleep(1)
    load.stop()
    errors = check_errors("worker-kill-restart", load, allowed=set())
    lost, dup, vt = verify("worker-kill-restart", expected_homes(graph, load, [(set(ids), graph["big_followers"])]))
    return (f"killed worker 1 (-9) at {at_kill}/{total} big deliveries holding {leased} leased rows, worker 2 stopped; "
            f"worker 1 restarted in "
            f"{took:.1f}s, rest delivered {recovered:.1f}s later; load {load.describe()}; errors: {error_text(errors)}; "
            f"lost {lost}, duplicated {dup} (verified in {vt:.1f}s)"), compact(load, errors, lost, dup)


@scenario("worker-kill-no-restart")
def s_worker_kill_no_restart(graph):
    section("worker 1 killed -9 mid fan-out, not restarted: worker 2 finishes")
    load = Load(ENV["STARLING_URL"], graph["authors"], graph["fans"]).start()
    time.sleep(2)
    # Worker 2 is paused (SIGSTOP) while the big author posts, so that worker 1 leases the fan-out
    # chunks and dies holding some (with both running, worker 2 may take them all and the kill
    # would leave nothing to redo); it resumes right after the kill and must finish alone.
    w2 = node_pid("worker2")
    if not w2:
        raise AssertionError("worker 2 is not running")
    os.kill(w2, signal.SIGSTOP)
    try:
        ids, at_kill, total, leased = big_fanout_kill(graph, load, "worker-kill-no-restart")
    finally:
        os.kill(w2, signal.SIGCONT)
    t = time.monotonic()
    ok, done, _ = poll(lambda: ((lambda d: (d >= total, d))(
        sum(1 for head in redis_heads(graph["big_only"]).values() for i in ids if i in head))), 30, 0.2)
    recovered = time.monotonic() - t
    check("worker-kill-no-restart: worker 2 alone delivers the rest", ok and node_pid("worker1") is None,
          f"{done}/{total} after {recovered:.1f}s")
    time.sleep(1)
    load.stop()
    errors = check_errors("worker-kill-no-restart", load, allowed=set())
    lost, dup, vt = verify("worker-kill-no-restart", expected_homes(graph, load, [(set(ids), graph["big_followers"])]))
    return (f"killed worker 1 (-9) at {at_kill}/{total} big deliveries holding {leased} leased rows, worker 2 paused "
            f"meanwhile; worker 2 delivered the rest {recovered:.1f}s later; "
            f"load {load.describe()}; errors: {error_text(errors)}; lost {lost}, duplicated {dup} (verified in {vt:.1f}s)"), compact(load, errors, lost, dup)


@scenario("redis-shard-kill")
def s_redis_shard_kill(graph):
    section("Redis shard 2 killed -9 and restarted empty under posting and reading")
    port, pid = int(ENV["REDIS2_PORT"]), int(ENV["REDIS2_PID"])
    before = e2elib.resp_pipeline(port, [["DBSIZE"]])[0]
    load = Load(ENV["STARLING_URL"], graph["authors"], graph["fans"]).start()
    time.sleep(3)
    os.kill(pid, signal.SIGKILL)
    down_at = time.monotonic()
    time.sleep(3)
    cluster("redis-start-node", "2")
    after = e2elib.resp_pipeline(port, [["DBSIZE"]])[0]
    down = time.monotonic() - down_at
    check("redis-shard-kill: the shard came back empty", after < before,
          f"{before} keys before the kill, {after} right after the restart")
    time.sleep(6)
    load.stop()
    errors = check_errors("redis-shard-kill", load, allowed={"503"})
    lost, dup, vt = verify("redis-shard-kill", expected_homes(graph, load))
    return (f"killed Redis shard 2 (-9, {before} keys), restarted empty after {down:.1f}s; load {load.describe()}; "
            f"errors: {error_text(errors)}; lost {lost}, duplicated {dup} (homes rebuilt, verified in {vt:.1f}s)"), compact(load, errors, lost, dup)


@scenario("postgres-kill")
def s_postgres_kill(graph):
    section("PostgreSQL killed -9 under posting, restarted 4 s later")
    load = Load(ENV["STARLING_URL"], graph["authors"], graph["fans"]).start()
    time.sleep(3)
    cluster("kill-postgres")
    down_at = time.monotonic()
    time.sleep(4)
    cluster("start-postgres")
    down = time.monotonic() - down_at
    ok, _, back = poll(lambda: (e2e.get(ENV["API1_URL"] + "/ready").status == 200
                                and e2e.get(ENV["API2_URL"] + "/ready").status == 200, None), 30, 0.2)
    check("postgres-kill: both API nodes ready again after the restart", ok, f"{back:.1f}s after the restart")
    t_acked = sum(len(v) for v in load.acked.values())
    ok, n, _ = poll(lambda: ((lambda n: (n > t_acked + POST_RATE, n))(sum(len(v) for v in load.acked.values()))), 20, 0.2)
    check("postgres-kill: posts are acknowledged again after the restart", ok, f"{n - t_acked} since the restart")
    time.sleep(3)
    load.stop()
    errors = check_errors("postgres-kill", load, allowed={"503"})
    failed = sum(n for o, n in load.outcomes["post"].items() if o != "200")
    lost, dup, vt = verify("postgres-kill", expected_homes(graph, load))
    return (f"killed PostgreSQL (-9, postmaster and backends), restarted after {down:.1f}s, nodes ready {back:.1f}s later; "
            f"load {load.describe()}; {failed} posts answered with an error, none hung; errors: {error_text(errors)}; "
            f"lost {lost} of the acknowledged, duplicated {dup} (verified in {vt:.1f}s)"), compact(load, errors, lost, dup)


@scenario("api-kill")
def s_api_kill(graph):
    section("API node 1 killed -9 behind HAProxy under reads and posts")
    load = Load(ENV["STARLING_URL"], graph["authors"], graph["fans"]).start()
    time.sleep(3)
    cluster("kill-api", "1")
    time.sleep(5)
    took = cluster("start-api", "1")
    time.sleep(4)
    load.stop()
    # A request in flight on the killed node is answered 502 by HAProxy (it cannot know whether a
    # post was applied, so it does not retry it); new requests go to the other node at once
    # (redispatch) and to none of them once HAProxy's checks mark it down.
    errors = check_errors("api-kill", load, allowed={"502", "503"}, max_errors=10)
    lost, dup, vt = verify("api-kill", expected_homes(graph, load))
    return (f"killed api1 (-9), restarted 5 s later (ready in {took:.1f}s); load {load.describe()}; "
            f"errors: {error_text(errors)}; lost {lost}, duplicated {dup} (verified in {vt:.1f}s)"), compact(load, errors, lost, dup)


@scenario("shutdown")
def s_shutdown(graph):
    section(f"SIGTERM: a worker and an API node exit within {SHUTDOWN_LIMIT:.0f} s, PostgreSQL up, down and frozen")
    load = Load(ENV["STARLING_URL"], graph["authors"], graph["fans"]).start()
    time.sleep(2)
    figures = []

    def term(state, i):
        pids = {name: node_pid(name) for name in (f"worker{i}", f"api{i}")}
        if not all(pids.values()):
            raise AssertionError(f"not running: {pids}")
        took = exit_time(list(pids.values()))
        for name, pid in pids.items():
            check(f"shutdown: {name} exits within {SHUTDOWN_LIMIT:.0f} s of SIGTERM, PostgreSQL {state}",
                  took[pid] is not None, f"{'%.1fs' % took[pid] if took[pid] is not None else 'still running'}")
            if took[pid] is None:
                os.kill(pid, signal.SIGKILL)
        figures.append(f"PostgreSQL {state}: " + ", ".join(
            f"{name} {'%.1fs' % took[p] if took[p] is not None else f'>{SHUTDOWN_LIMIT:.0f}s'}" for name, p in pids.items()))
        cluster("kill-worker", str(i))  # records the exits (the processes are gone)
        cluster("kill-api", str(i))

    # Up, right after the PostgreSQL restart of the previous scenario, with posts in flight.
    term("up (after its restart)", 1)
    cluster("start-worker", "1")
    cluster("start-api", "1")
    # Down: connections refused.
    cluster("kill-postgres")
    time.sleep(1)
    term("down (killed)", 2)
    cluster("start-postgres")
    cluster("start-worker", "2")
    cluster("start-api", "2")
    # Frozen: every PostgreSQL process stopped, so connections stay open and nothing answers (a
    # hung server, or a network partition without resets).
    pg_pid = int(open(os.path.join(ENV["PG_DIR"], "data", "postmaster.pid"), encoding="utf-8").readline())
    children = subprocess.run(["pgrep", "-P", str(pg_pid)], capture_output=True, text=True, check=False).stdout
    frozen = [pg_pid] + [int(p) for p in children.split()]
    time.sleep(1)
    for p in frozen:
        os.kill(p, signal.SIGSTOP)
    try:
        time.sleep(1)
        term("frozen (SIGSTOP)", 1)
    finally:
        for p in frozen:
            try:
                os.kill(p, signal.SIGCONT)
            except ProcessLookupError:
                pass
    cluster("start-worker", "1")
    cluster("start-api", "1")
    time.sleep(2)
    load.stop()
    # SIGTERMed API nodes finish their requests; while PostgreSQL is down or frozen those answer 503
    # (after the 5 s query deadline when frozen); HAProxy answers 502/503 for a request caught by a
    # node's exit.
    errors = check_errors("shutdown", load, allowed={"502", "503"})
    # Outbox rows that failed during the outages wait out their retry backoff (up to a minute):
    # allow that, so a late delivery is not counted as a loss.
    lost, dup, vt = verify("shutdown", expected_homes(graph, load), timeout=120)
    return (f"SIGTERM exit times: {'; '.join(figures)}; load {load.describe()}; errors: {error_text(errors)}; "
            f"lost {lost}, duplicated {dup}"), f"exit {'; '.join(figures)}; " + compact(load, errors, lost, dup)


# ---------------------------------------------------------------------------


def setup():
    section("users and follows")
    base = ENV["STARLING_URL"]
    t = time.monotonic()
    app = e2e.App(base)
    authors = e2e.parallel(lambda i: app.register(f"fa{i}"), range(N_AUTHORS))
    big = app.register("fbig")
    fans = e2e.parallel(lambda i: app.register(f"ff{i:03d}"), range(N_FANS))
    big_only = e2e.parallel(lambda i: app.register(f"fb{i:03d}"), range(N_BIG_ONLY))
    pairs = [(f, a) for f in fans for a in authors] + [(f, big) for f in fans + big_only]
    e2e.parallel(lambda p: e2e.follow(base, p[0], p[1]), pairs)
    # One read each builds every follower's Redis home list, so fan-out pushes into it.
    e2e.parallel(lambda u: e2e.home_ids(base, u), fans + big_only)
    info(f"{N_AUTHORS} authors followed by {N_FANS} fans; a big author followed by {N_FANS + N_BIG_ONLY}: "
         f"{len(pairs)} follows in {time.monotonic() - t:.1f}s")
    return {"authors": authors, "big": big, "fans": fans, "big_only": big_only, "big_followers": fans + big_only}


def main():
    load_env()
    print(f"Starling fault tests: cluster {ENV['STARLING_URL']} (data {e2elib.CLUSTER_DIR}); "
          f"load {POST_RATE:.0f} posts/s + {READ_RATE:.0f} reads/s", flush=True)
    graph = setup()
    GRAPH.update(graph)
    only = set(filter(None, os.environ.get("FAULTS_ONLY", "").split(",")))
    for name, fn in (("worker-kill-restart", s_worker_kill_restart), ("worker-kill-no-restart", s_worker_kill_no_restart),
                     ("redis-shard-kill", s_redis_shard_kill), ("postgres-kill", s_postgres_kill),
                     ("api-kill", s_api_kill), ("shutdown", s_shutdown)):
        if not only or name in only:
            fn(graph)
    return e2elib.summary(RESULTS)


if __name__ == "__main__":
    sys.exit(main())
