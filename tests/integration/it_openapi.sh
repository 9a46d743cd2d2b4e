#!/usr/bin/env bash
# The gateway's OpenAPI document: the committed copy is what vp-gen-openapi
# generates from proto/messages.def now, the gateway serves that copy, and
# the live gateway's answers (good and bad input, every operation) match it
# (openapi_check.py).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
DOC="$ROOT/services/gateway/openapi.json"
"$VP_BIN/vp-gen-openapi" >"$RUN_DIR/openapi.json"
diff -q "$DOC" "$RUN_DIR/openapi.json" >/dev/null ||
  fail "services/gateway/openapi.json is stale: regenerate with vp-gen-openapi > services/gateway/openapi.json"
# Debian's python3 has python3-jsonschema (scripts/setup.sh --with-tests)
PY=python3
for p in /usr/bin/python3 python3; do
  if "$p" -c 'import jsonschema' 2>/dev/null; then PY=$p; break; fi
done
export VP_FETCH_ALLOW=127.0.0.1 VP_FETCH_HOST_RATE=0
start_topology
start_fixture
GW_PID=
trap 'rc=$?; [ -z "$GW_PID" ] || kill "$GW_PID" 2>/dev/null || true; cleanup $rc' EXIT
"$VP_BIN/vp-gateway" --connect "$API" --http-listen http://127.0.0.1:0 --http-token t0ken \
  >"$RUN_DIR/gw.out" 2>>"$RUN_DIR/logs/gateway.log" &
GW_PID=$!
for _ in $(seq 1 50); do grep -q '^port=' "$RUN_DIR/gw.out" 2>/dev/null && break; sleep 0.1; done
GW="http://127.0.0.1:$(sed -n 's/^port=//p' "$RUN_DIR/gw.out")"
[ "$GW" != "http://127.0.0.1:" ] || fail "vp-gateway did not start"
"$PY" "$(dirname "$0")/openapi_check.py" "$DOC" "$GW" t0ken "$FIXTURE" \
  "$ROOT/examples/kamervragen-antwoord-2025-palantir.txt"
echo "integration openapi: ok"
