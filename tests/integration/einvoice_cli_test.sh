#!/usr/bin/env bash
# `digitrade einvoice validate` end to end: verdicts, summary, --json, SVRL,
# the batch mode and the documented exit codes (0 clean, 1 fatal or crash,
# 2 unreadable).
set -uo pipefail
bin=${1:?usage: $0 path/to/digitrade}
data=$(cd "$(dirname "$0")/../einvoice/data" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
source "$(dirname "$0")/check_lib.sh"

check "einvoice validate --help" 0 "$bin" einvoice validate --help
check "a clean invoice" 0 "$bin" einvoice validate "$data/clean-invoice.xml"
expect_out "clean verdict" "clean-invoice.xml: clean"
check "a fatal error" 1 "$bin" einvoice validate "$data/fatal-payable-mismatch.xml"
expect_out "the rule id and where" "fatal BR-CO-16 at /ubl:Invoice/cac:LegalMonetaryTotal"
check "xs:decimal('1,00') stops the official rules" 1 "$bin" einvoice validate "$data/crash-decimal-comma.xml"
expect_out "crash verdict" "crash-decimal-comma.xml: crash"
check "not XML is unreadable" 2 "$bin" einvoice validate "$data/unreadable.xml"
expect_out "precise parse error" "not well-formed XML: line 1"
check "a missing file is unreadable" 2 "$bin" einvoice validate "$tmp/none.xml"
expect_out "why" "none.xml: unreadable: cannot open: No such file or directory"
check "a directory is unreadable" 2 "$bin" einvoice validate "$tmp"
expect_out "why" "unreadable: is a directory"
check "a pipe is read as it comes" 0 sh -c "cat '$data/clean-invoice.xml' | '$bin' einvoice validate /dev/stdin"
expect_out "pipe verdict" "/dev/stdin: clean"
check "an unknown rule set is bad input" 2 "$bin" einvoice validate --rules CEN-UBL-0 "$data/clean-invoice.xml"
check "batch: the worst verdict decides" 2 "$bin" einvoice validate -j 2 --progress "$data"/*.xml
expect_out "batch summary" "6 files: 3 clean, 0 with warnings only, 1 fatal, 1 crash, 1 unreadable"
check "batch --json" 1 "$bin" --json einvoice validate -j 2 "$data/clean-invoice.xml" "$data/fatal-payable-mismatch.xml"
expect_out "json summary" '"summary":{"files":2,"clean":1,"warnings":0,"fatal":1,"crash":0,"unreadable":0}'
check "--svrl" 1 "$bin" einvoice validate --svrl "$data/fatal-payable-mismatch.xml"
expect_out "svrl failed-assert" '<svrl:failed-assert id="BR-CO-16" flag="fatal"'

[ "$fails" -eq 0 ] && echo "all einvoice CLI checks passed" || echo "$fails einvoice CLI checks failed"
[ "$fails" -eq 0 ]
