#!/usr/bin/env bash
# Installs the Debian packages the project needs (from deploy/debian-packages.txt,
# only those missing) and builds the project into build/.
#   scripts/setup.sh               build + run-time packages, then build
#   scripts/setup.sh --with-tests  also the test tools (clang/libFuzzer, jq, ...)
#   scripts/setup.sh --no-build    install only
# Environment: BUILD_DIR (default build), CMAKE_ARGS (extra cmake arguments).
set -euo pipefail
cd "$(dirname "$0")/.."

stages="build run"
do_build=1
for arg in "$@"; do
  case "$arg" in
    --with-tests) stages="build run test" ;;
    --no-build) do_build=0 ;;
    -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "setup.sh: unknown option '$arg' (try --help)" >&2; exit 2 ;;
  esac
done

wanted=()
while read -r stage pkg cmd; do
  case "$stage" in ''|\#*) continue ;; esac
  # a third column names a command: the package is only wanted when no
  # program of that name is installed yet (from another package)
  if [ -n "${cmd:-}" ] && command -v "$cmd" >/dev/null 2>&1; then continue; fi
  for s in $stages; do [ "$s" = "$stage" ] && wanted+=("$pkg"); done
done < deploy/debian-packages.txt

missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

if [ "$do_build" -eq 1 ]; then
  bdir="${BUILD_DIR:-build}"
  # shellcheck disable=SC2086
  cmake -S . -B "$bdir" -DCMAKE_BUILD_TYPE=RelWithDebInfo ${CMAKE_ARGS:-} >&2
  cmake --build "$bdir" -j "$(nproc)" >&2
fi
