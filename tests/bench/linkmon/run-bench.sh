#!/usr/bin/env bash
# Link monitor scale benchmark: a SQLite store with 10k, 100k and 1M
# watched sources (claim of the next batch due at each size, with the query
# plan) and 100,000 documents citing 10 sources each (the report).
#   tests/bench/linkmon/run-bench.sh [BUILD_DIR] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/../../.."
B=${1:-build-release}/bin
ROUNDS=${2:-50}
[ -x "$B/bench_linkmon" ] || { echo "build bench_linkmon first (Release or RelWithDebInfo, VP_BENCH=ON)" >&2; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vp-lm-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
"$B/bench_linkmon" "$tmp/bench.db" "$ROUNDS"
echo "store size: $(du -sh "$tmp" | cut -f1)"
