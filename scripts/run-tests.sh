#!/usr/bin/env bash
# Runs every test of the project (what CI runs, after scripts/setup.sh
# --with-tests):
#   1. the whole CTest suite on the normal build (build/): unit, golden,
#      component and integration tests;
#   2. unit, golden and component tests again under ASan + UBSan (build-asan/);
#   3. each libFuzzer target for a short smoke run (build-fuzz/, clang);
#   4. the docker-compose file validated with `docker-compose config -q`;
#   5. the image built and the compose topology run as a podman pod
#      (tests/container/run.sh; skipped where containers cannot run);
#   6. static analysis: cppcheck over the sources (scripts/static-analysis.sh).
# Options: --quick (step 1 only). Environment: FUZZ_SECONDS (default 60).
set -uo pipefail
cd "$(dirname "$0")/.."
quick=0
[ "${1:-}" = "--quick" ] && quick=1
jobs=$(nproc)
passed=0
failed=0

count() { # parses ctest's summary line in $1
  local line p t
  line=$(grep -E '[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$1" | tail -1)
  [ -n "$line" ] || { failed=$((failed + 1)); return; }
  t=$(echo "$line" | sed -E 's/.* out of ([0-9]+).*/\1/')
  p=$(echo "$line" | sed -E 's/.*, ([0-9]+) tests? failed.*/\1/')
  passed=$((passed + t - p))
  failed=$((failed + p))
}

step() { echo; echo "=== $* ==="; }

step "build and run the test suite (build/)"
log=$(mktemp)
if scripts/setup.sh >/dev/null 2>"$log.build"; then
  ctest --test-dir build --output-on-failure -j "$jobs" 2>&1 | tee "$log"
  count "$log"
else
  cat "$log.build"; failed=$((failed + 1))
fi

if [ $quick -eq 0 ]; then
  step "unit, golden and component tests under ASan + UBSan (build-asan/)"
  if BUILD_DIR=build-asan CMAKE_ARGS="-DVP_SANITIZE=ON -DVP_BENCH=OFF" \
      scripts/setup.sh >/dev/null 2>"$log.build"; then
    ASAN_OPTIONS=detect_leaks=1 ctest --test-dir build-asan --output-on-failure \
      -j "$jobs" -R '^(unit|golden|component)_' 2>&1 | tee "$log"
    count "$log"
  else
    cat "$log.build"; failed=$((failed + 1))
  fi

  step "fuzz smoke runs, ${FUZZ_SECONDS:-60} s each (build-fuzz/)"
  if command -v clang >/dev/null; then
    if CC=clang BUILD_DIR=build-fuzz CMAKE_ARGS="-DVP_FUZZ=ON -DVP_BENCH=OFF -DVP_FUZZ_SECONDS=${FUZZ_SECONDS:-60}" \
        scripts/setup.sh >/dev/null 2>"$log.build"; then
      # each smoke run is a fixed ${FUZZ_SECONDS:-60} s of wall time: four at a
      # time keeps the stage short on two cores
      ctest --test-dir build-fuzz --output-on-failure -j 4 -R '^fuzz_' 2>&1 | tee "$log"
      count "$log"
    else
      cat "$log.build"; failed=$((failed + 1))
    fi
  else
    echo "clang missing: run scripts/setup.sh --with-tests"; failed=$((failed + 1))
  fi

  step "docker-compose.yml"
  if command -v docker-compose >/dev/null; then
    if docker-compose -f docker-compose.yml config -q; then
      echo "docker-compose config: valid"; passed=$((passed + 1))
    else
      failed=$((failed + 1))
    fi
  else
    echo "docker-compose missing: run scripts/setup.sh --with-tests"; failed=$((failed + 1))
  fi

  step "containers: the image and the compose topology in a pod (tests/container/run.sh)"
  rc=0
  bash tests/container/run.sh || rc=$?
  case $rc in
    0) passed=$((passed + 1)) ;;
    77) echo "(skipped: this machine cannot run containers; not counted)" ;;
    *) failed=$((failed + 1)) ;;
  esac

  step "static analysis (cppcheck)"
  if scripts/static-analysis.sh; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
  fi
fi
rm -f "$log" "$log.build"
echo
echo "all tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
