#!/usr/bin/env bash
# E-invoice registration end to end against a real server, and its interop
# proof: `digitrade einvoice register` signs and logs a clean invoice; the
# signed XML verifies with the xmlsec1 command line (an independent XMLDSig
# implementation); `digitrade einvoice verify` checks it (signature, log
# proof); the inclusion proof it returns verifies with `digitrade log verify`
# offline; a single changed byte is detected; the documented exit codes.
# usage: einvoice_register_test.sh path/to/digitrade [sqlite|postgres]
set -uo pipefail
bin=${1:?usage: $0 path/to/digitrade [sqlite|postgres]}
engine=${2:-sqlite}
data=$(cd "$(dirname "$0")/../einvoice/data" && pwd)
for tool in xmlsec1 node jq curl; do
  command -v "$tool" >/dev/null || { echo "skip: $tool not installed"; exit 77; }
done
tmp=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
source "$(dirname "$0")/check_lib.sh"

db="sqlite:$tmp/db/platform.db"
if [ "$engine" = postgres ]; then
  [ -n "${DIGITRADE_TEST_POSTGRES:-}" ] || { echo "skip: DIGITRADE_TEST_POSTGRES not set"; exit 77; }
  dbname="einvoice_test_$$"
  psql "$DIGITRADE_TEST_POSTGRES" -qc "CREATE DATABASE $dbname" || exit 1
  db=$(sed -E "s#^(postgresql://[^/]*/)[^?]*#\1$dbname#" <<<"$DIGITRADE_TEST_POSTGRES")
  trap '[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null; psql "$DIGITRADE_TEST_POSTGRES" -qc "DROP DATABASE IF EXISTS $dbname" >/dev/null 2>&1; rm -rf "$tmp"' EXIT
  # PostgreSQL has no key file beside the database: server-held keys need a KEK.
  DIGITRADE_KEK=$(head -c 32 /dev/urandom | base64)
  export DIGITRADE_KEK
fi
"$bin" --db "$db" serve --listen 127.0.0.1:0 --port-file "$tmp/port" --log-key "$tmp/log.key" \
  --admin-token-file "$tmp/admin" >"$tmp/stdout" 2>"$tmp/log" &
