#!/usr/bin/env bash
# `vindplaats check` against `curl --parallel` on the same URL list, in one
# run, alternating (these machines are noisy: compare A/B side by side).
# The list is the fixture server's scale list (check-list.py scale: 2,000
# URLs, 70% 200, 10% 301, 10% 404, 5% 500, 5% slow 0.2-1 s), one host,
# politeness off and 64 connections for both.
#   tests/bench/fetcher/check-vs-curl.sh [BUILD_DIR] [ROUNDS] [N]
# Prints min/median/max wall seconds of each and the ratio of the medians.
set -euo pipefail
cd "$(dirname "$0")/../../.."
B=${1:-build}/bin
ROUNDS=${2:-5}
N=${3:-2000}
for x in "$B/vindplaats" "$B/vp-httpfix"; do
  [ -x "$x" ] || { echo "build first: scripts/setup.sh ($x missing)" >&2; exit 1; }
done
command -v curl >/dev/null || { echo "needs curl" >&2; exit 1; }
tmp=$(mktemp -d)
"$B/vp-httpfix" >"$tmp/fx.out" 2>&1 &
fx=$!
trap 'kill $fx 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 1 50); do grep -q '^port=' "$tmp/fx.out" && break; sleep 0.1; done
base="http://127.0.0.1:$(sed -n 's/^port=//p' "$tmp/fx.out")"
python3 tests/bench/fetcher/check-list.py "$base" scale "$N" 7 >"$tmp/urls.txt"
# curl's own form of the list: one -o /dev/null per URL
sed 's/^/url = "/; s/$/"\noutput = "\/dev\/null"/' "$tmp/urls.txt" >"$tmp/curl.cfg"
export VP_FETCH_WAYBACK_URL= VP_FETCH_TIMEGATE_URL= VP_FETCH_SRU_URL= VP_FETCH_ODATA_URL=

secs() { # runs "$@", prints its wall time in seconds
  local t0 t1
  t0=$(date +%s%N)
  "$@" >/dev/null 2>&1 || true
  t1=$(date +%s%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f\n", (b - a) / 1e9}'
}
vp_check() {
  VP_FETCH_HOST_RATE=0 VP_FETCH_HOST_CONNS=64 "$B/vindplaats" check \
    --allow 127.0.0.1 --quiet --format jsonl - <"$tmp/urls.txt" >"$tmp/vp.jsonl"
}
curl_all() { curl -s -L --parallel --parallel-max 64 -K "$tmp/curl.cfg"; }

: >"$tmp/a"; : >"$tmp/b"
for r in $(seq 1 "$ROUNDS"); do
  secs vp_check >>"$tmp/a"
  secs curl_all >>"$tmp/b"
done
stats() { sort -n "$1" | awk '{v[NR]=$1} END {printf "min %.3f  median %.3f  max %.3f", v[1], v[int((NR+1)/2)], v[NR]}'; }
echo "URLs: $N on one host ($(jq -r .status "$tmp/vp.jsonl" | sort | uniq -c | tr -s ' ' | paste -sd, -))"
echo "vindplaats check (rate 0, 64 conns): $(stats "$tmp/a") s"
echo "curl --parallel-max 64 -L:           $(stats "$tmp/b") s"
ma=$(sort -n "$tmp/a" | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}')
mb=$(sort -n "$tmp/b" | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}')
echo "ratio of medians: $(awk -v a="$ma" -v b="$mb" 'BEGIN {printf "%.2f", a / b}')"
