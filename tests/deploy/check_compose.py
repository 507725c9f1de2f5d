#!/usr/bin/env python3
"""Checks the container deployment without a Docker engine.

1. `docker-compose config` (Debian's docker-compose package; installed with apt-get when missing
   and running as root) validates docker-compose.yml; its output (variables interpolated, YAML
   anchors merged) is what the checks below read.
2. The compose file against the binary: every service that runs the Starling image runs a
   subcommand `starling --help` lists, and every STARLING_* variable it sets is documented by
   `starling SUBCOMMAND --help` (the help text names each variable); STARLING_NODE_ID=auto and
   STARLING_REDIS_MODE=cluster are values the help accepts. The `loadtest` subcommand runs the
   separate `starling-loadtest` executable installed next to `starling`; its help is read from that
   binary.
3. Ports: each api/worker service listens (STARLING_HTTP_PORT, STARLING_HTTP_HOST=0.0.0.0) where
   it is exposed and health-checked, where HAProxy's server-template looks for the API
   (deploy/haproxy/compose-servers.cfg) and where Prometheus scrapes (deploy/prometheus/prometheus.yml).
4. Scaling and start order: api and worker have no container_name or host ports; depends_on
   conditions point at services with health checks / one-shot services; the Redis seeds are the
   redis-N services the init service forms the cluster from.
5. The shared configuration files are valid: haproxy -c (compose and local variants), promtool
   (when installed), and the Dockerfile's essentials (multi-stage, non-root, HEALTHCHECK,
   ENTRYPOINT starling, both products built and installed side by side).

Prints one line per check and ends with `N passed, M failed`; exits 1 on any failure.

Environment: STARLING_BIN (the starling binary; default .build/debug/starling, else
.build/release/starling), STARLING_LOADTEST_BIN (default: starling-loadtest next to STARLING_BIN),
COMPOSE_FILE_PATH (default docker-compose.yml).
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
COMPOSE = os.environ.get("COMPOSE_FILE_PATH", os.path.join(ROOT, "docker-compose.yml"))

PASSED = 0
FAILED = 0
FAILURES = []


def check(name, ok, detail=""):
    global PASSED, FAILED
    if ok:
        PASSED += 1
        print(f"PASS {name}" + (f" ({detail})" if detail and len(detail) <= 160 else ""), flush=True)
    else:
        FAILED += 1
        FAILURES.append(name)
        print(f"FAIL {name}" + (f": {detail}" if detail else ""), flush=True)
    return ok


def run(cmd, env=None, timeout=120):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env, cwd=ROOT, check=False)


def finish():
    if FAILURES:
        print("failed checks:\n  " + "\n  ".join(FAILURES), flush=True)
    print(f"{PASSED} passed, {FAILED} failed", flush=True)
    sys.exit(1 if FAILED else 0)


# ---------------------------------------------------------------------------
# docker-compose config
# ---------------------------------------------------------------------------


def ensure_docker_compose():
    exe = shutil.which("docker-compose")
    if exe:
        return exe
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("installing Debian's docker-compose package", flush=True)
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        if run(["apt-get", "install", "-y", "-qq", "docker-compose"], env=env, timeout=600).returncode != 0:
            run(["apt-get", "update", "-qq"], env=env, timeout=600)
            run(["apt-get", "install", "-y", "-qq", "docker-compose"], env=env, timeout=600)
    return shutil.which("docker-compose")


exe = ensure_docker_compose()
if not check("docker-compose is installed", exe is not None, "apt-get install docker-compose"):
    finish()
# An empty environment (but PATH): the file's own defaults, not the developer's variables.
clean_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp")}
proc = run([exe, "-f", COMPOSE, "config"], env=clean_env)
if not check("docker-compose config validates docker-compose.yml", proc.returncode == 0,
             proc.stderr.strip()[-2000:]):
    finish()
warnings = [line for line in proc.stderr.splitlines() if "WARN" in line.upper()]
check("docker-compose config prints no warnings (every variable has a default)", not warnings, "; ".join(warnings[:5]))

try:
    import yaml  # python3-yaml: a dependency of Debian's docker-compose
except ImportError:
    check("python3-yaml is available", False, "apt-get install python3-yaml")
    finish()
config = yaml.safe_load(proc.stdout)
services = config.get("services", {})
with open(COMPOSE, encoding="utf-8") as f:
    raw = yaml.safe_load(f)

# ---------------------------------------------------------------------------
# The binary's documented subcommands and variables
# ---------------------------------------------------------------------------


def find_binary():
    for candidate in (os.environ.get("STARLING_BIN"), os.path.join(ROOT, ".build", "debug", "starling"),
                      os.path.join(ROOT, ".build", "release", "starling")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


BIN = find_binary()
if not check("a starling binary to read the help from", BIN is not None, BIN or "set STARLING_BIN or swift build"):
    finish()
LOADTEST_BIN = os.environ.get("STARLING_LOADTEST_BIN") or os.path.join(os.path.dirname(BIN), "starling-loadtest")
if not os.access(LOADTEST_BIN, os.X_OK):
    LOADTEST_BIN = None
top = run([BIN, "--help"]).stdout
m = re.search(r"SUBCOMMANDS:\n(.*?)(\n\n|\Z)", top, re.S)
SUBCOMMANDS = set(re.findall(r"^\s{2}(\S+)\s", m.group(1), re.M)) if m else set()
check("starling --help lists its subcommands", {"api", "worker", "migrate"} <= SUBCOMMANDS, ", ".join(sorted(SUBCOMMANDS)))
HELP = {}


def help_of(sub):
    if sub not in HELP:
        # `starling loadtest` runs starling-loadtest (its own executable): read that binary's help.
        HELP[sub] = run([LOADTEST_BIN, "--help"] if sub == "loadtest" and LOADTEST_BIN else [BIN, sub, "--help"]).stdout
    return HELP[sub]


def documented(sub):
    return set(re.findall(r"\bSTARLING_[A-Z0-9_]+", help_of(sub)))


def option_help(sub, variable):
    """The help paragraph that names `variable`."""
    text = help_of(sub)
    for para in re.split(r"\n(?=  -)", text):
        if variable in para:
            return " ".join(para.split())
    return ""


# ---------------------------------------------------------------------------
# Services
# ---------------------------------------------------------------------------

STARLING_SERVICES = {name: s for name, s in services.items() if "build" in s}
if "loadtest" in STARLING_SERVICES:
    check("the loadtest service's harness, starling-loadtest, is built next to starling", LOADTEST_BIN is not None,
          "swift build --product starling-loadtest, or set STARLING_LOADTEST_BIN")
check("api, worker, migrate and loadtest run the image built from this repository",
      {"api", "worker", "migrate", "loadtest"} <= set(STARLING_SERVICES), ", ".join(sorted(STARLING_SERVICES)))
images = {s.get("image") for s in STARLING_SERVICES.values()}
check("one image for every role", len(images) == 1, ", ".join(map(str, images)))
build = next(iter(STARLING_SERVICES.values()))["build"]
dockerfile = os.path.join(build.get("context", ROOT) if isinstance(build, dict) else build,
                          build.get("dockerfile", "Dockerfile") if isinstance(build, dict) else "Dockerfile")
check("the build context has the Dockerfile", os.path.isfile(dockerfile), dockerfile)


def command_of(service):
    cmd = service.get("command")
    if isinstance(cmd, str):
        cmd = cmd.split()
    return cmd or []


def env_of(service):
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, None) for item in env)
    return {k: ("" if v is None else str(v)) for k, v in env.items()}


for name, service in sorted(STARLING_SERVICES.items()):
    cmd = command_of(service)
    sub = cmd[0] if cmd else None
    if not check(f"{name}: runs a starling subcommand", sub in SUBCOMMANDS, f"command {cmd}"):
        continue
    env = env_of(service)
    names = sorted(k for k in env if k.startswith("STARLING_"))
    unknown = [k for k in names if k not in documented(sub)]
    check(f"{name}: every STARLING_* variable is documented by `starling {sub} --help`", not unknown,
          f"{len(names)} variables" if not unknown else f"not in the help: {', '.join(unknown)}")
    flags = re.findall(r"--[a-z][a-z0-9-]*", " ".join(cmd[1:]))
    bad_flags = [f for f in flags if f not in help_of(sub)]
    check(f"{name}: every flag of its command is in `starling {sub} --help`", not bad_flags, ", ".join(bad_flags))
    if env.get("STARLING_NODE_ID") == "auto":
        check(f"{name}: STARLING_NODE_ID=auto is accepted (the help documents auto)",
              re.search(r"\bauto\b", option_help(sub, "STARLING_NODE_ID")) is not None,
              option_help(sub, "STARLING_NODE_ID")[:160])
    if "STARLING_REDIS_MODE" in env:
        check(f"{name}: STARLING_REDIS_MODE={env['STARLING_REDIS_MODE']} is a documented value",
              re.search(rf"\b{re.escape(env['STARLING_REDIS_MODE'])}\b", option_help(sub, "STARLING_REDIS_MODE")) is not None,
              option_help(sub, "STARLING_REDIS_MODE")[:160])

# Health checks of the one-shot roles are off (the image's HEALTHCHECK is for servers).
for name in ("migrate", "loadtest"):
    hc = services.get(name, {}).get("healthcheck", {})
    check(f"{name}: the image's health check is disabled (one-shot)", hc.get("disable") or hc.get("test") == ["NONE"])
    check(f"{name}: restart \"no\" (one-shot)", str(services.get(name, {}).get("restart", "no")) == "no")
check("the load-test harness only runs when asked (profile loadtest)",
      services.get("loadtest", {}).get("profiles") == ["loadtest"]
      and all(not s.get("profiles") for n, s in services.items() if n != "loadtest"))

# ---------------------------------------------------------------------------
# Ports
# ---------------------------------------------------------------------------


def read(path):
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        return f.read()


servers_cfg = read("deploy/haproxy/compose-servers.cfg")
prometheus = yaml.safe_load(read("deploy/prometheus/prometheus.yml"))
scrape = {}
for job in prometheus.get("scrape_configs", []):
    for sd in job.get("dns_sd_configs", []):
        for dns_name in sd.get("names", []):
            scrape[dns_name] = int(sd.get("port", 0))

for name, default_port in (("api", 8080), ("worker", 9090)):
    service = services.get(name, {})
    env = env_of(service)
    port = int(env.get("STARLING_HTTP_PORT", default_port))
    exposed = {int(str(p).split("/")[0]) for p in service.get("expose", [])}
    check(f"{name}: listens on all interfaces (STARLING_HTTP_HOST=0.0.0.0)", env.get("STARLING_HTTP_HOST") == "0.0.0.0")
    check(f"{name}: exposes its STARLING_HTTP_PORT {port}", exposed == {port}, f"expose {sorted(exposed)}")
    test = " ".join(map(str, service.get("healthcheck", {}).get("test", [])))
    check(f"{name}: its health check calls /health on port {port}", "starling-healthcheck" in test and str(port) in test, test)
    check(f"{name}: Prometheus scrapes it on port {port} (DNS service discovery)", scrape.get(name) == port,
          f"prometheus.yml: {name} -> {scrape.get(name)}")
    check(f"{name}: scalable (no container_name, no host ports)",
          "container_name" not in service and not service.get("ports"),
          f"container_name={service.get('container_name')}, ports={service.get('ports')}")
    replicas = (service.get("deploy") or {}).get("replicas")
    check(f"{name}: two replicas by default (deploy.replicas)", replicas == 2, f"replicas={replicas}")

api_port = int(env_of(services.get("api", {})).get("STARLING_HTTP_PORT", 8080))
m = re.search(r"server-template\s+\S+\s+\S+\s+api:(\d+)\s.*resolvers\s+(\S+)", servers_cfg)
check("HAProxy's server-template finds the api replicas on their STARLING_HTTP_PORT through Docker's DNS",
      m is not None and int(m.group(1)) == api_port and re.search(rf"^resolvers\s+{m.group(2)}\b", servers_cfg, re.M),
      m.group(0) if m else "no server-template line for api")
haproxy = services.get("haproxy", {})
published = [str(p.get("target") if isinstance(p, dict) else p) for p in haproxy.get("ports", [])]
bind = env_of(haproxy).get("STARLING_HAPROXY_BIND", "")
check("HAProxy publishes the port it binds (STARLING_HAPROXY_BIND)",
      bind.rsplit(":", 1)[-1] in [p.rsplit(":", 1)[-1].split("/")[0] for p in published], f"bind {bind}, ports {published}")

# ---------------------------------------------------------------------------
# Start order and Redis
# ---------------------------------------------------------------------------


def depends(name):
    d = services.get(name, {}).get("depends_on", {})
    return {k: (v or {}).get("condition", "service_started") for k, v in d.items()} if isinstance(d, dict) else \
        {k: "service_started" for k in d}


def has_healthcheck(name):
    hc = services.get(name, {}).get("healthcheck")
    return bool(hc) and not hc.get("disable") and hc.get("test") != ["NONE"]


bad = []
for name in services:
    for target, condition in depends(name).items():
        if target not in services:
            bad.append(f"{name} -> {target} (no such service)")
        elif condition == "service_healthy" and not has_healthcheck(target):
            bad.append(f"{name} -> {target} healthy, but {target} has no health check")
        elif condition == "service_completed_successfully" and str(services[target].get("restart", "no")) != "no":
            bad.append(f"{name} -> {target} completed, but {target} restarts")
check("every depends_on condition can be met", not bad, "; ".join(bad))
for role in ("api", "worker"):
    d = depends(role)
    check(f"{role} starts after migrate and redis-init completed and PostgreSQL is healthy",
          d.get("migrate") == "service_completed_successfully" and d.get("redis-init") == "service_completed_successfully"
          and d.get("postgres") == "service_healthy", str(d))
check("migrate waits for a healthy PostgreSQL", depends("migrate").get("postgres") == "service_healthy")
check("HAProxy starts once an api replica is healthy", depends("haproxy").get("api") == "service_healthy")

redis_services = sorted(n for n in services if re.fullmatch(r"redis-\d+", n))
seeds = env_of(services.get("api", {})).get("STARLING_REDIS_SHARDS", "").split(",")
init_cmd = command_of(services.get("redis-init", {}))
init_nodes = [a for a in init_cmd if re.fullmatch(r"[\w.-]+:\d+", a)]
replicas = int(env_of(services.get("redis-init", {})).get("REPLICAS", "1"))
check("six Redis Cluster nodes (3 masters + 3 replicas)", len(redis_services) == 6 and len(init_nodes) == 6
      and replicas == 1, f"{len(redis_services)} services, init forms {len(init_nodes)} with {replicas} replica(s) each")
check("STARLING_REDIS_SHARDS seeds are exactly the nodes redis-init forms the cluster from",
      sorted(seeds) == sorted(init_nodes) and sorted(a.split(":")[0] for a in seeds) == redis_services, ",".join(seeds))
check("redis-init waits for every Redis node to be healthy",
      all(depends("redis-init").get(n) == "service_healthy" for n in redis_services))
for name in redis_services:
    cmd = command_of(services[name])
    ok = ("--cluster-announce-hostname" in cmd and cmd[cmd.index("--cluster-announce-hostname") + 1] == name
          and any(c.endswith("redis-cluster.conf") for c in cmd))
    check(f"{name}: runs deploy/redis/redis-cluster.conf and announces its own name", ok, " ".join(cmd))
conf = read("deploy/redis/redis-cluster.conf")
check("Redis persistence is chosen deliberately (off: no RDB, no AOF) and explained",
      re.search(r'^save ""', conf, re.M) and re.search(r"^appendonly no", conf, re.M)
      and "rebuildable cache" in conf and "rebuildable cache" in read("docker-compose.yml"))
for role in ("api", "worker"):
    env = env_of(services.get(role, {}))
    check(f"{role}: Redis Cluster mode", env.get("STARLING_REDIS_MODE") == "cluster")
    url = env.get("STARLING_DATABASE_URL", "")
    pg = env_of(services.get("postgres", {}))
    m = re.match(r"postgres://([^:@]+)(?::([^@]*))?@([^:/]+):(\d+)/(\w+)", url)
    check(f"{role}: STARLING_DATABASE_URL points at the postgres service with its user and database",
          m is not None and m.group(3) == "postgres" and m.group(1) == pg.get("POSTGRES_USER")
          and m.group(5) == pg.get("POSTGRES_DB") and (m.group(2) or "") == pg.get("POSTGRES_PASSWORD", ""), url)
check("PostgreSQL keeps its data in a named volume",
      any(str(v).startswith("pgdata:") or (isinstance(v, dict) and v.get("source") == "pgdata")
          for v in services.get("postgres", {}).get("volumes", [])) and "pgdata" in config.get("volumes", {}))

missing = []
for name, service in services.items():
    for v in service.get("volumes", []):
        src = v.split(":")[0] if isinstance(v, str) else (v.get("source") if v.get("type") == "bind" else None)
        if src and src.startswith("/") and not os.path.exists(src):
            missing.append(f"{name}: {src}")
check("every bind-mounted file exists", not missing, "; ".join(missing))

# ---------------------------------------------------------------------------
# Shared configuration files and the Dockerfile
# ---------------------------------------------------------------------------

if shutil.which("haproxy"):
    env = dict(os.environ, STARLING_HAPROXY_BIND=":8080", STARLING_HAPROXY_STATS_BIND=":8404")
    p = run(["haproxy", "-c", "-f", "deploy/haproxy/haproxy.cfg", "-f", "deploy/haproxy/compose-servers.cfg"], env=env)
    check("haproxy -c: deploy/haproxy/haproxy.cfg + compose-servers.cfg", p.returncode == 0, (p.stdout + p.stderr).strip()[-500:])
    with tempfile.NamedTemporaryFile("w", suffix=".cfg", delete=False) as tmp:
        tmp.write("backend starling_api\n    server api1 127.0.0.1:1 check\n")
    p = run(["haproxy", "-c", "-f", "deploy/haproxy/haproxy.cfg", "-f", tmp.name], env=env)
    os.unlink(tmp.name)
    check("haproxy -c: deploy/haproxy/haproxy.cfg + a local servers.cfg (cluster/)", p.returncode == 0,
          (p.stdout + p.stderr).strip()[-500:])
    hp_cmd = " ".join(command_of(haproxy))
    check("the haproxy service loads the shared haproxy.cfg and compose-servers.cfg",
          "haproxy.cfg" in hp_cmd and "compose-servers.cfg" in hp_cmd, hp_cmd)
else:
    print("skip haproxy -c (haproxy not installed)")

if shutil.which("promtool"):
    p = run(["promtool", "check", "config", "deploy/prometheus/prometheus.yml"])
    check("promtool check config deploy/prometheus/prometheus.yml (and its alert rules)", p.returncode == 0,
          (p.stdout + p.stderr).strip()[-500:])
else:
    rules = prometheus.get("rule_files", [])
    check("prometheus.yml's rule files exist", all(os.path.exists(os.path.join(ROOT, "deploy/prometheus", r)) for r in rules))

with open(dockerfile, encoding="utf-8") as f:
    docker = f.read()
froms = re.findall(r"^FROM\s+(\S+)", docker, re.M)
args = dict(re.findall(r"^ARG\s+(\w+)=(\S+)", docker, re.M))
resolved = [re.sub(r"\$\{(\w+)\}", lambda mm: args.get(mm.group(1), mm.group(0)), f) for f in froms]
check("Dockerfile: multi-stage, built with the official Swift 6 image, run on debian:bookworm-slim",
      len(resolved) >= 2 and re.match(r"swift:6\.\d+", resolved[0]) and resolved[-1] == "debian:bookworm-slim",
      " -> ".join(resolved))
check("Dockerfile: builds the starling product in release mode",
      re.search(r"swift build -c release --product starling\b", docker) is not None)
check("Dockerfile: builds the starling-loadtest product and installs it next to starling (what `starling loadtest` runs)",
      re.search(r"swift build -c release --product starling-loadtest\b", docker) is not None
      and re.search(r"/staging/starling-loadtest\b", docker) is not None)
user = re.findall(r"^USER\s+(\S+)", docker, re.M)
check("Dockerfile: runs as a non-root user", bool(user) and user[-1].split(":")[0] not in ("0", "root"), f"USER {user}")
check("Dockerfile: HEALTHCHECK against /health", re.search(r"^HEALTHCHECK .*starling-healthcheck", docker, re.M) is not None
      and "/health" in read("deploy/docker/healthcheck"))
check('Dockerfile: ENTRYPOINT ["starling"]', re.search(r'^ENTRYPOINT \["starling"\]', docker, re.M) is not None)
check("Dockerfile: the runtime installs libhiredis", "libhiredis0.14" in docker)
ignored = [line.strip() for line in read(".dockerignore").splitlines() if line.strip() and not line.startswith("#")]
needed = ["Package.swift", "Sources", "Tests", "deploy"]
check(".dockerignore keeps what the build needs and drops build outputs",
      not [n for n in needed if n in ignored] and ".build" in ignored and ".git" in ignored, ", ".join(ignored))

finish()
