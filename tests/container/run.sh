#!/usr/bin/env bash
# The container deployment, run for real with podman: makes the base image
# when it is missing (deploy/make-base-image.sh), builds the image from
# deploy/Dockerfile, and runs the topology of docker-compose.yml -- the
# services, replicas, commands, environment, volumes and health checks read
# from that file by compose.py -- as containers in one pod whose network is
# its own loopback only (no bridge, no published ports). Then checks:
#   - every service's compose health check passes in its container;
#   - the image keeps its HEALTHCHECK (docker format) and its OCI labels;
#   - containers run as non-root on a read-only root file system;
#   - resolve of the example document through the dispatcher and through
#     vp-gateway gives the citations of the embedded run;
#   - a third parser joins and takes work;
#   - a parser killed during a 500-document run: each answered exactly once,
#     the jobs it held requeued; the stopped parsers start again;
#   - the link monitor keeps its store on its named volume when its
#     container is replaced.
# Prints "container: N passed, M failed". Exit 0 all passed, 1 a check
# failed, 77 skipped (this machine cannot run containers: the reason is
# printed). Installs nothing: scripts/setup.sh --with-tests does.
#
# In a pod all containers share one network namespace, so each gets its own
# admin port (VP_ADMIN_LISTEN=http://127.0.0.1:9100, 9101, ...) in place of
# the compose file's 9100 -- the one value not taken from the file. Service
# names resolve to 127.0.0.1 through a generated /etc/hosts.
#
# Environment: VP_IMAGE (default: the compose file's image), VP_KEEP=1 leaves
# the pod running, CONTAINERS_CONF (default tests/container/containers.conf).
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$ROOT/tests/container
export CONTAINERS_CONF=${CONTAINERS_CONF:-$HERE/containers.conf}
T0=$(date +%s)
passed=0
failed=0
POD=vp-ctr-$$
WORK=$(mktemp -d "${TMPDIR:-/tmp}/vp-ctr.XXXXXX")
EX=/usr/share/vindplaats/examples/kamervragen-antwoord-2025-palantir.txt

say() { echo "container: $*"; }
skip() { say "skipped: $*"; rm -rf "$WORK"; exit 77; }
die() { say "error: $*" >&2; failed=$((failed + 1)); summary; }
ok() { passed=$((passed + 1)); echo "  ok    $*"; }
bad() { failed=$((failed + 1)); echo "  FAIL  $*"; }
check() { # description command...: passes when the command exits 0
  local d=$1
  shift
  if "$@" >"$WORK/check.out" 2>&1; then ok "$d"; else bad "$d: $(tail -c 600 "$WORK/check.out")"; fi
}
secs() { echo $(($(date +%s) - $1)); }
ms() { echo $(($(date +%s%N) / 1000000)); }
since() { local d=$(($(ms) - $1)); printf '%d.%d' $((d / 1000)) $((d % 1000 / 100)); } # seconds, one decimal

