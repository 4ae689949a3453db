#!/usr/bin/env bash
# Prints a DATABASE_URL for a local PostgreSQL server, starting the server if it is installed but stopped.
# Prints nothing when no server can be had; the tests then run on SQLite.
set -uo pipefail

url="${TEST_DATABASE_URL:-postgres://postgres:postgres@127.0.0.1:5432/primaweb}"

ready() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }

if command -v pg_isready >/dev/null 2>&1 && ! ready && command -v pg_ctlcluster >/dev/null 2>&1; then
  for version in $(ls /etc/postgresql 2>/dev/null); do
    for cluster in $(ls "/etc/postgresql/$version" 2>/dev/null); do
      pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" start >/dev/null 2>&1 || true
    done
  done
  for _ in $(seq 1 20); do ready && break; sleep 0.5; done
fi
command -v pg_isready >/dev/null 2>&1 && ready || exit 0

# A fresh Debian server asks for a password on TCP: give the postgres role the one in the URL.
if ! PGPASSWORD=postgres psql -h 127.0.0.1 -U postgres -d postgres -Atqc 'select 1' >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ] && command -v runuser >/dev/null 2>&1; then
    runuser -u postgres -- psql -qc "ALTER USER postgres PASSWORD 'postgres'" >/dev/null 2>&1 || true
  fi
  PGPASSWORD=postgres psql -h 127.0.0.1 -U postgres -d postgres -Atqc 'select 1' >/dev/null 2>&1 || exit 0
fi
echo "$url"
