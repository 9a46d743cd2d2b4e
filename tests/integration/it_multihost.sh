#!/usr/bin/env bash
# Beyond one machine: three "hosts" made of Linux network namespaces joined by
# veth pairs (addresses only inside those namespaces). Host 1 runs the
# dispatcher and the gateway, hosts 2 and 3 run workers that dial host 1 over
# their link. 1,000 documents are resolved through the gateway (8 in
# flight); a third of the way in, host 3 is removed: its processes killed,
# then its link deleted. Every document must be answered exactly once, with
# its own citation. Skipped (77) where namespaces cannot be made (not root,
# no CAP_SYS_ADMIN, no iproute2).
set -euo pipefail
VP_BIN=${VP_BIN:?VP_BIN must point at the binaries}
N_DOCS=${MULTIHOST_DOCS:-1000}
tag="vp$$"
H1="${tag}h1" H2="${tag}h2" H3="${tag}h3"
RUN_DIR=$(mktemp -d "${TMPDIR:-/tmp}/vp-mh.XXXXXX")
pids=()

cleanup() {
  local rc=$?
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  for ns in "$H1" "$H2" "$H3"; do ip netns del "$ns" 2>/dev/null || true; done
  if [ $rc -ne 0 ] && [ $rc -ne 77 ]; then
    echo "--- logs of the failed run ---" >&2
    tail -n 20 "$RUN_DIR"/*.log >&2 2>/dev/null || true
  fi
  rm -rf "$RUN_DIR"
  exit $rc
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

if ! command -v ip >/dev/null || ! ip netns add "$H1" 2>/dev/null; then
  echo "SKIP: cannot make network namespaces here (needs root and iproute2)"
  exit 77
fi
ip netns add "$H2"
ip netns add "$H3"
for ns in "$H1" "$H2" "$H3"; do ip -n "$ns" link set lo up; done
# host 1 <-> host 2 on 10.77.1.0/24, host 1 <-> host 3 on 10.77.2.0/24
link() { # ns-a ns-b subnet-octet
  ip link add "${tag}a$3" netns "$1" type veth peer name "${tag}b$3" netns "$2"
  ip -n "$1" addr add "10.77.$3.1/24" dev "${tag}a$3"
  ip -n "$2" addr add "10.77.$3.2/24" dev "${tag}b$3"
  ip -n "$1" link set "${tag}a$3" up
  ip -n "$2" link set "${tag}b$3" up
}
link "$H1" "$H2" 1
link "$H1" "$H3" 2

export VP_LOG_LEVEL=warn
# starts a command in a namespace; its pid is LAST (no command substitution:
# a subshell would not record it in pids)
on() { # ns log command...
  local ns=$1 log=$2; shift 2
  ip netns exec "$ns" "$@" >>"$RUN_DIR/$log.log" 2>&1 &
  LAST=$!
  pids+=("$LAST")
}
on "$H1" dispatcher "$VP_BIN/vp-dispatcher" --api-listen tcp://127.0.0.1:7100 \
  --work-listen tcp://0.0.0.0:7101 --pub-listen "" --lease-ms 5000
on "$H1" gateway "$VP_BIN/vp-gateway" --connect tcp://127.0.0.1:7100 \
  --http-listen http://127.0.0.1:8080
h3_pids=()
for h in 2 3; do
  ns_var="H$h"
  for kind in splitter parser; do
    on "${!ns_var}" "$kind-h$h" "$VP_BIN/vp-$kind" --dispatcher "tcp://10.77.$((h - 1)).1:7101" --contexts 2
    [ "$h" = 3 ] && h3_pids+=("$LAST")
  done
done
# ready: the gateway answers a document
ok=0
for _ in $(seq 1 100); do
  if ip netns exec "$H1" curl -s -o /dev/null -w '%{http_code}' -X POST \
      -H 'Content-Type: text/plain' -d 'Stb. 2020, 1' http://127.0.0.1:8080/v1/resolve | grep -q 200; then
    ok=1; break
  fi
  sleep 0.1
done
[ "$ok" = 1 ] || fail "the gateway on host 1 does not answer"

# host 3 goes away a third of the way in: processes killed, then at once its
# link, so their connections' FINs may never reach host 1: the jobs they
# held come back when their lease ends (--lease-ms 5000 here, 60 s by
# default), the case of a host that vanishes from the network
cut_at=$((N_DOCS / 3))
cat >"$RUN_DIR/cut.sh" <<CUT
kill -9 ${h3_pids[*]} 2>/dev/null
ip -n "$H1" link del "${tag}a2"
CUT
ip netns exec "$H1" python3 - "$N_DOCS" "$cut_at" "$RUN_DIR/cut.sh" <<'PY'
import concurrent.futures, http.client, json, subprocess, sys, threading
n, cut_at, cut = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
local = threading.local()
done = 0
lock = threading.Lock()
cut_done = threading.Event()

def conn():
    if not hasattr(local, "c"):
        local.c = http.client.HTTPConnection("127.0.0.1", 8080, timeout=120)
    return local.c

def one(i):
    global done
    body = ("Zie Kamerstukken II 2020/21, 35 %03d, nr. %d." % (i % 1000, i + 1)).encode()
    for attempt in range(3):
        try:
            c = conn()
            c.request("POST", "/v1/resolve?name=doc-%d" % i, body, {"Content-Type": "text/plain"})
            r = c.getresponse()
            data = r.read()
            break
        except (ConnectionError, http.client.HTTPException):
            local.__dict__.pop("c", None)
    else:
        return i, None, "no answer"
    with lock:
        done += 1
        if done == cut_at and not cut_done.is_set():
            cut_done.set()
            subprocess.run(["sh", cut], check=False)
    if r.status != 200:
        return i, r.status, data[:200].decode(errors="replace")
    doc = json.loads(data)
    return i, doc["name"], [c["id"] for c in doc["citations"]]

answers = {}
bad = []
with concurrent.futures.ThreadPoolExecutor(8) as ex:
    for i, name, ids in ex.map(one, range(n)):
        want = "kst-35%03d-%d" % (i % 1000, i + 1)
        if i in answers:
            bad.append("doc %d answered twice" % i)
        answers[i] = ids
        if name != "doc-%d" % i or ids != [want]:
            bad.append("doc %d: %s %s" % (i, name, ids))
missing = [i for i in range(n) if i not in answers]
print("multihost: %d documents, %d answered, %d wrong, host 3 cut after %d"
      % (n, len(answers), len(bad), cut_at))
for b in bad[:10]:
    print("  " + b, file=sys.stderr)
sys.exit(1 if bad or missing or not cut_done.is_set() else 0)
PY
# host 3 is gone: its link deleted, its workers dead
ip -n "$H1" link show "${tag}a2" >/dev/null 2>&1 && fail "host 3's link still there"
for p in "${h3_pids[@]}"; do
  st=$(awk '{print $3}' "/proc/$p/stat" 2>/dev/null || echo gone)
  [ "$st" = gone ] || [ "$st" = Z ] || fail "a host 3 worker still runs ($st)"
done
echo "integration multihost: ok"
