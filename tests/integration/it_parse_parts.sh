#!/usr/bin/env bash
# `vindplaats parse` on several threads (a large text in parts, each part's
# carry guessed and checked, see cmd_parse) prints the bytes of one scan of
# the whole text, in every format. Parts are made small here
# (VINDPLAATS_PARSE_PART_BYTES) so that many guesses are wrong and parts are
# scanned again, and citations cross part boundaries.
set -euo pipefail
ROOT=${VP_ROOT:?VP_ROOT must point at the source tree}
BIN=${VP_BIN:?VP_BIN must point at the binaries}/vindplaats
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vp-parts.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

python3 "$ROOT/tests/bench/parse/gen_corpus.py" "$tmp/corpus.txt" 2 11
docs=("$tmp/corpus.txt" "$ROOT/tests/golden/parser/dev-citations.tsv"
  "$ROOT/tests/golden/parser/kamervragen-antwoord-2025-palantir.txt"
  "$ROOT/tests/golden/parser/law-forms.tsv")
checked=0
for doc in "${docs[@]}"; do
  for fmt in jsonl json table csv; do
    rc=0
    "$BIN" parse --quiet --workers 1 --format "$fmt" "$doc" >"$tmp/one" || rc=$?
    [ "$rc" -le 1 ] || { echo "FAIL: parse exited $rc" >&2; exit 1; }
    [ -s "$tmp/one" ] || { echo "FAIL: no output for $doc" >&2; exit 1; }
    for part in 256 4096 0; do
      rc2=0
      VINDPLAATS_PARSE_PART_BYTES=$part "$BIN" parse --quiet --workers 3 \
        --format "$fmt" "$doc" >"$tmp/parts" || rc2=$?
      if ! cmp -s "$tmp/one" "$tmp/parts" || [ "$rc" -ne "$rc2" ]; then
        echo "FAIL: $fmt of $(basename "$doc") in parts of $part bytes differs from one scan (exit $rc2, not $rc)" >&2
        cmp "$tmp/one" "$tmp/parts" >&2 || true
        exit 1
      fi
      checked=$((checked + 1))
    done
  done
done
echo "ok: $checked runs in parts, each the bytes of one scan"
