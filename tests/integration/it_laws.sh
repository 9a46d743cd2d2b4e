#!/usr/bin/env bash
# The law table a user brings: `vindplaats laws import` turns KOOP's
# BWBIdList.xml (here a small file of that schema written for the project)
# into the table that `parse`/`resolve` (--parser-laws, VP_PARSER_LAWS) and
# vp-parser load; a broken file is a clear error and leaves the current
# table as it was.
. "$(dirname "$0")/lib.sh"

X="$ROOT/tests/fixtures/laws/BWBIdList-sample.xml"
T="$RUN_DIR/laws.tsv"

vp laws import "$X" --out "$T" >"$RUN_DIR/import.txt" || fail "laws import exited $?"
grep -q "regulations" "$RUN_DIR/import.txt" || fail "laws import said nothing: $(cat "$RUN_DIR/import.txt")"
head -1 "$T" | grep -q '^bwb_id	soort	citeertitel	intitule	aliases$' || fail "no table header"

# the imported table is used, with the curated names added (Woo is not in
# the sample's list of names but is curated)
out=$(vp parse --format jsonl --parser-laws "$T" --text 'artikel 5 Awb en artikel 3 van de Woo')
echo "$out" | jq -s -e 'map(select(.id == "jci1.3:c:BWBR0005537&artikel=5")) | length == 1' >/dev/null || fail "Awb from the imported table: $out"
echo "$out" | jq -s -e 'map(select(.id == "jci1.3:c:BWBR0045754&artikel=3" and .raw == "artikel 3 van de Woo")) | length == 1' >/dev/null || fail "curated Woo: $out"
# ... and only it: the built-in table knows the Wegenwet, the sample does not
out=$(VP_PARSER_LAWS="$T" vp parse --format jsonl --text 'op grond van de Wegenwet' || [ $? -eq 1 ])
echo "$out" | jq -s -e 'map(select(.id == "wet:Wegenwet" and .fields.lookup == "law")) | length == 1' >/dev/null ||
  fail "VP_PARSER_LAWS did not replace the built-in table (the Wegenwet should be unknown): $out"
out=$(vp parse --format jsonl --text 'op grond van de Wegenwet')
echo "$out" | jq -s -e 'map(select(.id == "jci1.3:c:BWBR0001948")) | length == 1' >/dev/null || fail "built-in Wegenwet: $out"

# a broken list: exit 2, the file named, the table untouched, no temp file
cp "$T" "$RUN_DIR/before.tsv"
printf '<regelingInfoLijst><regelingInfo><bwbId>BWBR0000001' >"$RUN_DIR/bad.xml"
set +e
vp laws import "$RUN_DIR/bad.xml" --out "$T" 2>"$RUN_DIR/err.txt"
rc=$?
set -e
[ $rc -eq 2 ] || fail "import of a broken file exited $rc, want 2"
grep -q "bad.xml" "$RUN_DIR/err.txt" || fail "the error does not name the file: $(cat "$RUN_DIR/err.txt")"
cmp -s "$T" "$RUN_DIR/before.tsv" || fail "a failed import changed the table"
[ "$(ls "$RUN_DIR" | grep -c 'laws.tsv.')" -eq 0 ] || fail "a temporary file was left: $(ls "$RUN_DIR")"

# a table that is not one: the services refuse to start, naming the file
printf 'not\ta table\n' >"$RUN_DIR/junk.tsv"
set +e
"$VP_BIN/vp-parser" --parser-laws "$RUN_DIR/junk.tsv" 2>"$RUN_DIR/err2.txt"
rc=$?
vp parse --parser-laws "$RUN_DIR/missing.tsv" --text 'artikel 5 Awb' 2>"$RUN_DIR/err3.txt"
rc3=$?
set -e
[ $rc -eq 2 ] || fail "vp-parser with a junk table exited $rc, want 2"
grep -q "junk.tsv" "$RUN_DIR/err2.txt" || fail "vp-parser's error does not name the table: $(cat "$RUN_DIR/err2.txt")"
[ $rc3 -eq 2 ] || fail "parse with a missing table exited $rc3, want 2"
grep -q "missing.tsv" "$RUN_DIR/err3.txt" || fail "parse's error does not name the table"
echo "it_laws: ok"
