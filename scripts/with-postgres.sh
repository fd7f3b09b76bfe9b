#!/usr/bin/env bash
# Runs COMMAND with a throwaway PostgreSQL server and DIGITRADE_TEST_POSTGRES
# pointing at it:
#
#   scripts/with-postgres.sh build/storage/src/storage/storage_test
#   scripts/with-postgres.sh ctest --test-dir build/storage -R Postgres
#
# The server comes from Debian's postgresql package (/usr/lib/postgresql/*/bin),
# lives in a fresh mktemp -d directory, trusts local connections and listens
# only on a Unix socket in that directory. As root it runs as the `postgres`
# OS user. It is stopped and its directory removed however the script ends;
# the exit code is COMMAND's.
#
# Environment: DIGITRADE_PG_START_TIMEOUT (seconds to wait for the server,
# default 30).
set -euo pipefail

die() {
  echo "with-postgres: $*" >&2
  exit 2
}

[[ $# -gt 0 ]] || die "usage: $0 COMMAND [ARGS...]"

pg_bin=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -type d -name bin 2>/dev/null |
  sort -V | tail -n 1)
[[ -n "$pg_bin" && -x "$pg_bin/initdb" ]] ||
  die "no PostgreSQL server under /usr/lib/postgresql/*/bin (apt-get install postgresql)"
command -v pg_isready >/dev/null || die "pg_isready not found (apt-get install postgresql-client)"

start_timeout=${DIGITRADE_PG_START_TIMEOUT:-30}
[[ "$start_timeout" =~ ^[0-9]+$ ]] || die "DIGITRADE_PG_START_TIMEOUT must be a whole number"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/digitrade-pg.XXXXXX")
data="$tmp/data"
log="$tmp/server.log"

# Runs a server program as the user that owns the cluster.
as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    (cd "$tmp" && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

# shellcheck disable=SC2317  # invoked by the trap
cleanup() {
  if [[ -f "$data/postmaster.pid" ]]; then
    as_owner "$pg_bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

# The socket path ($tmp/.s.PGSQL.<port>) must fit in sockaddr_un (107 bytes)
# and the directory must be usable inside a URL without escaping.
[[ "$tmp" =~ ^[A-Za-z0-9/._-]+$ ]] || die "temporary directory $tmp has unusual characters; set TMPDIR"
((${#tmp} <= 80)) || die "temporary directory $tmp is too long for a Unix socket path; set TMPDIR"

if [[ $(id -u) -eq 0 ]]; then
  id postgres >/dev/null 2>&1 || die "running as root needs the 'postgres' OS user"
  chown postgres: "$tmp"
fi
chmod 700 "$tmp"

# A port number nothing listens on. The socket lives in our own directory, so
# only the number in its name matters; skip ports in use on loopback anyway.
port=""
for _ in $(seq 1 50); do
  candidate=$((20000 + RANDOM % 40000))
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then
    port=$candidate
    break
  fi
done
[[ -n "$port" ]] || die "could not find a free port number"

as_owner "$pg_bin/initdb" -D "$data" --auth=trust --username=postgres --encoding=UTF8 \
  --locale=C.UTF-8 --no-sync --no-instructions >"$tmp/initdb.log" 2>&1 || {
  cat "$tmp/initdb.log" >&2
  die "initdb failed"
}

cat >>"$data/postgresql.conf" <<EOF
listen_addresses = ''
unix_socket_directories = '$tmp'
port = $port
fsync = off
max_connections = 200
EOF

as_owner "$pg_bin/pg_ctl" -D "$data" -l "$log" -W start >/dev/null ||
  die "pg_ctl start failed: $(tail -n 20 "$log" 2>/dev/null)"

deadline=$((SECONDS + start_timeout))
until pg_isready -q -h "$tmp" -p "$port" -U postgres -d postgres; do
  if ((SECONDS >= deadline)); then
    echo "with-postgres: the server did not accept connections within ${start_timeout}s; its log:" >&2
    tail -n 40 "$log" >&2 || true
    exit 2
  fi
  sleep 0.1
done

export DIGITRADE_TEST_POSTGRES="postgresql:///postgres?host=$tmp&port=$port&user=postgres"
export PGHOST="$tmp" PGPORT="$port" PGUSER=postgres PGDATABASE=postgres

# Run COMMAND in the background so that a signal to this script is handled
# at once: pass it on, wait for COMMAND, then clean up. `<&0` keeps stdin.
"$@" <&0 &
child=$!
# shellcheck disable=SC2317  # invoked by the traps
forward() {
  kill "-$1" "$child" 2>/dev/null || true
  wait "$child" || true
  exit "$2"
}
trap 'forward INT 130' INT
trap 'forward TERM 143' TERM
trap 'forward HUP 129' HUP
status=0
wait "$child" || status=$?
exit "$status"
