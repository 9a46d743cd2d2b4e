#!/usr/bin/env bash
# The fetcher refuses loopback unless its allow list opens it; the refusal
# happens before any connection.
. "$(dirname "$0")/lib.sh"

start_fixture
start_topology
out=$(vp check --connect "$API" --format jsonl "$FIXTURE/ok" "file:///etc/passwd") || true
[ "$(echo "$out" | jq -rs '.[0].status')" = blocked ] || fail "loopback not blocked: $out"
[ "$(echo "$out" | jq -rs '.[1].status')" = blocked ] || fail "file:// not blocked: $out"
# the fixture counts every request per path: /ok must have seen none
asked=$(curl -s --noproxy '*' "$FIXTURE/_requests?path=/ok")
[ "$asked" = 0 ] || fail "the fixture was contacted ($asked requests to /ok)"

"$ROOT/deploy/run-local.sh" stop >/dev/null
VP_FETCH_ALLOW=127.0.0.1 start_topology
out=$(vp check --connect "$API" --format jsonl "$FIXTURE/ok") || fail "check exited $?"
[ "$(echo "$out" | jq -r .status)" = ok ] || fail "allowed loopback not ok: $out"
echo "it_ssrf: ok"
