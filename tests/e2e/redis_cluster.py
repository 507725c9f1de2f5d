#!/usr/bin/env python3
"""Redis Cluster under load: resharding onto a new master, then a master failover.

Started by tests/e2e/run_redis_cluster.sh once `cluster/starling-cluster start --redis-cluster`
is up (3 masters + 3 replicas, nodes in STARLING_REDIS_MODE=cluster, every author pushed:
STARLING_CELEBRITY_THRESHOLD=100000). Everything goes through HAProxy as a client would; Redis is
only peeked at, read-only, with a small cluster-aware RESP client (slot map from `starling topology`,
MOVED/ASK followed). The cluster's topology is always read by the binary (`starling topology --json`,
the one reader of CLUSTER NODES), never parsed here.

1. Users register, follow each other (a random graph) and read their home once (so their lists
   exist and fan-out reaches them).
2. Resharding under load: client threads post and read homes through HAProxy while
   `starling-cluster redis-add-master SLOTS` starts a fourth master and moves SLOTS slots to it
   (redis-cli --cluster add-node + reshard). Then: no request failed beyond the bounded retry,
   the new master serves the slots and holds keys, and every acknowledged post is in every
   follower's home: in Redis (no timeline entry lost) and through the API.
3. Failover under load: the same load while `starling-cluster redis-kill-master 1` kill -9s a
   master; its replica takes over. Then: reads and posts carried on (no failure beyond the bounded
   retry), posts made after the failover are fanned out, the killed node comes back as a replica,
   the outbox drains (deliveries that failed during the failover were retried), and every
   acknowledged post of the whole run is in every follower's home, in Redis and through the API.

Each phase prints its request counts: ok at the first attempt, ok after retries, failed.
A request is retried (up to RC_ATTEMPTS attempts, backoff 0.1 s doubling) on a connection error,
a timeout or a 5xx. Prints one line per check and ends with `N passed, M failed`.

Environment: STARLING_CLUSTER_DIR (its env file), RC_CLUSTER_SCRIPT (default
cluster/starling-cluster), RC_USERS (60), RC_FOLLOWS (6 per user), RC_THREADS (6), RC_SLOTS (1200),
RC_POST_RATIO (0.3), RC_ATTEMPTS (5), RC_SEED (1).
"""

import http.client
import json
import os
import random
import re
import secrets
import shutil
import subprocess
import sys
import threading
import time
import urllib.parse

import e2elib
from e2elib import ENV, check, info, load_env, poll, resp_pipeline, scenario, section

CLUSTER_SCRIPT = os.environ.get("RC_CLUSTER_SCRIPT", os.path.join(e2elib.ROOT, "cluster", "starling-cluster"))
N_USERS = int(os.environ.get("RC_USERS", "60"))
N_FOLLOWS = int(os.environ.get("RC_FOLLOWS", "6"))
THREADS = int(os.environ.get("RC_THREADS", "6"))
SLOTS = int(os.environ.get("RC_SLOTS", "1200"))
POST_RATIO = float(os.environ.get("RC_POST_RATIO", "0.3"))
ATTEMPTS = int(os.environ.get("RC_ATTEMPTS", "5"))
SEED = int(os.environ.get("RC_SEED", "1"))
RUN = secrets.token_hex(3)

e2elib.SHORT_DETAIL = 160
SUMMARY = []

# ---------------------------------------------------------------------------
# Cluster
# ---------------------------------------------------------------------------


def cluster(*args, timeout=300):
    """Runs the launcher; returns (stdout, stderr, seconds). Raises on a non-zero exit."""
    proc, took = e2elib.run_cluster(CLUSTER_SCRIPT, args, timeout=timeout)
    return proc.stdout, proc.stderr, took


def redis_nodes():
    """{node number: port} from the env file."""
    out = {}
    for name, value in ENV.items():
        m = re.fullmatch(r"REDIS(\d+)_PORT", name)
        if m and value:
            out[int(m.group(1))] = int(value)
    return dict(sorted(out.items()))


# ---------------------------------------------------------------------------
# Redis: a read-only, cluster-aware RESP client
# ---------------------------------------------------------------------------


def crc16(data):
    crc = 0
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return crc


def key_slot(key):
    start = key.find("{")
    if start >= 0:
        end = key.find("}", start + 1)
        if end > start + 1:
            key = key[start + 1:end]
    return crc16(key.encode()) % 16384


