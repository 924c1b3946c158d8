#!/usr/bin/env bash
# Start a throw-away PostgreSQL on loopback for the test suite and print its DATABASE_URL.
# Installs Debian's postgresql when it is missing. Idempotent: a running server is reused.
set -euo pipefail
PORT="${GUYUB_PG_PORT:-54329}"
DATA="${GUYUB_PG_DATA:-/tmp/guyub-pg}"

pg_bin() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  echo "$d"
}

if [ -z "$(pg_bin)" ]; then
  echo "Installing PostgreSQL from Debian's packages..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 && apt-get install -y -qq postgresql >&2
fi
BIN=$(pg_bin)

as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

if ! as_pg "$BIN/pg_isready" -h 127.0.0.1 -p "$PORT" -q; then
  if [ ! -f "$DATA/PG_VERSION" ]; then
    mkdir -p "$DATA"
    [ "$(id -u)" = 0 ] && chown postgres: "$DATA"
    as_pg "$BIN/initdb" -D "$DATA" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >&2
  fi
  as_pg "$BIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w \
    -o "-h 127.0.0.1 -p $PORT -k /tmp -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    start >&2
fi
"$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='guyub'" | grep -q 1 \
  || "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres guyub
echo "postgres://postgres@127.0.0.1:$PORT/guyub"
