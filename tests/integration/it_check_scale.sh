#!/usr/bin/env bash
# `vindplaats check` at scale, embedded, against the fixture server (one
# host), as a user runs it:
#  (a) 2,000 URLs with politeness off (VP_FETCH_HOST_RATE=0, 64 connections):
#      every URL answered once, exactly the 404s and 500s not ok, no timeout;
#  (b) 160 URLs with the polite defaults (4/s per host), 10% answering 429 +
#      Retry-After: 3 once and 10% refusing HEAD: no timeout, nothing but
#      the 404s broken, the 429 URLs ok after their wait, and the results
#      streamed: the first line long before the last.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
start_fixture
gen="$ROOT/tests/bench/fetcher/check-list.py"

# (a) scale
python3 "$gen" "$FIXTURE" scale 2000 7 >"$RUN_DIR/scale.txt"
rc=0
VP_FETCH_HOST_RATE=0 VP_FETCH_HOST_CONNS=64 vp check --allow 127.0.0.1 \
  --format jsonl - <"$RUN_DIR/scale.txt" >"$RUN_DIR/scale.jsonl" || rc=$?
[ $rc -eq 1 ] || fail "scale: exit $rc, want 1 (404s and 500s are broken)"
[ "$(wc -l <"$RUN_DIR/scale.jsonl")" -eq 2000 ] || fail "scale: $(wc -l <"$RUN_DIR/scale.jsonl") results for 2000 URLs"
[ "$(jq -r .url "$RUN_DIR/scale.jsonl" | sort -u | wc -l)" -eq 2000 ] || fail "scale: a URL answered twice or not at all"
bad=$(jq -c 'select(
    if (.url | test("/status/404")) then .status != "gone"
    elif (.url | test("/status/500")) then .status != "server_error"
    elif (.url | test("/r301")) then .status != "redirect"
    else .status != "ok" end) | {url, status, error}' "$RUN_DIR/scale.jsonl" | head -5)
[ -z "$bad" ] || fail "scale: wrong status: $bad"

# (b) polite defaults, streamed
python3 "$gen" "$FIXTURE" polite 160 3 >"$RUN_DIR/polite.txt"
t0=$(date +%s%3N)
rc=0
vp check --allow 127.0.0.1 --format jsonl - <"$RUN_DIR/polite.txt" |
  while IFS= read -r line; do printf '%s\t%s\n' "$(date +%s%3N)" "$line"; done \
    >"$RUN_DIR/polite.tsv" || rc=$?
[ $rc -eq 1 ] || fail "polite: exit $rc, want 1 (the 404s are broken)"
cut -f2 "$RUN_DIR/polite.tsv" >"$RUN_DIR/polite.jsonl"
[ "$(wc -l <"$RUN_DIR/polite.jsonl")" -eq 160 ] || fail "polite: $(wc -l <"$RUN_DIR/polite.jsonl") results for 160 URLs"
bad=$(jq -c 'select(
    if (.url | test("/status/404")) then .status != "gone"
    elif (.url | test("/ra/")) then (.status != "ok" or .attempts != 2)
    else .status != "ok" end) | {url, status, attempts, error}' "$RUN_DIR/polite.jsonl" | head -5)
[ -z "$bad" ] || fail "polite: wrong status: $bad"
first=$(($(head -1 "$RUN_DIR/polite.tsv" | cut -f1) - t0))
last=$(($(tail -1 "$RUN_DIR/polite.tsv" | cut -f1) - t0))
echo "polite: first result after ${first} ms, last after ${last} ms"
[ $((first * 4)) -lt "$last" ] || fail "polite: not streamed: first result after $first ms, last after $last ms"
echo "it_check_scale: ok"
