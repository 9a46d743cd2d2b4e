#!/usr/bin/env bash
# kill -9 a parser while 200 documents are in flight: every document is
# answered exactly once; a restarted parser reconnects and takes work.
. "$(dirname "$0")/lib.sh"

# Only the parsers are slowed, so that parse jobs pile up and every parser
# context holds a lease when the kill lands: 200 jobs x 100 ms over 2 x 4
# contexts is at least 2.5 s of parsing; the kill is at 0.5 s.
export VP_CONTEXTS=4
PARSERS=0 start_topology
VP_DELAY_MS=100 "$ROOT/deploy/run-local.sh" add parser >/dev/null
VP_DELAY_MS=100 "$ROOT/deploy/run-local.sh" add parser >/dev/null
EX="$ROOT/examples/kamervragen-antwoord-2025-palantir.txt"
mkdir -p "$RUN_DIR/docs"
for i in $(seq -w 1 200); do ln -s "$EX" "$RUN_DIR/docs/doc-$i.txt"; done

# every step has its own budget, so that a hang names the step that hung
timeout 100 "$VP_BIN/vindplaats" resolve --connect "$API" --jobs 64 --timeout 60000 \
  --format jsonl "$RUN_DIR"/docs/*.txt >"$RUN_DIR/out.jsonl" 2>"$RUN_DIR/err.txt" &
client=$!
sleep 0.5
kill -9 "$(cat "$RUN_DIR/pids/parser-1.pid")"
rm -f "$RUN_DIR/pids/parser-1.pid"
rc=0
wait $client || rc=$?
[ "$rc" -le 1 ] || fail "resolve of 200 documents exited $rc ($(head -c 500 "$RUN_DIR/err.txt"); $(vp stats --connect "$API" --timeout 2000 --format jsonl 2>&1))"

n=$(wc -l <"$RUN_DIR/out.jsonl")
[ "$n" -eq 200 ] || fail "$n documents answered, want 200"
u=$(jq -r .name "$RUN_DIR/out.jsonl" | sort -u | wc -l)
[ "$u" -eq 200 ] || fail "$u distinct documents answered, want 200 (some twice)"
good=$(jq -c 'select([.citations[] | select(.id == "ah-tk-20202021-3011")] | length == 1)' \
  "$RUN_DIR/out.jsonl" | wc -l)
[ "$good" -eq 200 ] || fail "only $good of 200 answers are complete"
requeued=$(vp stats --connect "$API" --format jsonl | jq .jobs_requeued)
[ "$requeued" -ge 1 ] || fail "the kill did not hit a leased job (requeued=$requeued)"

# restart: a new parser reconnects; once the old one is gone it does the work
new=$("$ROOT/deploy/run-local.sh" add parser)
kill "$(cat "$RUN_DIR/pids/parser-2.pid")"
sleep 0.5
before=$(vp stats --connect "$API" --format jsonl | jq .jobs_done)
timeout 60 "$VP_BIN/vindplaats" resolve --connect "$API" --timeout 30000 --format jsonl \
  "$RUN_DIR"/docs/doc-00{1..9}.txt >"$RUN_DIR/out2.jsonl" ||
  [ $? -eq 1 ] || fail "resolve after the parser restart failed"
[ "$(wc -l <"$RUN_DIR/out2.jsonl")" -eq 9 ] || fail "not every document answered after restart"
after=$(vp stats --connect "$API" --format jsonl | jq .jobs_done)
[ $((after - before)) -ge 18 ] || fail "restarted parser $new did no work"

# the other direction: the dispatcher dies and comes back on the same
# address; the running workers reconnect on their own
kill -9 "$(cat "$RUN_DIR/pids/dispatcher.pid")"
sleep 0.3
VP_API_LISTEN="$API" VP_WORK_LISTEN="tcp://127.0.0.1:$VP_WORK_PORT" \
  VP_PUB_LISTEN="tcp://127.0.0.1:$VP_PUB_PORT" \
  "$VP_BIN/vp-dispatcher" >>"$RUN_DIR/logs/dispatcher.log" 2>&1 &
echo $! >"$RUN_DIR/pids/dispatcher.pid"
timeout 40 "$VP_BIN/vindplaats" resolve --connect "$API" --timeout 20000 --format jsonl \
  "$RUN_DIR/docs/doc-001.txt" >"$RUN_DIR/out3.jsonl" ||
  [ $? -eq 1 ] || fail "resolve after a dispatcher restart failed"
jq -e '[.citations[] | select(.id == "ah-tk-20202021-3011")] | length == 1' \
  "$RUN_DIR/out3.jsonl" >/dev/null || fail "incomplete answer after a dispatcher restart"
echo "it_kill_worker: ok (jobs requeued after kill: $requeued)"
