#!/usr/bin/env bash
# The path a user runs (issue 12's acceptance): `vindplaats parse --format
# jsonl FILE >/dev/null` on generated parliamentary-style text (about one
# citation per 300 bytes, gen_corpus.py seed 11) against grep printing just
# the citation keywords of the same file, the two run in turn so that both
# see the same machine. Reports the median wall times and their ratio, the
# peak resident set (/usr/bin/time), and the cost per byte at 1 MB and at
# the large size, with and without the program's fixed start-up cost (the
# run on an empty file). Targets: ratio <= 1.5, peak <= 200 MB, per-byte
# within 10%. A benchmark: it prints figures and judges nothing.
#   tests/bench/parse/user-path.sh [BUILD_DIR] [MB] [RUNS]
# BUILD_DIR: a Release build (default build-release); MB: 50; RUNS: 5.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
BIN=${1:-build-release}/bin/vindplaats
MB=${2:-50}
RUNS=${3:-5}
[ -x "$BIN" ] || { echo "build vindplaats first (cmake -DCMAKE_BUILD_TYPE=Release)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (package time)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

python3 "$here/gen_corpus.py" "$tmp/big.txt" "$MB" 11
python3 "$here/gen_corpus.py" "$tmp/1mb.txt" 1 11
python3 "$here/gen_corpus.py" "$tmp/100mb.txt" 100 11
: >"$tmp/empty.txt"

# wall seconds of one run of "$@", output dropped
wall() {
  local s e
  s=$(date +%s%N)
  "$@" >/dev/null 2>&1 || true
  e=$(date +%s%N)
  echo "$(((e - s) / 1000))e-6" | awk '{printf "%.4f\n", $1}'
}
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
parse() { "$BIN" parse --quiet --format jsonl "$1"; }
keywords() { grep -o -E 'Kamerstuk|ECLI|Stb\.|Stcrt\.|artikel|Handelingen|https?://' "$1" | wc -l; }

# a warm-up of each, then RUNS pairs in turn
parse "$tmp/big.txt" >/dev/null 2>&1 || true
keywords "$tmp/big.txt" >/dev/null
: >"$tmp/p"
: >"$tmp/g"
for _ in $(seq "$RUNS"); do
  wall parse "$tmp/big.txt" >>"$tmp/p"
  wall keywords "$tmp/big.txt" >>"$tmp/g"
done
p=$(median <"$tmp/p")
g=$(median <"$tmp/g")
bytes=$(stat -c %s "$tmp/big.txt")
cites=$("$BIN" parse --quiet --format jsonl "$tmp/big.txt" 2>/dev/null | wc -l || true)
/usr/bin/time -f '%M' -o "$tmp/rss" "$BIN" parse --quiet --format jsonl "$tmp/big.txt" >/dev/null 2>&1 || true
rss=$(tail -n 1 "$tmp/rss")

# per byte: many runs of the small sizes, fewer of the large
per() { # FILE RUNS -> median wall
  : >"$tmp/w"
  for _ in $(seq "$2"); do wall parse "$1" >>"$tmp/w"; done
  median <"$tmp/w"
}
# CPU seconds (user + system, all threads) of one run, averaged over RUNS
# runs in one shell: steadier than wall time on a busy machine
cpu() {
  /usr/bin/time -f '%U %S' -o "$tmp/cpu" sh -c \
    'for i in $(seq "$1"); do "$2" parse --quiet --format jsonl "$3" >/dev/null 2>&1; done; exit 0' \
    sh "$2" "$BIN" "$1"
  tail -n 1 "$tmp/cpu" | awk -v n="$2" '{printf "%.5f\n", ($1 + $2) / n}'
}
c0=$(cpu "$tmp/empty.txt" 21)
c1=$(cpu "$tmp/1mb.txt" 21)
c100=$(cpu "$tmp/100mb.txt" 3)
t0=$(per "$tmp/empty.txt" 21)
t1=$(per "$tmp/1mb.txt" 21)
t100=$(per "$tmp/100mb.txt" "$RUNS")
b1=$(stat -c %s "$tmp/1mb.txt")
b100=$(stat -c %s "$tmp/100mb.txt")

awk -v p="$p" -v g="$g" -v mb="$MB" -v bytes="$bytes" -v cites="$cites" \
  -v rss="$rss" -v t0="$t0" -v t1="$t1" -v t100="$t100" -v b1="$b1" \
  -v b100="$b100" -v runs="$RUNS" -v c0="$c0" -v c1="$c1" -v c100="$c100" 'BEGIN {
  printf "input: %d MB generated, %d bytes, %d citations (one per %.0f bytes)\n", mb, bytes, cites, bytes / (cites ? cites : 1)
  printf "median of %d, in turn:  vindplaats parse %.3f s (%.0f MB/s)   grep -o | wc -l %.3f s   ratio %.2f (target <= 1.5)\n", runs, p, bytes / p / 1e6, g, p / g
  printf "peak resident set: %.1f MB (target <= 200)\n", rss / 1024
  printf "start-up (empty file): %.1f ms\n", t0 * 1000
  n1 = t1 / b1 * 1e9; n100 = t100 / b100 * 1e9
  m1 = (t1 - t0) / b1 * 1e9; m100 = (t100 - t0) / b100 * 1e9
  printf "per byte, whole run:     1 MB %.2f ns   100 MB %.2f ns   (%+.0f%%)\n", n1, n100, (n1 / n100 - 1) * 100
  printf "per byte, net start-up:  1 MB %.2f ns   100 MB %.2f ns   (%+.0f%%, target within 10%%)\n", m1, m100, (m1 / m100 - 1) * 100
  k1 = (c1 - c0) / b1 * 1e9; k100 = (c100 - c0) / b100 * 1e9
  printf "CPU per byte, net start-up (%.1f ms): 1 MB %.2f ns   100 MB %.2f ns   (%+.0f%%)\n", c0 * 1000, k1, k100, (k1 / k100 - 1) * 100
}'
