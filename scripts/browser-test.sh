#!/usr/bin/env bash
# End-to-end browser test: starts `digitrade serve` with the demo data on a
# throwaway SQLite database and a free port, runs web/tests/portal.test.mjs
# (playwright-core driving Debian's chromium) against it, then stops the
# server with SIGTERM and checks it shut down cleanly.
# usage: scripts/browser-test.sh path/to/digitrade
set -euo pipefail
bin=${1:?usage: $0 path/to/digitrade}
root="$(cd "$(dirname "$0")/.." && pwd)"
tmp=$(mktemp -d)
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

# A DCSA PINT identity, so the portal can send a record to a peer platform.
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$tmp/pint.key" 2>/dev/null
DIGITRADE_PINT_PLATFORM=DGTR DIGITRADE_PINT_KEY="$tmp/pint.key" \
"$bin" --db "sqlite:$tmp/portal.db" serve --demo --listen 127.0.0.1:0 \
  --web-root "$root/web/dist" --port-file "$tmp/port" --admin-token-file "$tmp/token" \
  >"$tmp/stdout" 2>"$tmp/server.log" &
pid=$!
for _ in $(seq 1 100); do
  [ -s "$tmp/port" ] && break
  kill -0 "$pid" 2>/dev/null || { echo "browser-test: server exited early:"; cat "$tmp/server.log"; exit 1; }
  sleep 0.1
done
[ -s "$tmp/port" ] || { echo "browser-test: server did not start within 10 s"; cat "$tmp/server.log"; exit 1; }

export DIGITRADE_URL="http://127.0.0.1:$(cat "$tmp/port")"
export DIGITRADE_TOKEN="$(cat "$tmp/token")"
status=0
node "$root/web/tests/portal.test.mjs" || status=$?

kill -TERM "$pid"
if ! wait "$pid"; then
  echo "browser-test: server did not exit cleanly on SIGTERM"; tail -5 "$tmp/server.log"; status=1
fi
pid=""
grep -q '"msg":"stopped"' "$tmp/server.log" || { echo "browser-test: no clean shutdown logged"; status=1; }
[ $status -eq 0 ] && echo "browser-test: passed"
exit $status
