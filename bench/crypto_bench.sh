#!/usr/bin/env bash
# Sign and verify ops/s through digitrade's crypto facade beside `openssl
# speed` for the same algorithm on this machine, with the ratio (ours /
# OpenSSL's). usage: bench/crypto_bench.sh [BUILD_DIR] [SECONDS]
# Builds the crypto_bench target in BUILD_DIR (default build/release).
# The goal (issue 3): verification at >= 90% of OpenSSL's own rate.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build/release}"
secs="${2:-3}"
if [ ! -f "$build/build.ninja" ] && [ ! -f "$build/Makefile" ]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$build" --target crypto_bench >/dev/null
ours="$(mktemp)"; theirs="$(mktemp)"
trap 'rm -f "$ours" "$theirs"' EXIT
"$build/bench/crypto_bench" --benchmark_min_time="$secs" --benchmark_format=json >"$ours" 2>/dev/null
openssl speed -seconds "$secs" ed25519 ecdsap256 ecdsap384 rsa2048 sm2 2>/dev/null >"$theirs"
python3 - "$ours" "$theirs" <<'PY'
import json, re, sys
ours = {b["name"]: b["items_per_second"] for b in json.load(open(sys.argv[1]))["benchmarks"]}
text = open(sys.argv[2]).read()
def speed(pattern):
    m = re.search(pattern + r"\s+\S+s\s+\S+s\s+([\d.]+)\s+([\d.]+)", text)
    return (float(m.group(1)), float(m.group(2))) if m else (None, None)
rows = [
    ("Ed25519", "ed25519", r"EdDSA \(Ed25519\)"),
    ("ECDSA P-256", "ecdsa_p256", r"ecdsa \(nistp256\)"),
    ("ECDSA P-384", "ecdsa_p384", r"ecdsa \(nistp384\)"),
    ("RSA-2048 PKCS#1", "rsa2048_pkcs1", r"rsa 2048 bits"),
    ("RSA-2048 PSS", "rsa2048_pss", r"rsa 2048 bits"),
    ("SM2/SM3", "sm2", r"SM2 \(CurveSM2\)"),
]
print(f"{'algorithm':<17}{'op':<8}{'digitrade/s':>13}{'openssl/s':>13}{'ratio':>8}")
for label, name, pattern in rows:
    ref = speed(pattern)
    for i, op in enumerate(("sign", "verify")):
        mine = ours.get(f"BM_{op.capitalize()}/{name}")
        r = ref[i]
        ratio = f"{mine / r:7.2f}" if mine and r else "    n/a"
        print(f"{label:<17}{op:<8}{mine or 0:>13.0f}{r or 0:>13.0f}{ratio:>8}")
print("\nratio = digitrade / openssl speed (same machine, same run). openssl speed signs a")
print("pre-hashed buffer; digitrade hashes a 32-byte message first and builds its contexts per call.")
PY
