#!/usr/bin/env bash
# Load run for README "Performance": textfix (sandbox, durable, fsync on)
# beside two baselines, each on a fresh database, on loopback.
#   bash bench/run.sh [SECONDS]
# Needs wrk (apt-get install wrk).
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-20}
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$tmp"' EXIT
go build -o "$tmp/textfix" ./cmd/textfix
go build -o "$tmp/baseline" ./bench/baseline

run() { # name conns url
  local out
  out=$(wrk -t2 -c"$2" -d"${secs}s" --latency -s bench/sms.lua "$3")
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  printf '%-22s %5s %12s %10s %10s\n' "$1" "$2" "$rps" "$p50" "$p99"
}
serve() { # name cmd...
  local name=$1; shift
  rm -rf "$tmp/db"; mkdir -p "$tmp/db"
  "$@" >"$tmp/$name.log" 2>&1 &
  for _ in $(seq 50); do curl -s -o /dev/null -X POST "$url" && break; sleep 0.1; done
}

printf '%-22s %5s %12s %10s %10s\n' server conns "texts/s" p50 p99
for conns in 64 8; do
  url=http://127.0.0.1:8081/twilio/sms
  serve textfix env TEXTFIX_ADDR=127.0.0.1:8081 TEXTFIX_DB="$tmp/db/textfix.db" "$tmp/textfix" serve
  run textfix "$conns" "$url"; kill %%; wait 2>/dev/null || true
  url=http://127.0.0.1:8091/twilio/sms
  serve batch "$tmp/baseline" -addr 127.0.0.1:8091 -store batch -dir "$tmp/db"
  run "baseline bbolt Batch" "$conns" "$url"; kill %%; wait 2>/dev/null || true
  url=http://127.0.0.1:8092/twilio/sms
  serve none "$tmp/baseline" -addr 127.0.0.1:8092 -store none
  run "baseline no storage" "$conns" "$url"; kill %%; wait 2>/dev/null || true
done
