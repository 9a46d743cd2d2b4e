#!/usr/bin/env bash
# Every option and environment variable that a binary's --help documents is
# accepted by that binary: each is set, as a flag and as a variable, to a
# valid value (its default, else the lowest of its range, its first word, a
# URL or a text) in front of --help, which loads and checks the whole
# configuration and then exits 0 without starting anything. Also: an
# unknown option is exit 2, an unknown VP_* variable a warning, and every
# service has the admin options.
. "$(dirname "$0")/lib.sh"

# A clean environment: the harness's own VP_* variables are not options.
run_clean() { env -i PATH="$PATH" HOME="$RUN_DIR/home" "$@"; }

# Prints "name kind env value" per documented option of "$@" --help.
options_of() {
  run_clean "$@" --help | awk '
    /^  (-[a-zA-Z], |    )--[a-z0-9-]+/ {
      opt = $0; sub(/^  (-[a-zA-Z], |    )--/, "", opt); sub(/ .*/, "", opt)
      kind = "BOOL"
      if (index(opt, "=") > 0) { kind = substr(opt, index(opt, "=") + 1); opt = substr(opt, 1, index(opt, "=") - 1) }
      pending = 1; next
    }
    pending && /^ +env VP_/ {
      line = $0; sub(/^ +env /, "", line)
      n = split(line, part, "; ")
      env = part[1]; def = ""; lo = ""; first = ""
      for (i = 2; i <= n; i++) {
        if (part[i] ~ /^default /) { def = substr(part[i], 9) }
        else if (part[i] ~ /^one of /) { first = substr(part[i], 8); sub(/\|.*/, "", first) }
        else if (part[i] ~ /^[0-9]+\.\.[0-9]+$/) { lo = part[i]; sub(/\..*/, "", lo) }
      }
      if (kind == "N") val = def != "" ? def : lo
      else if (kind == "URL") val = def != "" ? def : "tcp://127.0.0.1:1"
      else if (kind == "WORD") val = def != "" ? def : first
      else if (kind == "TEXT") val = def != "" ? def : "x"
      else val = "1"
      print opt, kind, env, val
      pending = 0
    }'
}

# accepted DESCRIPTION COMMAND...: exit 0, no warning, no error.
accepted() {
  local d=$1 rc
  shift
  set +e
  run_clean "$@" >/dev/null 2>"$RUN_DIR/err"
  rc=$?
  set -e
  [ $rc -eq 0 ] || fail "$d: exit $rc: $(cat "$RUN_DIR/err")"
  [ ! -s "$RUN_DIR/err" ] || fail "$d: said: $(cat "$RUN_DIR/err")"
}

checked=0
check_binary() { # label, command words before the options...
  local label=$1 opt kind env val n=0
  shift
  while read -r opt kind env val; do
    [ "$env" = "VP_$(echo "$opt" | tr 'a-z-' 'A-Z_')" ] || fail "$label --$opt documents $env"
    if [ "$kind" = BOOL ]; then
      accepted "$label --$opt" "$@" "--$opt" --help
      accepted "$label --no-$opt" "$@" "--no-$opt" --help
    else
      accepted "$label --$opt=$val" "$@" "--$opt=$val" --help
      accepted "$label --$opt $val" "$@" "--$opt" "$val" --help
    fi
    accepted "$label $env=$val" env "$env=$val" "$@" --help
    n=$((n + 1))
  done < <(options_of "$@")
  [ $n -ge 5 ] || fail "$label: only $n options found in --help"
  checked=$((checked + n))
}

for b in vp-dispatcher vp-splitter vp-parser vp-fetcher vp-linkmon; do
  check_binary "$b" "$VP_BIN/$b"
  for o in admin-listen health-check log-level help; do
    options_of "$VP_BIN/$b" | grep -q "^$o " || fail "$b has no --$o"
  done
  set +e
  run_clean "$VP_BIN/$b" --no-such-option >/dev/null 2>&1
  rc=$?
  set -e
  [ $rc -eq 2 ] || fail "$b --no-such-option: exit $rc, want 2"
  run_clean env VP_NO_SUCH_OPTION=1 "$VP_BIN/$b" --help 2>&1 >/dev/null |
    grep -q "warning: .*VP_NO_SUCH_OPTION" || fail "$b: no warning for VP_NO_SUCH_OPTION"
done
check_binary vindplaats "$VP_BIN/vindplaats" parse
run_clean env VP_NO_SUCH_OPTION=1 "$VP_BIN/vindplaats" parse --help 2>&1 >/dev/null |
  grep -q "warning: .*VP_NO_SUCH_OPTION" || fail "vindplaats: no warning for VP_NO_SUCH_OPTION"

# The CLI's embedded fetcher has vp-fetcher's options, with the same defaults.
diff <(options_of "$VP_BIN/vp-fetcher" | grep '^fetch-') \
  <(options_of "$VP_BIN/vindplaats" parse | grep '^fetch-') ||
  fail "vindplaats and vp-fetcher document different fetch-* options"
echo "it_options: ok ($checked options)"
