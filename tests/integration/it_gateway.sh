#!/usr/bin/env bash
# vp-gateway over real HTTP in front of the local topology: the endpoints
# answer what the CLI prints, bad input gets the right status as
# application/problem+json, and 1,000 idle connections do not stop it
# serving.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
export VP_FETCH_ALLOW=127.0.0.1 VP_FETCH_HOST_RATE=0
start_topology
start_fixture
EX="$ROOT/examples/kamervragen-antwoord-2025-palantir.txt"
GW_PID=
# stop the gateway, then lib.sh's cleanup (the topology, RUN_DIR)
trap 'rc=$?; [ -z "$GW_PID" ] || kill "$GW_PID" 2>/dev/null || true; cleanup $rc' EXIT
start_gw() { # extra options...
  [ -z "$GW_PID" ] || { kill "$GW_PID"; wait "$GW_PID" 2>/dev/null || true; }
  "$VP_BIN/vp-gateway" --connect "$API" --http-listen http://127.0.0.1:0 "$@" \
    >"$RUN_DIR/gw.out" 2>>"$RUN_DIR/logs/gateway.log" &
  GW_PID=$!
  for _ in $(seq 1 200); do grep -q '^port=' "$RUN_DIR/gw.out" 2>/dev/null && break; sleep 0.1; done
  GW="http://127.0.0.1:$(sed -n 's/^port=//p' "$RUN_DIR/gw.out")"
  [ "$GW" != "http://127.0.0.1:" ] || fail "vp-gateway did not start: $(cat "$RUN_DIR/logs/gateway.log")"
}
# status CODE of a request: st METHOD PATH [curl args...]
st() { local m=$1 p=$2; shift 2; curl -s -o "$RUN_DIR/body" -w '%{http_code}' -X "$m" "$@" "$GW$p"; }
problem() { # the last body is problem+json with this status
  jq -e --argjson s "$1" '.status == $s and (.title | length > 0) and (.detail | length > 0)' \
    "$RUN_DIR/body" >/dev/null || fail "not a problem+json $1: $(head -c 300 "$RUN_DIR/body")"
}

start_gw --http-body-max 200000
[ "$(st GET /healthz)" = 200 ] || fail "/healthz"
[ "$(st GET /readyz)" = 200 ] || fail "/readyz with the dispatcher up"
# resolve: the same citations as the CLI's embedded run
vp_resolve --format json "$EX" | jq -c '[.citations[] | .id] | sort' >"$RUN_DIR/want"
[ "$(st POST /v1/resolve -H 'Content-Type: text/plain' --data-binary @"$EX")" = 200 ] ||
  fail "resolve: $(head -c 300 "$RUN_DIR/body")"
[ "$(jq -c '[.citations[] | .id] | sort' "$RUN_DIR/body")" = "$(cat "$RUN_DIR/want")" ] ||
  fail "resolve through the gateway differs from the embedded run"
# parse: JSON array, or ndjson when asked
[ "$(st POST /v1/parse -H 'Content-Type: text/plain' -d 'Zie Stb. 2020, 1 en ECLI:NL:HR:2020:1.')" = 200 ] || fail "parse"
jq -e 'length == 2 and .[0].id == "stb-2020-1" and .[0].start == 4' "$RUN_DIR/body" >/dev/null ||
  fail "parse answer: $(cat "$RUN_DIR/body")"
[ "$(st POST /v1/parse -H 'Content-Type: text/plain' -H 'Accept: application/x-ndjson' -d 'Stb. 2020, 1')" = 200 ] || fail "parse ndjson"
[ "$(jq -s length "$RUN_DIR/body")" = 1 ] || fail "parse ndjson: $(cat "$RUN_DIR/body")"

