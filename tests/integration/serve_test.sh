#!/usr/bin/env bash
# `digitrade serve` end to end on SQLite or PostgreSQL: first-start admin
# token, health, metrics, OpenAPI, an authenticated write and read, bad input,
# TLS, and a graceful SIGTERM. usage: serve_test.sh path/to/digitrade sqlite|postgres
set -uo pipefail
bin=${1:?usage: $0 path/to/digitrade sqlite|postgres}
engine=${2:-sqlite}
tmp=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
if [ "$engine" = postgres ]; then
  [ -n "${DIGITRADE_TEST_POSTGRES:-}" ] || { echo "skip: DIGITRADE_TEST_POSTGRES not set"; exit 77; }
  # A database of its own, so reruns start empty.
  dbname="serve_test_$$"
  psql "$DIGITRADE_TEST_POSTGRES" -qc "CREATE DATABASE $dbname" || exit 1
  db=$(sed -E "s#^(postgresql://[^/]*/)[^?]*#\1$dbname#" <<<"$DIGITRADE_TEST_POSTGRES")
  trap '[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null; psql "$DIGITRADE_TEST_POSTGRES" -qc "DROP DATABASE IF EXISTS $dbname" >/dev/null 2>&1; rm -rf "$tmp"' EXIT
  expect_db=postgresql
else
  db="sqlite:$tmp/serve.db"
  expect_db=sqlite
fi
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
# has URL PATTERN [curl args...]: the response body matches PATTERN. (Not a
# pipe into grep -q: with pipefail, grep's early exit fails curl with SIGPIPE.)
has() {
  local url=$1 pattern=$2; shift 2
  local body
  body=$(curl -sf "$@" "$url") || return 1
  grep -q -- "$pattern" <<<"$body"
}

start() {  # extra serve args...
  rm -f "$tmp/port"
  "$bin" --db "$db" serve --listen 127.0.0.1:0 --port-file "$tmp/port" "$@" >"$tmp/stdout" 2>"$tmp/log" &
  pid=$!
  for _ in $(seq 1 100); do [ -s "$tmp/port" ] && return 0; sleep 0.1; done
  echo "server did not start"; cat "$tmp/log"; exit 1
}
stop() {
  kill -TERM "$pid"; wait "$pid"; local rc=$?; pid=""
  [ $rc -eq 0 ] || fail "exit code $rc after SIGTERM"
  grep -q '"msg":"stopped"' "$tmp/log" || fail "no clean shutdown in the log"
}

start --admin-token-file "$tmp/token"
url="http://127.0.0.1:$(cat "$tmp/port")"
token=$(cat "$tmp/token")
grep -q "$token" "$tmp/stdout" || fail "first start did not print the admin token"
grep -qE '^dt_[A-Za-z0-9_-]{43}$' "$tmp/token" || fail "admin token file format"
[ "$(stat -c %a "$tmp/token")" = 600 ] || fail "admin token file is not mode 0600"

has "$url/healthz" "\"status\":\"ok\".*\"database\":\"$expect_db\"" || fail "healthz"
has "$url/openapi.yaml" "^openapi: 3.1.0" || fail "openapi.yaml"
code=$(curl -s -o "$tmp/body" -w '%{http_code}' -X POST "$url/v1/organisations" -H 'Content-Type: application/json' -d '{}')
[ "$code" = 401 ] || fail "write without a token: $code"
grep -q 'urn:digitrade:problem:unauthenticated' "$tmp/body" || fail "401 is not a problem"
code=$(curl -s -o "$tmp/body" -w '%{http_code}' -X POST "$url/v1/organisations" -H "Authorization: Bearer $token" \
  -H 'Content-Type: application/json' -d '{"name":"Tianjin Port","identifier_scheme":"uscc","identifier":"91350100M000100Y43"}')
[ "$code" = 201 ] || fail "create organisation: $code $(cat "$tmp/body")"
code=$(curl -s -o "$tmp/body" -w '%{http_code}' -X POST "$url/v1/organisations" -H "Authorization: Bearer $token" \
  -H 'Content-Type: application/json' --data-binary @<(head -c 2000000 /dev/zero | tr '\0' ' '))
[ "$code" = 413 ] || fail "oversized body: $code"
has "$url/v1/organisations" '91350100M000100Y43' -H "Authorization: Bearer $token" || fail "list organisations"
has "$url/metrics" 'digitrade_http_requests_total{route="/v1/organisations",method="POST",status="201"} 1' || fail "metrics"
grep -q '"msg":"request".*"route":"/v1/organisations"' "$tmp/log" || fail "access log"
stop

# Second start: no new admin token; the data is still there (also via the CLI).
start
grep -q "dt_" "$tmp/stdout" && fail "second start printed a token"
grep -q 91350100M000100Y43 <<<"$("$bin" --db "$db" org list)" || fail "CLI does not see the organisation"
stop

# TLS with a self-signed certificate.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=localhost \
  -keyout "$tmp/key.pem" -out "$tmp/cert.pem" >/dev/null 2>&1
start --tls-cert "$tmp/cert.pem" --tls-key "$tmp/key.pem"
has "https://localhost:$(cat "$tmp/port")/healthz" '"status":"ok"' --cacert "$tmp/cert.pem" || fail "healthz over TLS"
# A monitor follows the evidence log over HTTPS, verifying the certificate.
vkey=$(sed -n 's/.*verifier key: //p' "$tmp/stdout")
"$bin" log monitor "https://localhost:$(cat "$tmp/port")/log/evidence" --key "$vkey" \
  --cacert "$tmp/cert.pem" --polls 1 --interval 0 >"$tmp/monitor" 2>&1 || { fail "log monitor over https"; cat "$tmp/monitor"; }
"$bin" log monitor "https://localhost:$(cat "$tmp/port")/log/evidence" --key "$vkey" --polls 1 \
  --interval 0 >"$tmp/monitor" 2>&1 && { fail "log monitor trusted a self-signed certificate"; cat "$tmp/monitor"; }
stop

[ $fails -eq 0 ] && echo "serve ($engine): all passed" || echo "serve ($engine): $fails failed"
[ $fails -eq 0 ]
