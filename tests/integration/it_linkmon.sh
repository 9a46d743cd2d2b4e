#!/usr/bin/env bash
# The link monitor through the real processes: `vindplaats watch add` of a
# document citing fixture URLs, the monitor checks them (short intervals),
# `report` lists the document with its dead source, `history` shows the
# checks, a subscriber receives link.changed, and the admin endpoint of
# vp-linkmon answers /readyz and --health-check.
. "$(dirname "$0")/lib.sh"

SUB_PID=
trap 'rc=$?; [ -z "$SUB_PID" ] || kill "$SUB_PID" 2>/dev/null || true
      cleanup $rc' EXIT

# fetcher: loopback allowed, no politeness delay, no retries, no archives
export VP_FETCH_ALLOW=127.0.0.1 VP_FETCH_HOST_RATE=0 VP_FETCH_RETRIES=0 \
  VP_FETCH_SOFT404_PROBE=0 VP_FETCH_WAYBACK_URL= VP_FETCH_TIMEGATE_URL=
# monitor: first check at once, re-checks every 1-2 s, one failure is dead
export VP_TICK_MS=100 VP_SPREAD=0 VP_RESPREAD=0 VP_MIN_INTERVAL=1 \
  VP_MAX_INTERVAL=2 VP_CONFIRMATIONS=1 VP_CONFIRM_GAP=0 VP_ARCHIVE=0
start_fixture
pick_ports
export ADMIN_BASE_PORT=$((VP_API_PORT + 3))
PARSERS=1 LINKMONS=1 "$ROOT/deploy/run-local.sh" start >/dev/null
LM_ADMIN=$(cat "$RUN_DIR/pids/linkmon-1.admin")

for _ in $(seq 1 50); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$LM_ADMIN/readyz")" = 200 ] && break
  sleep 0.1
done
VP_ADMIN_LISTEN=$LM_ADMIN "$VP_BIN/vp-linkmon" --health-check || fail "health-check of the monitor"

# the subscriber first, so that it sees the first transitions
if [ -x "$VP_BIN/lm_sub" ]; then
  "$VP_BIN/lm_sub" "tcp://127.0.0.1:$VP_PUB_PORT" 2 30 >"$RUN_DIR/events.txt" \
    2>"$RUN_DIR/sub.err" &
  SUB_PID=$!
  sleep 0.5
fi

OK="$FIXTURE/ok" GONE="$FIXTURE/status/404"
cat >"$RUN_DIR/doc.txt" <<EOF
Antwoord op vragen van het lid over de bronnen van dit besluit.

De bronnen staan op $OK en op $GONE (geraadpleegd in 2025).
EOF
out=$(vp watch add --connect "$API" "$RUN_DIR/doc.txt") || fail "watch add exited $?: $out"
echo "$out" | grep -q "watching: 2 new sources" || fail "watch add: $out"
list=$(vp watch list --connect "$API" --format json) || fail "watch list exited $?"
[ "$(echo "$list" | jq length)" -eq 2 ] || fail "watch list: $list"

# both checked at least twice, the 404 dead (one failure confirms here)
for _ in $(seq 1 100); do
  list=$(vp watch list --connect "$API" --format json) || true
  [ "$(echo "$list" | jq '[.[] | select(.checks >= 2)] | length')" -eq 2 ] &&
    [ "$(echo "$list" | jq -r --arg u "$GONE" '.[] | select(.url == $u) | .state')" = dead ] && break
  sleep 0.2
done
echo "$list" | jq -e --arg u "$OK" '.[] | select(.url == $u) | .state == "ok"' >/dev/null ||
  fail "the fixture's /ok is not ok: $list"
echo "$list" | jq -e --arg u "$GONE" '.[] | select(.url == $u) | .state == "dead" and .checks >= 2' >/dev/null ||
  fail "the 404 is not dead after 2 checks: $list"

# report: exit 1 (a document cites a dead source), the document listed
set +e
rep=$(vp report --connect "$API" --format json)
rc=$?
set -e
[ $rc -eq 1 ] || fail "report exited $rc, want 1: $rep"
echo "$rep" | jq -e --arg d "$RUN_DIR/doc.txt" --arg u "$GONE" \
  '.[] | select(.doc == $d) | .bad == 1 and
   ([.sources[] | select(.url == $u and .state == "dead")] | length == 1)' >/dev/null ||
  fail "report lacks the document with its dead source: $rep"

# history: the checks, newest first, and the citing document
set +e
hist=$(vp history --connect "$API" --format json "$GONE")
rc=$?
set -e
[ $rc -eq 1 ] || fail "history of a dead source exited $rc, want 1: $hist"
echo "$hist" | jq -e '(.history | length >= 2) and
  all(.history[]; .http_status == 404) and .history[-1].transition == "new>dead"' >/dev/null ||
  fail "history lacks the checks: $hist"
echo "$hist" | jq -e --arg d "$RUN_DIR/doc.txt" '.cited_by == [$d]' >/dev/null ||
  fail "history lacks the citing document: $hist"

# the events: new>ok for /ok and new>dead for the 404, each naming the doc
if [ -n "$SUB_PID" ]; then
  wait "$SUB_PID" || fail "subscriber saw < 2 events: $(cat "$RUN_DIR/events.txt" "$RUN_DIR/sub.err")"
  SUB_PID=
  grep -q "^$OK new ok [1-9][0-9]* 1\$" "$RUN_DIR/events.txt" ||
    fail "no new>ok event for /ok: $(cat "$RUN_DIR/events.txt")"
  grep -q "^$GONE new dead [1-9][0-9]* 1\$" "$RUN_DIR/events.txt" ||
    fail "no new>dead event for the 404: $(cat "$RUN_DIR/events.txt")"
fi
curl -s "$LM_ADMIN/metrics" | grep -q '^vp_linkmon_checks_total [1-9]' || fail "monitor metrics"
[ -z "${LM_DEBUG:-}" ] || { echo "$rep"; echo "$hist"; cat "$RUN_DIR/events.txt"; }
echo "it_linkmon: ok"
