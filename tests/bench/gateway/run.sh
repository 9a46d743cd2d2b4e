#!/usr/bin/env bash
# Gateway benchmark: the topology as processes on loopback (1 splitter,
# 2 parsers; deploy/run-local.sh) with vp-gateway in front; the example
# document resolved through the nng API and through HTTP (keep-alive,
# CONC in flight), in alternating rounds. Target: the gateway adds <= 25%.
#   tests/bench/gateway/run.sh [BUILD_DIR]     (DOCS, CONC, ROUNDS)
set -euo pipefail
cd "$(dirname "$0")/../../.."
B=${1:-build}/bin
[ -x "$B/bench_gateway" ] || { echo "build first: scripts/setup.sh" >&2; exit 1; }
export RUN_DIR; RUN_DIR=$(mktemp -d)
export VP_FETCH_WAYBACK_URL= VP_FETCH_TIMEGATE_URL= VP_FETCH_SRU_URL= VP_FETCH_ODATA_URL=
export VP_BIN=$B VP_API_PORT=${VP_API_PORT:-27200} VP_WORK_PORT=${VP_WORK_PORT:-27201} VP_PUB_PORT=${VP_PUB_PORT:-27202} VP_LOG_LEVEL=warn
gw=
trap '[ -z "$gw" ] || kill "$gw"; deploy/run-local.sh stop >/dev/null; rm -rf "$RUN_DIR"' EXIT
api=$(deploy/run-local.sh start)
"$B/vp-gateway" --connect "$api" --http-listen http://127.0.0.1:0 >"$RUN_DIR/gw.out" 2>/dev/null &
gw=$!
for _ in $(seq 1 50); do grep -q '^port=' "$RUN_DIR/gw.out" 2>/dev/null && break; sleep 0.1; done
port=$(sed -n 's/^port=//p' "$RUN_DIR/gw.out")
"$B/bench_gateway" --connect "$api" --http "http://127.0.0.1:$port" \
  --docs "${DOCS:-1000}" --concurrency "${CONC:-8}" --rounds "${ROUNDS:-5}" \
  examples/kamervragen-antwoord-2025-palantir.txt
