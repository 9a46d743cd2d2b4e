#!/usr/bin/env bash
# The output formats a user reads or feeds to a spreadsheet: resolve --format
# html (the annotated document: links, families, tooltips, footnotes, the
# source list, status badges; nothing from the document unescaped), --format
# csv of resolve, parse and check (RFC 4180), a format a command does not
# write refused with exit 2, and the gateway answering the very same HTML
# and CSV (?format=, Accept).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
EX="$ROOT/examples/kamervragen-antwoord-2025-palantir.txt"
cd "$RUN_DIR"
export XDG_STATE_HOME="$RUN_DIR/state"

# --- a format a command does not write is an error, not silent JSON
for args in "parse --format html x" "check --format html http://127.0.0.1:9/" \
    "watch list --format csv" "history --format html http://x/" "stats --format csv"; do
  rc=0; vp $args >out 2>err || rc=$?
  [ $rc = 2 ] || fail "vindplaats $args: exit $rc, want 2"
  [ ! -s out ] || fail "vindplaats $args printed: $(head -c 200 out)"
  grep -q -- "--format .* is not an output of" err || fail "vindplaats $args: message: $(cat err)"
done
rc=0; vp resolve --format html "$EX" "$EX" >out 2>err || rc=$?
[ $rc = 2 ] && grep -q 'one page' err || fail "resolve --format html of two files: exit $rc: $(cat err)"

# python3 checks the HTML's structure and escaping, and parses the CSV
check_html() { # FILE: balanced, no script, no event handler, no foreign tag
  python3 - "$1" <<'PY'
import sys
from html.parser import HTMLParser
allowed = {"html","head","meta","title","style","body","main","header","h1","h2",
           "p","article","section","ol","ul","li","a","span","sup","b","em","br"}
void = {"meta","br"}
class P(HTMLParser):
    def __init__(s):
        super().__init__(); s.stack = []; s.ids = set(); s.hrefs = []
    def handle_starttag(s, t, attrs):
        if t not in allowed: sys.exit(f"unexpected element <{t}>")
        for k, v in attrs:
            if k.startswith("on"): sys.exit(f"event handler {k} on <{t}>")
            if k == "id":
                if v in s.ids: sys.exit(f"duplicate id {v}")
                s.ids.add(v)
            if k == "href": s.hrefs.append(v)
        if t not in void: s.stack.append(t)
    def handle_endtag(s, t):
        if not s.stack or s.stack[-1] != t:
            sys.exit(f"</{t}> closes <{s.stack[-1] if s.stack else None}>")
        s.stack.pop()
p = P(); p.feed(open(sys.argv[1], encoding="utf-8").read()); p.close()
if p.stack: sys.exit(f"unclosed {p.stack}")
for h in p.hrefs:
    if h.startswith("#") and h[1:] not in p.ids: sys.exit(f"anchor {h} leads nowhere")
    if h.lower().startswith("javascript:"): sys.exit(f"script link {h}")
PY
}

