#!/usr/bin/env bash
# docker-compose.yml and deploy/Dockerfile name only options that exist: each
# service's command, its health check and its VP_* environment are accepted
# by its binary (loaded in front of --help: exit 0, no warning). Then every
# compose health check is run against the same service started locally
# (deploy/run-local.sh with admin ports): each must report ready, and
# vp-fetcher's must report not ready once the dispatcher is gone. The
# containers themselves: tests/container/run.sh.
. "$(dirname "$0")/lib.sh"

COMPOSE="$ROOT/docker-compose.yml"
DOCKERFILE="$ROOT/deploy/Dockerfile"

# One line per fact: "cmd|hc SERVICE WORDS...", "env SERVICE NAME=VALUE",
# "has_env|has_hc SERVICE", "inherit SERVICE worker|worker-env".
facts() {
  awk '
    function words(s) {
      sub(/^[^[]*\[/, "", s); sub(/\].*$/, "", s); gsub(/"/, "", s); gsub(/,/, " ", s)
      sub(/^ *CMD +/, "", s); return s
    }
    /^x-worker:/ { blk = "x-worker"; next }
    /^services:/ { insvc = 1; blk = ""; next }
    /^[a-z]/ { insvc = 0; blk = "" }
    insvc && /^  [a-z][a-z0-9_-]*:[ ]*$/ { blk = $1; sub(/:$/, "", blk); next }
    blk == "" { next }
    /^ +<<: \*worker-env *$/ { print "inherit", blk, "worker-env"; next }
    /^ +<<: \*worker *$/ { print "inherit", blk, "worker"; next }
    /^ +environment:/ { print "has_env", blk; next }
    /^ +healthcheck:/ { print "has_hc", blk; next }
    /^ +command: *\[/ { print "cmd", blk, words($0); next }
    /^ +test: *\[/ { print "hc", blk, words($0); next }
    /^ +VP_[A-Z0-9_]+:/ {
      line = $0; sub(/^ +/, "", line); name = line; sub(/:.*/, "", name)
      val = line; sub(/^[^:]*: */, "", val); gsub(/"/, "", val)
      print "env", blk, name "=" val
    }' "$COMPOSE"
}
facts >"$RUN_DIR/facts"
fact() { awk -v k="$1" -v b="$2" '$1 == k && $2 == b { $1 = ""; $2 = ""; sub(/^ +/, ""); print }' "$RUN_DIR/facts"; }
has() { grep -q "^$1 $2\( \|$\)" "$RUN_DIR/facts"; }

env_of() { # the VP_* environment a service's container gets
  local s=$1
  fact env "$s"
  if has inherit "$s worker-env" || { has inherit "$s worker" && ! has has_env "$s"; }; then
    fact env x-worker
  fi
  # deploy/Dockerfile: ENV for every container
  sed -n 's/^ENV \(VP_[A-Z0-9_]*=.*\)$/\1/p' "$DOCKERFILE"
}
hc_of() {
  local s=$1
  if has has_hc "$s"; then fact hc "$s"; elif has inherit "$s worker"; then fact hc x-worker; fi
}

accepted() { # description, command...: exit 0, nothing on stderr
  local d=$1 rc
  shift
  set +e
  "$@" >/dev/null 2>"$RUN_DIR/err"
  rc=$?
  set -e
  [ $rc -eq 0 ] || fail "$d: exit $rc: $(cat "$RUN_DIR/err")"
  [ ! -s "$RUN_DIR/err" ] || fail "$d: said: $(cat "$RUN_DIR/err")"
}

services=$(awk '$1 == "cmd" && $2 != "x-worker" { print $2 }' "$RUN_DIR/facts")
[ "$(echo "$services" | wc -w)" -ge 5 ] || fail "found only these services: $services"
for s in $services; do
  read -r -a cmd <<<"$(fact cmd "$s")"
  mapfile -t envs < <(env_of "$s")
  bin=${cmd[0]}
  [ -x "$VP_BIN/$bin" ] || fail "$s: command $bin is no binary of this build"
  accepted "$s: command ${cmd[*]} with ${envs[*]}" \
    env -i PATH="$PATH" "${envs[@]}" "$VP_BIN/$bin" "${cmd[@]:1}" --help
  read -r -a hc <<<"$(hc_of "$s")"
  [ "${#hc[@]}" -gt 0 ] || fail "$s: no health check"
  [ "${hc[0]}" = "$bin" ] || fail "$s: health check runs ${hc[0]}, the service runs $bin"
  accepted "$s: health check ${hc[*]}" \
    env -i PATH="$PATH" "${envs[@]}" "$VP_BIN/${hc[0]}" "${hc[@]:1}" --help
  echo "$s ${hc[*]}" >>"$RUN_DIR/healthchecks"
done
read -r -a dhc <<<"$(sed -n 's/^ *CMD \[\(.*\)\]$/\1/p' "$DOCKERFILE" | tr -d '",')"
[ "${#dhc[@]}" -gt 0 ] || fail "no HEALTHCHECK in deploy/Dockerfile"
accepted "Dockerfile health check ${dhc[*]}" env -i PATH="$PATH" \
  $(sed -n 's/^ENV \(VP_[A-Z0-9_]*=.*\)$/\1/p' "$DOCKERFILE") "$VP_BIN/${dhc[0]}" "${dhc[@]:1}" --help

# The health checks, run for real against the same services on loopback.
pick_ports
export ADMIN_BASE_PORT=$((VP_API_PORT + 3))
PARSERS=1 "$ROOT/deploy/run-local.sh" start >/dev/null
probe() { # service -> exit status of its compose health check
  local s=$1 name=$1-1
  [ "$s" = dispatcher ] && name=dispatcher
  read -r -a hc <<<"$(awk -v s="$s" '$1 == s { $1 = ""; print }' "$RUN_DIR/healthchecks")"
  env VP_ADMIN_LISTEN="$(cat "$RUN_DIR/pids/$name.admin")" "$VP_BIN/${hc[0]}" "${hc[@]:1}" 2>/dev/null
}
for s in $services; do
  # run-local.sh starts the dispatcher and the workers; the gateway's check
  # names its HTTP port and runs for real in tests/container/run.sh
  [ "$s" = dispatcher ] || [ -e "$RUN_DIR/pids/$s-1.admin" ] || continue
  ok=0
  for _ in $(seq 1 50); do
    if probe "$s"; then ok=1; break; fi
    sleep 0.1
  done
  [ $ok -eq 1 ] || fail "$s: its compose health check never passes"
done
kill "$(cat "$RUN_DIR/pids/dispatcher.pid")"
ok=0
for _ in $(seq 1 50); do
  rc=0
  probe fetcher || rc=$?
  [ $rc -eq 1 ] && { ok=1; break; }
  sleep 0.1
done
[ $ok -eq 1 ] || fail "fetcher health check still passes without a dispatcher (last exit $rc)"
echo "it_compose: ok ($(echo $services))"
