#!/usr/bin/env bash
# Signed eBL transfers per second over HTTP, durable (SQLite WAL with
# synchronous=FULL; a transfer is acknowledged after the state change and
# its evidence-log entry are committed). A fresh server on a throwaway
# database; a carrier and two holders with Ed25519 keys registered as etr
# parties; CLIENTS bills, one per client, each passed back and forth with
# client-side signatures (bench_etr). The server runs with THREADS io
# threads (default 2): the transfer route is asynchronous, so a request
# waiting for the group commit holds no thread (set THREADS=CLIENTS for a
# server whose handlers block).
# usage: bench/etr_bench.sh BUILD_DIR [SECONDS] [CLIENTS]
set -euo pipefail
build=${1:?usage: $0 BUILD_DIR [seconds] [clients]}
secs=${2:-10}
clients=${3:-64}
bin=$build/src/app/digitrade
src=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT
db="sqlite:$tmp/bench.db"
id() { python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'; }
org() { "$bin" --db "$db" --json org create --name "$1" --scheme uscc --identifier "$2" | id; }
token() {  # name org role
  local u
  u=$("$bin" --db "$db" --json user create --name "$1" --org "$2" --role "$3" | id)
  "$bin" --db "$db" token create --user "$u" | tail -1
}
C=$(org "Bench Carrier" 91110000802100433B)
A=$(org "Bench Holder A" 91350100M000100Y43)
B=$(org "Bench Holder B" 91120116MA05JJ1K3X)
for p in c a b; do "$bin" keygen --type ed25519 --out "$tmp/$p.key" --public-out "$tmp/$p.pub" >/dev/null; done
"$bin" --db "$db" etr party --org "$C" --carrier --public-key "$tmp/c.pub" >/dev/null
"$bin" --db "$db" etr party --org "$A" --public-key "$tmp/a.pub" >/dev/null
"$bin" --db "$db" etr party --org "$B" --public-key "$tmp/b.pub" >/dev/null
TC=$(token carrier "$C" carrier); TA=$(token holder.a "$A" trader); TB=$(token holder.b "$B" trader)

"$bin" --db "$db" serve --listen 127.0.0.1:0 --port-file "$tmp/port" --threads "${THREADS:-2}" >/dev/null 2>"${ETR_SERVER_LOG:-$tmp/log}" &
pid=$!
for _ in $(seq 1 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
echo "digitrade $("$bin" version | cut -d' ' -f2), $(nproc) cores, SQLite (synchronous=FULL), $clients clients, ${secs}s"
"$build/bench/bench_etr" --port "$(cat "$tmp/port")" --clients "$clients" --seconds "$secs" \
  --document "$src/src/trade/etr/testdata/transport-document-straight.json" \
  --carrier "$C:$TC:$tmp/c.key" --a "$A:$TA:$tmp/a.key" --b "$B:$TB:$tmp/b.key"
