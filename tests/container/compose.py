#!/usr/bin/env python3
"""Reads docker-compose.yml and prints its topology as bash assignments for
tests/container/run.sh, so that the pod runs what the compose file says:

  SERVICES=(dispatcher splitter ...)   in start order (depends_on first)
  IMAGE_<s>=...  REPLICAS_<s>=N  CMD_<s>=(...)  ENV_<s>=(K=V ...)
  HC_<s>=(...)   the health check as a command (CMD-SHELL becomes sh -c)
  VOL_<s>=(name:/path ...)  TMPFS_<s>=(/path ...)  RO_<s>=0|1  USER_<s>=...
  VOLUMES=(name ...)    the named volumes

<s> is the service name with every character outside [A-Za-z0-9] made _.
Only what a pod can run is read; ports and networks are left out (the pod
has its own loopback only). Usage: compose.py [FILE]"""
import re
import shlex
import sys

import yaml


def die(msg):
    sys.stderr.write("compose.py: %s\n" % msg)
    sys.exit(2)


def var(name):
    return re.sub(r"[^A-Za-z0-9]", "_", name)


def words(v, what):
    if v is None:
        return []
    if isinstance(v, str):
        return shlex.split(v)
    if isinstance(v, list) and all(isinstance(w, (str, int, float)) for w in v):
        return [str(w) for w in v]
    die("%s: neither a string nor a list of words" % what)


def env_of(v, what):
    if v is None:
        return []
    if isinstance(v, dict):
        out = []
        for k, x in v.items():
            if x is None:
                continue  # taken from the caller's environment: not here
            if isinstance(x, bool):
                x = "true" if x else "false"
            out.append("%s=%s" % (k, x))
        return out
    if isinstance(v, list):
        return [str(x) for x in v if "=" in str(x)]
    die("%s: environment is neither a map nor a list" % what)


def healthcheck(v, what):
    if not v or v.get("disable"):
        return []
    t = v.get("test")
    if isinstance(t, str):
        return ["sh", "-c", t]
    t = words(t, what + ".test")
    if not t or t[0] == "NONE":
        return []
    if t[0] == "CMD":
        return t[1:]
    if t[0] == "CMD-SHELL":
        return ["sh", "-c", " ".join(t[1:])]
    die("%s: test must start with CMD, CMD-SHELL or NONE" % what)


def start_order(services):
    order, seen = [], {}

    def visit(s, path):
        if seen.get(s) == 2:
            return
        if seen.get(s) == 1:
            die("depends_on has a cycle: %s" % " -> ".join(path + [s]))
        seen[s] = 1
        dep = services[s].get("depends_on") or []
        if isinstance(dep, dict):
            dep = list(dep)
        for d in dep:
            if d not in services:
                die("%s depends on unknown service %s" % (s, d))
            visit(d, path + [s])
        seen[s] = 2
        order.append(s)

    for s in services:
        visit(s, [])
    return order


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "docker-compose.yml"
    with open(path, encoding="utf-8") as f:
        doc = yaml.safe_load(f)  # safe_load resolves <<: merge keys
    if not isinstance(doc, dict) or not isinstance(doc.get("services"), dict):
        die("%s: no services" % path)
    services = doc["services"]
    out = []

    def arr(name, items):
        out.append("%s=(%s)" % (name, " ".join(shlex.quote(i) for i in items)))

    def one(name, value):
        out.append("%s=%s" % (name, shlex.quote(str(value))))

    order = start_order(services)
    arr("SERVICES", order)
    arr("VOLUMES", list((doc.get("volumes") or {}).keys()))
    for s in order:
        c = services[s] or {}
        v = var(s)
        one("IMAGE_" + v, c.get("image", ""))
        reps = ((c.get("deploy") or {}).get("replicas"))
        one("REPLICAS_" + v, 1 if reps is None else int(reps))
        arr("CMD_" + v, words(c.get("command"), s + ".command"))
        arr("ENV_" + v, env_of(c.get("environment"), s))
        arr("HC_" + v, healthcheck(c.get("healthcheck"), s + ".healthcheck"))
        vols = []
        for m in c.get("volumes") or []:
            if not isinstance(m, str) or ":" not in m:
                die("%s: volumes: only NAME:PATH is read here" % s)
            vols.append(m)
        arr("VOL_" + v, vols)
        tmpfs = c.get("tmpfs") or []
        arr("TMPFS_" + v, [tmpfs] if isinstance(tmpfs, str) else tmpfs)
        one("RO_" + v, 1 if c.get("read_only") else 0)
        one("USER_" + v, c.get("user", ""))
    print("\n".join(out))


if __name__ == "__main__":
    main()
