#!/usr/bin/env python3
"""Renders deploy/prometheus/prometheus.yml for a deployment without DNS service discovery.

Usage: render-static.py SOURCE OUTPUT JOB=HOST:PORT,HOST:PORT [JOB=...]
  e.g. render-static.py deploy/prometheus/prometheus.yml .cluster/prometheus/prometheus.yml \
         starling-api=127.0.0.1:24001,127.0.0.1:24002 starling-worker=127.0.0.1:24003

The output is the source with each named job's dns_sd_configs replaced by static_configs listing
the given targets, and rule_files made absolute (relative to the source's folder), so
cluster/starling-cluster and docker-compose.yml scrape the same jobs with the same settings and
the same alerting rules. Needs python3 with PyYAML (Debian: python3-yaml).
"""

import os
import sys

import yaml


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    source, output = argv[1], argv[2]
    targets = {}
    for arg in argv[3:]:
        job, _, addrs = arg.partition("=")
        targets[job] = [a for a in addrs.split(",") if a]
    with open(source, encoding="utf-8") as f:
        config = yaml.safe_load(f)
    base = os.path.dirname(os.path.abspath(source))
    config["rule_files"] = [p if os.path.isabs(p) else os.path.join(base, p) for p in config.get("rule_files", [])]
    seen = set()
    for job in config.get("scrape_configs", []):
        name = job["job_name"]
        if name not in targets:
            continue
        seen.add(name)
        job.pop("dns_sd_configs", None)
        job["static_configs"] = [{"targets": targets[name]}]
    missing = set(targets) - seen
    if missing:
        sys.exit(f"render-static.py: no job named {', '.join(sorted(missing))} in {source}")
    os.makedirs(os.path.dirname(os.path.abspath(output)), exist_ok=True)
    with open(output, "w", encoding="utf-8") as f:
        f.write(f"# Rendered from {os.path.abspath(source)} by {os.path.basename(argv[0])}; do not edit.\n")
        yaml.safe_dump(config, f, sort_keys=False)


if __name__ == "__main__":
    main(sys.argv)