cleanup() {
  if [ "${VP_KEEP:-0}" != 1 ] && [ -n "${STARTED:-}" ]; then
    podman pod rm -f "$POD" >/dev/null 2>&1
    for v in "${VOLUMES[@]}"; do podman volume rm -f "$POD-$v" >/dev/null 2>&1; done
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

summary() {
  if [ "$failed" -gt 0 ] && [ -n "${STARTED:-}" ]; then
    echo "--- last log lines of each container ---"
    for c in $(podman ps -a --filter "pod=$POD" --format '{{.Names}}' 2>/dev/null); do
      echo "[$c]"
      podman logs --tail 8 "$c" 2>&1 | cut -c1-300
    done
  fi
  say "$passed passed, $failed failed ($(secs "$T0") s)"
  [ "$failed" -eq 0 ]
  exit $?
}

# --- can this machine run containers at all? ---------------------------
command -v podman >/dev/null || skip "podman is not installed (scripts/setup.sh --with-tests installs it)"
podman info >"$WORK/info" 2>&1 || skip "podman cannot run here: $(tail -n 3 "$WORK/info")"
PY=
for p in python3 /usr/bin/python3; do
  if command -v "$p" >/dev/null && "$p" -c 'import yaml' 2>/dev/null; then PY=$p; break; fi
done
[ -n "$PY" ] || die "python3 with yaml missing (python3-yaml; scripts/setup.sh --with-tests)"
command -v jq >/dev/null || die "jq missing (scripts/setup.sh --with-tests)"

# --- the topology, from the compose file -------------------------------
"$PY" "$HERE/compose.py" "$ROOT/docker-compose.yml" >"$WORK/topology.sh" || die "cannot read docker-compose.yml"
# shellcheck disable=SC1091
. "$WORK/topology.sh"
v() { local n="$1_${2//[^A-Za-z0-9]/_}"; echo "${!n}"; } # scalar of a service
IMAGE=${VP_IMAGE:-$(v IMAGE dispatcher)}
IMAGE=${IMAGE:-vindplaats:latest}

# --- base image and project image ---------------------------------------
BASE=$(sed -n 's/^FROM \([^ ]*\).*/\1/p' "$ROOT/deploy/Dockerfile" | head -1)
if ! podman image exists "$BASE"; then
  [ "$(id -u)" -eq 0 ] || skip "the base image $BASE is missing and making it needs root (deploy/make-base-image.sh)"
  t=$(date +%s)
  "$ROOT/deploy/make-base-image.sh" "$BASE" >"$WORK/base.log" 2>&1 ||
    die "could not make the base image $BASE: $(tail -n 5 "$WORK/base.log")"
  say "base image $BASE made in $(secs "$t") s"
fi
# a container that does nothing: can this machine start one at all?
podman run --rm --network none "$BASE" true >"$WORK/probe" 2>&1 ||
  skip "containers cannot start here: $(tail -n 3 "$WORK/probe")"

version=$(sed -n 's/^project(vindplaats VERSION \([0-9.]*\).*/\1/p' "$ROOT/CMakeLists.txt")
revision=$(git -C "$ROOT" rev-parse HEAD 2>/dev/null || echo unknown)
source_url=$(git -C "$ROOT" remote get-url origin 2>/dev/null || true)
# The build stage is tagged too: it keeps the compile layer (and the build
# packages under it) as a cache for the next run on this machine, so that
# each run replaces the previous images instead of piling them up.
BUILD_TAG=${IMAGE%%:*}-build:cache
old_ids=$(podman image inspect "$IMAGE" "$BUILD_TAG" --format '{{.Id}}' 2>/dev/null)
build() { # podman build options...
  podman build --network host --format docker -f "$ROOT/deploy/Dockerfile" \
    --build-arg VP_VERSION="$version" --build-arg VP_REVISION="$revision" \
    --build-arg VP_SOURCE="$source_url" "$@" "$ROOT" >>"$WORK/build.log" 2>&1 ||
    die "podman build failed: $(tail -n 15 "$WORK/build.log")"
}
t=$(date +%s)
build --target build -t "$BUILD_TAG"
build -t "$IMAGE"
new_ids=$(podman image inspect "$IMAGE" "$BUILD_TAG" --format '{{.Id}}')
for id in $old_ids; do
  grep -q "$id" <<<"$new_ids" || podman rmi "$id" >/dev/null 2>&1 || true
done
size=$(podman image inspect "$IMAGE" --format '{{.Size}}')
say "image $IMAGE built in $(secs "$t") s, $((size / 1000000)) MB"

# --- the pod -------------------------------------------------------------
{
  printf '127.0.0.1\tlocalhost %s\n' "${SERVICES[*]}"
  printf '::1\tlocalhost ip6-localhost\n'
} >"$WORK/hosts"
podman pod create --name "$POD" --network none >/dev/null || die "podman pod create failed"
STARTED=1
for vol in "${VOLUMES[@]}"; do podman volume create "$POD-$vol" >/dev/null || die "volume $vol"; done

ADMIN_NEXT=9100
CONTAINERS=()
# start SERVICE REPLICA [extra podman options...]: a container as the
# compose file describes the service, plus its admin port in the pod
start() {
  local s=$1 i=$2 name=$POD-$1-$2 a o
  shift 2
  local -n cmd="CMD_${s//[^A-Za-z0-9]/_}" env="ENV_${s//[^A-Za-z0-9]/_}" \
    hc="HC_${s//[^A-Za-z0-9]/_}" vols="VOL_${s//[^A-Za-z0-9]/_}" \
    tmpfs="TMPFS_${s//[^A-Za-z0-9]/_}"
  local opts=(-d --pod "$POD" --name "$name" -v "$WORK/hosts:/etc/hosts:ro"
    --read-only-tmpfs=false)
  [ "$(v RO "$s")" = 1 ] && opts+=(--read-only)
  [ -n "$(v USER "$s")" ] && opts+=(--user "$(v USER "$s")")
  for a in "${env[@]}"; do opts+=(-e "$a"); done
  opts+=(-e "VP_ADMIN_LISTEN=http://127.0.0.1:$ADMIN_NEXT")
  echo "$name $ADMIN_NEXT" >>"$WORK/admin"
  ADMIN_NEXT=$((ADMIN_NEXT + 1))
  for a in "${vols[@]}"; do opts+=(-v "$POD-$a"); done
  for a in "${tmpfs[@]}"; do opts+=(--tmpfs "$a"); done
  if [ "${#hc[@]}" -gt 0 ]; then
    o=$(printf '%s\n' "${hc[@]}" | jq -R . | jq -sc .)
    # no timer (no systemd here): the checks are run by `podman healthcheck run`
    opts+=(--health-cmd "$o" --health-interval disable)
  else
    opts+=(--no-healthcheck)
  fi
  podman run "${opts[@]}" "$@" "$IMAGE" "${cmd[@]}" >/dev/null 2>"$WORK/run.err" ||
    { cat "$WORK/run.err" >&2; return 1; }
  CONTAINERS+=("$name")
}
admin_of() { awk -v n="$1" '$1 == n { print $2 }' "$WORK/admin"; }

# healthy NAME [SECONDS]: waits until its health check passes
healthy() {
  local n=$1 end=$(($(date +%s) + ${2:-60}))
  while [ "$(date +%s)" -lt "$end" ]; do
    [ "$(podman inspect "$n" --format '{{.State.Running}}' 2>/dev/null)" = true ] || return 1
    podman healthcheck run "$n" >/dev/null 2>&1 && return 0
    sleep 0.3
  done
  return 1
}

t_run=$(ms)
for s in "${SERVICES[@]}"; do
  n=$(v REPLICAS "$s")
  for i in $(seq 1 "$n"); do start "$s" "$i" || die "could not start $s-$i"; done
done
# the client: the image's CLI in the same pod (the machine cannot reach it)
# (without the image's VP_ADMIN_LISTEN, which the CLI would warn of)
podman run -d --pod "$POD" --name "$POD-client" -v "$WORK/hosts:/etc/hosts:ro" \
  --unsetenv VP_ADMIN_LISTEN --read-only --tmpfs /tmp --no-healthcheck --entrypoint /usr/bin/tini "$IMAGE" \
  -- sleep infinity >/dev/null || die "could not start the client container"
all_ready=1
for c in "${CONTAINERS[@]}"; do healthy "$c" 60 || all_ready=0; done
ready_s=$(since "$t_run")
say "${#CONTAINERS[@]} service containers started, all healthy after $ready_s s"
vp() { podman exec "$POD-client" vindplaats "$@"; }
API=tcp://dispatcher:7100

echo "checks:"
# 1. every compose health check, in its own container
for c in "${CONTAINERS[@]}"; do
  check "$c: its compose health check passes" podman healthcheck run "$c"
done
[ "$all_ready" = 1 ] || summary

# 2. the image: HEALTHCHECK kept (docker format) and working, OCI labels
img_hc=$(podman inspect --type image "$IMAGE" --format '{{json .HealthCheck}}' | jq -r '.Test // [] | .[]')
mapfile -t img_hc_cmd < <(echo "$img_hc" | tail -n +2)
if [ "$(echo "$img_hc" | head -1)" = CMD ] && [ "${#img_hc_cmd[@]}" -gt 0 ]; then
  check "the image's HEALTHCHECK (${img_hc_cmd[*]}) passes in $POD-dispatcher-1" \
    podman exec "$POD-dispatcher-1" "${img_hc_cmd[@]}"
else
  bad "the image has no HEALTHCHECK (built without --format docker?)"
fi
labels=$(podman image inspect "$IMAGE" --format '{{json .Labels}}')
check "OCI labels: version, revision, licences" jq -e --arg v "$version" \
  '.["org.opencontainers.image.version"] == $v
   and (.["org.opencontainers.image.revision"] | length > 0)
   and (.["org.opencontainers.image.licenses"] | length > 0)' <<<"$labels"

# 3. non-root, read-only root; writable only the compose file's volumes
for c in "${CONTAINERS[@]}"; do
  s=${c#"$POD"-}
  s=${s%-*}
  local_vols="VOL_${s//[^A-Za-z0-9]/_}[@]"
  want=$(for m in "${!local_vols}"; do echo "${m#*:}"; done | sort | xargs)
  uid=$(podman exec "$c" id -u)
  ro=$(podman inspect "$c" --format '{{.HostConfig.ReadonlyRootfs}}')
  rw=$(podman inspect "$c" --format '{{range .Mounts}}{{if .RW}}{{.Destination}}{{"\n"}}{{end}}{{end}}' | sort | xargs)
  if [ "$uid" = 0 ] || [ "$ro" != true ]; then
    bad "$c: uid $uid, read-only root file system: $ro"
  elif podman exec "$c" sh -c 'echo x >/vp-probe || echo x >/tmp/vp-probe || echo x >/etc/vp-probe' 2>/dev/null; then
    bad "$c: could write outside its volumes"
  elif [ "$rw" != "$want" ]; then
    bad "$c: writable mounts '$rw', the compose file has '$want'"
  else
    ok "$c: uid $uid, read-only root file system${want:+, writable only $want}"
  fi
done

# 4. resolve through the dispatcher and through the gateway = embedded
rc=0
vp resolve --format json "$EX" >"$WORK/embedded.json" 2>"$WORK/err" || rc=$?
[ "$rc" -le 1 ] || bad "embedded resolve in the client container exited $rc: $(cat "$WORK/err")"
jq -S .citations "$WORK/embedded.json" >"$WORK/want" 2>/dev/null || echo none >"$WORK/want"
rc=0
vp resolve --connect "$API" --timeout 30000 --format json "$EX" >"$WORK/disp.json" 2>"$WORK/err" || rc=$?
if [ "$rc" -le 1 ] && [ "$(jq -S .citations "$WORK/disp.json")" = "$(cat "$WORK/want")" ] &&
  [ "$(jq 'length' "$WORK/want")" -ge 6 ]; then
  ok "resolve through the dispatcher: the $(jq length "$WORK/want") citations of the embedded run"
else
  bad "resolve through the dispatcher (exit $rc) differs from the embedded run: $(head -c 300 "$WORK/err")"
fi
if [[ " ${SERVICES[*]} " == *" gateway "* ]]; then
  # shellcheck disable=SC2154 # ENV_gateway comes from the sourced topology
  gw=$(printf '%s\n' "${ENV_gateway[@]}" | sed -n 's|^VP_HTTP_LISTEN=http://[^:]*:\([0-9]*\).*|\1|p')
  gw=${gw:-8080}
  # no curl in the image: HTTP/1.0 over bash's /dev/tcp (one request, closed)
  podman exec "$POD-client" bash -c '
    n=$(stat -c %s "$1")
    exec 3<>"/dev/tcp/127.0.0.1/$2" || exit 1
    printf "POST /v1/resolve HTTP/1.0\r\nHost: gateway\r\nContent-Type: text/plain\r\nContent-Length: %s\r\n\r\n" "$n" >&3
    cat "$1" >&3
    cat <&3' sh "$EX" "$gw" >"$WORK/gw.http" 2>"$WORK/err"
  status=$(head -1 "$WORK/gw.http" | tr -d '\r')
  sed '1,/^\r\{0,1\}$/d' "$WORK/gw.http" >"$WORK/gw.json"
  if [[ "$status" == *" 200 "* ]] && [ "$(jq -S .citations "$WORK/gw.json" 2>/dev/null)" = "$(cat "$WORK/want")" ]; then
    ok "resolve through vp-gateway (POST /v1/resolve): the citations of the embedded run"
  else
    bad "resolve through vp-gateway: '$status' $(head -c 300 "$WORK/gw.json")"
  fi
fi

# 5. scaling: a third parser joins and takes work
jobs_of() { # NAME -> vp_worker_jobs_total from its admin endpoint
  podman exec "$1" bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" && printf "GET /metrics HTTP/1.0\r\n\r\n" >&3 && cat <&3' \
    sh "$(admin_of "$1")" 2>/dev/null | awk '/^vp_worker_jobs_total/ { s += $2 } END { print s + 0 }'
}
podman exec "$POD-client" sh -c "mkdir -p /tmp/docs && for i in \$(seq -w 1 500); do ln -sf $EX /tmp/docs/doc-\$i.txt; done" ||
  bad "could not lay out the 500 documents"
n_parsers=$(v REPLICAS parser)
third=$((n_parsers + 1))
if start parser "$third" && healthy "$POD-parser-$third" 30; then
  took=0
  for round in 1 2 3 4 5; do
    podman exec "$POD-client" sh -c "vindplaats resolve --connect $API --jobs 32 --timeout 30000 \
      --format jsonl /tmp/docs/doc-0[0-4]?.txt" >/dev/null 2>&1
    took=$(jobs_of "$POD-parser-$third")
    [ "$took" -gt 0 ] && break
  done
  if [ "$took" -gt 0 ]; then
    ok "parser $third joined and took work ($took jobs in $round round(s) of 50 documents)"
  else
    bad "parser $third joined but took no work"
  fi
else
  bad "parser $third did not become healthy"
fi

# 6. kill a parser container during a 500-document run. So that the kill
# lands on leased jobs, the victim is a slow parser (VP_DELAY_MS, the
# workers' fault-injection option: 200 ms before each job) and the only one
# while the run starts: the others are stopped, the victim is killed once it
# has done a job of this run (its contexts then hold leases: the queue is
# full), and the others are started again to finish the run.
victim=$((third + 1))
others=()
for i in $(seq 1 "$third"); do others+=("$POD-parser-$i"); done
if start parser "$victim" -e VP_DELAY_MS=200 && healthy "$POD-parser-$victim" 30; then
  podman stop -t 5 "${others[@]}" >/dev/null
  stats0=$(vp stats --connect "$API" --format jsonl)
  t=$(ms)
  timeout 300 podman exec "$POD-client" sh -c "vindplaats resolve --connect $API --jobs 64 \
    --timeout 60000 --format jsonl /tmp/docs/*.txt" >"$WORK/out.jsonl" 2>"$WORK/err500" &
  client=$!
  killed=
  victim_before=$(jobs_of "$POD-parser-$victim")
  for _ in $(seq 1 100); do
    if [ "$(jobs_of "$POD-parser-$victim")" -gt "$victim_before" ]; then
      kill -0 "$client" 2>/dev/null && podman kill "$POD-parser-$victim" >/dev/null &&
        killed=$(vp stats --connect "$API" --format jsonl 2>/dev/null | jq '.jobs_done // 0')
      break
    fi
    kill -0 "$client" 2>/dev/null || break
    sleep 0.1
  done
  podman start "${others[@]}" >/dev/null
  rc=0
  wait "$client" || rc=$?
  run_s=$(since "$t")
  n=$(wc -l <"$WORK/out.jsonl")
  u=$(jq -r .name "$WORK/out.jsonl" 2>/dev/null | sort -u | wc -l)
  good=$(jq -c 'select([.citations[] | select(.id == "ah-tk-20202021-3011")] | length == 1)' \
    "$WORK/out.jsonl" 2>/dev/null | wc -l)
  requeued=$(($(vp stats --connect "$API" --format jsonl | jq .jobs_requeued) - $(jq .jobs_requeued <<<"$stats0")))
  if [ -z "$killed" ]; then
    bad "500-document run: the slow parser did no job before the run ended (exit $rc, $n answers)"
  elif [ "$rc" -le 1 ] && [ "$n" -eq 500 ] && [ "$u" -eq 500 ] && [ "$good" -eq 500 ] &&
    [ "$requeued" -ge 1 ]; then
    ok "parser-$victim killed after $((killed - $(jq .jobs_done <<<"$stats0"))) jobs of a 500-document run: 500 answered once each, all complete ($run_s s, $requeued leased jobs requeued)"
  else
    bad "parser-$victim killed: exit $rc, $n answers, $u distinct, $good complete of 500, $requeued jobs requeued: $(head -c 300 "$WORK/err500")"
  fi
  for c in "${others[@]}"; do healthy "$c" 30 || bad "$c did not come back after podman start"; done
else
  bad "the slow parser $victim did not become healthy"
fi

# 7. the link monitor's store on its named volume, across a new container
if [[ " ${SERVICES[*]} " == *" linkmon "* ]]; then
  vp watch add --connect "$API" "$EX" >"$WORK/watch" 2>&1
  n1=$(vp watch list --connect "$API" --format json 2>/dev/null | jq length)
  podman rm -f "$POD-linkmon-1" >/dev/null
  ADMIN_NEXT=$(admin_of "$POD-linkmon-1")
  sed -i "/^$POD-linkmon-1 /d" "$WORK/admin"
  if start linkmon 1 && healthy "$POD-linkmon-1" 30; then
    n2=0
    for _ in $(seq 1 30); do
      n2=$(vp watch list --connect "$API" --format json 2>/dev/null | jq length) && [ "$n2" = "$n1" ] && break
      sleep 0.3
    done
    if [ "${n1:-0}" -gt 0 ] && [ "$n2" = "$n1" ]; then
      ok "link monitor: its $n1 watched sources are still there in a new container (volume $POD-linkmon-data)"
    else
      bad "link monitor: $n1 watched sources before, ${n2:-none} after a new container ($(head -c 200 "$WORK/watch"))"
    fi
  else
    bad "link monitor: the new container did not become healthy"
  fi
fi

echo "figures: image ${size} bytes; all services healthy $ready_s s after the first start; 500 documents in $run_s s"
summary
