#!/usr/bin/env bash
# The embedded CLI writes only where it must: parse (and resolve) in an
# empty, read-only directory succeed and create nothing there, in HOME or in
# XDG_STATE_HOME; the commands that need the link monitor keep its store in
# $XDG_STATE_HOME/vindplaats/ (else ~/.local/state/vindplaats/), never in
# the current directory. And the embedded fetcher takes vp-fetcher's
# politeness options: a per-host rate of 1/s spaces the checks out.
. "$(dirname "$0")/lib.sh"

ro="$RUN_DIR/readonly"
home="$RUN_DIR/home"
state="$RUN_DIR/state"
mkdir -p "$ro" "$home" "$state"
chmod 0555 "$ro"
empty() { [ -z "$(ls -A "$1")" ]; }

# Tests run as root, where mode 0555 stops no write: what counts is that
# the directories are still empty afterwards.
out=$(cd "$ro" && HOME="$home" XDG_STATE_HOME="$state" \
  "$VP_BIN/vindplaats" parse --format jsonl --text 'Kamerstukken II 2019/20, 35300, nr. 3') ||
  fail "parse --text in a read-only directory exited $?"
echo "$out" | jq -e 'select(.id == "kst-35300-3")' >/dev/null || fail "parse found no kst-35300-3: $out"
(cd "$ro" && HOME="$home" XDG_STATE_HOME="$state" \
  "$VP_BIN/vindplaats" resolve --format json "$ROOT/examples/kamervragen-antwoord-2025-palantir.txt" >/dev/null) ||
  [ $? -eq 1 ] || fail "resolve in a read-only directory failed"
empty "$ro" || fail "parse/resolve wrote into the current directory: $(ls -A "$ro")"
empty "$home" || fail "parse/resolve wrote into HOME: $(ls -A "$home")"
empty "$state" || fail "parse/resolve wrote into XDG_STATE_HOME: $(ls -A "$state")"

# report needs the monitor: its store goes to XDG_STATE_HOME ...
(cd "$ro" && HOME="$home" XDG_STATE_HOME="$state" "$VP_BIN/vindplaats" report >/dev/null) ||
  fail "report exited $?"
[ -f "$state/vindplaats/linkmon.db" ] || fail "no store in XDG_STATE_HOME/vindplaats: $(find "$state")"
empty "$ro" || fail "report wrote into the current directory: $(ls -A "$ro")"
empty "$home" || fail "report wrote into HOME although XDG_STATE_HOME is set"
# ... or, without it, to ~/.local/state
(cd "$ro" && env -u XDG_STATE_HOME HOME="$home" "$VP_BIN/vindplaats" report >/dev/null) ||
  fail "report without XDG_STATE_HOME exited $?"
[ -f "$home/.local/state/vindplaats/linkmon.db" ] || fail "no store in ~/.local/state/vindplaats"
empty "$ro" || fail "report wrote into the current directory: $(ls -A "$ro")"

# The politeness options reach the embedded fetcher: 4 URLs of one host at
# 1 request/s take seconds (at the default 4/s, about one).
start_fixture
t0=$(date +%s%N)
(cd "$ro" && HOME="$home" XDG_STATE_HOME="$state" "$VP_BIN/vindplaats" check --format jsonl \
  --allow 127.0.0.1 --fetch-host-rate 1 --fetch-host-burst 1 --no-fetch-soft404-probe \
  "$FIXTURE/ok?1" "$FIXTURE/ok?2" "$FIXTURE/ok?3" "$FIXTURE/ok?4" >"$RUN_DIR/check.out") ||
  fail "check with --fetch-host-rate exited $?: $(cat "$RUN_DIR/check.out")"
ms=$((($(date +%s%N) - t0) / 1000000))
[ "$(jq -r .status "$RUN_DIR/check.out" | sort -u)" = ok ] || fail "checks not ok: $(cat "$RUN_DIR/check.out")"
[ $ms -ge 2500 ] || fail "4 checks at 1/s per host took only $ms ms: --fetch-host-rate not applied"
# the same through the environment
t0=$(date +%s%N)
(cd "$ro" && HOME="$home" XDG_STATE_HOME="$state" VP_FETCH_HOST_RATE=1 VP_FETCH_SOFT404_PROBE=0 \
  "$VP_BIN/vindplaats" check --format jsonl --allow 127.0.0.1 \
  "$FIXTURE/ok?5" "$FIXTURE/ok?6" "$FIXTURE/ok?7" "$FIXTURE/ok?8" >/dev/null) ||
  fail "check with VP_FETCH_HOST_RATE exited $?"
ms=$((($(date +%s%N) - t0) / 1000000))
[ $ms -ge 2500 ] || fail "VP_FETCH_HOST_RATE=1: 4 checks took only $ms ms"
empty "$ro" || fail "check wrote into the current directory: $(ls -A "$ro")"
echo "it_cli_embedded: ok"