# bad input
[ "$(st POST /v1/resolve -H 'Content-Type: image/png' -d x)" = 415 ] || fail "wrong content type"; problem 415
head -c 300000 /dev/zero | tr '\0' a >"$RUN_DIR/big.txt"
[ "$(st POST /v1/parse -H 'Content-Type: text/plain' --data-binary @"$RUN_DIR/big.txt")" = 413 ] || fail "oversized body"; problem 413
[ "$(st GET /v1/resolve)" = 405 ] || fail "GET on a POST endpoint"; problem 405
[ "$(st GET /nowhere)" = 404 ] || fail "unknown path"; problem 404
# check makes the server fetch URLs: refused without a token ...
[ "$(st POST /v1/check -d '["http://example.org/"]')" = 403 ] || fail "check without a token"; problem 403
# ... and with one, malformed JSON is a 400
start_gw --http-token s3cret
[ "$(st POST /v1/parse -H 'Content-Type: text/plain' -d 'Stb. 2020, 1')" = 401 ] || fail "no token"; problem 401
[ "$(st POST /v1/parse -H 'Content-Type: text/plain' -H 'Authorization: Bearer wrong' -d 'Stb. 2020, 1')" = 401 ] || fail "wrong token"
[ "$(st POST /v1/parse -H 'Content-Type: text/plain' -H 'Authorization: Bearer s3cret' -d 'Stb. 2020, 1')" = 200 ] || fail "right token"
[ "$(st POST /v1/check -H 'Authorization: Bearer s3cret' -d '["http://x", ')" = 400 ] || fail "malformed JSON"; problem 400
[ "$(st POST /v1/check -H 'Authorization: Bearer s3cret' -d '{"urls": 5}')" = 400 ] || fail "no URL list"; problem 400
[ "$(st GET /healthz)" = 200 ] || fail "/healthz needs no token"
# /v1/check streams: the lines come in request order as they are ready, so
# the fast URLs before a slow one arrive before the slow one is done
python3 - "$GW" "$FIXTURE" <<'PY' || fail "check does not stream"
import http.client, json, sys, time
gw, fx = sys.argv[1], sys.argv[2]
urls = [fx + "/ok?i=%d" % i for i in range(6)] + [fx + "/slow?ms=3000"] + [fx + "/ok?j=%d" % i for i in range(3)]
host, port = gw[len("http://"):].split(":")
c = http.client.HTTPConnection(host, int(port), timeout=60)
t0 = time.monotonic()
c.request("POST", "/v1/check", json.dumps(urls), {"Authorization": "Bearer s3cret"})
r = c.getresponse()
assert r.status == 200, r.status
assert r.getheader("Content-Type") == "application/x-ndjson"
seen = []
while True:
    line = r.readline()
    if not line:
        break
    seen.append((time.monotonic() - t0, json.loads(line)))
total = time.monotonic() - t0
got = [o["url"] for _, o in seen]
assert got == urls, got
assert all(o["status"] == "ok" for _, o in seen), [o["status"] for _, o in seen]
first = seen[0][0]
print("check stream: first line after %.2f s, all %d after %.2f s" % (first, len(seen), total))
assert total >= 2.5 and first < total - 1.5, (first, total)
PY

# 1,000 idle connections, then good requests are still served
start_gw
python3 - "$GW" "$RUN_DIR/idle.ok" <<'PY' &
import resource, socket, sys, time
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 4096)), hard))
host, port = sys.argv[1].rsplit(":", 1)
conns = []
for _ in range(1000):
    s = socket.create_connection(("127.0.0.1", int(port)))
    conns.append(s)
open(sys.argv[2], "w").write("1000\n")
print("idle: 1000 connections open", flush=True)
time.sleep(8)
PY
idle=$!
for _ in $(seq 1 100); do [ -e "$RUN_DIR/idle.ok" ] && break; sleep 0.1; done
[ -e "$RUN_DIR/idle.ok" ] || fail "could not open 1,000 idle connections to the gateway"
for i in 1 2 3; do
  [ "$(st POST /v1/parse -H 'Content-Type: text/plain' -d 'Stb. 2020, 1' --max-time 5)" = 200 ] || fail "a request beside 1,000 idle connections was not served"
done
curl -s "$GW/metrics" | grep -q '^vp_gateway_connections ' || fail "/metrics"
kill $idle 2>/dev/null || true
# a form post to parse is the wrong type
[ "$(st POST /v1/parse -d 'Stb. 2020, 1')" = 415 ] || fail "parse of a form post"; problem 415
# the dispatcher gone: 503 with Retry-After, and /readyz says so
start_gw --http-timeout-ms 2000
"$ROOT/deploy/run-local.sh" stop >/dev/null
[ "$(st GET /readyz)" = 503 ] || fail "/readyz without a dispatcher"
code=$(curl -s -D "$RUN_DIR/hdr" -o "$RUN_DIR/body" -w '%{http_code}' -X POST \
  -H 'Content-Type: text/plain' -d 'Stb. 2020, 1' --max-time 20 "$GW/v1/parse" || true)
[ "$code" = 503 ] || fail "parse without a dispatcher: $code"
problem 503
grep -qi '^Retry-After:' "$RUN_DIR/hdr" || fail "503 without Retry-After"
kill "$GW_PID" 2>/dev/null || true; GW_PID=

# `vindplaats serve --http-listen`: the same API from the one-process server
pick_ports
HP=$((VP_PUB_PORT + 1))
"$VP_BIN/vindplaats" serve --listen "tcp://0.0.0.0:$VP_API_PORT" \
  --work-listen "tcp://127.0.0.1:$VP_WORK_PORT" --pub-listen "tcp://127.0.0.1:$VP_PUB_PORT" \
  --linkmon-db "$RUN_DIR/serve.db" --http-listen "http://127.0.0.1:$HP" \
  2>"$RUN_DIR/logs/serve.log" &
GW_PID=$!
GW="http://127.0.0.1:$HP"
for _ in $(seq 1 100); do [ "$(st GET /readyz)" = 200 ] && break; sleep 0.1; done
[ "$(st GET /readyz)" = 200 ] || fail "serve --http-listen: not ready: $(cat "$RUN_DIR/logs/serve.log")"
[ "$(st POST /v1/resolve -H 'Content-Type: text/plain' --data-binary @"$EX")" = 200 ] ||
  fail "serve --http-listen resolve: $(head -c 300 "$RUN_DIR/body")"
[ "$(jq -c '[.citations[] | .id] | sort' "$RUN_DIR/body")" = "$(cat "$RUN_DIR/want")" ] ||
  fail "resolve through serve --http-listen differs from the embedded run"
echo "it_gateway: ok"