def live_ports():
    ports = []
    for port in redis_nodes().values():
        try:
            if resp_pipeline(port, [["PING"]], timeout=1)[0] == "PONG":
                ports.append(port)
        except OSError:
            pass
    return ports


def topology():
    """`starling topology --json` over this cluster's Redis nodes (the binary reads CLUSTER NODES
    from the first node that answers); None if none answers."""
    seeds = ",".join(f"127.0.0.1:{port}" for port in redis_nodes().values())
    env = dict(os.environ, STARLING_REDIS_MODE="cluster", STARLING_REDIS_SHARDS=seeds)
    try:
        proc = subprocess.run([ENV["STARLING_CLUSTER_BIN"], "topology", "--json"], env=env, capture_output=True,
                              text=True, timeout=30, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if proc.returncode != 0:
        return None
    return json.loads(proc.stdout)


def cluster_nodes():
    """The Redis nodes as a live node sees them: [{id, port, flags, master, slots, link}], where
    flags is comma-separated (`myself,master`, `master,fail`…) and master a replica's master id (else -)."""
    found = topology()
    return [{"id": n["id"], "port": n["port"], "flags": ",".join(n["flags"]), "master": n.get("master_id") or "-",
             "slots": n["slot_count"], "link": n["link"]} for n in (found or {}).get("nodes", [])]


def cluster_state(port):
    reply = resp_pipeline(port, [["CLUSTER", "INFO"]])[0]
    m = re.search(r"cluster_state:(\w+)", reply if isinstance(reply, str) else "")
    return m.group(1) if m else None


def masters():
    """Live masters that serve slots: {port: slots}."""
    return {n["port"]: n["slots"] for n in cluster_nodes()
            if "master" in n["flags"] and "fail" not in n["flags"] and n["slots"] > 0}


class ClusterPeek:
    """Runs read-only commands, each on the master owning its key's slot."""

    def __init__(self):
        self.owner = {}

    def refresh(self):
        found = topology()
        if found is None:
            raise RuntimeError("no Redis node answered `starling topology`")
        owner = {}
        for node in found["nodes"]:
            if node["role"] == "master":
                for start, end in node["slots"]:
                    for slot in range(start, end + 1):
                        owner[slot] = node["port"]
        self.owner = owner

    def run(self, commands):
        """commands: lists whose second element is the key. Returns the replies in order."""
        if not self.owner:
            self.refresh()
        replies = [None] * len(commands)
        pending = list(range(len(commands)))
        for attempt in range(6):
            by_port = {}
            for i in pending:
                by_port.setdefault(self.owner.get(key_slot(commands[i][1])), []).append(i)
            retry = []
            for port, idxs in by_port.items():
                try:
                    got = resp_pipeline(port, [commands[i] for i in idxs])
                except OSError:
                    retry += idxs
                    continue
                for i, reply in zip(idxs, got):
                    if isinstance(reply, RuntimeError) and str(reply).startswith("ASK "):
                        target = int(str(reply).split()[2].rsplit(":", 1)[1])
                        reply = resp_pipeline(target, [["ASKING"], commands[i]])[1]
                    if isinstance(reply, RuntimeError) and str(reply).split()[0] in ("MOVED", "TRYAGAIN", "CLUSTERDOWN"):
                        retry.append(i)
                    else:
                        replies[i] = reply
            if not retry:
                return replies
            pending = retry
            time.sleep(0.1 * attempt)
            self.refresh()
        raise RuntimeError(f"{len(pending)} commands still redirected after 6 attempts")


PEEK = ClusterPeek()


def redis_homes(users):
    """{user index: (ready marker exists, set of ids in the list)} for every user."""
    cmds = []
    for u in users:
        cmds.append(["EXISTS", f"homeok:{{{u.id}}}"])
        cmds.append(["LRANGE", f"home:{{{u.id}}}", "0", "-1"])
    replies = PEEK.run(cmds)
    out = {}
    for k, u in enumerate(users):
        ready, items = replies[2 * k], replies[2 * k + 1]
        out[u.idx] = (ready == 1, set(items) if isinstance(items, list) else set())
    return out


# ---------------------------------------------------------------------------
# HTTP
# ---------------------------------------------------------------------------


class Http:
    """A keep-alive connection to one base URL (one per thread)."""

    def __init__(self, base):
        parts = urllib.parse.urlsplit(base)
        self.host, self.port = parts.hostname, parts.port
        self.conn = None

    def call(self, method, path, token=None, form=None, timeout=10):
        hdrs = {"Accept": "application/json"}
        body = None
        if token:
            hdrs["Authorization"] = f"Bearer {token}"
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            hdrs["Content-Type"] = "application/x-www-form-urlencoded"
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            self.conn.request(method, path, body=body, headers=hdrs)
            resp = self.conn.getresponse()
            data = resp.read()
            if resp.getheader("Connection", "").lower() == "close":
                self.close()
            return resp.status, data
        except (OSError, http.client.HTTPException):
            self.close()
            raise

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


class Stats:
    """Request outcomes of one phase, by operation."""

    def __init__(self, name):
        self.name = name
        self.lock = threading.Lock()
        self.ops = {}
        self.errors = []

    def record(self, op, attempts, ok, seconds, at, error=None):
        with self.lock:
            s = self.ops.setdefault(op, {"first": 0, "retried": 0, "failed": 0, "seconds": [], "events": []})
            if not ok:
                s["failed"] += 1
                if len(self.errors) < 10:
                    self.errors.append(f"{op}: {error}")
            elif attempts == 1:
                s["first"] += 1
            else:
                s["retried"] += 1
            s["seconds"].append(seconds)
            s["events"].append((at, ok, attempts))

    def total(self, field, op=None):
        return sum(s[field] for name, s in self.ops.items() if op is None or name == op)

    def window(self, op, start, end=None):
        """(first, retried, failed) of the requests of `op` that began within [start, end)."""
        first = retried = failed = 0
        for at, ok, attempts in self.ops.get(op, {}).get("events", []):
            if at >= start and (end is None or at < end):
                if not ok:
                    failed += 1
                elif attempts == 1:
                    first += 1
                else:
                    retried += 1
        return first, retried, failed

    def lines(self):
        out = []
        for op, s in sorted(self.ops.items()):
            lat = sorted(s["seconds"])
            p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))] if lat else 0
            out.append(f"{self.name:<9} {op:<5} {s['first'] + s['retried'] + s['failed']:>6} requests: "
                       f"{s['first']:>6} ok at once, {s['retried']:>4} ok after retries, {s['failed']:>3} failed; "
                       f"p99 {p99 * 1000:.0f} ms, max {lat[-1] * 1000 if lat else 0:.0f} ms")
        return out


