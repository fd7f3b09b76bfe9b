#!/usr/bin/env bash
# clang-tidy over src/ with the checks in .clang-tidy; fails on any finding.
# Debian 12's clang-tidy 14 cannot fully compile libstdc++ 12's
# std::expected (it lacks conditionally trivial special members, P0848), so
# its compile diagnostics (clang-diagnostic-*) are noise here and are
# filtered out; the checks themselves still run on the AST it builds. Where
# that AST is broken (calls through std::expected), bugprone-branch-clone and
# bugprone-narrowing-conversions can report false positives; read findings
# with that in mind. Not part of `make test` for that reason.
# usage: scripts/tidy.sh BUILD_DIR [FILES...]
set -uo pipefail
build=${1:?usage: $0 BUILD_DIR [FILES...]}; shift
root="$(cd "$(dirname "$0")/.." && pwd)"
if [ $# -eq 0 ]; then
  mapfile -t files < <(find "$root/src" -name '*.cc' ! -name '*_test.cc' | sort)
else
  files=("$@")
fi
out=$(printf '%s\n' "${files[@]}" | xargs -P "$(nproc)" -n 4 clang-tidy -p "$build" --quiet \
  --extra-arg=-std=c++2b --extra-arg=-D__cpp_concepts=202002L \
  --extra-arg=-Wno-builtin-macro-redefined --extra-arg=-Wno-macro-redefined 2>/dev/null)
findings=$(grep -E "^$root/src/.*(warning|error): .*\[(bugprone|performance|modernize|google|readability)-" <<<"$out" | sort -u)
if [ -n "$findings" ]; then
  echo "$findings"
  echo "tidy: $(wc -l <<<"$findings") findings"
  exit 1
fi
echo "tidy: clean (${#files[@]} files)"
