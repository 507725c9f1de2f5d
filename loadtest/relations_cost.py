#!/usr/bin/env python3
"""What blocks, mutes and filters cost home reads, measured on a running cluster.

Usage: loadtest/relations_cost.py --cluster-env DIR/env --harness PATH/starling-loadtest
           [--baseline-env OLD/env [--baseline-harness PATH]] [--users 3000] [--follows 30]
           [--posts 3000] [--readers 200] [--rounds 3] [--duration 15] [--connections 32]
           [--plain-only] [--label NAME]

1. seeds a generated graph with the load-test harness (--seed-only), so every user has a token;
2. posts --posts statuses through the API (a small vocabulary, so filter keywords match some);
3. unless --plain-only: gives the "related" readers 3 blocks (of accounts they do not follow),
   2 mutes (of accounts they follow) and 2 filters in the home context (warn "election",
   hide "spoiler"), written in PostgreSQL before any read, so no node has cached them yet;
4. reads /api/v1/timelines/home?limit=20 with wrk through HAProxy, closed loop, alternating the
   plain readers and the related readers for --rounds rounds, and prints requests/s and
   latency percentiles of each, and their ratio (medians over the rounds).

--baseline-env ENV adds a second cluster (a build from before blocks, mutes and filters existed),
prepared the same way with plain readers only and measured in the same interleaved rounds, so the
builds are compared under the same machine noise. --plain-only skips the related readers.
Needs wrk and psql (the cluster's PostgreSQL binaries).
"""
import argparse
import concurrent.futures
import http.client
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

WORDS = ("morning coffee release notes garden election spoiler weather train music "
         "football recipe photo weekend project launch meeting").split()

