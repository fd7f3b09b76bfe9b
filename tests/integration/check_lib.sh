# Shared helpers for the CLI integration scripts (sourced). Needs $tmp and
# counts failures in $fails.
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
