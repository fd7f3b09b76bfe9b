#!/usr/bin/env bash
# The CLI end to end on a throwaway SQLite database: commands, --json output,
# and the documented exit codes (docs/cli.md).
set -uo pipefail
bin=${1:?usage: $0 path/to/digitrade}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
db="sqlite:$tmp/cli.db"
fails=0
check() {  # description, expected exit code, command...
  local what=$1 want=$2; shift 2
  "$@" >"$tmp/out" 2>"$tmp/err"
  local got=$?
  if [ "$got" -ne "$want" ]; then
    echo "FAIL: $what: exit $got, expected $want"; cat "$tmp/out" "$tmp/err"; fails=$((fails + 1))
  else
    echo "ok: $what"
  fi
}
expect_out() {  # description, pattern (in stdout+stderr of the last check)
  if ! grep -q -- "$2" "$tmp/out" "$tmp/err"; then
    echo "FAIL: $1: output lacks \"$2\""; cat "$tmp/out" "$tmp/err"; fails=$((fails + 1))
  fi
}

check "version" 0 "$bin" version
expect_out "version" "digitrade 0.1.0"
check "version --json" 0 "$bin" --json version
expect_out "version --json" '"version":"0.1.0"'
check "--help lists the commands" 0 "$bin" --help
expect_out "--help" "serve"
check "no command is a usage error" 2 "$bin"
check "unknown command" 2 "$bin" frobnicate
check "org create --help" 0 "$bin" org create --help

check "org create (USCC)" 0 "$bin" --db "$db" org create --name "Tianjin Port" --scheme uscc --identifier 91350100M000100Y43
expect_out "org create prints the id" "org_"
check "org create (LEI, --json)" 0 "$bin" --db "$db" --json org create --name Apple --scheme lei --identifier HWUPKR0MPOU8FGXBT394 --country US
expect_out "org create --json" '"identifier_scheme":"lei"'
org_id=$(sed -E 's/.*"id":"(org_[0-9a-f]+)".*/\1/' "$tmp/out")
check "bad USCC check character is bad input" 2 "$bin" --db "$db" org create --name X --scheme uscc --identifier 91350100M000100Y44
expect_out "the message names the expected character" "expected '3'"
check "duplicate identifier is bad input" 2 "$bin" --db "$db" org create --name X --scheme uscc --identifier 91350100M000100Y43
check "missing required option" 2 "$bin" --db "$db" org create --name X
check "org list" 0 "$bin" --db "$db" org list
expect_out "org list shows both" "HWUPKR0MPOU8FGXBT394"
check "org list --json" 0 "$bin" --db "$db" --json org list
[ "$(grep -o '"id"' "$tmp/out" | wc -l)" -eq 2 ] || { echo "FAIL: org list --json has not 2 items"; fails=$((fails + 1)); }

check "user create" 0 "$bin" --db "$db" user create --name li.wei --role carrier --role trader --org "$org_id"
check "user create with an unknown role" 2 "$bin" --db "$db" user create --name x --role pirate
check "token create prints the token once" 0 "$bin" --db "$db" token create --user li.wei --label ci
grep -qE '^dt_[A-Za-z0-9_-]{43}$' "$tmp/out" || { echo "FAIL: token format"; fails=$((fails + 1)); }
check "token create --json" 0 "$bin" --db "$db" --json token create --user li.wei
tok_id=$(sed -E 's/.*"id":"(tok_[0-9a-f]+)".*/\1/' "$tmp/out")
check "token revoke" 0 "$bin" --db "$db" token revoke "$tok_id"
check "token revoke twice is bad input" 2 "$bin" --db "$db" token revoke "$tok_id"
check "token for an unknown user" 2 "$bin" --db "$db" token create --user nobody
check "an unknown database scheme is bad input" 2 "$bin" --db "mysql://x" org list
check "an unreachable PostgreSQL is a failure" 3 "$bin" --db "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2" org list

# Nothing of the refused commands was written.
"$bin" --db "$db" --json org list | grep -o '"id"' | wc -l | grep -qx 2 || { echo "FAIL: refused commands wrote"; fails=$((fails + 1)); }

[ $fails -eq 0 ] && echo "cli: all passed" || echo "cli: $fails failed"
[ $fails -eq 0 ]