WRK_LUA = r"""
local tokens = {}
for line in io.lines(os.getenv("RC_TOKENS")) do tokens[#tokens + 1] = line end
local i = 0
setup = function(thread) end
init = function(args) i = math.random(#tokens) end
request = function()
  i = i % #tokens + 1
  return wrk.format("GET", "/api/v1/timelines/home?limit=20", { ["Authorization"] = "Bearer " .. tokens[i] })
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %.1f %.2f %.2f %.2f %d %d\n", summary.requests,
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""


def read_env(path):
    env = {}
    for line in open(path):
        m = re.match(r"^([A-Z0-9_]+)='(.*)'$", line.strip())
        if m:
            env[m.group(1)] = m.group(2)
    return env


def psql(env, sql):
    out = subprocess.run(["psql", env["DATABASE_URL"], "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql],
                         check=True, capture_output=True, text=True)
    return out.stdout


def post_all(base, tokens, count, rng):
    url = urllib.parse.urlsplit(base)
    texts = [" ".join(rng.choice(WORDS) for _ in range(6)) + f" #{i}" for i in range(count)]
    authors = [rng.choice(tokens) for _ in range(count)]

    def worker(chunk):
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
        failures = 0
        for text, token in chunk:
            body = json.dumps({"status": text})
            conn.request("POST", "/api/v1/statuses", body=body,
                         headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
            response = conn.getresponse()
            response.read()
            failures += response.status != 200
        return failures

    pairs = list(zip(texts, authors))
    chunks = [pairs[i::16] for i in range(16)]
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        return sum(pool.map(worker, chunks))


def wait_for_outbox(env, limit=120):
    deadline = time.time() + limit
    while time.time() < deadline:
        if int(psql(env, "SELECT count(*) FROM outbox").strip() or 0) == 0:
            return True
        time.sleep(0.5)
    return False


def give_relations(env, account_ids):
    ids = ",".join(str(a) for a in account_ids)
    psql(env, f"""
    BEGIN;
    -- 3 blocks each, of accounts the reader does not follow (a block also ends follows; these have none).
    INSERT INTO blocks (account_id, target_account_id)
    SELECT r.id, t.id FROM unnest(ARRAY[{ids}]::bigint[]) AS r(id)
    CROSS JOIN LATERAL (SELECT a.id FROM accounts a WHERE a.id <> r.id
        AND NOT EXISTS (SELECT 1 FROM follows f WHERE f.follower_id = r.id AND f.followee_id = a.id)
        ORDER BY md5(a.id::text || r.id::text) LIMIT 3) t ON CONFLICT DO NOTHING;
    -- 2 mutes each, of accounts the reader follows (their posts leave the home).
    INSERT INTO mutes (account_id, target_account_id)
    SELECT r.id, t.followee_id FROM unnest(ARRAY[{ids}]::bigint[]) AS r(id)
    CROSS JOIN LATERAL (SELECT f.followee_id FROM follows f WHERE f.follower_id = r.id
        ORDER BY md5(f.followee_id::text) LIMIT 2) t ON CONFLICT DO NOTHING;
    WITH w AS (INSERT INTO filters (account_id, title, context, filter_action)
               SELECT id, 'Politics', ARRAY['home'], 'warn' FROM unnest(ARRAY[{ids}]::bigint[]) AS r(id) RETURNING id)
    INSERT INTO filter_keywords (filter_id, keyword, whole_word) SELECT id, 'election', true FROM w;
    WITH h AS (INSERT INTO filters (account_id, title, context, filter_action)
               SELECT id, 'Spoilers', ARRAY['home'], 'hide' FROM unnest(ARRAY[{ids}]::bigint[]) AS r(id) RETURNING id)
    INSERT INTO filter_keywords (filter_id, keyword, whole_word) SELECT id, 'spoiler', false FROM h;
    COMMIT;""")


def run_wrk(base, token_file, duration, connections):
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(WRK_LUA)
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "-s", lua.name, base]
    out = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "RC_TOKENS": token_file})
    os.unlink(lua.name)
    line = next((l for l in out.stdout.splitlines() if l.startswith("RESULT ")), None)
    if not line:
        sys.exit(f"wrk printed no result: {out.stdout}\n{out.stderr}")
    n, rps, p50, p90, p99, bad_status, socket_errors = line.split()[1:]
    return {"requests": int(n), "rps": float(rps), "p50": float(p50), "p90": float(p90), "p99": float(p99),
            "non2xx": int(bad_status), "socket_errors": int(socket_errors)}


def prepare(args, env_path, harness, relations, label):
    """Seeds, posts and (if `relations`) relates readers on one cluster; returns its token files."""
    env = read_env(env_path)
    base = env["STARLING_URL"]
    rng = random.Random(args.seed)
    started = time.time()
    seed = subprocess.run([harness, "--seed-only", "--cluster-env", env_path,
                           "--generate", f"users={args.users},follows={args.follows},seed={args.seed}"],
                          capture_output=True, text=True)
    if seed.returncode != 0:
        sys.exit(f"{label}: seeding failed:\n{seed.stdout}\n{seed.stderr}")
    rows = psql(env, "SELECT id, username FROM accounts WHERE username ~ '^lt[0-9a-z]{6}_[0-9]+$' "
                     "AND username LIKE (SELECT left(username, 9) FROM accounts WHERE username LIKE 'lt%' "
                     "ORDER BY id DESC LIMIT 1) || '%' ORDER BY id").split()
    users = []
    for row in rows:
        account_id, username = row.split("|")
        run_id, n = username[2:].split("_")
        users.append((int(account_id), f"lt-{run_id}-{n}"))
    print(f"{label}: seeded {len(users)} users in {time.time() - started:.1f} s", flush=True)

    # Readers: the users who follow the most, so every home has posts to show; the two groups
    # alternate down that ranking, so they read homes of the same sizes.
    counts = dict((int(a), int(c)) for a, c in (r.split("|") for r in psql(
        env, "SELECT follower_id, count(*) FROM follows GROUP BY follower_id").split()))
    ranked = sorted(users, key=lambda u: (-counts.get(u[0], 0), u[0]))
    readers = ranked[:2 * args.readers]
    plain, related = readers[0::2], readers[1::2]

    t = time.time()
    failures = post_all(base, [tok for _, tok in users], args.posts, rng)
    print(f"{label}: posted {args.posts} statuses in {time.time() - t:.1f} s ({failures} failed)", flush=True)
    if not wait_for_outbox(env):
        print(f"{label}: warning: the outbox did not drain in 120 s", flush=True)
    groups = [("plain", plain)]
    if relations:
        give_relations(env, [a for a, _ in related])
        print(f"{label}: related readers: " + psql(env, """SELECT
            (SELECT count(*) FROM blocks) || ' blocks, ' || (SELECT count(*) FROM mutes) || ' mutes, ' ||
            (SELECT count(*) FROM filters) || ' filters'""").strip(), flush=True)
        groups.append(("related", related))
    out = []
    for name, group in groups:
        f = tempfile.NamedTemporaryFile("w", suffix=".tokens", delete=False)
        f.write("\n".join(tok for _, tok in group) + "\n")
        f.close()
        out.append((f"{label} {name}" if label else name, base, f.name))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cluster-env", required=True)
    ap.add_argument("--harness", required=True, help="the starling-loadtest binary (seeds the graph)")
    ap.add_argument("--baseline-env", help="a second cluster (e.g. an older build) measured in the same rounds, plain readers only")
    ap.add_argument("--baseline-harness", help="its starling-loadtest (default: --harness)")
    ap.add_argument("--users", type=int, default=3000)
    ap.add_argument("--follows", type=int, default=30)
    ap.add_argument("--posts", type=int, default=3000)
    ap.add_argument("--readers", type=int, default=200, help="readers per group")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--duration", type=int, default=15)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--plain-only", action="store_true")
    ap.add_argument("--label", default="")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()

    groups = []
    if args.baseline_env:
        groups += prepare(args, args.baseline_env, args.baseline_harness or args.harness, False, "baseline")
    groups += prepare(args, args.cluster_env, args.harness, not args.plain_only, args.label)
    # A short warm-up per group fills the nodes' caches (token owners, relations, filters).
    for _, base, tokens in groups:
        run_wrk(base, tokens, 3, args.connections)
    # Rounds interleave the groups, so a noisy minute on a shared machine hits them all alike, and
    # each round starts with the next group, so none is always first.
    results = {name: [] for name, _, _ in groups}
    for r in range(args.rounds):
        for name, base, tokens in groups[r % len(groups):] + groups[:r % len(groups)]:
            res = run_wrk(base, tokens, args.duration, args.connections)
            results[name].append(res)
            print(f"round {r + 1} {name:16} {res['rps']:8.1f} req/s  p50 {res['p50']:6.2f} ms  p90 {res['p90']:6.2f} ms  "
                  f"p99 {res['p99']:6.2f} ms  non-2xx {res['non2xx']}  socket errors {res['socket_errors']}", flush=True)
    summary = {}
    for name, _, _ in groups:
        summary[name] = {k: statistics.median(x[k] for x in results[name]) for k in ("rps", "p50", "p90", "p99")}
        s = summary[name]
        print(f"{name:16} median {s['rps']:8.1f} req/s  p50 {s['p50']:.2f} ms  p90 {s['p90']:.2f} ms  p99 {s['p99']:.2f} ms")
    names = [name for name, _, _ in groups]
    reference = names[0]
    for name in names[1:]:
        print(f"{name} / {reference} throughput {summary[name]['rps'] / summary[reference]['rps']:.3f}")
    print("JSON " + json.dumps({"label": args.label, "summary": summary, "rounds": results}))
    for _, _, tokens in groups:
        os.unlink(tokens)
    bad = sum(x["non2xx"] + x["socket_errors"] for rs in results.values() for x in rs)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
