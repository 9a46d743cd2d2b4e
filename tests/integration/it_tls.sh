#!/usr/bin/env bash
# Mutual TLS between the processes (tls+tcp://): the topology runs with
# certificates of one authority; a client or a worker with no certificate, or
# with one of another authority, reaches nothing: it gets no job, reads no
# document and changes no result.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
command -v openssl >/dev/null || fail "openssl is needed (scripts/setup.sh --with-tests)"

# certificates: a CA, one certificate for the topology (DNS name
# vindplaats-node: mbedTLS matches DNS names only, so the processes dial
# 127.0.0.1 and expect that name), and a rogue CA with a certificate of its
# own
c="$RUN_DIR/certs"
mkdir -p "$c"
mkcert() { # name ca-name|self subject
  openssl ecparam -name prime256v1 -genkey -noout -out "$c/$1.key" 2>/dev/null
  if [ "$2" = self ]; then
    openssl req -x509 -new -key "$c/$1.key" -subj "/CN=$3" -days 2 \
      -addext "basicConstraints=critical,CA:TRUE" -out "$c/$1.crt" 2>/dev/null
  else
    openssl req -new -key "$c/$1.key" -subj "/CN=$3" -out "$c/$1.csr" 2>/dev/null
    printf 'subjectAltName=DNS:%s\nextendedKeyUsage=serverAuth,clientAuth\n' "$3" >"$c/$1.ext"
    openssl x509 -req -in "$c/$1.csr" -CA "$c/$2.crt" -CAkey "$c/$2.key" \
      -CAcreateserial -days 2 -extfile "$c/$1.ext" -out "$c/$1.crt" 2>/dev/null
  fi
  cat "$c/$1.crt" "$c/$1.key" >"$c/$1.pem"
}
mkcert ca self "Vindplaats test CA"
mkcert node ca "vindplaats-node"
mkcert rogue-ca self "Rogue CA"
mkcert rogue rogue-ca "rogue"

export VP_SCHEME=tls+tcp VP_TLS_CA="$c/ca.crt" VP_TLS_CERT="$c/node.pem" \
  VP_TLS_SERVER_NAME=vindplaats-node
start_topology
API="tls+tcp://127.0.0.1:$VP_API_PORT"
WORK="tls+tcp://127.0.0.1:$VP_WORK_PORT"
EX="$ROOT/examples/kamervragen-antwoord-2025-palantir.txt"

# the topology works over TLS
vp_resolve --connect "$API" --format json "$EX" >"$RUN_DIR/ok.json" ||
  fail "resolve over tls+tcp failed"
jq -e '[.citations[] | select(.id == "ah-tk-20202021-3011")] | length == 1' \
  "$RUN_DIR/ok.json" >/dev/null || fail "resolve over tls+tcp: incomplete answer"

# a client without a certificate is refused with a clear message
rc=0
VP_TLS_CERT= VP_TLS_CA= vp stats --connect "$API" --timeout 2000 >/dev/null 2>"$RUN_DIR/nocert.err" || rc=$?
[ $rc -ne 0 ] || fail "a client without a certificate got an answer"
grep -q "tls-cert" "$RUN_DIR/nocert.err" || fail "no certificate: unclear message: $(cat "$RUN_DIR/nocert.err")"
# a client with a certificate of another authority gets nothing
rc=0
VP_TLS_CERT="$c/rogue.pem" VP_TLS_CA="$c/ca.crt" vp stats --connect "$API" --timeout 2000 \
  >/dev/null 2>"$RUN_DIR/rogue-client.err" || rc=$?
[ $rc -ne 0 ] || fail "a client with a rogue certificate got an answer"
# nor does a plain tcp client on the same port
rc=0
VP_TLS_CERT= VP_TLS_CA= vp stats --connect "tcp://127.0.0.1:$VP_API_PORT" --timeout 2000 \
  >/dev/null 2>&1 || rc=$?
[ $rc -ne 0 ] || fail "a plain tcp client got an answer from a tls+tcp socket"

# rogue workers (another authority's certificate; plain tcp) dial the work
# socket while documents are resolved: they get no job and change nothing
rport=$((VP_PUB_PORT + 100))
VP_DISPATCHER="$WORK" VP_TLS_CERT="$c/rogue.pem" VP_TLS_CA="$c/ca.crt" \
  VP_ADMIN_LISTEN="http://127.0.0.1:$rport" \
  "$VP_BIN/vp-parser" >"$RUN_DIR/logs/rogue.log" 2>&1 &
rogue=$!
VP_DISPATCHER="tcp://127.0.0.1:$VP_WORK_PORT" VP_TLS_CERT= VP_TLS_CA= \
  "$VP_BIN/vp-parser" >"$RUN_DIR/logs/rogue-plain.log" 2>&1 &
rogue2=$!
sleep 1
mkdir -p "$RUN_DIR/docs"
for i in $(seq -w 1 40); do ln -s "$EX" "$RUN_DIR/docs/doc-$i.txt"; done
rc=0
vp resolve --connect "$API" --jobs 8 --timeout 30000 --format jsonl "$RUN_DIR"/docs/*.txt \
  >"$RUN_DIR/out.jsonl" 2>"$RUN_DIR/out.err" || rc=$?
[ $rc -le 1 ] || fail "resolve with rogue workers around exited $rc: $(head -c 400 "$RUN_DIR/out.err")"
good=$(jq -c 'select([.citations[] | select(.id == "ah-tk-20202021-3011")] | length == 1)' \
  "$RUN_DIR/out.jsonl" | wc -l)
[ "$good" -eq 40 ] || fail "only $good of 40 answers complete with rogue workers around"
ready=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$rport/readyz" || true)
[ "$ready" != 200 ] || fail "the rogue worker reports itself connected"
metrics=$(curl -s "http://127.0.0.1:$rport/metrics" || true)
jobs=$(echo "$metrics" | awk '/^vp_worker_jobs_total/ {print $2}')
[ -n "$jobs" ] || fail "the rogue worker's /metrics did not answer: $metrics"
[ "$jobs" = 0 ] || fail "the rogue worker got $jobs jobs"
kill "$rogue" "$rogue2" 2>/dev/null || true
echo "it_tls: ok"
