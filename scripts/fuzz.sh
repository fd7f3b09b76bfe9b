#!/usr/bin/env bash
# Coverage-guided fuzzing of one target with AFL++ (afl-g++-fast and
# libAFLDriver.a from Debian's afl++ package).
# usage: scripts/fuzz.sh TARGET [SECONDS]   e.g. scripts/fuzz.sh http_request 300
# Findings go to build/fuzz/findings-TARGET/; crashes to .../default/crashes/.
set -euo pipefail
target=${1:?usage: $0 TARGET [SECONDS] (targets: fuzz/*.cc)}
secs=${2:-60}
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$root/build/fuzz"
[ -f "$root/fuzz/$target.cc" ] || { echo "no fuzz target fuzz/$target.cc"; exit 2; }
CC=afl-gcc-fast CXX=afl-g++-fast cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DDIGITRADE_FUZZ_AFL=ON -DDIGITRADE_TESTS=OFF -DDIGITRADE_WERROR=OFF >/dev/null
cmake --build "$build" --target "fuzz_$target"
export AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1
afl-fuzz -V "$secs" -i "$root/fuzz/corpus/$target" -o "$build/findings-$target" -- "$build/fuzz/fuzz_$target"
crashes=$(find "$build/findings-$target" -path '*crashes/id*' | wc -l)
echo "fuzz: $target ran ${secs}s; crashes: $crashes"
[ "$crashes" -eq 0 ]
