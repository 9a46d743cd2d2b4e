# Shared helpers of the integration tests: a private run directory, free
# loopback ports, the topology via deploy/run-local.sh, cleanup on exit.
set -euo pipefail
ROOT=${VP_ROOT:?VP_ROOT must point at the source tree}
export VP_BIN=${VP_BIN:?VP_BIN must point at the binaries}
export RUN_DIR
RUN_DIR=$(mktemp -d "${TMPDIR:-/tmp}/vp-it.XXXXXX")
export VP_HOST=127.0.0.1
export VP_LOG_LEVEL=${VP_LOG_LEVEL:-warn}
# The fetcher's archive and lookup services default to the real public ones:
# off in tests (a test that needs them points them at its local fixture).
# Nothing here may leave this machine.
export VP_FETCH_WAYBACK_URL= VP_FETCH_TIMEGATE_URL= VP_FETCH_SRU_URL= VP_FETCH_ODATA_URL=
FIXTURE_PID=

# cleanup [RC]: stops what the test started and exits with RC (default: the
# status of the command before). A test's own EXIT trap ends with
# `cleanup $rc`: never `(exit $rc); cleanup`, which set -e cuts short when
# rc is not 0, leaving the topology running.
cleanup() {
  local rc=${1:-$?}
  set +e
  "$ROOT/deploy/run-local.sh" stop >/dev/null 2>&1 || true
  [ -n "$FIXTURE_PID" ] && kill "$FIXTURE_PID" 2>/dev/null || true
  if [ $rc -ne 0 ]; then
    echo "--- logs of the failed run ---" >&2
    tail -n 20 "$RUN_DIR"/logs/*.log >&2 2>/dev/null || true
  fi
  rm -rf "$RUN_DIR"
  exit $rc
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

# Picks three free loopback ports for the dispatcher, below the kernel's
# ephemeral range: a port there may be the local end of some outgoing
# connection (other tests, curl, nng dialers), which a connect test does not
# see but which makes the dispatcher's listen fail.
pick_ports() {
  local p lo
  lo=$(awk '{print $1}' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
  [ "$lo" -gt 12000 ] || lo=32768
  for _ in $(seq 1 50); do
    p=$((10000 + RANDOM % (lo - 10000 - 3)))
    if ! (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null &&
       ! (exec 3<>/dev/tcp/127.0.0.1/$((p + 1))) 2>/dev/null &&
       ! (exec 3<>/dev/tcp/127.0.0.1/$((p + 2))) 2>/dev/null; then
      export VP_API_PORT=$p VP_WORK_PORT=$((p + 1)) VP_PUB_PORT=$((p + 2))
      API="tcp://127.0.0.1:$p"
      return 0
    fi
  done
  fail "no free port"
}

start_topology() {
  pick_ports
  "$ROOT/deploy/run-local.sh" start >/dev/null
}

# Starts the fixture HTTP server; sets FIXTURE (http://127.0.0.1:PORT).
start_fixture() {
  local out="$RUN_DIR/fixture.out"
  "$VP_BIN/vp-httpfix" >"$out" 2>&1 &
  FIXTURE_PID=$!
  for _ in $(seq 1 50); do
    grep -q '^port=' "$out" 2>/dev/null && break
    sleep 0.1
  done
  FIXTURE="http://127.0.0.1:$(sed -n 's/^port=//p' "$out" | head -1)"
  [ "$FIXTURE" != "http://127.0.0.1:" ] || fail "fixture server did not start"
}

vp() { "$VP_BIN/vindplaats" "$@"; }
# resolve of the example document: exit status 1 is an answer too (the
# document cites a regulation the law table does not know, reported as
# unresolved); only 2 and above are failures.
vp_resolve() {
  local rc=0
  "$VP_BIN/vindplaats" resolve "$@" || rc=$?
  [ "$rc" -le 1 ] || return "$rc"
}