BACKOFF = [0.1, 0.2, 0.4, 0.8, 1.6, 3.2]


def call(client, stats, op, method, path, token=None, form=None):
    """One request, retried on a connection error, a timeout or a 5xx (up to ATTEMPTS attempts).
    Returns the decoded JSON of a 200, or None."""
    started = time.monotonic()
    attempts, last = 0, None
    while True:
        attempts += 1
        try:
            status, data = client.call(method, path, token=token, form=form)
            if status == 200:
                stats.record(op, attempts, True, time.monotonic() - started, started)
                return json.loads(data) if data else None
            last = f"HTTP {status} {data[:200]!r}"
            retry = status >= 500
        except (OSError, http.client.HTTPException) as error:
            last, retry = f"{type(error).__name__}: {error}", True
        if not retry or attempts >= ATTEMPTS:
            stats.record(op, attempts, False, time.monotonic() - started, started, last)
            return None
        time.sleep(BACKOFF[attempts - 1])


# ---------------------------------------------------------------------------
# Users and the graph
# ---------------------------------------------------------------------------


class User:
    def __init__(self, idx, username, token, uid):
        self.idx, self.username, self.token, self.id = idx, username, token, uid


def simple(method, path, token=None, form=None, expect=200):
    client = Http(ENV["STARLING_URL"])
    try:
        for attempt in range(3):
            try:
                status, data = client.call(method, path, token=token, form=form)
                break
            except (OSError, http.client.HTTPException):
                if attempt == 2:
                    raise
                time.sleep(0.3)
    finally:
        client.close()
    if status != expect:
        raise AssertionError(f"{method} {path}: expected HTTP {expect}, got {status} {data[:300]!r}")
    return json.loads(data) if data else None


