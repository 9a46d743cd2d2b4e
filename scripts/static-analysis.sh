#!/usr/bin/env bash
# Static analysis: cppcheck over every C file the build compiles (common/,
# proto/, services/, tests/), as listed in the build's compile_commands.json,
# so it sees the same include paths and defines as the compiler. Fails on any
# finding not listed in scripts/cppcheck-suppressions.txt. Checks: errors,
# warnings, performance and portability (the style checks are too noisy to
# gate on). About 15 s on two cores.
# Environment: BUILD_DIR (default build; configured by scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bdir="${BUILD_DIR:-build}"
if [ ! -f "$bdir/compile_commands.json" ]; then
  echo "static-analysis: $bdir/compile_commands.json missing: run scripts/setup.sh" >&2
  exit 2
fi
if ! command -v cppcheck >/dev/null; then
  echo "static-analysis: cppcheck missing: run scripts/setup.sh --with-tests" >&2
  exit 2
fi
# cppcheck's exit code alone is not trusted: some findings (of its
# whole-program pass) leave it 0, so any reported line counts as a finding.
out=$(mktemp)
trap 'rm -f "$out"' EXIT
rc=0
cppcheck --project="$bdir/compile_commands.json" -j "$(nproc)" --quiet \
  --enable=warning,performance,portability \
  --suppressions-list=scripts/cppcheck-suppressions.txt --error-exitcode=1 \
  --template='{file}:{line}: {severity}: {id}: {message}' 2>"$out" || rc=$?
if [ "$rc" -ne 0 ] || [ -s "$out" ]; then
  cat "$out"
  echo "cppcheck: $(grep -c . "$out") finding(s); fix them, or list them with a reason in scripts/cppcheck-suppressions.txt" >&2
  exit 1
fi
echo "cppcheck: no findings"
