#!/usr/bin/env bash
# The deployment files checked against the code: deploy/k8s/ rendered with
# `kubectl kustomize` (base and the example overlay) and checked by
# check_k8s.py; deploy/prometheus/ checked with promtool (config, rules, and
# the rules' unit tests), and every metric the rules name must be one the
# services export.
#   usage: check-deploy.sh k8s|prometheus   (VP_ROOT, VP_BIN set by CTest)
set -euo pipefail
ROOT=${VP_ROOT:?}
BIN=${VP_BIN:?}
# a python3 with yaml (Debian's python3-yaml, scripts/setup.sh --with-tests)
PY=
for p in python3 /usr/bin/python3; do
  if "$p" -c 'import yaml' 2>/dev/null; then PY=$p; break; fi
done
[ -n "$PY" ] || { echo "FAIL: no python3 with yaml (python3-yaml)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
case "${1:-}" in
k8s)
  command -v kubectl >/dev/null || { echo "SKIP: kubectl not installed (scripts/setup.sh --with-tests installs kubernetes-client)"; exit 77; }
  for dir in base overlays/example; do
    kubectl kustomize "$ROOT/deploy/k8s/$dir" >"$tmp/out.yaml" 2>"$tmp/err" ||
      { cat "$tmp/err" >&2; echo "FAIL: kubectl kustomize deploy/k8s/$dir" >&2; exit 1; }
    echo "deploy/k8s/$dir:"
    "$PY" "$ROOT/tests/deploy/check_k8s.py" "$tmp/out.yaml" "$BIN" \
      $([ "$dir" = base ] && echo --base)
  done
  ;;
prometheus)
  command -v promtool >/dev/null || { echo "SKIP: promtool not installed (scripts/setup.sh --with-tests installs prometheus)"; exit 77; }
  cd "$ROOT/deploy/prometheus"
  promtool check config prometheus.yml
  promtool test rules vindplaats.rules.test.yml
  "$PY" -c 'import sys, yaml; yaml.safe_load(open(sys.argv[1]))' scrape-k8s.yml
  # every metric the rules name is written by some service's /metrics code
  missing=0
  for m in $(grep -oE 'vp_[a-z0-9_]+' vindplaats.rules.yml | sort -u); do
    grep -rqF "$m" "$ROOT/services" "$ROOT/common" --include='*.c' ||
      { echo "FAIL: the rules name $m, which no service exports" >&2; missing=1; }
  done
  [ "$missing" = 0 ]
  echo "deploy/prometheus: ok"
  ;;
*) echo "usage: check-deploy.sh k8s|prometheus" >&2; exit 2 ;;
esac
