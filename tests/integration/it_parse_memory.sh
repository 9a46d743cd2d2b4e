#!/usr/bin/env bash
# `vindplaats parse` streams: its peak memory does not grow with its output.
# The peak resident set of a 20 MB input may exceed that of a 1 MB input by
# the input's own growth (the file is mapped, its pages count) plus 6 MB;
# buffering the whole output (10 MB as a table, 27 MB as JSON, far more as a
# JSON tree) fails. Not timed. Skipped (77) under sanitizers, whose shadow memory
# and quarantine make resident sizes meaningless.
set -euo pipefail
ROOT=${VP_ROOT:?VP_ROOT must point at the source tree}
BIN=${VP_BIN:?VP_BIN must point at the binaries}/vindplaats
if ldd "$BIN" 2>/dev/null | grep -q -E 'lib(asan|tsan|ubsan)'; then
  echo "skipped: sanitizer build"
  exit 77
fi
[ -x /usr/bin/time ] || { echo "skipped: no /usr/bin/time"; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vp-mem.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

gen="$ROOT/tests/bench/parse/gen_corpus.py"
python3 "$gen" "$tmp/small.txt" 1 11
python3 "$gen" "$tmp/big.txt" 20 11

# peak resident set in KiB of one parse, its output counted and dropped
peak() {
  local fmt=$1 file=$2 rc=0
  /usr/bin/time -f '%M' -o "$tmp/rss" "$BIN" parse --quiet --format "$fmt" \
    "$file" >"$tmp/out" || rc=$?
  # 1: some citation is unresolved, as in any real text
  [ "$rc" -le 1 ] || { echo "FAIL: parse $fmt exited $rc" >&2; exit 1; }
  [ -s "$tmp/out" ] || { echo "FAIL: parse $fmt printed nothing" >&2; exit 1; }
  tail -n 1 "$tmp/rss"
}

small_bytes=$(stat -c %s "$tmp/small.txt")
big_bytes=$(stat -c %s "$tmp/big.txt")
growth_kb=$(((big_bytes - small_bytes) / 1024))
for fmt in json jsonl table; do
  s=$(peak "$fmt" "$tmp/small.txt")
  b=$(peak "$fmt" "$tmp/big.txt")
  out_kb=$(($(stat -c %s "$tmp/out") / 1024))
  bound=$((s + growth_kb + 6 * 1024))
  echo "$fmt: peak ${s} KiB at 1 MB, ${b} KiB at 20 MB (output ${out_kb} KiB; bound ${bound} KiB)"
  if [ "$b" -gt "$bound" ]; then
    echo "FAIL: parse --format $fmt of 20 MB peaks at ${b} KiB, more than ${bound} KiB: is the output buffered?" >&2
    exit 1
  fi
done
echo "ok"