# --- the annotated example: every citation a link, footnotes, sources
rc=0; vp resolve --format html "$EX" >ex.html || rc=$?
[ $rc -le 1 ] || fail "resolve --format html exited $rc"
vp_resolve --format json "$EX" >ex.json
check_html ex.html || fail "the annotated example is not well-formed HTML"
! grep -qi '<link\|<script\|<img\|src=' ex.html || fail "the page loads something from outside"
n_src=$(jq '.citations | length' ex.json)
n_places=$(jq '[.citations[].spans[]] | length' ex.json)
[ "$(grep -c '<li id="src' ex.html)" = "$n_src" ] || fail "source list: want $n_src entries"
[ "$(grep -o 'class="cit [^"]*" id="c[0-9]*-[0-9]*"' ex.html | wc -l)" = "$n_places" ] ||
  fail "want all $n_places cited places marked"
grep -q '<a class="cit f-zaak" id="c[0-9-]*" href="https://www.tweedekamer.nl/kamerstukken/detail?id=2025Z15031"' ex.html ||
  fail "2025Z15031 is no link to tweedekamer.nl"
# the guess (Aanhangsel read from "nr. 3011") is marked, with its reason
grep -q 'class="cit f-aanhangsel guess"[^>]*data-id="ah-tk-20202021-3011"' ex.html || fail "guess not marked"
# an internal reference links to its part: "vraag 10" to the heading Vraag 10
seg=$(grep -o 'href="#s[0-9]*" data-id="internal:vraag-10"' ex.html | head -1 | sed 's/href="#s\([0-9]*\)".*/\1/')
[ -n "$seg" ] || fail "internal:vraag-10 is not a link to its part"
grep -q "id=\"s$seg\">Vraag 10<" ex.html || fail "internal:vraag-10 links to #s$seg, which is not the heading Vraag 10"
grep -q 'no dossier number: read as Aanhangsel number' ex.html || fail "no reason shown"
# hover and focus: a title, and a tooltip the link is described by
grep -q 'aria-describedby="tc1-1"' ex.html && grep -q 'role="tooltip" id="tc1-1"' ex.html ||
  fail "no tooltip described by the first place"
grep -q 'focus-within .tip' ex.html || fail "the tooltip does not show on focus"
# footnotes: listed, with their markers linked both ways
grep -q '<p class="note" id="fn4">' ex.html && grep -q 'href="#fn4" id="fnref4"' ex.html ||
  fail "footnote 4 or its marker missing"
# both places of the source cited in footnotes 4 and 5 are linked from the list
jq -e '.citations[] | select(.id == "ah-tk-20202021-3011") | .spans | length == 2' ex.json >/dev/null
grep -o '<li id="src[0-9]*" class="src f-aanhangsel">.*ah-tk-20202021-3011.*</li>' ex.html |
  grep -q '>footnote 4</a>, <a href="#c[0-9]*-2">footnote 5</a>' || fail "source list: places of ah-tk-20202021-3011"

# --- escaping: a text with markup and quotes
cat >evil.txt <<'TXT'
Zie "Kamerstukken II 2019/20, 35300-XV, nr. 28" <script>alert('x')</script> & Stb. 2020, 1.
<img src=x onerror=alert(1)> en https://example.org/a?b=1&c="2"
TXT
rc=0; vp resolve --format html evil.txt >evil.html || rc=$?
[ $rc -le 1 ] || fail "resolve --format html of evil.txt exited $rc"
check_html evil.html || fail "markup from the document came through"
grep -q '&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;' evil.html || fail "script text not shown escaped"
grep -q '&lt;img src=x onerror=alert(1)&gt;' evil.html || fail "img text not shown escaped"
grep -q 'id="c[0-9-]*" href="https://zoek.officielebekendmakingen.nl/kst-35300-XV-28.html"' evil.html ||
  fail "kst-35300-XV-28 not linked"
# HTML input: its structure (headings, lists) kept, its script and handlers not
cat >evil.html.in <<'HTM'
<!DOCTYPE html><html><head><title>t</title><script>alert(1)</script></head><body>
<h2 class="x" onclick="alert(2)">Titel "met" quotes</h2>
<p>Zie Stb. 2020, 1 &amp; <b onmouseover="alert(3)">ECLI:NL:HR:2020:1</b>.</p>
<ul><li>Kamerstukken II 2019/20, 35300-XV, nr. 28</li><li>&lt;script&gt;alert(4)&lt;/script&gt;</li></ul>
</body></html>
HTM
rc=0; vp resolve --format html --doc-format html evil.html.in >in.html || rc=$?
[ $rc -le 1 ] || fail "resolve --format html of HTML input exited $rc"
check_html in.html || fail "the annotated HTML input is not clean"
grep -qE '<h2( id="s[0-9]+")?>Titel &quot;met&quot; quotes</h2>' in.html || fail "heading not kept: $(grep -o '<article.*' in.html | head -c 400)"
grep -q '<ul>' in.html && grep -q '&lt;script&gt;alert(4)&lt;/script&gt;</li>' in.html || fail "list not kept"
grep -q 'href="https://deeplink.rechtspraak.nl/uitspraak?id=ECLI:NL:HR:2020:1"' in.html || fail "ECLI not linked"
# a published HTML page: every place marked, hyperlink targets included
DOC="$ROOT/tests/fixtures/docs/besluit.html"
vp_resolve --format html "$DOC" >besluit.html
check_html besluit.html || fail "the annotated besluit.html is not clean"
want=$(vp_resolve --format json "$DOC" | jq '[.citations[].spans[]] | length')
[ "$(grep -o 'class="cit [^"]*" id="c[0-9]*-[0-9]*"' besluit.html | wc -l)" = "$want" ] ||
  fail "besluit.html: not all $want places marked"

# --- CSV: resolve (a row per place), parse (a row per occurrence), RFC 4180
csv_rows() { python3 -c '
import csv, sys
raw = open(sys.argv[1], newline="").read()
assert raw.endswith("\r\n"), "no CRLF at the end"
assert "\n" not in raw.replace("\r\n", ""), "a bare LF"
rows = list(csv.reader(raw.splitlines(True)))
assert all(len(r) == len(rows[0]) for r in rows), "rows of different widths"
print(len(rows) - 1)' "$1"; }
rc=0; vp resolve --format csv "$EX" >ex.csv || rc=$?
[ $rc -le 1 ] || fail "resolve --format csv exited $rc"
[ "$(csv_rows ex.csv)" = "$n_places" ] || fail "resolve csv: want $n_places rows"
head -1 ex.csv | grep -q '^document,family,id,url,confidence,guess,reason,start,end,where,raw,status' || fail "resolve csv header"
vp parse --format csv 'Zie Stb. 2020, 1 en "ECLI:NL:HR:2020:1", en Stb. 2020, 1.' >p.csv
[ "$(csv_rows p.csv)" = 3 ] || fail "parse csv: want 3 rows: $(cat p.csv)"
grep -q '^staatsblad,stb-2020-1,https://zoek.officielebekendmakingen.nl/stb-2020-1.html,1.00,no,,4,16,,"Stb. 2020, 1"'$'\r''$' p.csv ||
  fail "parse csv row: $(cat p.csv)"

# --- check: CSV rows per URL, and badges in the annotated document
start_fixture
export VP_FETCH_WAYBACK_URL="$FIXTURE/wayback/available"
vp check --allow 127.0.0.1 --format csv "$FIXTURE/ok" "$FIXTURE/status/404" >c.csv || true
[ "$(csv_rows c.csv)" = 2 ] || fail "check csv: want 2 rows: $(cat c.csv)"
head -1 c.csv | grep -q '^url,status,http_status,final_url' || fail "check csv header"
grep -q "^$FIXTURE/ok,ok,200," c.csv || fail "check csv ok row: $(cat c.csv)"
printf 'Zie %s, %s en %s.\n' "$FIXTURE/ok" "$FIXTURE/redirect/1" "$FIXTURE/status/404" >links.txt
rc=0; vp resolve --check --allow 127.0.0.1 --format html links.txt >links.html || rc=$?
[ $rc = 1 ] || fail "resolve --check of a dead link: exit $rc, want 1"
check_html links.html || fail "the checked document is not clean"
grep -q 'class="badge b-ok"' links.html || fail "no ok badge"
grep -q 'class="badge b-redirect"' links.html || fail "no redirect badge"
grep -q 'class="badge b-dead"' links.html || fail "no dead badge"
grep -q 'class="archived" href="http://127.0.0.1:[0-9]*/web/' links.html || fail "dead link without its archived copy"

# --- the gateway writes the very same bytes
start_topology
GW_PID=
trap 'rc=$?; [ -z "$GW_PID" ] || kill "$GW_PID" 2>/dev/null; (exit $rc); cleanup' EXIT
"$VP_BIN/vp-gateway" --connect "$API" --http-listen http://127.0.0.1:0 >gw.out 2>gw.log &
GW_PID=$!
for _ in $(seq 1 50); do grep -q '^port=' gw.out 2>/dev/null && break; sleep 0.1; done
GW="http://127.0.0.1:$(sed -n 's/^port=//p' gw.out)"
[ "$GW" != "http://127.0.0.1:" ] || fail "vp-gateway did not start: $(cat gw.log)"
name=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$EX")
st() { curl -s -o body -D head -w '%{http_code}' "$@"; }
[ "$(st -H 'Content-Type: text/plain' --data-binary @"$EX" "$GW/v1/resolve?format=html&name=$name")" = 200 ] ||
  fail "gateway ?format=html: $(head -c 300 body)"
grep -qi '^content-type: text/html' head || fail "gateway html content type"
grep -qi '^content-security-policy: default-src .none.' head || fail "gateway html without CSP"
cmp -s body ex.html || fail "the gateway's HTML differs from the CLI's"
[ "$(st -H 'Content-Type: text/plain' -H 'Accept: text/csv' --data-binary @"$EX" "$GW/v1/resolve?name=$name")" = 200 ] ||
  fail "gateway Accept: text/csv"
grep -qi '^content-type: text/csv' head && cmp -s body ex.csv || fail "the gateway's CSV differs from the CLI's"
[ "$(st -H 'Content-Type: text/plain' -d x "$GW/v1/resolve?format=pdf")" = 400 ] || fail "unknown ?format= not refused"
jq -e '.status == 400 and (.detail | test("format"))' body >/dev/null || fail "unknown format: $(cat body)"
# the page and its files
[ "$(st "$GW/")" = 200 ] && grep -qi '^content-type: text/html' head && grep -q '<label for="text">' body ||
  fail "GET / is not the page"
grep -qi "^content-security-policy: default-src 'none'; script-src 'self'" head || fail "page CSP"
! grep -qE '(src|href)="(https?:)?//' body || fail "the page loads a third-party asset"
for f in app.js app.css; do [ "$(st "$GW/$f")" = 200 ] || fail "GET /$f"; done
echo "ok: formats"
