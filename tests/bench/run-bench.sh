#!/usr/bin/env bash
# Resolve benchmark of the foundation: the example document resolved DOCS
# times (default 1000) without link checks, (a) embedded and (b) as separate
# processes over tcp loopback (deploy/run-local.sh), each next to direct
# in-process split+parse calls. Prints docs/s and p50/p99 latency, and for
# (b) where the CPU went: each service's user and system time per document
# (the services are idle during bench_resolve's direct run).
#   tests/bench/run-bench.sh [BUILD_DIR]
# EX=FILE resolves another document (a small one shows the bus's fixed cost
# per message); DOCS, CONC (in flight, default 8) as named.
set -euo pipefail
cd "$(dirname "$0")/../.."
B=${1:-build}/bin
DOCS=${DOCS:-1000}
CONC=${CONC:-8}
EX=${EX:-examples/kamervragen-antwoord-2025-palantir.txt}
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
# clock ticks of user and system time of each service
ticks() {
  local f
  for f in "$RUN_DIR"/pids/*.pid; do
    echo "$(basename "$f" .pid) $(awk '{print $14, $15}' "/proc/$(cat "$f")/stat")"
  done
}
ticks >"$RUN_DIR/t0"
"$B/bench_resolve" --connect "$api" --docs "$DOCS" --concurrency "$CONC" "$EX"
ticks >"$RUN_DIR/t1"
hz=$(getconf CLK_TCK)
echo "CPU per document over tcp (ms; bench_resolve itself not shown):"
join "$RUN_DIR/t0" "$RUN_DIR/t1" | awk -v hz="$hz" -v n="$DOCS" '
  { u = ($4 - $2) / hz * 1000 / n; s = ($5 - $3) / hz * 1000 / n
    if (u + s > 0) printf "  %-12s user %6.3f  sys %6.3f\n", $1, u, s }'
