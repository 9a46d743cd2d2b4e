#!/usr/bin/env bash
# Chaos: DOCS documents (default 2,000; CHAOS_DOCS=20000 on demand) resolved
# through separate processes over tcp while a random splitter or parser is
# killed (-9) every 200-500 ms and replaced, and the dispatcher is killed and
# restarted once. Every document must be answered exactly once, with the same
# citations as the embedded run gives for it.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
DOCS=${CHAOS_DOCS:-2000}

# a few different documents, each resolved once embedded: the reference
srcs=("$ROOT/examples/kamervragen-antwoord-2025-palantir.txt"
  "$ROOT/tests/golden/splitter/kamervragen.txt"
  "$ROOT/tests/golden/splitter/raadsbrief.txt"
  "$ROOT/tests/fixtures/docs/besluit.html"
  "$ROOT/tests/fixtures/docs/kamerbrief.docx")
mkdir -p "$RUN_DIR/docs" "$RUN_DIR/ref"
for k in "${!srcs[@]}"; do
  vp_resolve --format json "${srcs[$k]}" |
    jq -c '[.citations[] | .id] | sort' >"$RUN_DIR/ref/$k.ids"
  [ -s "$RUN_DIR/ref/$k.ids" ] || fail "no reference for ${srcs[$k]}"
done
n=${#srcs[@]}
for i in $(seq 1 "$DOCS"); do
  k=$((i % n))
  ext=${srcs[$k]##*.}
  ln -s "${srcs[$k]}" "$RUN_DIR/docs/d$k-$i.$ext"
done

export VP_CONTEXTS=4
SPLITTERS=2 PARSERS=3 FETCHERS=0 LINKMONS=0 start_topology

restart_dispatcher() {
  kill -9 "$(cat "$RUN_DIR/pids/dispatcher.pid")"
  sleep 0.3
  VP_API_LISTEN="$API" VP_WORK_LISTEN="tcp://127.0.0.1:$VP_WORK_PORT" \
    VP_PUB_LISTEN="tcp://127.0.0.1:$VP_PUB_PORT" \
    "$VP_BIN/vp-dispatcher" >>"$RUN_DIR/logs/dispatcher.log" 2>&1 &
  echo $! >"$RUN_DIR/pids/dispatcher.pid"
}

t0=$(date +%s%3N)
timeout 600 "$VP_BIN/vindplaats" resolve --connect "$API" --jobs 32 --timeout 120000 \
  --format jsonl "$RUN_DIR"/docs/* >"$RUN_DIR/out.jsonl" 2>"$RUN_DIR/err.txt" &
client=$!
kills=0 restarted=0
while kill -0 $client 2>/dev/null; do
  sleep "0.$((200 + RANDOM % 300))"
  kill -0 $client 2>/dev/null || break
  if [ $restarted -eq 0 ] && [ "$(wc -l <"$RUN_DIR/out.jsonl")" -ge $((DOCS / 3)) ]; then
    restart_dispatcher
    restarted=1
    continue
  fi
  victims=("$RUN_DIR"/pids/splitter-*.pid "$RUN_DIR"/pids/parser-*.pid)
  v=${victims[$((RANDOM % ${#victims[@]}))]}
  [ -e "$v" ] || continue
  kind=$(basename "$v" .pid)
  kind=${kind%-*}
  kill -9 "$(cat "$v")" 2>/dev/null || true
  rm -f "$v"
  kills=$((kills + 1))
  "$ROOT/deploy/run-local.sh" add "$kind" >/dev/null
done
rc=0
wait $client || rc=$?
ms=$(($(date +%s%3N) - t0))
echo "chaos: $DOCS documents in $ms ms, $kills workers killed, dispatcher restarted $restarted time(s)"
[ "$restarted" -eq 1 ] || fail "the run ended before the dispatcher restart (too fast to prove anything)"
[ "$rc" -le 1 ] || fail "resolve exited $rc: $(head -c 600 "$RUN_DIR/err.txt")"
got=$(wc -l <"$RUN_DIR/out.jsonl")
[ "$got" -eq "$DOCS" ] || fail "$got answers for $DOCS documents: $(head -c 600 "$RUN_DIR/err.txt")"
u=$(jq -r .name "$RUN_DIR/out.jsonl" | sort -u | wc -l)
[ "$u" -eq "$DOCS" ] || fail "$u distinct documents answered, want $DOCS (some twice)"
# every answer has its reference's citations
bad=0
for k in $(seq 0 $((n - 1))); do
  want=$(cat "$RUN_DIR/ref/$k.ids")
  c=$(jq -c --arg p "/d$k-" 'select(.name | contains($p)) | [.citations[] | .id] | sort' \
    "$RUN_DIR/out.jsonl" | grep -vcxF "$want" || true)
  bad=$((bad + c))
done
[ "$bad" -eq 0 ] || fail "$bad answers differ from the embedded run's"
echo "it_chaos: ok"
