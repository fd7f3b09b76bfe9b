#!/usr/bin/env bash
# `digitrade serve --demo` on an empty SQLite database: organisations, a
# token per demo user printed once, and the demo's transferable records
# with signed, logged chains; a restart loads nothing twice.
# usage: demo_test.sh path/to/digitrade
set -uo pipefail
bin=${1:?usage: $0 path/to/digitrade}
tmp=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
start() {
  rm -f "$tmp/port"
  "$bin" --db "sqlite:$tmp/demo.db" serve --demo --listen 127.0.0.1:0 --port-file "$tmp/port" \
    >"$tmp/stdout" 2>"$tmp/log" &
  pid=$!
  for _ in $(seq 1 100); do [ -s "$tmp/port" ] && return 0; sleep 0.1; done
  echo "server did not start"; cat "$tmp/log"; exit 1
}
stop() { kill -TERM "$pid"; wait "$pid" || fail "exit code $? after SIGTERM"; pid=""; }

start
url="http://127.0.0.1:$(cat "$tmp/port")"
grep -q '"msg":"demo data loaded","organisations":8,"users":10,"records":2' "$tmp/log" \
  || fail "demo load not logged as expected: $(grep demo "$tmp/log")"
token_of() { awk -v u="$1" '$1 == u { print $3 }' "$tmp/stdout"; }
carrier=$(token_of tj.carrier)
bank=$(token_of zone.bank)
[[ $carrier =~ ^dt_[A-Za-z0-9_-]{43}$ ]] || fail "no token printed for tj.carrier"
curl -sf -H "Authorization: Bearer $carrier" "$url/v1/etr/records" >"$tmp/records" || fail "records"
python3 - "$tmp/records" <<'PY' || fail "the carrier's records"
import json, sys
items = json.load(open(sys.argv[1]))["items"]
refs = sorted((r["reference"], r["type"], r["sequence"]) for r in items)
assert refs == [("DGTR-DEMO-0001", "ebl", 1), ("TJW-DEMO-0001", "ewr", 1)], refs
PY
receipt=$(python3 -c 'import json,sys; print([r["id"] for r in json.load(open(sys.argv[1]))["items"] if r["type"] == "ewr"][0])' "$tmp/records")
# The bank is the pledgee: it sees the receipt, each step signed and logged.
curl -sf -H "Authorization: Bearer $bank" "$url/v1/etr/records/$receipt/history" >"$tmp/history" || fail "history"
python3 - "$tmp/history" <<'PY' || fail "the receipt's chain"
import json, sys
h = json.load(open(sys.argv[1]))
assert [s["action_code"] for s in h["items"]] == ["ISSUE", "PLEDGE"], h
assert all(s["signature_status"] == "valid" and s["log_index"] is not None for s in h["items"]), h
assert h["record"]["pledgee"] is not None, h
PY
stop

start
grep -q "Demo users" "$tmp/stdout" && fail "a restart printed demo tokens again"
grep -q '"demo data loaded"' "$tmp/log" && fail "a restart loaded the demo again"
stop
[ $fails -eq 0 ] && echo "demo: ok"
exit $((fails > 0))
