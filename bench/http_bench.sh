#!/usr/bin/env bash
# Requests per second of the digitrade server under wrk, on this machine:
#   1. GET /healthz                 (public; one trivial database query)
#   2. GET /v1/organisations        (authenticated: token hash lookup, roles,
#                                    a page of organisations as JSON)
# The server runs with demo data on a throwaway SQLite database; wrk runs on
# the same machine over loopback. Results are printed as a table and as JSON
# lines (for tracking). usage: bench/http_bench.sh path/to/digitrade [SECONDS]
set -euo pipefail
bin=${1:?usage: $0 path/to/digitrade [seconds]}
secs=${2:-10}
tmp=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT

"$bin" --db "sqlite:$tmp/bench.db" serve --demo --listen 127.0.0.1:0 \
  --port-file "$tmp/port" --admin-token-file "$tmp/token" >/dev/null 2>"$tmp/log" &
pid=$!
for _ in $(seq 1 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
url="http://127.0.0.1:$(cat "$tmp/port")"
token=$(cat "$tmp/token")

run() {  # name, path, [header]
  local name=$1 path=$2 out
  if [ $# -ge 3 ]; then
    out=$(wrk -t2 -c32 -d"${secs}s" --latency -H "$3" "$url$path")
  else
    out=$(wrk -t2 -c32 -d"${secs}s" --latency "$url$path")
  fi
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  printf '%-28s %12s req/s   p50 %-9s p99 %s\n' "$name" "$rps" "$p50" "$p99"
  printf '{"bench":"%s","requests_per_second":%s,"p50":"%s","p99":"%s"}\n' "$name" "$rps" "$p50" "$p99" >>"$tmp/results.jsonl"
}

echo "digitrade $("$bin" version | cut -d' ' -f2), wrk -t2 -c32 -d${secs}s, $(nproc) cores"
run "GET /healthz" /healthz
run "GET /v1/organisations (auth)" "/v1/organisations?limit=50" "Authorization: Bearer $token"
cat "$tmp/results.jsonl"
