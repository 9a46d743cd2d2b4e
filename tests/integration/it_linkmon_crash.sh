#!/usr/bin/env bash
# Crash safety of vp-linkmon: kill -9 it 20 times at random moments while it
# checks a few hundred due sources, and let it kill itself (crash-pct) right
# after a commit, before its event is published, and right after a publish,
# before the event leaves the outbox. After every kill the SQLite file is
# intact and holds every check the monitor reported committed; afterwards a
# fresh monitor resumes the schedule and re-checks even the sources whose
# claims were cut short by a kill (nothing stays claimed past its lease), and
# a subscriber has received every transition's link.changed at least once.
. "$(dirname "$0")/lib.sh"
command -v sqlite3 >/dev/null || fail "the sqlite3 CLI is needed"

N_OK=150 N_404=100 N_SLOW=50 KILLS=20 LEASE=10
LM_PID= SUB_PID=
# lib.sh's trap stops the topology; the monitor started here goes first
trap 'rc=$?; [ -z "$LM_PID" ] || kill -9 "$LM_PID" 2>/dev/null || true
      [ -z "$SUB_PID" ] || kill "$SUB_PID" 2>/dev/null || true
      cleanup $rc' EXIT

# the fetcher: loopback allowed, no politeness delay, no retries, no
# soft-404 probe and no archive services (nothing leaves the machine)
export VP_FETCH_ALLOW=127.0.0.1 VP_FETCH_HOST_RATE=0 VP_FETCH_RETRIES=0 \
  VP_FETCH_SOFT404_PROBE=0 VP_FETCH_WAYBACK_URL= VP_FETCH_TIMEGATE_URL= \
  VP_FETCH_URL_TIMEOUT_MS=5000 VP_CONTEXTS=8
start_fixture
LINKMONS=0 start_topology

DB="$RUN_DIR/lm.db"
LOG="$RUN_DIR/commits.log"
sql() { sqlite3 -bail "$DB" "$@"; }

# A monitor that re-checks every second or two, claims for LEASE seconds
# and spreads overdue sources over 2 s when it starts.
start_lm() {
  VP_CRASH_PCT=${CRASH_PCT:-0} \
  VP_LINKMON_DB="$DB" VP_COMMIT_LOG="$LOG" VP_DISPATCHER="tcp://127.0.0.1:$VP_WORK_PORT" \
    VP_API="$API" VP_TICK_MS=50 VP_BATCH=16 VP_PER_HOST=0 VP_LEASE=$LEASE \
    VP_RESPREAD=2 VP_SPREAD=0 VP_MIN_INTERVAL=1 VP_MAX_INTERVAL=2 \
    VP_CONFIRMATIONS=2 VP_CONFIRM_GAP=0 VP_ARCHIVE=0 VP_CHECK_TIMEOUT=8000 \
    "$VP_BIN/vp-linkmon" >>"$RUN_DIR/logs/linkmon.log" 2>&1 &
  LM_PID=$!
}

# The schema comes from the monitor itself: start it on the empty file and
# wait for the migration, then fill the sources in one transaction.
start_lm
for _ in $(seq 1 100); do
  sql "SELECT 1 FROM schema_version LIMIT 1" >/dev/null 2>&1 && break
  sleep 0.1
done
kill "$LM_PID"
wait "$LM_PID" || true
LM_PID=
now=$(date +%s)
sql <<EOF
BEGIN;
WITH RECURSIVE i(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM i WHERE n < $N_OK + $N_404 + $N_SLOW)
INSERT INTO sources (url, host, added, since, next_due)
SELECT CASE WHEN n <= $N_OK THEN '$FIXTURE/ok?i=' || n
            WHEN n <= $N_OK + $N_404 THEN '$FIXTURE/status/404?i=' || n
            ELSE '$FIXTURE/slow?ms=50&i=' || n END,
       '127.0.0.1', $now, $now, $now - 1
FROM i;
INSERT INTO citing (source_id, doc, added) SELECT id, 'doc-' || (id % 30), $now FROM sources;
COMMIT;
EOF
total=$((N_OK + N_404 + N_SLOW))
[ "$(sql 'SELECT COUNT(*) FROM sources')" -eq "$total" ] || fail "sources not stored"

# Every complete line of the commit log ("check_id url") must be a stored
# check of that url; ids are never handed out twice (a lost row would let
# SQLite reuse its id).
verify() {
  local what=$1 lost dup
  [ "$(sql 'PRAGMA integrity_check')" = ok ] || fail "$what: integrity_check: $(sql 'PRAGMA integrity_check' | head -3)"
  [ "$(sql 'PRAGMA foreign_key_check' | wc -l)" -eq 0 ] || fail "$what: foreign keys broken"
  dup=$(awk 'NF == 2 { print $1 }' "$LOG" | sort | uniq -d | head -3)
  [ -z "$dup" ] || fail "$what: check ids logged twice: $dup"
  lost=$( {
    echo "CREATE TEMP TABLE l (id INTEGER PRIMARY KEY, url TEXT);"
    echo "BEGIN;"
    # only complete lines: a kill may cut the last one short
    awk 'NF == 2 && $1 ~ /^[0-9]+$/ { printf "INSERT INTO l VALUES (%s, %c%s%c);\n", $1, 39, $2, 39 }' "$LOG"
    echo "COMMIT;"
    echo "SELECT COUNT(*) FROM l LEFT JOIN checks c ON c.id = l.id LEFT JOIN sources s ON s.id = c.source_id WHERE s.url IS NOT l.url;"
  } | sqlite3 -bail "$DB")
  [ "$lost" -eq 0 ] || fail "$what: $lost committed checks missing from the database"
}

