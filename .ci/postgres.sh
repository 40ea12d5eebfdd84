#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster for the tests and prints the
# variables to export. Usage: eval "$(.ci/postgres.sh start DIR)" and
# .ci/postgres.sh stop DIR. The cluster listens only on a Unix socket in
# DIR (no TCP port), runs as the "postgres" user when started as root (initdb
# refuses root), and is deleted by "stop".
set -euo pipefail
cmd=${1:?start|stop}
dir=${2:?directory}
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$bindir" ] || { echo "postgres.sh: no PostgreSQL server in /usr/lib/postgresql (apt-get install postgresql)" >&2; exit 1; }
as=()
if [ "$(id -u)" = 0 ]; then as=(runuser -u postgres --); fi
case $cmd in
start)
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres "$dir"
  "${as[@]}" "$bindir/initdb" -D "$dir/data" -U postgres -A trust --no-sync -E UTF8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  "${as[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w start \
    -o "-k $dir -c listen_addresses='' -c fsync=off -c max_connections=200" >/dev/null \
    || { cat "$dir/server.log" >&2; exit 1; }
  "${as[@]}" "$bindir/psql" -h "$dir" -U postgres -qc 'CREATE DATABASE textfix_test' >/dev/null
  echo "export TEXTFIX_TEST_DATABASE_URL='postgres://postgres@/textfix_test?host=$dir&sslmode=disable'"
  ;;
stop)
  if [ -d "$dir/data" ]; then "${as[@]}" "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true; fi
  rm -rf "$dir"
  ;;
*) echo "postgres.sh: start|stop DIR" >&2; exit 2 ;;
esac
