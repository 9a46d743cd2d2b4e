#!/usr/bin/env bash
# Parser benchmark: generates 100 MB of parliamentary-style text (gen_text.py)
# and runs bench_parser on it: MB/s at 1 MB and at 100 MB, and the
# pathological suite against the normal per-byte cost.
#   tests/bench/parser/run-bench.sh [BUILD_DIR] [MEGABYTES]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
B=${1:-build-release}/bin
MB=${2:-100}
[ -x "$B/bench_parser" ] || { echo "build bench_parser first (Release, VP_BENCH=ON)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 "$here/gen_text.py" "$tmp/text.txt" "$MB"
"$B/bench_parser" "$tmp/text.txt"
