#!/usr/bin/env bash
# The gateway's web page in headless chromium: the topology and vp-gateway
# on 127.0.0.1, then page.test.js pastes the example Kamerbrief and checks
# the annotated document. playwright-core comes from this directory's
# package-lock.json (npm ci into the build directory, once). Skipped (exit
# 77) only when chromium is not installed.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
: "${VP_ROOT:?}" "${VP_BIN:?}"
OUT=${VP_BROWSER_OUT:?VP_BROWSER_OUT must name a directory for the artifacts}
CHROMIUM=${CHROMIUM:-$(command -v chromium || true)}
if [ -z "$CHROMIUM" ]; then
  echo "SKIP: chromium is not installed (scripts/setup.sh --with-tests installs it)"
  exit 77
fi
command -v node >/dev/null && command -v npm >/dev/null ||
  { echo "FAIL: node and npm are needed (scripts/setup.sh --with-tests)" >&2; exit 1; }
mkdir -p "$OUT/node"
# playwright-core, exactly as locked; installed again only when the lock changed
if ! cmp -s "$HERE/package-lock.json" "$OUT/node/package-lock.json" ||
   [ ! -d "$OUT/node/node_modules/playwright-core" ]; then
  cp "$HERE/package.json" "$HERE/package-lock.json" "$OUT/node/"
  (cd "$OUT/node" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit \
     --no-fund --ignore-scripts --loglevel=error) ||
    { echo "FAIL: npm ci of playwright-core failed" >&2; exit 1; }
fi

. "$VP_ROOT/tests/integration/lib.sh"
start_topology
GW_PID=
trap 'rc=$?; [ -z "$GW_PID" ] || kill "$GW_PID" 2>/dev/null; (exit $rc); cleanup' EXIT
"$VP_BIN/vp-gateway" --connect "$API" --http-listen http://127.0.0.1:0 \
  >"$RUN_DIR/gw.out" 2>>"$RUN_DIR/gateway.log" &
GW_PID=$!
for _ in $(seq 1 50); do grep -q '^port=' "$RUN_DIR/gw.out" 2>/dev/null && break; sleep 0.1; done
GW="http://127.0.0.1:$(sed -n 's/^port=//p' "$RUN_DIR/gw.out")"
[ "$GW" != "http://127.0.0.1:" ] || fail "vp-gateway did not start: $(cat "$RUN_DIR/gateway.log")"
for _ in $(seq 1 50); do curl -sf "$GW/readyz" >/dev/null && break; sleep 0.1; done

rm -f "$OUT/browser-page.png"
start=$(date +%s%N)
CHROMIUM=$CHROMIUM NODE_PATH="$OUT/node/node_modules" timeout 150 node "$HERE/page.test.js" \
  "$GW" "$VP_ROOT/examples/kamervragen-antwoord-2025-palantir.txt" \
  "$OUT/browser-page.png" || fail "the page in chromium (see above)"
[ -s "$OUT/browser-page.png" ] || fail "no screenshot"
ms=$((($(date +%s%N) - start) / 1000000))
echo "browser test: ${ms} ms for node + chromium; screenshot $OUT/browser-page.png"
