#!/usr/bin/env bash
# Resolve the example document through the real processes on loopback, and
# check cited URLs against the local fixture server.
. "$(dirname "$0")/lib.sh"

start_topology
EX="$ROOT/examples/kamervragen-antwoord-2025-palantir.txt"

out=$(vp_resolve --connect "$API" --format json "$EX") || fail "resolve exited $?"
echo "$out" | jq -e '[.citations[] | select(.id | startswith("wet:Coördinatiebesluit"))
  | select(.fields.lookup == "law")] | length == 1' >/dev/null \
  || fail "the regulation missing from the law table is not reported as unresolved"
echo "$out" | jq -e '.citations | length >= 6' >/dev/null || fail "too few citations"
echo "$out" | jq -e '.citations[] | select(.id == "ah-tk-20202021-3011")
  | (.family == "aanhangsel") and (.spans | length == 2) and (.confidence < 1)
  and (.spans[0].where == "footnote 4") and (.spans[1].where == "footnote 5")' >/dev/null \
  || fail "footnotes 4 and 5 are not one aanhangsel source"
echo "$out" | jq -e '.citations[] | select(.id == "2025Z14549") | .family == "zaak"' >/dev/null \
  || fail "zaak 2025Z14549 missing"
echo "$out" | jq -e '[.citations[] | select(.family == "url") | .url
  | select(test("politie\\.nl.*palantir\\.html$"))] | length == 1' >/dev/null \
  || fail "politie.nl URL missing or not stripped of its ')'"
# spans are byte offsets into the original file
echo "$out" | jq -r '.citations[].spans[] | "\(.start) \(.end)"' | while read -r s e; do
  raw=$(head -c "$e" "$EX" | tail -c $((e - s))) # tail reads all: no SIGPIPE
  echo "$out" | jq -e --arg raw "$raw" '[.citations[].spans[] | select(.raw == $raw)] | length >= 1' >/dev/null \
    || fail "span $s-$e does not hold the citation as written"
done

# same answer as the embedded mode
emb=$(vp_resolve --format json "$EX") || fail "embedded resolve exited $?"
[ "$(echo "$out" | jq -S '.citations')" = "$(echo "$emb" | jq -S '.citations')" ] \
  || fail "embedded and separate-process results differ"

# --check: the fetcher is opened for loopback only in this test
"$ROOT/deploy/run-local.sh" stop >/dev/null
start_fixture
VP_FETCH_ALLOW=127.0.0.1 start_topology
doc="$RUN_DIR/links.txt"
printf 'Zie %s/ok en %s/status/404.\n\nOok %s/redirect/2 en %s/status/500.\n' \
  "$FIXTURE" "$FIXTURE" "$FIXTURE" "$FIXTURE" >"$doc"
set +e
out=$(vp resolve --connect "$API" --check --format json "$doc")
rc=$?
set -e
[ $rc -eq 1 ] || fail "resolve --check with broken links should exit 1, got $rc"
status_of() { echo "$out" | jq -r --arg s "$1" '.citations[] | select(.url | endswith($s)) | .status'; }
[ "$(status_of /ok)" = ok ] || fail "/ok: $(status_of /ok)"
[ "$(status_of /status/404)" = gone ] || fail "/status/404: $(status_of /status/404)"
[ "$(status_of /redirect/2)" = redirect ] || fail "/redirect/2: $(status_of /redirect/2)"
[ "$(status_of /status/500)" = server_error ] || fail "/status/500: $(status_of /status/500)"
echo "$out" | jq -e '.citations[] | select(.url | endswith("/redirect/2")) | .check.redirects | length == 2' >/dev/null \
  || fail "redirect hops not recorded"
echo "it_resolve: ok"
