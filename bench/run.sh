#!/usr/bin/env bash
# Load run for README "Performance": textfix (sandbox, durable, fsync on)
# beside baselines, each on a fresh database, on loopback.
#   bash bench/run.sh [SECONDS] [--backend bbolt|postgres] [--prefill N]
# bbolt (the default), for each of 64 and 8 connections: the anchor (a
# bare echo handler writing one key per text with bbolt's Batch, 1 ms,
# the whole request as its value), textfix just after it on its bbolt file
# (then its file's bytes per text, by size and on disk), the same handler writing the 12-byte
# From, and one with no storage. With --prefill N (bbolt only), textfix
# starts each time on a copy of one file that bench/prefill filled with N
# conversations of three texts first, and its bytes per text count only
# what the run added.
# postgres: a throwaway PostgreSQL cluster (fsync on, as in production)
# started by this script; a bare pgx handler inserting one row per
# request in its own transaction, then textfix with one instance and with
# two (wrk drives each of the two with half the connections; texts/s is
# the sum, p50 and p99 the worse of the two).
# Needs wrk (apt-get install wrk); postgres needs a PostgreSQL server
# (apt-get install postgresql). Each row ends with the CPU time the
# servers (textfix or the baseline, and PostgreSQL's processes) spent per
# text, and the 1-minute load average when it started: on a shared
# machine texts/s and latency depend on the others, CPU per text much less.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=20 backend=bbolt prefill=0
while [ $# -gt 0 ]; do
  case $1 in
  --prefill) prefill=${2:?a number of conversations}; shift 2 ;;
  --prefill=*) prefill=${1#--prefill=}; shift ;;
  --backend) backend=${2:?bbolt or postgres}; shift 2 ;;
  --backend=*) backend=${1#--backend=}; shift ;;
  *) secs=$1; shift ;;
  esac
