#!/usr/bin/env bash
# Bad configuration is a clear message and exit status 2; --help is 0.
. "$(dirname "$0")/lib.sh"

expect2() { # description, command...
  local d=$1
  shift
  set +e
  "$@" >/dev/null 2>"$RUN_DIR/err"
  local rc=$?
  set -e
  [ $rc -eq 2 ] || fail "$d: exit $rc, want 2"
  [ -s "$RUN_DIR/err" ] || fail "$d: no message"
}
expect2 "dispatcher bad port URL" env VP_API_LISTEN=http://x "$VP_BIN/vp-dispatcher"
expect2 "dispatcher bad number" "$VP_BIN/vp-dispatcher" --park-ms abc
expect2 "dispatcher out of range" env VP_MAX_ATTEMPTS=0 "$VP_BIN/vp-dispatcher"
expect2 "parser contexts 0" env VP_CONTEXTS=0 "$VP_BIN/vp-parser"
expect2 "splitter unknown flag" "$VP_BIN/vp-splitter" --frobnicate
expect2 "fetcher bad allow list" env VP_FETCH_ALLOW=not-an-address "$VP_BIN/vp-fetcher"
expect2 "cli unknown command" "$VP_BIN/vindplaats" frobnicate
expect2 "cli bad format" "$VP_BIN/vindplaats" parse --format xml "x"
expect2 "cli resolve without file" "$VP_BIN/vindplaats" resolve
for b in vindplaats vp-dispatcher vp-splitter vp-parser vp-fetcher vp-linkmon; do
  "$VP_BIN/$b" --help >/dev/null || fail "$b --help exited $?"
done
grep -q "VP_FETCH_ALLOW" <("$VP_BIN/vp-fetcher" --help) || fail "fetcher --help does not name VP_FETCH_ALLOW"
echo "it_config: ok"
