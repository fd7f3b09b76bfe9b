#!/bin/sh
# digitrade etr on a fresh SQLite database: parties with keys of three
# algorithms, issue, transfer, the rejections (non-holder, double issuance,
# after surrender) with exit code 2, surrender and SACC, and the chain.
# Usage: cli_smoke.sh path/to/digitrade path/to/transport-document.json
set -eu
D=$1
DOC=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
DB=sqlite:$T/t.db
id() { python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'; }
expect() {  # expect CODE command...
  want=$1; shift
  set +e; "$@" >"$T/out" 2>"$T/err"; got=$?; set -e
  if [ "$got" != "$want" ]; then
    echo "FAIL: exit $got, expected $want: $*"; cat "$T/out" "$T/err"; exit 1
  fi
}
C=$("$D" --db "$DB" --json org create --name "Bohai Ocean Lines" --scheme uscc --identifier 91110000802100433B | id)
S=$("$D" --db "$DB" --json org create --name "Tianjin Export" --scheme uscc --identifier 91350100M000100Y43 | id)
B=$("$D" --db "$DB" --json org create --name "Bank of Binhai" --scheme lei --identifier 529900T8BM49AURSDO55 --country CN | id)
"$D" keygen --type ec-p256 --out "$T/c.key" --public-out "$T/c.pub" >/dev/null
"$D" keygen --type ed25519 --out "$T/s.key" --public-out "$T/s.pub" >/dev/null
"$D" keygen --type sm2 --out "$T/b.key" --public-out "$T/b.pub" >/dev/null
expect 0 "$D" --db "$DB" etr party --org "$C" --carrier --public-key "$T/c.pub"
expect 0 "$D" --db "$DB" etr party --org "$S" --public-key "$T/s.pub"
expect 0 "$D" --db "$DB" etr party --org "$B" --public-key "$T/b.pub"
expect 2 "$D" --db "$DB" etr issue --as "$S" --key "$T/s.key" --document "$DOC" --issue-to "$B"
expect 0 "$D" --db "$DB" --json etr issue --as "$C" --key "$T/c.key" --document "$DOC" --issue-to "$S"
R=$(id <"$T/out")
expect 2 "$D" --db "$DB" etr issue --as "$C" --key "$T/c.key" --document "$DOC" --issue-to "$S"
grep -q "already issued" "$T/err"
expect 2 "$D" --db "$DB" etr transfer "$R" --as "$B" --key "$T/b.key" --to "$C"
grep -q "only the holder may TRANSFER" "$T/err"
expect 0 "$D" --db "$DB" etr transfer "$R" --as "$S" --key "$T/s.key" --to "$B"
expect 0 "$D" --db "$DB" etr surrender "$R" --as "$B" --key "$T/b.key"
expect 0 "$D" --db "$DB" etr act "$R" --as "$C" --key "$T/c.key" --code SACC
expect 2 "$D" --db "$DB" etr transfer "$R" --as "$C" --key "$T/c.key" --to "$S"
grep -q "no further actions" "$T/err"
expect 0 "$D" --db "$DB" --json etr show "$R"
python3 - "$T/out" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["status"] == "surrendered", r
codes = [h["action_code"] for h in r["history"]]
assert codes == ["ISSUE", "TRANSFER", "SURRENDER_FOR_DELIVERY", "SACC"], codes
assert all(h["log_index"] is not None for h in r["history"]), r
PY
expect 2 "$D" --db "$DB" etr show etr_nope

# A proof of control served by the API, checked outside the server with
# public material only: the proof, the parties' keys, the log's tiles.
U=$("$D" --db "$DB" --json user create --name bank.clerk --org "$B" --role bank | id)
TOKEN=$("$D" --db "$DB" token create --user "$U" 2>/dev/null | tail -1)
"$D" --db "$DB" serve --listen 127.0.0.1:0 --port-file "$T/port" >"$T/serve.out" 2>"$T/serve.log" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; rm -rf "$T"' EXIT
for _ in $(seq 1 100); do [ -s "$T/port" ] && break; sleep 0.1; done
URL="http://127.0.0.1:$(cat "$T/port")"
python3 - "$URL" "$TOKEN" "$R" "$C" "$S" "$B" "$T" <<'PY'
import json, sys, urllib.request
url, token, record, *orgs, tmp = sys.argv[1:]
def get(path, auth=True):
    req = urllib.request.Request(url + path, headers={"Authorization": "Bearer " + token} if auth else {})
    return json.load(urllib.request.urlopen(req))
open(tmp + "/proof.json", "w").write(json.dumps(get("/v1/etr/records/%s/proof" % record)))
items = [k for org in orgs for k in get("/v1/etr/parties/%s/keys" % org)["items"]]
open(tmp + "/keys.json", "w").write(json.dumps({"items": items}))
open(tmp + "/vkey", "w").write(get("/log/evidence", auth=False)["verifier_key"])
PY
expect 0 "$D" etr verify-proof --proof "$T/proof.json" --keys "$T/keys.json" --verifier-key "$(cat "$T/vkey")" --log "$URL/log/evidence"
grep -q "VERIFIED: $R is controlled by $C" "$T/out"
# A claimed holder the chain does not lead to: a negative verdict (exit 1).
python3 -c 'import json,sys; p=json.load(open(sys.argv[1])); p["record"]["holder"]=sys.argv[2]; json.dump(p, open(sys.argv[1], "w"))' "$T/proof.json" "$S"
expect 1 "$D" etr verify-proof --proof "$T/proof.json" --keys "$T/keys.json" --verifier-key "$(cat "$T/vkey")" --log "$URL/log/evidence"
grep -q "NOT VERIFIED" "$T/out"

# The same commands against the running server (--server, the token's
# organisation acts, signing here with --key): issue, transfer, show, list,
# and the server's refusals with the local exit codes.
UC=$("$D" --db "$DB" --json user create --name ops.carrier --org "$C" --role carrier | id)
US=$("$D" --db "$DB" --json user create --name ops.shipper --org "$S" --role trader | id)
TC=$("$D" --db "$DB" token create --user "$UC" 2>/dev/null | tail -1)
TS=$("$D" --db "$DB" token create --user "$US" 2>/dev/null | tail -1)
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["transportDocumentReference"]="REMOTE0001"; json.dump(d, open(sys.argv[2], "w"))' "$DOC" "$T/doc2.json"
expect 0 "$D" --json etr --server "$URL" --token "$TC" issue --key "$T/c.key" --document "$T/doc2.json" --issue-to "$S"
R2=$(id <"$T/out")
expect 2 "$D" etr --server "$URL" --token "$TC" issue --key "$T/c.key" --document "$T/doc2.json" --issue-to "$S"
grep -q "HTTP 409" "$T/err"
expect 2 "$D" etr --server "$URL" --token "$TC" transfer "$R2" --key "$T/c.key" --to "$B"
grep -q "only the holder may TRANSFER" "$T/err"
expect 2 "$D" etr --server "$URL" transfer "$R2" --key "$T/s.key" --to "$B"
grep -q "API token is needed" "$T/err"
expect 2 "$D" etr --server "$URL" --token "$TS" transfer "$R2" --to "$B"
grep -q "either --key" "$T/err"
expect 0 "$D" etr --server "$URL" --token "$TS" transfer "$R2" --key "$T/s.key" --to "$B"
grep -q "TRANSFER logged at index" "$T/out"
expect 0 "$D" --json etr --server "$URL" --token "$TOKEN" show "$R2"
python3 - "$T/out" "$B" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["holder"] == sys.argv[2], r
assert [h["action_code"] for h in r["history"]] == ["ISSUE", "TRANSFER"], r
assert all(h["signature_status"] == "valid" for h in r["history"]), r["history"]
PY
expect 0 "$D" --json etr --server "$URL" --token "$TOKEN" list
python3 -c 'import json,sys; ids=[r["id"] for r in json.load(open(sys.argv[1]))]; assert sys.argv[2] in ids, ids' "$T/out" "$R2"
kill $SERVER
wait $SERVER 2>/dev/null || true
trap 'rm -rf "$T"' EXIT
expect 3 "$D" etr --server "$URL" --token "$TOKEN" show "$R2"
echo "etr cli: ok"