# every link.changed the dispatcher publishes, one line each
EVENTS="$RUN_DIR/events.txt"
"$VP_BIN/lm_sub" "tcp://127.0.0.1:$VP_PUB_PORT" 1000000 600 >"$EVENTS" \
  2>"$RUN_DIR/sub.err" &
SUB_PID=$!
for _ in $(seq 1 50); do
  grep -q subscribed "$RUN_DIR/sub.err" 2>/dev/null && break
  sleep 0.1
done
sleep 0.5 # the dial completes in the background

: >"$LOG"
self_kills=0
for k in $(seq 1 "$KILLS"); do
  # odd runs also kill themselves at 1 % of commits and publishes
  CRASH_PCT=$((k % 2)) start_lm
  # 0.2 .. 1.5 s
  sleep "$(awk -v r=$RANDOM 'BEGIN { printf "%.2f", 0.2 + 1.3 * r / 32767 }')"
  kill -0 "$LM_PID" 2>/dev/null || self_kills=$((self_kills + 1))
  kill -9 "$LM_PID" 2>/dev/null || true
  wait "$LM_PID" 2>/dev/null || true
  LM_PID=
  verify "after kill $k"
done
logged=$(awk 'NF == 2' "$LOG" | wc -l)
checks=$(sql 'SELECT COUNT(*) FROM checks')
[ "$logged" -gt 0 ] || fail "no check was committed in $KILLS runs (see logs)"
[ "$checks" -ge "$logged" ] || fail "$checks checks stored, $logged logged"

# Resume: a last monitor runs until every source has been checked again
# after it started, which needs the claims of the killed runs to expire
# (LEASE s). A source still unchecked after LEASE + 30 s is stuck.
sleep 1
start=$(date +%s)
start_lm
deadline=$((start + LEASE + 30))
while :; do
  left=$(sql "SELECT COUNT(*) FROM sources WHERE last_checked < $start")
  [ "$left" -eq 0 ] && break
  [ "$(date +%s)" -lt "$deadline" ] || fail "$left sources not re-checked $((LEASE + 30)) s after the restart: $(sql "SELECT url, next_due - $start FROM sources WHERE last_checked < $start LIMIT 3")"
  kill -0 "$LM_PID" || fail "the monitor died after the restart"
  sleep 0.5
done
after=$(sql 'SELECT COUNT(*) FROM checks')
[ "$after" -gt "$checks" ] || fail "no checks after the restart"
# nothing is claimed or scheduled further ahead than the lease
far=$(sql "SELECT COUNT(*) FROM sources WHERE next_due > $(date +%s) + $LEASE + 1")
[ "$far" -eq 0 ] || fail "$far sources scheduled beyond the lease"
kill "$LM_PID"
wait "$LM_PID" || fail "the monitor did not stop cleanly on SIGTERM"
LM_PID=
verify "after the clean stop"
dead=$(sql "SELECT COUNT(*) FROM sources WHERE state = 'dead'")

# Events: the clean stop left the outbox empty, and every transition stored
# (each tied to its check) reached the subscriber at least once.
sleep 0.5
kill "$SUB_PID" 2>/dev/null || true
wait "$SUB_PID" 2>/dev/null || true
SUB_PID=
left=$(sql 'SELECT COUNT(*) FROM outbox')
[ "$left" -eq 0 ] || fail "$left events still in the outbox after the clean stop"
transitions=$(sql 'SELECT COUNT(*) FROM transitions')
[ "$transitions" -gt 0 ] || fail "no transitions stored"
missing=$( {
  echo "CREATE TEMP TABLE e (check_id INTEGER);"
  echo "BEGIN;"
  awk 'NF == 5 && $4 ~ /^[0-9]+$/ { printf "INSERT INTO e VALUES (%s);\n", $4 }' "$EVENTS"
  echo "COMMIT;"
  echo "SELECT COUNT(*) FROM transitions t WHERE NOT EXISTS (SELECT 1 FROM e WHERE e.check_id = t.check_id);"
} | sqlite3 -bail "$DB")
[ "$missing" -eq 0 ] || fail "$missing of $transitions transitions never published: $(sql 'SELECT check_id, old_state, new_state FROM transitions ORDER BY id LIMIT 3')"
events=$(awk 'NF == 5' "$EVENTS" | wc -l)
dups=$(awk 'NF == 5 { print $4 }' "$EVENTS" | sort | uniq -d | wc -l)
echo "it_linkmon_crash: ok ($KILLS kills, $self_kills of them self-inflicted between commit, publish and outbox, $logged checks logged before the kills, $after stored in all, $dead of $N_404 404 sources dead, $transitions transitions, $events events received, $dups delivered more than once)"
