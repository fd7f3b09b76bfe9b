#!/usr/bin/env bash
# E-invoice validation throughput and peak memory: digitrade's native rules
# beside Saxon-HE running the official Schematron on the same documents in
# the same run, reported as a ratio (elapsed time, and CPU time, which a
# machine shared with other work distorts less). Measures; never asserts.
#
#   bench/einvoice_bench.sh DIGITRADE_BIN OFFICIAL_SCH RULESET CORPUS_DIR [LINES]
#
# OFFICIAL_SCH is the official rule file you fetched yourself (it is never
# committed), e.g. from ConnectingEurope/eInvoicing-EN16931 (1.3.16):
#   ubl/schematron/preprocessed/EN16931-UBL-validation-preprocessed.sch
# RULESET is the matching digitrade rule set (CEN-UBL-1.3.16, ...).
# CORPUS_DIR is a directory of documents (e.g. ../shared/testdata/einvoice/corpus/en-ubl).
# LINES (default 5000): the size of the generated large invoice (UBL only; 0 skips it).
# EINVOICE_BENCH_JOBS (default 2): digitrade's workers (-j): Saxon uses both
# cores whatever this says, so -j 2 is the like-for-like comparison (files
# shared out in the corpus; a single large file validated on both threads).
# EINVOICE_BENCH_JOBS=1 measures ours on one core.
# EINVOICE_BENCH_REPS (default 5): our side runs this many times and the
# median is reported (Saxon, seconds per run, once).
set -euo pipefail
bin=${1:?usage: $0 DIGITRADE_BIN OFFICIAL_SCH RULESET CORPUS_DIR [LINES]}
sch=${2:?official Schematron file}
rules=${3:?rule set}
corpus=${4:?corpus directory}
lines=${5:-5000}
jobs=${EINVOICE_BENCH_JOBS:-2}
reps=${EINVOICE_BENCH_REPS:-5}
here=$(cd "$(dirname "$0")" && pwd)
shared=${DIGITRADE_SHARED_DIR:-$here/../../shared}
saxon=/usr/share/java/Saxon-HE.jar
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

python3 "$shared/tools/einvoice/compile_sch.py" "$sch" "$tmp/rules.xslt"
mkdir -p "$tmp/corpus" "$tmp/large" "$tmp/out1" "$tmp/out2"
cp "$corpus"/*.xml "$tmp/corpus/"
n=$(ls "$tmp/corpus" | wc -l)

# A large invoice: the sample invoice with LINES identical lines.
python3 - "$here/../tests/einvoice/data/clean-invoice.xml" "$lines" > "$tmp/large/large.xml" <<'PY'
import re, sys
src = open(sys.argv[1]).read(); n = int(sys.argv[2])
line = re.search(r'<cac:InvoiceLine>.*?</cac:InvoiceLine>', src, re.S).group(0)
lines = ''.join(line.replace('<cbc:ID>1</cbc:ID>', '<cbc:ID>%d</cbc:ID>' % (i + 1)) for i in range(n))
total = '%d.00' % (100 * n); vat = '%d.00' % (19 * n); gross = '%d.00' % (119 * n)
src = src.replace(line, lines)
src = re.sub(r'(<cbc:(?:LineExtensionAmount|TaxExclusiveAmount|TaxableAmount) currencyID="EUR">)100\.00(?=</cbc:(?:LineExtensionAmount|TaxExclusiveAmount|TaxableAmount)>\s*<(?!cac:Item))', r'\g<1>' + total, src)
src = src.replace('<cbc:TaxAmount currencyID="EUR">19.00', '<cbc:TaxAmount currencyID="EUR">' + vat)
src = re.sub(r'119\.00', gross, src)
print(src)
PY

# label, command... -> prints "seconds peak_kb user_seconds system_seconds":
# wall time from a monotonic clock and CPU time from getrusage, both to the
# microsecond (/usr/bin/time's 10 ms was coarser than our whole run).
measure() {
  local label=$1; shift
  python3 - "$@" 2>"$tmp/err.$label" <<'PY'
import os, subprocess, sys, time
t0 = time.perf_counter()
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
_, _, r = os.wait4(p.pid, 0)  # this child's own usage, peak included
t = time.perf_counter() - t0
print(f"{t:.4f} {r.ru_maxrss} {r.ru_utime:.4f} {r.ru_stime:.4f}")
PY
}

# The median (by elapsed time) of `reps` runs of measure.
measure_median() {
  local label=$1 reps=$2; shift 2
  for _ in $(seq "$reps"); do measure "$label" "$@"; done | sort -n | sed -n "$(( (reps + 1) / 2 ))p"
}

run_pair() {  # name, dir, docs
  local name=$1 dir=$2 docs=$3
  read -r st sm su ss < <(measure saxon java -Xss8m -jar "$saxon" -s:"$dir" -xsl:"$tmp/rules.xslt" -o:"$tmp/out1")
  read -r dt dm du ds < <(measure_median native "$reps" "$bin" einvoice validate -q -j "$jobs" --rules "$rules" "$dir"/*.xml)
  python3 - "$name" "$docs" "$jobs" "$st" "$sm" "$su" "$ss" "$dt" "$dm" "$du" "$ds" <<'PY'
import sys
name, docs, jobs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
st, sm, su, ss, dt, dm, du, ds = map(float, sys.argv[4:])
st = max(st, 0.0005); dt = max(dt, 0.0005)
sc = max(su + ss, 0.0005); dc = max(du + ds, 0.0005)
print(f"{name}: {docs} documents")
print(f"  Saxon-HE + official rules: {st:8.2f} s  {docs / st:10.1f} docs/s  peak {sm / 1024:7.1f} MB  cpu {sc:7.2f} s")
print(f"  digitrade native (-j {jobs}):  {dt:8.3f} s  {docs / dt:10.1f} docs/s  peak {dm / 1024:7.1f} MB  cpu {dc:7.3f} s")
print(f"  throughput ratio: {st / dt:.1f}x elapsed, {sc / dc:.1f}x cpu   (goal: >= 100x at < 50 MB)")
PY
}

echo "rules: $rules vs $(basename "$sch") (both include process start-up)"
echo
run_pair "corpus $(basename "$corpus")" "$tmp/corpus" "$n"
if [ "$lines" -gt 0 ]; then
  run_pair "large invoice ($lines lines, $(du -k "$tmp/large/large.xml" | cut -f1) KB)" "$tmp/large" 1
fi