pid=$!
for _ in $(seq 1 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
[ -s "$tmp/port" ] || { echo "server did not start"; cat "$tmp/log"; exit 1; }
url="http://127.0.0.1:$(cat "$tmp/port")"
admin=$(cat "$tmp/admin")

api() {  # method path token [curl args...]: prints the body, fails on HTTP >= 400
  local method=$1 path=$2 token=$3; shift 3
  curl -sf -X "$method" "$url$path" -H "Authorization: Bearer $token" "$@"
}
json() { api "$@" -H 'Content-Type: application/json'; }

# An organisation, a trader in it and a bank user outside it.
org=$(json POST /v1/organisations "$admin" \
  -d '{"name":"Tianjin Port Trading","identifier_scheme":"uscc","identifier":"91350100M000100Y43"}' | jq -r .id)
trader_id=$(json POST /v1/users "$admin" -d "{\"name\":\"billing\",\"roles\":[\"trader\"],\"organisation_id\":\"$org\"}" | jq -r .id)
trader=$(json POST /v1/tokens "$admin" -d "{\"user_id\":\"$trader_id\",\"label\":\"t\"}" | jq -r .token)
bank_id=$(json POST /v1/users "$admin" -d '{"name":"bank","roles":["bank"]}' | jq -r .id)
bank=$(json POST /v1/tokens "$admin" -d "{\"user_id\":\"$bank_id\",\"label\":\"b\"}" | jq -r .token)
[ -n "$trader" ] && [ "$trader" != null ] && [ -n "$bank" ] || { echo "setup failed"; cat "$tmp/log"; exit 1; }

export DIGITRADE_SERVER=$url
check "register before the organisation has a key: refused" 2 \
  env DIGITRADE_TOKEN="$trader" "$bin" einvoice register "$data/clean-invoice.xml"
expect_out "says what is missing" "no signing key"

# A server-held ec-p256 key, certified by a CA the platform trusts.
key=$(json POST "/v1/organisations/$org/signing-keys" "$trader" -d '{"type":"ec-p256"}')
key_id=$(jq -r .id <<<"$key")
jq -c .public_jwk <<<"$key" >"$tmp/key.jwk"
node -e 'const c=require("crypto");const j=JSON.parse(require("fs").readFileSync(process.argv[1]));
process.stdout.write(c.createPublicKey({key:j,format:"jwk"}).export({type:"spki",format:"pem"}))' \
  "$tmp/key.jwk" >"$tmp/key.pub.pem"
"$bin" ca init --dir "$tmp/ca" --type ec-p256 --cn "Pilot Zone CA" --c CN >/dev/null 2>&1
"$bin" ca issue --dir "$tmp/ca" --public-key "$tmp/key.pub.pem" --cn "Tianjin Port Trading" --c CN \
  --out "$tmp/org.pem" >/dev/null 2>&1
json PUT "/v1/signing-keys/$key_id/certificate" "$trader" \
  -d "$(jq -n --rawfile pem "$tmp/org.pem" '{certificate_pem:$pem}')" >/dev/null || echo "FAIL: certificate"
json POST /v1/trust-lists "$admin" \
  -d "$(jq -n --rawfile pem "$tmp/ca/ca.pem" '{content:$pem,name:"cn",jurisdiction:"CN"}')" >/dev/null ||
  echo "FAIL: trust list"

export DIGITRADE_TOKEN=$trader
check "register needs a token" 2 env -u DIGITRADE_TOKEN "$bin" einvoice register "$data/clean-invoice.xml"
check "register a fatal invoice: its findings, exit 1" 1 \
  "$bin" einvoice register "$data/fatal-payable-mismatch.xml"
expect_out "the rule that failed" "fatal BR-CO-16"
check "register an unreadable file" 2 "$bin" einvoice register "$data/unreadable.xml"
check "register a clean invoice" 0 "$bin" einvoice register "$data/clean-invoice.xml" --out "$tmp/signed.xml"
expect_out "registered with a log index" "registered einv_[0-9a-f]\{20\} (invoice DT-2026-0001, seller vat:DE123456789), log index 0"
check "register it again: duplicate" 2 "$bin" einvoice register "$data/clean-invoice.xml"
expect_out "names the existing one" "already registered: einv_"
check "register a CII invoice (--json)" 0 "$bin" --json einvoice register "$data/clean-invoice-cii.xml"
expect_out "json body" '"invoice_number":"DT-2026-0003"'

# Interop: xmlsec1 verifies our signature with the CA as its only trust.
check "xmlsec1 verifies the signed invoice" 0 xmlsec1 --verify --trusted-pem "$tmp/ca/ca.pem" "$tmp/signed.xml"

# A bank checks it.
export DIGITRADE_TOKEN=$bank
vkey=$(curl -sf "$url/log/evidence" | jq -r .verifier_key)
check "verify the signed invoice (pinned log key)" 0 \
  "$bin" einvoice verify "$tmp/signed.xml" --log-key "$vkey"
expect_out "registered" "registered as einv_"
expect_out "signature passed" "signature: TOTAL_PASSED"
expect_out "log proof verified" "log proof: verified"
check "verify with another log's key: proof fails" 1 "$bin" einvoice verify "$tmp/signed.xml" \
  --log-key "$("$bin" log keygen --origin other.example/log --out "$tmp/other.key" | tail -n 1)"
expect_out "the checkpoint is not that log's" "log proof: FAILED: checkpoint"
check "verify the unsigned original: not registered" 1 "$bin" einvoice verify "$data/clean-invoice.xml"
expect_out "not registered" "NOT registered"
sed 's/119\.00/119.01/' "$tmp/signed.xml" >"$tmp/tampered.xml"
check "one changed byte: detected" 1 "$bin" einvoice verify "$tmp/tampered.xml"
expect_out "not registered" "NOT registered"
expect_out "signature fails" "signature: TOTAL_FAILED"
check "xmlsec1 also rejects the changed byte" 1 xmlsec1 --verify --trusted-pem "$tmp/ca/ca.pem" "$tmp/tampered.xml"

# The proof in the answer verifies offline with `digitrade log verify`.
curl -sf -X POST "$url/v1/einvoices/verify" -H "Authorization: Bearer $bank" \
  -H 'Content-Type: application/xml' --data-binary "@$tmp/signed.xml" >"$tmp/answer.json"
jq -j .log.checkpoint "$tmp/answer.json" >"$tmp/checkpoint"
jq -c .log.inclusion_proof "$tmp/answer.json" >"$tmp/proof.json"
{ jq -j .log.kind "$tmp/answer.json"; printf '\n'; jq -j .log.record "$tmp/answer.json"; } >"$tmp/entry"
check "digitrade log verify: checkpoint, inclusion proof and entry" 0 \
  "$bin" log verify --checkpoint "$tmp/checkpoint" --key "$vkey" --inclusion "$tmp/proof.json" --entry "$tmp/entry"
sed 's/DT-2026-0001/DT-2026-0002/' "$tmp/entry" >"$tmp/entry.forged"
check "digitrade log verify: a forged record fails" 1 \
  "$bin" log verify --checkpoint "$tmp/checkpoint" --key "$vkey" --inclusion "$tmp/proof.json" --entry "$tmp/entry.forged"

check "server unreachable: exit 3" 3 env DIGITRADE_SERVER=http://127.0.0.1:1 \
  "$bin" einvoice verify "$tmp/signed.xml"

kill -TERM "$pid"; wait "$pid"; rc=$?; pid=""
[ "$rc" -eq 0 ] || { echo "FAIL: server exit code $rc after SIGTERM"; tail -20 "$tmp/log"; fails=$((fails + 1)); }
[ "$fails" -eq 0 ] && echo "all einvoice registry checks passed" || { echo "$fails einvoice registry checks failed"; exit 1; }
