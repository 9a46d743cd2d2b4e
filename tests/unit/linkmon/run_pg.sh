#!/usr/bin/env bash
# Runs the store suite against a real PostgreSQL server on loopback: a
# throwaway cluster in a temp dir (owned by `postgres` when run as root,
# since PostgreSQL refuses to run as root), a fresh database, then stop and
# remove everything. Skips (and passes) with a clear message only when no
# server can be found or started (Debian: apt-get install postgresql).
#   run_pg.sh TEST_BINARY
set -uo pipefail
bin=$1
skip() { echo "SKIPPED: PostgreSQL store tests: $*"; exit 0; }
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$pgbin" ] && [ -x "$pgbin/initdb" ] || skip "no PostgreSQL server installed (apt-get install postgresql)"
dir=$(mktemp -d /tmp/vp-pg-XXXXXX)
port=$((20000 + RANDOM % 20000))
as=()
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || skip "running as root and no 'postgres' user"
  chown postgres "$dir"
  as=(runuser -u postgres --)
fi
cleanup() {
  "${as[@]}" "$pgbin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1
  rm -rf "$dir"
}
trap cleanup EXIT
"${as[@]}" "$pgbin/initdb" -D "$dir/data" -A trust -U vp >"$dir/initdb.log" 2>&1 ||
  { cat "$dir/initdb.log"; skip "initdb failed"; }
"${as[@]}" "$pgbin/pg_ctl" -D "$dir/data" -w -t 60 -l "$dir/pg.log" \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null ||
  { cat "$dir/pg.log"; skip "the server did not start"; }
"$pgbin/createdb" -h 127.0.0.1 -p "$port" -U vp linkmon 2>/dev/null ||
  createdb -h 127.0.0.1 -p "$port" -U vp linkmon || { echo "createdb failed"; exit 1; }
"$bin" "host=127.0.0.1 port=$port user=vp dbname=linkmon"
