#!/usr/bin/env bash
# Clients on a bad day:
#  (a) no dispatcher at the address: the CLI gives up within its --timeout
#      and says so (it used to wait for ever);
#  (b) the dispatcher is killed (-9) and restarted while 100 documents are in
#      flight: resolve, which is idempotent, is sent again by libvp-client
#      and every document is answered exactly once, complete.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# (a)
pick_ports
t0=$(date +%s%3N)
rc=0
timeout 30 "$VP_BIN/vindplaats" parse --connect "$API" --timeout 1500 \
  --text "Stb. 2020, 1" >"$RUN_DIR/a.out" 2>"$RUN_DIR/a.err" || rc=$?
ms=$(($(date +%s%3N) - t0))
[ $rc -eq 1 ] || fail "unreachable dispatcher: exit $rc, want 1"
[ $ms -lt 10000 ] || fail "unreachable dispatcher: gave up after $ms ms for a 1500 ms budget"
grep -q "no dispatcher reachable" "$RUN_DIR/a.err" || fail "unreachable dispatcher: $(cat "$RUN_DIR/a.err")"

# (b) parsers slowed, so that the documents are still in flight at the kill
export VP_CONTEXTS=4
PARSERS=0 start_topology
VP_DELAY_MS=150 "$ROOT/deploy/run-local.sh" add parser >/dev/null
VP_DELAY_MS=150 "$ROOT/deploy/run-local.sh" add parser >/dev/null
EX="$ROOT/examples/kamervragen-antwoord-2025-palantir.txt"
mkdir -p "$RUN_DIR/docs"
for i in $(seq -w 1 100); do ln -s "$EX" "$RUN_DIR/docs/doc-$i.txt"; done
timeout 120 "$VP_BIN/vindplaats" resolve --connect "$API" --jobs 16 --timeout 60000 \
  --format jsonl "$RUN_DIR"/docs/*.txt >"$RUN_DIR/out.jsonl" 2>"$RUN_DIR/err.txt" &
client=$!
sleep 1
kill -9 "$(cat "$RUN_DIR/pids/dispatcher.pid")"
done_at_kill=$(wc -l <"$RUN_DIR/out.jsonl")
sleep 0.5
VP_API_LISTEN="$API" VP_WORK_LISTEN="tcp://127.0.0.1:$VP_WORK_PORT" \
  VP_PUB_LISTEN="tcp://127.0.0.1:$VP_PUB_PORT" \
  "$VP_BIN/vp-dispatcher" >>"$RUN_DIR/logs/dispatcher.log" 2>&1 &
echo $! >"$RUN_DIR/pids/dispatcher.pid"
rc=0
wait $client || rc=$?
echo "restart: $done_at_kill of 100 documents answered before the kill"
[ "$done_at_kill" -lt 100 ] || fail "every document was answered before the kill: the test proves nothing"
[ "$rc" -le 1 ] || fail "resolve across a dispatcher restart exited $rc: $(head -c 600 "$RUN_DIR/err.txt")"
n=$(wc -l <"$RUN_DIR/out.jsonl")
[ "$n" -eq 100 ] || fail "$n documents answered, want 100: $(head -c 600 "$RUN_DIR/err.txt")"
u=$(jq -r .name "$RUN_DIR/out.jsonl" | sort -u | wc -l)
[ "$u" -eq 100 ] || fail "$u distinct documents answered, want 100"
good=$(jq -c 'select([.citations[] | select(.id == "ah-tk-20202021-3011")] | length == 1)' \
  "$RUN_DIR/out.jsonl" | wc -l)
[ "$good" -eq 100 ] || fail "only $good of 100 answers are complete"
echo "it_client_restart: ok"