done
if [ "$backend" = postgres ] && [ "$prefill" != 0 ]; then echo "run.sh: --prefill is for the bbolt backend" >&2; exit 2; fi
tmp=$(mktemp -d)
pgdir=
cleanup() {
  kill $(jobs -p) 2>/dev/null || true
  wait 2>/dev/null || true
  if [ -n "$pgdir" ]; then "${as[@]}" "$bindir/pg_ctl" -D "$pgdir/data" -m fast -w stop >/dev/null 2>&1 || true; rm -rf "$pgdir"; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
go build -o "$tmp/textfix" ./cmd/textfix
go build -o "$tmp/baseline" ./bench/baseline

load() { cut -d' ' -f1 /proc/loadavg; }
# ondisk: the bytes a file's blocks take. bbolt grows its file in steps
# of up to 16 MiB whose tail stays unwritten (sparse) until pages reach
# it, so a short run's file size overstates what it stored.
ondisk() { echo $(($(stat -c %b "$1") * $(stat -c %B "$1"))); }
pertext() { awk -v b="$1" -v n="$last" 'BEGIN {if (n > 0) printf "%.0f", b / n; else print "-"}'; }
wrkrun() { # conns url → "rps p50 p99"
  local out
  out=$(wrk -t2 -c"$1" -d"${secs}s" --latency -s bench/sms.lua "$2")
  # A refused text is fast and would count as one answered.
  if grep -q 'Non-2xx' <<<"$out"; then echo "run.sh: $2: $(grep 'Non-2xx' <<<"$out")" >&2; fi
  echo "$(awk '/Requests\/sec/ {print $2}' <<<"$out") $(awk '$1=="50%" {print $2}' <<<"$out") $(awk '$1=="99%" {print $2}' <<<"$out")"
}
row() { printf '%-26s %5s %12s %10s %10s %9s %6s\n' "$@"; }
# servers: the pids of the servers started (jobs) and of our PostgreSQL
# cluster's processes (the postmaster's children).
servers() {
  jobs -p
  if [ -n "$pgdir" ] && [ -f "$pgdir/data/postmaster.pid" ]; then
    local pm; pm=$(head -1 "$pgdir/data/postmaster.pid")
    echo "$pm"; pgrep -P "$pm" || true
  fi
}
ticks() { # pids → "pid utime+stime" lines (clock ticks)
  local p
  for p in "$@"; do
    [ -r "/proc/$p/stat" ] && awk -v p="$p" '{sub(/^.*\) /, ""); print p, $12 + $13}' "/proc/$p/stat" 2>/dev/null
  done
  return 0
}
cpums() { # before-file after-file texts → CPU ms per text
  awk -v n="$3" -v hz="$(getconf CLK_TCK)" 'NR == FNR {t0[$1] = $2; next} {d += $2 - t0[$1]}
    END {if (n > 0) printf "%.2f", d * 1000 / hz / n; else print "-"}' "$1" "$2"
}
run() { # name conns url
  local l r p50 p99
  l=$(load)
  # shellcheck disable=SC2046
  ticks $(servers) >"$tmp/cpu0"
  read -r r p50 p99 < <(wrkrun "$2" "$3")
  # shellcheck disable=SC2046
  ticks $(servers) >"$tmp/cpu1"
  last=$(awk -v r="$r" -v s="$secs" 'BEGIN {print int(r * s)}')
  row "$1" "$2" "$r" "$p50" "$p99" "$(cpums "$tmp/cpu0" "$tmp/cpu1" "$(awk -v r="$r" -v s="$secs" 'BEGIN {print int(r * s)}')")" "$l"
}
waitup() { for _ in $(seq 100); do curl -s -o /dev/null -X POST "$1" && return; sleep 0.1; done; echo "no server at $1" >&2; exit 1; }
serve() { # name url cmd...
  local name=$1 url=$2; shift 2
  "$@" >"$tmp/$name.log" 2>&1 &
  waitup "$url"
}
stopall() { kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; }

row server conns "texts/s" p50 p99 "cpu ms" load

if [ "$backend" = bbolt ]; then
  if [ "$prefill" -gt 0 ]; then
    go run ./bench/prefill -n "$prefill" -db "$tmp/prefilled.db" >"$tmp/prefill.log" 2>&1
    echo "# textfix starts on a file of $prefill conversations ($(stat -c %s "$tmp/prefilled.db") bytes)"
  fi
  for conns in 64 8; do
    # The anchor first, textfix just after it: one key per text through
    # bbolt's Batch (1 ms), the whole request as its value.
    rm -rf "$tmp/db"; mkdir -p "$tmp/db"
    url=http://127.0.0.1:8093/twilio/sms
    serve anchor $url "$tmp/baseline" -addr 127.0.0.1:8093 -store batch -value form -dir "$tmp/db"
    run "anchor: bbolt Batch, form" "$conns" "$url"; stopall
    rm -rf "$tmp/db"; mkdir -p "$tmp/db"
    start=0 startdisk=0
    if [ "$prefill" -gt 0 ]; then
      cp "$tmp/prefilled.db" "$tmp/db/textfix.db"; sync
      start=$(stat -c %s "$tmp/db/textfix.db"); startdisk=$(ondisk "$tmp/db/textfix.db")
    fi
    url=http://127.0.0.1:8081/twilio/sms
    serve textfix $url env TEXTFIX_ADDR=127.0.0.1:8081 TEXTFIX_DB="$tmp/db/textfix.db" "$tmp/textfix" serve
    run textfix "$conns" "$url"; stopall
    size=$(stat -c %s "$tmp/db/textfix.db") disk=$(ondisk "$tmp/db/textfix.db")
    echo "# textfix's file after $conns connections: $size bytes ($disk on disk), $(pertext "$((size - start))") bytes per text answered ($(pertext "$((disk - startdisk))") on disk)"
    rm -rf "$tmp/db"; mkdir -p "$tmp/db"
    url=http://127.0.0.1:8091/twilio/sms
    serve batch $url "$tmp/baseline" -addr 127.0.0.1:8091 -store batch -dir "$tmp/db"
    run "baseline bbolt Batch, 12 B" "$conns" "$url"; stopall
    url=http://127.0.0.1:8092/twilio/sms
    serve none $url "$tmp/baseline" -addr 127.0.0.1:8092 -store none
    run "baseline no storage" "$conns" "$url"; stopall
  done
  exit 0
fi

[ "$backend" = postgres ] || { echo "run.sh: --backend bbolt or postgres" >&2; exit 2; }
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$bindir" ] || { echo "run.sh: no PostgreSQL server in /usr/lib/postgresql (apt-get install postgresql)" >&2; exit 1; }
as=()
if [ "$(id -u)" = 0 ]; then as=(runuser -u postgres --); fi
pgdir=$(mktemp -d /tmp/textfix-bench-pg.XXXXXX)
[ "$(id -u)" = 0 ] && chown postgres "$pgdir"
"${as[@]}" "$bindir/initdb" -D "$pgdir/data" -U postgres -A trust -E UTF8 >"$tmp/initdb.log" 2>&1 || { cat "$tmp/initdb.log" >&2; exit 1; }
# fsync and synchronous_commit stay on (the defaults): a text is on disk
# before its reply, as in production.
"${as[@]}" "$bindir/pg_ctl" -D "$pgdir/data" -l "$pgdir/server.log" -w start \
  -o "-k $pgdir -c listen_addresses='' -c max_connections=200 -c shared_buffers=256MB" >/dev/null
psql() { "${as[@]}" "$bindir/psql" -h "$pgdir" -U postgres -qAt "$@"; }
echo "# PostgreSQL $(psql -c 'SHOW server_version'), fsync=$(psql -c 'SHOW fsync'), synchronous_commit=$(psql -c 'SHOW synchronous_commit')"
fresh() { psql -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS bench" -c "CREATE DATABASE bench"; }
dburl="postgres://postgres@/bench?host=$pgdir&sslmode=disable"

for conns in 64 8; do
  fresh
  url=http://127.0.0.1:8093/twilio/sms
  serve anchor $url "$tmp/baseline" -addr 127.0.0.1:8093 -store postgres -db "$dburl"
  run "baseline pgx INSERT" "$conns" "$url"; stopall

  fresh
  url=http://127.0.0.1:8081/twilio/sms
  serve textfix1 $url env TEXTFIX_ADDR=127.0.0.1:8081 TEXTFIX_DATABASE_URL="$dburl" "$tmp/textfix" serve
  run "textfix, 1 instance" "$conns" "$url"; stopall

  fresh
  a=http://127.0.0.1:8081/twilio/sms b=http://127.0.0.1:8082/twilio/sms
  serve textfixA $a env TEXTFIX_ADDR=127.0.0.1:8081 TEXTFIX_DATABASE_URL="$dburl" "$tmp/textfix" serve
  serve textfixB $b env TEXTFIX_ADDR=127.0.0.1:8082 TEXTFIX_DATABASE_URL="$dburl" "$tmp/textfix" serve
  l=$(load)
  # shellcheck disable=SC2046
  ticks $(servers) >"$tmp/cpu0"
  half=$((conns / 2))
  wrkrun "$half" "$a" >"$tmp/a.out" &
  wa=$!
  wrkrun "$half" "$b" >"$tmp/b.out"
  wait "$wa"
  read -r ra pa qa <"$tmp/a.out"
  read -r rb pb qb <"$tmp/b.out"
  # shellcheck disable=SC2046
  ticks $(servers) >"$tmp/cpu1"
  worse() { # two wrk durations → the longer
    awk -v x="$1" -v y="$2" 'function ms(d) { if (d ~ /us$/) return (d+0)/1000; if (d ~ /ms$/) return d+0; if (d ~ /s$/) return (d+0)*1000; return d+0 }
      BEGIN { if (ms(x) >= ms(y)) print x; else print y }'
  }
  r=$(awk -v x="$ra" -v y="$rb" 'BEGIN {printf "%.2f", x+y}')
  row "textfix, 2 instances" "$conns" "$r" "$(worse "$pa" "$pb")" "$(worse "$qa" "$qb")" \
    "$(cpums "$tmp/cpu0" "$tmp/cpu1" "$(awk -v r="$r" -v s="$secs" 'BEGIN {print int(r * s)}')")" "$l"
  kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true
done
