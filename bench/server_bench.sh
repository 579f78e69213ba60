#!/usr/bin/env bash
# HTTP benchmarks of `procura serve` with wrk on loopback (64 connections, 2 wrk threads):
#   1. GET a compiled record package (the demo round's OCDS records)
#   2. GET a page of 100 items of the changes feed
#   3. GET portal pages (home, an awarded round, a product, an open round's notice) as HTML, as
#      a visitor without an account (each answer with its own form token)
#   4. POST bids (each acknowledged only once durable: SQLite synchronous=FULL or a PostgreSQL
#      commit), replacing E01's bids in the open demo round
# Usage: bench/server_bench.sh BUILD/procura [SECONDS]   (PGURL set: on that PostgreSQL database;
# THREADS: the server's connection threads, default 2; WRITERS: its threads for state-changing
# requests, default 32 (a request waiting for its commit holds one); ONLY: a regular expression of the runs to make, e.g. ONLY=bid)
set -euo pipefail
procura=$(realpath "$1")
seconds=${2:-10}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/procura-bench-XXXXXX)
trap 'kill $server 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
db=${PGURL:-$work/bench.db}
"$procura" serve --db "$db" --keys "$work/keys" --port "$port" --threads "${THREADS:-2}" --writers "${WRITERS:-32}" --demo >"$work/log" 2>&1 &
server=$!
for _ in $(seq 200); do grep -q serving "$work/log" && break; sleep 0.1; done
base="http://127.0.0.1:$port"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); database: $([ -n "${PGURL:-}" ] && echo PostgreSQL || echo SQLite), server threads ${THREADS:-2} + ${WRITERS:-32} writers"

run() {  # run NAME URL [wrk options]
  local name=$1 url=$2
  shift 2
  [[ -n ${ONLY:-} && ! $name =~ $ONLY ]] && return 0
  local out
  out=$(wrk -t2 -c64 -d"${seconds}s" --latency "$@" "$url")
  local rps p99 errors
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  errors=$(awk '/Non-2xx/ {print $5}' <<<"$out")
  printf '%-28s %10s req/s   p99 %8s   non-2xx %s\n' "$name" "$rps" "$p99" "${errors:-0}"
}

run "GET record package, gzip" "$base/api/rounds/3n-iol-2020/ocds/records" -H "Accept-Encoding: gzip"
run "GET record package, plain" "$base/api/rounds/3n-iol-2020/ocds/records"
run "GET feed page (100 items)" "$base/api/feed?offset=100&limit=100"
run "GET portal: home" "$base/"
run "GET portal: round page" "$base/rounds/3n-iol-2020"
run "GET portal: product page" "$base/products/IOL-041"
run "GET portal: open round" "$base/rounds/3n-iol-2021"
token=$(curl -s -X POST "$base/api/login" -d '{"user":"enterprise","password":"demo-enterprise"}' | node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>console.log(JSON.parse(s).token))")
products=$(curl -s "$base/api/rounds/3n-iol-2021/products?limit=10000" | node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>console.log(JSON.parse(s).items.filter(p=>p.enterpriseId==='E01').map(p=>p.productId).join(' ')))")
PROCURA_TOKEN=$token PROCURA_PRODUCTS=$products run "POST bid (durable)" "$base/api/rounds/3n-iol-2021/bids" -s "$here/wrk_bids.lua"
