#!/usr/bin/env bash
# Resolve benchmark of the foundation: the example document resolved DOCS
# times (default 1000) without link checks, (a) embedded and (b) as separate
# processes over tcp loopback (deploy/run-local.sh), each next to direct
# in-process split+parse calls. Prints docs/s and p50/p99 latency.
#   tests/bench/run-bench.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
B=${1:-build}/bin
DOCS=${DOCS:-1000}
CONC=${CONC:-8}
EX=examples/kamervragen-antwoord-2025-palantir.txt
[ -x "$B/bench_resolve" ] || { echo "build first: scripts/setup.sh" >&2; exit 1; }
echo "== embedded"
"$B/bench_resolve" --docs "$DOCS" --concurrency "$CONC" "$EX"
echo "== separate processes over tcp loopback (1 splitter, 2 parsers)"
export RUN_DIR; RUN_DIR=$(mktemp -d)
# loopback only: the fetcher's public archive/lookup services stay off
export VP_FETCH_WAYBACK_URL= VP_FETCH_TIMEGATE_URL= VP_FETCH_SRU_URL= VP_FETCH_ODATA_URL=
export VP_BIN=$B VP_API_PORT=${VP_API_PORT:-27100} VP_WORK_PORT=${VP_WORK_PORT:-27101} VP_PUB_PORT=${VP_PUB_PORT:-27102} VP_LOG_LEVEL=warn
trap 'deploy/run-local.sh stop >/dev/null; rm -rf "$RUN_DIR"' EXIT
api=$(deploy/run-local.sh start)
"$B/bench_resolve" --connect "$api" --docs "$DOCS" --concurrency "$CONC" "$EX"
