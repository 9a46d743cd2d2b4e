#!/usr/bin/env bash
# Every service serves /healthz, /readyz and /metrics on its admin port;
# readiness follows the connection to the dispatcher; --health-check exits
# 0 when ready and 1 when not.
. "$(dirname "$0")/lib.sh"

pick_ports
export ADMIN_BASE_PORT=$((VP_API_PORT + 3))
PARSERS=1 "$ROOT/deploy/run-local.sh" start >/dev/null
admin_of() { cat "$RUN_DIR/pids/$1.admin"; }
D=$(admin_of dispatcher)
P=$(admin_of parser-1)

[ "$(curl -s "$D/healthz")" = ok ] || fail "dispatcher /healthz"
for _ in $(seq 1 50); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$P/readyz")" = 200 ] && break
  sleep 0.1
done
[ "$(curl -s -o /dev/null -w '%{http_code}' "$P/readyz")" = 200 ] || fail "parser not ready"
VP_ADMIN_LISTEN=$P "$VP_BIN/vp-parser" --health-check || fail "health-check of a ready parser"

vp_resolve --connect "$API" --format json "$ROOT/examples/kamervragen-antwoord-2025-palantir.txt" >/dev/null
curl -s "$D/metrics" | grep -q '^vp_dispatcher_jobs_done_total [1-9]' || fail "dispatcher metrics"
curl -s "$P/metrics" | grep -q '^vp_worker_jobs_total{kind="parse"} [1-9]' || fail "parser metrics"
# what the alert rules of deploy/prometheus/ watch: workers per kind, queue
# age, check outcomes by status
curl -s "$D/metrics" | grep -q '^vp_dispatcher_workers{kind="parse"} [1-9]' || fail "no parse workers counted"
curl -s "$D/metrics" | grep -q '^vp_dispatcher_queue_oldest_seconds{kind="split"} 0' || fail "queue age"
F=$(admin_of fetcher-1)
vp check --connect "$API" --timeout 2000 "http://127.0.0.1:1/" >/dev/null 2>&1 || true
curl -s "$F/metrics" | grep -qE '^vp_fetcher_checks_total\{status="(blocked|connect)"\} [1-9]' ||
  fail "fetcher checks by status: $(curl -s "$F/metrics" | grep checks_total)"

kill "$(cat "$RUN_DIR/pids/dispatcher.pid")"
for _ in $(seq 1 50); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$P/readyz")" = 503 ] && break
  sleep 0.1
done
[ "$(curl -s -o /dev/null -w '%{http_code}' "$P/readyz")" = 503 ] || fail "parser still ready without dispatcher"
set +e
VP_ADMIN_LISTEN=$P "$VP_BIN/vp-parser" --health-check 2>/dev/null
rc=$?
set -e
[ $rc -eq 1 ] || fail "health-check without dispatcher exited $rc, want 1"
echo "it_admin: ok"
