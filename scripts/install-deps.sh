#!/usr/bin/env bash
# Installs every package digitrade needs to build, run, test and benchmark.
# Debian 12 (bookworm) packages by name, then the portal's npm packages from
# web/package-lock.json. Idempotent: safe to re-run; it installs only what is
# missing. Run as root (or with sudo available).
set -euo pipefail

PACKAGES=(
  # toolchain
  build-essential make cmake ninja-build ccache mold pkg-config git ca-certificates
  clang-format clang-tidy afl++
  # libraries
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libssl-dev openssl libsqlite3-dev sqlite3 libpq-dev
  libcli11-dev libfmt-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  zlib1g-dev libxml2-dev libxmlsec1-dev libxmlsec1-openssl xmlsec1
  # test and benchmark peers
  postgresql postgresql-client
  chromium
  wrk hyperfine
  golang-go golang-golang-x-mod-dev
  default-jre-headless libsaxonhe-java
  python3 python3-yaml curl procps
)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
# Node.js and npm: Debian's own (18 and 9) unless a node is already present.
if ! command -v node >/dev/null 2>&1; then missing+=(nodejs); fi
if ! command -v npm >/dev/null 2>&1; then missing+=(npm); fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "install-deps: Debian packages present"
fi

# npm packages, exactly as pinned in each committed lock file: the portal
# (web/) and the interoperability peers used by tests (tests/interop/).
here="$(cd "$(dirname "$0")/.." && pwd)"
for dir in "$here/web" "$here/tests/interop"; do
  [ -f "$dir/package-lock.json" ] || continue
  stamp="$dir/node_modules/.install-stamp"
  if [ ! -f "$stamp" ] || [ "$dir/package-lock.json" -nt "$stamp" ]; then
    echo "install-deps: npm ci in ${dir#$here/}"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    touch "$stamp"
  fi
done
