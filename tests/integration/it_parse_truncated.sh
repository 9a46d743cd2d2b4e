#!/usr/bin/env bash
# A file cut short by another program while `vindplaats parse` reads it (the
# file is mapped: the pages that are gone fault) ends the run with a clear
# message and exit status 1, not a bus error. The truncation comes 0.15 s
# into a 200 MB parse; a machine that parses 200 MB faster than that proves
# nothing and the test is skipped (77).
set -euo pipefail
BIN=${VP_BIN:?VP_BIN must point at the binaries}/vindplaats
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vp-trunc.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# (yes ends on SIGPIPE when head has enough: not a failure)
{ yes "Zie artikel 5 Awb en Stb. 2019, 12. " || true; } | head -c 200M >"$tmp/doc.txt"
rc=0
"$BIN" parse --quiet --format jsonl "$tmp/doc.txt" >/dev/null 2>"$tmp/err" &
pid=$!
sleep 0.15
truncate -s 4096 "$tmp/doc.txt"
wait "$pid" || rc=$?
cat "$tmp/err"
if [ "$rc" -eq 0 ] && [ ! -s "$tmp/err" ]; then
  echo "skipped: the parse ended before the file was cut"
  exit 77
fi
[ "$rc" -eq 1 ] || { echo "FAIL: exit status $rc, want 1 (a bus error is 135)" >&2; exit 1; }
grep -q "truncated while being read" "$tmp/err" ||
  { echo "FAIL: no message about the truncated file" >&2; exit 1; }
echo "ok"
