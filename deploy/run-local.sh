#!/usr/bin/env bash
# Runs the Vindplaats topology as plain processes on this machine: one
# dispatcher and N workers of each kind, all on loopback tcp. The same
# topology as docker-compose.yml, without a container engine.
#
#   deploy/run-local.sh start        start everything, wait until it answers
#   deploy/run-local.sh stop         stop everything started from RUN_DIR
#   deploy/run-local.sh status       list the processes and their state
#   deploy/run-local.sh add KIND     start one more worker (splitter|parser|fetcher|linkmon)
#
# Environment (defaults in brackets):
#   VP_BIN        directory of the binaries [build/bin]
#   RUN_DIR       where pid files and logs go [run/local]
#   VP_HOST       address to bind and dial [127.0.0.1]
#   VP_API_PORT   dispatcher API port [7100]
#   VP_WORK_PORT  dispatcher work port [7101]
#   VP_PUB_PORT   dispatcher event (PUB) port [7102]
#   VP_SCHEME     transport of those sockets [tcp]; tls+tcp for mutual TLS,
#                 with VP_TLS_CA and VP_TLS_CERT (PEM files) for every
#                 process
#   SPLITTERS, PARSERS, FETCHERS  worker processes of each kind [1 2 1]
#   LINKMONS      link monitors (vp-linkmon) [1, like docker-compose.yml];
#                 0 = none. They share the store VP_LINKMON_DB (a SQLite
#                 file or a PostgreSQL conninfo) [RUN_DIR/linkmon.db]
#   ADMIN_BASE_PORT  when set, each process serves /healthz /readyz /metrics
#                 on http://127.0.0.1:PORT, PORT = base, base+1, ... in start
#                 order (listed by `status`)
# Every other VP_* variable (VP_CONTEXTS, VP_FETCH_ALLOW, VP_LOG_LEVEL, ...)
# is passed to the services unchanged.
set -euo pipefail
cd "$(dirname "$0")/.."

VP_BIN=${VP_BIN:-build/bin}
RUN_DIR=${RUN_DIR:-run/local}
VP_HOST=${VP_HOST:-127.0.0.1}
VP_API_PORT=${VP_API_PORT:-7100}
VP_WORK_PORT=${VP_WORK_PORT:-7101}
VP_PUB_PORT=${VP_PUB_PORT:-7102}
SPLITTERS=${SPLITTERS:-1}
PARSERS=${PARSERS:-2}
FETCHERS=${FETCHERS:-1}
LINKMONS=${LINKMONS:-1}
VP_SCHEME=${VP_SCHEME:-tcp}
API_URL="$VP_SCHEME://$VP_HOST:$VP_API_PORT"
WORK_URL="$VP_SCHEME://$VP_HOST:$VP_WORK_PORT"
PUB_URL="$VP_SCHEME://$VP_HOST:$VP_PUB_PORT"

die() { echo "run-local: $*" >&2; exit 1; }

next_admin() { # -> VP_ADMIN_LISTEN=... for the next process, or nothing
  [ -n "${ADMIN_BASE_PORT:-}" ] || return 0
  local n
  n=$(find "$RUN_DIR/pids" -name "*.pid" 2>/dev/null | wc -l)
  echo "VP_ADMIN_LISTEN=http://127.0.0.1:$((ADMIN_BASE_PORT + n))"
}

start_one() { # name binary [env...]
  local name=$1 bin=$2 admin
  shift 2
  admin=$(next_admin)
  [ -z "$admin" ] || { set -- "$@" "$admin"; echo "${admin#VP_ADMIN_LISTEN=}" >"$RUN_DIR/pids/$name.admin"; }
  [ -x "$VP_BIN/$bin" ] || die "$VP_BIN/$bin not found: build first (scripts/setup.sh)"
  env "$@" "$VP_BIN/$bin" >>"$RUN_DIR/logs/$name.log" 2>&1 &
  echo $! >"$RUN_DIR/pids/$name.pid"
}

next_name() { # kind -> kind-N not yet used
  local kind=$1 i=1
  while [ -e "$RUN_DIR/pids/$kind-$i.pid" ]; do i=$((i + 1)); done
  echo "$kind-$i"
}

add_worker() { # kind
  local kind=$1 name
  case "$kind" in splitter|parser|fetcher|linkmon) ;; *) die "unknown worker kind '$kind'" ;; esac
  name=$(next_name "$kind")
  if [ "$kind" = linkmon ]; then
    # a worker of the dispatcher and a client of its API (checks, events);
    # monitors share one store (claims are transactions)
    start_one "$name" vp-linkmon VP_DISPATCHER="$WORK_URL" VP_API="$API_URL" \
      VP_LINKMON_DB="${VP_LINKMON_DB:-$RUN_DIR/linkmon.db}"
  else
    start_one "$name" "vp-$kind" VP_DISPATCHER="$WORK_URL"
  fi
  echo "$name"
}

wait_ready() {
  local i pid
  pid=$(cat "$RUN_DIR/pids/dispatcher.pid")
  for i in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null ||
      die "the dispatcher exited: $(tail -n 5 "$RUN_DIR/logs/dispatcher.log" 2>/dev/null)"
    if "$VP_BIN/vindplaats" stats --connect "$API_URL" --timeout 500 >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.1
  done
  die "dispatcher at $API_URL does not answer (see $RUN_DIR/logs/dispatcher.log)"
}

cmd_start() {
  mkdir -p "$RUN_DIR/pids" "$RUN_DIR/logs"
  [ -e "$RUN_DIR/pids/dispatcher.pid" ] && die "already started in $RUN_DIR (stop first)"
  start_one dispatcher vp-dispatcher VP_API_LISTEN="$API_URL" VP_WORK_LISTEN="$WORK_URL" \
    VP_PUB_LISTEN="$PUB_URL"
  for _ in $(seq 1 "$SPLITTERS"); do add_worker splitter >/dev/null; done
  for _ in $(seq 1 "$PARSERS"); do add_worker parser >/dev/null; done
  for _ in $(seq 1 "$FETCHERS"); do add_worker fetcher >/dev/null; done
  for _ in $(seq 1 "$LINKMONS"); do add_worker linkmon >/dev/null; done
  wait_ready
  echo "$API_URL"
}

cmd_stop() {
  local f pid
  [ -d "$RUN_DIR/pids" ] || return 0
  for f in "$RUN_DIR"/pids/*.pid; do
    [ -e "$f" ] || continue
    pid=$(cat "$f")
    kill "$pid" 2>/dev/null || true
  done
  for f in "$RUN_DIR"/pids/*.pid; do
    [ -e "$f" ] || continue
    pid=$(cat "$f")
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$f" "${f%.pid}.admin"
  done
}

cmd_status() {
  local f pid
  for f in "$RUN_DIR"/pids/*.pid; do
    [ -e "$f" ] || { echo "nothing started in $RUN_DIR"; return 0; }
    pid=$(cat "$f")
    if kill -0 "$pid" 2>/dev/null; then state=running; else state=dead; fi
    admin=""
    [ -e "${f%.pid}.admin" ] && admin=$(cat "${f%.pid}.admin")
    printf '%-14s pid %-8s %-8s %s\n' "$(basename "$f" .pid)" "$pid" "$state" "$admin"
  done
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  add) [ $# -ge 2 ] || die "usage: run-local.sh add KIND"; add_worker "$2" ;;
  -h|--help|"") sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//' ;;
  *) die "unknown command '$1' (try --help)" ;;
esac
