#!/usr/bin/env python3
"""Checks the rendered Kubernetes manifests against the code.

Reads the output of `kubectl kustomize` (multi-document YAML) and the
project's binaries, and fails when the manifests name something the code does
not have or skip what the deployment promises:
  - every Vindplaats container runs a binary the project builds, from the
    project's image; other images only from the allow list (the example
    overlay's PostgreSQL);
  - every environment variable of a Vindplaats container is one its binary
    reads (`BINARY --help` lists each option's variable);
  - every probe's port is a port the container declares, on the path the
    service serves (/healthz, /readyz), and that port is the one the
    container's own listen variable (VP_ADMIN_LISTEN or VP_HTTP_LISTEN) opens;
  - every container port that a *_LISTEN variable opens is declared;
  - every Service selects a workload and targets a port it declares;
  - every HPA scales a Deployment that exists; every secretKeyRef names a
    Secret that exists or is optional;
  - every pod runs as non-root with a read-only root filesystem, no
    privilege escalation, and resource requests;
  - the fetcher, and only the fetcher, may reach the internet, and not the
    private ranges.

usage: check_k8s.py RENDERED.yaml BIN_DIR [--base]
(--base: a base leaves the Secrets to its overlays)
"""
import re
import subprocess
import sys

import yaml

OTHER_IMAGES = {"postgres"}
PRIVATE = {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16"}
fails = []


def fail(msg):
    fails.append(msg)
    print("FAIL:", msg, file=sys.stderr)


def env_of(binary, cache={}):
    if binary not in cache:
        out = subprocess.run([binary, "--help"], capture_output=True, text=True).stdout
        cache[binary] = set(re.findall(r"env (VP_[A-Z0-9_]+)", out))
    return cache[binary]


def port_of_url(url):
    m = re.search(r":(\d+)$", url or "")
    return int(m.group(1)) if m else None


def main():
    rendered, bindir = sys.argv[1], sys.argv[2]
    base = sys.argv[3:] == ["--base"]
    docs = [d for d in yaml.safe_load_all(open(rendered)) if d]
    by_kind = {}
    for d in docs:
        by_kind.setdefault(d["kind"], []).append(d)
    secrets = {d["metadata"]["name"] for d in by_kind.get("Secret", [])}
    workloads = by_kind.get("Deployment", []) + by_kind.get("StatefulSet", [])
    deployments = {d["metadata"]["name"] for d in by_kind.get("Deployment", [])}
    n_containers = 0
    for w in workloads:
        name = w["metadata"]["name"]
        pod = w["spec"]["template"]["spec"]
        psc = pod.get("securityContext", {})
        if not psc.get("runAsNonRoot"):
            fail("%s: pod does not set runAsNonRoot" % name)
        for c in pod["containers"]:
            n_containers += 1
            where = "%s/%s" % (name, c["name"])
            image = c.get("image", "")
            repo = image.rsplit("/", 1)[-1].split(":")[0]
            csc = c.get("securityContext", {})
            if not csc.get("readOnlyRootFilesystem"):
                fail("%s: root filesystem not read-only" % where)
            if csc.get("allowPrivilegeEscalation") is not False:
                fail("%s: privilege escalation not off" % where)
            if not c.get("resources", {}).get("requests"):
                fail("%s: no resource requests" % where)
            ports = {p.get("name"): p["containerPort"] for p in c.get("ports", [])}
            numbers = set(ports.values())
            if repo in OTHER_IMAGES:
                continue
            if repo != "vindplaats":
                fail("%s: image %s is not the project's" % (where, image))
            cmd = (c.get("command") or [""])[0]
            binary = "%s/%s" % (bindir, cmd)
            try:
                known = env_of(binary)
            except OSError:
                fail("%s: command %s is not a binary the project builds" % (where, cmd))
                continue
            listen_ports = {}
            for e in c.get("env", []):
                if e["name"] not in known:
                    fail("%s: %s does not read %s" % (where, cmd, e["name"]))
                ref = e.get("valueFrom", {}).get("secretKeyRef")
                if ref and ref["name"] not in secrets and not ref.get("optional") and not base:
                    fail("%s: Secret %s does not exist" % (where, ref["name"]))
                if e["name"].endswith("_LISTEN") and "value" in e:
                    p = port_of_url(e["value"])
                    listen_ports[e["name"]] = p
                    if p not in numbers:
                        fail("%s: %s opens port %s, not declared" % (where, e["name"], p))
            health = listen_ports.get("VP_ADMIN_LISTEN") or listen_ports.get("VP_HTTP_LISTEN")
            for kind in ("livenessProbe", "readinessProbe"):
                pr = c.get(kind)
                if pr is None:
                    fail("%s: no %s" % (where, kind))
                    continue
                get = pr.get("httpGet", {})
                port = get.get("port")
                port = ports.get(port, port)
                if port not in numbers:
                    fail("%s: %s port %s not declared" % (where, kind, get.get("port")))
                if port != health:
                    fail("%s: %s probes port %s, the service serves health on %s" % (where, kind, port, health))
                want = "/healthz" if kind == "livenessProbe" else "/readyz"
                if get.get("path") != want:
                    fail("%s: %s path %s (want %s)" % (where, kind, get.get("path"), want))
    for s in by_kind.get("Service", []):
        sel = s["spec"].get("selector", {})
        targets = [w for w in workloads if all(
            w["spec"]["template"]["metadata"]["labels"].get(k) == v for k, v in sel.items())]
        if not targets:
            fail("Service %s selects no workload" % s["metadata"]["name"])
            continue
        declared = set()
        for w in targets:
            for c in w["spec"]["template"]["spec"]["containers"]:
                for p in c.get("ports", []):
                    declared.update([p.get("name"), p["containerPort"]])
        for p in s["spec"]["ports"]:
            if p.get("targetPort", p["port"]) not in declared:
                fail("Service %s: targetPort %s not declared" % (s["metadata"]["name"], p.get("targetPort")))
    for h in by_kind.get("HorizontalPodAutoscaler", []):
        if h["spec"]["scaleTargetRef"]["name"] not in deployments:
            fail("HPA %s scales a Deployment that does not exist" % h["metadata"]["name"])
    internet = []
    for np in by_kind.get("NetworkPolicy", []):
        for rule in np["spec"].get("egress", []):
            for to in rule.get("to", []):
                block = to.get("ipBlock")
                if block and block["cidr"] in ("0.0.0.0/0",):
                    internet.append(np["spec"]["podSelector"]["matchLabels"])
                    missing = PRIVATE - set(block.get("except", []))
                    if missing:
                        fail("NetworkPolicy %s lets the internet rule reach %s" % (np["metadata"]["name"], sorted(missing)))
    if [m.get("app.kubernetes.io/name", "") for m in internet] != [n for n in deployments if n.endswith("fetcher")]:
        fail("internet egress is for %s, want the fetcher only" % internet)
    print("k8s: %d objects, %d containers, %d problems" % (len(docs), n_containers, len(fails)))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