def parallel(fn, items, threads=8):
    results = [None] * len(items)
    errors = []
    lock = threading.Lock()
    it = iter(enumerate(items))

    def worker():
        while True:
            with lock:
                try:
                    k, item = next(it)
                except StopIteration:
                    return
            try:
                results[k] = fn(item)
            except Exception as error:  # noqa: BLE001
                with lock:
                    errors.append(error)
    ts = [threading.Thread(target=worker) for _ in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    if errors:
        raise errors[0]
    return results


@scenario
def setup_users():
    section(f"{N_USERS} users, each following {N_FOLLOWS} others, homes built")
    app = simple("POST", "/api/v1/apps", form={"client_name": "starling-rc", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
                                               "scopes": "read write follow"})
    tok = simple("POST", "/oauth/token", form={"grant_type": "client_credentials", "client_id": app["client_id"],
                                               "client_secret": app["client_secret"], "scope": "read write follow"})

    def register(k):
        username = f"rc{k}_{RUN}"
        token = simple("POST", "/api/v1/accounts", tok["access_token"], {
            "username": username, "email": f"{username}@rc.example.org", "password": "correct-horse-9",
            "agreement": "true", "locale": "en"})["access_token"]
        account = simple("GET", "/api/v1/accounts/verify_credentials", token)
        return User(k, username, token, account["id"])

    users = parallel(register, list(range(N_USERS)))
    rnd = random.Random(SEED)
    followers = {u.idx: set() for u in users}   # author idx -> follower idxs
    pairs = []
    for u in users:
        for target in rnd.sample([v for v in users if v.idx != u.idx], min(N_FOLLOWS, N_USERS - 1)):
            followers[target.idx].add(u.idx)
            pairs.append((u, target))
    parallel(lambda p: simple("POST", f"/api/v1/accounts/{p[1].id}/follow", p[0].token), pairs)
    parallel(lambda u: simple("GET", "/api/v1/timelines/home?limit=5", u.token), users)
    check("users registered, followed and read their homes", len(users) == N_USERS,
          f"{len(users)} users, {len(pairs)} follows")

    def all_ready():
        homes = redis_homes(users)
        return all(ready for ready, _ in homes.values()), homes
    ok, _, took = poll(all_ready, 30, 0.3)
    check("every user's home list is built in Redis (homeok marker present)", ok, f"after {took:.1f}s")
    return users, followers


# ---------------------------------------------------------------------------
# Load
# ---------------------------------------------------------------------------


class Load:
    """THREADS client threads posting (POST_RATIO) and reading homes through HAProxy until stopped."""

    def __init__(self, name, users):
        self.name = name
        self.users = users
        self.stats = Stats(name)
        self.posts = []   # (status id, author idx, acknowledged at)
        self.lock = threading.Lock()
        self.stop_event = threading.Event()
        self.threads = [threading.Thread(target=self.loop, args=(k,), daemon=True) for k in range(THREADS)]

    def start(self):
        for t in self.threads:
            t.start()
        return self

    def loop(self, k):
        rnd = random.Random(f"{SEED}-{self.name}-{k}")
        client = Http(ENV["STARLING_URL"])
        n = 0
        while not self.stop_event.is_set():
            u = rnd.choice(self.users)
            if rnd.random() < POST_RATIO:
                n += 1
                st = call(client, self.stats, "post", "POST", "/api/v1/statuses", u.token,
                          {"status": f"{self.name} load {k}.{n} by {u.username}"})
                if st and "id" in st:
                    with self.lock:
                        self.posts.append((st["id"], u.idx, time.monotonic()))
            else:
                call(client, self.stats, "home", "GET", "/api/v1/timelines/home?limit=20", u.token)
        client.close()

    def stop(self):
        self.stop_event.set()
        for t in self.threads:
            t.join(30)
        for line in self.stats.lines():
            info(line)
        SUMMARY.extend(self.stats.lines())
        if self.stats.errors:
            info("first errors: " + "; ".join(self.stats.errors[:5]))
        return self


def expected_deliveries(posts, followers):
    """{follower idx: set of status ids they must have}."""
    want = {}
    for sid, author, _ in posts:
        for f in followers[author]:
            want.setdefault(f, set()).add(sid)
    return want


def missing_in_redis(users, want):
    """(missing entries, lists without a ready marker) over every follower's Redis home."""
    homes = redis_homes(users)
    missing, unready = [], []
    for idx, ids in want.items():
        ready, have = homes[idx]
        if not ready:
            unready.append(idx)
            continue
        for sid in ids - have:
            missing.append((idx, sid))
    return missing, unready


def wait_delivered(users, want, timeout):
    ok, value, took = poll(lambda: (lambda m: (not m[0] and not m[1], m))(missing_in_redis(users, want)), timeout, 0.5)
    return ok, value, took


def api_home_ids(user, need):
    """The ids of user's home through the API, paging until every id in `need` was seen (or the
    timeline ends)."""
    client = Http(ENV["STARLING_URL"])
    stats = Stats("verify")
    seen, max_id = set(), None
    try:
        for _ in range(50):
            q = {"limit": 40}
            if max_id:
                q["max_id"] = max_id
            page = call(client, stats, "home", "GET", "/api/v1/timelines/home?" + urllib.parse.urlencode(q), user.token)
            if not page:
                break
            seen.update(s["id"] for s in page)
            if need <= seen:
                break
            max_id = page[-1]["id"]
    finally:
        client.close()
    return seen


def missing_via_api(users, want):
    by_idx = {u.idx: u for u in users}
    results = parallel(lambda item: (item[0], item[1] - api_home_ids(by_idx[item[0]], item[1])), list(want.items()))
    return [(idx, sid) for idx, miss in results for sid in miss]


def metric_sum(name):
    """The sum of a metric over every api and worker node (None where a node is down)."""
    total = 0.0
    for key in ("API1_URL", "API2_URL", "WORKER1_URL", "WORKER2_URL"):
        try:
            client = Http(ENV[key])
            status, data = client.call("GET", "/metrics", timeout=3)
            client.close()
        except (OSError, http.client.HTTPException, KeyError):
            continue
        for line in data.decode().splitlines():
            m = re.match(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)", line)
            if m and m.group(1) == name:
                total += float(m.group(3))
    return total


def outbox_rows():
    psql = shutil.which("psql") or next((p for p in sorted(
        (os.path.join(d, "psql") for d in [f"/usr/lib/postgresql/{v}/bin" for v in range(20, 12, -1)]))
        if os.path.exists(p)), None)
    if not psql:
        return None
    out = subprocess.run([psql, ENV["DATABASE_URL"], "-XtAc", "SELECT count(*) FROM outbox"],
                         capture_output=True, text=True, timeout=10, check=False)
    return int(out.stdout.strip()) if out.returncode == 0 and out.stdout.strip().isdigit() else None


def retried_jobs():
    """How many times the workers logged a fan-out job that failed and was left in the outbox."""
    total = 0
    for key in ("WORKER1_LOG", "WORKER2_LOG"):
        try:
            with open(ENV[key], encoding="utf-8", errors="replace") as f:
                total += sum(1 for line in f if "fan-out job failed; it will be retried" in line)
        except (OSError, KeyError):
            pass
    return total


def starling_status(title):
    try:
        out, err, _ = cluster("starling-status", timeout=60)
        print(f"\n---- starling status: {title} ----\n{out.rstrip()}\n----", flush=True)
        return out
    except Exception as error:  # noqa: BLE001
        info(f"starling status failed: {error}")
        return None


# ---------------------------------------------------------------------------
# Scenarios
# ---------------------------------------------------------------------------


@scenario
def s_topology():
    section("the Redis Cluster of the local cluster")
    check("the cluster runs the Redis Cluster topology", ENV.get("REDIS_TOPOLOGY") == "cluster"
          and ENV.get("STARLING_REDIS_MODE") == "cluster", f"REDIS_TOPOLOGY={ENV.get('REDIS_TOPOLOGY')}")
    nodes = cluster_nodes()
    ms = [n for n in nodes if "master" in n["flags"]]
    rs = [n for n in nodes if "slave" in n["flags"]]
    check("3 masters and 3 replicas, one replica per master",
          len(ms) == 3 and len(rs) == 3 and {r["master"] for r in rs} == {m["id"] for m in ms},
          f"{len(ms)} masters, {len(rs)} replicas")
    check("all 16384 slots served, cluster_state:ok",
          sum(m["slots"] for m in ms) == 16384 and all(cluster_state(p) == "ok" for p in live_ports()))


@scenario
def s_reshard(users, followers):
    section(f"resharding under load: a 4th master, {SLOTS} slots moved to it")
    before = masters()
    status_before = starling_status("before growing")
    errors0 = metric_sum("starling_redis_errors_total")
    load = Load("reshard", users).start()
    time.sleep(3)
    t_op = time.monotonic()
    out, err, took = cluster("redis-add-master", str(SLOTS), timeout=600)
    info(f"redis-add-master {SLOTS} took {took:.1f}s: " + " | ".join(
        line.split("] ", 1)[-1] for line in err.strip().splitlines()[-3:]))
    time.sleep(3)
    load.stop()
    load_env()
    errors = metric_sum("starling_redis_errors_total") - errors0

    after = masters()
    new = [p for p in after if p not in before]
    check("a fourth master serves slots", len(after) == 4 and len(new) == 1,
          f"masters {sorted(after.values())} slots")
    if new:
        moved = after[new[0]]
        keys = resp_pipeline(new[0], [["DBSIZE"]])[0]
        check(f"about {SLOTS} slots moved to it, with their keys", abs(moved - SLOTS) <= 5 and isinstance(keys, int) and keys > 0,
              f"{moved} slots, {keys} keys (timeline lists, markers, cached statuses)")
        SUMMARY.append(f"reshard: {moved} slots and {keys} keys moved to a new master in {took:.1f}s under load")
    check("every slot still served, cluster_state:ok", sum(after.values()) == 16384
          and all(cluster_state(p) == "ok" for p in live_ports()))

    s = load.stats
    reads = s.window("home", t_op)
    check("no home read failed during the resharding (bounded retry)", s.total("failed", "home") == 0,
          f"{s.total('first', 'home')} at once, {s.total('retried', 'home')} retried, {s.total('failed', 'home')} failed; "
          f"from the operation on: {reads}")
    check("no post failed during the resharding (bounded retry)", s.total("failed", "post") == 0,
          f"{len(load.posts)} posts acknowledged, {s.total('retried', 'post')} retried, {s.total('failed', 'post')} failed")
    info(f"Redis errors counted by the nodes during the phase: {errors:.0f}")
    check("posts were made while slots moved", any(t >= t_op for _, _, t in load.posts), f"{len(load.posts)} posts")

    want = expected_deliveries(load.posts, followers)
    n = sum(len(v) for v in want.values())
    ok, (missing, unready), waited = wait_delivered(users, want, 60)
    check("no timeline entry lost: every post is in every follower's Redis home", ok,
          f"{n} deliveries checked after {waited:.1f}s" if ok else
          f"{len(missing)} of {n} missing (e.g. {missing[:5]}), {len(unready)} lists without ready marker")
    miss = missing_via_api(users, want)
    check("...and every follower sees every post through the API", not miss,
          f"{n} deliveries" if not miss else f"{len(miss)} missing, e.g. {miss[:5]}")
    status_after = starling_status("after growing")
    if status_after is not None:
        lines = [l for l in status_after.splitlines() if re.search(r"\bmaster\b", l)]
        check("starling status shows 4 masters after growing", len(lines) == 4, f"{len(lines)} master lines")
    return load.posts


@scenario
def s_failover(users, followers, earlier_posts):
    section("failover under load: kill -9 a master, its replica takes over")
    ms = masters()
    nodes = redis_nodes()
    by_port = {p: i for i, p in nodes.items()}
    first = min((by_port[p] for p in ms if p in by_port), default=None)
    if first is None:
        check("a master to kill", False, f"masters {ms}, nodes {nodes}")
        return
    victim = nodes[first]
    victim_slots = ms[victim]
    replica = next((n["port"] for n in cluster_nodes() if "slave" in n["flags"] and
                    n["master"] == next(m["id"] for m in cluster_nodes() if m["port"] == victim)), None)
    info(f"victim: redis{first} (port {victim}, {victim_slots} slots), its replica: port {replica}")
    errors0 = metric_sum("starling_redis_errors_total")
    retried0 = retried_jobs()
    load = Load("failover", users).start()
    time.sleep(3)
    t_kill = time.monotonic()
    cluster("redis-kill-master", "1", timeout=60)

    def taken_over():
        now = masters()
        live = live_ports()
        return victim not in now and sum(now.values()) == 16384 and live and all(
            cluster_state(p) == "ok" for p in live), now
    ok, now, _ = poll(taken_over, 60, 0.1)
    t_failover = time.monotonic()
    failover_s = t_failover - t_kill
    check("a replica took over the killed master's slots", ok and replica in now,
          f"in {failover_s:.1f}s (cluster-node-timeout {os.environ.get('STARLING_REDIS_NODE_TIMEOUT', '2000')} ms + election)")
    time.sleep(8)
    load.stop()
    load_env()
    errors = metric_sum("starling_redis_errors_total") - errors0
    s = load.stats
    during = s.window("home", t_kill, t_failover)
    after = s.window("home", t_failover + 1)
    post_during = s.window("post", t_kill, t_failover)
    post_after = s.window("post", t_failover + 1)
    SUMMARY.append(f"failover: replica promoted {failover_s:.1f}s after kill -9; home reads during it "
                   f"(at once, retried, failed) {during}, after it {after}; posts during {post_during}, after {post_after}; "
                   f"Redis errors seen by the nodes {errors:.0f}")
    info(SUMMARY[-1])
    check("no home read failed during or after the failover (bounded retry)", s.total("failed", "home") == 0,
          f"{s.total('first', 'home')} at once, {s.total('retried', 'home')} retried, {s.total('failed', 'home')} failed")
    check("no post failed during or after the failover (bounded retry)", s.total("failed", "post") == 0,
          f"{len(load.posts)} acknowledged, {s.total('retried', 'post')} retried, {s.total('failed', 'post')} failed")
    check("reads carried on after the failover", after[0] + after[1] > 0 and after[2] == 0, f"{after}")

    # Fan-out carries on: posts acknowledged after the failover reach their followers.
    later = [p for p in load.posts if p[2] >= t_failover + 1]
    want_later = expected_deliveries(later, followers)
    ok, (missing, unready), waited = wait_delivered(users, want_later, 30)
    check("fan-out carried on: posts made after the failover reached every follower", ok and later,
          f"{len(later)} posts, {sum(len(v) for v in want_later.values())} deliveries, within {waited:.1f}s" if ok else
          f"{len(missing)} missing (e.g. {missing[:5]}), {len(unready)} lists without marker")

    # Recovery: the killed node comes back as a replica; the outbox drains.
    cluster("redis-start-node", str(first), timeout=60)
    load_env()
    role = ENV.get(f"REDIS{first}_ROLE")
    check("the killed master came back as a replica", role == "replica", f"redis{first} is {role}")
    ok, rows, took = poll(lambda: (lambda r: (r == 0, r))(outbox_rows()), 60, 0.5)
    retried = retried_jobs() - retried0
    check("the outbox drained (failed deliveries were retried, not dropped)", ok,
          f"{retried} fan-out jobs failed during the failover and were redone from the outbox; drained after {took:.1f}s"
          if ok else f"{rows} rows still waiting")
    SUMMARY.append(f"failover: {retried} fan-out jobs failed against the dead master and were redone from the outbox")

    all_posts = earlier_posts + load.posts
    want = expected_deliveries(all_posts, followers)
    n = sum(len(v) for v in want.values())
    ok, (missing, unready), waited = wait_delivered(users, want, 30)
    during_ids = {sid for sid, _, t in load.posts if t_kill <= t < t_failover + 1}
    check("after recovery, every post of the run is in every follower's Redis home", ok,
          f"{len(all_posts)} posts, {n} deliveries" if ok else
          f"{len(missing)} of {n} missing ({sum(1 for _, sid in missing if sid in during_ids)} of posts made during "
          f"the failover; e.g. {missing[:5]}), {len(unready)} lists without ready marker")
    miss = missing_via_api(users, want)
    check("...and every follower sees every post through the API", not miss,
          f"{n} deliveries" if not miss else f"{len(miss)} missing, e.g. {miss[:5]}")
    starling_status("after the failover and recovery")


def main():
    load_env()
    info(f"cluster: {ENV.get('STARLING_URL')}, Redis nodes {ENV.get('REDIS_NODES')}")
    s_topology()
    setup = setup_users()
    if setup:
        users, followers = setup
        posts = s_reshard(users, followers) or []
        s_failover(users, followers, posts)
    return e2elib.summary(SUMMARY)


if __name__ == "__main__":
    sys.exit(main())
